"""Staff settings kept in the data folder: the PIN (hashed), lockouts, the active pack and event.

The PIN is stored as a salted scrypt hash (memory-hard), never as digits; a PIN hashed by an older
kiosk (PBKDF2) still opens staff mode and is hashed again with scrypt at its next correct entry.

After MAX_FAILURES wrong PINs in a row staff mode is locked for LOCKOUT_SECONDS, timed by the
process's monotonic clock, so moving the wall clock neither lengthens nor ends a lock. The count of
wrong PINs is kept in staff.json bound to the PIN's hash by an HMAC keyed by that hash: a count
edited by hand invalidates the PIN, which must then be set again with `kiosk staff-pin` (shell
access). A restarted kiosk that finds MAX_FAILURES in the file locks for a full LOCKOUT_SECONDS
from its start. The running kiosk also keeps its own count in memory, so an edit or an older copy
of the file put back while it runs does not reset it. (Whoever can write staff.json can always set
a PIN of their own; what the binding stops is quietly resetting the count of guesses.)

staff.json is written 0600 (owner only), atomically.
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

from kiosk.private import tighten, write_private

MAX_FAILURES = 5
LOCKOUT_SECONDS = 300
MIN_PIN_DIGITS = 6  # new PINs; a 4-digit PIN set by an older kiosk still opens staff mode
MAX_PIN_DIGITS = 12
# scrypt with N=2**16, r=8, p=1 uses 64 MiB and took 0.21 s a guess on the 2-CPU development
# machine when idle (0.3-0.4 s while a test run shared it; kiosk bench: "staff PIN: one guess"):
# all 10**6 six-digit PINs take about 2.4 days of one core, and the 64 MiB each guess needs keeps
# graphics cards from running many at once. (N=2**15 took 0.10 s, N=2**17 0.6 s.)
SCRYPT_KDF = "scrypt:16:8:1"  # log2(N):r:p, kept in the file so a later kiosk can raise it
_LEGACY_ITERATIONS = 200_000  # the PBKDF2-SHA256 of older kiosks (pin_kdf empty)

NO_PIN = "none"
PIN_SET = "set"
PIN_INVALID = "invalid"  # the record was changed outside the kiosk: set the PIN again


class StaffError(Exception):
    """A staff action that cannot be done, with a one-line reason."""


@dataclass
class StaffConfig:
    """What staff have set on this kiosk."""

    pin_hash: str = ""
    pin_salt: str = ""
    pin_kdf: str = ""  # "" for an older kiosk's PBKDF2 hash; otherwise SCRYPT_KDF's form
    failures: int = 0  # wrong PINs in a row, sealed by failures_seal
    failures_seal: str = ""  # HMAC of the count keyed by pin_hash; "" only in older files
    locked_until: float = 0.0  # older kiosks' wall-clock lock; read, no longer used
    pack: str = ""  # path of the active pack; empty for the built-in one
    event_id: str = ""
    sync_target: str = ""  # the shared store (a file on a stick, or a hub's address) last used


@dataclass
class _Tally:
    """What this process has seen of one PIN's wrong entries (memory only)."""

    pin_hash: str
    failures: int = 0
    locked_at: float | None = None  # the monotonic time the lock began


# Per staff.json, for the life of the process: staff mode builds a StaffSettings each time it opens.
_TALLIES: dict[str, _Tally] = {}


