"""`kiosk export --format report --out ...` through the real command line: where the files go."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.core.pack import load_pack
from kiosk.devtools.simulate import read_pack_source, simulate
from kiosk.store.db import Store, store_in
from kiosk.store.sync import sync_to_file
from tests.support.exports import PACK
from tests.support.paths import ROOT


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cli-export")
    pack_file = base / "forum.toml"
    pack_file.write_text(PACK, encoding="utf-8")
    pack, _ = load_pack(pack_file)
    target = base / "shared.sqlite"
    store = Store(store_in(base / "a"))
    simulate(store, pack, 30, 1, read_pack_source(pack_file))
    sync_to_file(store, target)
    store.close()
    return target


def run_export(store: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["export", "--from", str(store), "--format", "report",
                                       "--out", str(out)])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize(("given", "stem"), [("report.pdf", "report"),
                                             ("summary.html", "summary"),
                                             ("Summary.PDF", "Summary")])
def test_a_file_name_gets_the_report_files_beside_it(shared_store: Path, tmp_path: Path,
                                                     given: str, stem: str) -> None:
    out = tmp_path / "out" / given
    code, output = run_export(shared_store, out)
    assert code == 0, output
    assert not out.is_dir()
    folder = tmp_path / "out"
    names = sorted(path.name for path in folder.iterdir())
    html_name = given if given.endswith(".html") else f"{stem}.html"
    pdf_name = given if given.lower().endswith(".pdf") else f"{stem}.pdf"
    assert names == sorted([pdf_name, html_name, f"{stem}-audio"])
    assert "Winter forum" in pdf_text(folder / pdf_name)
    assert "Winter forum" in (folder / html_name).read_text(encoding="utf-8")
    assert (folder / f"{stem}-audio" / "en" / "01-introduction.wav").read_bytes()[:4] == b"RIFF"
    assert str(folder / pdf_name) in output and str(folder / f"{stem}-audio") in output


def test_a_folder_still_gets_the_three_parts(shared_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    code, output = run_export(shared_store, out)
    assert code == 0, output
    assert sorted(path.name for path in out.iterdir()) == ["report-audio", "report.html",
                                                          "report.pdf"]
    assert "README.txt" in output


@pytest.mark.parametrize("given", ["report.wav", "answers.csv", "notes.txt"])
def test_another_kind_of_file_is_refused_in_one_line(shared_store: Path, tmp_path: Path,
                                                     given: str) -> None:
    out = tmp_path / given
    code, output = run_export(shared_store, out)
    assert code == 1
    assert len(output.strip().splitlines()) == 1, output
    assert "a name ending in .pdf or .html" in output and str(out.with_suffix(".pdf")) in output
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_like_a_pdf_is_not_written_into(shared_store: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    out.mkdir()  # as the old export made it
    code, output = run_export(shared_store, out)
    assert code == 1 and len(output.strip().splitlines()) == 1, output
    assert "is a folder" in output
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "report"])
def test_a_store_that_is_not_there_is_one_line_from_the_whole_process(
        tmp_path: Path, fmt: str) -> None:
    """The closing counts are read on a thread beside the export: when the store cannot be
    read, that thread must not add a traceback of its own to the command's one-line error."""
    result = subprocess.run([sys.executable, "-m", "kiosk", "export", "--from",
                             str(tmp_path / "missing"), "--format", fmt, "--out",
                             str(tmp_path / "out.csv")], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "missing" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Exception in thread" not in result.stderr


def test_csv_export_ends_with_the_counts_read_beside_it(shared_store: Path,
                                                        tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--from", str(shared_store), "--format",
                                       "csv", "--out", str(tmp_path / "a.csv"), "--quiet"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("From ") and "who took part" in last and "withdrew" in last
