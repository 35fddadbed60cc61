"""The pyttsx3 rendering process: one JSON request per line in, a WAV file and an answer out.

Run as ``python -m kiosk.speech._tts_worker``. It lives in its own process because pyttsx3's
runAndWait can hang or refuse ("run loop already started"); the parent kills this process when an
answer is late, so a hung engine never freezes the kiosk.

Request: {"text": str, "voice": str, "rate": int, "out": path}. Answer: {"ok": true} or
{"ok": false, "error": str}.
"""

from __future__ import annotations

import json
import os
import sys
import threading

# Longer than the parent waits: the parent kills this process when an answer is late.
FINISH_SECONDS = 60.0


def main() -> int:
    """Serve render requests from stdin until it closes."""
    # Keep the real stdout for answers only: pyttsx3 prints chatter ("Audio saved to ...").
    answers = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        import pyttsx3

        engine = pyttsx3.init("espeak")
    except Exception as error:  # any failure to start is reported, not raised
        answers.write(
            json.dumps({"ok": False, "error": f"pyttsx3 failed to start: {error}"}) + "\n"
        )
        return 1
    # pyttsx3's espeak driver returns from runAndWait as soon as synthesis has *started*:
    # espeak's own thread goes on rendering and writes the file when the utterance ends, then
    # says "finished-utterance". Reading (or retrying) before that gave an empty or cut-short
    # file, or two syntheses into one buffer; so each request waits for that notification.
    finished = threading.Event()

    def on_finished(**_details: object) -> None:
        finished.set()

    engine.connect("finished-utterance", on_finished)
    answers.write(json.dumps({"ok": True, "ready": True}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            engine.setProperty("voice", request["voice"])
            engine.setProperty("rate", int(request["rate"]))
            engine.setProperty("volume", 1.0)
            finished.clear()
            engine.save_to_file(request["text"], request["out"])
            engine.runAndWait()
            if not finished.wait(FINISH_SECONDS):
                answer = {"ok": False, "error": "pyttsx3 did not finish the utterance"}
            elif not os.path.exists(request["out"]):
                wrote_nothing = f"pyttsx3 wrote no file for {request['text'][:30]!r}"
                answer = {"ok": False, "error": wrote_nothing}
            else:
                answer = {"ok": True}
        except Exception as error:  # the parent falls back to espeak-ng
            answer = {"ok": False, "error": str(error)}
        answers.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
