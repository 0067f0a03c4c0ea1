"""Request and response models. Raw-data fields derive from credit_core.homecredit (no second list)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from credit_core import homecredit

MAX_BATCH = 10_000
MAX_HISTORY_ROWS = 2_000
MAX_CATEGORY_LENGTH = 100
_BIG = 1e12
MAX_ID = 2**63 - 1
ClientId = Annotated[int, Field(ge=0, le=MAX_ID, description="SK_ID_CURR")]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _numeric_range(name: str) -> tuple[float, float]:
    """Plausible bounds by column family (loose: they reject nonsense, not unusual clients)."""
    if name.startswith("DAYS_"):
        return -100_000.0, 365_243.0  # 365243 is Home Credit's "no date" sentinel
    if name.startswith(("EXT_SOURCE_", "FLAG_")) or name.endswith(("_AVG", "_MODE", "_MEDI")):
        return 0.0, 1.0
    if name.startswith(("AMT_", "CNT_")):
        return (-_BIG, _BIG) if name in _SIGNED else (0.0, _BIG)
    return -_BIG, _BIG


_SIGNED = {"AMT_BALANCE", "AMT_RECIVABLE", "AMT_RECEIVABLE_PRINCIPAL", "AMT_TOTAL_RECEIVABLE",
           "AMT_DRAWINGS_ATM_CURRENT", "AMT_DRAWINGS_CURRENT", "AMT_DRAWINGS_OTHER_CURRENT",
           "AMT_DRAWINGS_POS_CURRENT", "AMT_CREDIT_SUM_DEBT", "AMT_CREDIT_SUM_LIMIT", "AMT_DOWN_PAYMENT",
           "AMT_PAYMENT", "AMT_INSTALMENT"}


def _field(column: homecredit.Column, *, key_required: bool) -> tuple[Any, Any]:
    if column.kind is homecredit.Kind.KEY:
        if key_required:
            return int, Field(ge=0, le=MAX_ID)
        return int | None, Field(default=None, ge=0, le=MAX_ID)
    if column.kind is homecredit.Kind.CAT:
        return str | None, Field(default=None, max_length=MAX_CATEGORY_LENGTH)
    low, high = _numeric_range(column.name)
    return float | None, Field(default=None, ge=low, le=high, allow_inf_nan=False)


def _row_model(table: homecredit.Table, name: str, *, skip: tuple[str, ...] = ()) -> type[Schema]:
    fields: dict[str, Any] = {c.name: _field(c, key_required=False) for c in table.columns
                              if c.kind is not homecredit.Kind.TARGET and c.name not in skip}
    model: type[Schema] = create_model(name, __base__=Schema,
                                       __doc__=f"One `{table.name}` row (Home Credit columns).", **fields)
    return model


_HISTORY_TABLES = tuple(t for t in homecredit.TABLES if t is not homecredit.APPLICATION)
HISTORY_ROW_MODELS: dict[str, type[Schema]] = {
    t.name: _row_model(t, "".join(part.title() for part in t.name.split("_")) + "Row") for t in _HISTORY_TABLES
}
_HISTORY_FIELDS: dict[str, Any] = {
    name: (list[model] | None, Field(default=None, max_length=MAX_HISTORY_ROWS))  # type: ignore[valid-type]
    for name, model in HISTORY_ROW_MODELS.items()
}
History = create_model(
    "History",
    __base__=Schema,
    __doc__="The applicant's past credits, per raw table (all optional; omitted = unknown).",
    **_HISTORY_FIELDS,
)

_ApplicationFields = _row_model(homecredit.APPLICATION, "ApplicationFields")

APPLICATION_EXAMPLE: dict[str, Any] = {
    "NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", "FLAG_OWN_CAR": "N", "FLAG_OWN_REALTY": "Y",
    "CNT_CHILDREN": 0, "AMT_INCOME_TOTAL": 180000.0, "AMT_CREDIT": 450000.0, "AMT_ANNUITY": 22500.0,
    "AMT_GOODS_PRICE": 405000.0, "NAME_INCOME_TYPE": "Working", "NAME_EDUCATION_TYPE": "Higher education",
    "DAYS_BIRTH": -12000, "DAYS_EMPLOYED": -2000, "EXT_SOURCE_2": 0.62, "EXT_SOURCE_3": 0.51,
}


class Application(_ApplicationFields):  # type: ignore[misc, valid-type]
    """A new credit application: the raw Home Credit application columns (+ optional history)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [APPLICATION_EXAMPLE]})
    history: History | None = None

    def raw(self) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]] | None]:
        data = self.model_dump(exclude={"history"})
        history = None
        if self.history is not None:
            history = {k: v for k, v in self.history.model_dump().items() if v is not None}
        return data, history


