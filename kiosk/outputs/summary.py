"""What the report says, read out of a store: who took part and where, then question by question
what people said, in the manner of the event write-ups the kiosk's users already know. Choice,
multi, yes/no and scale questions get their counts; open answers are grouped under their themes
(`kiosk.outputs.themes`), with contributions quoted as given. A quote always contains its theme
as shown.

Group breakdowns (by the "taking part as" question, when the pack has one) hide any count below
`min_group`, so nobody can be picked out of a small group.

The summary reads the store twice, streaming (first counts, then quotes for the top themes), so
its memory does not grow with the number of answers. The report's page and PDF (`report`), its
recordings (`audio`) and the results page (`results`) all say what this finds.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from kiosk.outputs.rows import (
    Progress,
    answer_tuples,
    count_answers,
    question_order,
    sessions_of,
)
from kiosk.outputs.themes import term_pairs, top_themes

QUOTES_PER_THEME = 3
MAX_QUOTE = 220
GROUP_QUESTION_IDS = ("taking-part-as", "taking_part_as", "taking-part", "role")


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
            for term, words in term_pairs(row.answer, row.language):
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
        chosen = top_themes(q.terms, everywhere, q.answers, open_answers,
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
            found = {words for _term, words in term_pairs(row.answer, row.language)}
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


# Words --------------------------------------------------------------------------------------

def plural_words(n: int, one: str, many: str) -> str:
    """"1 person", "3 people": the count with the word that fits it."""
    return f"{n} {one if n == 1 else many}"


def percent_text(n: int, total: int) -> str:
    """`n` of `total` as a whole percentage ("0%" of nothing)."""
    return f"{round(100 * n / total)}%" if total else "0%"


def group_lines(summary: Summary, q: QuestionSummary) -> list[str]:
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
        groups = plural_words(hidden, "group", "groups")
        lines.append(f"{groups} with fewer than {summary.min_group} "
                     "people not shown, so that nobody can be identified.")
    return lines


def intro_lines(summary: Summary) -> list[str]:
    """The opening paragraph: who took part, where and how."""
    lines = [f"{plural_words(summary.participants, 'person', 'people')} took part and gave "
             f"{plural_words(summary.answers, 'answer', 'answers')}."]
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
    out: list[tuple[str, str]] = [("text", f"{plural_words(q.answers, 'answer', 'answers')}.")]
    if q.question_type != "open":
        total = sum(q.counts.values())
        largest = max(q.counts.values(), default=1)
        for choice in q.order:
            n = q.counts[choice]
            out.append(("bar", f"{choice}\t{n}\t{total}\t{largest}"))
        breakdown = group_lines(summary, q)
        if breakdown:
            out.append(("heading", "By how people were taking part"))
            out += [("group", line) for line in breakdown]
        return out
    if not q.themes:
        out.append(("text", "Too few answers to find common themes."))
    for theme, n in q.themes:
        out.append(("theme", f"{theme.capitalize()}: mentioned in "
                             f"{plural_words(n, 'answer', 'answers')}"))
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
