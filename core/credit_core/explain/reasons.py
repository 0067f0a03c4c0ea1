"""The reasons behind a decision: the factors that moved the client's risk the way the decision went, as data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from credit_core.explain.population import Population, is_missing
from credit_core.explain.rates import Rates

MAX_REASONS = 4


RAISES, LOWERS = "raises_risk", "lowers_risk"


@dataclass(frozen=True)
class Reason:
    """One factor behind the decision, as data: the web writes the sentence (per language, per case)."""

    feature: str
    shap: float  # log-odds
    value: Any
    percentile: float | None
    default_rate: float | None
    direction: str = RAISES
    contribution_pp: float | None = None  # its step on the waterfall, in probability points (negative: removes)
    kind: str = "numeric"  # "numeric" | "categorical" | "missing"
    value_code: str | None = None  # the category's code (categorical features)
    comparison: str | None = None  # numeric: "higher" | "lower" than most clients
    share_pct: int | None = None  # ... than this share (%) of clients
    n: int | None = None  # clients in the client's category cell (categorical)
    suppressed: bool = False  # that cell is below the minimum count: no rate


def compare(percentile: float) -> tuple[str, int]:
    """("higher", share of clients below) or ("lower", share of clients above), in whole percents."""
    p = round(percentile)
    return ("higher", p) if percentile >= 50 else ("lower", 100 - p)


def top_reasons(
    names: list[str], shap: list[float], values: list[Any], population: Population | None, limit: int = MAX_REASONS,
    *, refused: bool = True, rates: Rates | None = None, points: Sequence[float] | None = None,
    categorical: frozenset[str] | set[str] = frozenset(),
) -> list[Reason]:
    """The factors behind the decision, largest |SHAP| first: for a refusal (`refused`) those that raised the risk
    (SHAP > 0), for a grant those that lowered it (SHAP < 0). Categorical comparisons (rate, n) come from `rates`
    (the one rate computation) when given, else from the population summary."""
    sign = 1.0 if refused else -1.0
    direction = RAISES if refused else LOWERS
    order = sorted((i for i, s in enumerate(shap) if sign * s > 0), key=lambda i: -abs(shap[i]))[:limit]
    reasons = []
    for i in order:
        name, value = names[i], values[i]
        s = float(shap[i])
        pct = population.percentile(name, value) if population is not None else None
        cell = rates.cell_of(name, value) if rates is not None and rates.has(name) and pct is None else None
        if cell is not None:
            rate, n, suppressed = cell["default_rate"], cell["n"], bool(cell["suppressed"])
        else:
            rate = population.default_rate(name, value) if population is not None and pct is None else None
            n, suppressed = None, False
        is_cat = name in categorical or isinstance(value, str)
        kind = "missing" if is_missing(value) else "categorical" if is_cat else "numeric"
        comparison, share = compare(pct) if pct is not None and kind == "numeric" else (None, None)
        pp = None if points is None else float(points[i])  # the factor's step on the waterfall
        reasons.append(Reason(
            name, s, value, pct, rate, direction=direction, contribution_pp=pp, kind=kind,
            value_code=str(value) if kind == "categorical" else None, comparison=comparison, share_pct=share,
            n=n if kind != "numeric" else None, suppressed=suppressed if kind != "numeric" else False,
        ))
    return reasons
