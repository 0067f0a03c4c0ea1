"""The true probability of default (PD) and the latent risk that drives the credit history.

    log-odds(PD) = intercept + sum over application columns of a per-bin weight   (deciles, categories, values,
                                                                                    missing)
                   + UNOBSERVED_SCALE * u                                          (what no column records)
                   + history score (late / partly paid instalments, bureau days past due, refusals, card months
                     over the limit or past due ...), computed from the generated history rows

The history itself is generated from a client's `propensity`: their prior risk (application evidence + u) plus
noise, so history features carry both what the application shows and something it does not. The per-bin weights
start from the reference's weights of evidence (log-odds of the real default rate of the bin against the base rate,
shrunk by the number of reference rows behind it) and are then raked on a pilot population (see calibration.py) so
that, with the history score included, each bin's default rate matches the real one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from credit_pipeline.synth import _reference as ref
from credit_pipeline.synth._quantiles import logit, sigmoid
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "application_train"
MEAN_PD = 0.0807  # application_train.csv: 24,825 defaults among 307,511 clients
# Shrinkage priors: a bin backed by this many reference rows keeps half of its raw log-odds. Categories are often
# rare (a handful of rows behind 'Industry: type 13'), deciles are not and follow smooth, strong trends.
PSEUDO_ROWS = 300.0
# Deciles (700-1,700 reference rows each) keep nearly their raw rates: shrinking them by 200 pseudo-rows flattened
# the strongest columns (univariate AUC of EXT_SOURCE_1 0.623 generated against 0.668 real, mean of the three
# scores 0.697 against 0.728; see fidelity's univariate AUC checks).
PSEUDO_ROWS_DECILE = 20.0
PRIOR_SCALE = 0.6  # the summed raw evidence over-counts (the columns overlap); only used for the propensity
# The unobserved factor u (what no column records: character, luck) moves the history propensity by
# UNOBSERVED_PRIOR_SCALE, so past behaviour partly reveals it, and the true PD directly by UNOBSERVED_SCALE. 0.1
# (was 0.3) leaves the risk on evidence a lender records (application and history), so a good model can approach
# the oracle: oracle AUC ~0.83 at 50k clients (strong models on the real data reach ~0.80). The default-rate
# patterns do not move: the bins are raked to the reference rates with u in the log-odds (calibration.py).
UNOBSERVED_SCALE = 0.1
UNOBSERVED_PRIOR_SCALE = 0.3
HISTORY_NOISE = 0.5  # share of the history propensity's variance unrelated to the prior risk

NUMERIC = (
    "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "DAYS_BIRTH", "DAYS_EMPLOYED", "DAYS_ID_PUBLISH",
    "DAYS_LAST_PHONE_CHANGE", "DAYS_REGISTRATION", "AMT_CREDIT", "AMT_GOODS_PRICE", "REGION_POPULATION_RELATIVE",
    "TOTALAREA_MODE", "AMT_REQ_CREDIT_BUREAU_YEAR", "OWN_CAR_AGE",
    # The building block: on real rows larger, taller buildings go with fewer defaults (univariate AUC ~0.55).
    # FLOORSMIN_AVG is left to follow FLOORSMAX_AVG: raked on its own as well, it overshot (0.581 against 0.547).
    "FLOORSMAX_AVG", "LIVINGAPARTMENTS_AVG", "APARTMENTS_AVG", "ELEVATORS_AVG", "LIVINGAREA_AVG",
)  # fmt: skip
CATEGORICAL = (
    "CODE_GENDER", "NAME_EDUCATION_TYPE", "NAME_INCOME_TYPE", "NAME_FAMILY_STATUS", "OCCUPATION_TYPE",
    "ORGANIZATION_TYPE", "NAME_CONTRACT_TYPE", "FLAG_OWN_CAR", "NAME_HOUSING_TYPE",
)  # fmt: skip
BY_VALUE = (
    "REGION_RATING_CLIENT_W_CITY", "REG_CITY_NOT_LIVE_CITY", "REG_CITY_NOT_WORK_CITY", "FLAG_DOCUMENT_3",
    "FLAG_PHONE", "DEF_30_CNT_SOCIAL_CIRCLE",
)  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    """How one application column is binned, and each bin's reference default rate (shrunk) and prior weight.

    Bins: the deciles / categories / listed values, then 'missing', then 'other' (a category or value absent from
    the reference, which stays neutral)."""

    name: str
    target: np.ndarray  # shrunk reference default rate per bin
    prior: np.ndarray  # weight of evidence per bin
    edges: np.ndarray | None = None  # numeric: upper bounds of all deciles but the last
    levels: tuple[str, ...] = ()  # categories, or values as written in the reference ('0.0', '1.0' ...)

    @property
    def size(self) -> int:
        return len(self.target)

    def bins(self, column: np.ndarray | Cat) -> np.ndarray:
        missing_bin, other_bin = self.size - 2, self.size - 1
        if isinstance(column, Cat):
            lookup = np.array([self.levels.index(c) if c in self.levels else other_bin for c in column.categories]
                              + [missing_bin])  # fmt: skip
            return lookup[np.where(column.codes < 0, len(column.categories), column.codes)]
        x = np.asarray(column, dtype=float)
        missing = np.isnan(x)
        if self.edges is not None:
            out = np.searchsorted(self.edges, np.where(missing, 0.0, x), side="left")
        else:
            out = np.full(len(x), other_bin)
            for i, value in enumerate(self.levels):
                out[x == float(value)] = i
        return np.where(missing, missing_bin, out)


def _shrunk(rate: float, rows: float, base: float, prior_rows: float = PSEUDO_ROWS) -> float:
    return (rows * rate + prior_rows * base) / (rows + prior_rows)


def _evidence(name: str, stats: dict[str, Any], rows: float, base: float) -> Evidence:
    rates: list[tuple[float, float]] = []  # (rate, reference rows) per bin, before 'missing' and 'other'
    edges, levels = None, ()
    if name in NUMERIC:
        deciles = stats["default_rate_by_decile"]
        rates = [(d[2], rows * d[3]) for d in deciles]
        edges = np.array([d[1] for d in deciles[:-1]])
    elif name in CATEGORICAL:
        levels = tuple(stats["categories"])
        rates = [(c["default_rate"], rows * c["share"]) for c in stats["categories"].values()]
    else:
        by_value = stats["default_rate_by_value"]
        by_value = ast.literal_eval(by_value) if isinstance(by_value, str) else by_value  # a dict literal
        levels = tuple(str(v) for v in by_value)
        rates = [(float(by_value[v]), rows * stats["values"].get(v, 0.0)) for v in levels]
    rates.append((stats.get("default_rate_when_missing", base), rows * stats["missing"]))
    rates.append((base, 0.0))
    prior_rows = [PSEUDO_ROWS_DECILE if name in NUMERIC else PSEUDO_ROWS] * (len(rates) - 2) + [PSEUDO_ROWS] * 2
    target = np.array([_shrunk(r, n, base, k) for (r, n), k in zip(rates, prior_rows, strict=True)])
    prior = logit(target) - logit(base)
    if name == "DAYS_EMPLOYED":
        # The last decile mixes the 365243 sentinel with the newly employed; the pensioners' lower risk is carried
        # by NAME_INCOME_TYPE, and the newly employed are at least as risky as the decile before.
        prior[len(edges)] = prior[len(edges) - 1]  # type: ignore[arg-type]
    if name == "ORGANIZATION_TYPE":
        prior[levels.index("XNA")] = 0.0  # the pensioners again
    return Evidence(name, target, prior, edges, levels)


@cache
def evidence() -> tuple[Evidence, ...]:
    table = ref.load()[TABLE]
    rows, base = float(table["sample_rows"]), float(table["target_rate"])
    return tuple(_evidence(n, table["columns"][n], rows, base) for n in (*NUMERIC, *CATEGORICAL, *BY_VALUE))


def bins(columns: Columns) -> list[np.ndarray]:
    return [ev.bins(columns[ev.name]) for ev in evidence()]


def prior_risk(binned: list[np.ndarray], unobserved: np.ndarray) -> np.ndarray:
    """What the history propensity follows: the application's raw (scaled) evidence plus the unobserved factor."""
    evidence_sum = sum((ev.prior[b] for ev, b in zip(evidence(), binned, strict=True)), np.zeros(len(unobserved)))
    return PRIOR_SCALE * evidence_sum + UNOBSERVED_PRIOR_SCALE * unobserved


