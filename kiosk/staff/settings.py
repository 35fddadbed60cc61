"""Staff settings kept in the data folder: the PIN (hashed), lockouts, the active pack and event.

The PIN is stored as a salted PBKDF2 hash, never as digits. After MAX_FAILURES wrong PINs in a
row, staff mode is locked for LOCKOUT_SECONDS, and the lock survives a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
_ITERATIONS = 200_000


class StaffError(Exception):
    """A staff action that cannot be done, with a one-line reason."""


@dataclass
class StaffConfig:
    """What staff have set on this kiosk."""

    pin_hash: str = ""
    pin_salt: str = ""
    failures: int = 0
    locked_until: float = 0.0
    pack: str = ""  # path of the active pack; empty for the built-in one
    event_id: str = ""
    sync_target: str = ""  # the shared store (a file on a stick, or a hub's address) last used


class StaffSettings:
    """Reads and writes staff.json in the data folder, atomically."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.time):
        self.path = Path(data_dir) / "staff.json"
        self.clock = clock

    def load(self) -> StaffConfig:
        """The saved settings, or defaults when none are saved yet."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return StaffConfig()
        except (OSError, ValueError) as exc:
            raise StaffError(f"{self.path}: unreadable ({exc}); delete it and set the PIN "
                             "again with: kiosk staff-pin") from None
        # Valid JSON of the wrong shape would otherwise fail later with a traceback.
        problem = _shape_problem(raw)
        if problem:
            raise StaffError(f"{self.path}: unreadable ({problem}); delete it and set the PIN "
                             "again with: kiosk staff-pin")
        known = {k: v for k, v in raw.items() if k in StaffConfig.__dataclass_fields__}
        return StaffConfig(**known)

    def save(self, config: StaffConfig) -> None:
        """Write the settings so that a power cut leaves either the old or the new file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as f:
            json.dump(asdict(config), f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, self.path)

    def set_pin(self, pin: str) -> None:
        """Set a new PIN of 4 to 12 digits."""
        # ASCII digits only: str.isdigit() also accepts '²' or Arabic-Indic digits, which the
        # staff keypad cannot type.
        if not re.fullmatch(r"[0-9]{4,12}", pin):
            raise StaffError("the PIN must be 4 to 12 digits; choose another")
        config = self.load()
        config.pin_salt = secrets.token_hex(16)
        config.pin_hash = _hash(pin, config.pin_salt)
        config.failures = 0
        config.locked_until = 0.0
        self.save(config)

    def has_pin(self) -> bool:
        """Whether a PIN has been set (staff mode stays closed until it is)."""
        return bool(self.load().pin_hash)

    def seconds_locked(self) -> int:
        """How long staff mode stays locked after too many wrong PINs; 0 when open."""
        remaining = self.load().locked_until - self.clock()
        return max(0, int(remaining + 0.999))

    def check_pin(self, pin: str) -> bool:
        """Whether `pin` is right; counts failures and locks after MAX_FAILURES in a row."""
        config = self.load()
        if not config.pin_hash or self.seconds_locked() > 0:
            return False
        if hmac.compare_digest(_hash(pin, config.pin_salt), config.pin_hash):
            config.failures = 0
            self.save(config)
            return True
        config.failures += 1
        if config.failures >= MAX_FAILURES:
            config.failures = 0
            config.locked_until = self.clock() + LOCKOUT_SECONDS
        self.save(config)
        return False

    def choose_pack(self, path: Path | None) -> None:
        """Make `path` the active pack (None: the built-in one). A pack inside the data folder
        is kept relative to it, so the folder can move; any other pack by its absolute path,
        so `kiosk run --data` works from any working folder."""
        if path is None:
            self.update(pack="")
            return
        path = Path(path).resolve()
        data_dir = self.path.parent.resolve()
        self.update(pack=str(path.relative_to(data_dir)) if path.is_relative_to(data_dir)
                    else str(path))

    def chosen_pack(self) -> Path | None:
        """The active pack's file, or None for the built-in one. Older kiosks kept a path
        relative to the working folder of the day: it is still found if it is under the data
        folder's packs/."""
        chosen = self.load().pack
        if not chosen:
            return None
        path = Path(chosen)
        if path.is_absolute():
            return path
        data_dir = self.path.parent
        for candidate in (data_dir / path, data_dir / "packs" / path.name):
            if candidate.is_file():
                return candidate
        return data_dir / path

    def update(self, **changes: str) -> None:
        """Change the active pack or event."""
        config = self.load()
        for key, value in changes.items():
            setattr(config, key, value)
        self.save(config)


def _shape_problem(raw: object) -> str:
    """What is wrong with the shape of a parsed staff.json; empty when nothing is."""
    if not isinstance(raw, dict):
        return "not a JSON object"
    for f in fields(StaffConfig):
        if f.name not in raw:
            continue
        value = raw[f.name]
        expected: tuple[type, ...] = {"int": (int,), "float": (int, float)}.get(str(f.type), (str,))
        if isinstance(value, bool) or not isinstance(value, expected):
            return f"'{f.name}' has the wrong type"
    if raw.get("pin_salt"):
        try:
            bytes.fromhex(raw["pin_salt"])
        except ValueError:
            return "'pin_salt' is not hex"
    return ""


def _hash(pin: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), _ITERATIONS).hex()
