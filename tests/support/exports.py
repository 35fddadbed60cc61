"""A question pack and export helpers shared by the export tests."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from kiosk.commands.export import command as export_command
from kiosk.outputs.export import neutral
from kiosk.outputs.rows import COLUMNS, open_store, rows

PACK = """
[pack]
id = "forum"
title = "Winter forum"
languages = ["en", "ko"]
version = 2

[[question]]
id = "meaning"
type = "open"
text = "What does co-production mean to you?"

[[question]]
id = "helps"
type = "multi"
text = "What helps you take part?"
choices = ["Transport paid", "Large print papers", "A quiet room"]

[[question]]
id = "again"
type = "yesno"
text = "Would you come again?"

[[question]]
id = "taking-part-as"
type = "choice"
text = "Are you taking part as:"
choices = ["Someone with lived experience", "An unpaid carer", "A worker or volunteer"]
"""


def export(source: Path, fmt: str, out: Path, *extra: str) -> str:
    """Run `kiosk export`, which must succeed; returns what it printed."""
    result = CliRunner().invoke(export_command, ["--from", str(source), "--format", fmt,
                                                 "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def assert_csv_module_bytes(store: Path, tmp_path: Path) -> None:
    """The CSV export of `store` is byte for byte what csv.writer makes of rows(), each cell
    first made safe from spreadsheet formulas by neutral()."""
    out = tmp_path / "answers.csv"
    export(store, "csv", out)
    conn = open_store(store)
    with open(tmp_path / "plain.csv", "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows(conn):
            writer.writerow([neutral(v) for v in row.values()])
    conn.close()
    assert out.read_bytes() == (tmp_path / "plain.csv").read_bytes()
