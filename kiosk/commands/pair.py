"""`kiosk pair`: pair this kiosk with a hub, so it syncs with a key of its own, encrypted."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.commands.common import data_option, open_kiosk_store
from kiosk.store.hub.client import pair_with_hub
from kiosk.store.hub.token import HubError


@click.command("pair")
@click.argument("url")
@click.argument("code")
@data_option
@click.option("--fingerprint", default=None,
              help="The hub's certificate fingerprint as `kiosk hub` printed it: any other "
                   "machine answering at URL is refused.")
def command(url: str, code: str, data_dir: Path, fingerprint: str | None) -> None:
    """Pair this kiosk with the hub at URL using the CODE the hub shows.

    The kiosk gets a key of its own (kept in its data folder, readable by it only) and keeps
    the hub's certificate fingerprint: every later `kiosk sync --to URL` is encrypted and goes
    to that hub only, and the hub takes only this kiosk's own answers from it.

    \b
    Example:
        kiosk pair https://192.168.1.20:8765 ABCD-EFG-HJK --data ~/kiosk-data
    """
    store = open_kiosk_store(data_dir)
    kiosk_id = store.kiosk_id
    store.close()
    try:
        pairing = pair_with_hub(url, code, data_dir, kiosk_id, fingerprint)
    except HubError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Paired with {pairing.url} (certificate fingerprint {pairing.fingerprint}). "
               f"Sync with: kiosk sync --to {pairing.url}")
