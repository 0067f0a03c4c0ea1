"""Writing a model bundle directory (layout in credit_core.model) atomically: temp dir, then rename."""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from catboost import CatBoostClassifier

from credit_core import features, model

LIBRARIES = ("catboost", "shap", "polars", "numpy", "scikit-learn", "pandas", "pyarrow")


def fingerprint(frame: pl.DataFrame) -> str:
    """sha256 of the training frame (schema + every row's hash). Stable for a given polars version."""
    digest = hashlib.sha256(json.dumps([[n, str(d)] for n, d in frame.schema.items()]).encode())
    digest.update(frame.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def make_version(created_at: datetime, data_fingerprint: str, models_dir: Path | None = None) -> str:
    """UTC time + short data hash, e.g. 20261127-193012-ab12cd: sorts by time, tells data apart.

    Two trainings on the same data within one second (a fast machine, another seed) get `-2`, `-3`…
    rather than colliding with the bundle already in `models_dir`.
    """
    version = f"{created_at:%Y%m%d-%H%M%S}-{data_fingerprint[:6]}"
    if models_dir is None or not (models_dir / version).exists():
        return version
    n = 2
    while (models_dir / f"{version}-{n}").exists():
        n += 1
    return f"{version}-{n}"


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def feature_schema(names: list[str], categorical: list[str]) -> list[dict[str, Any]]:
    """Ordered model columns with their catalogue description (name/kind/group/label/unit/actionable); the label
    is English, the catalogue's source language."""
    cats = set(categorical)
    schema = []
    for name in names:
        spec = features.FEATURES_BY_NAME.get(name)
        entry: dict[str, Any] = {"name": name, "kind": "categorical" if name in cats else "numeric"}
        if spec is not None:
            entry |= {"group": spec.group, "label": spec.label, "unit": spec.unit,
                      "actionable": spec.actionable}
        schema.append(entry)
    return schema


def reference_sample(frame: pl.DataFrame, probability: np.ndarray, size: int, seed: int) -> pl.DataFrame:
    """~`size` training clients, stratified on TARGET (each outcome keeps its share, at least one row)."""
    rng = np.random.default_rng(seed)
    y = frame["TARGET"].to_numpy()
    take = min(size, len(y))
    chosen = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        k = max(1, round(take * len(rows) / len(y)))
        chosen.append(rng.choice(rows, size=min(k, len(rows)), replace=False))
    idx = np.sort(np.concatenate(chosen))
    return frame[idx].with_columns(probability=pl.Series(probability[idx], dtype=pl.Float64))


def write_bundle(
    models_dir: Path,
    version: str,
    fitted: CatBoostClassifier,
    metadata: dict[str, Any],
    report: dict[str, Any],
    reference: pl.DataFrame,
    population: dict[str, Any],
    card_md: str,
    card_html: str,
) -> Path:
    """Write every bundle file into models_dir/<version> (never visible half-written); return its path."""
    models_dir.mkdir(parents=True, exist_ok=True)
    final = models_dir / version
    if final.exists():
        raise FileExistsError(f"bundle {final} already exists")
    work = models_dir / f".tmp-{version}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        fitted.save_model(str(work / model.MODEL_FILE))
        _write_json(work / model.METADATA_FILE, metadata, indent=2)
        _write_json(work / model.REPORT_FILE, report, indent=1)
        _write_json(work / model.POPULATION_FILE, population, indent=None)
        reference.write_parquet(work / model.REFERENCE_FILE)
        (work / model.CARD_MD_FILE).write_text(card_md)
        (work / model.CARD_HTML_FILE).write_text(card_html)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _write_json(path: Path, payload: Any, indent: int | None) -> None:
    text = json.dumps(finite(payload), indent=indent, ensure_ascii=False, allow_nan=False, default=_jsonable)
    path.write_text(text)


def finite(value: Any) -> Any:
    """NaN / infinity -> None, recursively: JSON has no NaN and the dashboard reads null as "n/a"."""
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path | datetime):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
