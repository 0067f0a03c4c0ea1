"""The one validation model of a credit application, shared by the scoring and explain APIs.

Fields derive from `credit_core.homecredit` (no second list). Every value is checked before any feature is
computed: numbers are JSON numbers (no strings, booleans, NaN or ±Infinity) within loose plausible bounds per
column family, categories are short strings, keys are JSON integers a bigint holds, the applicant's id is a
`ClientId`, and the history is capped per table and per application (a huge history costs seconds of CPU).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, create_model, model_validator

from credit_core import homecredit
from credit_core.ids import MAX_CLIENT_ID, ClientId

MAX_CATEGORY_LENGTH = 100
MAX_HISTORY_ROWS = 2_000  # per table
MAX_HISTORY_ROWS_PER_APPLICATION = 5_000  # all tables together
_BIG = 1e12

_SIGNED = {"AMT_BALANCE", "AMT_RECIVABLE", "AMT_RECEIVABLE_PRINCIPAL", "AMT_TOTAL_RECEIVABLE",
           "AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_CURRENT", "AMT_DRAWINGS_OTHER_CURRENT",
           "AMT_DRAWINGS_POS_CURRENT", "AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM_LIMIT", "AMT_DOWN_PAYMENT",
           "AMT_PAYMENT", "AMT_INSTALMENT"}


class Schema(BaseModel):
    """The base of request models: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


def numeric_range(name: str) -> tuple[float, float]:
    """Plausible bounds by column family (loose: they reject nonsense, not unusual clients)."""
    if name.startswith("DAYS_"):
        return -100_000.0, 365_243.0  # 365243 is Home Credit's "no date" sentinel
    if name.startswith(("EXT_SOURCE_", "FLAG_")) or name.endswith(("_AVG", "_MODE", "_MEDI")):
        return 0.0, 1.0
    if name.startswith(("AMT_", "CNT_")):
        return (-_BIG, _BIG) if name in _SIGNED else (0.0, _BIG)
    return -_BIG, _BIG


_Key = Annotated[int, Strict(), Field(ge=0, le=MAX_CLIENT_ID)]


def _field(column: homecredit.Column) -> tuple[Any, Any]:
    if column.name == "SK_ID_CURR":
        return ClientId | None, Field(default=None)
    if column.kind is homecredit.Kind.KEY:
        return _Key | None, Field(default=None)
    if column.kind is homecredit.Kind.CAT:
        return Annotated[str, Strict()] | None, Field(default=None, max_length=MAX_CATEGORY_LENGTH)
    low, high = numeric_range(column.name)
    return Annotated[float, Strict()] | None, Field(default=None, ge=low, le=high, allow_inf_nan=False)


def _row_model(table: homecredit.Table, name: str, *, kinds: tuple[homecredit.Kind, ...] = (
        homecredit.KEY, homecredit.NUM, homecredit.CAT), doc: str | None = None) -> type[Schema]:
    fields: dict[str, Any] = {c.name: _field(c) for c in table.columns if c.kind in kinds}
    model: type[Schema] = create_model(name, __base__=Schema,
                                       __doc__=doc or f"One `{table.name}` row (Home Credit columns).", **fields)
    return model


_HISTORY_TABLES = tuple(t for t in homecredit.TABLES if t is not homecredit.APPLICATION)
HISTORY_ROW_MODELS: dict[str, type[Schema]] = {
    t.name: _row_model(t, "".join(part.title() for part in t.name.split("_")) + "Row") for t in _HISTORY_TABLES
}
_history_fields: dict[str, Any] = {
    name: (list[model] | None, Field(default=None, max_length=MAX_HISTORY_ROWS))  # type: ignore[valid-type]
    for name, model in HISTORY_ROW_MODELS.items()}
_HistoryFields = create_model("HistoryFields", __base__=Schema, **_history_fields)


class History(_HistoryFields):
    """The applicant's past credits, per raw table (all optional; omitted = unknown)."""

    @model_validator(mode="after")
    def _bounded(self) -> History:
        rows = sum(len(getattr(self, name) or ()) for name in HISTORY_ROW_MODELS)
        if rows > MAX_HISTORY_ROWS_PER_APPLICATION:
            raise ValueError(f"at most {MAX_HISTORY_ROWS_PER_APPLICATION:,} history rows per application "
                             f"(got {rows:,})")
        return self

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """The tables given (an omitted table stays unknown, an empty one means no history)."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


ApplicationFields = _row_model(homecredit.APPLICATION, "ApplicationFields")
# A what-if on a stored application: any of its columns but the id, each checked as in an application.
ApplicationChanges = _row_model(homecredit.APPLICATION, "ApplicationChanges", kinds=(homecredit.NUM, homecredit.CAT),
                                doc="Changes to raw application fields (only the fields sent are changed).")

APPLICATION_EXAMPLE: dict[str, Any] = {
    "NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", "FLAG_OWN_CAR": "N", "FLAG_OWN_REALTY": "Y",
    "CNT_CHILDREN": 0, "AMT_INCOME_TOTAL": 180000.0, "AMT_CREDIT": 450000.0, "AMT_ANNUITY": 22500.0,
    "AMT_GOODS_PRICE": 405000.0, "NAME_INCOME_TYPE": "Working", "NAME_EDUCATION_TYPE": "Higher education",
    "DAYS_BIRTH": -12000, "DAYS_EMPLOYED": -2000, "EXT_SOURCE_2": 0.62, "EXT_SOURCE_3": 0.51,
}


class Application(ApplicationFields):  # type: ignore[misc, valid-type]
    """A new credit application: the raw Home Credit application columns (+ optional history)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [APPLICATION_EXAMPLE]})
    history: History | None = None

    def raw(self) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]:
        """(application columns, history tables or None): what the feature pipeline takes."""
        return self.model_dump(exclude={"history"}), None if self.history is None else self.history.tables()