class ScoreOut(Schema):
    client_id: int | None = Field(description="SK_ID_CURR, or null for a new application.")
    probability_default: float = Field(ge=0, le=1)
    decision: Literal["granted", "refused"]
    threshold: float
    margin: float = Field(description="probability_default − threshold (negative = granted).")
    risk_band: str
    model_version: str
    decision_id: int = Field(description="Id of the audit row storing this decision.")
    scored_at: datetime
    application_hash: str | None = Field(default=None, description="sha256 of the application (new applications).")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "client_id": 100002, "probability_default": 0.31, "decision": "refused", "threshold": 0.24,
        "margin": 0.07, "risk_band": "high", "model_version": "20261127-1", "decision_id": 42,
        "scored_at": "2026-11-27T20:00:00Z", "application_hash": None}]})


class ItemError(Schema):
    status: int
    title: str
    detail: str | None = None


class BatchItem(Schema):
    index: int
    client_id: int | None = None
    result: ScoreOut | None = None
    error: ItemError | None = None


class BatchRequest(Schema):
    """Exactly one of `client_ids` or `applications`, at most 10,000 items."""

    client_ids: list[ClientId] | None = Field(default=None, min_length=1, max_length=MAX_BATCH)
    applications: list[Application] | None = Field(default=None, min_length=1, max_length=MAX_BATCH)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"client_ids": [100002, 100003]}]})


class BatchOut(Schema):
    """Results in input order. An unknown client is an item with `error` (404), not a failed batch."""

    model_version: str
    count: int
    failed: int
    items: list[BatchItem]


class ModelOut(Schema):
    version: str
    threshold: float
    feature_set_version: str
    metrics: dict[str, Any]
    features: list[str]
    activated_at: datetime | None = None


class KServeModel(Schema):
    name: str
    ready: bool
    version: str | None = None


class KServeRequest(Schema):
    instances: list[ClientId | Application] = Field(min_length=1, max_length=MAX_BATCH)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"instances": [100002]}]})


class KServePrediction(Schema):
    client_id: int | None = None
    probability_default: float | None = None
    decision: Literal["granted", "refused"] | None = None
    threshold: float | None = None
    risk_band: str | None = None
    decision_id: int | None = None
    error: ItemError | None = None


class KServeResponse(Schema):
    model_name: str
    model_version: str
    predictions: list[KServePrediction]


class ModelReportOut(Schema):
    """The active bundle's evaluation report (credit_pipeline.train.pipeline.evaluation_report) and model card."""

    version: str
    report: dict[str, Any] = Field(description="roc_curve, pr_curve, cost_curve, calibration, confusion, fairness, "
                                               "threshold, metrics... as written at training time (report.json).")
    card_markdown: str | None = Field(default=None, description="The model card (Markdown), null if absent.")


class DecisionOut(Schema):
    decision_id: int
    client_id: int
    probability: float
    threshold: float
    decision: Literal["granted", "refused"]
    risk_band: str
    model_version: str
    caller: str
    request_id: str | None = None
    feature_hash: str
    decided_at: datetime


class DecisionsOut(Schema):
    """A client's audited decisions, newest first."""

    client_id: int
    decisions: list[DecisionOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{"client_id": 100002, "decisions": [{
        "decision_id": 42, "client_id": 100002, "probability": 0.31, "threshold": 0.24, "decision": "refused",
        "risk_band": "high", "model_version": "20261127-1", "caller": "web", "request_id": "3f2a…",
        "feature_hash": "ab12…", "decided_at": "2026-11-27T20:00:00Z"}]}]})
