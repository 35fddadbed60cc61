"""Options and error handling shared by the commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from kiosk.core.pack import PackError


def default_data_dir() -> Path:
    """KIOSK_DATA if set, else a data folder in the current directory."""
    return Path(os.environ.get("KIOSK_DATA", "data"))


data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir, show_default="$KIOSK_DATA or ./data",
    help="Folder holding the kiosk's store, staff settings and packs.")


def fail_on_pack(error: PackError) -> NoReturn:
    """Print every problem of a pack, one line each, and exit with status 2."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(2)
