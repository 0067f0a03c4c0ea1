"""The scoring API's request and response models: its routes declare them and the web validates each answer it reads
against them (credit_web.api_clients). Applications are credit_core.application_schema's (shared with explain)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from credit_core.application_schema import Application, Schema
from credit_core.ids import ClientId

__all__ = ["Application"]  # re-exported for the routes

MAX_BATCH = 10_000


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


class MonitoringOut(Schema):
    """Model operations of the active model: its latest drift report (summary) and the challenger comparison."""

    model_version: str
    drift: dict[str, Any] | None = Field(
        description="Latest drift report of the active version: report_id, created_at, window, n_current, "
                    "drifted_share, drifted_features, top_features [{feature, kind, score, drifted}] (every "
                    "drifted feature, at least the 10 most shifted), small_sample, threshold, prediction, "
                    "performance (credit_core.monitoring.drift); null before the first report.")
    challenger: dict[str, Any] | None = Field(
        description="Champion vs challenger on the same traffic (credit_core.monitoring.challenger): n, "
                    "agreement_rate, champion/challenger {approval_rate, mean_probability, histogram (counts per "
                    "tenth of P(default))}, min_outcomes, outcomes {n, defaults, auc_*, cost_* (from min_outcomes "
                    "known outcomes)}; null without a challenger.")


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
    purpose: Literal["view", "decision", "letter", "api"] = Field(
        default="api", description="Why the score was computed: view, letter, decision (an advisor's) or api.")


class DecisionsOut(Schema):
    """A client's audited decisions, newest first."""

    client_id: int
    decisions: list[DecisionOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{"client_id": 100002, "decisions": [{
        "decision_id": 42, "client_id": 100002, "probability": 0.31, "threshold": 0.24, "decision": "refused",
        "risk_band": "high", "model_version": "20261127-1", "caller": "web", "request_id": "3f2a…",
        "feature_hash": "ab12…", "decided_at": "2026-11-27T20:00:00Z"}]}]})


# Free text typed in a textarea: any printable character, tabs and line breaks; no NUL or other control character
# (PostgreSQL text cannot even hold NUL).
PLAIN_TEXT = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$"
USERNAME = r"^[A-Za-z0-9._-]{1,64}$"
MIN_REASON, MAX_REASON = 3, 2000
MAX_DISPLAY_NAME = 100


class AdvisorDecisionIn(Schema):
    """The advisor follows the model's decision or overrides it (a reason is then mandatory)."""

    choice: Literal["follow", "override"]
    reason: str | None = Field(default=None, max_length=MAX_REASON, pattern=PLAIN_TEXT)
    username: str = Field(pattern=USERNAME, description="The dashboard user recording the decision.")
    display_name: str | None = Field(default=None, min_length=1, max_length=MAX_DISPLAY_NAME, pattern=PLAIN_TEXT,
                                     description="The advisor's name as a letter signs it (stored with the decision).")

    @model_validator(mode="after")
    def _reason_for_overrides(self) -> AdvisorDecisionIn:
        if self.choice == "override" and len((self.reason or "").strip()) < MIN_REASON:
            raise ValueError(f"an override needs a reason of at least {MIN_REASON} characters")
        return self


class AdvisorDecisionOut(Schema):
    """The advisor's decision and the audited model decision it was taken on, stored in one transaction."""

    advisor_decision_id: int
    client_id: int
    choice: Literal["follow", "override"]
    model_decision: Literal["granted", "refused"]
    final_decision: Literal["granted", "refused"]
    reason: str | None
    username: str
    display_name: str | None = None
    decided_at: datetime
    score: ScoreOut


class ModelHistoryEntry(Schema):
    """One distinct model decision: every audited score of the same model on the same features, however often it
    was shown (`count`, `purposes`)."""

    kind: Literal["model"] = "model"
    decision_id: int = Field(description="The latest audit row of this decision.")
    decision: Literal["granted", "refused"]
    probability: float
    threshold: float
    risk_band: str
    model_version: str
    purposes: list[Literal["view", "decision", "letter", "api"]]
    count: int
    first_at: datetime
    last_at: datetime


class AdvisorHistoryEntry(Schema):
    kind: Literal["advisor"] = "advisor"
    advisor_decision_id: int
    decision_id: int | None = Field(description="The audited model decision it was taken on.")
    choice: Literal["follow", "override"]
    model_decision: Literal["granted", "refused"]
    final_decision: Literal["granted", "refused"]
    reason: str | None
    username: str
    display_name: str | None
    decided_at: datetime


class HistoryOut(Schema):
    """A client's compact history: distinct model decisions and advisor decisions, newest first."""

    client_id: int
    entries: list[ModelHistoryEntry | AdvisorHistoryEntry] = Field(
        description="Newest first (by last_at / decided_at).")
    advisor_decision: AdvisorHistoryEntry | None = Field(description="The latest advisor decision, if any.")
