"""Question packs: the questions a session asks, read from a TOML file and checked line by line.

A pack looks like this (see README.md for every field)::

    [pack]
    id = "co-production-2017"
    title = "Self management and co-production"
    languages = ["en", "gd"]      # the first is the default
    version = 1

    [[question]]
    id = "meaning"
    type = "open"                 # open | choice | multi | scale | yesno
    text = { en = "What does co-production mean to you?", gd = "..." }
    help = "Say a few words, or as much as you like."
    optional = true
    choices = [ { id = "a", text = "..." } ]    # choice and multi; plain strings allowed

    [recordings]                  # optional: who agreed to their recorded voices being kept
    consent = "Recorded on the kiosk by group members, who agreed they are kept with the pack"
    shared_with = "Everyone this pack is used with or copied to"

Problems are collected, not raised one at a time, so a facilitator fixing a pack sees every problem
at once, each as ``FILE:LINE: error: what is wrong; what to do``.
"""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

QUESTION_TYPES = ("open", "choice", "multi", "scale", "yesno")
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
MAX_TEXT_LENGTH = 2000
MAX_QUESTIONS = 200
MAX_CHOICES = 40
# Limits on a pack's file, the same for `kiosk packs validate`, for loading and for sync
# (kiosk.store.sync.validate), so a pack that validates always travels and one sync accepts always
# parses: the TOML reader recurses once per bracket and fails deep down with a RecursionError.
MAX_PACK_BYTES = 1_000_000
MAX_NESTING = 8  # a choice with a translated text is 3 deep: [ { text = { ... } } ]
MAX_AUDIO_BYTES = 50_000_000  # about nine minutes of CD-quality mono WAV
RECORDINGS_KEYS = ("consent", "shared_with")
MAX_CONSENT_LENGTH = 500


@dataclass(frozen=True)
class LocalText:
    """A text in one or more languages; falls back to the pack's default language."""

    translations: Mapping[str, str]
    default_language: str

    def get(self, language: str) -> str:
        """The text in `language`, or in the default language when it has no translation."""
        if language in self.translations:
            return self.translations[language]
        if self.default_language in self.translations:
            return self.translations[self.default_language]
        return next(iter(self.translations.values()), "")

    def has(self, language: str) -> bool:
        """Whether the text has its own translation in `language`."""
        return language in self.translations


@dataclass(frozen=True)
class Choice:
    """One option of a choice, multi or scale question."""

    id: str
    text: LocalText


