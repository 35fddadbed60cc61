"""Shared fixtures. Each kind of real device has its own plugin, in tests/support/plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

# Helpers outside test files get pytest's detailed assert messages too (before they are imported).
pytest.register_assert_rewrite("tests.support")

from tests.support.kiosks import make_kiosk  # noqa: E402

pytest_plugins = [
    "tests.support.plugins.display",
    "tests.support.plugins.audio",
]


@pytest.fixture(scope="module")
def kiosk_sizes() -> tuple[tuple[int, int], tuple[int, int]]:
    """(participants, seed) of the two kiosks of `kiosks`; a test module may override it."""
    return (120, 1), (90, 2)


@pytest.fixture(scope="module")
def kiosks(tmp_path_factory: pytest.TempPathFactory,
           kiosk_sizes: tuple[tuple[int, int], tuple[int, int]]) -> tuple[Path, Path]:
    """Two kiosk data folders, made once per test module: copy them before changing them."""
    base = tmp_path_factory.mktemp("kiosks")
    (a_people, a_seed), (b_people, b_seed) = kiosk_sizes
    return make_kiosk(base / "a", a_people, a_seed), make_kiosk(base / "b", b_people, b_seed)
