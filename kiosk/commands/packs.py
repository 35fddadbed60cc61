"""kiosk packs: check and list question packs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.commands.common import data_option
from kiosk.core.pack import PackError, load_pack
from kiosk.staff.packs import available_packs


@click.group("packs")
def command() -> None:
    """Check and list question packs.

    \b
    Example:
        kiosk packs validate my-pack.toml
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
