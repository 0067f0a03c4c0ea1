"""bureau.csv (credits reported by other institutions) and bureau_balance.csv (their monthly status).

A credit is active when its planned end date lies ahead (with some noise); closed credits have an actual end date,
no debt, and show STATUS 'C' after closing. Clients with a higher history propensity get more days past due:
overdue amounts in bureau and STATUS 1..5 runs in bureau_balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth import _draw as draw
from credit_pipeline.synth._quantiles import mix, norm_cdf, ragged_arange, rate_with_slope
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "bureau"
CLIENTS_WITH_BUREAU = 305_811 / 356_255
CREDITS_PER_CLIENT = 1_716_428 / 305_811  # among clients with at least one
COUNT_DISPERSION = 1.2  # negative binomial shape: a few clients have dozens of credits
BALANCE_SHARE = 0.49  # credits with a monthly history: ~27.3M bureau_balance rows for 356k clients
DAYS_PER_MONTH = 30.4375
STATUS = ("C", "0", "X", "1", "2", "3", "4", "5")
NUMERIC = (
    "DAYS_CREDIT", "DAYS_CREDIT_ENDDATE", "DAYS_ENDDATE_FACT", "AMT_CREDIT_MAX_OVERDUE", "AMT_CREDIT_SUM",
    "AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM_LIMIT", "DAYS_CREDIT_UPDATE", "AMT_ANNUITY",
)  # fmt: skip
# Days-past-due behaviour: mean rate and log-odds slope on the client's propensity.
DPD_EPISODE = (0.22, 1.3)  # credits with at least one late month in bureau_balance
SEVERE_EPISODE = 0.05  # share of episodes that roll on to 2, 3, 4, 5 (written off) instead of 1-3 late months
MAX_OVERDUE_LOADING = 0.45
DAY_OVERDUE = (0.002, 1.3)  # credits overdue today (all active)
STOPS_AFTER_CLOSING = 0.45  # closed credits whose monthly reporting stops some months after closing


@dataclass(frozen=True)
class BureauRows:
    bureau: Columns
    balance: Columns
    max_status: np.ndarray  # per client: worst days-past-due bucket ever reported (0..5)
    overdue_now: np.ndarray  # per client: number of credits overdue today


def generate(rng: np.random.Generator, sk_id_curr: np.ndarray, propensity: np.ndarray, first_id: int) -> BureauRows:
    n = len(sk_id_curr)
    has = rng.random(n) < CLIENTS_WITH_BUREAU
    extra_mean = (CREDITS_PER_CLIENT - 1) * np.exp(0.1 * propensity - 0.005)
    extra = rng.negative_binomial(COUNT_DISPERSION, COUNT_DISPERSION / (COUNT_DISPERSION + extra_mean))
    counts = np.where(has, 1 + extra, 0)
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    d = propensity[owner]

    z = draw.copula(TABLE, NUMERIC).normals(rng, m)
    cols: Columns = {"SK_ID_CURR": sk_id_curr[owner], "SK_ID_BUREAU": first_id + np.arange(m)}
    days_credit = draw.values(TABLE, "DAYS_CREDIT", z["DAYS_CREDIT"])
    enddate = draw.values(TABLE, "DAYS_CREDIT_ENDDATE", z["DAYS_CREDIT_ENDDATE"])
    enddate = np.maximum(enddate, days_credit + 1)

    # Active when the planned end lies ahead; a few active ones are past their end date (late payers).
    active_share = draw.category_share(TABLE, "CREDIT_ACTIVE", "Active")
    active_latent = mix(rng.standard_normal(m), z["DAYS_CREDIT_ENDDATE"], 0.85) + 0.15 * d
    active = norm_cdf(active_latent) > 1 - active_share
    sold_share = draw.category_share(TABLE, "CREDIT_ACTIVE", "Sold")
    sold = ~active & (rng.random(m) < rate_with_slope(d, sold_share / (1 - active_share), 0.8))
    cols["CREDIT_ACTIVE"] = Cat(np.where(active, 1, np.where(sold, 2, 0)), ("Closed", "Active", "Sold"))
    cols["CREDIT_CURRENCY"] = draw.category(rng, TABLE, "CREDIT_CURRENCY", m)
    credit_type = draw.category(rng, TABLE, "CREDIT_TYPE", m)
    cols["CREDIT_TYPE"] = credit_type
    card = credit_type.is_("Credit card")

    fact = draw.values(TABLE, "DAYS_ENDDATE_FACT", z["DAYS_ENDDATE_FACT"])
    fact = np.clip(fact, days_credit, -1.0)
    cols["DAYS_CREDIT"] = days_credit
    cols["DAYS_CREDIT_ENDDATE"] = draw.with_missing(rng, TABLE, "DAYS_CREDIT_ENDDATE", enddate)
    cols["DAYS_ENDDATE_FACT"] = np.where(active, np.nan, fact)
    update = draw.values(TABLE, "DAYS_CREDIT_UPDATE", z["DAYS_CREDIT_UPDATE"])
    cols["DAYS_CREDIT_UPDATE"] = np.clip(update, days_credit, -1.0)

    amount = draw.values(TABLE, "AMT_CREDIT_SUM", z["AMT_CREDIT_SUM"])
    cols["AMT_CREDIT_SUM"] = np.round(amount, 2)
    closed_share = 1 - active_share
    debt = np.where(active, draw.upper(TABLE, "AMT_CREDIT_SUM_DEBT", z["AMT_CREDIT_SUM_DEBT"], closed_share), 0.0)
    debt = np.minimum(debt, amount)  # nobody owes more than they borrowed
    cols["AMT_CREDIT_SUM_DEBT"] = draw.with_missing(rng, TABLE, "AMT_CREDIT_SUM_DEBT", np.round(debt, 2))
    # Only cards have a credit limit: they take the top of the limit distribution.
    card_share = draw.category_share(TABLE, "CREDIT_TYPE", "Credit card")
    z_limit = z["AMT_CREDIT_SUM_LIMIT"]
    limit = np.where(card, draw.upper(TABLE, "AMT_CREDIT_SUM_LIMIT", z_limit, 1 - card_share), 0.0)
    cols["AMT_CREDIT_SUM_LIMIT"] = draw.with_missing(rng, TABLE, "AMT_CREDIT_SUM_LIMIT", np.round(limit, 2))
    max_overdue = draw.values(TABLE, "AMT_CREDIT_MAX_OVERDUE", mix(z["AMT_CREDIT_MAX_OVERDUE"], d, MAX_OVERDUE_LOADING))
    cols["AMT_CREDIT_MAX_OVERDUE"] = draw.with_missing(rng, TABLE, "AMT_CREDIT_MAX_OVERDUE", np.round(max_overdue, 3))
    annuity = draw.values(TABLE, "AMT_ANNUITY", z["AMT_ANNUITY"])
    cols["AMT_ANNUITY"] = draw.with_missing(rng, TABLE, "AMT_ANNUITY", np.round(annuity, 3))
    cols["CNT_CREDIT_PROLONG"] = draw.values(TABLE, "CNT_CREDIT_PROLONG", rng.standard_normal(m))

    # Overdue today: only active credits, more often for high-propensity clients.
    overdue = active & (rng.random(m) < rate_with_slope(d, DAY_OVERDUE[0] / active_share, DAY_OVERDUE[1]))
    cols["CREDIT_DAY_OVERDUE"] = np.where(overdue, np.ceil(rng.exponential(35.0, m)), 0.0)
    owed = np.where(np.isnan(debt), amount, debt) * rng.uniform(0.02, 0.3, m)
    cols["AMT_CREDIT_SUM_OVERDUE"] = np.where(overdue, np.round(owed, 1), 0.0)

    balance, worst = _balance(rng, cols, d)
    max_status = np.zeros(n)
    np.maximum.at(max_status, owner, worst)
    overdue_now = np.bincount(owner, weights=overdue.astype(float), minlength=n)
    return BureauRows(cols, balance, max_status, overdue_now)


def _balance(rng: np.random.Generator, bureau: Columns, d: np.ndarray) -> tuple[Columns, np.ndarray]:
    """Monthly statuses from the month the credit opened (at most 96 months back) to month 0: 'C' once closed,
    'X' where the bureau did not report, 0 when paid on time, 1..5 for 1-30 ... 120+ days past due."""
    days_credit = np.asarray(bureau["DAYS_CREDIT"])
    m = len(days_credit)
    has = rng.random(m) < BALANCE_SHARE
    opened = np.maximum(np.floor(days_credit / DAYS_PER_MONTH), -96).astype(np.int64)
    fact = np.asarray(bureau["DAYS_ENDDATE_FACT"])
    closed_month = np.where(np.isnan(fact), 1, np.floor(np.nan_to_num(fact) / DAYS_PER_MONTH)).astype(np.int64)
    stops = (closed_month <= 0) & (rng.random(m) < STOPS_AFTER_CLOSING)
    last = np.where(stops, np.minimum(closed_month + rng.geometric(1 / 15, m), 0), 0)
    lengths = np.where(has, last - opened + 1, 0)
    credit = np.repeat(np.arange(m), lengths)
    month = last[credit] - ragged_arange(lengths)

    # Reporting gaps: some credits are never reported month by month, others only from some point on.
    mode = rng.random(m)
    unreported_before = np.where(mode < 0.2, 1, np.where(mode < 0.53, opened + (rng.random(m) * (1 - opened)), -97))
    # Days-past-due episodes: a late month that is cured, or a run that rolls to 5 (write-off).
    episode = has & (rng.random(m) < rate_with_slope(d, DPD_EPISODE[0], DPD_EPISODE[1]))
    last_open = np.minimum(closed_month, 0)
    start = opened + np.floor(rng.random(m) * np.maximum(last_open - opened + 1, 1)).astype(np.int64)
    severe = rng.random(m) < SEVERE_EPISODE
    length = np.where(severe, 5 + rng.geometric(0.3, m), rng.integers(1, 4, m))

    c, mo = credit, month
    status = np.full(len(c), 1, dtype=np.int64)  # '0'
    in_episode = episode[c] & (mo >= start[c]) & (mo < start[c] + length[c]) & (mo <= last_open[c])
    bucket = np.where(severe[c], np.minimum(mo - start[c] + 1, 5), 1)
    status = np.where(in_episode, 2 + bucket, status)  # '1'..'5' are codes 3..7
    status = np.where(mo < unreported_before[c], 2, status)  # 'X'
    status = np.where(mo > closed_month[c], 0, status)  # 'C'
    worst = np.zeros(m)
    late = status >= 3
    np.maximum.at(worst, c[late], (status[late] - 2).astype(float))
    sk_id = np.asarray(bureau["SK_ID_BUREAU"])
    return {"SK_ID_BUREAU": sk_id[c], "MONTHS_BALANCE": mo.astype(float), "STATUS": Cat(status, STATUS)}, worst
