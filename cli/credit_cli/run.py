"""`credit run`."""

from __future__ import annotations


def run() -> None:
    """Start the whole product (not implemented yet)."""
    raise NotImplementedError
