"""The `kiosk` command line: a thin shell over the library, one module per command.

Each command module exposes `command`, a click command or group. Library errors become one-line
`click.ClickException`s (exit 1) or, for invalid input files, a list of one-line problems (exit 2);
never a traceback.
"""

from __future__ import annotations

import importlib

import click

# Add a command by writing kiosk/commands/NAME.py with a `command` and listing it here.
COMMAND_MODULES = [
    "kiosk.commands.run",
    "kiosk.commands.rehearse",
    "kiosk.commands.packs",
    "kiosk.commands.staff_pin",
    "kiosk.commands.sync",
    "kiosk.commands.hub",
    "kiosk.commands.hub_token",
    "kiosk.commands.export",
    "kiosk.commands.simulate",
    "kiosk.commands.redact",
    "kiosk.commands.transcribe",
    "kiosk.commands.doctor",
    "kiosk.commands.models",
    "kiosk.commands.bench",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kiosk")
def main() -> None:
    """The kiosk: take part in a consultation by voice, touch or keys, in large print.

    \b
    Example:
        kiosk run                      # start on the built-in question pack
        kiosk packs validate my.toml   # check a question pack before an event
    """


for _name in COMMAND_MODULES:
    _command = importlib.import_module(_name).command
    main.add_command(_command)
