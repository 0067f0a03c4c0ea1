"""Fidelity of a generated Home Credit folder to the reference statistics of the real files.

Per column of every table: missing share within ±3 points, median inside the real 40-60 % quantile band, category
(and discrete value) shares within ±3 points. For application_train also: default rate, the sign and rough size of
the main Spearman correlations, the direction of the default rate across EXT_SOURCE and age deciles, and the
univariate AUC against default of the strongest raw columns and a few ratios (reference_univariate_auc.json, a copy
of ../shared/reference/real_univariate_auc.json: measured on 16,647 real rows): within ±0.03 of the real value, in
the real direction (an AUC on the wrong side of 0.5 fails), widened by 2 standard errors of the generated AUC
(Hanley-McNeil) so that a 20k-client sample is not failed by its own sampling noise (±0.01-0.02 for the sparse
building columns), while at Kaggle size the band is ±0.03 plus ~0.01.

Deliberate exclusions (reason in each case):
- SK_ID_* keys: identifiers, their distribution in a sample says nothing about the data.
- Medians of columns with fewer than 100 non-missing reference rows (RATE_INTEREST_PRIMARY/PRIVILEGED are 99.5 %
  missing: a dozen values cannot locate a median); their missing share is still checked.
- Category shares below 0.5 % in the reference: a 2,500-row sample cannot pin them down; rare categories still
  weigh on the shares of the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from credit_core import homecredit
from credit_core.homecredit import Kind
from credit_pipeline.synth import _reference

UNIVARIATE_AUC_FILE = "reference_univariate_auc.json"
AUC_TOLERANCE = 0.03
AUC_SIGMAS = 2.0
SHARE_TOLERANCE = 0.03
CATEGORY_FLOOR = 0.005
MIN_ROWS_FOR_MEDIAN = 100
DEFAULT_RATE_BAND = (0.07, 0.095)
CORRELATION_TOLERANCE = 0.25  # "rough size": the sign must hold and the value stay within this distance
CORRELATION_PAIRS = (
    ("AMT_CREDIT", "AMT_GOODS_PRICE"),
    ("AMT_CREDIT", "AMT_ANNUITY"),
    ("AMT_ANNUITY", "AMT_GOODS_PRICE"),
    ("AMT_INCOME_TOTAL", "AMT_CREDIT"),
    ("DAYS_BIRTH", "DAYS_EMPLOYED"),
    ("EXT_SOURCE_1", "EXT_SOURCE_2"),
    ("EXT_SOURCE_1", "EXT_SOURCE_3"),
    ("EXT_SOURCE_2", "EXT_SOURCE_3"),
    ("EXT_SOURCE_1", "DAYS_BIRTH"),
)
TREND_COLUMNS = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH")
TREND_SHARE = 0.2
TREND_METRIC = "default rate, lowest - highest fifth"
TREND_SIGMAS = 2.5
REFERENCE_FILES = {
    "application_train": homecredit.TRAIN_FILE,
    **{t.files[0].removesuffix(".csv"): t.files[0] for t in homecredit.TABLES[1:]},
}


@dataclass(frozen=True)
class FidelityCheck:
    table: str
    column: str
    metric: str
    generated: float
    reference: float
    band: tuple[float, float]  # accepted range of `generated`
    ok: bool


def check_fidelity(data_dir: Path, reference: Path | None = None) -> list[FidelityCheck]:
    """Compare the generated files in `data_dir` with the reference (the packaged one by default)."""
    tables = _reference.load(reference)
    checks: list[FidelityCheck] = []
    for name, ref_table in tables.items():
        path = Path(data_dir) / REFERENCE_FILES[name]
        if not path.is_file():
            checks.append(FidelityCheck(name, path.name, "file present", 0.0, 1.0, (1.0, 1.0), False))
            continue
        schema = homecredit.TABLE_BY_FILE[path.name]
        lazy = pl.scan_csv(path, schema_overrides=_dtypes(schema, path.name))
        checks += _column_checks(name, lazy, ref_table)
        if name == "application_train":
            checks += _target_checks(lazy, ref_table)
    return checks


def _dtypes(table: homecredit.Table, file: str) -> dict[str, Any]:
    return {c: (pl.String if table.column(c).kind is Kind.CAT else pl.Float64) for c in table.file_columns(file)}


def _column_checks(table: str, lazy: pl.LazyFrame, ref_table: dict[str, Any]) -> list[FidelityCheck]:
    stats_by_column: dict[str, dict[str, Any]] = ref_table["columns"]
    names = [c for c in ref_table["column_order"] if c in stats_by_column and not c.startswith("SK_ID_")]
    names = [c for c in names if c != "TARGET"]
    exprs: list[pl.Expr] = [pl.len().alias("__rows")]
    for c in names:
        s = stats_by_column[c]
        exprs.append(pl.col(c).null_count().alias(f"{c}|missing"))
        if s["kind"] == "categorical":
            for cat, cs in s["categories"].items():
                if cs["share"] >= CATEGORY_FLOOR:
                    exprs.append((pl.col(c) == cat).sum().alias(f"{c}|cat|{cat}"))
            continue
        if _has_median(s, ref_table["sample_rows"]):
            exprs.append(pl.col(c).median().alias(f"{c}|median"))
        for value, share in s.get("values", {}).items():
            if share >= CATEGORY_FLOOR:
                exprs.append((pl.col(c) == float(value)).sum().alias(f"{c}|value|{value}"))
    row = lazy.select(exprs).collect().row(0, named=True)
    rows = max(1, row["__rows"])

    checks: list[FidelityCheck] = []
    for c in names:
        s = stats_by_column[c]
        checks.append(_share_check(table, c, "missing share", row[f"{c}|missing"] / rows, s["missing"]))
        if s["kind"] == "categorical":
            for cat, cs in s["categories"].items():
                if cs["share"] >= CATEGORY_FLOOR:
                    share = row[f"{c}|cat|{cat}"] / rows
                    checks.append(_share_check(table, c, f"share of {cat!r}", share, cs["share"]))
            continue
        if f"{c}|median" in row:
            lo, hi = median_band(s)
            med = row[f"{c}|median"]
            generated = float("nan") if med is None else float(med)
            ok = med is not None and lo - 1e-9 <= generated <= hi + 1e-9
            checks.append(FidelityCheck(table, c, "median", generated, s["quantiles"]["0.5"], (lo, hi), ok))
        for value, share in s.get("values", {}).items():
            if share >= CATEGORY_FLOOR:
                checks.append(_share_check(table, c, f"share of {value}", row[f"{c}|value|{value}"] / rows, share))
    return checks


def _has_median(stats: dict[str, Any], sample_rows: int) -> bool:
    return "quantiles" in stats and sample_rows * (1 - stats["missing"]) >= MIN_ROWS_FOR_MEDIAN


def _share_check(table: str, column: str, metric: str, generated: float, reference: float) -> FidelityCheck:
    band = (reference - SHARE_TOLERANCE, reference + SHARE_TOLERANCE)
    return FidelityCheck(table, column, metric, generated, reference, band, band[0] <= generated <= band[1])


def median_band(stats: dict[str, Any]) -> tuple[float, float]:
    """The real 40 %-60 % quantile band: from the decile table's boundaries where there is one (tied deciles are
    merged there, so the band widens to the merged bin), else interpolated between the 25/50/75 % quantiles."""
    deciles = stats.get("default_rate_by_decile")
    if deciles:
        total = sum(d[3] for d in deciles)
        edges, cum = [(0.0, float(deciles[0][0]))], 0.0
        for _low, high, _rate, share in deciles:
            cum += share / total
            edges.append((cum, float(high)))
        lo = max(x for c, x in edges if c <= 0.4 + 1e-3)
        hi = min(x for c, x in edges if c >= 0.6 - 1e-3)
        return lo - _rounding(lo), hi + _rounding(hi)
    q = stats["quantiles"]
    q25, q50, q75 = q["0.25"], q["0.5"], q["0.75"]
    return q25 + 0.6 * (q50 - q25), q50 + 0.4 * (q75 - q50)


def _rounding(x: float) -> float:
    """Half a unit of the third significant digit: the decile boundaries are printed rounded (0.208 for 0.2083)."""
    return 0.0 if x == 0 else 0.5 * 10 ** (np.floor(np.log10(abs(x))) - 2)


def _target_checks(lazy: pl.LazyFrame, ref_table: dict[str, Any]) -> list[FidelityCheck]:
    stats = ref_table["columns"]
    univariate = univariate_reference()
    needed = sorted({"TARGET", *TREND_COLUMNS, *(c for pair in CORRELATION_PAIRS for c in pair),
                     *(c for name in univariate for c in _auc_columns(name))})
    df = lazy.select(needed).collect()
    checks: list[FidelityCheck] = []
    rate = float(df["TARGET"].mean() or 0.0)
    table = "application_train"
    ok = DEFAULT_RATE_BAND[0] <= rate <= DEFAULT_RATE_BAND[1]
    checks.append(FidelityCheck(table, "TARGET", "default rate", rate, ref_table["target_rate"], DEFAULT_RATE_BAND, ok))

    sp_cols = ref_table["spearman"]["columns"]
    sp = np.asarray(ref_table["spearman"]["matrix"], dtype=float)
    for a, b in CORRELATION_PAIRS:
        expected = float(sp[sp_cols.index(a), sp_cols.index(b)])
        both = df.select(a, b).drop_nulls()
        got = float(both.select(pl.corr(a, b, method="spearman")).item()) if both.height > 2 else float("nan")
        band = _signed_band(expected)
        ok = bool(band[0] <= got <= band[1])
        checks.append(FidelityCheck(table, f"{a} ~ {b}", "spearman", got, expected, band, ok))

    for c in TREND_COLUMNS:
        checks.append(_trend_check(df, c, stats[c]))
    checks += [_auc_check(df, name, ref) for name, ref in univariate.items()]
    return checks


def univariate_reference(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Real univariate AUCs by expression: a column, `A/B`, or `mean(EXT_SOURCE_1..3)`."""
    if path is None:
        path = Path(str(resources.files("credit_pipeline.synth").joinpath(UNIVARIATE_AUC_FILE)))
    by_feature: dict[str, dict[str, Any]] = json.loads(path.read_text())["by_feature"]
    return by_feature


