"""The kiosk: an offline, voice-first, large-print kiosk for contributions at community events."""

__version__ = "0.1.0"
