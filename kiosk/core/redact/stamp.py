"""The scrubber's version stamp: which scrubber removed personal details from an answer."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

# The redaction package: every file in it can change what the scrubber removes.
PACKAGE_DIR = Path(__file__).resolve().parent
# The packages whose data files names.py reads: a new version can change what is removed.
NAME_SOURCES = ("faker", "gender-guesser")


def package_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Every Python file of the redaction package, in a fixed order (by path within it)."""
    return sorted(package_dir.rglob("*.py"), key=lambda p: p.relative_to(package_dir).as_posix())


def source_digest(files: Iterable[Path], root: Path = PACKAGE_DIR) -> bytes:
    """A SHA-256 digest of the files' names (relative to `root`) and contents. Raises OSError if
    one cannot be read. Each name and content is length-prefixed, so that moving text from one
    file to the next, or renaming a file, still changes the digest."""
    digest = hashlib.sha256()
    for path in files:
        name = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        for part in (name, content):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.digest()


def stamp_of(package_dir: Path) -> str | None:
    """The version stamp of the scrubber whose source is in `package_dir` (see
    scrubber_version); None when a file cannot be read, so that nothing is skipped on a guess."""
    try:
        digest = hashlib.sha256(source_digest(package_files(package_dir), package_dir))
    except OSError:
        return None
    for source in NAME_SOURCES:
        version = installed_version(source)
        digest.update((f"{source} {version}" if version else f"no {source}").encode())
    return digest.hexdigest()[:16]


def _normal(project: str) -> str:
    return re.sub(r"[-_.]+", "_", project).lower()


def installed_version(project: str) -> str | None:
    """The installed version of `project`, or None: read from the name of its .dist-info
    folder (project-version.dist-info, as installers write it) in the first place on the import
    path that has one, which is where importlib.metadata finds it too, without loading
    importlib.metadata (a fifth of every staff command's start-up). Anything else, such as an
    .egg-info, is asked of importlib.metadata."""
    wanted = _normal(project)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project_name, _, version = name[:-len(".dist-info")].rpartition("-")
                if _normal(project_name) == wanted and version:
                    return version
    import importlib.metadata

    try:
        return importlib.metadata.version(project)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.lru_cache(maxsize=1)
def scrubber_version() -> str | None:
    """What identifies this scrubber's behaviour: a digest of every file of the redaction
    package (the rules, the word lists, the name loading and this stamp) and of the versions of
    Faker and gender-guesser, whose name lists it reads.

    Answers are stamped with it when they are scrubbed on the kiosk. Sync scrubs an incoming
    answer again only when its stamp differs from the receiving side's (an older kiosk, an older
    scrubber, or no stamp at all): the same scrubber run twice finds nothing new (see
    tests/test_redact.py), and running it again on every answer was most of the cost of a sync.
    A stamp over one file alone would let a change to the word lists go unnoticed, and sync
    would skip answers it must scrub again. None when the source cannot be read, so that
    nothing is ever skipped on a guess.
    """
    return stamp_of(PACKAGE_DIR)
