"""`kiosk redact`: scrub personal details from lines of text, to check the scrubber."""

from __future__ import annotations

import sys

import click

from kiosk.core.redact import redact


@click.command(name="redact")
@click.option("--language", default="en", show_default=True,
              help="Language of the text; cue phrases and spoken numbers are English only.")
def command(language: str) -> None:
    """Read lines on standard input and print each with personal details replaced by tags.

    One output line per input line; empty lines stay empty. Each line is flushed at once, so
    the command can sit in a pipe.

    \b
    Example:
        echo "i'm susan holt email me at susan dot holt at gmail dot com" | kiosk redact
        i'm [NAME] email me at [EMAIL]
    """
    stdin = sys.stdin
    for line in stdin:
        text = line.rstrip("\r\n")
        click.echo(redact(text, language).text if text.strip() else text)
        sys.stdout.flush()
