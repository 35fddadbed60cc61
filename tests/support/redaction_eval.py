"""Measure the personal-details scrubber on a marked-up evaluation set.

Each line of the set is `split<TAB>form<TAB>text`, where personal details in the text are marked
inline as `{KIND:words}`, e.g. `call me on {PHONE:oh seven seven double nine}`. Words are
whitespace-separated; a word counts as removed when it does not survive into the scrubbed text.

Two figures:
  recall     share of personal-detail words that were removed (target at least 97%)
  retention  share of the other content words that were kept (target at least 98%);
             content words are all words except a few function words ("the", "and", "of"...)

Usage:
    python -m tests.support.redaction_eval tests/data/redaction_eval.tsv [--show tune]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.redact import redact

_MARKUP = re.compile(r"\{([A-Z_]+):([^{}]*)\}")
# Words too small to count as content: removing "the" next to a name is no loss of meaning.
_FUNCTION_WORDS = frozenset(
    "a an the and or of to in on at is was i i'm my me it this that for with be by as".split()
)


@dataclass
class Example:
    """One marked-up sentence of the evaluation set."""

    split: str
    form: str
    marked: str
    words: list[tuple[str, str | None]]  # (word, kind of detail or None)

    @property
    def plain(self) -> str:
        return " ".join(word for word, _ in self.words)


@dataclass
class Score:
    """Word counts for one portion of the set."""

    detail_words: int = 0
    detail_removed: int = 0
    content_words: int = 0
    content_kept: int = 0
    other_words: int = 0
    other_kept: int = 0
    misses: list[str] = field(default_factory=list)
    # per kind of detail: [detail words, removed]; and per kind found in a sentence ("NONE" for
    # sentences with no detail): [content words, kept]
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    content_by_kind: dict[str, list[int]] = field(default_factory=dict)

    def kind_recall(self, kind: str) -> float | None:
        words, removed = self.by_kind.get(kind, (0, 0))
        return removed / words if words else None

    def kind_retention(self, kind: str) -> float | None:
        words, kept = self.content_by_kind.get(kind, (0, 0))
        return kept / words if words else None

    @property
    def recall(self) -> float:
        return self.detail_removed / self.detail_words if self.detail_words else 1.0

    @property
    def retention(self) -> float:
        return self.content_kept / self.content_words if self.content_words else 1.0

    @property
    def retention_all_words(self) -> float:
        return self.other_kept / self.other_words if self.other_words else 1.0


def parse_marked(marked: str) -> list[tuple[str, str | None]]:
    """Split a marked-up sentence into words, each with its detail kind (or None)."""
    words: list[tuple[str, str | None]] = []
    position = 0
    for match in _MARKUP.finditer(marked):
        words.extend((w, None) for w in marked[position : match.start()].split())
        words.extend((w, match.group(1)) for w in match.group(2).split())
        position = match.end()
    words.extend((w, None) for w in marked[position:].split())
    return words


def load(path: Path) -> list[Example]:
    """Read the evaluation set, skipping comments and blank lines."""
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        split, form, marked = line.split("\t", 2)
        examples.append(Example(split, form, marked, parse_marked(marked)))
    return examples


def _norm(word: str) -> str:
    return re.sub(r"[^\w@+']", "", word.lower())


def kept_flags(words: list[str], scrubbed: str) -> list[bool]:
    """For each input word, whether it survives into the scrubbed text (aligned in order)."""
    source = [_norm(w) for w in words]
    target = [_norm(w) for w in scrubbed.split()]
    kept = [False] * len(words)
    matcher = difflib.SequenceMatcher(a=source, b=target, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            kept[block.a + k] = True
    return kept


def score(examples: list[Example]) -> Score:
    """Count removed detail words and kept content words over the examples."""
    result = Score()
    for example in examples:
        scrubbed = redact(example.plain).text
        kept = kept_flags([w for w, _ in example.words], scrubbed)
        wrong = False
        kinds = {kind for _word, kind in example.words if kind is not None} or {"NONE"}
        for (word, kind), was_kept in zip(example.words, kept, strict=True):
            if kind is not None:
                result.detail_words += 1
                result.detail_removed += not was_kept
                tally = result.by_kind.setdefault(kind, [0, 0])
                tally[0] += 1
                tally[1] += not was_kept
                wrong |= was_kept
            else:
                result.other_words += 1
                result.other_kept += was_kept
                if _norm(word) not in _FUNCTION_WORDS:
                    result.content_words += 1
                    result.content_kept += was_kept
                    for found in kinds:
                        tally = result.content_by_kind.setdefault(found, [0, 0])
                        tally[0] += 1
                        tally[1] += was_kept
                    wrong |= not was_kept
        if wrong:
            result.misses.append(f"{example.marked}\n    -> {scrubbed}")
    return result


def report(examples: list[Example]) -> dict[str, Score]:
    """Scores for each split and for the whole set."""
    scores = {
        split: score([e for e in examples if e.split == split])
        for split in sorted({e.split for e in examples})
    }
    scores["all"] = score(examples)
    return scores


KIND_ORDER = ("NAME", "PHONE", "EMAIL", "ADDRESS", "POSTCODE", "ID_NUMBER", "DATE_OF_BIRTH",
              "NONE")


def kind_table(scores: dict[str, Score]) -> str:
    """Recall and retention per kind of detail for each portion, as a Markdown table."""
    portions = [p for p in scores if p != "all"]
    header = "| kind | " + " | ".join(f"{p} recall | {p} retention" for p in portions) + " |"
    lines = [header, "|---" * (1 + 2 * len(portions)) + "|"]

    def cell(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    for kind in KIND_ORDER:
        row = [kind.lower().replace("_", " ") if kind != "NONE" else "(no detail)"]
        for p in portions:
            row += [cell(scores[p].kind_recall(kind)) if kind != "NONE" else "n/a",
                    cell(scores[p].kind_retention(kind))]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print recall and retention per portion; exit 1 if the whole set misses a target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--show", default="none",
                        help="print the sentences with mistakes from this portion (tune: the "
                             "reporting halves, heldout and report, are not for tuning)")
    args = parser.parse_args(argv)
    examples = load(args.path)
    scores = report(examples)
    for split, s in scores.items():
        count = len(examples) if split == "all" else sum(e.split == split for e in examples)
        print(
            f"{split:8} sentences={count:4}"
            f"  recall={s.recall:.2%} ({s.detail_removed}/{s.detail_words})"
            f"  retention={s.retention:.2%} ({s.content_kept}/{s.content_words})"
            f"  retention_all_words={s.retention_all_words:.2%}"
        )
    print(kind_table(scores))
    if args.show != "none":
        for line in scores[args.show].misses:
            print(line)
    whole = scores["all"]
    return 0 if whole.recall >= 0.97 and whole.retention >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
