"""Deploying on a Raspberry Pi-class device: units, scripts, Kivy input, install, USB sync.

Nothing here touches this machine's system: units are verified from copies in a temp folder, the
installer runs only as --dry-run against a fake root folder, and the USB sync runs against a plain
folder standing in for the stick.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
KIOSK = Path(sys.executable).parent / "kiosk"
SETUP_HINT = "; install the test tools with: script/setup --test"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed{SETUP_HINT}")
    return path


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 60,
        **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kwargs)


def unit_lines(path: Path) -> list[tuple[str, str]]:
    """(key, value) for each setting in a unit file; keys may repeat (After=, Environment=)."""
    pairs = []
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            pairs.append((key.strip(), value.strip()))
    return pairs


# -- systemd units ---------------------------------------------------------------------------


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    need("systemd-analyze")
    if not Path("/usr/bin/pulseaudio").exists():
        pytest.fail(f"/usr/bin/pulseaudio is missing{SETUP_HINT}")
    assert not KIOSK.exists() or os.access(KIOSK, os.X_OK)
    if not KIOSK.exists():
        pytest.fail(f"{KIOSK}: the kiosk command is missing{SETUP_HINT}")
    # `verify` checks that every ExecStart= program exists. On the device they live in /opt/kiosk,
    # a copy of this repository with its .venv; here we verify copies of the units with
    # /opt/kiosk rewritten to this repository, so the real scripts and the real .venv/bin/kiosk
    # stand in for the installed ones. Nothing else in the units is changed.
    names = []
    for unit in UNITS:
        text = unit.read_text()
        assert "/opt/kiosk" in text, unit.name
        (tmp_path / unit.name).write_text(text.replace("/opt/kiosk", str(ROOT)))
        names.append(unit.name.replace("@.service", "@sda1.service"))
    assert {"kiosk.service", "kiosk-pulseaudio.service", "kiosk-usb@sda1.service"} <= set(names)
    result = run(["systemd-analyze", "verify", *[f"./{n}" for n in names]], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # no warnings either


def test_kiosk_unit_runs_full_screen_on_the_console_and_always_comes_back() -> None:
    settings = unit_lines(DEPLOY / "systemd" / "kiosk.service")
    values = dict(settings)
    after = " ".join(v for k, v in settings if k == "After").split()
    env = dict(v.split("=", 1) for k, v in settings if k == "Environment")
    assert values["User"] == "kiosk"
    assert {"sound.target", "local-fs.target"} <= set(after)
    assert values["Restart"] == "always"
    assert float(values["RestartSec"]) <= 5
    assert values["StartLimitIntervalSec"] == "0"
    assert env["SDL_VIDEODRIVER"] == "kmsdrm"
    assert env["KIOSK_DATA"] == "/var/lib/kiosk"
    assert env["KIVY_HOME"] == "/var/lib/kiosk/kivy"
    assert env["PULSE_SERVER"] == "unix:/run/pulse/native"
    assert "getty@tty1.service" in values["Conflicts"]
    assert values["ExecStart"] == "/opt/kiosk/deploy/kiosk-run.sh"
    usb = dict(unit_lines(DEPLOY / "systemd" / "kiosk-usb@.service"))
    assert usb["ExecStart"] == "/opt/kiosk/deploy/usb-sync.sh --device /dev/%I /media/kiosk-usb"
    rule = (DEPLOY / "udev" / "99-kiosk-usb.rules").read_text()
    assert 'ENV{SYSTEMD_WANTS}+="kiosk-usb@%k.service"' in rule
    assert 'ENV{ID_BUS}=="usb"' in rule


# -- shell scripts ---------------------------------------------------------------------------


def shell_scripts() -> list[Path]:
    found = []
    for folder in (DEPLOY, ROOT / "script"):
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.read_bytes()[:2] == b"#!" and \
                    re.match(r"#!.*\b(ba)?sh\b", path.read_text().splitlines()[0]):
                found.append(path)
    return found


def test_every_shell_script_passes_shellcheck() -> None:
    shellcheck = need("shellcheck")
    scripts = shell_scripts()
    names = {p.name for p in scripts}
    assert {"install.sh", "usb-sync.sh", "kiosk-run.sh", "kiosk-cli.sh", "setup"} <= names
    result = run([shellcheck, "--severity=style", *map(str, scripts)])
    assert result.returncode == 0, result.stdout + result.stderr


# -- Kivy input: one provider, each touch once ---------------------------------------------


KIVY_PROBE = """
import json, sys
from pathlib import Path
from kiosk.ui import runtime
runtime.configure_kivy(Path(sys.argv[1]), 800, 480, True)
from kivy.config import Config
print(json.dumps(Config.items("input")))
"""


def test_kivy_config_keeps_exactly_one_touch_provider(tmp_path: Path) -> None:
    kivy_home = tmp_path / "kivy"
    kivy_home.mkdir()
    shipped = (DEPLOY / "kivy" / "config.ini").read_text()
    (kivy_home / "config.ini").write_text(shipped)
    env = {"KIVY_HOME": str(kivy_home), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_NO_FILELOG": "1"}
    # The kiosk's own start-up (configure_kivy) on top of the shipped file: what Kivy will use.
    result = run([sys.executable, "-c", KIVY_PROBE, str(tmp_path)], env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    providers = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    assert providers == {"mouse": "mouse,disable_multitouch"}, providers
    # Kivy did not "upgrade" (rewrite) the file and bring probesysfs (hidinput/mtdev) back.
    assert (kivy_home / "config.ini").read_text() == shipped


def test_kivy_default_config_would_double_touches(tmp_path: Path) -> None:
    """Why the file is needed: without it Kivy adds probesysfs next to the mouse provider."""
    env = {"KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1", "KIVY_NO_CONSOLELOG": "1",
           "KIVY_NO_FILELOG": "1"}
    result = run([sys.executable, "-c", KIVY_PROBE, str(tmp_path)], env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    providers = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    assert any(v.startswith("probesysfs") for v in providers.values()), providers


def test_launcher_puts_the_kivy_config_in_place_and_passes_the_audio_device(
        tmp_path: Path) -> None:
    fake = tmp_path / "fake-kiosk"
    record = tmp_path / "args"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "{record}"\n')
    fake.chmod(0o755)
    data = tmp_path / "data"
    data.mkdir()
    (data / "kivy").mkdir()
    (data / "kivy" / "config.ini").write_text("[input]\nmouse = mouse\nx = probesysfs\n")
    env = {"KIOSK_BIN": str(fake), "KIOSK_DATA": str(data), "KIVY_HOME": str(data / "kivy"),
           "KIOSK_AUDIO_DEVICE": "USB Audio", "KIOSK_RUN_ARGS": "--idle 90"}
    result = run([str(DEPLOY / "kiosk-run.sh")], env=env)
    assert result.returncode == 0, result.stderr
    assert record.read_text().splitlines() == [
        "run", "--fullscreen", "--data", str(data), "--audio-device", "USB Audio", "--idle", "90"]
    assert (data / "kivy" / "config.ini").read_text() == \
        (DEPLOY / "kivy" / "config.ini").read_text()


# -- install.sh --dry-run against a fake root ----------------------------------------------


def setup_packages(text: str) -> list[str]:
    """The packages in the first `packages=( ... )` list of a script."""
    body = re.search(r"packages=\((.*?)\)", text, re.S)
    assert body, "no packages=( ... ) list"
    return body.group(1).split()


@pytest.fixture()
def fake_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text(
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
    return root


def fake_ip(tmp_path: Path, online: bool) -> dict[str, str]:
    """A PATH whose `ip` reports a default route (online) or none (offline)."""
    bin_dir = tmp_path / ("bin-online" if online else "bin-offline")
    bin_dir.mkdir(exist_ok=True)
    ip = bin_dir / "ip"
    ip.write_text("#!/bin/sh\n" + ('echo "default via 192.0.2.1 dev eth0"\n' if online else ""))
    ip.chmod(0o755)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else b"")
            for p in sorted(folder.rglob("*"))}


def dry_run(root: Path, tmp_path: Path, *extra: str, online: bool = True
            ) -> subprocess.CompletedProcess[str]:
    return run(["bash", str(DEPLOY / "install.sh"), "--dry-run", "--root", str(root),
                "--user", "kiosk-deploy-test", *extra], env=fake_ip(tmp_path, online))


def test_install_dry_run_lists_every_action_and_changes_nothing(fake_root: Path,
                                                                 tmp_path: Path) -> None:
    before = snapshot(fake_root)
    result = dry_run(fake_root, tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(fake_root) == before
    out = result.stdout
    r = str(fake_root)
    expected = [
        "+ useradd --system --user-group --home-dir /var/lib/kiosk",
        "+ usermod -aG audio kiosk-deploy-test",
        "+ usermod -aG video kiosk-deploy-test",
        "+ usermod -aG input kiosk-deploy-test",
        "+ usermod -aG render kiosk-deploy-test",
        "+ usermod -aG lp kiosk-deploy-test",
        "+ rsync -a --delete",
        f" {r}/opt/kiosk/\n",
        f"+ python3 -m venv {r}/opt/kiosk/.venv",
        f"-m pip install --quiet -e {r}/opt/kiosk",
        f"+ install -d -o kiosk-deploy-test -g kiosk-deploy-test -m 0750 {r}/var/lib/kiosk\n",
        f"-m 0750 {r}/var/lib/kiosk/packs",
        "/var/lib/kiosk/kivy/config.ini",
        f"models install en --models-dir {r}/var/lib/kiosk/models",
        f"+ write {r}/etc/systemd/system/kiosk.service mode=0644",
        f"+ write {r}/etc/systemd/system/kiosk-pulseaudio.service mode=0644",
        f"+ write {r}/etc/systemd/system/kiosk-usb@.service mode=0644",
        f"+ write {r}/etc/udev/rules.d/99-kiosk-usb.rules mode=0644",
        f"+ write {r}/usr/local/bin/kiosk mode=0755",
        f"+ systemctl --root={r} set-default multi-user.target",
        f"+ systemctl --root={r} enable kiosk-pulseaudio.service kiosk.service",
        "dry run finished: nothing was changed",
    ]
    for line in expected:
        assert line in out, f"{line!r} not in the dry run:\n{out}"
    assert "raspi-config" not in out  # only with --overlay
    # Any packages it would install come from its own list, which covers script/setup's.
    ours = setup_packages((DEPLOY / "install.sh").read_text())
    theirs = setup_packages((ROOT / "script" / "setup").read_text())
    assert set(theirs) <= set(ours), set(theirs) - set(ours)
    for line in out.splitlines():
        if "apt-get install" in line:
            assert set(line.split("--no-install-recommends")[1].split()) <= set(ours)


def test_install_dry_run_again_on_an_installed_system_does_only_the_checks(
        fake_root: Path, tmp_path: Path) -> None:
    # Lay out what a finished install leaves, then dry-run again: nothing to write or fetch.
    for unit in UNITS:
        dest = fake_root / "etc/systemd/system" / unit.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(unit, dest)
    rules = fake_root / "etc/udev/rules.d"
    rules.mkdir(parents=True)
    shutil.copy(DEPLOY / "udev/99-kiosk-usb.rules", rules)
    (fake_root / "usr/local/bin").mkdir(parents=True)
    shutil.copy(DEPLOY / "kiosk-cli.sh", fake_root / "usr/local/bin/kiosk")
    data = fake_root / "var/lib/kiosk"
    for sub in ("packs", "kivy", "models/en"):
        (data / sub).mkdir(parents=True)
    shutil.copy(DEPLOY / "kivy/config.ini", data / "kivy/config.ini")
    shutil.copy(DEPLOY / "kiosk.env", data / "kiosk.env")
    result = dry_run(fake_root, tmp_path, online=False)  # offline is fine once installed...
    assert "no network" in result.stderr  # ...except the .venv is not there in this fake root
    venv = fake_root / "opt/kiosk/.venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("kiosk", "python"):
        (venv / "bin" / name).write_text("#!/bin/sh\n")
        (venv / "bin" / name).chmod(0o755)
    (venv / ".kiosk-installed").write_text(
        hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest() + "\n")
    result = dry_run(fake_root, tmp_path, online=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # (The test user does not exist on this machine, so adding it is still planned.)
    for action in ("+ write", "+ install", "-m venv", "pip install", "models install"):
        assert action not in out, f"{action!r} again:\n{out}"


def test_install_dry_run_with_model_zip_and_overlay(fake_root: Path, tmp_path: Path) -> None:
    model_zip = tmp_path / "stick" / "vosk-model-small-en-us-0.15.zip"
    model_zip.parent.mkdir()
    model_zip.write_bytes(b"PK")
    result = dry_run(fake_root, tmp_path, "--model-zip", str(model_zip), "--overlay")
    assert result.returncode == 0, result.stderr
    assert f"models install en --from {model_zip} --models-dir" in result.stdout
    assert "+ raspi-config nonint do_overlayfs 0" in result.stdout
    assert "overlayroot=tmpfs:recurse=0" in result.stdout
    assert f"{fake_root}/boot/firmware/cmdline.txt" in result.stdout


@pytest.mark.parametrize("os_release, message", [
    ("ID=fedora\nVERSION_ID=40\n", "not Debian"),
    ("ID=debian\nVERSION_ID=\"11\"\n", "Debian 12"),
])
def test_install_refuses_other_systems_in_one_line(fake_root: Path, tmp_path: Path,
                                                   os_release: str, message: str) -> None:
    (fake_root / "etc/os-release").write_text(os_release)
    result = dry_run(fake_root, tmp_path)
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1, \
        result.stderr
    assert result.stdout == ""


def test_install_offline_needs_a_model_zip(fake_root: Path, tmp_path: Path) -> None:
    result = dry_run(fake_root, tmp_path, online=False)
    assert result.returncode == 1
    assert result.stderr.strip() == ("install.sh: no network and no --model-zip: connect to the "
                                     "internet, or give the speech model zip with --model-zip "
                                     "PATH")
    missing = dry_run(fake_root, tmp_path, "--model-zip", str(tmp_path / "nope.zip"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_install_for_real_needs_root(fake_root: Path, tmp_path: Path) -> None:
    args = ["bash", str(DEPLOY / "install.sh"), "--root", str(fake_root)]
    if os.geteuid() == 0:  # check as an ordinary user; nothing runs past the first check
        args = ["runuser", "-u", "nobody", "--", *args]
    result = run(args)
    assert result.returncode == 1
    assert "run it as root" in result.stderr, result.stderr
    assert snapshot(fake_root) == {"etc": b"", "etc/os-release": (fake_root / "etc/os-release")
                                   .read_bytes()}


# -- USB stick sync with a folder standing in for the stick ---------------------------------


@pytest.fixture(scope="module")
def kiosk_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not KIOSK.exists():
        pytest.fail(f"{KIOSK}: the kiosk command is missing{SETUP_HINT}")
    data = tmp_path_factory.mktemp("kiosk") / "data"
    result = run([sys.executable, "-m", "kiosk", "simulate", "--data", str(data),
                  "--participants", "5", "--seed", "1"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return data


def answer_ids(store: Path) -> list[str]:
    conn = sqlite3.connect(store)
    try:
        return sorted(row[0] for row in conn.execute("SELECT id FROM answers"))
    finally:
        conn.close()


def usb_sync(stick: Path, data: Path, tmp_path: Path, kiosk_bin: Path = KIOSK
             ) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    spoken = tmp_path / "spoken.txt"
    say = tmp_path / "say"
    say.write_text(f'#!/bin/sh\necho "$1" >> "{spoken}"\n')
    say.chmod(0o755)
    env = {"KIOSK_BIN": str(kiosk_bin), "KIOSK_DATA": str(data), "KIOSK_USER": "",
           "KIOSK_SAY": str(say)}
    result = run([str(DEPLOY / "usb-sync.sh"), str(stick)], env=env, timeout=120)
    lines = spoken.read_text().splitlines() if spoken.exists() else []
    spoken.unlink(missing_ok=True)
    return result, lines


def status(data: Path) -> dict[str, str]:
    return json.loads((data / "usb-status.json").read_text())


def test_usb_sync_on_request_creates_the_shared_store_and_report_once(
        kiosk_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(kiosk_data, data)
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "kiosk-shared.request").touch()

    result, spoken = usb_sync(stick, data, tmp_path)
    assert result.returncode == 0, result.stderr
    shared = stick / "kiosk-shared.db"
    ids = answer_ids(shared)
    assert ids == answer_ids(data / "kiosk.sqlite") and len(ids) == 31
    assert not (stick / "kiosk-shared.request").exists()
    assert {"report.pdf", "report.html"} <= {p.name for p in (stick / "kiosk-report").iterdir()}
    assert (stick / "kiosk-answers.csv").read_text().count("\n") > 31
    assert status(data)["state"] == "safe-to-remove"
    assert status(data)["message"] == ("Finished. 31 new answers copied. You can remove the "
                                       "USB stick now.")
    assert spoken == ["Copying answers to the USB stick. Please do not remove it yet.",
                      status(data)["message"]]

    # The same stick again: nothing new arrives, and it still says when to remove it.
    result, spoken = usb_sync(stick, data, tmp_path)
    assert result.returncode == 0, result.stderr
    assert answer_ids(shared) == ids
    assert status(data)["state"] == "safe-to-remove"
    assert "no new answers" in status(data)["message"]
    assert spoken[-1] == status(data)["message"]


def test_usb_sync_uses_a_stick_store_under_the_older_name(kiosk_data: Path,
                                                         tmp_path: Path) -> None:
    """A stick synced by hand before to shared.sqlite: that store is used, none is added."""
    data = tmp_path / "data"
    shutil.copytree(kiosk_data, data)
    stick = tmp_path / "stick"
    stick.mkdir()
    made = run([str(KIOSK), "sync", "--data", str(data), "--to", str(stick / "shared.sqlite"),
                "--quiet"])
    assert made.returncode == 0, made.stderr
    result, _ = usb_sync(stick, data, tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (stick / "kiosk-shared.db").exists()
    assert answer_ids(stick / "shared.sqlite") == answer_ids(data / "kiosk.sqlite")
    assert "no new answers" in status(data)["message"]
    assert (stick / "kiosk-answers.csv").read_text().count("\n") > 5


def test_usb_sync_leaves_other_sticks_alone(kiosk_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(kiosk_data, data)
    stick = tmp_path / "holiday-photos"
    stick.mkdir()
    (stick / "photo.jpg").write_bytes(b"jpeg")
    result, spoken = usb_sync(stick, data, tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in stick.iterdir()] == ["photo.jpg"]
    assert spoken == [] and not (data / "usb-status.json").exists()


def test_usb_sync_failure_says_nothing_is_lost(kiosk_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(kiosk_data, data)
    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "kiosk-shared.request").touch()
    broken = tmp_path / "broken-kiosk"
    broken.write_text("#!/bin/sh\necho 'disk full' >&2\nexit 1\n")
    broken.chmod(0o755)
    result, spoken = usb_sync(stick, data, tmp_path, kiosk_bin=broken)
    assert result.returncode != 0
    assert status(data)["state"] == "failed"
    assert "Nothing is lost" in status(data)["message"]
    assert spoken[-1] == status(data)["message"]
    assert (stick / "kiosk-shared.request").exists()  # still asking, for the next try


CLIPBOARD_PROBE = """
import sys
from pathlib import Path
from kiosk.ui import runtime
runtime.configure_kivy(Path(sys.argv[1]), 800, 480, False)
from kivy.core.clipboard import Clipboard, CutBuffer
print(type(Clipboard).__name__, CutBuffer)
"""


def test_no_clipboard_and_no_tracebacks_without_xclip_or_xsel(tmp_path: Path) -> None:
    """What Kivy does the first time a text field is touched, on a kiosk without xclip or
    xsel (an empty PATH hides them): no clipboard, no cut buffer, and not a line of noise."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}
    result = subprocess.run([sys.executable, "-c", CLIPBOARD_PROBE, str(tmp_path)],
                            env={**env, "PATH": str(empty)}, capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ClipboardDummy", "None"]
    assert "Traceback" not in result.stderr and "xsel" not in result.stderr \
        and "Cutbuffer" not in result.stderr, result.stderr
