"""The functional core: question packs, answers and the session state machine.

Nothing in this package imports Kivy, Vosk, sounddevice or SQLite: it decides what should happen and
returns it as plain values; the adapters and the Kivy shell carry it out.
"""
