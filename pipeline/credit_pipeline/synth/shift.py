"""Population shifts for `credit data synth --shift`: data to produce drift on and to test the drift report with.

Each shift changes a few raw application columns after the clients are drawn and leaves every other column (and
the clients' true risk, hence TARGET) as it was, with its own random stream: the same seed with and without a
shift gives the same bytes outside the shifted columns.
- younger: ages shrink towards 18 (DAYS_BIRTH), as if the lender reached a younger audience;
- amounts: credit, annuity and goods price 60 % higher (the ratios between them unchanged);
- category: a new income type, "Gig worker", for a third of the clients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from credit_pipeline.synth.writer import Cat, Columns

ADULT_DAYS = -18 * 365
AGE_FACTOR = 0.55  # years past 18 kept
AMOUNT_FACTOR = 1.6
NEW_INCOME_TYPE = "Gig worker"
NEW_CATEGORY_SHARE = 1 / 3
SHIFT_STREAM = 0x5EED_5  # the shifts' own random stream (never the generator's)


def _younger(cols: Columns, rng: np.random.Generator) -> None:
    days = np.asarray(cols["DAYS_BIRTH"], dtype=np.float64)
    cols["DAYS_BIRTH"] = np.round(ADULT_DAYS + (days - ADULT_DAYS) * AGE_FACTOR)


def _amounts(cols: Columns, rng: np.random.Generator) -> None:
    for name in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"):
        cols[name] = np.asarray(cols[name], dtype=np.float64) * AMOUNT_FACTOR


def _category(cols: Columns, rng: np.random.Generator) -> None:
    income = cols["NAME_INCOME_TYPE"]
    assert isinstance(income, Cat)
    categories = (*income.categories, NEW_INCOME_TYPE)
    codes = np.where(rng.random(len(income.codes)) < NEW_CATEGORY_SHARE, len(categories) - 1, income.codes)
    cols["NAME_INCOME_TYPE"] = Cat(codes, categories)


SHIFTS: dict[str, Callable[[Columns, np.random.Generator], None]] = {
    "younger": _younger, "amounts": _amounts, "category": _category,
}
SHIFTED_COLUMNS = {"younger": ("DAYS_BIRTH",), "amounts": ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"),
                   "category": ("NAME_INCOME_TYPE",)}


def parse(text: str) -> tuple[str, ...]:
    """`younger,amounts` → the shift names, checked."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in SHIFTS]
    if unknown:
        raise ValueError(f"unknown shift(s) {', '.join(unknown)}: choose from {', '.join(SHIFTS)}")
    return names


def apply(cols: Columns, shifts: Sequence[str], seed: int, chunk: int) -> Columns:
    """The application columns of one chunk with `shifts` applied (a new dict; the input is left alone)."""
    if not shifts:
        return cols
    shifted = dict(cols)
    rng = np.random.default_rng([seed, chunk, SHIFT_STREAM])
    for name in shifts:
        SHIFTS[name](shifted, rng)
    return shifted
