"""Drawing helpers shared by the per-table generators: cached marginals/copulas and categorical draws."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from credit_pipeline.synth import _reference as ref
from credit_pipeline.synth._quantiles import Copula, Marginal, cumulative, latent_correlation, norm_cdf, stack
from credit_pipeline.synth.writer import Cat


@cache
def marginal(table: str, column: str) -> Marginal:
    return Marginal.from_stats(ref.column(table, column))


@cache
def continuous(table: str, column: str) -> Marginal:
    """The quantile-based marginal even when the column also lists its few `values`."""
    return Marginal.from_stats(ref.column(table, column), use_values=False)


def missing(table: str, column: str) -> float:
    return float(ref.column(table, column)["missing"])


@cache
def copula(table: str, columns: tuple[str, ...]) -> Copula:
    names, matrix = ref.spearman(table)
    return Copula.from_correlation(columns, latent_correlation(names, matrix, columns))


def values(table: str, column: str, z: np.ndarray) -> np.ndarray:
    """Column values for standard-normal latents `z`."""
    return marginal(table, column).ppf_z(z)


def upper(table: str, column: str, z: np.ndarray, lower_share: float) -> np.ndarray:
    """Values from the part of the distribution above its `lower_share` quantile: when a sub-population takes the
    bottom `lower_share` of a column (closed credits have no debt), the others take the rest and the overall
    marginal is preserved."""
    return marginal(table, column).ppf(lower_share + (1 - lower_share) * norm_cdf(z))


def lower(table: str, column: str, z: np.ndarray, share: float) -> np.ndarray:
    return marginal(table, column).ppf(share * norm_cdf(z))


def category(
    rng: np.random.Generator,
    table: str,
    column: str,
    n: int,
    *,
    exclude: Sequence[str] = (),
    u: np.ndarray | None = None,
    with_missing: bool = False,
) -> Cat:
    """Categories with the reference shares (optionally without some, renormalised), from uniforms `u` when given
    (to couple columns), and missing at the reference rate when `with_missing`."""
    cats, shares = ref.shares(table, column)
    keep = [(c, s) for c, s in zip(cats, shares, strict=True) if c not in exclude]
    draws = rng.random(n) if u is None else u
    codes = stack(draws, cumulative([s for _, s in keep]))
    if with_missing:
        codes = np.where(rng.random(n) < missing(table, column), -1, codes)
    return Cat(codes, tuple(c for c, _ in keep))


def with_missing(rng: np.random.Generator, table: str, column: str, values_: np.ndarray) -> np.ndarray:
    """Blank values at random at the reference missing rate."""
    return np.where(rng.random(len(values_)) < missing(table, column), np.nan, values_)


def category_share(table: str, column: str, name: str) -> float:
    return float(ref.column(table, column)["categories"][name]["share"])


def fit_table(row_shares: np.ndarray, col_shares: np.ndarray, allowed: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Conditional shares P(column | row) that respect structural zeros (`allowed`) and match both margins as well
    as they can (iterative proportional fitting)."""
    t = allowed * np.outer(row_shares, col_shares) + 0.0
    for _ in range(iterations):
        t *= (row_shares / np.maximum(t.sum(axis=1), 1e-15))[:, None]
        t *= col_shares / np.maximum(t.sum(axis=0), 1e-15)
    t *= (row_shares / np.maximum(t.sum(axis=1), 1e-15))[:, None]
    return t / np.maximum(t.sum(axis=1, keepdims=True), 1e-15)


def by_group(u: np.ndarray, group: np.ndarray, conditional: np.ndarray) -> np.ndarray:
    """Category index of uniforms `u` for rows in `group` g, drawn from row g of `conditional` (a loop over the
    few groups, not the rows)."""
    out = np.zeros(len(u), dtype=np.int64)
    for g in range(conditional.shape[0]):
        rows = group == g
        if rows.any():
            out[rows] = stack(u[rows], np.cumsum(conditional[g]) / max(conditional[g].sum(), 1e-15))
    return out
