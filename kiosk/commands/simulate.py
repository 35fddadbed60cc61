"""`kiosk simulate`: fill a data folder with demo contributions (for rehearsals and tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.commands.common import quiet_option
from kiosk.core.pack import PackError, default_pack_path, load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.store.db import Store, StoreError, store_in
from kiosk.store.tally import Tally


@click.command("simulate")
@click.option("--data", "data_dir", required=True, type=click.Path(file_okay=False),
              help="The data folder to fill (its kiosk store is created if missing).")
@click.option("--participants", required=True, type=click.IntRange(0, 1_000_000),
              help="How many simulated people take part.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="The same seed gives the same contributions.")
@click.option("--pack", "pack_path", type=click.Path(dir_okay=False),
              help="Question pack to ask (default: the built-in pack).")
@quiet_option
def command(data_dir: str, participants: int, seed: int, pack_path: str | None,
            quiet: bool) -> None:
    """Run simulated participants through the real session logic into a kiosk store.

    Demo data only: do not run it on a kiosk's real data folder.

    \b
    Example:
        kiosk simulate --data /tmp/demo --participants 500 --seed 7
    """
    path = Path(pack_path) if pack_path else default_pack_path()
    try:
        pack, _warnings = load_pack(path)
    except PackError as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    try:
        store = Store(store_in(data_dir))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    before = store.tally()
    try:
        if quiet:
            result = simulate(store, pack, participants, seed, read_pack_source(path))
        else:
            with click.progressbar(length=participants, label="Simulating",
                                   file=sys.stderr) as bar:
                result = simulate(store, pack, participants, seed, read_pack_source(path),
                                  progress=lambda done, total: bar.update(done - bar.pos))
        after = store.tally()
    finally:
        store.close()
    for line in summary_lines(store.path, result.participants, result.answers, before, after):
        click.echo(line)


def summary_lines(path: Path, sessions: int, given: int, before: Tally, after: Tally
                  ) -> list[str]:
    """What a simulation added, in the words every count of the kiosk uses (kiosk.store.tally):
    the answers given are those kept, changed and removed with the people who withdrew."""
    added = after - before
    removed = given - added.answers_held
    lines = [f"{path}: simulated {sessions} sessions, in which {given} answers were given.",
             *added.lines()]
    if removed:
        who = "the person" if added.withdrew == 1 else f"the {added.withdrew} people"
        lines.append(f"Removed: {removed} answers, with {who} who withdrew.")
    if before.sessions:
        lines += ["The store now holds, with what it held before:", *after.lines()]
    return lines
