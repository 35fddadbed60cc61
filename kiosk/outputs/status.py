"""The hub's status page: which kiosks have synced, when, and what each has brought.

Served by ``kiosk hub`` beside the results page, for staff at the laptop:

- ``GET /status``: large print in the kiosk's colours (``?theme=``, as the results page), one
  table row per kiosk, updated every 30 seconds without scripts (a meta refresh);
- ``GET /status.json``: the same figures for other tools.

Open like /results, without the hub token: it shows no answer and no token, only counts per
kiosk and times of syncs, which anyone on the venue's network may see on the projector anyway.
Every figure is counted by kiosk.store.tally and labelled in its words, so it agrees with
`kiosk sync` on that kiosk, its staff screen and `kiosk export`.
"""

from __future__ import annotations

import html
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from kiosk.outputs.results import CSS, DEFAULT_THEME, THEMES, _head, _html
from kiosk.outputs.rows import ExportError, open_store
from kiosk.store.hub.server import short_id
from kiosk.store.tally import Tally, tally_by_kiosk

REFRESH_SECONDS = 30
STATUS_CSS = CSS + """
table { border-collapse: collapse; margin: 0.5em 0; }
caption { text-align: left; font-size: 1.1em; padding: 0.3em 0; }
th, td { border: 0.1em solid var(--fg); padding: 0.2em 0.5em; text-align: left;
  vertical-align: top; }
td.n { text-align: right; }
"""

# The table's columns after the kiosk and the time: (heading, Tally field).
COLUMNS = (("People who took part", "took_part"), ("People who withdrew", "withdrew"),
           ("Empty sessions (nothing kept)", "empty"),
           ("Answers kept (latest per question)", "kept"),
           ("Answers changed (earlier versions)", "changed"))


