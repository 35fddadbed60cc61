"""The summary report for participants and staff: large-print HTML, a tagged PDF (PDF/UA-1) made
from that HTML by WeasyPrint, and the report read aloud in chapters (one recording per question,
with a playlist) in each language answers were given in.

In the manner of the event write-ups the kiosk's users already know: who took part and where, then
question by question what people said. Choice, multi, yes/no and scale questions get their counts
as a bar chart and as words; open answers are grouped under their themes, with contributions
quoted as given. A theme is a word or a pair of words that sets one question's answers apart from
the others' (class-based TF-IDF: how much more often it is said under this question than under
the other open questions), in the answer's language with that language's common words left out
and inflections merged (Snowball stemmers), so filler said under every question is never a theme.
A quote always contains its theme as shown.

Large print after RNIB's clear print guidance: a sans-serif font, bold, at least 16 point (body
18 pt), left aligned, 1.5 line spacing, no italics, no underlining, no blocks of capitals.

Group breakdowns (by the "taking part as" question, when the pack has one) hide any count below
`min_group`, so nobody can be picked out of a small group.

The report reads the store twice, streaming (first counts, then quotes for the top themes), so its
memory does not grow with the number of answers.
"""

from __future__ import annotations

import html
import logging
import math
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kiosk.i18n import Catalogs
from kiosk.outputs.rows import (
    Progress,
    answer_tuples,
    count_answers,
    packs_in,
    question_order,
    sessions_of,
)

BODY_PT = 18
HEADING_PT = 26
SUBHEADING_PT = 21
THEMES_PER_QUESTION = 4
QUOTES_PER_THEME = 3
MAX_QUOTE = 220
GROUP_QUESTION_IDS = ("taking-part-as", "taking_part_as", "taking-part", "role")

# Common words that say nothing about a theme (English, plus the kiosk's filler words).
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can cannot could did do does doing don down during each even every few
for from further get gets getting give go going got had has have having he her here hers him his
how i if in into is it its itself just know let like lot lots make makes me more most much must
my myself need needs no nor not now of off on once one only or other our ours out over own people
really same say she should so some such than that the their them then there these they thing
things think this those through to too under until up us very want was way we well were what when
where which while who whom why will with would yes you your yours mostly honestly above means
it's i'm that's don't would say for me is it means
""".split())
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_CLAUSE = re.compile(r"[,.;:!?()\"“”…]+")

# Scottish Gaelic function words (no stop word package has Gaelic).
GAELIC_STOP_WORDS = frozenset("""
a agus ach aig air am an ann anns as b' bha bhith bho bhon chan cha do de dha dhan dhe dhomh
dhut e ged gu gum gun iad i is le leis mar mi mu na nach nam nan no o oir ri rinn ris sa seo
sibh sin sinn sna tha thu tro uile ur 'na 's
""".split())
# Snowball stemmers by language code (merging "meeting" and "meetings").
_STEMMERS = {"en": "english", "pl": "polish", "fr": "french", "de": "german", "es": "spanish",
             "it": "italian", "pt": "portuguese", "nl": "dutch", "ga": "irish"}
# A word in a theme is longer than this, except in scripts that pack a word in two letters.
_SHORT_WORD = {"ko": 1, "ja": 1, "zh": 1}
# How much more often than under the other open questions a term is said under one, at least,
# to be its theme (when there are others to compare with).
MIN_LIFT = 1.5


@lru_cache(maxsize=64)
def stop_words(language: str) -> frozenset[str]:
    """The common words of a language, left out of themes."""
    base = language.split("-")[0].split("_")[0].lower()
    if base == "en":
        return STOP_WORDS
    if base == "gd":
        return GAELIC_STOP_WORDS
    try:
        import stopwordsiso

        if stopwordsiso.has_lang(base):
            return frozenset(w.lower() for w in stopwordsiso.stopwords(base))
    except ImportError:
        pass
    return frozenset()


@lru_cache(maxsize=64)
def _stemmer(language: str) -> Any:
    name = _STEMMERS.get(language.split("-")[0].split("_")[0].lower())
    if name is None:
        return None
    try:
        import snowballstemmer
    except ImportError:
        return None
    return snowballstemmer.stemmer(name)


@lru_cache(maxsize=65536)
def _stem(language: str, word: str) -> str:
    stemmer = _stemmer(language)
    return str(stemmer.stemWord(word)) if stemmer is not None else word


class ReportError(Exception):
    """A report that cannot be made, with a one-line reason and what to do."""


@dataclass
class QuestionSummary:
    """What one question gathered."""

    pack: str
    question_id: str
    question: str
    question_type: str
    answers: int = 0
    counts: Counter[str] = field(default_factory=Counter)  # choice words -> how many
    order: list[str] = field(default_factory=list)  # choice words in first-seen order
    terms: Counter[str] = field(default_factory=Counter)  # theme -> answers mentioning it
    themes: list[tuple[str, int]] = field(default_factory=list)
    quotes: dict[str, list[str]] = field(default_factory=dict)
    quote_languages: dict[str, str] = field(default_factory=dict)  # quote -> its language
    by_group: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


@dataclass
class Summary:
    """Everything the report says."""

    title: str
    participants: int
    answers: int
    methods: Counter[str]
    languages: Counter[str]
    sessions: list[tuple[str, str, str]]  # name, venue, date
    questions: list[QuestionSummary]
    group_question: str | None
    group_sizes: Counter[str]
    min_group: int


class _Kept(NamedTuple):
    """What the summary needs of one kept answer."""

    participant: str
    pack: str
    question_id: str
    question: str
    answer: str
    method: str
    language: str
    question_type: str


def _kept(conn: sqlite3.Connection, session: str | None, pack: str | None) -> Iterator[_Kept]:
    """The kept answers, streamed through the exports' fast path (no value decoded)."""
    for (pid, _day, _event), (pack_name, qid, question), answer, method, language, qtype, _raw \
            in answer_tuples(conn, session, pack):
        yield _Kept(pid, pack_name, qid, question, answer, method, language, qtype)