@dataclass(frozen=True)
class History:
    """Per-client aggregates of the generated history that the true PD depends on."""

    late_instalments: np.ndarray
    underpaid_instalments: np.ndarray
    instalments: np.ndarray
    bureau_worst_status: np.ndarray  # 0..5
    bureau_overdue_now: np.ndarray
    refused_applications: np.ndarray
    pos_late_months: np.ndarray
    card_over_limit_months: np.ndarray
    card_late_months: np.ndarray


# Log-odds weights of the history aggregates (shares of late / partly paid instalments; counts through log1p).
HISTORY_WEIGHTS = {
    "late_share": 1.5,
    "underpaid_share": 1.2,
    "bureau_late": 0.15,
    "bureau_severe": 0.3,
    "bureau_overdue_now": 0.4,
    "refused": 0.2,
    "pos_late": 0.15,
    "card_over_limit": 0.1,
    "card_late": 0.15,
}


def history_score(h: History) -> np.ndarray:
    w = HISTORY_WEIGHTS
    per = np.maximum(h.instalments, 1.0)
    return (
        w["late_share"] * h.late_instalments / per
        + w["underpaid_share"] * h.underpaid_instalments / per
        + w["bureau_late"] * (h.bureau_worst_status >= 1)
        + w["bureau_severe"] * (h.bureau_worst_status >= 3)
        + w["bureau_overdue_now"] * np.log1p(h.bureau_overdue_now)
        + w["refused"] * np.log1p(h.refused_applications)
        + w["pos_late"] * np.log1p(h.pos_late_months)
        + w["card_over_limit"] * np.log1p(h.card_over_limit_months)
        + w["card_late"] * np.log1p(h.card_late_months)
    )


