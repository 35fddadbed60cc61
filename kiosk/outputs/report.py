"""The summary report for participants and staff: large-print PDF and HTML, and an audio version.

In the manner of the event write-ups the kiosk's users already know: who took part and where, then
question by question what people said. Choice, multi, yes/no and scale questions get their counts
as a bar chart and as words; open answers are grouped under their most frequent themes (words and
pairs of words, common words left out) with contributions quoted as given.

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
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from kiosk.outputs.rows import Progress, answer_tuples, count_answers

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
def _terms(text: str) -> frozenset[str]:
    """terms_of, remembered for answers given more than once (bounded, so memory stays flat)."""
    return frozenset(terms_of(text))


def terms_of(text: str) -> set[str]:
    """Theme candidates in an answer: its words and word pairs, common words left out."""
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    kept = [w if len(w) > 2 and w not in STOP_WORDS else "" for w in words]
    found = {w for w in kept if w}
    # Pairs only of words that stand next to each other in what was said.
    found.update(f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a and b)
    return found


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
            q.terms.update(_terms(row.answer))
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
    for q in questions.values():
        q.themes = _top_themes(q.terms)
        q.quotes = {theme: [] for theme, _n in q.themes}
        q.terms = Counter()  # no longer needed; free it
        if q.question_type == "scale":
            q.order.sort()
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
            found = _terms(row.answer)
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
    # The sessions people took part in (only the one asked for, when a session was).
    sessions = [tuple(r) for r in conn.execute(
        "SELECT name, venue, date FROM events WHERE id IN (SELECT DISTINCT event_id FROM "
        "participants WHERE withdrawn = 0) AND (? IS NULL OR id = ? OR name = ?) "
        "ORDER BY date, name", (session or None, session, session))]
    titles = [r[0] for r in conn.execute("SELECT DISTINCT title FROM packs")]
    group_sizes = Counter(groups.values())
    return Summary(titles[0] if len(titles) == 1 else "Contributions", len(participants), answers,
                   methods, languages, sessions, list(questions.values()), group_question,
                   group_sizes, min_group)  # type: ignore[arg-type]


def _top_themes(terms: Counter[str]) -> list[tuple[str, int]]:
    """The most mentioned terms; a word is dropped when a pair containing it ranks as high."""
    chosen: list[tuple[str, int]] = []
    # Ties broken by the words, not by the order a set gave them (which changes from one
    # process to the next): the same store always gives the same themes.
    ranked = sorted(terms.items(), key=lambda item: (-item[1], item[0]))[:60]
    for term, n in ranked:
        if n < 2:
            break
        # One theme per idea: skip a term sharing a word with a theme already chosen.
        if any(set(term.split()) & set(other.split()) for other, _ in chosen):
            continue
        if any(term != other and term in other and m >= n * 0.8 for other, m in ranked):
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


# PDF ------------------------------------------------------------------------------------------

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


def write_pdf(summary: Summary, out: Path) -> None:
    """The report as a large-print A4 PDF with bar charts."""
    from fpdf import FPDF

    # fontTools reports tables it leaves out when subsetting; nothing for staff to act on.
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    bold = _font_file("DejaVu Sans:bold",
                      "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    if bold is None:
        raise ReportError("the DejaVu Sans Bold font is missing; install the fonts-dejavu-core "
                          "package")
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, 20)
    pdf.add_font("body", "", bold)
    fallbacks = []
    nanum = _font_file("NanumGothic:bold", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")
    if nanum:
        pdf.add_font("korean", "", nanum)
        fallbacks.append("korean")
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks)
    pdf.set_title(summary.title)
    pdf.set_text_color(0, 0, 0)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = BODY_PT, after: float = 3) -> None:
        pdf.set_font("body", size=size)
        # 1.5 line spacing: line height 1.5 x the point size, in millimetres.
        pdf.multi_cell(width, size * 1.5 * 0.3528, text, align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(after)

    para(summary.title, HEADING_PT)
    para("What people told us", SUBHEADING_PT, after=5)
    for line in intro_lines(summary):
        para(line)
    for number, q in enumerate(summary.questions, 1):
        pdf.ln(4)
        if pdf.get_y() > pdf.h * 0.7:  # keep a question's heading with what follows it
            pdf.add_page()
        para(f"Question {number}: {q.question}", SUBHEADING_PT)
        for kind, text in question_lines(summary, q):
            if kind == "bar":
                _pdf_bar(pdf, width, *text.split("\t"))
            elif kind == "heading":
                para(text, BODY_PT + 2)
            elif kind == "theme":
                para(text, BODY_PT + 1, after=1)
            elif kind == "quote":
                pdf.set_x(pdf.l_margin + 8)
                pdf.set_font("body", size=BODY_PT)
                pdf.multi_cell(width - 8, BODY_PT * 1.5 * 0.3528, f"‘{text}’", align="L",
                               new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            else:
                para(text)
    pdf.ln(4)
    para("About this summary", SUBHEADING_PT)
    for line in closing_lines(summary):
        para(line)
    pdf.output(str(out))


def _pdf_bar(pdf: Any, width: float, label: str, count: str, total: str, largest: str) -> None:
    """One bar: its label above, then a solid bar sized by the count, with the number beside."""
    n, whole, top = int(count), max(int(total), 1), max(int(largest), 1)
    line = BODY_PT * 1.5 * 0.3528
    pdf.set_font("body", size=BODY_PT)
    pdf.multi_cell(width, line, label, align="L", new_x="LMARGIN", new_y="NEXT")
    if pdf.get_y() + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    bar_space = width - 55
    bar = max(1.0, bar_space * n / top)
    y = pdf.get_y() + 1
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(pdf.l_margin, y, bar, 9, style="F")
    pdf.set_xy(pdf.l_margin + bar + 3, y - 1)
    pdf.cell(50, 11, f"{n} ({_percent(n, whole)})", align="L")
    pdf.set_xy(pdf.l_margin, y + 13)


# HTML -----------------------------------------------------------------------------------------

_CSS = """
body { font-family: Verdana, Arial, "DejaVu Sans", sans-serif; font-size: 18pt; font-weight: bold;
       line-height: 1.5; text-align: left; max-width: 40em; margin: 1em; color: #000;
       background: #fff; font-style: normal; }
h1 { font-size: 26pt; } h2 { font-size: 21pt; margin-top: 1.5em; } h3 { font-size: 19pt; }
a { text-decoration: none; } blockquote { margin: 0 0 0.5em 1em; }
.bar { background: #000; height: 1em; display: inline-block; vertical-align: middle; }
.choice { margin: 0.5em 0; }
"""


def write_html(summary: Summary, out: Path) -> None:
    """The report as one large-print HTML page (charts as bars with their numbers)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(summary.title)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{e(summary.title)}</h1>", "<p>What people told us</p>"]
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
                parts.append(f"<blockquote>‘{e(text)}’</blockquote>")
            else:
                parts.append(f"<p>{e(text)}</p>")
    parts.append("<h2>About this summary</h2>")
    parts += [f"<p>{e(line)}</p>" for line in closing_lines(summary)]
    parts.append("</body></html>")
    out.write_text("\n".join(parts), encoding="utf-8")


# Audio ----------------------------------------------------------------------------------------

def spoken_text(summary: Summary) -> str:
    """The report as plain sentences for speech."""
    lines = [f"{summary.title}. What people told us."] + intro_lines(summary)
    for number, q in enumerate(summary.questions, 1):
        lines.append(f"Question {number}. {q.question}")
        for kind, text in question_lines(summary, q):
            if kind == "bar":
                label, count, total, _largest = text.split("\t")
                lines.append(f"{label}: {count}, {_percent(int(count), int(total))}.")
            elif kind == "quote":
                lines.append(f"Someone said: {text}")
            else:
                lines.append(text + ("" if text.endswith(".") else "."))
    lines.append("About this summary.")
    lines += closing_lines(summary)
    return "\n".join(lines)


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


# What `--out` may name for a report: a folder, or one of the report's own files.
REPORT_SUFFIXES = (".pdf", ".html", ".htm")
# Names that are plainly some other kind of file, not a folder: refused rather than made a folder.
OTHER_FILE_SUFFIXES = frozenset({
    ".wav", ".mp3", ".ogg", ".txt", ".csv", ".json", ".jsonl", ".xlsx", ".xls", ".ods", ".odt",
    ".doc", ".docx", ".rtf", ".md", ".zip", ".sqlite", ".db", ".png", ".jpg",
})


def report_files(out: str | Path) -> tuple[Path, Path, Path]:
    """The PDF, HTML and audio files a report written to `out` consists of.

    `out` is a folder (they are report.pdf, report.html and report.wav in it), or a file name
    ending in .pdf or .html (the other two are written beside it, with the same name).
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
        return pdf, page, out.with_suffix(".wav")
    if suffix in OTHER_FILE_SUFFIXES and not out.is_dir():
        raise ReportError(f"{out}: a report is a PDF, an HTML page and a WAV file; give a "
                          f"folder, or a name ending in .pdf or .html, such as "
                          f"{out.with_suffix('.pdf')}")
    return out / "report.pdf", out / "report.html", out / "report.wav"


def write_report(conn: sqlite3.Connection, out: Path, progress: Progress | None = None,
                 session: str | None = None, pack: str | None = None, min_group: int = 3,
                 audio: bool = True) -> int:
    """Write the report's PDF, HTML and WAV files (see `report_files`); returns answers."""
    pdf, html, wav = report_files(out)
    summary = summarise(conn, session=session, pack=pack, min_group=min_group,
                        progress=progress)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    write_pdf(summary, pdf)
    write_html(summary, html)
    if audio:
        render_speech_to_wav(spoken_text(summary), wav)
    return summary.answers
