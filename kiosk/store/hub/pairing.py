"""Pairing: each kiosk gets a key of its own from the hub, so no kiosk can speak for another.

At the hub, `kiosk hub` shows a pairing code (ten letters and digits, good for a while and for a
few wrong tries only). On a kiosk, staff run ``kiosk pair https://HOST:PORT CODE`` (or give the
code in the staff-mode Sync form). The kiosk connects, notes the hub's certificate fingerprint,
and proves it knows the code with an HMAC over that fingerprint and its own id: someone in the
middle shows another certificate, so the proof fails at the hub, and the code itself never
travels. The hub answers with a new random key for that kiosk id and keeps only the key's hash
(DIR/kiosks.json); the kiosk keeps the hub's address, fingerprint and its key
(DATA/hub-pairing.json). Both files are readable by their owner only.

The hub then takes a batch only from the kiosk whose key signs it, and only rows of that kiosk's
own participants (see server.check_ownership). The hub's token stays at the hub: it is the staff's
credential for /moderate and for merging a stick's shared store into the hub's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.private import write_private
from kiosk.store.hub.token import HubError

HUB_KIOSKS_FILE = "kiosks.json"
KIOSK_PAIRING_FILE = "hub-pairing.json"
# Letters and digits that cannot be mistaken for one another when read out or typed.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 50 bits: far beyond guessing in the time a code lives
CODE_MINUTES = 30
CODE_TRIES = 5  # wrong codes before the code is replaced with a new one


def normalise_code(code: str) -> str:
    """A pairing code as typed (any case, spaces or dashes) in its one canonical form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def pairing_proof(code: str, fingerprint: str, kiosk_id: str) -> str:
    """What a kiosk sends to show it knows the code, bound to the certificate it saw."""
    message = f"{''.join(fingerprint.split()).upper()}|{kiosk_id}".encode()
    return hmac.new(normalise_code(code).encode(), message, hashlib.sha256).hexdigest()


def key_hash(key: str) -> str:
    """What the hub keeps of a kiosk's key."""
    return hashlib.sha256(key.encode()).hexdigest()


def _write_private_json(path: Path, data: dict[str, Any]) -> None:
    write_private(path, json.dumps(data, indent=1))


class PairedKiosks:
    """The hub's side: the current pairing code, and the kiosks paired so far."""

    def __init__(self, data_dir: str | Path, minutes: int = CODE_MINUTES):
        self.path = Path(data_dir) / HUB_KIOSKS_FILE
        self.minutes = minutes
        self._lock = threading.Lock()
        self.keys: dict[str, str] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.keys = {str(k): str(v["key_sha256"]) for k, v in data["kiosks"].items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise HubError(f"{self.path}: not a list of paired kiosks ({exc}); move it "
                               "aside and pair the kiosks again") from None
        self.code = ""
        self._expires = 0.0
        self._wrong = 0
        self.new_code()

    def new_code(self) -> str:
        """Make a new pairing code (the old one stops working) and return it."""
        with self._lock:
            self.code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
            # Monotonic: moving the hub's clock neither lengthens nor ends a code's life.
            self._expires = time.monotonic() + self.minutes * 60
            self._wrong = 0
            return self.code

    @property
    def shown_code(self) -> str:
        """The code as staff read it out: groups of four, three and three."""
        return f"{self.code[:4]}-{self.code[4:7]}-{self.code[7:]}"

    def pair(self, kiosk_id: str, proof: str, fingerprint: str) -> str:
        """A new key for `kiosk_id` if `proof` shows the current code; HubError otherwise."""
        with self._lock:
            if time.monotonic() > self._expires:
                raise HubError("the pairing code has expired; ask for the new one at the hub")
            expected = pairing_proof(self.code, fingerprint, kiosk_id)
            if not hmac.compare_digest(expected.encode(), proof.encode()):
                self._wrong += 1
                if self._wrong >= CODE_TRIES:
                    # Too many guesses: this code is spent; staff read the new one at the hub.
                    self._expires = 0.0
                raise HubError("wrong pairing code (or not the hub's own certificate); check "
                               "the code shown at the hub")
            key = secrets.token_urlsafe(32)
            self.keys[kiosk_id] = key_hash(key)
            _write_private_json(self.path, {"kiosks": {
                k: {"key_sha256": v, "paired_on": date.today().isoformat()}
                for k, v in self.keys.items()}})
            return key

    @property
    def expired(self) -> bool:
        """Whether the current code can no longer pair (timed out or guessed at)."""
        return time.monotonic() > self._expires

    def kiosk_for(self, kiosk_id: str, key: str) -> bool:
        """Whether `key` is the key paired to `kiosk_id`."""
        expected = self.keys.get(kiosk_id)
        return expected is not None and hmac.compare_digest(expected, key_hash(key))


@dataclass
class Pairing:
    """A kiosk's side: the hub it paired with, the hub's certificate, and its own key."""

    url: str
    fingerprint: str
    kiosk_id: str
    key: str

    def save(self, data_dir: str | Path) -> Path:
        """Keep this pairing in the kiosk's data folder, readable by its owner only."""
        path = Path(data_dir) / KIOSK_PAIRING_FILE
        _write_private_json(path, {"url": self.url, "fingerprint": self.fingerprint,
                                   "kiosk_id": self.kiosk_id, "key": self.key})
        return path


def read_pairing(data_dir: str | Path) -> Pairing | None:
    """The kiosk's pairing with a hub, or None before it has paired."""
    path = Path(data_dir) / KIOSK_PAIRING_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Pairing(str(data["url"]), str(data["fingerprint"]), str(data["kiosk_id"]),
                       str(data["key"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HubError(f"{path}: not a hub pairing ({exc}); pair again with `kiosk pair`") \
            from None
