"""Where staff keep question packs, and sharing them by USB stick (no Kivy here, so the command
line and the USB stick script can use it too).

A stick shares packs in a folder called ``packs/`` at its top: each ``.toml`` there, with the
recordings it names beside it. Copying a pack either way (stick to kiosk, kiosk to stick) goes
through `copy_pack`: the pack is checked by the same checks as ``kiosk packs validate`` (so a
recording must be a plain file inside the pack's folder), copied with its recordings into a
hidden folder next to the destination, checked again there, and only then put in place, the
recordings first and the pack file last, never replacing a file already there. A pack with the
same id and version as one already there is left alone when it is the same, and refused when it
differs: a changed pack needs a new version, since answers point at the version they answered.
"""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.pack import (
    MAX_AUDIO_BYTES,
    MAX_PACK_BYTES,
    PackError,
    Problem,
    QuestionPack,
    default_pack_path,
    load_pack,
)

STICK_FOLDER = "packs"
# Where USB sticks are mounted: deploy/usb-sync.sh's /media/kiosk-usb, a desktop's /media/USER/NAME
# or /run/media/USER/NAME. Tests (and unusual kiosks) name other roots in this variable, separated
# by the path separator (":").
MEDIA_ROOT_VARIABLE = "KIOSK_MEDIA_ROOT"
DEFAULT_MEDIA_ROOTS = ("/media", "/run/media")
# What makes a folder a kiosk's stick even when it is not a mount point of its own (usb-sync.sh
# looks for the same): packs to share, a shared store, or a request for one.
STICK_MARKS = (STICK_FOLDER, "kiosk-shared.db", "shared.sqlite", "kiosk-shared.request")
MAX_MEDIA_ENTRIES = 50  # folders looked at under each root, so a crowded /media cannot stall
# Room left on the kiosk after a pack is copied in: answers must always have space to be saved.
MIN_FREE_BYTES = 200_000_000
MAX_STICK_PACKS = 100


def available_packs(data_dir: Path) -> list[Path]:
    """The built-in pack and every pack file staff put in the data folder's packs/ folder."""
    return [default_pack_path(), *sorted((Path(data_dir) / "packs").glob("*.toml"))]


class StickError(Exception):
    """A stick (or folder standing in for one) that cannot be used at all; one line."""


def media_roots(environ: dict[str, str] | None = None) -> list[Path]:
    """Where to look for mounted sticks: KIOSK_MEDIA_ROOT's folders, else /media and
    /run/media."""
    value = (os.environ if environ is None else environ).get(MEDIA_ROOT_VARIABLE, "").strip()
    if value:
        return [Path(part) for part in value.split(os.pathsep) if part.strip()]
    return [Path(root) for root in DEFAULT_MEDIA_ROOTS]


def _is_stick(folder: Path) -> bool:
    try:
        return os.path.ismount(folder) or any((folder / mark).exists() for mark in STICK_MARKS)
    except OSError:
        return False


def _folders(parent: Path) -> list[Path]:
    """The visible folders in `parent` (never through a link), by name; none if unreadable."""
    try:
        entries = sorted(parent.iterdir())[:MAX_MEDIA_ENTRIES]
    except OSError:
        return []
    return [e for e in entries if not e.name.startswith(".") and not e.is_symlink()
            and e.is_dir()]


def mounted_sticks(roots: list[Path] | None = None) -> list[Path]:
    """The sticks mounted now: each folder one level under a root (/media/kiosk-usb) or two
    (/media/USER/NAME) that is a mount point or holds a kiosk's files (see STICK_MARKS)."""
    found: list[Path] = []
    for root in media_roots() if roots is None else roots:
        for folder in _folders(Path(root)):
            if _is_stick(folder):
                found.append(folder)
                continue
            found += [inner for inner in _folders(folder) if _is_stick(inner)]
    return found


@dataclass(frozen=True)
class StickPack:
    """A pack file offered by a stick, checked: `pack` when it can be used, else `problem`, the
    first thing wrong with it in one line."""

    path: Path
    pack: QuestionPack | None
    problem: str = ""


def check_stick_packs(stick: Path) -> list[StickPack]:
    """Every pack in the stick's packs/ folder (at most MAX_STICK_PACKS), each checked as by
    `kiosk packs validate`. Raises StickError when the stick has no packs/ folder."""
    offered: list[StickPack] = []
    for path in packs_on_stick(stick)[:MAX_STICK_PACKS]:
        if path.is_symlink():
            offered.append(StickPack(path, None, "is a link; put the pack file itself on the "
                                     "stick"))
            continue
        try:
            pack, _ = load_pack(path)
        except PackError as exc:
            first = exc.problems[0]
            offered.append(StickPack(path, None, f"line {first.line}: {first.message}"
                                     if first.line else first.message))
            continue
        offered.append(StickPack(path, pack))
    return offered