def _auc_columns(name: str) -> tuple[str, ...]:
    if name.startswith("mean("):
        return ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
    return tuple(name.split("/"))


def _auc_values(df: pl.DataFrame, name: str) -> np.ndarray:
    cols = [pl.col(c).cast(pl.Float64) for c in _auc_columns(name)]
    if name.startswith("mean("):
        expr = pl.mean_horizontal(cols)
    elif len(cols) == 2:
        expr = pl.when(cols[1] != 0).then(cols[0] / cols[1])
    else:
        expr = cols[0]
    return df.select(expr.alias("x"))["x"].fill_null(np.nan).to_numpy()


def oriented_auc(x: np.ndarray, y: np.ndarray, riskier_when_higher: bool) -> tuple[float, int, int]:
    """AUC of `x` for default in the given direction (0.5 = no signal, below = the opposite direction), with the
    numbers of defaults and non-defaults behind it (rows with a value)."""
    present = ~np.isnan(x)
    x, y = x[present], y[present]
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan"), n_pos, n_neg
    ranks = _average_ranks(x)
    auc = (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return (float(auc) if riskier_when_higher else float(1 - auc)), n_pos, n_neg


def _average_ranks(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(sorted_x)) + 1])
    ends = np.concatenate([starts[1:], [len(x)]])
    mean_rank = (starts + ends + 1) / 2.0  # 1-based average rank of each run of ties
    ranks = np.empty(len(x))
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982)."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / max(n_pos * n_neg, 1)
    return float(np.sqrt(max(var, 0.0)))


