"""Options and error handling shared by the commands."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from kiosk.core.pack import PackError

if TYPE_CHECKING:
    from kiosk.store.db import Store


def default_data_dir() -> Path:
    """KIOSK_DATA if set, else a data folder in the current directory."""
    return Path(os.environ.get("KIOSK_DATA", "data"))


# The kiosk's own data folder: every command that reads or writes it takes `--data`, defaulting to
# $KIOSK_DATA as the deployed services and the device's `kiosk` wrapper set it.
data_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path),
    default=default_data_dir, show_default="$KIOSK_DATA or ./data",
    help="Folder holding the kiosk's store, staff settings and packs.")


# Every command that shows progress takes `--quiet`: no bar (for scripts, cron and logs).
quiet_option = click.option("--quiet", is_flag=True, help="No progress bar.")


class Command(click.Command):
    """A click command that still accepts, for one release, the old spelling of a renamed option.

    `renamed` maps an old spelling to the new one, e.g. {"--locale": "--language"}. The old one
    works as before and prints a one-line note on stderr; it is not shown in --help.
    """

    def __init__(self, *args: Any, renamed: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.renamed = renamed or {}

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._respell(args))

    def _respell(self, args: list[str]) -> list[str]:
        """The arguments with each old option spelling replaced by the new one."""
        takes_value = {name for param in self.params if isinstance(param, click.Option)
                       and not param.is_flag and not param.count for name in param.opts}
        out: list[str] = []
        skip_value = False
        for index, arg in enumerate(args):
            if arg == "--":
                return out + args[index:]
            if skip_value:  # the value of the option before it, even if it looks like one
                skip_value = False
                out.append(arg)
                continue
            name, equals, value = arg.partition("=")
            if name in self.renamed:
                new = self.renamed[name]
                click.echo(f"note: {name} is now {new}; the old spelling goes in the next "
                           "release", err=True)
                arg = new + equals + value
                name = new
            skip_value = name in takes_value and not equals
            out.append(arg)
        return out


def fail_on_pack(error: PackError) -> NoReturn:
    """Print every problem of a pack, one line each, and exit with status 2."""
    for problem in error.problems:
        click.echo(str(problem), err=True)
    sys.exit(2)


def open_kiosk_store(data_dir: Path, hint: str = "") -> Store:
    """The kiosk's own store in `data_dir`, or a one-line ClickException naming the fix.

    `hint` adds another way out to the message (", or give --from SHARED_STORE")."""
    # Imported here: commands that never open a store should not pay for SQLite at start-up.
    from kiosk.store.db import Store, StoreError, store_in

    path = store_in(data_dir)
    if not path.exists():
        raise click.ClickException(f"{path}: no kiosk store here; check --data names the "
                                   f"kiosk's data folder{hint}")
    try:
        return Store(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
