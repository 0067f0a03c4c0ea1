"""`credit train`."""

from __future__ import annotations


def train() -> None:
    """Train the scoring model (not implemented yet)."""
    raise NotImplementedError
