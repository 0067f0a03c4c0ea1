"""credit_card_balance.csv: one row per month of every card, from its opening to the month before the application.

The monthly figures come from a panel Gaussian copula with the reference Spearman matrix: a per-card latent plus a
per-month one, so a card keeps its habits (limit, usage) from month to month while every column keeps its reference
marginal. High-propensity clients carry higher balances against lower limits (months over the limit) and days past
due. Blocks of columns are missing together, as in the real file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth import _arrears
from credit_pipeline.synth import _draw as draw
from credit_pipeline.synth._quantiles import mix, norm_cdf, ragged_arange
from credit_pipeline.synth.installments import CardPayments
from credit_pipeline.synth.previous import DAYS_PER_MONTH, SENTINEL, Contracts
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "credit_card_balance"
PANEL = (
    "AMT_BALANCE", "AMT_CREDIT_LIMIT_ACTUAL", "AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_CURRENT",
    "AMT_DRAWINGS_POS_CURRENT", "AMT_INST_MIN_REGULARITY", "AMT_PAYMENT_CURRENT", "AMT_PAYMENT_TOTAL_CURRENT",
    "AMT_RECEIVABLE_PRINCIPAL", "AMT_RECIVABLE", "AMT_TOTAL_RECEIVABLE", "CNT_DRAWINGS_CURRENT",
    "CNT_DRAWINGS_POS_CURRENT",
)  # fmt: skip
# Share of each column's latent variance that is a per-card habit (the rest changes month to month).
PERSISTENCE = {"AMT_CREDIT_LIMIT_ACTUAL": 0.95}
DEFAULT_PERSISTENCE = 0.6
RISK_LOADING = {"AMT_BALANCE": 0.35, "AMT_RECEIVABLE_PRINCIPAL": 0.35, "AMT_RECIVABLE": 0.35,
                "AMT_TOTAL_RECEIVABLE": 0.35, "AMT_CREDIT_LIMIT_ACTUAL": -0.35}  # fmt: skip
ARREARS = (0.4, 1.5, 0.1)  # cards with an arrears episode (mean, slope on trouble), share of chronic episodes
TROUBLE_LOADING = 0.8
MISSING_BLOCKS = (  # nested: a row missing the first block misses the later ones too
    ("AMT_INST_MIN_REGULARITY", ("AMT_INST_MIN_REGULARITY", "CNT_INSTALMENT_MATURE_CUM")),
    ("AMT_DRAWINGS_ATM_CURRENT", ("AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_OTHER_CURRENT",
                                  "AMT_DRAWINGS_POS_CURRENT", "CNT_DRAWINGS_ATM_CURRENT",
                                  "CNT_DRAWINGS_OTHER_CURRENT", "CNT_DRAWINGS_POS_CURRENT")),
    ("AMT_PAYMENT_CURRENT", ("AMT_PAYMENT_CURRENT",)),
)  # fmt: skip
STATUS = ("Active", "Completed", "Signed", "Demand", "Sent proposal")
INSTALMENT_MONTH = 0.92  # open card months with a (minimum) instalment in installments_payments
SPLIT_PAYMENT = 0.15  # months paid in two rows


@dataclass(frozen=True)
class CardRows:
    columns: Columns
    payments: CardPayments
    over_limit: np.ndarray  # per client: months with a balance above the limit
    late_months: np.ndarray  # per client: months with SK_DPD > 0


def generate(
    rng: np.random.Generator, contracts: Contracts, propensity: np.ndarray, sk_id_curr: np.ndarray
) -> CardRows:
    cards = np.flatnonzero(contracts.has_card_balance)
    k = len(cards)
    opened = np.maximum(np.floor(contracts.decision[cards] / DAYS_PER_MONTH), -96).astype(np.int64)
    lengths = np.maximum(-opened, 0)
    row_card = np.repeat(np.arange(k), lengths)
    age = ragged_arange(lengths)  # months since opening
    month = opened[row_card] + age
    rows = len(month)
    owner = contracts.owner[cards]
    d = propensity[owner]

    copula = draw.copula(TABLE, PANEL)
    per_card, per_month = copula.normals(rng, k), copula.normals(rng, rows)
    z: dict[str, np.ndarray] = {}
    for name in PANEL:
        a = PERSISTENCE.get(name, DEFAULT_PERSISTENCE)
        card_part = mix(per_card[name], d, RISK_LOADING[name]) if name in RISK_LOADING else per_card[name]
        z[name] = np.sqrt(a) * card_part[row_card] + np.sqrt(1 - a) * per_month[name]
    cols: Columns = {name: draw.values(TABLE, name, z[name]) for name in PANEL}
    for name in PANEL:
        if name.startswith("AMT_"):
            cols[name] = np.round(cols[name], 3)

    # A zero limit means a card not (or no longer) usable: mostly nothing is owed on it.
    unusable = (np.asarray(cols["AMT_CREDIT_LIMIT_ACTUAL"]) == 0) & (rng.random(rows) < 0.8)
    for name in ("AMT_BALANCE", "AMT_RECEIVABLE_PRINCIPAL", "AMT_RECIVABLE", "AMT_TOTAL_RECEIVABLE",
                 "AMT_INST_MIN_REGULARITY"):
        cols[name] = np.where(unusable, 0.0, cols[name])

    # Closed cards: 'Completed' months with nothing drawn, owed or paid after the closing month.
    last_due = contracts.last_due[cards]
    closed = last_due < SENTINEL
    closing = np.floor(np.where(closed, last_due, 0.0) / DAYS_PER_MONTH).astype(np.int64)
    after = closed[row_card] & (month > closing[row_card])
    for name in PANEL:
        if name != "AMT_CREDIT_LIMIT_ACTUAL":
            cols[name] = np.where(after, 0.0, cols[name])

    # Matured instalments: months with a payment so far, counted per card (cumulative sum restarted per card).
    paid = (np.asarray(cols["AMT_PAYMENT_CURRENT"]) > 0).astype(np.int64)
    cum = np.cumsum(paid)
    starts = np.cumsum(lengths) - lengths
    offset = (cum[starts] - paid[starts]) if rows else np.zeros(k, dtype=np.int64)
    cols["CNT_INSTALMENT_MATURE_CUM"] = (cum - np.repeat(offset, lengths)).astype(float)
    _counts_and_missing(rng, cols, z, row_card, k)

    status = np.where(after, 1, 0)
    first = age == 0
    status = np.where(first & (rng.random(rows) < 0.1), 2, status)
    trouble = mix(rng.standard_normal(k), d, TROUBLE_LOADING)
    episodes = _arrears.draw(rng, trouble, lengths, *ARREARS)
    dpd = np.where(after, 0.0, episodes.days_past_due(row_card, age))
    cols["SK_DPD"] = dpd
    status = np.where((dpd > 90) & (rng.random(rows) < 0.05), 3, status)
    status = np.where((status == 0) & (rng.random(rows) < 0.0004), 4, status)
    cols["NAME_CONTRACT_STATUS"] = Cat(status, STATUS)
    def_values = draw.values(TABLE, "SK_DPD_DEF", rng.standard_normal(rows))
    counted = (dpd > 0) & (rng.random(rows) < 0.6)
    cols["SK_DPD_DEF"] = np.where(counted, np.minimum(np.maximum(def_values, 1.0), dpd), 0.0)

    cols["SK_ID_PREV"] = contracts.sk_id_prev[cards][row_card]
    cols["SK_ID_CURR"] = sk_id_curr[owner][row_card]
    cols["MONTHS_BALANCE"] = month.astype(float)

    n = len(sk_id_curr)
    balance, limit = np.asarray(cols["AMT_BALANCE"]), np.asarray(cols["AMT_CREDIT_LIMIT_ACTUAL"])
    over = (balance > limit) & (balance > 0)
    late = dpd > 0
    # Instalment rows of the open months: usually one, sometimes none or a second (split) payment.
    first_due_month = np.floor(contracts.first_due[cards] / DAYS_PER_MONTH).astype(np.int64)
    open_due = ~after & (month >= first_due_month[row_card])
    per_month = np.where(open_due, (rng.random(rows) < INSTALMENT_MONTH) + (rng.random(rows) < SPLIT_PAYMENT), 0)
    pick = np.repeat(np.arange(rows), per_month)
    payments = CardPayments(
        contract=cards[row_card][pick],
        month=month[pick],
        number=(month - first_due_month[row_card])[pick] + 1,
        size=z["AMT_INST_MIN_REGULARITY"][pick],
        late=late[pick],
    )
    return CardRows(
        cols,
        payments,
        over_limit=np.bincount(owner[row_card], weights=over.astype(float), minlength=n),
        late_months=np.bincount(owner[row_card], weights=late.astype(float), minlength=n),
    )


def _counts_and_missing(
    rng: np.random.Generator, cols: Columns, z: dict[str, np.ndarray], row_card: np.ndarray, k: int
) -> None:
    rows = len(row_card)
    # Cash-machine and other drawings: counts are zero exactly when the amounts are.
    atm = np.asarray(cols["AMT_DRAWINGS_ATM_CURRENT"])
    atm_count = draw.continuous(TABLE, "CNT_DRAWINGS_ATM_CURRENT").ppf(norm_cdf(z["AMT_DRAWINGS_ATM_CURRENT"]))
    cols["CNT_DRAWINGS_ATM_CURRENT"] = np.where(atm > 0, np.maximum(atm_count, 1.0), 0.0)
    other = draw.values(TABLE, "AMT_DRAWINGS_OTHER_CURRENT", rng.standard_normal(rows))
    cols["AMT_DRAWINGS_OTHER_CURRENT"] = other
    cols["CNT_DRAWINGS_OTHER_CURRENT"] = np.where(other > 0, 1.0 + (rng.random(rows) < 0.3), 0.0)
    cols["CNT_DRAWINGS_CURRENT"] = np.where(np.asarray(cols["AMT_DRAWINGS_CURRENT"]) > 0,
                                            np.maximum(cols["CNT_DRAWINGS_CURRENT"], 1.0), 0.0)  # fmt: skip
    # One uniform per row, persistent within a card, decides the nested missing blocks.
    layer = norm_cdf(np.sqrt(0.8) * rng.standard_normal(k)[row_card] + np.sqrt(0.2) * rng.standard_normal(rows))
    for share_column, block in MISSING_BLOCKS:
        missing = layer < draw.missing(TABLE, share_column)
        for name in block:
            cols[name] = np.where(missing, np.nan, np.asarray(cols[name], dtype=float))
