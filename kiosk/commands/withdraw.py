"""`kiosk withdraw`: remove a participant's answers after the event, by their withdrawal code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from kiosk.commands.common import data_option
from kiosk.core.withdrawal import CODE_WORDS, normalise_code, positions_of
from kiosk.store.db import ALREADY_WITHDRAWN, WITHDRAWN, Store, StoreError, store_in
from kiosk.store.shared import SharedStoreError, one_line, open_shared_store, withdraw_code


@click.command("withdraw")
@click.argument("code", nargs=-1, required=True)
@data_option
@click.option("--from", "shared", default=None, type=click.Path(path_type=Path),
              help="Withdraw in this shared store (a file, or a folder holding one) instead of "
                   "the kiosk's own store.")
def command(code: tuple[str, ...], data_dir: Path, shared: Path | None) -> None:
    """Withdraw the participant who was given CODE on the thanks screen.

    Their answers are deleted and the withdrawal is kept, so exports and reports made afterwards
    leave them out. On a kiosk's own store (--data) the withdrawal goes on to every shared store
    with the kiosk's next syncs; with --from it is made in that shared store only. The code may
    be typed in any of the kiosk's languages (English, Gaelic, Polish, Korean), whichever the
    participant was given it in; case, accents, spaces and hyphens do not matter. Nothing says
    which participant it was.

    \b
    Examples:
        kiosk withdraw apple river seven --data ~/kiosk-data
        kiosk withdraw "Apple River Seven" --from /media/usb/shared.sqlite
        kiosk withdraw bata loch seachd --data ~/kiosk-data
    """
    text = " ".join(code)
    if not normalise_code(text):
        raise click.ClickException(f"give the {CODE_WORDS} words of the code, such as "
                                   "`kiosk withdraw apple river seven`")
    if shared is not None:
        try:
            conn, _ = open_shared_store(shared, create=False)
        except SharedStoreError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            found = withdraw_code(conn, text)
        except sqlite3.Error as exc:
            raise click.ClickException(f"{shared}: could not be written ({one_line(exc)}); "
                                       "nothing was changed") from None
        finally:
            conn.close()
        where = str(shared)
    else:
        path = store_in(data_dir)
        if not path.exists():
            raise click.ClickException(f"{path}: no kiosk store here; check --data names the "
                                       "kiosk's data folder, or give --from SHARED_STORE")
        try:
            store = Store(path)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None
        try:
            found = store.withdraw_code(text)
        finally:
            store.close()
        where = str(path)
    if found == ALREADY_WITHDRAWN:
        click.echo(f"{where}: the participant with that code had already withdrawn; their "
                   "answers were deleted then. Nothing more to do.")
    elif found == WITHDRAWN:
        tail = "" if shared is not None else "; the kiosk's next syncs carry the withdrawal"
        click.echo(f"{where}: withdrawn: the answers of the participant with that code are "
                   f"deleted{tail}.")
    else:
        # A typo is told apart from a real code nobody here has, so staff know to ask again.
        words = ("" if positions_of(text) else
                 f" Those are not {CODE_WORDS} code words of any of the kiosk's languages.")
        click.echo(f"{where}: no participant has that code; nothing was changed.{words} Check "
                   "the words with the participant.")
