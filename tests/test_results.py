"""The results page on 127.0.0.1: a real `kiosk hub` and `kiosk results`, read as a projector
would, checked against `kiosk export` on the same store; moderation with right and wrong tokens;
and a real browser (Debian's Chromium through Selenium) running axe-core in the page."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import wave
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.outputs.results import APPROVALS_FILE_NAME, THEMES, ResultsSite
from kiosk.store.db import Store, store_in
from kiosk.store.hub.token import read_token
from kiosk.store.sync import sync_to_file
from kiosk.ui import theme as ui_theme
from tests.support.exports import export
from tests.support.hub import HUB_LINES
from tests.support.kiosks import make_kiosk
from tests.support.paths import ROOT

SECOND_SESSION = "Library afternoon"


def _shared_store(folder: Path) -> Path:
    """A shared store from two simulated kiosks, the second at another session."""
    a = make_kiosk(folder / "a", 60, 21)
    b = make_kiosk(folder / "b", 40, 22)
    conn = sqlite3.connect(store_in(b))
    with conn:
        conn.execute("UPDATE events SET name = ?", (SECOND_SESSION,))
    conn.close()
    target = folder / "hub" / "shared.sqlite"
    target.parent.mkdir(parents=True)
    for kiosk in (a, b):
        store = Store(store_in(kiosk))
        sync_to_file(store, target)
        store.close()
    return target


def _start(args: list[str]) -> tuple[subprocess.Popen[str], str, str]:
    """A real server process; returns it, its address (plain http: the pages a projector
    opens) and its token, read as staff read it, from the folder (it is never printed)."""
    folder = Path(args[2]) if args[0] == "hub" else Path(args[2]).parent
    process = subprocess.Popen([sys.executable, "-m", "kiosk", *args, "--host", "127.0.0.1",
                                "--port", "0"], cwd=ROOT, stdin=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    lines = [process.stderr.readline() for _ in range(HUB_LINES if args[0] == "hub" else 2)]
    url = re.search(r"https?://127\.0\.0\.1:\d+", lines[0])
    assert url, lines
    token = read_token(folder)
    assert token and not any(token in line for line in lines)
    return process, url.group(0).replace("https://", "http://"), token


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    store = _shared_store(tmp_path_factory.mktemp("results"))
    process, url, token = _start(["hub", "--data", str(store.parent)])
    try:
        yield url, token, store
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    """A request that does not follow redirects; returns status, headers and body."""
    body = None
    if data is not None:
        body = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in data.items()).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with opener.open(request, timeout=120) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def figures(url: str) -> dict[str, Any]:
    status, _headers, body = fetch(url)
    assert status == 200, body[:300]
    return json.loads(body)


def exported_rows(store: Path, out: Path, *extra: str) -> list[dict[str, str]]:
    """The rows of `kiosk export` as CSV."""
    export(store, "csv", out, *extra)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def page_counts(data: dict[str, Any]) -> tuple[dict[str, Counter[str]], Counter[str]]:
    counts = {q["id"]: Counter({c["answer"]: c["count"] for c in q["counts"]})
              for q in data["questions"] if q["type"] != "open"}
    return counts, Counter({q["id"]: q["answers"] for q in data["questions"]})


@pytest.mark.parametrize("session", [None, SECOND_SESSION])
def test_the_page_counts_equal_the_export(hub: tuple[str, str, Path], tmp_path: Path,
                                          session: str | None) -> None:
    url, _token, store = hub
    query = f"?session={urllib.request.quote(session)}" if session else ""
    data = figures(f"{url}/results.json{query}")
    extra = ("--session", session) if session else ()
    exported = exported_rows(store, tmp_path / "answers.csv", *extra)
    got_counts, got_answers = page_counts(data)
    multi = {q["id"] for q in data["questions"] if q["type"] == "multi"}
    counts: dict[str, Counter[str]] = {qid: Counter() for qid in got_counts}
    for row in exported:
        if row["question_id"] in counts:
            # The export joins several choices with "; ".
            parts = row["answer"].split("; ") if row["question_id"] in multi else [row["answer"]]
            counts[row["question_id"]].update(parts)
    answers = Counter(row["question_id"] for row in exported)
    people = len({row["participant"] for row in exported})
    assert got_counts == counts
    assert got_answers == answers
    assert data["participants"] == people
    assert data["answers"] == sum(answers.values())
    # The page says the same numbers as words.
    status, _headers, body = fetch(f"{url}/results{query}")
    page = body.decode()
    assert status == 200
    for q in data["questions"]:
        assert f"{q['answers']} answer" in page
        for c in q.get("counts", []):
            assert f"{c['count']} ({c['percent']}%)" in page


def test_session_filter_narrows_and_unknown_session_is_named(hub: tuple[str, str, Path]
                                                             ) -> None:
    url, _token, _store = hub
    everyone = figures(f"{url}/results.json")
    some = figures(f"{url}/results.json?session={urllib.request.quote(SECOND_SESSION)}")
    assert 0 < some["participants"] < everyone["participants"]
    assert [s["name"] for s in some["sessions"]] == [SECOND_SESSION]
    status, _headers, body = fetch(f"{url}/results?session=Nowhere")
    assert status == 404 and b"no such session" in body and SECOND_SESSION.encode() in body


def test_the_page_is_semantic_large_print_and_updates_without_scripts(
        hub: tuple[str, str, Path]) -> None:
    url, _token, _store = hub
    status, headers, body = fetch(f"{url}/results")
    page = body.decode()
    data = figures(f"{url}/results.json")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in page and "<main" in page and "<h1>" in page
    assert page.count('<h2 id="question-') == len(data["questions"])
    # Each question's text is marked with its pack's language.
    assert all(q["language"] == "en" for q in data["questions"])
    assert page.count('<span lang="en">') == len(data["questions"])
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    assert 'class="bar w' in page and 'aria-hidden="true"' in page
    stopped = fetch(f"{url}/results?refresh=0")[2].decode()
    assert "http-equiv" not in stopped and "data-refresh=\"0\"" in stopped
    css = fetch(f"{url}/results.css")[2].decode()
    for background, text, _focus in THEMES.values():
        assert background in css and text in css
    # The same page in another of the kiosk's themes.
    assert 'class="black-on-cream"' in fetch(f"{url}/results?theme=black-on-cream")[2].decode()
    # The hub's own protocol is not served over the page's plain http at all.
    assert fetch(f"{url}/state?kiosk=abc")[0] == 403


def test_theme_colours_are_the_kiosks(hub: tuple[str, str, Path]) -> None:
    for name, (background, text, focus) in THEMES.items():
        kiosk = ui_theme.THEMES[name]
        assert ui_theme.hex_colour(background) == kiosk.background
        assert ui_theme.hex_colour(text) == kiosk.text
        assert ui_theme.hex_colour(focus) == kiosk.focus


def _candidates(url: str, token: str) -> list[str]:
    status, _headers, body = fetch(f"{url}/moderate",
                                   headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    return re.findall(r'name="quote" value="([0-9a-f]+)"', body.decode())


def test_quotes_appear_only_once_approved(hub: tuple[str, str, Path]) -> None:
    url, token, store = hub
    before = figures(f"{url}/results.json")
    assert all(not t["quotes"] for q in before["questions"] for t in q.get("themes", []))
    # Nothing quoted to anyone without the token.
    status, _headers, body = fetch(f"{url}/moderate")
    assert status == 401 and b"hub token" in body and b"<blockquote" not in body
    wrong = {"Authorization": "Bearer not-the-right-token-at-all"}
    assert fetch(f"{url}/moderate", headers=wrong)[0] == 401
    ids = _candidates(url, token)
    assert ids
    status, _headers, _body = fetch(f"{url}/moderate", {"quote": ids[0], "shown": "1"}, wrong)
    assert status == 401
    status, _headers, body = fetch(f"{url}/moderate/login", {"token": "wrong-token-1234567"})
    assert status == 401 and b"not this hub" in body
    assert not (store.parent / APPROVALS_FILE_NAME).exists()
    assert figures(f"{url}/results.json") == before
    # Approved with the token (a Bearer header): the quote is on the page.
    status, headers, _body = fetch(f"{url}/moderate", {"quote": ids[0], "shown": "1"},
                                   {"Authorization": f"Bearer {token}"})
    assert status == 303
    approvals = json.loads((store.parent / APPROVALS_FILE_NAME).read_text(encoding="utf-8"))
    text = approvals["approved"][ids[0]]["text"]
    after = figures(f"{url}/results.json")
    shown = [quote["text"] for q in after["questions"] for t in q.get("themes", [])
             for quote in t["quotes"]]
    assert shown == [text]
    assert after["version"] != before["version"]
    assert html.escape(text) in fetch(f"{url}/results")[2].decode()
    # The form way, as a browser without scripts: the token once, then a cookie.
    status, headers, _body = fetch(f"{url}/moderate/login", {"token": token})
    assert status == 303 and "HttpOnly" in headers["Set-Cookie"]
    cookie = {"Cookie": headers["Set-Cookie"].split(";")[0]}
    assert token not in headers["Set-Cookie"]
    page = fetch(f"{url}/moderate", headers=cookie)[2].decode()
    check = re.search(r'name="check" value="([0-9a-f]+)"', page)
    assert check
    # A forged form (the cookie without the page's check value) changes nothing.
    assert fetch(f"{url}/moderate", {"quote": ids[0], "shown": "0"}, cookie)[0] == 401
    status, _headers, _body = fetch(f"{url}/moderate",
                                    {"quote": ids[0], "shown": "0", "check": check.group(1)},
                                    cookie)
    assert status == 303
    assert figures(f"{url}/results.json")["questions"] == before["questions"]


def test_the_page_is_read_aloud_as_a_wav(hub: tuple[str, str, Path]) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; run script/setup --test")
    url, _token, _store = hub
    before = set(Path(tempfile.gettempdir()).iterdir())
    status, headers, body = fetch(f"{url}/results.wav")
    assert status == 200 and headers["Content-Type"] == "audio/wav"
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 100_000
    with wave.open(io.BytesIO(body)) as speech:  # the header gives the real length
        seconds = speech.getnframes() / speech.getframerate()
    assert 5 < seconds < 1200 and len(body) >= speech.getnframes() * 2
    # Rendered through pipes: no file of it (nor of the quotes it speaks) is left anywhere.
    assert not [p for p in set(Path(tempfile.gettempdir()).iterdir()) - before
                if p.name.startswith("kiosk")]


@pytest.mark.parametrize("background", [False, True])
def test_the_summary_is_cached_until_the_store_changes(tmp_path: Path, background: bool
                                                       ) -> None:
    store = _shared_store(tmp_path)
    site = ResultsSite(store, "t" * 20, background=background)

    def get() -> dict[str, Any]:
        reply = site("GET", "/results.json", {}, b"")
        assert reply is not None and reply[0] == 200
        return json.loads(reply[2])

    first = get()
    get()
    site("GET", "/results", {}, b"")
    assert site.computed == 1
    more = Store(store_in(make_kiosk(tmp_path / "c", 20, 23)))
    sync_to_file(more, store)
    more.close()
    second = get()
    if background:
        # The figures already computed are served at once while the new ones are computed.
        assert second == first
        site.settle()
        second = get()
    assert site.computed == 2
    assert second["answers"] > first["answers"] and second["version"] != first["version"]


def test_kiosk_results_serves_a_store_file_without_a_hub(tmp_path: Path) -> None:
    store = _shared_store(tmp_path)
    process, url, token = _start(["results", "--from", str(store)])
    try:
        data = figures(f"{url}/results.json")
        local = ResultsSite(store, token).figures(None)
        assert data["questions"] == local["questions"]
        assert fetch(f"{url}/results")[0] == 200
        assert fetch(f"{url}/moderate", headers={"Authorization": "Bearer wrong-token-123456"}
                     )[0] == 401
        assert fetch(f"{url}/moderate", headers={"Authorization": f"Bearer {token}"})[0] == 200
        assert fetch(f"{url}/nothing-here")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


# A real browser ------------------------------------------------------------------------------

def _browser(tmp_path: Path) -> Any:
    from selenium import webdriver  # a test dependency: script/setup --test installs it

    driver_path = shutil.which("chromedriver")
    browser = shutil.which("chromium")
    if driver_path is None or browser is None:
        pytest.fail("Debian's chromium and chromium-driver are not installed; run "
                    "script/setup --test")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=driver_path)
    return webdriver.Chrome(options=options, service=service)


def _axe(driver: Any) -> list[dict[str, Any]]:
    from selenium_axe_python import Axe

    axe = Axe(driver)
    axe.inject()
    # Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA, best practice, and the AAA ones
    # (contrast of 7:1, as the kiosk's themes keep), as axe-core has them.
    result = axe.run(options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag22aa",
        "best-practice"]}})
    checked = {rule["id"] for rule in result["passes"]}
    assert {"color-contrast-enhanced", "html-has-lang"} <= checked, checked
    return list(result["violations"])


def _contrast_of_screenshot(path: Path) -> float:
    """Contrast between the two commonest colours of a screenshot (background and text)."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    counted = sorted(image.getcolors(image.width * image.height) or [], reverse=True)
    (_, a), (_, b) = counted[:2]
    return ui_theme.contrast_ratio(tuple(c / 255 for c in a),  # type: ignore[arg-type]
                                   tuple(c / 255 for c in b))  # type: ignore[arg-type]


