"""`kiosk hub`: serve a shared store to kiosks on the local network."""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timedelta

import click

from kiosk.outputs.results import ResultsSite
from kiosk.outputs.status import Either, StatusSite
from kiosk.store.hub.server import Hub
from kiosk.store.hub.token import HubError
from kiosk.store.shared import SharedStoreError


@click.command("hub")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
              help="The hub's data folder: holds the shared store (kiosk-shared.db, made if "
                   "missing; an older hub's shared.sqlite is used where it is) and the hub token.")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Address to listen on (0.0.0.0: every network of this device).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--insecure", is_flag=True,
              help="Also take syncs over plain http (kiosks of an older version): anyone on the "
                   "network could read the answers and the keys. Not for an event.")
def command(data_dir: str, host: str, port: int, insecure: bool) -> None:
    """Serve a shared store so kiosks can sync to it over the local network.

    Prints the address, the hub's certificate fingerprint and a pairing code: pair each kiosk
    once with `kiosk pair https://HOST:PORT CODE` (or the code in staff mode's Sync form).
    Each kiosk gets a key of its own, and syncs are encrypted. Prints a line for each batch a
    kiosk syncs (time, kiosk, what it added), and serves the same at /status for the laptop.
    Also serves "what we heard so far" at /results for a projector or any phone on the
    network, with the quotes staff approve at /moderate (with the hub's token: `kiosk
    hub-token show --data DIR` on this machine; it is never printed). Press Enter for a new
    pairing code; stop with Ctrl+C.

    \b
    Example:
        kiosk hub --data ~/hub-data --port 8765
    """
    try:
        hub = Hub(data_dir, host, port, insecure=insecure)
        # The results pages, on the store and token the hub has just opened or made.
        # and the status page of the kiosks that have synced, by the hub's own clock.
        hub.site = Either(StatusSite(hub.path, lambda: dict(hub.seen)),
                          ResultsSite(hub.path, hub.token))
        # One line per batch applied, on standard output (the addresses go to standard error).
        hub.announce = click.echo
    except (HubError, SharedStoreError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{host}:{port}: cannot listen ({exc.strerror}); choose "
                                   "another --port") from None
    bound_host, bound_port = hub.address
    click.echo(f"Hub serving {hub.path} on https://{bound_host}:{bound_port}", err=True)
    click.echo(f"Certificate fingerprint: {hub.fingerprint}", err=True)
    _say_code(hub, bound_host, bound_port)
    click.echo(f"Results for a projector: http://{bound_host}:{bound_port}/results (choose the "
               f"quotes shown at https://{bound_host}:{bound_port}/moderate, with the hub's "
               "token: kiosk hub-token show --data DIR)", err=True)
    click.echo(f"Kiosks synced so far: http://{bound_host}:{bound_port}/status (a line is "
               "printed here for each batch a kiosk sends)", err=True)
    if insecure:
        click.echo("Warning: --insecure: syncs over plain http are taken too; anyone on this "
                   "network can read them.", err=True)
    # Enter at the hub's console: a new code (the old one stops working), e.g. after it expired.
    threading.Thread(target=_codes_on_enter, args=(hub, bound_host, bound_port),
                     daemon=True).start()
    try:
        hub.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        hub.close()


def _say_code(hub: Hub, host: str, port: int) -> None:
    until = (datetime.now() + timedelta(minutes=hub.paired.minutes)).strftime("%H:%M")
    click.echo(f"Pairing code: {hub.paired.shown_code} (until {until}; press Enter here for a "
               "new one)", err=True)
    click.echo(f"On each kiosk: kiosk pair https://{host}:{port} {hub.paired.shown_code} "
               "--data DIR", err=True)


def _codes_on_enter(hub: Hub, host: str, port: int) -> None:
    for _ in sys.stdin:
        hub.paired.new_code()
        _say_code(hub, host, port)

