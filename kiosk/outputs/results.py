""""What we heard so far": live results of a shared store, as a web page for a projector.

Served by ``kiosk hub`` beside its sync protocol, or by ``kiosk results --from STORE`` on its
own. Addresses (``?session=NAME`` filters every one of them by session):

- ``GET /results``: large print, high contrast (the kiosk's themes, ``?theme=``), semantic HTML;
  updates by itself, with scripts (``/results.js`` fetches ``/results.json`` and swaps the
  figures in when they change) or without (a refresh every ``refresh`` seconds, which a link on
  the page turns off).
- ``GET /results.json``: the same figures for other tools.
- ``GET /results.wav``: the page as speech, rendered on this machine by the report's speech.
- ``GET /moderate`` and ``POST /moderate``: staff, with the hub token, choose which quotes the
  page shows; nothing quoted appears before that, as a projector is public. The choices are kept
  beside the shared store (``results-approvals.json``), never in a kiosk's store.

The figures are the report's (`kiosk.outputs.summary.summarise`: counts, small-group suppression,
themes and quotes), computed once and kept until the store's file changes (a sync or a batch
applied), so a projector refreshing every few seconds costs next to nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import html
import json
import os
import sqlite3
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlparse

from kiosk.outputs.audio import speech_wav_bytes, spoken_text
from kiosk.outputs.page import ReportError
from kiosk.outputs.rows import ExportError, open_store, packs_in, store_in_folder
from kiosk.outputs.summary import (
    QUOTES_PER_THEME,
    QuestionSummary,
    Summary,
    closing_lines,
    intro_lines,
    question_lines,
    summarise,
)

APPROVALS_FILE_NAME = "results-approvals.json"
CANDIDATES_PER_THEME = 8  # quotes staff can choose from, for each theme
REFRESH_SECONDS = 30
COOKIE = "kiosk_moderator"

# The kiosk's colour themes (kiosk/ui/theme.py: background, text, focus), copied because outputs
# may not import the shell; tests/test_results.py checks they stay the same.
THEMES: dict[str, tuple[str, str, str]] = {
    "yellow-on-black": ("#000000", "#FFFF00", "#00FFFF"),
    "white-on-black": ("#000000", "#FFFFFF", "#FFFF00"),
    "black-on-cream": ("#FFFBD6", "#000000", "#0033CC"),
}
THEME_NAMES = {"yellow-on-black": "Yellow on black", "white-on-black": "White on black",
               "black-on-cream": "Black on cream"}
DEFAULT_THEME = "yellow-on-black"


def _css() -> str:
    themes = "\n".join(
        f"body.{name} {{ --bg: {bg}; --fg: {fg}; --focus: {focus}; }}"
        for name, (bg, fg, focus) in THEMES.items())
    widths = "\n".join(f".w{n} {{ width: {n}%; }}" for n in range(101))
    return f"""{themes}
body {{ background: var(--bg); color: var(--fg); margin: 0; padding: 1rem 2rem;
  font-family: Verdana, Arial, "DejaVu Sans", sans-serif; font-weight: bold; font-style: normal;
  font-size: clamp(24px, 2.4vw, 48px); line-height: 1.5; text-align: left; }}
h1 {{ font-size: 1.6em; margin: 0.3em 0; }}
h2 {{ font-size: 1.3em; margin: 1.2em 0 0.3em; }}
h3 {{ font-size: 1.1em; margin: 0.8em 0 0.2em; }}
a {{ color: var(--fg); text-decoration: none; border: 0.1em solid var(--fg);
  padding: 0.1em 0.4em; display: inline-block; margin: 0.15em 0; }}
a[aria-current] {{ background: var(--fg); color: var(--bg); }}
a:focus, button:focus, input:focus, audio:focus {{ outline: 0.25em solid var(--focus);
  outline-offset: 0.15em; }}