@dataclass(frozen=True)
class Question:
    """One question of a pack."""

    id: str
    type: str
    text: LocalText
    help: LocalText | None = None
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    # Recorded human voice per language, played instead of synthetic speech (relative to the pack).
    audio: Mapping[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class RecordingConsent:
    """The pack's [recordings] table: who agreed to their recorded voices being kept, and who
    may hear them. Recordings are made by staff or group members, never by participants."""

    consent: str
    shared_with: str


@dataclass(frozen=True)
class QuestionPack:
    """A set of questions, in one or more languages, with an id and a version."""

    id: str
    title: LocalText
    languages: tuple[str, ...]
    version: int
    questions: tuple[Question, ...]
    source: str = "<pack>"
    description: LocalText | None = None
    recordings: RecordingConsent | None = None

    @property
    def default_language(self) -> str:
        """The first listed language, used where a translation is missing."""
        return self.languages[0]

    def question(self, question_id: str) -> Question:
        """The question with this id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack, located in its file."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the pack being used; "warning" is reported only

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


class PackError(Exception):
    """A pack that cannot be used; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def N_(message: str) -> str:
    """Marks a message for translation; it is translated later, in the participant's language."""
    return message


# Scale labels used when a scale question gives none: words as well as numbers.
DEFAULT_SCALE_LABELS = (N_("Not at all"), N_("A little"), N_("Somewhat"), N_("Mostly"),
                        N_("Completely"))


class _LineFinder:
    """Finds the line of a table or key in the TOML text, since tomllib gives no positions."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.question_lines = [
            i + 1 for i, line in enumerate(self.lines) if line.strip().startswith("[[question]]")
        ]
        pack = [i + 1 for i, line in enumerate(self.lines) if line.strip() == "[pack]"]
        self.pack_line = pack[0] if pack else 1

    def question(self, index: int) -> int:
        if index < len(self.question_lines):
            return self.question_lines[index]
        return 1

    def key(self, start: int, key: str) -> int:
        """The first line at or after `start` (1-based) setting `key`, within the same table."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start - 1, len(self.lines)):
            if i > start - 1 and self.lines[i].strip().startswith("["):
                break
            if pattern.match(self.lines[i]):
                return i + 1
        return start

    def find(self, start: int, pattern: re.Pattern[str]) -> int | None:
        """The first line at or after `start` matching `pattern`, within the same table."""
        for i in range(start - 1, len(self.lines)):
            if i > start - 1 and self.lines[i].strip().startswith("["):
                break
            if pattern.search(self.lines[i]):
                return i + 1
        return None

    def top_level(self, key: str) -> int:
        """The line of a top-level table `[key]`, `[[key]]` or `key = ...`."""
        pattern = re.compile(rf"^\s*(\[+\s*{re.escape(key)}\s*[\].]|{re.escape(key)}\s*=)")
        for i, line in enumerate(self.lines):
            if pattern.match(line):
                return i + 1
        return 1


# What can open or close a level of nesting, and what hides brackets from it: strings, comments.
_NESTING_MARK = re.compile(r"[\"'#\[\]{}]")
# The rest of a string after its opening quote(s), up to and with its closing one(s). Each
# character can go only one way, so a string left open costs one pass, not a search per start.
_BASIC_REST = re.compile(r'(?:[^"\\\n]|\\.)*"')
_MULTILINE_BASIC_REST = re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL)


def _too_big(size: int) -> str:
    return (f"the pack is {size:,} bytes; a pack may be at most {MAX_PACK_BYTES:,} so that it "
            "can be synced. Split it into smaller packs or shorten its texts")


def source_problem(text: str) -> tuple[int, str] | None:
    """Why a pack's text is too big or too deeply nested to read safely, as (line, message with
    the fix); None when it is within MAX_PACK_BYTES and MAX_NESTING. Linear in the text, so
    sync can run it on every pack it receives."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_PACK_BYTES:
        return 1, _too_big(size)
    depth, pos = 0, 0
    while (mark := _NESTING_MARK.search(text, pos)) is not None:
        char, at = mark.group(), mark.start()
        if char == "#":
            pos = text.find("\n", at)
        elif char == "'":
            quotes = "'''" if text.startswith("'''", at) else "'"
            close = text.find(quotes, at + len(quotes))
            if quotes == "'" and "\n" in text[at:close]:
                close = -1  # a literal string ends on its line
            pos = _after_extra_quotes(text, close + 3, "'") if close >= 0 and quotes != "'" \
                else close + 1 if close >= 0 else -1
        elif char == '"':
            triple = text.startswith('"""', at)
            rest = (_MULTILINE_BASIC_REST if triple else _BASIC_REST).match(
                text, at + (3 if triple else 1))
            pos = -1 if rest is None else _after_extra_quotes(text, rest.end(), '"') if triple \
                else rest.end()
        else:
            pos = at + 1
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    line = text.count("\n", 0, at) + 1
                    return line, (f"brackets are nested more than {MAX_NESTING} deep; a pack "
                                  "needs at most 3 (a list of choices with translated texts). "
                                  "Close the brackets opened on this line")
            else:
                depth = max(0, depth - 1)
        if pos < 0:
            # A comment on the last line, or a string never closed: the TOML reader stops at
            # the string with its own error, before any bracket after it.
            break
    return None


def _after_extra_quotes(text: str, pos: int, quote: str) -> int:
    # A multi-line string may end with one or two quotes of its own before the closing three.
    for _ in range(2):
        if text.startswith(quote, pos):
            pos += 1
    return pos


