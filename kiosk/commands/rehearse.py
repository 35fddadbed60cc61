"""kiosk rehearse: walk through a pack in the real window and save a screenshot of each screen."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from kiosk.commands.common import Command, fail_on_pack
from kiosk.core.pack import PackError, load_pack
from kiosk.core.screens import MAX_TEXT_SIZE, THEMES


@click.command("rehearse", cls=Command, renamed={"--locale": "--language"})
@click.argument("pack", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--screenshots", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for one PNG per screen.")
@click.option("--language", help="Language to rehearse in (default: the pack's first).")
@click.option("--theme", type=click.Choice(THEMES), help="Colour theme.")
@click.option("--size", type=click.IntRange(0, MAX_TEXT_SIZE), default=0, show_default=True,
              help=f"Text size step, 0 (default) to {MAX_TEXT_SIZE} (twice the default).")
@click.option("--width", default=800, show_default=True, help="Window width in pixels.")
@click.option("--height", default=480, show_default=True, help="Window height in pixels.")
@click.option("--pages/--first-page-only", default=True, show_default=True,
              help="A screen that scrolls: one PNG per screenful (NAME-p1.png, NAME-p2.png...), "
                   "so every word can be checked; or only its top.")
@click.option("--trace", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write each screen and what it says as JSON lines to this file.")
def command(pack: Path, screenshots: Path, language: str | None, theme: str | None, size: int,
            width: int, height: int, pages: bool, trace: Path | None) -> None:
    """Answer every question of PACK with a sample, in the real window, saving each screen.

    A screen that scrolls is saved a screenful at a time, so every word can be checked.

    Uses a virtual display when there is none. Leaves no contribution behind.

    \b
    Example:
        kiosk rehearse winter-forum.toml --screenshots rehearsal/ --language gd --size 2
    """
    from kiosk.bootstrap import LaunchOptions, run
    from kiosk.devtools.rehearsal import rehearsal_steps

    try:
        loaded, _ = load_pack(pack)
        steps = rehearsal_steps(loaded, language, theme, size)
    except PackError as exc:
        fail_on_pack(exc)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="kiosk-rehearsal-") as scratch:
        # The store lives in a scratch folder that is deleted afterwards: nothing is kept.
        options = LaunchOptions(data_dir=Path(scratch), pack=pack, width=width, height=height,
                                screenshots=screenshots, trace=trace, rehearsal=steps,
                                voice=False, pages=pages)
        run(options)
    shots = sorted(screenshots.glob("*.png"))
    click.echo(f"{len(shots)} screenshots in {screenshots}")
