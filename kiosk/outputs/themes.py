"""Themes in open answers, for the report and the results page.

A theme is a word or a pair of words that sets one question's answers apart from the others'
(class-based TF-IDF: how much more often it is said under this question than under the other open
questions), in the answer's language with that language's common words left out and inflections
merged (Snowball stemmers), so filler said under every question is never a theme.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any

THEMES_PER_QUESTION = 4

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


@lru_cache(maxsize=8192)
def term_pairs(text: str, language: str = "en") -> tuple[tuple[str, str], ...]:
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
    return {words for _key, words in term_pairs(text, language)}


def top_themes(terms: Counter[str], everywhere: Counter[str], answers: int,
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
