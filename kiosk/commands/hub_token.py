"""`kiosk hub-token`: keep the hub's token in a kiosk's data folder (staff)."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.commands.common import data_option
from kiosk.store.hub.token import HubError, read_token, save_token


@click.group("hub-token")
def command() -> None:
    """Show or keep the hub's own token (staff: /moderate, merging a stick into the hub).

    \b
    Example:
        kiosk hub-token show --data ~/hub-data
    """


@command.command("set")
@click.argument("token")
@data_option
def set_token(token: str, data_dir: Path) -> None:
    """Keep TOKEN (the hub's, from `kiosk hub-token show` at the hub) in a data folder.

    For a staff laptop that merges sticks into the hub; a kiosk pairs instead (`kiosk pair`).

    \b
    Example:
        kiosk hub-token set Zq3...token... --data ~/kiosk-data

    A token that begins with "-" (made by an older hub) goes after "--":
    kiosk hub-token set --data ~/kiosk-data -- -Zq3...token...
    """
    try:
        path = save_token(data_dir, token)
    except HubError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{data_dir}: cannot write the token ({exc.strerror}); check "
                                   "the folder") from None
    click.echo(f"Hub token kept in {path}.")


@command.command("show")
@data_option
def show_token(data_dir: Path) -> None:
    """Print the token kept in a data folder.

    \b
    Example:
        kiosk hub-token show --data ~/hub-data
    """
    token = read_token(data_dir)
    if token is None:
        raise click.ClickException(f"{data_dir}: holds no hub token; run `kiosk hub` there or "
                                   "`kiosk hub-token set`")
    click.echo(token)
