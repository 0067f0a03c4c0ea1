"""installments_payments.csv: every instalment already due on a previous contract and how it was paid.

Loans: instalment k falls due k-1 months after the first due date, for the annuity of the contract (version 1,
higher after a restructuring). Cards: one row per month with a payment (version 0), numbered since the card opened.
Most instalments are paid a few days early; late (DAYS_ENTRY_PAYMENT > DAYS_INSTALMENT) and partial
(AMT_PAYMENT < AMT_INSTALMENT) payments are more frequent on troubled contracts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth import _draw as draw
from credit_pipeline.synth._arrears import Episodes
from credit_pipeline.synth._quantiles import ragged_arange, rate_with_slope
from credit_pipeline.synth.previous import DAYS_PER_MONTH, Contracts
from credit_pipeline.synth.writer import Columns

LATE = (0.05, 1.3)  # paid a few days late outside arrears episodes: mean rate, log-odds slope on trouble
UNDERPAID = (0.035, 1.3)  # paid less than due outside arrears episodes
RESTRUCTURED = 0.15  # loans whose calendar changed (NUM_INSTALMENT_VERSION 2, 3 ...)
TABLE = "installments_payments"
CARD_SHARE = 0.3  # card rows' share of all instalment rows (version 0 in the real file)
SPLIT_PAYMENT = 0.14  # loan instalments paid in two rows


@dataclass(frozen=True)
class InstalmentRows:
    columns: Columns
    late: np.ndarray  # per client: late instalments
    underpaid: np.ndarray  # per client: partly paid instalments
    total: np.ndarray  # per client: instalments


@dataclass(frozen=True)
class CardPayments:
    """Card months with a payment, from credit_card_balance."""

    contract: np.ndarray  # index into Contracts
    month: np.ndarray
    number: np.ndarray  # months since the first minimum payment, from 1
    size: np.ndarray  # standard-normal latent of the month's minimum instalment
    late: np.ndarray  # the card was past due that month


def generate(
    rng: np.random.Generator,
    contracts: Contracts,
    trouble: np.ndarray,
    episodes: Episodes,
    sk_id_curr: np.ndarray,
    cards: CardPayments,
) -> InstalmentRows:
    """`trouble` and `episodes` are per loan of `contracts.loans()`, in that order."""
    loans = contracts.loans()
    first_due = contracts.first_due[loans]
    counts = contracts.instalments_due(loans)
    row_contract = np.repeat(np.arange(len(loans)), counts)
    k = ragged_arange(counts) + 1
    rows = len(k)
    day = first_due[row_contract] + np.round(DAYS_PER_MONTH * (k - 1))

    restructured = rng.random(len(loans)) < RESTRUCTURED
    pivot = 1 + np.floor(rng.random(len(loans)) * np.maximum(counts, 1))
    version = 1 + (restructured[row_contract] & (k >= pivot[row_contract])).astype(float)
    version += (version > 1) & (rng.random(rows) < 0.15)
    version += (version > 2) & (rng.random(rows) < 0.2)

    # Instalments falling in an arrears episode are paid as late as the episode says (and often only in part);
    # the others are mostly paid a few days early, sometimes a few days late.
    t = trouble[row_contract]
    dpd = episodes.days_past_due(row_contract, k - 1)
    amount = np.round(contracts.annuity[loans][row_contract], 3)
    slightly_late = rng.random(rows) < rate_with_slope(t, LATE[0], LATE[1])
    delay = np.where(slightly_late, np.ceil(rng.exponential(6.0, rows)), -np.floor(rng.exponential(9.0, rows)))
    delay = np.where(dpd > 0, dpd, delay)
    underpaid = (rng.random(rows) < rate_with_slope(t, UNDERPAID[0], UNDERPAID[1])) | (
        (dpd > 0) & (rng.random(rows) < 0.5)
    )
    entry = np.minimum(day + delay, -1.0)
    paid = np.where(underpaid, np.round(amount * rng.uniform(0.05, 0.95, rows), 3), amount)

    # Some instalments are paid in two rows (same instalment, two payment dates and amounts).
    split = rng.random(rows) < SPLIT_PAYMENT
    idx = np.repeat(np.arange(rows), 1 + split)
    first_part = split[idx] & (ragged_arange(1 + split) == 0)
    fraction = rng.uniform(0.1, 0.9, rows)[idx]
    part_paid = np.round(np.where(first_part, paid[idx] * fraction, paid[idx] * (1 - fraction)), 3)
    owner = contracts.owner[loans][row_contract]
    loan_rows: Columns = {
        "SK_ID_PREV": contracts.sk_id_prev[loans][row_contract][idx],
        "SK_ID_CURR": sk_id_curr[owner][idx],
        "NUM_INSTALMENT_VERSION": version[idx],
        "NUM_INSTALMENT_NUMBER": k.astype(float)[idx],
        "DAYS_INSTALMENT": day[idx],
        "DAYS_ENTRY_PAYMENT": np.where(first_part, entry[idx] - rng.integers(1, 20, len(idx)), entry[idx]),
        "AMT_INSTALMENT": amount[idx],
        "AMT_PAYMENT": np.where(split[idx], part_paid, paid[idx]),
    }
    card_rows, card_owner, card_under = _card_rows(rng, contracts, cards, sk_id_curr)
    cols: Columns = {name: np.concatenate([loan_rows[name], card_rows[name]]) for name in loan_rows}

    n = len(sk_id_curr)
    all_owner = np.concatenate([owner, card_owner])
    all_late = np.concatenate([entry > day, cards.late]).astype(float)
    all_under = np.concatenate([underpaid, card_under]).astype(float)
    return InstalmentRows(
        cols,
        late=np.bincount(all_owner, weights=all_late, minlength=n),
        underpaid=np.bincount(all_owner, weights=all_under, minlength=n),
        total=np.bincount(all_owner, minlength=n).astype(float),
    )


def _card_rows(
    rng: np.random.Generator, contracts: Contracts, cards: CardPayments, sk_id_curr: np.ndarray
) -> tuple[Columns, np.ndarray, np.ndarray]:
    """Card instalments are the small monthly minimums: they take the bottom CARD_SHARE of the reference
    AMT_INSTALMENT distribution (loan annuities make up the rest)."""
    rows = len(cards.month)
    day = np.round(cards.month * DAYS_PER_MONTH + rng.integers(0, 30, rows))
    day = np.minimum(np.maximum(day, contracts.first_due[cards.contract]), -1.0)
    delay = np.where(cards.late, np.ceil(rng.exponential(12.0, rows)), -np.floor(rng.exponential(6.0, rows)))
    owner = contracts.owner[cards.contract]
    minimum = np.round(draw.lower(TABLE, "AMT_INSTALMENT", cards.size, CARD_SHARE), 3)
    underpaid = cards.late & (rng.random(rows) < 0.5)
    paid = np.where(underpaid, np.round(minimum * rng.uniform(0.05, 0.95, rows), 3), minimum)
    cols: Columns = {
        "SK_ID_PREV": contracts.sk_id_prev[cards.contract],
        "SK_ID_CURR": sk_id_curr[owner],
        "NUM_INSTALMENT_VERSION": np.zeros(rows),
        "NUM_INSTALMENT_NUMBER": cards.number.astype(float),
        "DAYS_INSTALMENT": day,
        "DAYS_ENTRY_PAYMENT": np.minimum(day + delay, -1.0),
        "AMT_INSTALMENT": minimum,
        "AMT_PAYMENT": paid,
    }
    return cols, owner, underpaid