@lru_cache(maxsize=8192)
def _terms(text: str, language: str = "en") -> tuple[tuple[str, str], ...]:
    """An answer's theme candidates as (key, words as said): its words and word pairs, common
    words left out, keyed by their stems so that inflections count together. Remembered for
    answers given more than once (bounded, so memory stays flat)."""
    stops = stop_words(language)
    shortest = _SHORT_WORD.get(language.split("-")[0].lower(), 2)
    kept: list[tuple[str, str]] = []
    for clause in _CLAUSE.split(text):
        for raw in _WORD.findall(clause):
            word = raw.lower().strip("'’-")
            if len(word) > shortest and word not in stops:
                kept.append((_stem(language, word), word))
            else:
                kept.append(("", ""))
        kept.append(("", ""))  # no pair across a comma or a full stop
    found: dict[str, str] = {}
    for key, word in kept:
        if key:
            found.setdefault(key, word)
    # Pairs only of words that stand next to each other in what was said.
    for (k1, w1), (k2, w2) in zip(kept, kept[1:], strict=False):
        if k1 and k2:
            found.setdefault(f"{k1} {k2}", f"{w1} {w2}")
    return tuple(found.items())


def terms_of(text: str, language: str = "en") -> set[str]:
    """Theme candidates in an answer, as said: its words and word pairs, common words left out."""
    return {words for _key, words in _terms(text, language)}


