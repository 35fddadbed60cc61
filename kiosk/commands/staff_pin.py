"""kiosk staff-pin: set the PIN that opens staff mode."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.commands.common import data_option
from kiosk.staff.settings import StaffError, StaffSettings


@click.command("staff-pin")
@data_option
@click.option("--pin", prompt="New staff PIN (6 to 12 digits)", hide_input=True,
              confirmation_prompt=True, help="The new PIN; asked for when not given.")
def command(data_dir: Path, pin: str) -> None:
    """Set the PIN that opens staff mode (long press the top left corner, or Ctrl+Alt+S).

    The PIN is stored hashed with scrypt (a guess costs a fraction of a second and 64 MiB, so
    trying every 6-digit PIN takes days) in staff.json, readable by its owner only. After 5
    wrong PINs staff mode locks for 5 minutes. If staff.json was edited by hand, staff mode
    stays closed until the PIN is set again here. A 4-digit PIN from an older kiosk still works.

    \b
    Example:
        kiosk staff-pin --data /var/lib/kiosk
    """
    try:
        StaffSettings(data_dir).set_pin(pin)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Staff PIN set.")
