"""`kiosk export`: answers as CSV, a spreadsheet, JSON Lines, or the large-print report."""

from __future__ import annotations

import os
import sys

import click

from kiosk.background import meanwhile
from kiosk.commands.common import quiet_option
from kiosk.outputs.export import FORMATS, export
from kiosk.outputs.rows import ExportError, open_store, tally_of, unreadable_packs


@click.command("export")
@click.option("--from", "source", required=True, type=click.Path(),
              help="A kiosk store, a shared store, or a folder holding one: a kiosk's data "
                   "folder, a stick or a hub's folder (its kiosk-shared.db or shared.sqlite).")
@click.option("--format", "fmt", required=True, type=click.Choice(FORMATS),
              help="csv, xlsx, json (JSON Lines) or report (large-print tagged PDF, HTML, and "
                   "the report read aloud: one recording per question and a playlist, in each "
                   "language answers were given in).")
@click.option("--out", required=True, type=click.Path(),
              help="The file to write. For report: a folder, or a name ending in .pdf or .html "
                   "(the other report files are written beside it).")
@click.option("--session", default=None, help="Only this session (event id or name).")
@click.option("--pack", default=None, help="Only this question pack (pack id).")
@click.option("--min-group", default=3, show_default=True, type=click.IntRange(1, 100),
              help="Report: hide group counts below this, so nobody can be identified.")
@click.option("--no-audio", is_flag=True,
              help="Report: leave out the recordings (they take a while to make).")
@click.option("--raw-text", is_flag=True,
              help="CSV: write text starting with = + - @, a tab or a carriage return as "
                   "stored. Without it such text gets a ' in front, so that a spreadsheet "
                   "program never runs it as a formula.")
@quiet_option
def command(source: str, fmt: str, out: str, session: str | None, pack: str | None,
            min_group: int, no_audio: bool, raw_text: bool, quiet: bool) -> None:
    """Export the kept answers from a kiosk or shared store.

    What is written is readable by its owner only (files 0600, folders 0700), wherever --out
    puts it; share it on purpose (chmod, or copy it where it is meant to go).

    \b
    Examples:
        kiosk export --from /media/usb --format csv --out answers.csv
        kiosk export --from kiosk-shared.db --format report --out report/ --session "Café day"
        kiosk export --from ~/hub-data --format report --out summary.pdf
    """
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if quiet or total < 20_000:  # small stores finish before a bar helps
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Exporting",
                                    file=sys.stderr)
            bar.__enter__()
        bar.update(min(done, total) - bar.pos)

    errors: tuple[type[Exception], ...] = (ExportError,)
    if fmt == "report":  # only then: the report's modules take a while to load
        from kiosk.outputs.page import ReportError

        errors = (ExportError, ReportError)
    # The closing line's counts, read on another core while the export is written.
    summary = meanwhile(lambda: left_out(source, session, pack))
    try:
        count = export(source, fmt, out, None if quiet else progress, session=session,
                       pack=pack, min_group=min_group, raw_text=raw_text, audio=not no_audio)
    except errors as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.update((bar.length or 0) - bar.pos)
            bar.__exit__(None, None, None)
    for warning in pack_warnings(source):
        click.echo(warning, err=True)
    kept = f"{count} answer{'' if count == 1 else 's'} kept (latest per question)"
    if fmt == "report":
        from kiosk.outputs.audio import AUDIO_README
        from kiosk.outputs.report import report_files

        pdf, page, sound = report_files(out)
        recordings = "" if no_audio else \
            f" and the recordings in {sound}{os.sep} (read {sound / AUDIO_README} first)"
        click.echo(f"Wrote {pdf}, {page}{recordings} with {kept}.")
    else:
        click.echo(f"{out}: wrote {fmt} with {kept}.")
    click.echo(summary())


def pack_warnings(source: str) -> list[str]:
    """One line per pack in the store whose questions could not be read, so staff know why the
    export shows question ids there."""
    conn = open_store(source)
    try:
        return [f"{source}: {line}" for line in unreadable_packs(conn)]
    finally:
        conn.close()


def left_out(source: str, session: str | None, pack: str | None) -> str:
    """Whose answers, and which, an export leaves out: in the words of every count
    (kiosk.store.tally), so its figure can be set beside the sync's and the staff screen's."""
    conn = open_store(source)
    try:
        figures = tally_of(conn, session, pack)
    finally:
        conn.close()
    return (f"From {figures.took_part} {'person' if figures.took_part == 1 else 'people'} who "
            f"took part. Not in it: {figures.changed} changed answers (earlier versions), "
            f"{figures.withdrew} who withdrew, {figures.empty} empty sessions (nothing kept).")