class StaffSettings:
    """Reads and writes staff.json in the data folder, atomically and owner-only."""

    def __init__(self, data_dir: Path, clock: Callable[[], float] = time.monotonic):
        self.path = Path(data_dir) / "staff.json"
        self.clock = clock  # monotonic: lockouts must not follow the wall clock

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
        tighten(self.path)  # an older kiosk wrote it readable by everyone
        known = {k: v for k, v in raw.items() if k in StaffConfig.__dataclass_fields__}
        return StaffConfig(**known)

    def save(self, config: StaffConfig) -> None:
        """Write the settings (0600) so that a power cut leaves either the old or the new file."""
        write_private(self.path, json.dumps(asdict(config), indent=2))

    def set_pin(self, pin: str) -> None:
        """Set a new PIN of 6 to 12 digits; clears the count of wrong PINs."""
        # ASCII digits only: str.isdigit() also accepts '²' or Arabic-Indic digits, which the
        # staff keypad cannot type.
        if not re.fullmatch(f"[0-9]{{{MIN_PIN_DIGITS},{MAX_PIN_DIGITS}}}", pin):
            raise StaffError(f"the PIN must be {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits; "
                             "choose another")
        config = self.load()
        _set_hash(config, pin)
        self.save(config)
        _TALLIES.pop(self._key(), None)

    def pin_status(self) -> str:
        """NO_PIN, PIN_SET, or PIN_INVALID when the PIN record was changed outside the kiosk."""
        return _status(self.load())

    def has_pin(self) -> bool:
        """Whether a valid PIN is set (staff mode stays closed until it is)."""
        return self.pin_status() == PIN_SET

    def failures(self) -> int:
        """Wrong PINs in a row: the larger of the file's count and this process's own."""
        config = self.load()
        tally = self._tally(config)
        return max(config.failures if _status(config) == PIN_SET else 0, tally.failures)

    def seconds_locked(self) -> int:
        """How long staff mode stays locked after too many wrong PINs; 0 when open."""
        config = self.load()
        if _status(config) != PIN_SET:
            return 0
        tally = self._tally(config)
        if max(config.failures, tally.failures) < MAX_FAILURES:
            return 0
        if tally.locked_at is None:
            # Found locked in the file (a restart): the lock runs in full from now.
            tally.failures = max(tally.failures, config.failures)
            tally.locked_at = self.clock()
        remaining = tally.locked_at + LOCKOUT_SECONDS - self.clock()
        return max(0, int(remaining + 0.999))

    def check_pin(self, pin: str) -> bool:
        """Whether `pin` is right; counts failures and locks after MAX_FAILURES in a row."""
        config = self.load()
        if _status(config) != PIN_SET or self.seconds_locked() > 0:
            return False
        tally = self._tally(config)
        if max(config.failures, tally.failures) >= MAX_FAILURES:
            # A lock that has run its time: a fresh count of MAX_FAILURES tries.
            config.failures = tally.failures = 0
            tally.locked_at = None
        if hmac.compare_digest(hash_pin(pin, config.pin_salt, config.pin_kdf), config.pin_hash):
            if config.pin_kdf != SCRYPT_KDF:
                _set_hash(config, pin)  # an older kiosk's hash: hashed again with scrypt
            else:
                _seal(config, 0)
            self.save(config)
            _TALLIES.pop(self._key(), None)
            return True
        count = max(config.failures, tally.failures) + 1
        tally.failures = count
        if count >= MAX_FAILURES:
            tally.locked_at = self.clock()
        _seal(config, count)
        config.locked_until = 0.0
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

    def _key(self) -> str:
        return os.path.abspath(self.path)

    def _tally(self, config: StaffConfig) -> _Tally:
        """This process's count for the PIN now in the file; a new PIN starts a new count."""
        tally = _TALLIES.get(self._key())
        if tally is None or tally.pin_hash != config.pin_hash:
            tally = _TALLIES[self._key()] = _Tally(config.pin_hash)
        return tally



def _set_hash(config: StaffConfig, pin: str) -> None:
    config.pin_salt = secrets.token_hex(16)
    config.pin_kdf = SCRYPT_KDF
    config.pin_hash = hash_pin(pin, config.pin_salt, SCRYPT_KDF)
    config.locked_until = 0.0
    _seal(config, 0)


def _seal(config: StaffConfig, failures: int) -> None:
    config.failures = failures
    config.failures_seal = _seal_of(config)


def _seal_of(config: StaffConfig) -> str:
    """The HMAC binding the count of wrong PINs to this PIN record."""
    message = f"kiosk staff failures/1|{config.pin_kdf}|{config.pin_salt}|{config.failures}"
    return hmac.new(bytes.fromhex(config.pin_hash), message.encode(), hashlib.sha256).hexdigest()


def _status(config: StaffConfig) -> str:
    if not config.pin_hash:
        return NO_PIN
    try:
        _scrypt_parameters(config.pin_kdf)
        bytes.fromhex(config.pin_hash)
    except ValueError:
        return PIN_INVALID
    if config.failures_seal:
        if not hmac.compare_digest(_seal_of(config), config.failures_seal):
            return PIN_INVALID
    elif config.pin_kdf:
        return PIN_INVALID  # scrypt records are always sealed; only older files have no seal
    if not 0 <= config.failures <= MAX_FAILURES:
        return PIN_INVALID
    return PIN_SET


def _scrypt_parameters(kdf: str) -> tuple[int, int, int] | None:
    """(N, r, p) of a scrypt record; None for an older kiosk's PBKDF2; ValueError otherwise.
    Bounded, so an edited file cannot make the kiosk allocate gigabytes."""
    if not kdf:
        return None
    match = re.fullmatch(r"scrypt:([0-9]{1,2}):([0-9]{1,2}):([0-9])", kdf)
    if not match:
        raise ValueError(kdf)
    log_n, r, p = (int(g) for g in match.groups())
    if not (10 <= log_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4):
        raise ValueError(kdf)
    return 2 ** log_n, r, p


def hash_pin(pin: str, salt: str, kdf: str) -> str:
    """The hex hash of `pin` with a hex `salt`: scrypt for a `kdf` such as SCRYPT_KDF, or the
    older kiosks' PBKDF2 for an empty one."""
    parameters = _scrypt_parameters(kdf)
    if parameters is None:
        return hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt),
                                   _LEGACY_ITERATIONS).hex()
    n, r, p = parameters
    return hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=n, r=r, p=p,
                          maxmem=256 * r * n * p + (1 << 20), dklen=32).hex()


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
