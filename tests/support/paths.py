"""Where things are, for tests that run the kiosk as a program or read the repository's files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository: kiosk/, tests/, deploy/, script/
SUPPORT = ROOT / "tests" / "support"
