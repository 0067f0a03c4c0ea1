"""The advisor's profile card: a client's key application fields, as data (name, kind, value, status).

Values come from the raw `application` row (not the model features): the card shows what the client declared.
Time spans become years; category values stay Home Credit's codes. Labels, category words and number formats
belong to the reader's language: the dashboard writes them (credit_web.i18n), as for every other payload.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from credit_core.features._expr import DAYS_PER_YEAR, DAYS_SENTINEL

# What a field's value means: `present`, `missing` (not declared), or `not_employed` (Home Credit's sentinel for
# no current job: pensioners, unemployed), which is an answer, not a gap.
PRESENT, MISSING, NOT_EMPLOYED = "present", "missing", "not_employed"


@dataclass(frozen=True)
class Field:
    name: str  # a feature of the catalogue (its label and unit)
    kind: str  # "category" | "amount" | "count" | "years"
    # Turns the raw column value into the field's value (e.g. DAYS_BIRTH → years); None = missing.
    source: str = ""
    to_value: Callable[[Any], Any] = lambda v: v


def _years_before(days: Any) -> float | None:
    return None if days is None else -float(days) / DAYS_PER_YEAR


def _employment_years(days: Any) -> float | None:
    return None if days is None or float(days) == DAYS_SENTINEL else max(0.0, -float(days) / DAYS_PER_YEAR)


FIELDS: tuple[Field, ...] = (
    Field("AGE_YEARS", "years", "DAYS_BIRTH", _years_before),
    Field("CODE_GENDER", "category"),
    Field("NAME_FAMILY_STATUS", "category"),
    Field("CNT_CHILDREN", "count"),
    Field("AMT_INCOME_TOTAL", "amount"),
    Field("NAME_INCOME_TYPE", "category"),
    Field("OCCUPATION_TYPE", "category"),
    Field("YEARS_EMPLOYED", "years", "DAYS_EMPLOYED", _employment_years),
    Field("NAME_HOUSING_TYPE", "category"),
    Field("NAME_EDUCATION_TYPE", "category"),
    Field("NAME_CONTRACT_TYPE", "category"),
    Field("AMT_CREDIT", "amount"),
    Field("AMT_ANNUITY", "amount"),
    Field("AMT_GOODS_PRICE", "amount"),
    Field("REGION_RATING_CLIENT", "count"),
    Field("FLAG_OWN_CAR", "category"),
    Field("FLAG_OWN_REALTY", "category"),
)

SOURCE_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(f.source or f.name for f in FIELDS))


def _status(field: Field, raw: Any, value: Any) -> str:
    if field.name == "YEARS_EMPLOYED" and raw is not None and float(raw) == DAYS_SENTINEL:
        return NOT_EMPLOYED
    return MISSING if value is None else PRESENT


def build(application: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The profile card's fields for one raw application row (column name → value)."""
    out = []
    for field in FIELDS:
        raw = application.get(field.source or field.name)
        value = field.to_value(raw)
        if (isinstance(value, float) and math.isnan(value)) or value == "XNA":  # XNA: Home Credit's "not available"
            value = None
        out.append({
            "name": field.name,
            "kind": field.kind,
            "value": float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value,
            "status": _status(field, raw, value),
        })
    return out