def summarise(conn: sqlite3.Connection, session: str | None = None, pack: str | None = None,
              min_group: int = 3, progress: Progress | None = None,
              quotes_per_theme: int = QUOTES_PER_THEME) -> Summary:
    """Read a store (twice, streaming) into a Summary.

    `quotes_per_theme`: how many quotes to gather for each theme (the results page gathers
    more, so that staff can choose which of them to show).
    """
    total = count_answers(conn)
    questions: dict[tuple[str, str], QuestionSummary] = {}
    participants: set[str] = set()
    methods: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    groups: dict[str, str] = {}
    group_question = None
    # For themes: how many open answers say each term, under every question together, and the
    # words each term was said in under each question (its stem may stand for several).
    everywhere: Counter[str] = Counter()
    said: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(dict)
    done = 0
    for row in _kept(conn, session, pack):
        key = (row.pack, row.question_id)
        q = questions.get(key)
        if q is None:
            q = questions[key] = QuestionSummary(row.pack, row.question_id, row.question,
                                                 row.question_type)
        q.answers += 1
        participants.add(row.participant)
        methods[row.method] += 1
        languages[row.language] += 1
        if row.question_type == "open":
            forms = said[key]
            for term, words in _terms(row.answer, row.language):
                q.terms[term] += 1
                everywhere[term] += 1
                forms.setdefault(term, Counter())[words] += 1
        else:
            parts = row.answer.split("; ") if row.question_type == "multi" else [row.answer]
            for part in parts:
                if part not in q.counts:
                    q.order.append(part)
                q.counts[part] += 1
        if row.question_id in GROUP_QUESTION_IDS and row.question_type == "choice":
            group_question = row.question_id
            groups[row.participant] = row.answer
        done += 1
        if progress and done % 5000 == 0:
            progress(done // 2, total)
    answers = done
    open_questions = [q for q in questions.values() if q.question_type == "open"]
    open_answers = sum(q.answers for q in open_questions)
    theme_terms: dict[tuple[str, str], dict[str, str]] = {}  # question -> theme -> its term
    for key, q in questions.items():
        chosen = _top_themes(q.terms, everywhere, q.answers, open_answers,
                             len(open_questions))
        forms = said.get(key, {})
        # Each theme shown as it was most often said (ties: alphabetical).
        named = [(min(forms[term].items(), key=lambda item: (-item[1], item[0]))[0], term, n)
                 for term, n in chosen]
        q.themes = [(words, n) for words, _term, n in named]
        theme_terms[key] = {words: term for words, term, _n in named}
        q.quotes = {theme: [] for theme, _n in q.themes}
        q.terms = Counter()  # no longer needed; free it
        if q.question_type == "scale":
            q.order.sort()
    said.clear()
    # Second pass: quotes for the top themes, and group breakdowns.
    wanted = {key: q for key, q in questions.items() if q.themes}
    seen_quotes: set[str] = set()
    for row in _kept(conn, session, pack):
        q = questions[(row.pack, row.question_id)]
        group = groups.get(row.participant)
        if group is not None and row.question_type != "open" and \
                row.question_id != group_question:
            for part in row.answer.split("; ") if row.question_type == "multi" else \
                    [row.answer]:
                q.by_group[group][part] += 1
        if (row.pack, row.question_id) in wanted and len(row.answer) <= MAX_QUOTE:
            # A quote says its theme in the very words shown, not only an inflection of them.
            found = {words for _term, words in _terms(row.answer, row.language)}
            for theme, quotes in q.quotes.items():
                if theme in found and len(quotes) < quotes_per_theme and \
                        row.answer.lower() not in seen_quotes:
                    quotes.append(row.answer)
                    q.quote_languages[row.answer] = row.language
                    seen_quotes.add(row.answer.lower())
                    break
        done += 1
        if progress and done % 5000 == 0:
            progress(done // 2, total)
    # The sessions the people counted took part in, within the same filters, each named once.
    sessions = sessions_of(conn, participants, session, pack)
    # Questions in their pack's order (as asked), not in the order answers happened to come.
    order = question_order(conn)
    ranked = sorted(questions.values(),
                    key=lambda q: order.get((q.pack, q.question_id), len(order)))
    # The title of the packs the answers came from (all the store's, when none are kept).
    used = {q.pack for q in ranked}
    titles = sorted({title for pack_id, version, title in conn.execute(
        "SELECT id, version, title FROM packs") if f"{pack_id} v{version}" in used or not used})
    group_sizes = Counter(groups.values())
    return Summary(titles[0] if len(titles) == 1 else "Contributions", len(participants), answers,
                   methods, languages, sessions, ranked, group_question, group_sizes, min_group)


def _top_themes(terms: Counter[str], everywhere: Counter[str], answers: int,
                open_answers: int, open_questions: int) -> list[tuple[str, int]]:
    """A question's themes as (term, answers saying it): class-based TF-IDF.

    A term's weight is its share of this question's answers times log(1 + A / f), A the
    average number of answers per open question and f the answers saying the term under every
    question. With other open questions to compare with, a term must also be said at least
    MIN_LIFT times as often here as under them: filler said everywhere is never a theme.
    One theme per idea: a term sharing a word with a theme already chosen is skipped, and a
    word gives way to a pair containing it that nearly as many answers say.
    """
    others = open_answers - answers
    average = open_answers / max(open_questions, 1)
    passing: dict[str, tuple[float, int]] = {}
    for term, n in terms.items():
        if n < 2:
            continue
        share = n / answers
        if open_questions > 1 and others > 0 and \
                share < MIN_LIFT * (everywhere[term] - n) / others:
            continue
        passing[term] = (share * math.log(1 + average / everywhere[term]), n)
    ranked = sorted(passing.items(), key=lambda item: (-item[1][0], item[0]))
    pairs = [(term, n) for term, (_w, n) in ranked if " " in term]
    chosen: list[tuple[str, int]] = []
    for term, (_weight, n) in ranked:
        words = set(term.split())
        if any(words & set(other.split()) for other, _ in chosen):
            continue
        if " " not in term and any(term in pair.split() and m >= n * 0.8 for pair, m in pairs):
            continue
        chosen.append((term, n))
        if len(chosen) == THEMES_PER_QUESTION:
            break
    return chosen


# Words --------------------------------------------------------------------------------------

def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _percent(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else "0%"


def _group_lines(summary: Summary, q: QuestionSummary) -> list[str]:
    """The breakdown by group, with small counts hidden."""
    if not q.by_group:
        return []
    lines, hidden = [], 0
    for group, counts in sorted(q.by_group.items()):
        if summary.group_sizes[group] < summary.min_group:
            hidden += 1
            continue
        parts = [f"{choice}: {n if n >= summary.min_group else f'fewer than {summary.min_group}'}"
                 for choice, n in sorted(counts.items())]
        lines.append(f"{group}: " + "; ".join(parts))
    if hidden:
        lines.append(f"{_plural(hidden, 'group', 'groups')} with fewer than {summary.min_group} "
                     "people not shown, so that nobody can be identified.")
    return lines


def intro_lines(summary: Summary) -> list[str]:
    """The opening paragraph: who took part, where and how."""
    lines = [f"{_plural(summary.participants, 'person', 'people')} took part and gave "
             f"{_plural(summary.answers, 'answer', 'answers')}."]
    for name, venue, day in summary.sessions:
        lines.append(f"{name}, {venue}, {day}." if venue else f"{name}, {day}.")
    verbs = {"voice": "speaking", "tap": "tapping", "typed": "typing"}
    how = ", ".join(f"{n} by {verbs.get(m, m)}" for m, n in summary.methods.most_common())
    if how:
        lines.append(f"Answers were given {how}.")
    if len(summary.languages) > 1:
        lines.append("Languages: " + ", ".join(f"{lang} {n}" for lang, n in
                                               summary.languages.most_common()) + ".")
    return lines


def question_lines(summary: Summary, q: QuestionSummary) -> list[tuple[str, str]]:
    """A question's section as (kind, text) lines: "text", "bar", "theme", "quote", "group"."""
    out: list[tuple[str, str]] = [("text", f"{_plural(q.answers, 'answer', 'answers')}.")]
    if q.question_type != "open":
        total = sum(q.counts.values())
        largest = max(q.counts.values(), default=1)
        for choice in q.order:
            n = q.counts[choice]
            out.append(("bar", f"{choice}\t{n}\t{total}\t{largest}"))
        breakdown = _group_lines(summary, q)
        if breakdown:
            out.append(("heading", "By how people were taking part"))
            out += [("group", line) for line in breakdown]
        return out
    if not q.themes:
        out.append(("text", "Too few answers to find common themes."))
    for theme, n in q.themes:
        out.append(("theme", f"{theme.capitalize()}: mentioned in "
                             f"{_plural(n, 'answer', 'answers')}"))
        out += [("quote", quote) for quote in q.quotes.get(theme, [])]
    return out


def closing_lines(summary: Summary) -> list[str]:
    """What the report is and is not."""
    return [
        "Everyone who took part is anonymous: no names were asked, no voices were kept, and "
        "personal details were removed from what people said.",
        "People who chose to remove their answers are not counted.",
        f"Counts for groups of fewer than {summary.min_group} people are not shown.",
    ]


# HTML -----------------------------------------------------------------------------------------

_CSS = """
body { font-family: Verdana, Arial, "DejaVu Sans", sans-serif; font-size: 18pt; font-weight: bold;
       line-height: 1.5; text-align: left; max-width: 40em; margin: 1em; color: #000;
       background: #fff; font-style: normal; }
h1 { font-size: 26pt; } h2 { font-size: 21pt; margin-top: 1.5em; } h3 { font-size: 19pt; }
h1, h2, h3 { font-weight: bold; }
a { text-decoration: none; } blockquote { margin: 0 0 0.5em 1em; }
.bar { background: #000; height: 1em; display: inline-block; vertical-align: middle; }
.choice { margin: 0.5em 0; }
pre, code { font-family: inherit; font-size: inherit; white-space: pre-wrap; }
li { margin: 0.25em 0; }
@page { size: A4; margin: 20mm; }
@media print {
  body { font-family: "DejaVu Sans", "NanumGothic", sans-serif; max-width: none; margin: 0; }
  h2, h3 { break-after: avoid; }
  .choice, blockquote { break-inside: avoid; }
}
"""


def html_page(summary: Summary, undrawn: Iterable[str] = ()) -> str:
    """The report as one large-print HTML page (charts as bars with their numbers): the web
    report, and the source the PDF is made from. `undrawn`: characters the PDF could not draw
    (see `undrawable`), listed at the end so nobody takes the PDF's markers for the words."""
    e = html.escape
    parts = [f"<h1>{e(summary.title)}</h1>", "<p>What people told us</p>"]
    parts += [f"<p>{e(line)}</p>" for line in intro_lines(summary)]
    for number, q in enumerate(summary.questions, 1):
        parts.append(f"<h2>Question {number}: {e(q.question)}</h2>")
        for kind, text in question_lines(summary, q):
            if kind == "bar":
                label, count, total, largest = text.split("\t")
                n, whole = int(count), max(int(total), 1)
                share = max(1, round(60 * n / max(int(largest), 1)))
                parts.append(f'<div class="choice">{e(label)}<br><span class="bar" '
                             f'style="width:{share}%" aria-hidden="true">'
                             f"</span> {n} ({_percent(n, whole)})</div>")
            elif kind in ("heading", "theme"):
                parts.append(f"<h3>{e(text)}</h3>")
            elif kind == "quote":
                # Said in another language: marked, so a screen reader reads it in its voice.
                language = q.quote_languages.get(text, "en")
                lang = "" if language.startswith("en") else f' lang="{e(language)}"'
                parts.append(f"<blockquote{lang}>‘{e(text)}’</blockquote>")
            else:
                parts.append(f"<p>{e(text)}</p>")
    parts.append("<h2>About this summary</h2>")
    parts += [f"<p>{e(line)}</p>" for line in closing_lines(summary)]
    undrawn = list(undrawn)
    if undrawn:
        parts.append("<h2>Characters the PDF could not draw</h2>")
        parts.append("<p>No font on the computer that made this report has these characters, "
                     "so the PDF shows a marker in their place:</p><ul>")
        parts += [f"<li>{e(ch)} ({e(unicodedata.name(ch, 'no name'))}), shown in the PDF as "
                  f"{e(undrawn_marker(ch))}</li>" for ch in undrawn]
        parts.append("</ul>")
    return large_print_page(summary.title, parts)


def large_print_page(title: str, body: Iterable[str], language: str = "en") -> str:
    """A whole large-print HTML page: the report's head and styles around `body` (HTML parts,
    joined by new lines). Everything the kiosk prints for people is made through this, so it all
    keeps the same clear-print rules."""
    e = html.escape
    return "\n".join(["<!DOCTYPE html>", f'<html lang="{e(language)}"><head><meta charset="utf-8">',
                      '<meta name="viewport" content="width=device-width, initial-scale=1">',
                      f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
                      *body, "</body></html>"])


def write_html(summary: Summary, out: Path, undrawn: Iterable[str] = ()) -> None:
    """The report as one large-print HTML page (listing the characters the PDF could not
    draw, which a browser with other fonts may well show)."""
    out.write_text(html_page(summary, undrawn), encoding="utf-8")


# Fonts ----------------------------------------------------------------------------------------

# The PDF's own fonts, named in the print CSS, as (fontconfig pattern, the Debian package's
# file, package): DejaVu Sans draws English, Gaelic and Polish, NanumGothic Korean (Hangul).
PDF_FONTS = (
    ("DejaVu Sans:bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
     "fonts-dejavu-core"),
    ("NanumGothic:bold", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", "fonts-nanum"),
)
# Characters that take no room of their own: nothing to draw, so no font needs them.
_NOTHING_TO_DRAW = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs"})
# Emoji presentation selectors and the joiner of emoji sequences: invisible, and dropped with
# the character they modify when that one is replaced by a marker.
_EMOJI_JOINERS = "\ufe0e\ufe0f\u200d"


@cache
def _cmap(path: str) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=4096)
def _some_font_has(char: str) -> bool:
    """Whether any installed font has `char`: fontconfig's answer, the one Pango (and so
    WeasyPrint) falls back on when the PDF's own fonts lack a character."""
    if not shutil.which("fc-list"):
        return False
    try:
        found = subprocess.run(["fc-list", f":charset={ord(char):x}", "file"],
                               capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.strip())


def undrawable(text: str) -> list[str]:
    """The characters of `text` that no installed font has (so the PDF would silently leave
    them out), each once, in the order they first appear."""
    covered: set[int] = set()
    for pattern, fallback, _package in PDF_FONTS:
        path = _font_file(pattern, fallback)
        if path is not None:
            covered |= _cmap(path)
    missing: dict[str, None] = {}
    for char in dict.fromkeys(text):
        if (ord(char) in covered or unicodedata.category(char) in _NOTHING_TO_DRAW
                or char in _EMOJI_JOINERS or 0xFE00 <= ord(char) <= 0xFE0F
                or 0xE0100 <= ord(char) <= 0xE01EF):
            continue
        if not _some_font_has(char):
            missing[char] = None
    return list(missing)


def undrawn_marker(char: str) -> str:
    """What the PDF shows in place of a character no font has: visible, and findable in the
    list at the report's end."""
    return f"[U+{ord(char):04X}]"


def marked_undrawable(page: str, undrawn: Iterable[str]) -> str:
    """`page` with each undrawable character (and the invisible selectors and joiners after
    it) replaced by its marker."""
    chars = "".join(undrawn)
    if not chars:
        return page
    found = re.compile(f"([{re.escape(chars)}])[{_EMOJI_JOINERS}]*")
    return found.sub(lambda m: undrawn_marker(m.group(1)), page)


def write_pdf(summary: Summary, out: Path, undrawn: Iterable[str] | None = None) -> None:
    """The report as a tagged, large-print A4 PDF (PDF/UA-1), made by WeasyPrint from the very
    HTML of the web report: headings, paragraphs and quotes are tagged as such, with the
    document's title and language, so a screen reader can move through it by heading.

    Characters no installed font has (`undrawable`, found here when `undrawn` is None) are
    never dropped silently: each is replaced by a visible marker and listed at the end."""
    _pdf_maker()  # before the fonts are searched: a missing WeasyPrint is the one-line error
    if undrawn is None:
        undrawn = undrawable(html_page(summary))
    undrawn = list(undrawn)
    write_tagged_pdf(marked_undrawable(html_page(summary, undrawn), undrawn), out)


def write_tagged_pdf(page: str, out: Path) -> None:
    """A tagged, large-print A4 PDF (PDF/UA-1) of a page made by `large_print_page`, written by
    WeasyPrint with the document's structure, title and language. The caller replaces
    characters no font has (`undrawable`, `marked_undrawable`) first. Raises ReportError, one
    line, when WeasyPrint, Pango or the font is missing."""
    _pdf_maker()(string=page).write_pdf(str(out), pdf_variant="pdf/ua-1", pdf_tags=True)


def _pdf_maker() -> Any:
    """WeasyPrint's HTML class, once WeasyPrint, Pango and the PDF's font are known to be
    there; ReportError, one line with the fix, when one is missing."""
    # WeasyPrint and fontTools report CSS they skip and tables they leave out of font subsets;
    # nothing for staff to act on.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReportError(f"the PDF needs WeasyPrint and Pango ({exc}); install the "
                          "libpango-1.0-0 and libpangoft2-1.0-0 packages and run script/setup") \
            from None
    if _font_file("DejaVu Sans:bold",
                  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") is None:
        raise ReportError("the DejaVu Sans Bold font is missing; install the fonts-dejavu-core "
                          "package")
    return HTML


def _font_file(pattern: str, fallback: str) -> str | None:
    """A font file by fontconfig pattern, else the Debian package's usual place."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True,
                                   text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).name == Path(fallback).name and Path(found).is_file():
            return found
    return fallback if Path(fallback).is_file() else None


# Audio ----------------------------------------------------------------------------------------

def _base(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def spoken_chapters(summary: Summary, language: str | None = None,
                    words: dict[str, str] | None = None,
                    catalogs: Catalogs | None = None) -> list[tuple[str, str]]:
    """The report as chapters of plain sentences for speech, as (title, text): an
    introduction, one chapter per question in the pack's order, and what the summary is.

    For one `language` of several: question texts and choice words in that language where
    `words` (the pack's texts, from `pack_words`) has them, and only the quotes said in it.
    With `catalogs`, a language other than English has the report's own sentences in it too
    (`_translated_chapters`), so a chapter is heard wholly in one voice and one language.
    The titles stay English: they name the files; `chapter_title` translates them.
    """
    words = words or {}
    several = language is not None and len({_base(lang) for lang in summary.languages}) > 1
    if catalogs is not None and language is not None and _base(language) != "en":
        return _translated_chapters(summary, _base(language), words, catalogs, several)
    chapters = [("Introduction", "\n".join(
        [f"{summary.title}. What people told us.", *intro_lines(summary)]))]
    for number, q in enumerate(summary.questions, 1):
        title = f"Question {number}: {q.question}"
        lines = [f"Question {number}. {words.get(q.question, q.question)}"]
        elsewhere = 0
        for kind, text in question_lines(summary, q):
            if kind == "bar":
                label, count, total, _largest = text.split("\t")
                label = words.get(label, label)
                lines.append(f"{label}: {count}, {_percent(int(count), int(total))}.")
            elif kind == "quote":
                said_in = q.quote_languages.get(text, "en")
                if several and _base(said_in) != _base(language or "en"):
                    elsewhere += 1
                    continue
                lines.append(f"Someone said: {text}")
            else:
                lines.append(text + ("" if text.endswith(".") else "."))
        if elsewhere:
            lines.append(f"{_plural(elsewhere, 'more quote was', 'more quotes were')} said in "
                         "another language, and is in that language's recording.")
        chapters.append((title, "\n".join(lines)))
    chapters.append(("About this summary", "\n".join(["About this summary.",
                                                       *closing_lines(summary)])))
    return chapters


def _translated_chapters(summary: Summary, language: str, words: dict[str, str],
                         catalogs: Catalogs, several: bool) -> list[tuple[str, str]]:
    """`spoken_chapters` with the report's sentences in `language` through the interface's
    catalogs (locales/). The sentences put numbers after a colon ("Answers: 12.") so that
    none needs a plural form, which Gaelic, Polish and Korean each make differently."""

    def _(message: str) -> str:
        return catalogs.translate(language, message)

    def said(word: str) -> str:
        # The pack's own words first; then the interface's (the report's "Yes" and "No").
        return words[word] if word in words else _(word)

    intro = [f"{said(summary.title)}. " + _("What people told us."),
             _("People who took part: {people}. Answers given: {answers}.").format(
                 people=summary.participants, answers=summary.answers)]
    for name, venue, day in summary.sessions:
        intro.append(f"{name}, {venue}, {day}." if venue else f"{name}, {day}.")
    ways = {"voice": _("speaking"), "tap": _("tapping"), "typed": _("typing")}
    how = ", ".join(f"{ways.get(m, m)} {n}" for m, n in summary.methods.most_common())
    if how:
        intro.append(_("How answers were given: {how}.").format(how=how))
    if len(summary.languages) > 1:
        intro.append(_("Languages: {languages}.").format(languages=", ".join(
            f"{lang} {n}" for lang, n in summary.languages.most_common())))
    chapters = [("Introduction", "\n".join(intro))]
    for number, q in enumerate(summary.questions, 1):
        lines = [_("Question {number}.").format(number=number) + f" {said(q.question)}",
                 _("Answers: {count}.").format(count=q.answers)]
        if q.question_type != "open":
            total = sum(q.counts.values())
            lines += [f"{said(choice)}: {q.counts[choice]}, "
                      f"{_percent(q.counts[choice], total)}." for choice in q.order]
            lines += _translated_groups(summary, q, _, said)
        else:
            if not q.themes:
                lines.append(_("Too few answers to find common themes."))
            elsewhere, said_here = 0, False
            for theme, n in q.themes:
                quotes = q.quotes.get(theme, [])
                here = [quote for quote in quotes if not several
                        or _base(q.quote_languages.get(quote, "en")) == language]
                elsewhere += len(quotes) - len(here)
                if several and not here:
                    # A theme found only in other languages' answers is a word of theirs:
                    # it is heard in their recordings, not read out in this voice.
                    continue
                said_here = True
                lines.append(_("{theme}: answers that mention it: {count}.").format(
                    theme=theme.capitalize(), count=n))
                lines += [_("Someone said: {quote}").format(quote=quote) for quote in here]
            if q.themes and not said_here:
                lines.append(_("No common themes were found in the answers in this language."))
            if elsewhere:
                lines.append(_("Quotes said in another language, heard in that language's "
                               "recording: {count}.").format(count=elsewhere))
        chapters.append((f"Question {number}: {q.question}", "\n".join(lines)))
    chapters.append(("About this summary", "\n".join([
        _("About this summary."),
        _("Everyone who took part is anonymous: no names were asked, no voices were kept, and "
          "personal details were removed from what people said."),
        _("People who chose to remove their answers are not counted."),
        _("Counts for groups of fewer than {number} people are not shown.").format(
            number=summary.min_group)])))
    return chapters


def _translated_groups(summary: Summary, q: QuestionSummary, _: Callable[[str], str],
                       said: Callable[[str], str]) -> list[str]:
    """`_group_lines`, said in the chapter's language."""
    if not q.by_group:
        return []
    lines, hidden = [_("By how people were taking part.")], 0
    fewer = _("fewer than {number}").format(number=summary.min_group)
    for group, counts in sorted(q.by_group.items()):
        if summary.group_sizes[group] < summary.min_group:
            hidden += 1
            continue
        parts = [f"{said(choice)}: {n if n >= summary.min_group else fewer}"
                 for choice, n in sorted(counts.items())]
        lines.append(f"{said(group)}: " + "; ".join(parts) + ".")
    if hidden:
        lines.append(_("Groups with fewer than {number} people, not shown so that nobody can be "
                       "identified: {count}.").format(number=summary.min_group, count=hidden))
    return lines if len(lines) > 1 else []


def chapter_title(title: str, language: str, words: dict[str, str],
                  catalogs: Catalogs | None = None) -> str:
    """A chapter's title as its playlist shows it: the question in `language`, and with
    `catalogs` the rest of the title in it too ("Introduction", "Question 2: ...")."""
    def _(message: str) -> str:
        return catalogs.translate(_base(language), message) if catalogs else message

    head, _colon, question = title.partition(": ")
    if head.startswith("Question ") and question:
        number = head.removeprefix("Question ")
        return _("Question {number}: {question}").format(
            number=number, question=words.get(question, question))
    return {"Introduction": _("Introduction"),
            "About this summary": _("About this summary")}.get(title, title)


def spoken_text(summary: Summary) -> str:
    """The report as plain sentences for speech, in one piece."""
    return "\n".join(text for _title, text in spoken_chapters(summary))


def pack_words(conn: sqlite3.Connection, language: str) -> dict[str, str]:
    """Question texts and choice words in the pack's first language (as the report shows them)
    mapped to the same in `language`, from the packs the store used."""
    words: dict[str, str] = {}
    for pack in packs_in(conn).values():
        first = pack.default_language
        words.setdefault(pack.title.get(first), pack.title.get(language))
        for question in pack.questions:
            words.setdefault(question.text.get(first), question.text.get(language))
            for choice in question.choices:
                label, said = choice.text.get(first), choice.text.get(language)
                if question.type == "scale":
                    label, said = f"{choice.id} – {label}", f"{choice.id} – {said}"
                words.setdefault(label, said)
    return words


def render_speech_to_wav(text: str, out: Path, language: str = "en") -> None:
    """Speak `text` into a WAV file with espeak-ng (the kiosk's own speech engine)."""
    if shutil.which("espeak-ng") is None:
        raise ReportError("espeak-ng is not installed; install the espeak-ng package for the "
                          "audio report")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as f:
        f.write(text)
        source = f.name
    try:
        subprocess.run(["espeak-ng", "-v", language, "-s", "150", "-w", str(out), "-f", source],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ReportError(f"{out}: espeak-ng could not render the audio report ({exc})") \
            from None
    finally:
        Path(source).unlink(missing_ok=True)


def speech_wav_bytes(text: str, language: str = "en") -> bytes:
    """`text` spoken by espeak-ng as WAV bytes, through pipes only: nothing is written to disk,
    not even the text (it holds participants' quotes)."""
    if shutil.which("espeak-ng") is None:
        raise ReportError("espeak-ng is not installed; install the espeak-ng package")
    try:
        done = subprocess.run(["espeak-ng", "-v", language, "-s", "150", "--stdout"],
                              input=text.encode("utf-8"), check=True, capture_output=True,
                              timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise ReportError(f"espeak-ng could not render the speech ({exc})") from None
    return _wav_sizes_fixed(done.stdout)


def _wav_sizes_fixed(data: bytes) -> bytes:
    """A streamed WAV says "as long as can be" in its header (espeak-ng cannot seek back on a
    pipe): write the real sizes, so players show the right length."""
    at = data.find(b"data", 12)
    if not data.startswith(b"RIFF") or at < 0:
        return data
    fixed = bytearray(data)
    fixed[4:8] = (len(data) - 8).to_bytes(4, "little")
    fixed[at + 4:at + 8] = (len(data) - at - 8).to_bytes(4, "little")
    return bytes(fixed)


# What `--out` may name for a report: a folder, or one of the report's own files.
REPORT_SUFFIXES = (".pdf", ".html", ".htm")
# Names that are plainly some other kind of file, not a folder: refused rather than made a folder.
OTHER_FILE_SUFFIXES = frozenset({
    ".wav", ".mp3", ".ogg", ".txt", ".csv", ".json", ".jsonl", ".xlsx", ".xls", ".ods", ".odt",
    ".doc", ".docx", ".rtf", ".md", ".zip", ".sqlite", ".db", ".png", ".jpg", ".m3u",
})
AUDIO_README = "README.txt"
PLAYLIST = "report.m3u"


def report_files(out: str | Path) -> tuple[Path, Path, Path]:
    """The PDF, the HTML page and the audio folder a report written to `out` consists of.

    `out` is a folder (they are report.pdf, report.html and report-audio/ in it), or a file
    name ending in .pdf or .html (the others are written beside it, with the same name: for
    summary.pdf, summary.html and summary-audio/).
    Raises ReportError with a one-line hint for anything else that names a file.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in REPORT_SUFFIXES:
        if out.is_dir():
            raise ReportError(f"{out}: is a folder; give another name, such as "
                              f"{out.with_name(out.stem + '-report' + out.suffix)}")
        pdf = out if suffix == ".pdf" else out.with_suffix(".pdf")
        page = out if suffix != ".pdf" else out.with_suffix(".html")
        return pdf, page, out.with_name(f"{out.stem}-audio")
    if suffix in OTHER_FILE_SUFFIXES and not out.is_dir():
        raise ReportError(f"{out}: a report is a PDF, an HTML page and a folder of recordings; "
                          f"give a folder, or a name ending in .pdf or .html, such as "
                          f"{out.with_suffix('.pdf')}")
    return out / "report.pdf", out / "report.html", out / "report-audio"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "chapter"


def _seconds(wav: Path) -> int:
    import wave

    with wave.open(str(wav), "rb") as handle:
        return round(handle.getnframes() / max(handle.getframerate(), 1))


def write_audio(summary: Summary, folder: Path, languages: dict[str, dict[str, str]],
                catalogs: Catalogs | None = None) -> None:
    """The audio report in `folder`: for each language (code -> `pack_words` for it), a folder
    of chapters (01-introduction.wav, 02-question-1.wav, ...) and report.m3u listing them in
    order with their titles; and README.txt, for staff, on handing the recordings over.
    Each chapter is wholly in its language: the report's own sentences come from the
    interface's catalogs (locales/), the kiosk's, unless other `catalogs` are given."""
    catalogs = catalogs or Catalogs()
    folder.mkdir(parents=True, exist_ok=True)
    _clear_old_recordings(folder)
    for language, words in languages.items():
        place = folder / language
        place.mkdir(exist_ok=True)
        playlist = ["#EXTM3U", f"#PLAYLIST:{summary.title}"]
        chapters = spoken_chapters(summary, language, words, catalogs)
        for number, (title, text) in enumerate(chapters, 1):
            # 01-introduction.wav, 02-question-1.wav, ..., 0N-about-this-summary.wav
            wav = place / f"{number:02d}-{_slug(title.split(':')[0])}.wav"
            render_speech_to_wav(text, wav, language)
            shown = chapter_title(title, language, words, catalogs)
            playlist += [f"#EXTINF:{_seconds(wav)},{shown}", wav.name]
        (place / PLAYLIST).write_text("\n".join(playlist) + "\n", encoding="utf-8")
    (folder / AUDIO_README).write_text(audio_readme(summary, sorted(languages)),
                                       encoding="utf-8")


def _clear_old_recordings(folder: Path) -> None:
    """Remove the chapters and playlists an earlier report left in `folder` (as on a USB stick
    a report is written to again), so no chapter of an older report is handed over with the
    new one. Only the report's own files go; anything else is left, and its folder with it."""
    for place in folder.iterdir():
        if not place.is_dir() or not (place / PLAYLIST).is_file():
            continue
        for old in place.iterdir():
            if old.name == PLAYLIST or re.fullmatch(r"\d\d-[a-z0-9-]+\.wav", old.name):
                old.unlink()
        if not any(place.iterdir()):
            place.rmdir()


def audio_readme(summary: Summary, languages: list[str]) -> str:
    """Plain words for staff: what the recordings are and how to hand them over."""
    folders = ", ".join(f"{lang}/" for lang in languages)
    return f"""The spoken report: {summary.title}

What is here
- One folder for each language people answered in: {folders}
- In each folder, the report read aloud in short parts: the introduction, then one part
  for each question, then what the summary is. The numbers at the start of the file names
  keep the parts in order.
- report.m3u in each folder is a playlist: it plays the parts in order, and music players
  show each part's title.

Handing it over
- Ask the person how they like to listen: a USB stick, their phone, or a CD.
- Tell them what is on it before you hand it over: the report, read aloud, in parts, one
  part for each question. Say how many questions there are.

On a USB stick
- Copy the whole language folder onto the stick. Copy nothing else: no answers, no exports.
- Most radios, CD players with a USB socket, talking book players and computers play the
  files in number order. Open report.m3u to play them in order with their titles.
- Label the stick in large print (and in braille or with a tactile sticker if the person
  uses them).

On a phone
- Connect the phone to the computer with its cable and copy the language folder into the
  phone's Music folder, or use the phone's own file transfer.
- Do not send it through an app that uploads it to the internet unless the person asks.

On a CD
- Burn an audio CD from the .wav files, in number order, one track for each part: the
  person can skip from question to question with the track buttons. A CD holds 80 minutes.
- Write the title on the CD in large print.

Checking
- Before handing it over, play the first part and one question to hear that it works.
"""


def write_report(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
                 session: str | None = None, pack: str | None = None, min_group: int = 3,
                 audio: bool = True) -> int:
    """Write the report's PDF, HTML and audio (see `report_files`); returns answers.

    The audio is made in each language answers were given in (English when there are none).
    """
    pdf, page, sound = report_files(out)
    summary = summarise(conn, session=session, pack=pack, min_group=min_group,
                        progress=progress)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    undrawn = undrawable(html_page(summary))
    write_pdf(summary, pdf, undrawn)
    write_html(summary, page, undrawn)
    if undrawn:
        listed = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'no name')}"
                           for ch in undrawn)
        hangul = any(unicodedata.name(ch, "").startswith("HANGUL") for ch in undrawn)
        korean = f" (for Korean, the {PDF_FONTS[1][2]} package)" if hangul else ""
        print(f"{pdf}: no installed font has {_plural(len(undrawn), 'character', 'characters')}"
              f" of the report ({listed}); the PDF shows [U+...] markers in their place and "
              f"lists them at its end, as {page.name} does; install a font that has them to "
              f"draw them{korean}", file=sys.stderr)
    if audio:
        languages = sorted({_base(lang) for lang in summary.languages}) or ["en"]
        write_audio(summary, sound, {lang: pack_words(conn, lang) for lang in languages})
    return summary.answers
