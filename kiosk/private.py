"""Files written whole or not at all, readable by their owner only: the staff PIN's hash, the
hub token, keys and pairings, sync marks, packs and recordings.

One writer for all of them, so each is written the same way: to a temporary file 0600 beside it
that is synced and then renamed over the old one, so a power cut leaves either the old file or the
new, never half of one, and never a moment it is readable by others.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file (0600) that replaces `path` only when the block ends without an error."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                         dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` atomically, readable and writable by its owner only, making its
    folder (0700) if need be."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with atomic_file(path) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


def tighten(path: Path) -> None:
    """Make an existing file its owner's only, as older kiosks did not (best effort: a FAT
    stick has no modes)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
    except OSError:
        pass
