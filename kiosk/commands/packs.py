"""kiosk packs: check, list, import and export question packs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from kiosk.commands.common import data_option
from kiosk.core.pack import PackError, load_pack, recording_problems
from kiosk.staff.packs import available_packs


@click.group("packs")
def command() -> None:
    """Check, list, import and export question packs.

    \b
    Example:
        kiosk packs validate my-pack.toml
        kiosk packs import my-form.xlsx --out my-pack.toml
        kiosk packs from-stick /media/stick
    """


@command.command("validate")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (such as missing translations) "
              "as problems too.")
def validate(files: tuple[Path, ...], strict: bool) -> None:
    """Check packs; print every problem as FILE:LINE: what is wrong; what to do.

    Exit status 0 when every pack can be used, 2 when one has a problem.

    \b
    Example:
        kiosk packs validate winter-forum.toml
    """
    failed = False
    for path in files:
        try:
            pack, problems = load_pack(path)
        except PackError as exc:
            problems, failed = exc.problems, True
            pack = None
        for problem in problems:
            click.echo(str(problem), err=True)
        if strict and problems:
            failed = True
            if pack is not None:
                # Not "ok": under --strict this pack fails, and the summary must say so.
                click.echo(f"{path}: {len(problems)} warnings, which --strict treats as problems",
                           err=True)
                pack = None
        if pack is not None:
            click.echo(f"{path}: ok: '{pack.id}' version {pack.version}, "
                       f"{len(pack.questions)} questions in {', '.join(pack.languages)}"
                       + (f", {len(problems)} warnings" if problems else ""))
    sys.exit(2 if failed else 0)


@command.command("list")
@data_option
def list_packs(data_dir: Path) -> None:
    """List the packs staff can choose: the built-in one and those in DATA/packs/.

    \b
    Example:
        kiosk packs list --data /var/lib/kiosk
    """
    for path in available_packs(data_dir):
        try:
            pack, _ = load_pack(path)
            click.echo(f"{pack.id}\tversion {pack.version}\t{len(pack.questions)} questions\t"
                       f"{', '.join(pack.languages)}\t{path}")
        except PackError as exc:
            click.echo(f"{path}: cannot be used ({len(exc.problems)} problems); "
                       f"see: kiosk packs validate {path}")


@command.command("import")
@click.argument("form", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The pack to write (.toml); replaced only when the form converts cleanly.")
def import_form(form: Path, out: Path) -> None:
    """Make a pack from an XLSForm spreadsheet (.xlsx, .xls or .csv).

    Reads the survey, choices and settings sheets. Every problem is printed as
    FORM:SHEET:ROW: error: what is wrong; what to do. Exit status 0 when the pack was written,
    2 when the form has a problem (and nothing is written).

    \b
    Example:
        kiosk packs import winter-forum.xlsx --out winter-forum.toml
    """
    from kiosk.private import atomic_file
    from kiosk.staff.xlsform import read_xlsform

    if out.suffix.lower() != ".toml":
        _stop(f"{out}: error: a pack is a .toml file; give --out a name ending in .toml")
    if not out.parent.is_dir():
        _stop(f"{out}: error: the folder {out.parent} does not exist; create it or choose "
              "another --out")
    conversion = read_xlsform(form, str(form))
    for problem in conversion.problems:
        click.echo(str(problem), err=True)
    if conversion.text is None or conversion.pack is None:
        count = len(conversion.errors)
        _stop(f"{form}: {count} error{'s' if count != 1 else ''}; {out} was not written. Fix "
              f"{'them' if count != 1 else 'it'} and import the spreadsheet again")
    # Recordings named by the form are looked for beside --out before anything is replaced: one
    # that is a link out of that folder, or not a file, would stop the pack being used.
    bad = [r for r in recording_problems(conversion.pack, out.parent, str(out))
           if r.severity == "error"]
    if bad:
        for refused in bad:
            # Named at the form: the pack file, and its line, do not exist yet.
            click.echo(f"{form}: error: {refused.message}", err=True)
        _stop(f"{form}: {len(bad)} recording{'s' if len(bad) != 1 else ''} cannot be used; "
              f"{out} was not written. Fix the audio column or the files and import again")
    with atomic_file(out) as handle:
        handle.write(conversion.text.encode("utf-8"))
    # The project's own check, on the file as written: it also finds recordings not beside it.
    written, problems = load_pack(out)
    audio = [p for p in problems if " audio '" in p.message]
    for missing in audio:
        click.echo(str(missing), err=True)
    warnings = len(conversion.problems) + len(audio)
    click.echo(f"{out}: written: '{written.id}' version {written.version}, "
               f"{len(written.questions)} questions in {', '.join(written.languages)}"
               + (f", {warnings} warnings" if warnings else ""))


@command.command("export")
@click.argument("pack_file", metavar="PACK", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xlsform"]), default="xlsform",
              show_default=True, help="xlsform: a spreadsheet for ODK, KoboToolbox or any "
              "spreadsheet program.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The spreadsheet to write (.xlsx).")
def export_pack(pack_file: Path, fmt: str, out: Path) -> None:
    """Write a pack as an XLSForm spreadsheet, to edit and import again.

    Every text in every language, the help, which questions must be answered and the recorded
    voices' file names are kept, so `kiosk packs import` gives the same pack back.

    \b
    Example:
        kiosk packs export winter-forum.toml --format xlsform --out winter-forum.xlsx
    """
    from kiosk.i18n import Catalogs
    from kiosk.private import atomic_file
    from kiosk.staff.xlsform import write_xlsform

    if out.suffix.lower() != ".xlsx":
        _stop(f"{out}: error: an XLSForm is written as .xlsx; give --out a name ending in .xlsx")
    if not out.parent.is_dir():
        _stop(f"{out}: error: the folder {out.parent} does not exist; create it or choose "
              "another --out")
    try:
        pack, problems = load_pack(pack_file)
    except PackError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        _stop(f"{pack_file}: cannot be exported until it is fixed; {out} was not written")
    for problem in problems:
        click.echo(str(problem), err=True)
    with atomic_file(out) as handle:
        write_xlsform(pack, handle, Catalogs().translate)
    click.echo(f"{out}: written: '{pack.id}' version {pack.version}, {len(pack.questions)} "
               f"questions in {', '.join(pack.languages)}; after editing it: kiosk packs import "
               f"{out} --out {pack_file}")


@command.command("from-stick")
@click.argument("stick", type=click.Path(path_type=Path))
@data_option
def from_stick(stick: Path, data_dir: Path) -> None:
    """Add the packs on a USB stick's packs/ folder (with their recordings) to DATA/packs/.

    Each pack is checked first, as by `kiosk packs validate`; one with a problem is not copied,
    and its problems are printed one per line. A pack already here with the same id and version
    is left alone when it is the same, and refused when it differs (give the changed pack a new
    version). Nothing already here is replaced. The last line counts what happened. Exit status
    0 when every pack was added or already here, 2 when one was not copied.

    \b
    Example:
        kiosk packs from-stick /media/stick --data /var/lib/kiosk
    """
    from kiosk.staff.packs import StickError, import_from_stick

    try:
        outcomes = import_from_stick(stick, data_dir)
    except StickError as exc:
        _stop(str(exc))
    for outcome in outcomes:
        for problem in outcome.problems:
            click.echo(str(problem), err=True)
        click.echo(outcome.line, err=outcome.result == "refused")
    counts = {result: sum(o.result == result for o in outcomes)
              for result in ("added", "same", "refused")}
    click.echo(f"{stick}/packs: {counts['added']} added, {counts['same']} already here, "
               f"{counts['refused']} not copied")
    sys.exit(2 if counts["refused"] else 0)


@command.command("to-stick")
@click.argument("pack_file", metavar="PACK", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("stick", type=click.Path(path_type=Path))
def to_stick(pack_file: Path, stick: Path) -> None:
    """Copy a pack, with its recordings, to a USB stick's packs/ folder, to share it.

    The pack is checked first; nothing on the stick is replaced (a different pack with the same
    id and version there is refused). Plug the stick into another kiosk to add the pack there.
    Exit status 0 when the pack is on the stick, 2 when it was not copied.

    \b
    Example:
        kiosk packs to-stick /var/lib/kiosk/packs/winter-forum.toml /media/stick
    """
    from kiosk.staff.packs import StickError, copy_to_stick

    try:
        outcome = copy_to_stick(pack_file, stick)
    except StickError as exc:
        _stop(str(exc))
    for problem in outcome.problems:
        click.echo(str(problem), err=True)
    click.echo(outcome.line, err=outcome.result == "refused")
    sys.exit(2 if outcome.result == "refused" else 0)


@command.command("guide")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write (.pdf); the web page is written beside it as .html.")
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=Path),
              help="The guide's Markdown file.  [default: docs/peer-group-guide.md]")
def guide(out: Path, source: Path | None) -> None:
    """Print the guide for a peer group making its first pack: large print, tagged PDF.

    Made by the same code as the report (the same fonts, sizes and tags), with a web page of
    the same text beside it, for a screen reader or a browser's own large text.

    \b
    Example:
        kiosk packs guide --out guide.pdf
    """
    from kiosk.outputs.guide import write_guide
    from kiosk.outputs.page import ReportError

    if out.suffix.lower() != ".pdf":
        _stop(f"{out}: error: the guide is written as a PDF; give --out a name ending in .pdf")
    if not out.parent.is_dir():
        _stop(f"{out}: error: the folder {out.parent} does not exist; create it or choose "
              "another --out")
    try:
        pdf, web = write_guide(out, source)
    except ReportError as exc:
        _stop(str(exc))
    except OSError as exc:
        _stop(f"{out}: cannot be written ({exc.strerror}); check the folder and the free space")
    click.echo(f"{pdf}: written, with {web} beside it")


def _stop(line: str) -> NoReturn:
    click.echo(line, err=True)
    sys.exit(2)
