"""The hub's token, and what both ends of the hub's protocol share.

The hub keeps its token in DIR/hub-token, readable by its owner only and never printed: it is
the staff's credential at the hub (/moderate, merging a stick into the hub's store; ``kiosk
hub-token show``). Kiosks do not need it: each pairs and gets a key of its own (pairing.py).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from kiosk.private import tighten, write_private

TOKEN_FILE_NAME = "hub-token"
# Largest request body the hub reads; a batch is kept well below it by the sender.
MAX_REQUEST_BYTES = 6_000_000
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class HubError(Exception):
    """A hub that cannot be reached or used, with a one-line reason and what to do."""


def read_token(data_dir: str | Path) -> str | None:
    """The hub token kept in a data folder, or None. A token file readable by others (as older
    kiosks left it) is made the owner's only."""
    path = Path(data_dir) / TOKEN_FILE_NAME
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    tighten(path)
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
    write_private(path, check_token(token) + "\n")
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
