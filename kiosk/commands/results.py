"""`kiosk results`: "what we heard so far" from a shared store file, without a hub."""

from __future__ import annotations

import click

from kiosk.outputs.results import REFRESH_SECONDS, ResultsServer, ResultsSite, store_file
from kiosk.outputs.rows import ExportError
from kiosk.store.hub.token import HubError, hub_token


@click.command("results")
@click.option("--from", "source", required=True, type=click.Path(exists=True),
              help="A shared store file, or the folder holding one (kiosk-shared.db, or an "
                   "older shared.sqlite).")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Address to listen on (127.0.0.1: this computer only).")
@click.option("--port", default=8766, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--refresh", default=REFRESH_SECONDS, show_default=True,
              type=click.IntRange(0, 3600),
              help="Seconds between updates of the page (0: never by itself).")
@click.option("--min-group", default=3, show_default=True, type=click.IntRange(1, 100),
              help="Hide group counts below this, so nobody can be identified.")
def command(source: str, host: str, port: int, refresh: int, min_group: int) -> None:
    """Serve the live results page of a shared store for a projector, without a hub.

    The page is at /results (figures at /results.json, speech at /results.wav); quotes show
    only once approved at /moderate with the token kept beside the store (in hub-token; see
    `kiosk hub-token show`). Stop with Ctrl+C.

    \b
    Example:
        kiosk results --from /media/usb/kiosk-shared.db --port 8766
    """
    try:
        path = store_file(source)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    if not path.is_file():
        raise click.ClickException(f"{source}: no shared store there; give a kiosk-shared.db "
                                   "file or the folder holding one")
    try:
        token = hub_token(path.parent)
    except (HubError, OSError) as exc:
        raise click.ClickException(f"{path.parent}: cannot keep the moderation token there "
                                   f"({exc}); copy the store to a writable folder") from None
    site = ResultsSite(path, token, refresh=refresh, min_group=min_group)
    try:
        server = ResultsServer(site, host, port)
    except OSError as exc:
        raise click.ClickException(f"{host}:{port}: cannot listen ({exc.strerror}); choose "
                                   "another --port") from None
    bound_host, bound_port = server.address
    click.echo(f"Results of {path} on http://{bound_host}:{bound_port}/results", err=True)
    # The token is never printed: a console may be on a projector too.
    click.echo(f"Choose the quotes shown at http://{bound_host}:{bound_port}/moderate with the "
               f"token kept beside the store: kiosk hub-token show --data {path.parent}",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
