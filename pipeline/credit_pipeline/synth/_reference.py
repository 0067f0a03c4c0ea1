"""The packaged reference statistics of the real Home Credit files (figures only, no rows).

`reference_marginals.json` is a verbatim copy of the shared `homecredit_marginals.json`: the generator draws
from it and the fidelity check compares against it, so both travel with the package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

REFERENCE_FILE = "reference_marginals.json"


def reference_path() -> Path:
    return Path(str(resources.files(__package__).joinpath(REFERENCE_FILE)))


@cache
def _load_default() -> dict[str, Any]:
    return json.loads(reference_path().read_text())


def load(path: Path | None = None) -> dict[str, Any]:
    """The `tables` mapping of a reference file (the packaged one by default)."""
    data = _load_default() if path is None else json.loads(Path(path).read_text())
    return data["tables"]


def columns(table: str) -> dict[str, dict[str, Any]]:
    """Per-column statistics of one table of the packaged reference."""
    return load()[table]["columns"]


def column(table: str, name: str) -> dict[str, Any]:
    return columns(table)[name]


def shares(table: str, name: str) -> tuple[list[str], list[float]]:
    """Categories of a categorical column and their shares among non-missing rows (normalised to 1)."""
    cats = column(table, name)["categories"]
    names = list(cats)
    total = sum(c["share"] for c in cats.values())
    return names, [cats[n]["share"] / total for n in names]


def spearman(table: str) -> tuple[list[str], list[list[float]]]:
    sp = load()[table]["spearman"]
    return sp["columns"], sp["matrix"]