def import_one_from_stick(path: Path, data_dir: Path,
                          min_free: int = MIN_FREE_BYTES) -> PackCopy:
    """Copy one pack of a stick (with its recordings) into DATA/packs/, by the rules of
    import_from_stick: the same version with other content is refused, a newer one is added."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise StickError(f"{data_dir}: no such data folder; give the kiosk's --data folder")
    return copy_pack(Path(path), data_dir / "packs", "this kiosk", min_free)


@dataclass(frozen=True)
class PackCopy:
    """What happened to one pack: `result` is "added", "same" (already there, nothing copied) or
    "refused"; `line` says so in one line; `problems` are the pack's own problem lines (warnings,
    or the errors that refused it)."""

    source: Path
    result: str
    line: str
    problems: tuple[Problem, ...] = ()
    target: Path | None = None


def packs_on_stick(stick: Path) -> list[Path]:
    """The pack files a stick offers, from its packs/ folder. Raises StickError when the stick
    or its packs/ folder is missing."""
    stick = Path(stick)
    if not stick.is_dir():
        raise StickError(f"{stick}: no such folder; give the folder where the stick is mounted")
    folder = stick / STICK_FOLDER
    if not folder.is_dir():
        raise StickError(f"{stick}: has no {STICK_FOLDER}/ folder; put the packs to share in a "
                         f"folder called {STICK_FOLDER} at the top of the stick")
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))


def import_from_stick(stick: Path, data_dir: Path,
                      min_free: int = MIN_FREE_BYTES) -> list[PackCopy]:
    """Copy every valid pack on the stick (with its recordings) into DATA/packs/; each pack's
    outcome, in file-name order. Raises StickError when the stick has no packs/ folder."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise StickError(f"{data_dir}: no such data folder; give the kiosk's --data folder")
    found = packs_on_stick(stick)
    outcomes = [copy_pack(path, data_dir / "packs", "this kiosk", min_free)
                for path in found[:MAX_STICK_PACKS]]
    outcomes += [PackCopy(path, "refused", f"{path}: not copied: a stick may offer at most "
                          f"{MAX_STICK_PACKS} packs at once; move some to another stick")
                 for path in found[MAX_STICK_PACKS:]]
    return outcomes


def copy_to_stick(pack: Path, stick: Path) -> PackCopy:
    """Copy one pack, with its recordings, into the stick's packs/ folder (made if missing)."""
    stick = Path(stick)
    if not stick.is_dir():
        raise StickError(f"{stick}: no such folder; give the folder where the stick is mounted")
    folder = stick / STICK_FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise StickError(f"{folder}: cannot be made ({exc.strerror}); check the stick is not "
                         "full or write-protected") from None
    return copy_pack(Path(pack), folder, "the stick", 0)


