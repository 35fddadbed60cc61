"""`kiosk sync`: send this kiosk's contributions to a shared store (a file or a hub)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.commands.common import data_option
from kiosk.store.db import Store, StoreError, store_in
from kiosk.store.hub.client import sync_to_target
from kiosk.store.hub.token import HubError
from kiosk.store.sync import SyncError


@click.command("sync")
@data_option
@click.option("--to", "target", required=True,
              help="Where to: a folder (its kiosk-shared.db, made if missing), a .db or .sqlite "
                   "file (made if missing), or a hub, http://HOST:PORT.")
@click.option("--token", default=None,
              help="The hub's token (default: the one kept by `kiosk hub-token set`).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(data_dir: Path, target: str, token: str | None, quiet: bool) -> None:
    """Send this kiosk's new contributions to a shared store, exactly once.

    Safe to repeat and safe to interrupt: the next sync carries on.

    \b
    Examples:
        kiosk sync --data ~/kiosk-data --to /media/usb
        kiosk sync --data ~/kiosk-data --to http://192.168.1.20:8765
    """
    path = store_in(data_dir)
    if not path.exists():
        raise click.ClickException(f"{path}: no kiosk store here; check --data names the "
                                   "kiosk's data folder")
    try:
        store = Store(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or total == 0:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Syncing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = sync_to_target(store, target, data_dir, token, progress)
    except (SyncError, HubError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        store.close()
    for note in report.notes:
        click.echo(f"Note: {note}.", err=True)
    click.echo(report.message())