def parse_pack(text: str, file: str = "<pack>") -> tuple[QuestionPack | None, list[Problem]]:
    """Parse and check a pack. Returns the pack (None if it has errors) and every problem found."""
    problems: list[Problem] = []
    too_much = source_problem(text)
    if too_much is not None:
        return None, [Problem(file, too_much[0], too_much[1])]
    try:
        data = tomllib.loads(text)
    except RecursionError:
        # source_problem keeps brackets shallow; this is the last guard, never a traceback.
        return None, [Problem(file, 1, f"nested too deeply to read; keep brackets at most "
                              f"{MAX_NESTING} deep")]
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(str(exc), text)
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, [Problem(file, line, f"not valid TOML ({detail}); check quotes, brackets and "
                              "'key = value' syntax on this line")]
    lines = _LineFinder(text)

    def err(line: int, message: str) -> None:
        problems.append(Problem(file, line, message))

    def warn(line: int, message: str) -> None:
        problems.append(Problem(file, line, message, "warning"))

    meta = data.get("pack")
    if not isinstance(meta, dict):
        err(1, "no [pack] table; start the file with [pack] and its id, title, languages and "
            "version")
        meta = {}
    pl = lines.pack_line
    # A misspelt key would otherwise be ignored without a word.
    for key in data:
        if key not in ("pack", "question", "recordings"):
            err(lines.top_level(key), f"unknown table or key '{key}'; a pack has only [pack], "
                "[recordings] and [[question]] tables")
    pack_keys = ("id", "title", "languages", "version", "description")
    for key in meta:
        if key not in pack_keys:
            err(lines.key(pl, key), f"[pack] has an unknown key '{key}'; use one of "
                f"{', '.join(sorted(pack_keys))}")

    pack_id = meta.get("id")
    if not isinstance(pack_id, str) or not _ID_PATTERN.match(pack_id):
        err(lines.key(pl, "id"), "[pack] id must be a short name of letters, digits, '-', '_' or "
            "'.', for example id = \"winter-forum\"")
        pack_id = "invalid"

    languages = meta.get("languages", ["en"])
    if (not isinstance(languages, list) or not languages
            or not all(isinstance(x, str) and _LANGUAGE_PATTERN.match(x) for x in languages)):
        err(lines.key(pl, "languages"), "[pack] languages must be a list of language codes, the "
            "default first, for example languages = [\"en\", \"gd\"]")
        languages = ["en"]
    elif len(set(languages)) != len(languages):
        err(lines.key(pl, "languages"), "[pack] languages lists a language twice; list each once")
    default = languages[0]

    version = meta.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        err(lines.key(pl, "version"), "[pack] version must be a whole number of 1 or more, "
            "for example version = 2")
        version = 1

    def local_text(value: Any, line: int, what: str, required: bool = True) -> LocalText | None:
        if value is None:
            if required:
                err(line, f"{what} is missing; add {what.split()[-1]} = \"...\"")
            return None
        if isinstance(value, str):
            translations = {default: value}
        elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            translations = dict(value)
        else:
            err(line, f"{what} must be a string or a table of languages, "
                f"for example {{ {default} = \"...\" }}")
            return None
        for language, s in translations.items():
            if language not in languages:
                err(line, f"{what} has a translation in '{language}', which is not in [pack] "
                    f"languages; add it there or remove the translation")
            if not s.strip():
                err(line, f"{what} is empty in '{language}'; write the text or remove it")
            elif len(s) > MAX_TEXT_LENGTH:
                err(line, f"{what} is {len(s)} characters long; keep it under {MAX_TEXT_LENGTH}")
        if required or translations:
            for language in languages:
                if language not in translations:
                    warn(line, f"{what} has no '{language}' translation; it will be shown in "
                         f"'{default}'. Add {language} = \"...\" to translate it")
        return LocalText(translations, default)

    title = local_text(meta.get("title"), lines.key(pl, "title"), "[pack] title")
    description = local_text(meta.get("description"), lines.key(pl, "description"),
                             "[pack] description", required=False)

    recordings = _parse_recordings(data.get("recordings"), lines, err)

    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        err(pl, "the pack has no questions; add at least one [[question]] table")
        raw_questions = []
    if len(raw_questions) > MAX_QUESTIONS:
        err(lines.question(MAX_QUESTIONS), f"the pack has {len(raw_questions)} questions; "
            f"split it into packs of at most {MAX_QUESTIONS}")
        raw_questions = raw_questions[:MAX_QUESTIONS]

    known_keys = {"id", "type", "text", "help", "optional", "choices", "audio", "labels"}
    questions: list[Question] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        ql = lines.question(index)
        where = f"question {index + 1}"
        if not isinstance(raw, dict):
            err(ql, f"{where} is not a table; write it as [[question]] followed by its keys")
            continue
        for key in raw:
            if key not in known_keys:
                err(lines.key(ql, key), f"{where} has an unknown key '{key}'; use one of "
                    f"{', '.join(sorted(known_keys))}")
        qid = raw.get("id")
        if not isinstance(qid, str) or not _ID_PATTERN.match(qid):
            err(lines.key(ql, "id"), f"{where} needs an id of letters, digits, '-', '_' or '.', "
                "for example id = \"barriers\"")
            qid = f"question-{index + 1}"
        else:
            where = f"question '{qid}'"
            if qid in seen_ids:
                err(lines.key(ql, "id"), f"duplicate question id '{qid}' (first used on line "
                    f"{seen_ids[qid]}); give each question its own id")
            else:
                seen_ids[qid] = lines.key(ql, "id")
        qtype = raw.get("type", "open")
        if qtype not in QUESTION_TYPES:
            err(lines.key(ql, "type"), f"{where} has unknown type '{qtype}'; use one of "
                f"{', '.join(QUESTION_TYPES)}")
            qtype = "open"
        question_text = local_text(raw.get("text"), lines.key(ql, "text"), f"{where} text")
        help_text = local_text(raw.get("help"), lines.key(ql, "help"), f"{where} help",
                               required=False)
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            err(lines.key(ql, "optional"), f"{where} optional must be true or false")
            optional = False
        audio = raw.get("audio", {})
        if isinstance(audio, str):
            audio = {default: audio}
        if not isinstance(audio, dict) or not all(isinstance(v, str) for v in audio.values()):
            err(lines.key(ql, "audio"), f"{where} audio must be a file name or a table of "
                f"languages, for example audio = {{ {default} = \"meaning-{default}.wav\" }}")
            audio = {}
        for language, recording in audio.items():
            if language not in languages:
                err(lines.key(ql, "audio"), f"{where} audio has a recording in '{language}', "
                    "which is not in [pack] languages; add it there or remove the recording")
            outside = _audio_path_problem(recording)
            if outside:
                err(lines.key(ql, "audio"), f"{where} audio '{recording[:80]}' ({language}) "
                    f"{outside}; put the recording in the pack's folder and give its name, "
                    f"for example audio = {{ {language} = \"{qid}-{language}.wav\" }}")

        choices: list[Choice] = []
        raw_choices = raw.get("choices")
        cl = lines.key(ql, "choices")
        if qtype in ("choice", "multi"):
            if not isinstance(raw_choices, list) or not raw_choices:
                err(cl, f"{where} is a {qtype} question with no choices; add choices = "
                    "[\"First\", \"Second\"]")
                raw_choices = []
            choices = _parse_choices(raw_choices, cl, where, local_text, err, lines)
        elif qtype == "scale":
            labels = raw.get("labels", raw_choices)
            if labels is None:
                choices = [Choice(str(i + 1), LocalText({"en": label}, "en"))
                           for i, label in enumerate(DEFAULT_SCALE_LABELS)]
            else:
                ll = lines.key(ql, "labels" if "labels" in raw else "choices")
                if not isinstance(labels, list) or not 2 <= len(labels) <= 11:
                    err(ll, f"{where} labels must be a list of 2 to 11 words from lowest to "
                        "highest, for example labels = [\"Not at all\", \"A little\", \"A lot\"]")
                    labels = []
                choices = [Choice(str(i + 1), t) for i, item in enumerate(labels)
                           if (t := local_text(item, ll, f"{where} label {i + 1}")) is not None]
        elif raw_choices is not None:
            article = "an" if qtype == "open" else "a"
            err(cl, f"{where} is {article} {qtype} question, which takes no choices; remove "
                "them or set type = \"choice\"")

        if question_text is not None:
            questions.append(Question(qid, qtype, question_text, help_text, optional,
                                      tuple(choices), dict(audio), ql))

    errors = [p for p in problems if p.severity == "error"]
    if errors or title is None:
        return None, problems
    pack = QuestionPack(pack_id, title, tuple(languages), version, tuple(questions), file,
                        description, recordings)
    return pack, problems


