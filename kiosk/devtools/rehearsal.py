"""A rehearsal: one simulated participant's path through a pack, as steps the real window takes.

Staff use it (through `kiosk rehearse`) to look at every screen of a pack before an event; the
tests use it to drive the real window. No Kivy here: the steps are plain data.
"""

from __future__ import annotations

from kiosk.core.pack import QuestionPack
from kiosk.core.screens import MAX_TEXT_SIZE, THEMES

# A sample typed answer per language, to show how an answer looks on the read-back screen.
SAMPLE_ANSWERS = {
    "en": "Sharing power, and really listening to each other.",
    "gd": "A' roinn cumhachd, agus ag èisteachd ri chèile.",
    "pl": "Dzielenie się władzą i słuchanie siebie nawzajem.",
    "ko": "서로의 말을 잘 듣는 것입니다.",
}

Step = tuple[str, str]


def rehearsal_steps(pack: QuestionPack, language: str | None = None, theme: str | None = None,
                    size: int = 0) -> list[Step]:
    """Every screen of the pack once: welcome, consent, each question answered, review, thanks."""
    if theme is not None and theme not in THEMES:
        raise ValueError(f"unknown theme '{theme}'; use one of {', '.join(THEMES)}")
    if not 0 <= size <= MAX_TEXT_SIZE:
        raise ValueError(f"size must be 0 (default) to {MAX_TEXT_SIZE} (twice the default)")
    if language is not None and language not in pack.languages:
        raise ValueError(f"the pack has no '{language}'; it has {', '.join(pack.languages)}")
    steps: list[Step] = []
    if language and language != pack.default_language:
        steps.append(("press", f"lang:{language}"))
    if theme or size:
        steps.append(("press", "settings"))
        if theme:
            steps.append(("press", f"theme:{theme}"))
        steps += [("press", "size+")] * size
        steps.append(("press", "close"))
    steps += [("press", "start"), ("press", "agree")]
    sample = SAMPLE_ANSWERS.get(language or pack.default_language, SAMPLE_ANSWERS["en"])
    for q in pack.questions:
        if q.type == "open":
            steps += [("press", "type"), ("type", sample), ("press", "done"), ("press", "keep")]
        elif q.type == "multi":
            steps += [("press", f"choice:{q.choices[0].id}"), ("press", "done")]
        elif q.type == "yesno":
            steps.append(("press", "choice:yes"))
        else:
            steps.append(("press", f"choice:{q.choices[len(q.choices) // 2].id}"))
    steps += [("press", "help"), ("press", "close"), ("press", "finish")]
    return steps