ul {{ list-style: none; padding: 0; margin: 0.3em 0; }}
nav ul li {{ display: inline-block; margin-right: 0.4em; }}
.counts li {{ margin: 0.4em 0; }}
.track {{ display: block; width: 100%; max-width: 30em; }}
.bar {{ display: block; height: 0.8em; background: var(--fg); min-width: 0.2em; }}
blockquote {{ margin: 0.2em 0 0.6em 1em; }}
button, input {{ font: inherit; color: var(--fg); background: var(--bg);
  border: 0.1em solid var(--fg); padding: 0.2em 0.5em; }}
label {{ display: block; }}
audio {{ width: 100%; max-width: 30em; }}
{widths}
"""


CSS = _css()

SCRIPT = """(function () {
  var body = document.body, every = Number(body.getAttribute('data-refresh'));
  var version = body.getAttribute('data-version'), json = body.getAttribute('data-json');
  var status = document.getElementById('status');
  if (!every || !window.fetch || !window.DOMParser) { return; }
  function check() {
    fetch(json, {cache: 'no-store'}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.version === version) { return; }
      return fetch(location.href, {cache: 'no-store'}).then(function (r) { return r.text(); })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, 'text/html');
          var figures = fresh.getElementById('figures');
          if (!figures) { return; }
          document.getElementById('figures').replaceWith(figures);
          version = d.version;
          status.textContent = 'Updated: ' + d.answers + ' answers from ' + d.participants +
            ' people.';
        });
    }).catch(function () {});
  }
  setInterval(check, every * 1000);
})();
"""


def store_file(path: str | Path) -> Path:
    """The store file a path names: itself, or the shared (else kiosk) store in a folder."""
    path = Path(path)
    return store_in_folder(path) if path.is_dir() else path


def quote_id(summary_question: QuestionSummary, text: str) -> str:
    """A quote's id for moderation: the same text under the same question is the same quote."""
    key = "\n".join((summary_question.pack, summary_question.question_id, text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


class Approvals:
    """The quotes staff approved, kept as JSON beside the shared store."""

    def __init__(self, folder: Path):
        self.path = folder / APPROVALS_FILE_NAME
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._approved: dict[str, dict[str, str]] = {}

    def version(self) -> tuple[int, int]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return (0, 0)
        return (st.st_mtime_ns, st.st_size)

    def approved(self) -> dict[str, dict[str, str]]:
        """quote id -> {"question": ..., "text": ...}."""
        with self._lock:
            seen = self.version()
            if seen != self._seen:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    found = data.get("approved", {}) if isinstance(data, dict) else {}
                    self._approved = found if isinstance(found, dict) else {}
                except (OSError, ValueError):
                    self._approved = {}
                self._seen = seen
            return dict(self._approved)

    def set(self, qid: str, question: str, text: str, shown: bool) -> None:
        """Approve a quote (shown) or withdraw its approval, written atomically."""
        approved = self.approved()
        with self._lock:
            if shown:
                approved[qid] = {"question": question, "text": text}
            else:
                approved.pop(qid, None)
            handle, name = tempfile.mkstemp(prefix=".approvals-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"approved": approved}, out, ensure_ascii=False, indent=1)
            os.replace(name, self.path)
            self._seen = None


@dataclasses.dataclass
class _Cached:
    key: tuple[Any, ...]
    summary: Summary


class ResultsSite:
    """The results and moderation pages of one shared store, as a hub `Site`."""

    def __init__(self, store: str | Path, token: str, refresh: int = REFRESH_SECONDS,
                 min_group: int = 3, background: bool = True):
        self.store = store_file(store)
        self.token = token
        self.refresh = refresh
        self.min_group = min_group
        # After a sync, keep serving the figures already computed while the new ones are
        # computed in the background (seconds, for 100,000 answers), so no request waits.
        self.background = background
        self.approvals = Approvals(self.store.parent)
        self._cache: dict[str | None, _Cached] = {}
        self._wavs: dict[tuple[Any, ...], bytes] = {}
        self._lock = threading.Lock()  # the cache
        self._computing = threading.Lock()  # one summary computed at a time
        self._refreshing: dict[str | None, threading.Thread] = {}
        self.languages: dict[str, str] = {}  # "pack vN" -> the language its questions are in
        self.computed = 0  # summaries computed (not served from the cache): for tests

    # Figures ----------------------------------------------------------------------------------

    def store_key(self) -> tuple[int, int, int]:
        """Changes whenever the store's file does (journal mode DELETE: every commit writes it)."""
        try:
            st = self.store.stat()
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _compute(self, session: str | None) -> _Cached:
        with self._computing:
            key = self.store_key()  # before reading: a commit while reading makes it stale
            with self._lock:
                cached = self._cache.get(session)
            if cached is not None and cached.key == key:
                return cached
            conn = open_store(self.store)
            try:
                summary = summarise(conn, session=session, min_group=self.min_group,
                                    quotes_per_theme=CANDIDATES_PER_THEME)
                languages = {f"{pack_id} v{version}": pack.default_language
                             for (pack_id, version), pack in packs_in(conn).items()}
            finally:
                conn.close()
            fresh = _Cached(key, summary)
            with self._lock:
                self.languages.update(languages)
                self.computed += 1
                if len(self._cache) > 50:  # sessions asked for: keep memory bounded
                    self._cache.clear()
                self._cache[session] = fresh
            return fresh

    def _refresh(self, session: str | None) -> None:
        try:
            self._compute(session)
        except (ExportError, sqlite3.Error) as exc:
            import sys

            sys.stderr.write(f"results: the figures could not be updated ({exc}); the page "
                             "shows the last ones\n")
        finally:
            with self._lock:
                self._refreshing.pop(session, None)

    def _current(self, session: str | None) -> _Cached:
        """The summary to serve now, with the store state it was computed from."""
        key = self.store_key()
        with self._lock:
            cached = self._cache.get(session)
            if cached is not None:
                if cached.key == key or session in self._refreshing:
                    return cached
                if self.background:
                    thread = threading.Thread(target=self._refresh, args=(session,),
                                              daemon=True)
                    self._refreshing[session] = thread
                    thread.start()
                    return cached
        return self._compute(session)

    def settle(self, timeout: float = 600) -> None:
        """Wait for the figures being computed in the background (for tests and benchmarks)."""
        with self._lock:
            threads = list(self._refreshing.values())
        for thread in threads:
            thread.join(timeout)

    def summary(self, session: str | None) -> Summary:
        """The store's summary with candidate quotes, computed once per change of the store."""
        return self._current(session).summary

    def forget(self) -> None:
        """Drop the computed summaries (as a sync would), so the next request computes anew."""
        self.settle()
        with self._lock:
            self._cache.clear()

    def public(self, session: str | None) -> tuple[Summary, str]:
        """The summary as the page shows it (only approved quotes, at most three a theme), and
        its version: it changes when the figures shown or the approvals do."""
        current = self._current(session)
        approved = self.approvals.approved()
        raw = repr((current.key, self.approvals.version())).encode()
        version = hashlib.sha256(raw).hexdigest()[:16]
        questions = []
        for q in current.summary.questions:
            quotes = {theme: [t for t in texts if quote_id(q, t) in approved][:QUOTES_PER_THEME]
                      for theme, texts in q.quotes.items()}
            questions.append(dataclasses.replace(q, quotes=quotes))
        return dataclasses.replace(current.summary, questions=questions), version

    def figures(self, session: str | None) -> dict[str, Any]:
        """The page's figures as plain data (results.json)."""
        summary, version = self.public(session)
        out: list[dict[str, Any]] = []
        for q in summary.questions:
            total = sum(q.counts.values())
            entry: dict[str, Any] = {
                "pack": q.pack, "id": q.question_id, "question": q.question,
                "type": q.question_type, "answers": q.answers,
                "language": self.languages.get(q.pack, "")}
            if q.question_type != "open":
                entry["counts"] = [
                    {"answer": c, "count": q.counts[c],
                     "percent": round(100 * q.counts[c] / total) if total else 0}
                    for c in q.order]
                entry["groups"] = [text for kind, text in question_lines(summary, q)
                                   if kind == "group"]
            else:
                entry["themes"] = [
                    {"theme": theme, "answers": n,
                     "quotes": [{"text": t, "language": q.quote_languages.get(t, "")}
                                for t in q.quotes.get(theme, [])]}
                    for theme, n in q.themes]
            out.append(entry)
        return {"title": summary.title, "version": version, "session": session,
                "participants": summary.participants, "answers": summary.answers,
                "sessions": [{"name": n, "venue": v, "date": d} for n, v, d in summary.sessions],
                "questions": out}

    def wav(self, session: str | None) -> bytes:
        """The page as speech (WAV), rendered once per version."""
        summary, version = self.public(session)
        key = (session, version)
        if key not in self._wavs:
            text = "What we heard so far.\n" + spoken_text(summary)
            data = speech_wav_bytes(text)
            self._wavs.clear()
            self._wavs[key] = data
        return self._wavs[key]

    def sessions(self) -> list[str]:
        try:
            conn = open_store(self.store)
        except ExportError:
            return []
        try:
            return [r[0] for r in conn.execute(
                "SELECT DISTINCT name FROM events WHERE name != '' ORDER BY name")]
        finally:
            conn.close()

    # Pages ------------------------------------------------------------------------------------

    def page(self, session: str | None, theme: str, refresh: int) -> str:
        """The results page."""
        e = html.escape
        summary, version = self.public(session)
        here = {"session": session} if session else {}
        json_url = "/results.json" + _query(here)
        wav_url = "/results.wav" + _query(here)
        head = _head(f"What we heard so far: {summary.title}", theme)
        if refresh:
            head.append(f'<noscript><meta http-equiv="refresh" content="{refresh}"></noscript>')
        head.append('<script src="/results.js" defer></script>')
        parts = head + [
            f'</head><body class="{theme}" data-refresh="{refresh}" '
            f'data-version="{version}" data-json="{e(json_url)}">',
            "<header>", "<h1>What we heard so far</h1>", f"<p>{e(summary.title)}</p>",
            '<nav aria-label="Sessions"><ul>',
            _link("/results", {**_keep(theme, refresh)}, "All sessions", session is None)]
        for name in self.sessions():
            parts.append(_link("/results", {"session": name, **_keep(theme, refresh)},
                               name, name == session))
        parts.append('</ul></nav><nav aria-label="Colours"><ul>')
        for name, words in THEME_NAMES.items():
            parts.append(_link("/results", {**here, **_keep(name, refresh)}, words,
                               name == theme))
        parts.append('</ul></nav><nav aria-label="Updates"><ul>')
        if refresh:
            parts.append(_link("/results", {**here, **_keep(theme, 0)},
                               "Stop updating this page", False))
        else:
            parts.append(_link("/results", {**here, **_keep(theme, REFRESH_SECONDS)},
                               f"Update this page every {REFRESH_SECONDS} seconds", False))
        parts += ["</ul></nav>", '<h2 id="listen">Hear this page</h2>',
                  f'<audio controls preload="none" src="{e(wav_url)}" '
                  'aria-labelledby="listen">',
                  f'<a href="{e(wav_url)}">The spoken version, as a sound file</a></audio>',
                  '<p id="status" role="status"></p>', "</header>",
                  '<main id="figures">']
        parts += [f"<p>{e(line)}</p>" for line in intro_lines(summary)]
        for number, q in enumerate(summary.questions, 1):
            parts += _question_html(summary, q, number, self.languages.get(q.pack, ""))
        parts.append("<h2>About these figures</h2>")
        parts += [f"<p>{e(line)}</p>" for line in closing_lines(summary)]
        # The words of every count (kiosk.store.tally): these are the answers kept.
        parts.append("<p>The answers counted are the answers kept: each person's latest answer "
                     "to each question. Earlier answers people changed are not counted.</p>")
        parts.append("<p>Quotes appear here only once staff have approved them.</p>")
        parts.append("</main></body></html>")
        return "\n".join(parts)

    def moderation(self, session: str | None, theme: str, message: str = "") -> str:
        """The moderation page: every candidate quote with a button to show or hide it."""
        e = html.escape
        summary = self.summary(session)
        approved = self.approvals.approved()
        parts = _head("Choose the quotes shown: what we heard so far", theme) + [
            f'</head><body class="{theme}"><main>', "<h1>Choose the quotes shown</h1>",
            "<p>A quote appears on the results page only once it is shown here. The page is "
            "public: show nothing that could identify someone.</p>"]
        if message:
            parts.append(f'<p role="status">{e(message)}</p>')
        here = {"session": session} if session else {}
        parts.append(f'<p><a href="{e("/results" + _query(here))}">The results page</a></p>')
        check = self.check()
        any_quote = False
        for number, q in enumerate(summary.questions, 1):
            if not any(q.quotes.values()):
                continue
            language = self.languages.get(q.pack, "")
            parts.append(f"<h2>Question {number}: <span{_lang(language)}>{e(q.question)}"
                         "</span></h2>")
            for theme_words, _n in q.themes:
                texts = q.quotes.get(theme_words, [])
                if not texts:
                    continue
                parts.append(f"<h3>{e(theme_words.capitalize())}</h3><ul>")
                for text in texts:
                    any_quote = True
                    qid = quote_id(q, text)
                    shown = qid in approved
                    lang = q.quote_languages.get(text, "")
                    state = "Shown" if shown else "Not shown"
                    verb = "Hide" if shown else "Show"
                    parts.append(
                        f'<li id="q-{qid}"><blockquote id="text-{qid}"{_lang(lang)}>'
                        f"‘{e(text)}’</blockquote>"
                        f'<form method="post" action="/moderate{e(_query(here))}">'
                        f'<input type="hidden" name="quote" value="{qid}">'
                        f'<input type="hidden" name="check" value="{check}">'
                        f'<input type="hidden" name="shown" value="{"0" if shown else "1"}">'
                        f'<p>{state}. <button aria-describedby="text-{qid}">{verb} this quote'
                        "</button></p></form></li>")
                parts.append("</ul>")
        if not any_quote:
            parts.append("<p>No quotes yet: themes need at least two answers that share "
                         "words.</p>")
        parts.append("</main></body></html>")
        return "\n".join(parts)

    def login(self, theme: str, wrong: bool = False) -> str:
        parts = _head("Staff: the hub token", theme) + [
            f'</head><body class="{theme}"><main>', "<h1>Choose the quotes shown</h1>"]
        if wrong:
            parts.append('<p role="alert">That is not this hub\'s token. Run '
                         "<code>kiosk hub-token show --data DIR</code> at the hub (DIR: its data "
                         "folder) to read it.</p>")
        parts += ['<form method="post" action="/moderate/login">',
                  '<label for="token">The hub token</label>',
                  '<input id="token" name="token" type="password" autocomplete="current-password" '
                  'required>', "<p><button>Continue</button></p></form>",
                  "</main></body></html>"]
        return "\n".join(parts)

    def check(self) -> str:
        """A value only those who know the token can put in a form (against forged posts)."""
        return hmac.new(self.token.encode(), b"moderate", "sha256").hexdigest()[:32]

    def cookie(self) -> str:
        """What the browser keeps once the token was entered: derived from it, not the token."""
        return hmac.new(self.token.encode(), b"moderator cookie", "sha256").hexdigest()

    def _authorised(self, headers: dict[str, str]) -> bool:
        given = headers.get("authorization", "")
        if given.startswith("Bearer ") and _same(given[7:].strip(), self.token):
            return True
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and _same(value, self.cookie()):
                return True
        return False

    # Requests ---------------------------------------------------------------------------------

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> tuple[int, dict[str, str], bytes] | None:
        url = urlparse(path)
        query = parse_qs(url.query)
        session = query.get("session", [""])[0] or None
        theme = query.get("theme", [DEFAULT_THEME])[0]
        if theme not in THEMES:
            theme = DEFAULT_THEME
        try:
            refresh = int(query.get("refresh", [str(self.refresh)])[0])
        except ValueError:
            refresh = self.refresh
        refresh = max(0, min(refresh, 3600))
        try:
            if method == "GET":
                return self._get(url.path, session, theme, refresh, headers)
            if method == "POST":
                return self._post(url.path, session, theme, headers, body)
        except ExportError as exc:
            return _html(404, _error_page(str(exc), theme))
        except (ReportError, sqlite3.Error) as exc:
            return _html(503, _error_page(f"the results cannot be shown now ({exc})", theme))
        return None

    def _get(self, path: str, session: str | None, theme: str, refresh: int,
             headers: dict[str, str]) -> tuple[int, dict[str, str], bytes] | None:
        if path in ("/", "/results/"):
            return 303, {"Location": "/results"}, b""
        if path == "/results":
            return _html(200, self.page(session, theme, refresh))
        if path == "/results.json":
            data = json.dumps(self.figures(session), ensure_ascii=False).encode("utf-8")
            return 200, {"Content-Type": "application/json; charset=utf-8",
                         "Cache-Control": "no-store"}, data
        if path == "/results.css":
            return 200, {"Content-Type": "text/css; charset=utf-8",
                         "Cache-Control": "max-age=300"}, CSS.encode()
        if path == "/results.js":
            return 200, {"Content-Type": "text/javascript; charset=utf-8",
                         "Cache-Control": "max-age=300"}, SCRIPT.encode()
        if path == "/results.wav":
            return 200, {"Content-Type": "audio/wav", "Cache-Control": "no-store"}, \
                self.wav(session)
        if path == "/moderate":
            if not self._authorised(headers):
                return _html(401, self.login(theme), private=True)
            return _html(200, self.moderation(session, theme), private=True)
        return None

    def _post(self, path: str, session: str | None, theme: str, headers: dict[str, str],
              body: bytes) -> tuple[int, dict[str, str], bytes] | None:
        form = parse_qs(body.decode("utf-8", "replace"))
        here = "/moderate" + _query({"session": session} if session else {})
        if path == "/moderate/login":
            if not _same(form.get("token", [""])[0].strip(), self.token):
                return _html(401, self.login(theme, wrong=True), private=True)
            return 303, {"Location": here, "Cache-Control": "no-store",
                         "Set-Cookie": f"{COOKIE}={self.cookie()}; Path=/moderate; HttpOnly; "
                                       "SameSite=Strict"}, b""
        if path != "/moderate":
            return None
        bearer = headers.get("authorization", "").startswith("Bearer ")
        if not self._authorised(headers) or \
                not (bearer or _same(form.get("check", [""])[0], self.check())):
            return _html(401, self.login(theme, wrong=True), private=True)
        wanted = form.get("quote", [""])[0]
        shown = form.get("shown", ["1"])[0] == "1"
        for q in self.summary(session).questions:
            for texts in q.quotes.values():
                for text in texts:
                    if quote_id(q, text) == wanted:
                        self.approvals.set(wanted, q.question_id, text, shown)
                        return 303, {"Location": f"{here}#q-{wanted}",
                                     "Cache-Control": "no-store"}, b""
        return _html(404, _error_page("no such quote here; reload the moderation page", theme),
                     private=True)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _query(params: dict[str, Any]) -> str:
    return ("?" + urlencode(params, quote_via=quote)) if params else ""


def _keep(theme: str, refresh: int) -> dict[str, Any]:
    """The page's own choices, carried into its links when they differ from the defaults."""
    kept: dict[str, Any] = {}
    if theme != DEFAULT_THEME:
        kept["theme"] = theme
    if refresh != REFRESH_SECONDS:
        kept["refresh"] = refresh
    return kept


def _link(path: str, params: dict[str, Any], words: str, current: bool) -> str:
    mark = ' aria-current="page"' if current else ""
    return f'<li><a href="{html.escape(path + _query(params))}"{mark}>{html.escape(words)}</a></li>'


def _lang(language: str) -> str:
    return f' lang="{html.escape(language)}"' if language else ""


def _head(title: str, theme: str) -> list[str]:
    return ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title>",
            '<link rel="stylesheet" href="/results.css">']


def _error_page(message: str, theme: str) -> str:
    return "\n".join(_head("What we heard so far", theme) + [
        f'</head><body class="{theme}"><main><h1>What we heard so far</h1>',
        f"<p>{html.escape(message)}</p>", '<p><a href="/results">All sessions</a></p>',
        "</main></body></html>"])


def _html(status: int, page: str, private: bool = False) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
               "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
               "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    if private:
        headers["X-Robots-Tag"] = "noindex"
    return status, headers, page.encode("utf-8")


def _question_html(summary: Summary, q: QuestionSummary, number: int, language: str
                   ) -> list[str]:
    """One question: its heading, counts as words with bars, or themes with approved quotes."""
    e = html.escape
    anchor = f"question-{number}"
    out = [f'<section aria-labelledby="{anchor}">',
           f'<h2 id="{anchor}">Question {number}: <span{_lang(language)}>{e(q.question)}'
           "</span></h2>"]
    in_list: str | None = None

    def open_list(kind: str) -> None:
        nonlocal in_list
        if in_list != kind:
            close_list()
            out.append(f'<ul class="{kind}">')
            in_list = kind

    def close_list() -> None:
        nonlocal in_list
        if in_list:
            out.append("</ul>")
            in_list = None

    for kind, text in question_lines(summary, q):
        if kind == "bar":
            label, count, total, largest = text.split("\t")
            n, whole = int(count), max(int(total), 1)
            width = max(1, round(100 * n / max(int(largest), 1)))
            open_list("counts")
            out.append(f"<li>{e(label)}: {n} ({round(100 * n / whole)}%)"
                       f'<span class="track" aria-hidden="true">'
                       f'<span class="bar w{width}"></span></span></li>')
        elif kind == "group":
            open_list("groups")
            out.append(f"<li>{e(text)}</li>")
        elif kind == "quote":
            open_list("quotes")
            out.append(f"<li><blockquote{_lang(q.quote_languages.get(text, ''))}>"
                       f"‘{e(text)}’</blockquote></li>")
        elif kind in ("heading", "theme"):
            close_list()
            out.append(f"<h3>{e(text)}</h3>")
        else:
            close_list()
            out.append(f"<p>{e(text)}</p>")
    close_list()
    out.append("</section>")
    return out


# Serving without a hub ----------------------------------------------------------------------

class ResultsServer:
    """The results pages of a shared store file, served on their own (`kiosk results`)."""

    def __init__(self, site: ResultsSite, host: str = "0.0.0.0", port: int = 8766):
        self.site = site
        self.server = ThreadingHTTPServer((host, port), _handler(site))
        self.server.daemon_threads = True

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(site: ResultsSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kiosk-results"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no request log: nothing about who looked when

        def _serve(self, method: str) -> None:
            body = b""
            if method == "POST":
                try:
                    length = int(self.headers.get("Content-Length", "0"))
                except ValueError:
                    length = -1
                if not 0 <= length <= 64_000:
                    self.send_error(413)
                    return
                body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = site(method, self.path, headers, body)
            if reply is None:
                status, extra, data = _html(404, _error_page("no page at this address",
                                                             DEFAULT_THEME))
            else:
                status, extra, data = reply
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
