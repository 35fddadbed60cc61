"""The one error a sync raises."""

from __future__ import annotations


class SyncError(Exception):
    """A sync that could not be done, with a one-line reason and what to do. Nothing changed."""
