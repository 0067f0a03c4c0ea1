"""A database seeded with raw applications, their catalogue features, an API key and an active model bundle
trained on them (a real bundle directory loaded through credit_core.model and the registry)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import asyncpg
import numpy as np
import polars as pl
from catboost import CatBoostClassifier
from sqlalchemy.engine import make_url

from credit_core import feature_store, features, homecredit, model, population
from credit_core.features import single
from credit_core.service import auth

MISSING = "__missing__"


def raw_applications(n: int, seed: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(11.8, 0.5, n).round(-2)
    credit = (income * rng.uniform(1, 8, n)).round(-2)
    annuity = (credit / rng.uniform(10, 60, n)).round(1)
    ext2 = rng.beta(4, 2, n)
    ext3 = np.where(rng.random(n) < 0.2, np.nan, rng.beta(4, 2, n))
    age_days = -rng.uniform(21, 68, n) * 365.25
    gender = rng.choice(["F", "M"], n)
    logit = -1.5 + 10 * annuity / income - 3 * ext2 - 1.5 * np.nan_to_num(ext3, nan=0.4) + 0.3 * (gender == "M")
    target = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    apps = []
    for i in range(n):
        apps.append({
            "SK_ID_CURR": 200_000 + i, "NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": str(gender[i]),
            "FLAG_OWN_CAR": "N", "FLAG_OWN_REALTY": "Y", "CNT_CHILDREN": float(rng.integers(0, 3)),
            "AMT_INCOME_TOTAL": float(income[i]), "AMT_CREDIT": float(credit[i]), "AMT_ANNUITY": float(annuity[i]),
            "AMT_GOODS_PRICE": float(credit[i] * 0.9), "DAYS_BIRTH": float(age_days[i]),
            "DAYS_EMPLOYED": float(-rng.uniform(0, 5000)), "CNT_FAM_MEMBERS": 2.0,
            "EXT_SOURCE_2": float(ext2[i]), "EXT_SOURCE_3": None if np.isnan(ext3[i]) else float(ext3[i]),
            "NAME_INCOME_TYPE": str(rng.choice(["Working", "Pensioner", "Commercial associate"])),
        })
    return apps, target


def feature_frame(apps: list[dict[str, Any]], target: np.ndarray) -> pl.DataFrame:
    application = single.typed_frame(homecredit.APPLICATION, apps)
    frame = features.build_features({"application": application}, engine="in-memory").sort("SK_ID_CURR")
    return frame.with_columns(TARGET=pl.Series(target))


def write_bundle(frame: pl.DataFrame, out: Path, version: str = "cat-1", threshold: float = 0.35) -> Path:
    """A real bundle directory (model.cbm, metadata.json, reference.parquet, population.json) trained on `frame`."""
    names, cats = list(features.FEATURE_NAMES), list(features.CATEGORICAL_FEATURES)
    x = model.model_frame(frame, names, cats).to_pandas()
    clf = CatBoostClassifier(iterations=150, depth=4, verbose=0, random_seed=0, thread_count=2,
                             allow_writing_files=False)
    clf.fit(x, frame["TARGET"].to_numpy(), cat_features=cats)
    out.mkdir(parents=True, exist_ok=True)
    clf.save_model(str(out / model.MODEL_FILE))
    metadata = {
        "version": version, "feature_set_version": features.FEATURE_SET_VERSION, "threshold": threshold,
        "costs": {"false_negative": 10.0, "false_positive": 1.0}, "created_at": "2026-11-27T20:00:00+00:00",
        "features": [{"name": n, "kind": "categorical" if n in cats else "numeric"} for n in names], "metrics": {},
    }
    (out / model.METADATA_FILE).write_text(json.dumps(metadata))
    proba = clf.predict_proba(x)[:, 1]
    frame.with_columns(probability=pl.Series(proba)).sample(600, seed=2).write_parquet(out / model.REFERENCE_FILE)
    summary = population.summarise(frame.select(names), frame["TARGET"], proba, categorical=cats)
    (out / model.POPULATION_FILE).write_text(json.dumps(summary))
    return out


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def seed(url: str, apps: list[dict[str, Any]], frame: pl.DataFrame, bundle_dir: Path, *,
               unlabelled: int) -> str:
    """Insert applications + client_feature rows (the last `unlabelled` without target); return an API key."""
    conn = await asyncpg.connect(_dsn(url))
    try:
        columns = homecredit.APPLICATION.column_names
        target = frame["TARGET"].to_list()
        labels = [None if i >= len(apps) - unlabelled else t for i, t in enumerate(target)]
        records = [tuple({**a, "TARGET": labels[i]}.get(c) for c in columns) for i, a in enumerate(apps)]
        await conn.copy_records_to_table("application", records=records, columns=columns)
        async with conn.transaction():
            await feature_store.replace_all(
                conn, feature_store.encode(frame.drop("TARGET"), pl.Series(labels, dtype=pl.Int64))
            )
        metadata = json.loads((bundle_dir / model.METADATA_FILE).read_text())
        await conn.execute(
            "INSERT INTO model_version (version, path, feature_set_version, threshold, metrics, details, is_active,"
            " created_at) VALUES ($1, $2, $3, $4, '{}', '{}', true, now())",
            metadata["version"], str(bundle_dir), metadata["feature_set_version"], metadata["threshold"],
        )
        key = auth.generate_key()
        await conn.execute("INSERT INTO api_key (name, key_hash) VALUES ($1, $2)", "tests", auth.hash_key(key))
        return key
    finally:
        await conn.close()


async def settled(app: Any) -> None:
    """Wait on the explain service's own work for the served bundle: its context (built on first use), then its
    background tasks (SHAP precompute and prune)."""
    bundle = app.state.holder.bundle
    assert bundle is not None, "no model loaded at startup"
    state = app.state.explain
    await state.context_for(bundle)
    while state._tasks:
        await asyncio.gather(*list(state._tasks), return_exceptions=True)
