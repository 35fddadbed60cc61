"""Files only their owner may read: the staff PIN's hash, the hub token, keys and pairings.

One writer for all of them, so each is written the same way: in a folder of the owner's only
(0700), to a temporary file 0600 that is synced and then renamed over the old one, so a power cut
leaves either the old file or the new, never half of one, and never a moment it is readable by
others.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def write_private(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` atomically, readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        # O_CREAT's mode applies only to a new file: a leftover temporary file keeps its own.
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def tighten(path: Path) -> None:
    """Make an existing file its owner's only, as older kiosks did not (best effort: a FAT
    stick has no modes)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    except OSError:
        pass
