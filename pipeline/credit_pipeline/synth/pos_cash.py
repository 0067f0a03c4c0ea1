"""POS_CASH_balance.csv: one row per month of every approved point-of-sale or cash loan.

From the first due month to the last instalment actually due (then one 'Completed' row), at most 96 months back;
CNT_INSTALMENT_FUTURE counts down; SK_DPD follows the contract's arrears episodes (see _arrears).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth._arrears import Episodes
from credit_pipeline.synth._quantiles import ragged_arange
from credit_pipeline.synth.previous import DAYS_PER_MONTH, SENTINEL, Contracts
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "POS_CASH_balance"
STATUS = ("Active", "Completed", "Signed", "Approved", "Returned to the store", "Demand")
SIGNED_FIRST_MONTH = 0.12  # contracts whose first row is 'Signed'
ARREARS = (0.14, 1.5, 0.05)  # loans with an arrears episode (mean, slope on trouble), share of chronic episodes


@dataclass(frozen=True)
class PosRows:
    columns: Columns
    late_months: np.ndarray  # per client


def generate(
    rng: np.random.Generator, contracts: Contracts, episodes: Episodes, sk_id_curr: np.ndarray
) -> PosRows:
    """`episodes` are the arrears of `contracts.loans()`, in that order."""
    loans = contracts.loans()
    first_month = contracts.first_month(loans)
    last_due = contracts.last_due[loans]
    terms = contracts.terms[loans].astype(np.int64)
    running = last_due >= SENTINEL
    paid_months = np.where(running, 0, np.floor(last_due / DAYS_PER_MONTH).astype(np.int64) - first_month + 1)
    # Running loans are observed up to last month; finished ones up to their completion month.
    end = np.where(running, -1, np.minimum(first_month + paid_months, -1))
    start = np.maximum(first_month, -96)
    lengths = np.maximum(end - start + 1, 0)
    row_contract = np.repeat(np.arange(len(loans)), lengths)
    month = start[row_contract] + ragged_arange(lengths)
    since_first = month - first_month[row_contract]
    completed = ~running[row_contract] & (since_first >= paid_months[row_contract])
    future = np.where(completed, 0, np.maximum(terms[row_contract] - since_first, 0))

    rows = len(month)
    status = np.where(completed, 1, 0)
    first_row = ragged_arange(lengths) == 0
    signed = first_row & (since_first <= 0) & (rng.random(rows) < SIGNED_FIRST_MONTH)
    status = np.where(signed, 2, status)
    rare = rng.random(rows)
    status = np.where(~completed & ~signed & (rare < 0.0012), 3, status)
    status = np.where(~completed & ~signed & (rare > 0.9996), 4, status)

    dpd = np.where(completed, 0.0, episodes.days_past_due(row_contract, since_first))
    status = np.where((dpd > 360) & (rng.random(rows) < 0.05), 5, status)  # long arrears: sent to collection
    dpd_def = np.where(episodes.counted[row_contract], dpd, 0.0)

    owner = contracts.owner[loans][row_contract]
    cols: Columns = {
        "SK_ID_PREV": contracts.sk_id_prev[loans][row_contract],
        "SK_ID_CURR": sk_id_curr[owner],
        "MONTHS_BALANCE": month.astype(float),
        "CNT_INSTALMENT": terms[row_contract].astype(float),
        "CNT_INSTALMENT_FUTURE": future.astype(float),
        "NAME_CONTRACT_STATUS": Cat(status, STATUS),
        "SK_DPD": dpd,
        "SK_DPD_DEF": dpd_def,
    }
    late_months = np.bincount(owner, weights=(dpd > 0).astype(float), minlength=len(sk_id_curr))
    return PosRows(cols, late_months)