def _parse_recordings(raw: Any, lines: _LineFinder, err: Any) -> RecordingConsent | None:
    """The optional [recordings] table; both its keys are needed, as one line of words each."""
    if raw is None:
        return None
    line = lines.top_level("recordings")
    if not isinstance(raw, dict):
        err(line, "recordings must be a table: [recordings] with consent = \"...\" and "
            "shared_with = \"...\"")
        return None
    for key in raw:
        if key not in RECORDINGS_KEYS:
            err(lines.key(line, key), f"[recordings] has an unknown key '{key}'; use one of "
                f"{', '.join(RECORDINGS_KEYS)}")
    values: dict[str, str] = {}
    for key, example in (("consent", "Recorded by group members, who agreed they are kept"),
                         ("shared_with", "Everyone this pack is used with or copied to")):
        value = raw.get(key)
        at = lines.key(line, key)
        if not isinstance(value, str) or not value.strip():
            err(at, f"[recordings] {key} must say it in words, for example "
                f"{key} = \"{example}\"")
        elif len(value) > MAX_CONSENT_LENGTH or any(ord(c) < 32 for c in value):
            err(at, f"[recordings] {key} must be one line of at most {MAX_CONSENT_LENGTH} "
                "characters; shorten it")
        else:
            values[key] = value
    if len(values) < 2:
        return None
    return RecordingConsent(values["consent"], values["shared_with"])