class StatusSite:
    """/status and /status.json of a hub's shared store (a Site for kiosk.store.hub.server)."""

    def __init__(self, store: str | Path,
                 seen: Callable[[], dict[str, datetime]] = dict,
                 refresh: int = REFRESH_SECONDS):
        self.store = Path(store)
        self.seen = seen  # the hub's clock of each kiosk's last batch since it started
        self.refresh = refresh

    def figures(self) -> dict[str, Any]:
        """Each kiosk that has synced: when, what its last sync added, and what it has here."""
        try:
            conn = open_store(self.store)
        except ExportError:
            return {"kiosks": [], "total": Tally().as_json()}
        try:
            tallies = tally_by_kiosk(conn)
            last: dict[str, tuple[Any, ...]] = {}
            counted: dict[str, int] = {}
            # The latest sync of each kiosk: the last row written for it.
            # synced_on (shared schema 3) or, in an older store read as it is, synced_at: the
            # date only either way, as a time of a sync would be its participants' time.
            columns = {r[1] for r in conn.execute("PRAGMA table_info(syncs)")}
            day = "synced_on" if "synced_on" in columns else "substr(synced_at, 1, 10)"
            for kiosk_id, *row in conn.execute(
                    f"SELECT kiosk_id, {day}, participants_added, answers_added, "
                    "withdrawals_applied FROM syncs ORDER BY rowid"):
                last[str(kiosk_id)] = tuple(row)
                counted[str(kiosk_id)] = counted.get(str(kiosk_id), 0) + 1
        finally:
            conn.close()
        seen = self.seen()
        kiosks = []
        total = Tally()
        for kiosk_id in sorted(set(tallies) | set(last),
                               key=lambda k: str(last.get(k, ("",))[0]), reverse=True):
            figures = tallies.get(kiosk_id, Tally())
            total = total + figures
            synced_at, sessions, answers, withdrawals = last.get(kiosk_id, ("", 0, 0, 0))
            syncs = counted.get(kiosk_id, 0)
            when = seen.get(kiosk_id)
            kiosks.append({
                "kiosk": kiosk_id, "short": short_id(kiosk_id),
                "last_sync": when.strftime("%Y-%m-%d %H:%M") if when else synced_at,
                "clock": "hub" if when else "kiosk", "syncs": syncs,
                "last_sync_added": {"sessions": sessions, "answers": answers,
                                    "withdrawals": withdrawals},
                **figures.as_json()})
        return {"kiosks": kiosks, "total": total.as_json()}

    def page(self, theme: str, refresh: int) -> str:
        """The status page."""
        e = html.escape
        data = self.figures()
        head = _head("Hub status: kiosks that have synced", theme)
        head[-1] = '<link rel="stylesheet" href="/status.css">'
        if refresh:
            head.append(f'<meta http-equiv="refresh" content="{refresh}">')
        parts = head + [f'</head><body class="{theme}"><main>', "<h1>Hub status</h1>"]
        kiosks = data["kiosks"]
        if not kiosks:
            parts.append("<p>No kiosk has synced to this hub yet.</p>")
        else:
            parts += [
                "<table>", f"<caption>{len(kiosks)} kiosk{'' if len(kiosks) == 1 else 's'} "
                "synced to this hub, the latest first</caption>",
                "<thead><tr>", '<th scope="col">Kiosk</th>', '<th scope="col">Last sync</th>',
                '<th scope="col">Last sync added</th>',
                *(f'<th scope="col">{e(words)}</th>' for words, _ in COLUMNS),
                "</tr></thead><tbody>"]
            for k in kiosks:
                added = k["last_sync_added"]
                clock = "" if k["clock"] == "hub" else " (kiosk's clock)"
                parts += [
                    "<tr>", f'<th scope="row">{e(k["short"])}</th>',
                    f"<td>{e(str(k['last_sync']))}{clock}</td>",
                    f"<td>{added['sessions']} sessions, {added['answers']} answers (every "
                    f"version), {added['withdrawals']} withdrawn</td>",
                    *(f'<td class="n">{k[field]}</td>' for _, field in COLUMNS), "</tr>"]
            total = data["total"]
            parts += ["</tbody><tfoot><tr>", '<th scope="row">All kiosks</th>', "<td></td>",
                      "<td></td>",
                      *(f'<td class="n">{total[field]}</td>' for _, field in COLUMNS),
                      "</tr></tfoot></table>"]
        parts += [
            "<h2>What these figures count</h2>",
            "<p>People who took part: sessions with at least one answer kept. Empty sessions: "
            "people who agreed but kept no answer. Answers kept: each person's latest answer "
            "to each question, what exports and the results hold. Answers changed: earlier "
            "versions of answers people changed. People who withdrew: their answers were "
            "removed. A sync adds every session and every version of an answer.</p>",
            f"<p>This page updates every {refresh} seconds.</p>" if refresh else "",
            '<p><a href="/results">The results page</a></p>', "</main></body></html>"]
        return "\n".join(p for p in parts if p)

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> tuple[int, dict[str, str], bytes] | None:
        url = urlparse(path)
        if method != "GET" or url.path not in ("/status", "/status.json", "/status.css"):
            return None
        query = parse_qs(url.query)
        theme = query.get("theme", [DEFAULT_THEME])[0]
        if theme not in THEMES:
            theme = DEFAULT_THEME
        try:
            refresh = max(0, min(int(query.get("refresh", [str(self.refresh)])[0]), 3600))
        except ValueError:
            refresh = self.refresh
        if url.path == "/status.css":
            return 200, {"Content-Type": "text/css; charset=utf-8",
                         "Cache-Control": "max-age=300"}, STATUS_CSS.encode()
        try:
            if url.path == "/status.json":
                data = json.dumps(self.figures()).encode("utf-8")
                return 200, {"Content-Type": "application/json; charset=utf-8",
                             "Cache-Control": "no-store"}, data
            return _html(200, self.page(theme, refresh))
        except sqlite3.Error as exc:
            return _html(503, f"<!DOCTYPE html><title>Hub status</title><p>The status cannot "
                              f"be shown now ({html.escape(str(exc))}).</p>")


Reply = tuple[int, dict[str, str], bytes] | None


class Either:
    """One site made of several: the first that has the address answers."""

    def __init__(self, *sites: Callable[[str, str, dict[str, str], bytes], Reply]):
        self.sites = sites

    def __call__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        for site in self.sites:
            reply = site(method, path, headers, body)
            if reply is not None:
                return reply
        return None
