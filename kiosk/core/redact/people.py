"""The rules for people's names: after a cue ("my carer grace"), listed names with no ordinary
meaning, surname shapes, possessives, Gaelic Mac/Nic surnames, and Polish names by their
capitals and case endings ("Spotkałam Piotra Kowalskiego")."""

from __future__ import annotations

from kiosk.core.redact.lexicon import (
    AFTER_NAME,
    CALENDAR,
    CLAUSE_STARTS,
    FUNCTION_WORDS,
    GAELIC_SMALL_WORDS,
    INSTITUTION_PREFIXES,
    INSTITUTIONS,
    INTRO_CLOSERS,
    INTRO_CUES,
    NAMES_AFTER_ROLES,
    NOT_MAC_NAMES,
    NOT_ROLE_BEFORE,
    NUMBER_WORDS,
    OTHER_ORDINARY,
    PLACES,
    POLISH_CASE_ENDINGS,
    POLISH_SMALL_WORDS,
    POLISH_TITLES,
    SHORT_VERBS,
    SPEECH_VERBS,
    STREET_TYPES,
    STRONG_CUES,
    TITLES,
    WEAK_INTRO_WORDS,
)
from kiosk.core.redact.names import NameLists, name_lists
from kiosk.core.redact.ordinary_names import ORDINARY_GIVEN_NAMES
from kiosk.core.redact.scan import (
    _COMMON_NAMES,
    _GAELIC_STARTS,
    _GAELIC_SURNAME,
    _INTRO_ENDS,
    _JOINING_WORDS,
    _MODALS,
    _NAME_CUE_ENDS,
    _NEVER_NAMES,
    _NOT_NAME_END,
    _OBJECT_WORDS,
    _POSSESSIVES,
    _ROLES,
    _STRONG_ENDS,
    _STRONG_OR_INTRO_CUES,
    _SURNAME_FORM_ENDS,
    _SURNAME_FORM_STARTS,
    Scan,
    _listed_names,
    _surname_form,
    _wordlike,
)


