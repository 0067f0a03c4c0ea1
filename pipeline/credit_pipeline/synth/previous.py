"""previous_application.csv: the clients' earlier Home Credit applications, and the contracts they became.

Each application belongs to a product segment: a point-of-sale consumer loan, a card, a cash loan, or an "empty"
application (cancelled before any amount was set: AMT_APPLICATION 0, no annuity, XNA everywhere). The segment fixes
which categories are possible (a POS loan has a goods category and a seller industry, a cash loan a purpose ...);
the conditional shares are fitted so that every column keeps its reference shares. Refusals are more frequent for
clients with a high history propensity. Approved contracts get a coherent timeline (decision, first due date,
last due date, termination) that the repayment tables (POS_CASH, instalments, cards) then follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from credit_pipeline.synth import _draw as draw
from credit_pipeline.synth import _reference as ref
from credit_pipeline.synth._quantiles import Marginal, mix, norm_cdf, ragged_arange, rate_with_slope, stack
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "previous_application"
CLIENTS_WITH_PREVIOUS = 338_857 / 356_255
APPLICATIONS_PER_CLIENT = 1_670_214 / 338_857  # among clients with at least one
CARD_CLIENTS = 103_558 / 356_255  # clients with rows in credit_card_balance
COUNT_DISPERSION = 1.3
SENTINEL = 365243.0
DAYS_PER_MONTH = 30.4375
HORIZON_DAYS = 2922  # eight years of history

# Product segments of an application and their shares of all applications.
POS, CARD, EMPTY_REVOLVING, EMPTY_CASH, CASH = range(5)
SEGMENT_SHARES = np.array([0.44, 0.08, 0.028, 0.186, 0.266])
# Log-odds slope of refusal on the history propensity (its share is the reference's).
REFUSAL_SLOPE = 1.1
# Approved applications whose contract dates are unknown (the reference has them missing a bit more often than
# the applications are not approved).
UNDATED_APPROVED = 0.045
EARLY_REPAYMENT = 0.33
CARD_CLOSED = 0.5
CARD_WITH_BALANCE_CLOSED = 0.1  # cards still reported in credit_card_balance are mostly open
# Size of the request, as a shift of the amount/term latents: POS loans are small, cash loans large, and the
# applications that were not approved asked for more (longer, bigger) than those that were.
AMOUNT_SHIFT = np.array([-0.55, -0.2, 0.0, 0.0, 1.0])  # per segment
NOT_APPROVED_SHIFT = 1.6
AMOUNT_LOADING = {"AMT_ANNUITY": 0.5, "AMT_APPLICATION": 0.5, "AMT_CREDIT": 0.5, "AMT_GOODS_PRICE": 0.5,
                  "CNT_PAYMENT": 0.5}  # fmt: skip
NUMERIC = (
    "AMT_ANNUITY", "AMT_APPLICATION", "AMT_CREDIT", "AMT_DOWN_PAYMENT", "AMT_GOODS_PRICE", "HOUR_APPR_PROCESS_START",
    "RATE_DOWN_PAYMENT", "DAYS_DECISION", "SELLERPLACE_AREA", "CNT_PAYMENT", "DAYS_FIRST_DRAWING", "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION", "DAYS_LAST_DUE", "DAYS_TERMINATION",
)  # fmt: skip
STATUS = ("Approved", "Canceled", "Refused", "Unused offer")

_ANY = None  # every category allowed
# Per segment (POS, CARD, EMPTY_REVOLVING, EMPTY_CASH, CASH): the categories it can take.
STRUCTURE: dict[str, tuple[object, ...]] = {
    "NAME_CONTRACT_TYPE": (("Consumer loans",), ("Revolving loans",), ("Revolving loans",), ("Cash loans",),
                           ("Cash loans",)),
    "NAME_PORTFOLIO": (("POS", "Cars"), ("Cards",), ("XNA",), ("XNA",), ("Cash",)),
    "NAME_CASH_LOAN_PURPOSE": (("XAP",), ("XAP",), ("XAP",), "-XAP", "-XAP"),
    "NAME_PRODUCT_TYPE": (("XNA",), _ANY, ("XNA",), _ANY, ("x-sell", "walk-in")),
    "NAME_PAYMENT_TYPE": ("-XNA", ("XNA",), ("XNA",), ("XNA",), _ANY),
    "NAME_GOODS_CATEGORY": ("-XNA", ("XNA",), ("XNA",), ("XNA",), ("XNA",)),
    "NAME_SELLER_INDUSTRY": ("-XNA", _ANY, ("XNA",), ("XNA",), _ANY),
    "NAME_YIELD_GROUP": ("-XNA", _ANY, ("XNA",), ("XNA",), "-XNA"),
    "PRODUCT_COMBINATION": ("POS*", "Card*", "Card*", "Cash*", "Cash *"),
    "CHANNEL_TYPE": (("Country-wide", "Stone", "Regional / Local", "Car dealer"), _ANY,
                     ("Credit and cash offices", "Contact center", "AP+ (Cash loan)", "Country-wide"),
                     ("Credit and cash offices", "Contact center", "AP+ (Cash loan)", "Country-wide"), _ANY),
}  # fmt: skip
# Columns drawn from one shared uniform, in these category orders, so that they agree with each other
# (a mobile phone is sold by a connectivity shop; a "with interest" product has a high/middle yield).
ORDERS: dict[str, tuple[str, ...]] = {
    "NAME_GOODS_CATEGORY": ("Mobile", "Audio/Video", "Consumer Electronics", "Computers", "Photo / Cinema Equipment",
                            "Office Appliances", "Furniture", "Homewares", "Construction Materials", "Gardening",
                            "Clothing and Accessories", "Jewelry", "Auto Accessories", "Vehicles"),
    "NAME_SELLER_INDUSTRY": ("Connectivity", "Consumer electronics", "Furniture", "Construction", "Clothing",
                             "Jewelry", "Auto technology", "Industry"),
    "NAME_YIELD_GROUP": ("high", "middle", "low_normal", "low_action", "XNA"),
    "PRODUCT_COMBINATION": ("Cash X-Sell: high", "Cash Street: high", "Cash X-Sell: middle", "Cash Street: middle",
                            "Cash X-Sell: low", "Cash Street: low", "POS mobile with interest",
                            "POS household with interest", "POS industry with interest", "POS other with interest",
                            "POS mobile without interest", "POS household without interest",
                            "POS industry without interest", "POS others without interest"),
}  # fmt: skip
SHARED_UNIFORM = {"NAME_GOODS_CATEGORY": "goods", "NAME_SELLER_INDUSTRY": "goods", "NAME_YIELD_GROUP": "product",
                  "PRODUCT_COMBINATION": "product"}  # fmt: skip


@dataclass(frozen=True)
class Contracts:
    """Approved, dated contracts: what the repayment tables are generated from."""

    sk_id_prev: np.ndarray
    owner: np.ndarray  # client index within the chunk
    segment: np.ndarray
    first_due: np.ndarray  # day of the first instalment (loans) or minimum payment (cards)
    terms: np.ndarray  # number of instalments (0 for cards)
    annuity: np.ndarray
    last_due: np.ndarray  # day of the last instalment actually due (SENTINEL while running)
    decision: np.ndarray
    has_card_balance: np.ndarray  # the card whose months fill credit_card_balance

    def loans(self) -> np.ndarray:
        """Indices of the instalment loans (point-of-sale and cash)."""
        return np.flatnonzero((self.segment != CARD) & (self.terms > 0))

    def first_month(self, idx: np.ndarray) -> np.ndarray:
        return np.floor(self.first_due[idx] / DAYS_PER_MONTH).astype(np.int64)

    def instalments_due(self, idx: np.ndarray) -> np.ndarray:
        """Instalments already due by the application (at most the term; up to the last one actually due)."""
        last = np.where(self.last_due[idx] >= SENTINEL, -1.0, np.minimum(self.last_due[idx], -1.0))
        due = np.floor((last - self.first_due[idx]) / DAYS_PER_MONTH).astype(np.int64) + 1
        return np.clip(np.minimum(due, self.terms[idx].astype(np.int64)), 0, None)


@dataclass(frozen=True)
class PreviousRows:
    previous: Columns
    contracts: Contracts
    refused: np.ndarray  # per client: number of refused applications


def _categories(column: str) -> tuple[str, ...]:
    cats = list(ref.shares(TABLE, column)[0])
    order = ORDERS.get(column, ())
    return tuple([c for c in order if c in cats] + [c for c in cats if c not in order])


def _allowed(rule: object, cats: Sequence[str]) -> np.ndarray:
    if rule is None:
        return np.ones(len(cats), dtype=bool)
    if isinstance(rule, str) and rule.startswith("-"):
        return np.array([c != rule[1:] for c in cats])
    if isinstance(rule, str) and rule.endswith("*"):
        return np.array([c.startswith(rule[:-1]) for c in cats])
    assert isinstance(rule, tuple)
    return np.array([c in rule for c in cats])


@cache
def _conditional(column: str) -> tuple[tuple[str, ...], np.ndarray]:
    cats = _categories(column)
    shares_by_cat = dict(zip(*ref.shares(TABLE, column), strict=True))
    col_shares = np.array([shares_by_cat[c] for c in cats])
    allowed = np.array([_allowed(rule, cats) for rule in STRUCTURE[column]])
    return cats, draw.fit_table(SEGMENT_SHARES, col_shares, allowed)


def generate(
    rng: np.random.Generator, sk_id_curr: np.ndarray, propensity: np.ndarray, first_id: int
) -> PreviousRows:
    n = len(sk_id_curr)
    card_holder = rng.random(n) < CARD_CLIENTS
    other = (CLIENTS_WITH_PREVIOUS - CARD_CLIENTS) / (1 - CARD_CLIENTS)
    has = card_holder | (rng.random(n) < other)
    extra_mean = APPLICATIONS_PER_CLIENT - 1
    extra = rng.negative_binomial(COUNT_DISPERSION, COUNT_DISPERSION / (COUNT_DISPERSION + extra_mean), n)
    counts = np.where(has, 1 + extra, 0)
    owner = np.repeat(np.arange(n), counts)
    m = len(owner)
    d = propensity[owner]
    # A card holder's first application is the card that feeds credit_card_balance.
    forced = (ragged_arange(counts) == 0) & card_holder[owner]

    segment = _segments(rng, forced)
    status = _status(rng, segment, forced, d)
    approved = status == 0
    empty = (segment == EMPTY_REVOLVING) | (segment == EMPTY_CASH)

    cols: Columns = {"SK_ID_PREV": first_id + np.arange(m), "SK_ID_CURR": sk_id_curr[owner]}
    cols["NAME_CONTRACT_STATUS"] = Cat(status, STATUS)
    refused = status == STATUS.index("Refused")
    # Refusals carry the bank's reasons, unused offers the client's ('CLIENT'), the others 'XAP' (not applicable).
    bank = draw.category(rng, TABLE, "CODE_REJECT_REASON", m, exclude=("XAP", "CLIENT"))
    reason = np.where(refused, 2 + bank.codes, np.where(status == STATUS.index("Unused offer"), 1, 0))
    cols["CODE_REJECT_REASON"] = Cat(reason, ("XAP", "CLIENT", *bank.categories))

    uniforms = {"goods": rng.random(m), "product": rng.random(m)}
    for column in STRUCTURE:
        cats, conditional = _conditional(column)
        u = uniforms[SHARED_UNIFORM[column]] if column in SHARED_UNIFORM else rng.random(m)
        cols[column] = Cat(draw.by_group(u, segment, conditional), cats)
    for column in ("WEEKDAY_APPR_PROCESS_START", "NAME_CLIENT_TYPE", "FLAG_LAST_APPL_PER_CONTRACT"):
        cols[column] = draw.category(rng, TABLE, column, m)
    # Who came along is recorded for point-of-sale loans, rarely otherwise.
    suite = draw.category(rng, TABLE, "NAME_TYPE_SUITE", m)
    suite_missing = draw.missing(TABLE, "NAME_TYPE_SUITE") / (1 - SEGMENT_SHARES[POS])
    cols["NAME_TYPE_SUITE"] = Cat(np.where((segment != POS) & (rng.random(m) < suite_missing), -1, suite.codes),
                                  suite.categories)  # fmt: skip
    cols["NFLAG_LAST_APPL_IN_DAY"] = draw.values(TABLE, "NFLAG_LAST_APPL_IN_DAY", rng.standard_normal(m))

    contracts = _amounts_and_dates(rng, cols, segment, approved, empty, forced, owner)
    refused_per_client = np.bincount(owner, weights=refused.astype(float), minlength=n)
    return PreviousRows(cols, contracts, refused_per_client)


def _segments(rng: np.random.Generator, forced: np.ndarray) -> np.ndarray:
    m, k = len(forced), int(forced.sum())
    target = SEGMENT_SHARES * m
    target[CARD] -= k
    free = np.clip(target, 0, None)
    free = free / free.sum() if free.sum() > 0 else SEGMENT_SHARES
    segment = stack(rng.random(m), np.cumsum(free))
    return np.where(forced, CARD, segment)


def _status(rng: np.random.Generator, segment: np.ndarray, forced: np.ndarray, d: np.ndarray) -> np.ndarray:
    """0 Approved, 1 Canceled, 2 Refused, 3 Unused offer. Empty applications that are not refused were cancelled;
    unused offers are point-of-sale offers."""
    m = len(segment)
    share = {c: draw.category_share(TABLE, "NAME_CONTRACT_STATUS", c) for c in ("Refused", "Unused offer")}
    free = ~forced
    refused = np.zeros(m, dtype=bool)
    if free.any():
        rate = min(0.95, share["Refused"] * m / free.sum())
        refused[free] = rng.random(int(free.sum())) < rate_with_slope(d[free], rate, REFUSAL_SLOPE)
    empty = (segment == EMPTY_REVOLVING) | (segment == EMPTY_CASH)
    pos_open = (segment == POS) & ~refused
    unused = pos_open & (rng.random(m) < share["Unused offer"] * m / max(1, pos_open.sum()))
    return np.where(refused, 2, np.where(empty, 1, np.where(unused, 3, 0)))


def _amounts_and_dates(
    rng: np.random.Generator,
    cols: Columns,
    segment: np.ndarray,
    approved: np.ndarray,
    empty: np.ndarray,
    forced: np.ndarray,
    owner: np.ndarray,
) -> Contracts:
    m = len(segment)
    z = draw.copula(TABLE, NUMERIC).normals(rng, m)
    shift = AMOUNT_SHIFT[segment] + np.where(approved | empty, 0.0, NOT_APPROVED_SHIFT)
    shift = (shift - shift.mean()) / (shift.std() or 1.0) if m > 1 else shift
    for name, loading in AMOUNT_LOADING.items():
        z[name] = mix(z[name], shift, loading)
    empty_share = float(SEGMENT_SHARES[[EMPTY_REVOLVING, EMPTY_CASH]].sum())

    # Empty applications take the bottom of the amount distributions (zeros); the others the rest.
    for name in ("AMT_APPLICATION", "AMT_CREDIT"):
        amount = np.where(
            empty,
            draw.lower(TABLE, name, z[name], empty_share),
            draw.upper(TABLE, name, z[name], empty_share),
        )
        cols[name] = np.round(amount * 2) / 2
    goods = draw.values(TABLE, "AMT_GOODS_PRICE", z["AMT_GOODS_PRICE"])
    cols["AMT_GOODS_PRICE"] = np.where(empty, np.nan, np.round(goods * 2) / 2)

    revolving = segment == CARD
    cnt_marginal = draw.marginal(TABLE, "CNT_PAYMENT")
    zero_terms = cnt_marginal.cdf_at(0.5)
    terms = np.where(revolving, 0.0, draw.upper(TABLE, "CNT_PAYMENT", z["CNT_PAYMENT"], zero_terms))
    cols["CNT_PAYMENT"] = np.where(empty, np.nan, terms)
    annuity = draw.values(TABLE, "AMT_ANNUITY", z["AMT_ANNUITY"])
    cols["AMT_ANNUITY"] = np.where(empty, np.nan, np.round(annuity, 3))

    # Down payments exist for point-of-sale loans and a few others.
    down_missing = draw.missing(TABLE, "AMT_DOWN_PAYMENT")
    other_with_down = max(0.0, (1 - down_missing - SEGMENT_SHARES[POS]) / (1 - SEGMENT_SHARES[POS]))
    has_down = (segment == POS) | (~empty & (rng.random(m) < other_with_down))
    for name in ("AMT_DOWN_PAYMENT", "RATE_DOWN_PAYMENT"):
        value = draw.values(TABLE, name, z[name])
        cols[name] = np.where(has_down, np.round(value, 6 if name.startswith("RATE") else 2), np.nan)
    for name in ("RATE_INTEREST_PRIMARY", "RATE_INTEREST_PRIVILEGED"):
        value = draw.values(TABLE, name, rng.standard_normal(m))
        cols[name] = draw.with_missing(rng, TABLE, name, value)
    cols["HOUR_APPR_PROCESS_START"] = draw.values(TABLE, "HOUR_APPR_PROCESS_START", z["HOUR_APPR_PROCESS_START"])
    # Sellers (SELLERPLACE_AREA) exist for point-of-sale loans; the others mostly carry -1.
    not_pos_share = 1 - float(SEGMENT_SHARES[POS])
    z_seller = z["SELLERPLACE_AREA"]
    cols["SELLERPLACE_AREA"] = np.where(
        segment == POS,
        draw.upper(TABLE, "SELLERPLACE_AREA", z_seller, not_pos_share),
        draw.lower(TABLE, "SELLERPLACE_AREA", z_seller, not_pos_share),
    )
    return _timeline(rng, cols, z, segment, approved, forced, owner, terms)


def _timeline(
    rng: np.random.Generator,
    cols: Columns,
    z: dict[str, np.ndarray],
    segment: np.ndarray,
    approved: np.ndarray,
    forced: np.ndarray,
    owner: np.ndarray,
    terms: np.ndarray,
) -> Contracts:
    """Decision and contract dates. Loans: first due from the reference marginal, decision 15-45 days earlier,
    planned last due after `terms` months, then either still running (365243) or finished, possibly early. Cards:
    opened some months ago, open-ended. The remaining (not approved) applications take the decision dates that
    keep DAYS_DECISION's overall marginal."""
    m = len(segment)
    card = segment == CARD
    dated = approved & ((rng.random(m) >= UNDATED_APPROVED) | forced)
    loan = dated & ~card
    dated_card = dated & card

    fd_marginal = draw.marginal(TABLE, "DAYS_FIRST_DUE")
    below_sentinel = fd_marginal.cdf_at(SENTINEL)
    first_due = np.minimum(fd_marginal.ppf(below_sentinel * norm_cdf(z["DAYS_FIRST_DUE"])), -1.0)
    decision = np.maximum(first_due - rng.integers(15, 46, m), -HORIZON_DAYS)
    # Cards: opening month skewed to recent years (~37 monthly rows per card, as in credit_card_balance).
    opened_month = -1 - np.floor(95 * rng.random(m) ** 1.6)
    card_decision = np.clip(np.round((opened_month + rng.random(m)) * DAYS_PER_MONTH), -HORIZON_DAYS, -1)
    decision = np.where(dated_card, card_decision, decision)

    fixed = dated
    decision = np.where(fixed, decision, _residual(draw.marginal(TABLE, "DAYS_DECISION"), decision[fixed], m,
                                                   rng.random(m)))  # fmt: skip
    cols["DAYS_DECISION"] = np.round(decision)

    planned_last = first_due + np.round(DAYS_PER_MONTH * np.maximum(terms - 1, 0))
    # Repaid early: the last instalment actually due comes before the plan (and may end a loan planned to run on).
    elapsed = np.minimum(terms, np.floor(-first_due / DAYS_PER_MONTH) + 1)
    early = (rng.random(m) < EARLY_REPAYMENT) & (elapsed > 1) & (terms > 1)
    paid_terms = np.where(early, 1 + np.floor(rng.random(m) * (np.minimum(elapsed, terms - 1))), terms)
    running = (planned_last > -1) & ~early
    last_due = np.where(running, SENTINEL, first_due + np.round(DAYS_PER_MONTH * np.maximum(paid_terms - 1, 0)))
    termination = np.where(running, SENTINEL, last_due + rng.integers(0, 11, m))

    # Cards: the first minimum payment falls due 20-60 days after opening (unknown for some unused cards).
    card_due = np.minimum(decision + rng.integers(20, 61, m), -1.0)
    card_first_due = np.where(forced | (rng.random(m) < 0.75), card_due, SENTINEL)
    drawing = np.where(rng.random(m) < 0.43, decision + rng.integers(0, 61, m), SENTINEL)
    card_planned = np.where(rng.random(m) < 0.65, SENTINEL, decision + DAYS_PER_MONTH * rng.integers(12, 61, m))
    # Closed cards stopped some time between their opening and today.
    card_closed = rng.random(m) < np.where(forced, CARD_WITH_BALANCE_CLOSED, CARD_CLOSED)
    closing = decision + np.floor(rng.random(m) * np.maximum(-decision, 1))
    card_last = np.where(card_closed, np.minimum(closing, -1), SENTINEL)
    card_termination = np.where(card_closed, np.minimum(closing + rng.integers(0, 11, m), -1), SENTINEL)

    columns = {
        "DAYS_FIRST_DRAWING": np.where(card, drawing, SENTINEL),
        "DAYS_FIRST_DUE": np.where(card, card_first_due, first_due),
        "DAYS_LAST_DUE_1ST_VERSION": np.where(card, card_planned, planned_last),
        "DAYS_LAST_DUE": np.where(card, card_last, last_due),
        "DAYS_TERMINATION": np.where(card, card_termination, termination),
    }  # fmt: skip
    for name, value in columns.items():
        cap = np.inf if name == "DAYS_LAST_DUE_1ST_VERSION" else -1.0  # only the plan may lie in the future
        value = np.where(value >= SENTINEL, SENTINEL, np.minimum(np.round(value), cap))
        cols[name] = np.where(dated, value, np.nan)
    insured = draw.values(TABLE, "NFLAG_INSURED_ON_APPROVAL", rng.standard_normal(m))
    cols["NFLAG_INSURED_ON_APPROVAL"] = np.where(dated, insured, np.nan)

    annuity = np.asarray(cols["AMT_ANNUITY"])
    idx = np.flatnonzero(loan | dated_card)
    return Contracts(
        sk_id_prev=np.asarray(cols["SK_ID_PREV"])[idx],
        owner=owner[idx],
        segment=segment[idx],
        first_due=np.where(card, card_due, first_due)[idx],
        terms=terms[idx],
        annuity=np.nan_to_num(annuity[idx]),
        last_due=np.where(card, card_last, last_due)[idx],
        decision=decision[idx],
        has_card_balance=forced[idx],
    )


def _residual(total: Marginal, fixed: np.ndarray, count: int, u: np.ndarray) -> np.ndarray:
    """Values for the rows not in `fixed` such that all `count` rows together follow `total`: the remaining CDF is
    (count * F_total - k * F_fixed) / (count - k), made monotone."""
    k = len(fixed)
    if count - k <= 0:
        return np.zeros(len(u))
    grid = np.arange(-HORIZON_DAYS, 0, dtype=float)
    f_total = np.interp(grid, total.x, total.p, left=0.0, right=1.0)
    f_fixed = np.searchsorted(np.sort(fixed), grid, side="right") / max(k, 1)
    rest = np.clip((count * f_total - k * f_fixed) / (count - k), 0.0, 1.0)
    rest = np.maximum.accumulate(rest)
    rest[-1] = 1.0
    rest = rest + np.arange(len(rest)) * 1e-12  # strictly increasing for interpolation
    return np.round(np.interp(u, rest, grid))