@pytest.mark.slow
def test_in_a_real_browser_axe_finds_nothing_and_contrast_holds(
        tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    store = _shared_store(tmp_path)
    process, url, token = _start(["results", "--from", str(store), "--refresh", "2"])
    driver = _browser(tmp_path)
    try:
        # One quote approved, so quotes (with their language) are on the page too.
        ids = _candidates(url, token)
        fetch(f"{url}/moderate", {"quote": ids[0], "shown": "1"},
              {"Authorization": f"Bearer {token}"})
        for name in THEMES:
            driver.get(f"{url}/results?theme={name}")
            assert driver.find_element("tag name", "h1").text == "What we heard so far"
            violations = _axe(driver)
            assert violations == [], [(v["id"], v["help"]) for v in violations]
            shot = tmp_path / f"results-{name}.png"
            driver.save_screenshot(str(shot))
            assert _contrast_of_screenshot(shot) >= 7, name
        # The moderation pages: the token form, then the quotes.
        driver.get(f"{url}/moderate")
        assert _axe(driver) == []
        driver.find_element("id", "token").send_keys(token)
        driver.find_element("tag name", "button").click()
        # The click posts the form; wait for the quotes page rather than read the old one.
        WebDriverWait(driver, 30).until(
            lambda d: d.find_elements("css selector", "blockquote"))
        violations = _axe(driver)
        assert violations == [], [(v["id"], v["help"]) for v in violations]
        # With scripts on, the page takes in a sync by itself and says so.
        driver.get(f"{url}/results")
        before = driver.find_element("tag name", "main").text
        more = Store(store_in(make_kiosk(tmp_path / "c", 20, 24)))
        sync_to_file(more, store)
        more.close()
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline:
            status = driver.find_element("id", "status").text
            if status.startswith("Updated"):
                break
            time.sleep(0.5)
        assert status.startswith("Updated"), status
        assert driver.find_element("tag name", "main").text != before
    finally:
        driver.quit()
        process.terminate()
        process.wait(timeout=10)