def _parse_choices(raw_choices: list[Any], first_line: int, where: str, local_text: Any,
                   err: Any, lines: _LineFinder) -> list[Choice]:
    if len(raw_choices) > MAX_CHOICES:
        err(first_line, f"{where} has {len(raw_choices)} choices; keep it to {MAX_CHOICES} or "
            "fewer")
        raw_choices = raw_choices[:MAX_CHOICES]
    choices: list[Choice] = []
    seen: set[str] = set()
    line = first_line
    for i, item in enumerate(raw_choices):
        # A choice's problems point at its own line when the list spans several lines; the search
        # goes on from the previous choice, so a repeated id finds its second use.
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            needle = rf"\bid\s*=\s*[\"']{re.escape(item['id'])}[\"']"
        elif isinstance(item, str):
            needle = rf"[\"']{re.escape(item)}[\"']"
        else:
            needle = ""
        found = lines.find(line, re.compile(needle)) if needle else None
        line = found or line
        if isinstance(item, dict) and "text" in item:
            cid = item.get("id", str(i + 1))
            if not isinstance(cid, str) or not _ID_PATTERN.match(cid):
                err(line, f"{where} choice {i + 1} id must be a short name, for example id = \"a\"")
                cid = str(i + 1)
            text = local_text(item["text"], line, f"{where} choice '{cid}' text")
        else:
            cid = str(i + 1)
            text = local_text(item, line, f"{where} choice {i + 1}")
        if cid in seen:
            err(line, f"{where} has two choices with id '{cid}'; give each choice its own id")
        seen.add(cid)
        if text is not None:
            choices.append(Choice(cid, text))
    return choices


def _audio_path_problem(recording: str) -> str | None:
    """Why a recording's name could lead out of the pack's folder; None for a plain relative
    name. The file it names is checked by load_pack (links, size)."""
    if not recording.strip():
        return "is empty"
    if any(ord(c) < 32 for c in recording):
        return "has control characters in its name"
    if (PurePosixPath(recording).is_absolute() or PureWindowsPath(recording).is_absolute()
            or PureWindowsPath(recording).drive or recording.startswith(("/", "\\"))):
        return "is an absolute path, which may point anywhere"
    if ".." in PureWindowsPath(recording).parts:  # a Windows path splits at / as well as \
        return "goes up out of the pack's folder with '..'"
    return None