class NameRules(Scan):
    """Names, by the words around them and by the name lists."""

    # -- names --------------------------------------------------------------------------------
    def _listed(self, w: str) -> bool:
        lists = name_lists()
        return w in lists.first or w in lists.last

    def _capitalised_mid_sentence(self, i: int) -> bool:
        raw = self.raws[i]
        if not raw[:1].isupper() or raw.isupper() and len(raw) > 1:
            return False
        if i == 0 or self.broken_before(i):
            return False
        return True

    def _title_case_text(self) -> bool:
        # Asked once per possible name: counted once per text (the tokens never change), or a
        # long answer of many names took seconds (quadratic).
        cached: bool | None = getattr(self, "_title_case", None)
        if cached is None:
            pairs = [(r, w) for r, w in zip(self.raws, self.words, strict=True) if r.isalpha()]
            if self.english:
                capitals = sum(r[:1].isupper() for r, _w in pairs)
            else:
                # Without cue phrases capitals are the evidence, and a short sentence with two
                # names ("Dh'fhalbh Ailean MacRath le Ceit") would count as title case if the
                # names' own capitals counted: only the other words' capitals do.
                listed = _listed_names(name_lists())
                capitals = sum(r[:1].isupper() and w not in listed
                               and not _GAELIC_SURNAME.fullmatch(r) for r, w in pairs)
                if self.polish:
                    capitals -= self._polish_name_capitals(listed)
            cached = bool(pairs) and capitals > 0.6 * len(pairs)
            self._title_case = cached
        return cached

    def _polish_name_capitals(self, listed: frozenset[str]) -> int:
        """How many capitals of unlisted words in Polish text belong to names or titles
        rather than to a heading: surnames by their form ("Wiśniewska"), a capitalised word
        right after a capitalised listed given name ("Marcie Nowak"), and the respectful
        "Pan"/"Pani" ("Dzwoniła Pani Ewa")."""
        raws, words = self.raws, self.words
        first = name_lists().first
        count = 0
        for k, (raw, w) in enumerate(zip(raws, words, strict=True)):
            if raw[:1].isupper() and raw.isalpha() and w not in listed and (
                    w in POLISH_TITLES or _surname_form(w)
                    or (k > 0 and not self.broken_before(k) and raws[k - 1][:1].isupper()
                        and words[k - 1] in first
                        and words[k - 1] not in POLISH_SMALL_WORDS)):
                count += 1
        return count

    def _gaelic_written(self, k: int) -> bool:
        """Whether token k is a Mac/Nic surname as written in Gaelic ("NicLeòid"), not a word
        that merely begins like one ("MacBook")."""
        raw = self.raws[k]
        return raw[:1] in "MN" and bool(_GAELIC_SURNAME.fullmatch(raw)) \
            and self.words[k] not in NOT_MAC_NAMES

    def _possessor(self, k: int) -> bool:
        """Whether token k says whose the next word is: "my", "our", or a possessive such as
        "o'neil's" (so "o'neil's carer grace" is one person's carer, as "my carer grace" is)."""
        return k >= 0 and (self.words[k] in _POSSESSIVES or k in self.owners)

    def _read_possessives_and_small_words(self) -> None:
        """Before the name rules: read a possessive as its owner's word ("o'neil's" as
        "o'neil"), remembering which tokens were possessives, and find the Gaelic small words
        that look like names (see GAELIC_SMALL_WORDS). The passes before names() have used
        the words as said; names() is the last to read them."""
        words = self.words
        if "'" in self.text or "’" in self.text:  # else no token is a possessive
            owners = [k for k, w in enumerate(words)
                      if w.endswith("'s") and len(w) > 3 and w[:-2] not in FUNCTION_WORDS]
            if owners:
                words = self.words = list(words)
                for k in owners:
                    words[k] = words[k][:-2]
                self.owners = frozenset(owners)
        small = GAELIC_SMALL_WORDS if self.gaelic else POLISH_SMALL_WORDS if self.polish else None
        if small is not None:
            raws = self.raws
            self.stops = frozenset(
                k for k, w in enumerate(words) if w in small
                and (not raws[k][:1].isupper() or self._sentence_start(k)))
        if self.polish:
            self._read_polish_cases()

    def _read_polish_cases(self) -> None:
        """Read a capitalised Polish word in another case as its nominative where that is a
        listed name ("Piotra Kowalskiego" as "piotr kowalski", "Wiśniewską" as "wisniewski"),
        so the rules below find it as they find the nominative. Only capitalised words: in
        written Polish a name has its capital, and an ordinary word in lower case is left as
        it is whatever its ending."""
        listed = _listed_names(name_lists())
        words = self.words
        found = [(k, base) for k, (raw, w) in enumerate(zip(self.raws, words, strict=True))
                 if raw[:1].isupper() and len(w) >= 4 and w not in listed
                 and w not in POLISH_SMALL_WORDS and k not in self.owners
                 and (base := _polish_nominative(w, listed)) is not None]
        if found:
            words = self.words = list(words)  # the scanner's own copy, as for possessives
            for k, base in found:
                words[k] = base

    def _name_follows(self, j: int) -> bool:
        """Whether token j (after a possible name) fits a name before it."""
        n = self.n
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        w = self.words[j]
        return w in AFTER_NAME or (
            len(w) > 3 and w.endswith("s") and w not in FUNCTION_WORDS and not w.endswith("ss")
        )

    def _plausible_unknown(self, j: int) -> bool:
        """Whether a word missing from the name lists could still be a name ("mei", "jurgis")."""
        w = self.words[j]
        return (
            _wordlike(w) and len(w) >= 2 and w not in FUNCTION_WORDS and not self._ordinary(w)
            and w not in _ROLES and w not in TITLES and w not in INSTITUTIONS
            and w not in STREET_TYPES and w not in NOT_MAC_NAMES
            # English verb and plural endings; Baltic names ending in -as, -is, -us may stay
            and not _NOT_NAME_END.search(w)
        )

    def _clause_ends(self, j: int) -> bool:
        """Whether token j starts something new after a full name ("... kofi nowak call me").

        Stricter than _name_follows: "is" or "has" after an unlisted word suggests that word
        begins a new clause ("my name is oliver money is tight").
        """
        n = self.n
        if j >= n or self.broken_before(j) or not self.free(j):
            return True
        return self.words[j] in CLAUSE_STARTS

    def _extend_name(self, i: int) -> int:
        """From a name at token i, take following surnames; return the last name token index."""
        n = self.n
        lists = name_lists()
        title_case = self._title_case_text()
        owners, stops = self.owners, self.stops
        if i in owners:
            return i  # "o'neil's carer": a possessive ends the name
        # In written Polish a surname has its capital as the given name does: a lower-case
        # word after a capitalised name is no part of it ("Ewa Wiśniewska dzwoniła").
        capitals_only = self.polish and self.raws[i][:1].isupper()
        j = i + 1
        while j < n and j - i <= 3 and self.free(j) and not self.broken_before(j):
            w = self.words[j]
            if j in stops:
                break  # "bha Ceit ann": a Gaelic small word, not a surname
            if capitals_only and not self.raws[j][:1].isupper():
                break
            if (w in FUNCTION_WORDS or w in NUMBER_WORDS or w in PLACES or w in CALENDAR
                    or w in OTHER_ORDINARY or w in INSTITUTIONS or not _wordlike(w)):
                break
            if w in ORDINARY_GIVEN_NAMES and w not in lists.last:
                break  # a given name that is also a word ("sat") is no surname
            if w in lists.last or w in lists.first or _surname_form(w) \
                    or _GAELIC_SURNAME.fullmatch(self.raws[j]):
                if w in _COMMON_NAMES and (
                    not (self._name_follows(j + 1) or self._clause_ends(j + 1))
                    or (j + 1 < n and self.words[j + 1] in _OBJECT_WORDS)
                ):
                    break  # "the volunteer jamal read it out": a verb, not a surname
                j += 1
                if j - 1 in owners:
                    break
                continue
            if self._plausible_unknown(j) and len(w) >= 4 and (
                self._clause_ends(j + 1)
                or (self._name_follows(j + 1) and self.words[j + 1] not in SHORT_VERBS)
                or (self.raws[j][:1].isupper() and not title_case)
            ):
                j += 1
                if j - 1 in owners:
                    break
                continue
            break
        return j - 1

    def _polish_surname_at(self, j: int) -> bool:
        """Whether token j, in Polish text, is written as a surname after a given name: a
        capital inside the sentence on a word that is no small word and could be a name
        ("Anna Nowak była tu"), in text that is not written in capitals throughout."""
        return j < self.n and self.free(j) and not self.broken_before(j) and j not in self.stops \
            and self.raws[j][:1].isupper() and not self.raws[j].isupper() \
            and self.words[j] not in POLISH_SMALL_WORDS and not self._title_case_text() and (
                self._listed(self.words[j]) or _surname_form(self.words[j])
                or self._plausible_unknown(j))

    def _sentence_start(self, i: int) -> bool:
        return i == 0 or self.broken_before(i)

    def names(self) -> None:
        """Mark people's names: after cues, and names that are no ordinary word anywhere."""
        n = self.n
        lists = name_lists()
        self._read_possessives_and_small_words()
        words, kinds = self.words, self.kinds
        owners, stops = self.owners, self.stops
        english = self.english
        resume = 0  # the first token not yet passed (a name taken out passes its tokens)
        hyphens = "-" in self.text  # else no word is part of a hyphenated one
        for i in self._name_candidates(lists):
            w = words[i]
            if i < resume or kinds[i] is not None or not _wordlike(w) or i in stops:
                continue
            if hyphens and (
                (i + 1 < n and self.gap(i + 1) == "-" and not self._listed(self.words[i + 1]))
                or (i > 0 and self.gap(i) == "-" and not self._listed(self.words[i - 1]))
            ):
                continue  # part of a hyphenated word ("co-production"), not a name
            listed = w in lists.first or w in lists.last \
                or (self.raws[i][0] in "MN" and bool(_GAELIC_SURNAME.fullmatch(self.raws[i])))
            first = w in lists.first
            ordinary = self._ordinary(w)
            # ordinary in every sense: never a name whatever the cue
            plain_word = w in OTHER_ORDINARY
            previous = self.words[i - 1] if i > 0 and not self.broken_before(i) else ""
            before = words[i - 1] if i > 0 else ""
            strong = english and before in _STRONG_ENDS and self.ends_any(i, STRONG_CUES)
            # a role's possessive owns what follows ("my pal's birthday"): no cue for a name
            role = english and i - 1 not in owners and (
                previous in TITLES
                or (previous in _ROLES and (i < 2 or self.words[i - 2] not in NOT_ROLE_BEFORE))
            )
            intro = english and before in _INTRO_ENDS and self.ends_any(i, INTRO_CUES)
            polish_title = self.polish and previous in POLISH_TITLES \
                and self.raws[i][:1].isupper() and self._polish_surname_at(i)
            if not (listed or strong or role or intro or polish_title or _surname_form(w)):
                continue  # the word before was no whole cue ("to" of "go to")
            weak_intro = previous in WEAK_INTRO_WORDS
            # a possessive is a noun's end, as a name's verb is: "mrs o'neil's carer"
            follows = self._name_follows(i + 1) or i in owners
            next_is_number = i + 1 < n and self.words[i + 1] in NUMBER_WORDS
            written_cap = self._capitalised_mid_sentence(i) and not self._title_case_text()

            is_name = False
            if plain_word:
                # "my pal sunny said", never "is my pal lucky or what" nor "i'm lucky"
                is_name = role and w in NAMES_AFTER_ROLES and not next_is_number and (
                    previous in TITLES or self._possessor(i - 2)) and (
                    i in owners or written_cap or (
                        i + 1 < n and not self.broken_before(i + 1)
                        and self.words[i + 1] in AFTER_NAME
                        and self.words[i + 1] not in _JOINING_WORDS))
            elif strong:
                is_name = listed or not ordinary or w in CALENDAR
            elif role:
                if listed and not ordinary:
                    is_name = True
                elif listed or w in CALENDAR or w in PLACES or self._plausible_unknown(i):
                    is_name = (follows and not next_is_number) or (
                        # "my granddaughter rose set up the tablet"
                        i >= 2 and self._possessor(i - 2) and w not in _MODALS
                        and i + 1 < n and not self.broken_before(i + 1)
                        and self.words[i + 1] not in FUNCTION_WORDS and not next_is_number
                    ) or (
                        written_cap and self._plausible_unknown(i)
                    ) or (
                        # an unlisted first name and surname: "my worker kasia nowicka helps"
                        not ordinary and i + 1 < n and self._plausible_unknown(i + 1)
                        and self._name_follows(i + 2)
                    )
            elif intro and w in CALENDAR and i >= 1 and self.words[i - 1] in ("is", "it's") \
                    and not (
                i + 1 < n and (self.words[i + 1] in INTRO_CLOSERS
                               or self.words[i + 1] in SPEECH_VERBS)
            ):
                is_name = False  # "it is march and still nothing has changed"
            elif intro:
                if first and not ordinary:
                    is_name = True
                elif (listed or w in CALENDAR) and w not in PLACES and not weak_intro:
                    is_name = follows and not next_is_number
                elif self._plausible_unknown(i) and (
                    (written_cap and follows)
                    or (i + 1 < n and self.words[i + 1] in INTRO_CLOSERS)
                ):
                    is_name = True
            elif first and not ordinary:
                is_name = self.english or written_cap or (
                    # "Seumas MacLeòid" at the start of a sentence
                    i + 1 < n and (self.words[i + 1] in lists.last or self._gaelic_written(i + 1))
                ) or (self.polish and self._polish_surname_at(i + 1))
            elif polish_title:
                is_name = True  # "Pani Nowak pomogła": a capitalised word after Pan/Pani
            elif not english and self._gaelic_written(i):
                is_name = True  # "Bha NicAoidh ann": the inner capital shows the surname
            elif written_cap and first and w not in CALENDAR and w not in PLACES:
                is_name = True
            elif (self._sentence_start(i) or previous == "and") and listed and \
                    w in _COMMON_NAMES and i + 1 < n and (
                        self.words[i + 1] in SPEECH_VERBS
                        or (self.words[i + 1] == "from" and i + 2 < n
                            and self.words[i + 2] in ("the", "my", "our"))
                    ):
                is_name = True  # "grace said ...", "mark from the council never came"

            surname_form = not is_name and not ordinary and _surname_form(w) and self.english and (
                w in lists.last or (previous in lists.first and not self._ordinary(previous))
                or follows
            )
            if surname_form:
                is_name = True  # "macdonald said", "shug macdonald", "priya lewandowska"
            if is_name:
                last = self._extend_name(i)
                if (last + 1 < n and self.words[last + 1] in INSTITUTIONS) or (
                    previous in INSTITUTION_PREFIXES
                ):
                    resume = last + 1  # "queen margaret hospital", "st andrew"
                    continue
                start = i
                joins = i > 0 and i - 1 not in owners and i - 1 not in stops  # see _extend_name
                if joins and surname_form and self.free(i - 1) and not self.broken_before(i) \
                        and self.words[i - 1] in lists.first and not self._ordinary(
                            self.words[i - 1]):
                    start = i - 1
                elif joins and self.free(i - 1) and not self.broken_before(i) and (
                    # an unknown word before a given name is no first name without a cue
                    # ("Dh'fhalbh Ailean MacRath": a Gaelic verb)
                    (english or w not in lists.first) and self._plausible_unknown(i - 1)
                    and (self._sentence_start(i - 1) or surname_form
                         or self.ends_any(i - 1, _STRONG_OR_INTRO_CUES))
                ):
                    start = i - 1  # an unlisted first name before a listed surname
                self.mark(start, last, "NAME")
                resume = last + 1
                continue
            # a surname that is no ordinary word, right after a first name ("mark thompson")
            if listed and not ordinary and w in lists.last and i > 0 and self.free(i - 1) \
                    and i - 1 not in owners and i - 1 not in stops \
                    and previous in lists.first and previous not in FUNCTION_WORDS \
                    and previous not in CALENDAR and previous not in PLACES \
                    and previous not in OTHER_ORDINARY:
                last = self._extend_name(i)
                self.mark(i - 1, last, "NAME")
                resume = last + 1
                continue

    def _name_candidates(self, lists: NameLists) -> list[int]:
        """The tokens names() looks at, in order. Only a listed word, one of a surname's form,
        or a word after a cue, a title or a role can be taken out as a name, and never a word
        of _NEVER_NAMES; most words of a text are none of these, and are passed over here in
        one comprehension rather than one turn of names()'s loop each."""
        listed = _listed_names(lists)
        cue_ends = _NAME_CUE_ENDS if self.english else POLISH_TITLES if self.polish \
            else frozenset()
        english = self.english
        words = self.words
        befores = ["", *words]  # the word before each (one more at the end, never reached)
        return [
            i for i, (w, before, raw) in enumerate(zip(words, befores, self.raws, strict=False))
            if w not in _NEVER_NAMES and (
                w in listed or before in cue_ends
                or (english and (w[0] in "mo" and w.startswith(_SURNAME_FORM_STARTS)
                                 or w[-1] in "aikz" and w.endswith(_SURNAME_FORM_ENDS)))
                or (raw[0] in "MN" and raw.startswith(_GAELIC_STARTS)))
        ]



