"""The kiosk's voice is really pyttsx3: the espeak-ng fallback is for a broken engine only.

Real pyttsx3 and espeak-ng, no sound device needed. The sentences are the ones the kiosk says
first on the built-in pack (Welcome, consent, each question), rendered from two threads at once
as the kiosk does when it starts: the pre-render thread and the speaker thread.
"""

from __future__ import annotations

import logging
import threading

import pytest

from kiosk.core.pack import default_pack_path, load_pack
from kiosk.core.session import first_speeches
from kiosk.i18n import Catalogs
from kiosk.speech.audio import Audio
from kiosk.speech.tts import Renderer


def kiosk_sentences(language: str, count: int) -> list[str]:
    pack, _warnings = load_pack(default_pack_path())
    return first_speeches(pack, Catalogs().translate, language, True)[:count]


@pytest.mark.parametrize("language", ["en", "gd"])
def test_two_threads_rendering_at_once_get_pyttsx3_in_full(
    language: str, caplog: pytest.LogCaptureFixture
) -> None:
    sentences = kiosk_sentences(language, 6)
    # The long Welcome and consent speeches are the ones that came back empty.
    assert max(len(text) for text in sentences) > 200
    halves = [sentences[0::2], sentences[1::2]]
    rendered: dict[str, Audio] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(texts: list[str]) -> None:
        try:
            start.wait()
            for text in texts:
                rendered[text] = renderer.render(text, language, 160)
        except BaseException as error:  # reported by the test below
            errors.append(error)

    caplog.set_level(logging.WARNING, logger="kiosk.speech.tts")
    with Renderer() as renderer:
        threads = [threading.Thread(target=work, args=(half,)) for half in halves]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        engines = dict(renderer.rendered_by)
    assert not errors, errors
    assert not [r.message for r in caplog.records if "pyttsx3 failed" in r.message]
    assert engines == {"pyttsx3": len(sentences)}, engines

    # In full: as long as espeak-ng itself makes the same sentence (nothing cut short), and loud.
    with Renderer(use_pyttsx3=False) as reference:
        for text in sentences:
            audio = rendered[text]
            expected = reference.render(text, language, 160)
            level = audio.rms_dbfs()
            print(f"\n{audio.duration:5.2f} s (espeak-ng {expected.duration:5.2f} s), "
                  f"{level:.1f} dBFS: {text[:50]!r}")
            assert audio.samplerate > 8000
            assert 0.9 < audio.duration / expected.duration < 1.1, text
            assert level > -35, text
