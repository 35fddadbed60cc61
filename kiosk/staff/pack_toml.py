"""Question packs written as TOML, from plain values: the one writer of pack files, shared by
XLSForm import (`kiosk.staff.xlsform`) and packs made on the kiosk (`kiosk.staff.authoring`).

Every text is written as a JSON string, which TOML reads as the same basic string, so any text a
group writes comes back unchanged when the pack is read (`kiosk.core.pack.parse_pack`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol


class SourceRow(Protocol):
    """Where a question came from in a spreadsheet (an XLSForm's row), for the line map."""

    number: int


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string, once DEL (allowed in JSON) is escaped too.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _toml_text(texts: dict[str, str], languages: list[str], default: str) -> str:
    if list(texts) == [default]:
        return _toml_string(texts[default])
    items = [f"{lang} = {_toml_string(texts[lang])}" for lang in languages if lang in texts]
    return "{ " + ", ".join(items) + " }"


_IMPORT_COMMENT = ("# Made from an XLSForm spreadsheet by `kiosk packs import`; edit the "
                   "spreadsheet and import it again,\n# or edit this file and check it with "
                   "`kiosk packs validate`.")


def pack_toml(meta: dict[str, Any], questions: list[dict[str, Any]], languages: list[str],
              comment: str) -> str:
    """A pack as TOML, from plain values: `meta` has id, title, version and maybe description
    and recordings (a dict of consent and shared_with);
    each question id, type, optional, text and maybe help, audio, labels (scale) or choices
    (each an id and a text); a text is a dict of language to string. `comment` (lines starting
    with "#") heads the file. The one writer of pack files, for imported forms and for packs made
    on the kiosk (kiosk.staff.authoring)."""
    text, _ = dump_toml(meta, {"title": 0, "description": 0}, [(q, None) for q in questions],
                    languages, comment)
    return text


def dump_toml(meta: dict[str, Any], meta_rows: dict[str, int],
          questions: Sequence[tuple[dict[str, Any], SourceRow | None]],
          languages: list[str], comment: str = _IMPORT_COMMENT,
          ) -> tuple[str, dict[int, tuple[str, int]]]:
    """The pack as TOML, and for each line the sheet and row it came from (where known)."""
    default = languages[0]
    lines: list[str] = []
    origin: dict[int, tuple[str, int]] = {}

    def put(line: str, sheet: str | None = None, row: int | None = None) -> None:
        lines.append(line)
        if sheet and row:
            origin[len(lines)] = (sheet, row)

    for line in comment.splitlines():
        put(line)
    put("")
    put("[pack]", "settings", 2)
    put(f"id = {_toml_string(meta['id'])}", "settings", 2)
    put(f"title = {_toml_text(meta['title'], languages, default)}", "settings",
        meta_rows["title"])
    if "description" in meta:
        put(f"description = {_toml_text(meta['description'], languages, default)}", "settings",
            meta_rows["description"])
    put("languages = [" + ", ".join(_toml_string(lang) for lang in languages) + "]", "survey", 1)
    put(f"version = {meta['version']}", "settings", 2)
    if "recordings" in meta:
        # Who agreed to the recorded voices being kept, and who may hear them.
        put("")
        put("[recordings]")
        for key in ("consent", "shared_with"):
            put(f"{key} = {_toml_string(meta['recordings'][key])}")
    for question, row in questions:
        n = row.number if row is not None else 0
        put("")
        put("[[question]]", "survey", n)
        put(f"id = {_toml_string(question['id'])}", "survey", n)
        put(f"type = {_toml_string(question['type'])}", "survey", n)
        if question["optional"]:
            put("optional = true", "survey", n)
        put(f"text = {_toml_text(question['text'], languages, default)}", "survey", n)
        if "help" in question:
            put(f"help = {_toml_text(question['help'], languages, default)}", "survey", n)
        if "audio" in question:
            put(f"audio = {_toml_text(question['audio'], languages, '')}", "survey", n)
        if "labels" in question:
            put("labels = [", "survey", n)
            for label in question["labels"]:
                put(f"  {_toml_text(label, languages, default)},", "survey", n)
            put("]", "survey", n)
        if "choices" in question:
            put("choices = [", "survey", n)
            for choice in question["choices"]:
                put(f"  {{ id = {_toml_string(choice['id'])}, text = "
                    f"{_toml_text(choice['text'], languages, default)} }},", "choices",
                    choice.get("_row"))
            put("]", "survey", n)
    return "\n".join(lines) + "\n", origin