def _auc_check(df: pl.DataFrame, name: str, ref: dict[str, Any]) -> FidelityCheck:
    y = df["TARGET"].cast(pl.Float64).to_numpy()
    auc, n_pos, n_neg = oriented_auc(_auc_values(df, name), y, ref["direction"] == "higher=riskier")
    reference = float(ref["auc"])
    width = AUC_TOLERANCE + (AUC_SIGMAS * auc_standard_error(auc, n_pos, n_neg) if auc == auc else 0.0)
    band = (reference - width, reference + width)
    metric = f"univariate AUC ({ref['direction']})"
    return FidelityCheck("application_train", name, metric, auc, reference, band, bool(band[0] <= auc <= band[1]))


def _signed_band(expected: float) -> tuple[float, float]:
    lo, hi = expected - CORRELATION_TOLERANCE, expected + CORRELATION_TOLERANCE
    return (max(lo, 0.0), hi) if expected > 0 else (lo, min(hi, 0.0))


def _trend_check(df: pl.DataFrame, column: str, stats: dict[str, Any]) -> FidelityCheck:
    """Default rate of the lowest fifth of the column minus that of the highest fifth (whole reference deciles):
    same sign as the real gap and between half and twice its size. Two deciles a side rather than one keep the
    check steady: a single decile of a 20k-client sample moves by about a point from draw to draw."""
    deciles = stats["default_rate_by_decile"]
    low, high = _tail(deciles), _tail(deciles[::-1])
    reference = _mean_rate(low) - _mean_rate(high)
    sub = df.select(column, "TARGET").drop_nulls()
    x, y = sub[column].to_numpy(), sub["TARGET"].to_numpy()
    first, last = x <= low[-1][1], x > high[-1][0]
    if not (first.any() and last.any()):
        return FidelityCheck("application_train", column, TREND_METRIC, float("nan"), reference, (0.0, 0.0), False)
    rate_low, rate_high = float(y[first].mean()), float(y[last].mean())
    generated = rate_low - rate_high
    # Small data sets: widen the size band by the sampling error of the generated gap, never past zero (the
    # direction must hold whatever the size).
    noise = TREND_SIGMAS * np.sqrt(rate_low * (1 - rate_low) / first.sum() + rate_high * (1 - rate_high) / last.sum())
    lo, hi = sorted((0.5 * reference, 2.0 * reference))
    band = (max(lo - noise, 1e-9), hi + noise) if reference > 0 else (lo - noise, min(hi + noise, -1e-9))
    ok = bool(band[0] <= generated <= band[1])
    return FidelityCheck("application_train", column, TREND_METRIC, generated, reference, band, ok)


