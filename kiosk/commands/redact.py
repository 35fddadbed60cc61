"""`kiosk redact`: scrub personal details from lines of text, to check the scrubber."""

from __future__ import annotations

import sys

import click

from kiosk.core.redact import KINDS, redact


def explanation(number: int, counts: tuple[tuple[str, int], ...]) -> str:
    """One line saying how many details of each kind were taken out of line `number`; never
    the removed words themselves.

    >>> explanation(3, (("NAME", 2), ("PHONE", 1)))
    'line 3: 2 name, 1 phone'
    """
    if not counts:
        return f"line {number}: nothing taken out"
    parts = [f"{count} {kind.lower().replace('_', ' ')}" for kind, count in counts]
    return f"line {number}: " + ", ".join(parts)


@click.command(name="redact")
@click.option("--language", default="en", show_default=True,
              help="Language of the text; cue phrases and spoken numbers are English only.")
@click.option("--explain", is_flag=True,
              help="Print, for each line, how many details of each kind were taken out (never "
                   "the removed words), then the totals; not the scrubbed text.")
def command(language: str, explain: bool) -> None:
    """Read lines on standard input and print each with personal details replaced by tags.

    One output line per input line; empty lines stay empty. Each line is flushed at once, so
    the command can sit in a pipe. With --explain, staff can check a pack's answers before an
    export: each line gets a count per kind of detail taken out, and the last line the totals.

    \b
    Example:
        echo "i'm susan holt email me at susan dot holt at gmail dot com" | kiosk redact
        i'm [NAME] email me at [EMAIL]
        echo "i'm susan holt email me at susan dot holt at gmail dot com" | kiosk redact --explain
        line 1: 1 name, 1 email
        total: 1 name, 1 email in 1 of 1 lines
    """
    stdin = sys.stdin
    totals = dict.fromkeys(KINDS, 0)
    lines = with_details = 0
    for line in stdin:
        text = line.rstrip("\r\n")
        if not explain:
            click.echo(redact(text, language).text if text.strip() else text)
            sys.stdout.flush()
            continue
        lines += 1
        counts = redact(text, language).counts if text.strip() else ()
        with_details += bool(counts)
        for kind, count in counts:
            totals[kind] = totals.get(kind, 0) + count
        click.echo(explanation(lines, counts))
        sys.stdout.flush()
    if explain:
        found = tuple((kind, count) for kind, count in totals.items() if count)
        summary = explanation(0, found).split(": ", 1)[1]
        click.echo(f"total: {summary} in {with_details} of {lines} lines")