# POLISH_CASE_ENDINGS by their last letter, in the table's order: a word is tried against the
# few endings its own last letter can end (most capitalised words end none of them).
_POLISH_ENDINGS_BY_LAST_LETTER: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    letter: tuple(e for e in POLISH_CASE_ENDINGS if e[0][-1] == letter)
    for letter in {ending[-1] for ending, _nominatives in POLISH_CASE_ENDINGS}
}


def _polish_nominative(word: str, listed: frozenset[str]) -> str | None:
    """The listed name a Polish word (folded) is a case of, or None: its ending taken off and a
    nominative's put on (POLISH_CASE_ENDINGS), with the "e" that a few stems drop put back
    ("Marka" -> "marek", "Pawła" -> "pawel"). At most a few dozen set lookups a word."""
    for ending, nominatives in _POLISH_ENDINGS_BY_LAST_LETTER.get(word[-1], ()):
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        for nominative in nominatives:
            base = stem + nominative
            if len(base) >= 3 and base in listed and base not in POLISH_SMALL_WORDS:
                return base
            if not nominative and len(stem) >= 3 and stem[-1] in "klc" \
                    and stem[-2] not in "aeiouy":
                fleeting = stem[:-1] + "e" + stem[-1]
                if fleeting in listed:
                    return fleeting
    return None