def _tail(deciles: list[list[float]]) -> list[list[float]]:
    """Deciles from one end until a fifth of the non-missing rows is covered."""
    total, out, cum = sum(d[3] for d in deciles), [], 0.0
    for d in deciles:
        out.append(d)
        cum += d[3] / total
        if cum >= TREND_SHARE - 1e-3:
            break
    return out


def _mean_rate(deciles: list[list[float]]) -> float:
    return sum(d[2] * d[3] for d in deciles) / sum(d[3] for d in deciles)


def format_report(checks: Iterable[FidelityCheck], *, failures_only: bool = False) -> str:
    """A plain-text table of generated versus reference figures, one line per check, and a summary line."""
    checks = list(checks)
    shown = [c for c in checks if not c.ok] if failures_only else checks
    header = ("table", "column", "metric", "generated", "reference", "accepted", "")
    rows = [header] + [
        (c.table, c.column, c.metric, _fmt(c.generated), _fmt(c.reference),
         f"[{_fmt(c.band[0])}, {_fmt(c.band[1])}]", "ok" if c.ok else "FAIL")
        for c in shown
    ]  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths).rstrip())
    failed = sum(not c.ok for c in checks)
    lines.append(f"\n{len(checks) - failed}/{len(checks)} checks passed" + (f", {failed} failed" if failed else ""))
    return "\n".join(lines)


def _fmt(v: float) -> str:
    if v != v:  # NaN
        return "nan"
    if abs(v) < 1e-6:
        return "0"
    if 1e-3 <= abs(v) < 1e6:
        return f"{v:.4g}" if abs(v) < 1 else f"{v:,.6g}"
    return f"{v:.3e}"
