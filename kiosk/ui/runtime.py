"""Start-up for the Kivy shell: configure Kivy before it is imported, and find a display.

Kivy reads its configuration when it is first imported, so everything here runs before
`kiosk.ui.app` is imported.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

_xvfb: subprocess.Popen[bytes] | None = None


def has_display() -> bool:
    """Whether an X or Wayland display is available, or Kivy will draw straight to the console."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("KIVY_WINDOW") == "egl_rpi"
                or os.environ.get("SDL_VIDEODRIVER") in ("kmsdrm", "offscreen"))


def start_virtual_display(width: int, height: int) -> str:
    """Start an Xvfb for this process and point DISPLAY at it; it stops when the kiosk exits."""
    global _xvfb
    if shutil.which("Xvfb") is None:
        raise RuntimeError("no display and no Xvfb to start one; run script/run, which "
                           "installs it, or connect a screen")
    for number in range(50, 100):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and \
                not Path(f"/tmp/.X{number}-lock").exists():
            break
    _xvfb = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24",
                              "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if _xvfb.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the virtual display (Xvfb) did not start")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    return f":{number}"


def stop_virtual_display() -> None:
    """Stop the Xvfb this process started, if any."""
    global _xvfb
    if _xvfb is not None:
        _xvfb.terminate()
        try:
            _xvfb.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _xvfb.kill()
        _xvfb = None


def configure_kivy(data_dir: Path, width: int, height: int, fullscreen: bool,
                   verbose: bool = False) -> None:
    """Set Kivy's environment and configuration; must run before kivy is imported."""
    os.environ["KIVY_NO_ARGS"] = "1"
    # Kivy's own settings live with the kiosk's data, not in the user's home folder.
    kivy_home = Path(os.environ.setdefault("KIVY_HOME", str(Path(data_dir) / "kivy")))
    kivy_home.mkdir(parents=True, exist_ok=True)  # Kivy itself makes only the last folder
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    # No system clipboard: text typed on the kiosk is never handed to other programs.
    os.environ.setdefault("KIVY_CLIPBOARD", "dummy")
    if not verbose:
        os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # Escape means Back, never "quit"
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("graphics", "resizable", "0")
    # A right click must not leave multitouch emulation dots on screen.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    _quiet_cut_buffer()


def _no_cut_buffer(record: logging.LogRecord) -> bool:
    """False for Kivy's complaint that no X cut-buffer tool (xclip, xsel) is installed."""
    return not str(record.msg).startswith("Cutbuffer: Unable to find any valuable")


def _quiet_cut_buffer() -> None:
    """Without xclip or xsel Kivy finds no cut buffer, which is what the kiosk wants (selected
    text is never handed to other programs), but it says so with a page of tracebacks in the
    terminal the first time a text field is touched. Only that message is dropped."""
    from kivy.logger import Logger

    Logger.addFilter(_no_cut_buffer)
