"""Shared fixtures. Each kind of real device has its own plugin module under tests/plugins."""

pytest_plugins = [
    "tests.plugins.display",
    "tests.plugins.audio",
]
