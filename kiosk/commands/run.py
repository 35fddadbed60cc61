"""kiosk run: start the kiosk."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.commands.common import data_option, fail_on_pack
from kiosk.core.pack import PackError
from kiosk.store import StoreError


@click.command("run")
@data_option
@click.option("--pack", type=click.Path(dir_okay=False, path_type=Path),
              help="Question pack to ask (default: the one chosen in staff mode, else the "
                   "built-in pack).")
@click.option("--fullscreen", is_flag=True, help="Fill the screen (kiosk mode on a device).")
@click.option("--width", default=800, show_default=True, help="Window width in pixels.")
@click.option("--height", default=480, show_default=True, help="Window height in pixels.")
@click.option("--screen-width-mm", type=float,
              help="The screen's visible width in mm, for exact print sizes (default: sizes for "
                   "the 7-inch panel, scaled up on larger windows).")
@click.option("--idle", "idle_seconds", default=60.0, show_default=True,
              help="Seconds without input before the 'are you still there?' warning.")
@click.option("--warning", "warning_seconds", default=30.0, show_default=True,
              help="Seconds the warning waits before starting again (at least 20).")
@click.option("--staff-lock", "staff_lock_seconds", default=180.0, show_default=True,
              help="Seconds without input before staff mode locks itself (it warns first; an "
                   "unsaved pack is kept for the PIN).")
@click.option("--screenshots", type=click.Path(file_okay=False, path_type=Path),
              help="Save a PNG of each screen shown into this folder.")
@click.option("--trace", type=click.Path(dir_okay=False, path_type=Path),
              help="For tests: write each screen, speech and save as a JSON line to this file.")
@click.option("--no-voice", is_flag=True,
              help="No speech out or in: touch, keys and large print only.")
@click.option("--audio-device",
              help="Sound device name for speaker and microphone (default: PulseAudio).")
@click.option("--headphones", metavar="SINK",
              help="PulseAudio sink of a headphones output (see: pactl list short sinks); "
                   "offers 'Headphones only' in Settings, so answers are heard by nobody else.")
@click.option("--printer", type=click.Path(dir_okay=False, path_type=Path),
              envvar="KIOSK_PRINTER", show_envvar=True,
              help="A receipt printer's device (ESC/POS, e.g. /dev/usb/lp0); the thanks screen "
                   "then offers 'Print my code', which prints the withdrawal code and nothing "
                   "else. Not there when the kiosk starts: not offered.")
def command(data_dir: Path, pack: Path | None, fullscreen: bool, width: int, height: int,
            screen_width_mm: float | None, idle_seconds: float, warning_seconds: float,
            staff_lock_seconds: float, screenshots: Path | None, trace: Path | None, no_voice: bool,
            audio_device: str | None, headphones: str | None, printer: Path | None) -> None:
    """Start the kiosk on the built-in question pack (or --pack).

    \b
    Example:
        kiosk run
        kiosk run --pack winter-forum.toml --fullscreen --data /var/lib/kiosk
        kiosk run --headphones alsa_output.usb-headset.analog-stereo
        kiosk run --printer /dev/usb/lp0
    """
    if warning_seconds < 20:
        raise click.BadParameter("must be at least 20 seconds, so people have time to carry "
                                 "on", param_hint="--warning")
    if staff_lock_seconds < 10:
        raise click.BadParameter("must be at least 10 seconds, so staff have time to act",
                                 param_hint="--staff-lock")
    from kiosk.bootstrap import LaunchOptions, run

    options = LaunchOptions(data_dir=data_dir, pack=pack, width=width, height=height,
                            fullscreen=fullscreen, screenshots=screenshots, trace=trace,
                            screen_width_mm=screen_width_mm, idle_seconds=idle_seconds,
                            warning_seconds=warning_seconds, staff_lock_seconds=staff_lock_seconds,
                            voice=not no_voice,
                            audio_device=audio_device, headphones=headphones,
                            printer=printer)
    try:
        run(options)
    except PackError as exc:
        fail_on_pack(exc)
    except (StoreError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
