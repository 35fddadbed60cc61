"""Where staff keep question packs (no Kivy here, so the command line can use it too)."""

from __future__ import annotations

from pathlib import Path

from kiosk.core.pack import default_pack_path


def available_packs(data_dir: Path) -> list[Path]:
    """The built-in pack and every pack file staff put in the data folder's packs/ folder."""
    return [default_pack_path(), *sorted((Path(data_dir) / "packs").glob("*.toml"))]
