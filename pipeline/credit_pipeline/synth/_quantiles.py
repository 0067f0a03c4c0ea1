"""Marginals rebuilt from the reference figures, and the Gaussian-copula plumbing that draws from them.

No SciPy: the normal CDF/quantile use classic closed-form approximations (errors < 1e-7), far below
the resolution of a 2,500-row reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

QUANTILE_LEVELS = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)


def norm_cdf(z: np.ndarray) -> np.ndarray:
    """Standard normal CDF via Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)."""
    x = np.abs(z) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erfc = poly * np.exp(-x * x)
    return np.where(z >= 0, 1.0 - 0.5 * erfc, 0.5 * erfc)


def norm_ppf(p: np.ndarray | float) -> np.ndarray:
    """Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)  # fmt: skip
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1 - 1e-12)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    out[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
                (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))  # fmt: skip
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        q = np.sqrt(-2 * np.log(np.where(sign > 0, p[mask], 1 - p[mask])))
        out[mask] = sign * (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / (
            (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        )
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Marginal:
    """Inverse CDF of the non-missing values of one reference column.

    Continuous columns: piecewise-linear through (0, min), the nine reference quantiles and (1, max), with a flat
    stretch holding the `spike` value's exact share. Discrete columns (`values`): the exact value shares.
    """

    p: np.ndarray
    x: np.ndarray
    integer: bool
    values: np.ndarray | None = None
    cum: np.ndarray | None = None

    @classmethod
    def from_stats(cls, stats: dict[str, Any], *, use_values: bool = True) -> Marginal:
        integer = bool(stats.get("integer", False))
        nonmissing = max(1e-9, 1.0 - stats["missing"])
        if use_values and "values" in stats:
            vals = sorted((float(k), v) for k, v in stats["values"].items())
            x = np.array([v for v, _ in vals])
            w = np.array([s for _, s in vals])
            return cls(np.array([]), np.array([]), integer, x, np.cumsum(w) / w.sum())
        p = [0.0, *QUANTILE_LEVELS, 1.0]
        x = [stats["min"], *(stats["quantiles"][str(q)] for q in QUANTILE_LEVELS), stats["max"]]
        knots = _soft_tails(list(zip(p, x, strict=True)))
        spike = stats.get("spike")
        if spike is not None:
            knots = _with_spike(knots, spike["value"], min(0.999, spike["share"] / nonmissing), integer)
        kp, kx = (np.array(v, dtype=float) for v in zip(*knots, strict=True))
        kx = np.maximum.accumulate(kx)  # interpolated quantiles can cross by rounding
        return cls(kp, kx, integer)

    def ppf_z(self, z: np.ndarray) -> np.ndarray:
        """ppf(Phi(z)) without computing Phi: exact at the knots, interpolated in normal-score space between them
        (as valid a filling-in as the linear one, and several times faster on millions of rows)."""
        if self.values is not None:
            assert self.cum is not None
            idx = np.minimum(np.searchsorted(norm_ppf(self.cum), z, side="right"), len(self.values) - 1)
            return self.values[idx]
        out = np.interp(z, _z_knots(self.p), self.x)
        return np.rint(out) if self.integer else out

    def ppf(self, u: np.ndarray) -> np.ndarray:
        if self.values is not None:
            assert self.cum is not None
            idx = np.minimum(np.searchsorted(self.cum, u, side="right"), len(self.values) - 1)
            return self.values[idx]
        out = np.interp(u, self.p, self.x)
        return np.rint(out) if self.integer else out

    def cdf_at(self, value: float) -> float:
        """Share of non-missing values strictly below `value` (used to stratify sub-populations)."""
        if self.values is not None:
            assert self.cum is not None
            below = np.searchsorted(self.values, value, side="left")
            return float(self.cum[below - 1]) if below > 0 else 0.0
        idx = np.searchsorted(self.x, value, side="left")
        if idx == 0:
            return 0.0
        if idx >= len(self.x):
            return 1.0
        x0, x1, p0, p1 = self.x[idx - 1], self.x[idx], self.p[idx - 1], self.p[idx]
        return float(p0 + (p1 - p0) * (value - x0) / (x1 - x0)) if x1 > x0 else float(p0)


def _z_knots(p: np.ndarray) -> np.ndarray:
    z = norm_ppf(np.clip(p, 1e-12, 1 - 1e-12))
    return np.maximum.accumulate(z + np.arange(len(z)) * 1e-12)  # strictly increasing for np.interp


def _soft_tails(knots: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Replace the straight 1%->min and 99%->max segments by cubic ones: a 16k-row sample's max is an extreme, and a
    straight line to it would put a hundredth of the rows uniformly out there (AMT_INCOME_TOTAL's top 1% would
    average 1.35M)."""
    (p0, lo), (p1, q01) = knots[0], knots[1]
    (p9, q99), (p10, hi) = knots[-2], knots[-1]
    steps = (0.9, 0.75, 0.5, 0.25)
    bottom = [(p1 - (p1 - p0) * s, q01 - (q01 - lo) * s**3) for s in steps]
    top = [(p9 + (p10 - p9) * s, q99 + (hi - q99) * s**3) for s in steps[::-1]]
    return [knots[0], *bottom, *knots[1:-1], *top, knots[-1]]


def _with_spike(
    knots: list[tuple[float, float]], value: float, mass: float, integer: bool
) -> list[tuple[float, float]]:
    """Insert a flat stretch of probability `mass` at `value`, between the knots around it."""
    below = [(p, x) for p, x in knots if x < value]
    above = [(p, x) for p, x in knots if x > value]
    ties = [p for p, x in knots if x == value]
    lo_bound = below[-1][0] if below else 0.0
    hi_bound = above[0][0] if above else 1.0
    if ties:
        centre = (min(ties) + max(ties)) / 2
    elif below and above:
        (p0, x0), (p1, x1) = below[-1], above[0]
        centre = p0 + (p1 - p0) * (value - x0) / (x1 - x0)
    else:
        centre = lo_bound if not below else hi_bound
    start = min(max(centre - mass / 2, lo_bound), max(lo_bound, hi_bound - mass))
    if not below:
        start = 0.0
    if not above:
        start = 1.0 - mass
    end = min(1.0, start + mass)
    # Integer columns: keep the neighbouring continuous stretches half a unit away so rounding does not add mass.
    gap = 0.5 if integer else 0.0
    eps = 1e-9
    out = [(p, x) for p, x in below if p < start - eps]
    if out:
        # Continue the last segment's slope up to the spike rather than ramping to a far-away sentinel
        # (DAYS_EMPLOYED's 365243 must not drag the employed tail up to it).
        out.append((start - eps, min(value - gap, _extrapolate(out, start))))
    out += [(start, value), (end, value)]
    rest = [(p, x) for p, x in above if p > end + eps]
    if rest:
        out.append((end + eps, max(value + gap, _extrapolate(rest[::-1], end))))
        out += rest
    return _monotone(out)


def _extrapolate(knots: list[tuple[float, float]], p: float) -> float:
    """Value at `p` on the line through the last two knots (or the last knot's value)."""
    if len(knots) < 2:
        return knots[-1][1]
    (p0, x0), (p1, x1) = knots[-2], knots[-1]
    return x1 if p1 == p0 else x1 + (x1 - x0) / (p1 - p0) * (p - p1)


def _monotone(knots: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for p, x in knots:
        if out and p <= out[-1][0]:
            p = out[-1][0] + 1e-12
        out.append((min(p, 1.0), x))
    return out


def solve_shift(scores: np.ndarray, mean: float) -> float:
    """Shift `c` such that mean(sigmoid(c + scores)) == mean (Newton on a monotone function)."""
    if len(scores) == 0:
        return float(logit(mean))
    c = float(logit(mean) - np.median(scores))
    for _ in range(60):
        p = sigmoid(c + scores)
        f, df = float(p.mean() - mean), float((p * (1 - p)).mean())
        if abs(f) < 1e-12 or df <= 0:
            break
        c -= f / df
    return c


def rate_with_slope(driver: np.ndarray, mean: float, slope: float) -> np.ndarray:
    """Per-row probabilities rising with `driver` (log-odds slope `slope`) whose average is exactly `mean`."""
    scores = slope * driver
    return sigmoid(solve_shift(scores, mean) + scores)


def spearman_to_pearson(rho: np.ndarray) -> np.ndarray:
    """Latent normal correlation that yields a given Spearman correlation."""
    return 2.0 * np.sin(np.pi * np.asarray(rho) / 6.0)


def nearest_correlation(c: np.ndarray, floor: float = 1e-3) -> np.ndarray:
    """Clip negative eigenvalues (pairwise-complete reference correlations need not be PSD) and restore the unit
    diagonal."""
    c = (c + c.T) / 2
    w, v = np.linalg.eigh(c)
    c = (v * np.maximum(w, floor)) @ v.T
    d = np.sqrt(np.diag(c))
    return c / np.outer(d, d)


@dataclass(frozen=True)
class Copula:
    """Correlated standard normals for a fixed set of columns."""

    columns: tuple[str, ...]
    chol: np.ndarray

    @classmethod
    def from_correlation(cls, columns: Sequence[str], corr: np.ndarray) -> Copula:
        return cls(tuple(columns), np.linalg.cholesky(nearest_correlation(np.asarray(corr, dtype=float))))

    def normals(self, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        z = rng.standard_normal((n, len(self.columns))) @ self.chol.T
        return {c: z[:, i] for i, c in enumerate(self.columns)}


def latent_correlation(
    table_columns: Sequence[str], matrix: Sequence[Sequence[float]], keep: Sequence[str]
) -> np.ndarray:
    """The latent (Pearson) correlation of `keep`, taken from a reference Spearman matrix."""
    idx = [list(table_columns).index(c) for c in keep]
    m = np.asarray(matrix, dtype=float)[np.ix_(idx, idx)]
    m = np.nan_to_num(m)
    out = spearman_to_pearson(m)
    np.fill_diagonal(out, 1.0)
    return out


def mix(z: np.ndarray, factor: np.ndarray, loading: float) -> np.ndarray:
    """A standard normal that loads `loading` on `factor` (itself standard normal): marginals stay N(0, 1)."""
    return loading * factor + np.sqrt(1.0 - loading * loading) * z


def stack(u: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Category index of uniform draws for cumulative shares `cum` (last = 1)."""
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


def cumulative(shares: Sequence[float]) -> np.ndarray:
    w = np.asarray(shares, dtype=float)
    return np.cumsum(w) / w.sum()


def ragged_arange(lengths: np.ndarray) -> np.ndarray:
    """0..len-1 for each group, concatenated, without a Python loop."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
