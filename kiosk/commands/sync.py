"""`kiosk sync`: send this kiosk's contributions to a shared store (a file or a hub)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kiosk.commands.common import data_option, open_kiosk_store, quiet_option
from kiosk.store.hub.target import merge_into_target, sync_to_target
from kiosk.store.hub.token import HubError
from kiosk.store.sync import SyncError


@click.command("sync")
@data_option
@click.option("--to", "target", required=True,
              help="Where to: a folder (the shared store it holds, kiosk-shared.db or an older "
                   "shared.sqlite; else a new kiosk-shared.db), a .db or .sqlite file (made if "
                   "missing), or a hub this kiosk is paired with (`kiosk pair`), "
                   "https://HOST:PORT.")
@click.option("--from-shared", "source", default=None,
              type=click.Path(exists=True, path_type=Path),
              help="Instead of this kiosk's contributions, merge every kiosk's from this shared "
                   "store (a stick's kiosk-shared.db, or its folder) into the target.")
@click.option("--token", default=None,
              help="Staff only: the hub's own token (`kiosk hub-token show` on the hub), needed "
                   "for --from-shared into a hub. A kiosk syncs with its pairing instead.")
@click.option("--fingerprint", default=None,
              help="With --token: the hub's certificate fingerprint as `kiosk hub` printed it "
                   "(a paired folder knows it already).")
@click.option("--insecure", is_flag=True,
              help="Allow a hub address of plain http:// (a hub started with --insecure): "
                   "anyone on the network could read what is sent.")
@quiet_option
def command(data_dir: Path, target: str, source: Path | None, token: str | None,
            fingerprint: str | None, insecure: bool, quiet: bool) -> None:
    """Send this kiosk's new contributions to a shared store, exactly once.

    Safe to repeat and safe to interrupt: the next sync carries on. With --from-shared, merge
    one shared store into another instead (a stick's into the hub's): every kiosk's answers
    and withdrawals, each arriving once however often it is run.

    \b
    Examples:
        kiosk sync --data ~/kiosk-data --to /media/usb
        kiosk sync --data ~/kiosk-data --to https://192.168.1.20:8765
        kiosk sync --from-shared /media/usb/kiosk-shared.db --to https://192.168.1.20:8765 \\
            --token TOKEN --fingerprint "AB12 CD34 ..."
    """
    if source is not None:
        _merge(source, target, data_dir, token, quiet, fingerprint, insecure)
        return
    store = open_kiosk_store(data_dir)
    # What the kiosk holds is counted on another core while it syncs.
    holds = store.tally_meanwhile()
    with _progress_bar(quiet) as progress:
        try:
            report = sync_to_target(store, target, data_dir, token, progress,
                                    fingerprint=fingerprint, insecure=insecure)
            held = holds()
        except (SyncError, HubError) as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            store.close()
    for note in report.notes:
        click.echo(f"Note: {note}.", err=True)
    click.echo(report.message())
    kept_back = report.kept_back_line()
    if kept_back:
        click.echo(kept_back)
    # The same figures as the staff screen, the hub's status page and `kiosk export`.
    click.echo("This kiosk holds:")
    for line in held.lines():
        click.echo(f"  {line}")


def _merge(source: Path, target: str, data_dir: Path, token: str | None, quiet: bool,
           fingerprint: str | None, insecure: bool) -> None:
    """`kiosk sync --from-shared SOURCE --to TARGET`."""
    with _progress_bar(quiet) as progress:
        try:
            report = merge_into_target(source, target, data_dir, token, progress,
                                       fingerprint, insecure)
        except (SyncError, HubError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{source} into {report.message()}")
    if report.kept_back:
        # Not this kiosk's rows: they stay in the source store, which is never changed.
        n = len(report.kept_back)
        click.echo(f"{n} row{'' if n == 1 else 's'} refused by {target}: "
                   f"{report.kept_back[0].reason}; they stay in {source}")


@contextmanager
def _progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on stderr once there is something to count; None with
    --quiet (then nothing is counted for it either)."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total == 0:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Syncing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield None if quiet else progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
