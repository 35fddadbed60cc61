"""The hub's token, and what both ends of the hub's protocol share.

The hub keeps its token in DIR/hub-token, readable by its owner only and never printed: it is
the staff's credential at the hub (/moderate, merging a stick into the hub's store; ``kiosk
hub-token show``). Kiosks do not need it: each pairs and gets a key of its own (pairing.py).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

TOKEN_FILE_NAME = "hub-token"
# Largest request body the hub reads; a batch is kept well below it by the sender.
MAX_REQUEST_BYTES = 6_000_000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class HubError(Exception):
    """A hub that cannot be reached or used, with a one-line reason and what to do."""


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        # O_CREAT's mode applies only to a new file: a token file an older kiosk left 0644 is
        # made the owner's only here.
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text + "\n")


def _tighten(path: Path) -> None:
    """Make an existing token file the owner's only (best effort: a FAT stick has no modes)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    except OSError:
        pass


def read_token(data_dir: str | Path) -> str | None:
    """The hub token kept in a data folder, or None. A token file readable by others (as older
    kiosks left it) is made the owner's only."""
    path = Path(data_dir) / TOKEN_FILE_NAME
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    _tighten(path)
    return token or None


def check_token(token: str) -> str:
    """The token if it is well formed; HubError otherwise."""
    token = token.strip()
    if not _TOKEN.match(token):
        raise HubError("hub token: must be 16 to 128 letters, digits, '-' or '_'; copy it exactly "
                       "as `kiosk hub-token show` shows it at the hub")
    return token


def save_token(data_dir: str | Path, token: str) -> Path:
    """Keep a hub token in a data folder (readable by its owner only); returns the file."""
    path = Path(data_dir) / TOKEN_FILE_NAME
    _write_private(path, check_token(token))
    return path


def new_token() -> str:
    """A fresh random hub token that never begins with "-" or "_".

    Staff paste it after `kiosk hub-token set`; a token beginning with "-" would be
    read there as an option and refused, so such draws are simply drawn again.
    """
    while True:
        token = secrets.token_urlsafe(24)
        if token[0].isalnum():
            return token


def hub_token(data_dir: str | Path) -> str:
    """The hub's token: read from its data folder, or made and kept there the first time."""
    token = read_token(data_dir)
    if token is None:
        token = new_token()
        save_token(data_dir, token)
    return check_token(token)
