"""The report read aloud: chapters of plain sentences (an introduction, one per question, what
the summary is) in each language answers were given in, rendered by espeak-ng into a folder of
recordings with a playlist, and a README for staff on handing them over.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from kiosk.i18n import Catalogs
from kiosk.outputs.page import ReportError
from kiosk.outputs.rows import packs_in
from kiosk.outputs.summary import (
    QuestionSummary,
    Summary,
    closing_lines,
    intro_lines,
    percent_text,
    plural_words,
    question_lines,
)


def base_language(language: str) -> str:
    """The language without its region ("pt-BR", "pt_br" -> "pt"), as catalogs name it."""
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
    several = language is not None and len({base_language(lang) for lang in summary.languages}) > 1
    if catalogs is not None and language is not None and base_language(language) != "en":
        return _translated_chapters(summary, base_language(language), words, catalogs, several)
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
                lines.append(f"{label}: {count}, {percent_text(int(count), int(total))}.")
            elif kind == "quote":
                said_in = q.quote_languages.get(text, "en")
                if several and base_language(said_in) != base_language(language or "en"):
                    elsewhere += 1
                    continue
                lines.append(f"Someone said: {text}")
            else:
                lines.append(text + ("" if text.endswith(".") else "."))
        if elsewhere:
            lines.append(f"{plural_words(elsewhere, 'more quote was', 'more quotes were')} said in "
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
                      f"{percent_text(q.counts[choice], total)}." for choice in q.order]
            lines += _translated_groups(summary, q, _, said)
        else:
            if not q.themes:
                lines.append(_("Too few answers to find common themes."))
            elsewhere, said_here = 0, False
            for theme, n in q.themes:
                quotes = q.quotes.get(theme, [])
                here = [quote for quote in quotes if not several
                        or base_language(q.quote_languages.get(quote, "en")) == language]
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
    """`group_lines`, said in the chapter's language."""
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
        return catalogs.translate(base_language(language), message) if catalogs else message

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


AUDIO_README = "README.txt"
PLAYLIST = "report.m3u"


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