def copy_pack(source: Path, folder: Path, where: str,
              min_free: int = MIN_FREE_BYTES) -> PackCopy:
    """Check the pack file `source` and copy it with its recordings into `folder` (`where` names
    that folder for people: "this kiosk", "the stick"). Nothing already in `folder` is ever
    replaced; on any refusal nothing is left behind."""
    source = Path(source)
    if source.is_symlink():
        return _refused(source, "is a link; put the pack file itself there, not a link to it")
    try:
        pack, problems = load_pack(source)
    except PackError as exc:
        return PackCopy(source, "refused", f"{source}: not copied; fix the problems above and "
                        "copy it again", tuple(exc.problems))
    try:
        folder.mkdir(exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
    except OSError as exc:
        return _refused(source, f"{folder} cannot be written ({exc.strerror}); check the disk "
                        "is not full or write-protected", problems)
    try:
        return _copy_staged(source, pack, problems, folder, staging, where, min_free)
    except OSError as exc:
        return _refused(source, f"could not be copied ({exc.strerror or exc}); nothing was "
                        "changed. Try again", problems)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_staged(source: Path, pack: QuestionPack, problems: list[Problem], folder: Path,
                 staging: Path, where: str, min_free: int) -> PackCopy:
    name = f"'{pack.id}' version {pack.version}"
    staged = staging / source.name
    _copy_limited(source, staged, MAX_PACK_BYTES)
    recordings = sorted({r for q in pack.questions for r in q.audio.values()
                         if (source.parent / r).is_file()})
    for recording in recordings:
        (staging / recording).parent.mkdir(parents=True, exist_ok=True)
        if not _copy_limited(source.parent / recording, staging / recording, MAX_AUDIO_BYTES):
            return _refused(source, f"recording '{recording}' grew past {MAX_AUDIO_BYTES:,} "
                            "bytes while being copied; copy it again", problems)
    # The copy is checked again, as it will be used: the stick may have changed since.
    try:
        copied, _ = load_pack(staged)
    except PackError as exc:
        return PackCopy(source, "refused", f"{source}: not copied: it changed while being "
                        "copied; copy it again", tuple(exc.problems))
    if (copied.id, copied.version) != (pack.id, pack.version):
        return _refused(source, "changed while being copied; copy it again", problems)

    here = _packs_by_identity(folder).get((pack.id, pack.version))
    if here is not None and not filecmp.cmp(here, staged, shallow=False):
        return _refused(source, f"{name} is already on {where} as {here}, and this one "
                        f"differs from it; give the changed pack a new version (version = "
                        f"{pack.version + 1}) and copy it again", problems)
    for recording in recordings:
        existing = folder / recording
        if existing.exists() and not (existing.is_file() and not existing.is_symlink()
                                      and filecmp.cmp(existing, staging / recording,
                                                      shallow=False)):
            return _refused(source, f"its recording '{recording}' differs from the file of that "
                            f"name already on {where}; give the recording another name (and "
                            "the pack's audio line), then copy it again", problems)
    missing = [r for r in recordings if not (folder / r).exists()]
    if here is not None and not missing:
        return PackCopy(source, "same", f"{source}: {name} is already on {where} as {here}; "
                        "nothing copied", tuple(problems), here)

    needed = sum((staging / r).stat().st_size for r in missing) + (
        staged.stat().st_size if here is None else 0)
    free = shutil.disk_usage(folder).free
    if needed + min_free > free:
        return _refused(source, f"needs {needed:,} bytes and {where} has {free:,} free (keeping "
                        f"{min_free:,} for answers); remove old recordings or use a smaller "
                        "pack", problems)

    placed: list[Path] = []
    try:
        for recording in missing:
            (folder / recording).parent.mkdir(parents=True, exist_ok=True)
            _place(staging / recording, folder / recording)
            placed.append(folder / recording)
        target = here
        if target is None:
            target = _free_name(folder, source.name, pack)
            _place(staged, target)  # last: the pack appears only with its recordings in place
            placed.append(target)
        _sync_folder(folder)
    except OSError:
        for path in placed:  # nothing half-copied is left behind
            path.unlink(missing_ok=True)
        raise
    if here is not None:
        return PackCopy(source, "added", f"{source}: {name} was already on {where} as {here}; "
                        f"added its {len(missing)} missing recordings", tuple(problems), here)
    asked, count = len(pack.questions), len(recordings)
    return PackCopy(source, "added", f"{source}: added {name} ({asked} question"
                    f"{'' if asked == 1 else 's'}, {count} recording{'' if count == 1 else 's'}) "
                    f"to {where} as {target}",
                    tuple(problems), target)


def _refused(source: Path, why: str, problems: list[Problem] | tuple[Problem, ...] = ()
             ) -> PackCopy:
    return PackCopy(source, "refused", f"{source}: not copied: {why}", tuple(problems))


def _copy_limited(source: Path, target: Path, limit: int) -> bool:
    """Copy at most `limit` bytes, never through a link; False when the file is longer."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(source, flags), "rb") as src, target.open("xb") as out:
        copied = 0
        while chunk := src.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                return False
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return True


def _place(staged: Path, target: Path) -> None:
    """Put `staged` at `target`, failing if something is already there."""
    try:
        os.link(staged, target)  # atomic, and refuses to replace
    except FileExistsError:
        raise
    except OSError as exc:
        # FAT and exFAT sticks have no hard links: check, then rename (one sync at a time).
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK,
                             errno.EXDEV):
            raise
        if target.exists() or target.is_symlink():
            raise FileExistsError(errno.EEXIST, "already there", str(target)) from None
        os.rename(staged, target)


def _sync_folder(folder: Path) -> None:
    """Make the new names durable, so a power cut cannot leave a pack without its file."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the files themselves are synced
    finally:
        os.close(handle)


def _free_name(folder: Path, wanted: str, pack: QuestionPack) -> Path:
    """The pack's own file name when free, else one naming its id and version."""
    if not (folder / wanted).exists() and not (folder / wanted).is_symlink():
        return folder / wanted
    stem = f"{pack.id}-v{pack.version}"
    candidate, n = folder / f"{stem}.toml", 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = folder / f"{stem}-{n}.toml"
    return candidate


def _packs_by_identity(folder: Path) -> dict[tuple[str, int], Path]:
    """(id, version) -> file of the packs already in `folder`, read only as far as their
    [pack] table, so a pack with other problems still keeps its id and version taken."""
    found: dict[tuple[str, int], Path] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                meta = tomllib.loads(handle.read(MAX_PACK_BYTES).decode("utf-8")).get("pack")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            continue
        if isinstance(meta, dict) and isinstance(meta.get("id"), str):
            version = meta.get("version", 1)
            if isinstance(version, int) and not isinstance(version, bool):
                found.setdefault((meta["id"], version), path)
    return found