def _audio_file_problem(folder: Path, recording: str) -> str | None:
    """Why the recording beside a pack cannot be played safely; None when it is a regular file
    inside `folder` within MAX_AUDIO_BYTES, or missing (a warning, made by load_pack). The
    reason ends with its fix."""
    path = folder / recording
    try:
        # Links are followed first: one leading out is refused even when its target is missing
        # today, since a file could be put there later.
        if not path.resolve().is_relative_to(folder.resolve()):
            return ("is a link to a file outside the pack's folder; copy the recording itself "
                    "into the pack's folder")
        info = path.stat()
    except FileNotFoundError:
        return None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        return (f"cannot be read ({getattr(exc, 'strerror', None) or exc}); check the file and "
                "its permissions")
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file; give the name of a .wav file in the pack's folder"
    if info.st_size > MAX_AUDIO_BYTES:
        return (f"is {info.st_size:,} bytes; a recording may be at most {MAX_AUDIO_BYTES:,}: "
                "shorten it or save it at a lower sample rate")
    return None


def _toml_error_line(message: str, text: str) -> int:
    match = re.search(r"at line (\d+)", message)
    if match:
        return int(match.group(1))
    if "end of document" in message:
        # Something left open (a bracket, a quote) until the end: point at the last line.
        return max(1, len(text.splitlines()))
    return 1


def load_pack(path: str | Path) -> tuple[QuestionPack, list[Problem]]:
    """Read and check a pack file. Raises PackError listing every error; returns warnings too."""
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise PackError([Problem(str(path), 0, "is not a regular file; give the path of a "
                                     ".toml pack file")])
        if info.st_size > MAX_PACK_BYTES:
            raise PackError([Problem(str(path), 1, _too_big(info.st_size))])
        with path.open("rb") as handle:
            # Read one byte more than allowed: a file that grows, or reports no size, is caught.
            raw = handle.read(MAX_PACK_BYTES + 1)
    except FileNotFoundError:
        raise PackError([Problem(str(path), 0, "file not found; check the path and name")]) \
            from None
    except OSError as exc:
        raise PackError([Problem(str(path), 0, f"cannot be read ({exc.strerror}); check the file "
                                 "and its permissions")]) from None
    if len(raw) > MAX_PACK_BYTES:
        raise PackError([Problem(str(path), 1, _too_big(len(raw)))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PackError([Problem(str(path), line, "file is not UTF-8 text; save it as UTF-8 in "
                                 "your editor")]) from None
    text = text.removeprefix("\ufeff")
    pack, problems = parse_pack(text, str(path))
    if pack is None:
        raise PackError(problems)
    problems += recording_problems(pack, path.parent, str(path))
    if any(p.severity == "error" for p in problems):
        raise PackError(problems)
    return pack, problems


def recording_problems(pack: QuestionPack, folder: Path, file: str) -> list[Problem]:
    """The pack's recordings as found in `folder`: an error for one that is not a regular file
    inside it within MAX_AUDIO_BYTES, a warning for one that is missing (the synthetic voice
    is used instead)."""
    problems: list[Problem] = []
    for question in pack.questions:
        for language, recording in question.audio.items():
            wrong = _audio_file_problem(folder, recording)
            if wrong is not None:
                problems.append(Problem(
                    file, question.line, f"question '{question.id}' audio '{recording}' "
                    f"({language}) {wrong}"))
            elif not (folder / recording).is_file():
                problems.append(Problem(
                    file, question.line, f"question '{question.id}' audio '{recording}' "
                    f"({language}) is not beside the pack; the synthetic voice will be used. "
                    "Copy the recording there or remove the audio line", "warning"))
    return problems


def default_pack_path() -> Path:
    """The built-in question pack, drawn from the co-production events in the background papers."""
    return Path(__file__).resolve().parent.parent / "packs" / "default.toml"
