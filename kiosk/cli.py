"""The `kiosk` command line: a thin shell over the library, one module per command.

Each command module exposes `command`, a click command or group. Library errors become one-line
`click.ClickException`s (exit 1) or, for invalid input files, a list of one-line problems (exit 2);
never a traceback.

Commands are imported only when they run (a lazy group): `kiosk --version`, `kiosk --help` and
`kiosk packs validate` start without the recogniser, the sound library, SQLite or the hub, which
the other commands need. Importing this module imports click and nothing else of the kiosk's.
"""

from __future__ import annotations

import importlib
import os

import click

from kiosk import __version__

PRIVATE_UMASK = 0o077  # files 0600, folders 0700

# Add a command by writing kiosk/commands/NAME.py with a `command` and listing it here with its
# one-line help for `kiosk --help` (tests check it matches the command's own docstring).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("kiosk.commands.run",
            "Start the kiosk on the built-in question pack (or --pack)."),
    "rehearse": ("kiosk.commands.rehearse",
                 "Answer every question of PACK with a sample, in the real window, saving each "
                 "screen."),
    "packs": ("kiosk.commands.packs", "Check, list, import and export question packs."),
    "staff-pin": ("kiosk.commands.staff_pin",
                  "Set the PIN that opens staff mode (long press the top left corner, or "
                  "Ctrl+Alt+S)."),
    "sync": ("kiosk.commands.sync",
             "Send this kiosk's new contributions to a shared store, exactly once."),
    "hub": ("kiosk.commands.hub",
            "Serve a shared store so kiosks can sync to it over the local network."),
    "pair": ("kiosk.commands.pair",
             "Pair this kiosk with the hub at URL using the CODE the hub shows."),
    "hub-token": ("kiosk.commands.hub_token",
                  "Show or keep the hub's own token (staff: /moderate, merging a stick into the "
                  "hub)."),
    "results": ("kiosk.commands.results",
                "Serve the live results page of a shared store for a projector, without a "
                "hub."),
    "withdraw": ("kiosk.commands.withdraw",
                 "Withdraw the participant who was given CODE on the thanks screen."),
    "export": ("kiosk.commands.export", "Export the kept answers from a kiosk or shared store."),
    "simulate": ("kiosk.commands.simulate",
                 "Run simulated participants through the real session logic into a kiosk "
                 "store."),
    "redact": ("kiosk.commands.redact",
               "Read lines on standard input and print each with personal details replaced by "
               "tags."),
    "transcribe": ("kiosk.commands.transcribe",
                   "Print what the recogniser hears in a WAV file or from the microphone (text "
                   "on the last line)."),
    "doctor": ("kiosk.commands.doctor",
               "Check the microphone, speaker, voices, speech models and disk before an event."),
    "models": ("kiosk.commands.models",
               "List, install and check the speech recognition models, one per language."),
    "bench": ("kiosk.commands.bench",
              "Benchmark the kiosk: cold start, speech out and in, saving, sync, export, "
              "memory."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run, not when the group is built."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(COMMANDS[cmd_name][0])
            self.add_command(module.command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `kiosk --help`, from COMMANDS: no command module is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                # Shortened as click shortens a command's own help.
                help_text = click.Command(name, help=COMMANDS[name][1]).get_short_help_str(limit)
            else:
                help_text = self.commands[name].get_short_help_str(limit)
            rows.append((name, help_text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
# The version given here, so that --version does not read the installed package's metadata.
@click.version_option(__version__, prog_name="kiosk")
def main() -> None:
    """The kiosk: take part in a consultation by voice, touch or keys, in large print.

    \b
    Example:
        kiosk run                      # start on the built-in question pack
        kiosk packs validate my.toml   # check a question pack before an event

    Every file the kiosk makes (stores, staff settings, hub token, exports) is readable by its
    owner only (0600; folders 0700).
    """
    # Answers are personal: whatever the shell's umask, what any command creates (SQLite stores
    # and their -wal/-shm files, folders, exports) is the owner's only. Put back when the command
    # ends, for callers that run a command inside their own process (tests, scripts).
    previous = os.umask(PRIVATE_UMASK)
    click.get_current_context().call_on_close(lambda: os.umask(previous))
