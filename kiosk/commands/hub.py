"""`kiosk hub`: serve a shared store to kiosks on the local network."""

from __future__ import annotations

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
def command(data_dir: str, host: str, port: int) -> None:
    """Serve a shared store so kiosks can sync to it over the local network.

    Prints the address and token; give the token to each kiosk once with
    `kiosk hub-token set`. Prints a line for each batch a kiosk syncs (time, kiosk, what it
    added), and serves the same at /status for the laptop. Also serves "what we heard so
    far" at /results for a projector or any phone on the network, with the quotes staff
    approve at /moderate. Stop with Ctrl+C.

    \b
    Example:
        kiosk hub --data ~/hub-data --port 8765
    """
    try:
        hub = Hub(data_dir, host, port)
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
    click.echo(f"Hub serving {hub.path} on http://{bound_host}:{bound_port}", err=True)
    click.echo(f"Token: {hub.token}", err=True)
    click.echo(f"On each kiosk: kiosk hub-token set {hub.token} --data DIR", err=True)
    click.echo(f"Results for a projector: http://{bound_host}:{bound_port}/results (choose the "
               "quotes shown at /moderate, with the token)", err=True)
    click.echo(f"Kiosks synced so far: http://{bound_host}:{bound_port}/status (a line is "
               "printed here for each batch a kiosk sends)", err=True)
    try:
        hub.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        hub.close()

