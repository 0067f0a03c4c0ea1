"""The served bundle's evaluation report and model card, read from its directory once per bundle (what scoring's
`GET /v1/model/report` returns)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from credit_core import model
from credit_core.model import ModelBundle


@dataclass(frozen=True, slots=True)
class BundleReport:
    version: str
    report: dict[str, Any]
    card_markdown: str | None


_cache: dict[str, BundleReport | None] = {}  # bundle directory -> report; bundles never change once written


def _read(path: Path, version: str) -> BundleReport | None:
    try:
        report = orjson.loads((path / model.REPORT_FILE).read_bytes())
    except FileNotFoundError:
        return None
    card = path / model.CARD_MD_FILE
    return BundleReport(version, report, card.read_text() if card.exists() else None)


async def bundle_report(bundle: ModelBundle) -> BundleReport | None:
    """The report of `bundle` (None when its directory has no report.json); the file read runs off the loop."""
    key = f"{bundle.path}\0{bundle.version}"
    if key not in _cache:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = await asyncio.to_thread(_read, Path(bundle.path), bundle.version)
    return _cache[key]