@dataclass(frozen=True)
class RiskModel:
    """Fitted PD model: raked per-bin weights, the prior's standardisation and the intercept."""

    weights: tuple[np.ndarray, ...]
    prior_mean: float
    prior_sd: float
    intercept: float

    def log_odds(self, binned: list[np.ndarray], unobserved: np.ndarray, history: np.ndarray,
                 ratios: np.ndarray) -> np.ndarray:
        return (self.intercept + application_log_odds(self.weights, binned) + UNOBSERVED_SCALE * unobserved + history
                + ratios)


def application_log_odds(weights: tuple[np.ndarray, ...], binned: list[np.ndarray]) -> np.ndarray:
    return sum((w[b] for w, b in zip(weights, binned, strict=True)), np.zeros(len(binned[0])))


def pd_from(log_odds: np.ndarray) -> np.ndarray:
    return sigmoid(log_odds)


# Ratios of the loan's amounts that public solutions found predictive on real rows, with the univariate AUC they
# have there (../shared/reference/real_univariate_auc.json): credit / annuity 0.556 (longer terms safer), goods
# price / credit 0.569 (credit beyond the goods price riskier), annuity / income 0.527 (heavier payments riskier).
# The deciles of each amount alone do not produce them, so each ratio adds a log-odds term: weight x its log,
# centred (fixed centres: the real medians). The raking (calibration.py) keeps every amount's decile rates with
# these terms in; the weights were set so that the generated AUCs land on the real ones (fidelity checks them).
RATIO_TERMS = (
    # (numerator, denominator, weight per unit of log ratio, centre of the log ratio)
    ("AMT_CREDIT", "AMT_ANNUITY", -0.7, 3.0),
    ("AMT_GOODS_PRICE", "AMT_CREDIT", -1.1, -0.12),
    ("AMT_ANNUITY", "AMT_INCOME_TOTAL", 0.35, -1.75),
)


def ratio_score(columns: Columns) -> np.ndarray:
    """Sum of the ratio terms (0 where a ratio is missing)."""
    total: np.ndarray | None = None
    for num, den, weight, centre in RATIO_TERMS:
        a, b = np.asarray(columns[num], dtype=float), np.asarray(columns[den], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.log(a / b) - centre
        term = np.where(np.isfinite(x), weight * np.clip(x, -3.0, 3.0), 0.0)
        total = term if total is None else total + term
    assert total is not None
    return total
