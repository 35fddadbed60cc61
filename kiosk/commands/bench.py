"""`kiosk bench`: measure the kiosk's speed and memory on this device (see kiosk.devtools.bench)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes and two repeats (a minute or so).")
@click.option("--answers", type=click.IntRange(100, 1_000_000), default=None,
              help="Answers to sync and export (default 100,000; 2,000 with --quick).")
@click.option("--sync-only", is_flag=True,
              help="Only the sync and export figures, against the sqlite3 tool (a few "
                   "minutes; needs no display, sound or speech model).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every figure, its runs and references to this JSON file.")
def command(quick: bool, answers: int | None, sync_only: bool, json_path: Path | None) -> None:
    """Benchmark the kiosk: cold start, speech out and in, saving, sync, export, memory.

    Needs Xvfb (when there is no display), PulseAudio, espeak-ng, sox, the sqlite3 tool and the
    Korean speech model, as installed by script/setup --test. Each figure is a median over
    repeated runs with its min-max, and its reference measured in the same run.

    \b
    Example:
        kiosk bench --json bench.json
        kiosk bench --sync-only
    """
    from kiosk.devtools.bench import format_table, run_benchmarks

    try:
        results = run_benchmarks(quick=quick, answers=answers,
                                 log=lambda s: click.echo(f"bench: {s}...", err=True),
                                 only_sync=sync_only)
    except (RuntimeError, OSError) as exc:
        raise click.ClickException(f"benchmark could not run: {exc}") from None
    click.echo(format_table(results))
    if json_path is not None:
        json_path.write_text(json.dumps(results.as_json(), indent=1), encoding="utf-8")
        click.echo(f"{json_path}: wrote {len(results.figures)} figures.")
