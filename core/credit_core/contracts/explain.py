"""Response shapes of the explain API: its routes declare them for the OpenAPI document (they build plain JSON, as
the core returns it, and do not pay for validation), and the web validates each answer it reads against them
(credit_web.api_clients). `extra="allow"`: bodies may carry more fields than documented here.

Bodies are data, in no language: labels, category words and formatted values are the reader's job (the
dashboard writes them through its gettext catalogues and Babel)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ReasonOut(Open):
    """One factor behind the decision, as data: the dashboard writes the sentence."""

    feature: str
    direction: Literal["raises_risk", "lowers_risk"]
    shap: float = Field(description="Contribution in log-odds.")
    contribution_pp: float | None = Field(description=(
        "Its step on the waterfall (features by decreasing |shap|), in probability points; the steps add up to the "
        "probability minus the average client's."))
    value: float | str | None
    value_code: str | None = Field(description="The category's code (categorical features).")
    kind: Literal["numeric", "categorical", "missing"]
    percentile: float | None = Field(description="Share (0-100) of the population below the value (numeric).")
    comparison: Literal["higher", "lower"] | None
    share_pct: int | None = Field(description="Higher (lower) than this share of clients, in whole percents.")
    default_rate: float | None = Field(description="The client's category cell; null when suppressed.")
    n: int | None
    suppressed: bool


class Prediction(Open):
    log_odds: float
    probability: float = Field(ge=0, le=1)


class Contribution(Open):
    """One step of the waterfall."""

    feature: str
    value: float | str | None
    shap: float
    contribution_pp: float | None


class Rest(Open):
    """The features beyond `top`, summed."""

    count: int
    shap: float
    contribution_pp: float


class ExplanationOut(Open):
    base_value: float = Field(description="The average client's log-odds (the waterfall's start).")
    prediction: Prediction
    contributions: list[Contribution] = Field(description="The `top` features by decreasing |shap|.")
    rest: Rest
    reasons_for: Literal["granted", "refused"] = Field(description="The decision the reasons explain.")
    reasons: list[ReasonOut] = Field(description="Up to 4, by decreasing |shap|, all in the decision's direction.")


class WhatIfDecision(Open):
    probability: float = Field(ge=0, le=1)
    threshold: float
    decision: Literal["granted", "refused"]


class WhatIfOut(ExplanationOut):
    """POST /v1/explain: the live explanation of the changed application, with its decision."""

    decision: WhatIfDecision


class Change(Open):
    from_: float | None = Field(alias="from")
    to: float | None


class ChangeItem(Change):
    feature: Literal["AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"]
    lever: Literal["amount", "down_payment", "term"]


class LoanChange(Open):
    probability: float
    credit_factor: float
    down_payment_share: float
    down_payment: float
    term_factor: float
    levers_used: list[Literal["amount", "down_payment", "term"]]
    changes: dict[str, Change]
    change_list: list[ChangeItem]


class Current(Open):
    probability: float
    decision: Literal["granted", "refused"]


class CounterfactualOut(Open):
    """The cheapest loan change that grants (status found, with the LoanChange fields at the top level), or why
    none exists (`reason_code`; `closest` is the best change within bounds)."""

    client_id: int
    model_version: str
    threshold: float
    current: Current
    status: Literal["found", "already_granted", "none_within_bounds", "no_loan_terms"]
    reason_code: Literal["no_change_within_bounds", "no_loan_terms"] | None
    candidates_scored: int
    levers: list[str]
    bounds: dict[str, float]
    probability: float | None = None
    credit_factor: float | None = None
    down_payment_share: float | None = None
    term_factor: float | None = None
    changes: dict[str, Change] | None = None
    change_list: list[ChangeItem] | None = None
    closest: LoanChange | None = None


class CellOut(Open):
    """A population cell (credit_core.explain.rates): no rate and no count of defaults under `min_cell` clients."""

    n: int
    defaulted: int | None
    default_rate: float | None
    suppressed: bool


class RatesPopulation(Open):
    name: str
    n: int
    min_cell: int


class DistributionOut(Open):
    feature: str
    kind: Literal["numeric", "categorical"]
    min_cell: int
    rates_population: RatesPopulation
    categories: list[CellOut] | None = Field(default=None, description="Categorical: one cell per value.")
    cells: list[CellOut] | None = Field(default=None, description="Numeric: one cell per histogram bin.")
    missing_cell: CellOut


class JointOut(Open):
    type: Literal["scatter", "grouped", "crosstab"]
    min_cell: int
    rates_population: RatesPopulation
    groups: list[CellOut] | None = Field(default=None, description="grouped: the category's cell + quartiles.")
    cells: list[CellOut] | None = Field(default=None, description="crosstab: one cell per pair of values.")


class ClientFound(Open):
    client_id: int
    has_outcome: bool


class ClientSearchOut(Open):
    """Clients whose id starts with the prefix, ascending."""

    clients: list[ClientFound]


class ProfileField(Open):
    """One application field of the profile card, as data (labels and formatting are the reader's job)."""

    name: str
    kind: str = Field(description="category | amount | count | years")
    value: float | str | None
    status: str


class ProfileOut(Open):
    client_id: int
    fields: list[ProfileField]


class Neighbour(Open):
    client_id: int
    distance: float
    defaulted: bool
    features: dict[str, float | None]


class SimilarOut(Open):
    """The k nearest labelled clients; their default rate only from `min_cell` neighbours up."""

    client_id: int
    model_version: str
    k: int
    default_rate: float | None
    rate_suppressed: bool
    population_default_rate: float | None
    client: dict[str, float | None] = Field(description="The client's values of the side-by-side features.")
    neighbours: list[Neighbour]


class FeatureImportance(Open):
    feature: str
    mean_abs_shap: float


class ImportanceOut(Open):
    """Mean |SHAP| over the reference sample, and the beeswarm points of the first features."""

    meta: dict[str, Any]
    importance: list[FeatureImportance]
    beeswarm: list[dict[str, Any]]


class FeatureOut(Open):
    """One catalogue entry. Label and description are English, the catalogue's source language."""

    name: str
    group: str
    kind: str
    label: str
    description: str | None
    unit: str
    actionable: bool
    higher_is: str | None


class FeaturesOut(Open):
    feature_set_version: str
    features: list[FeatureOut]
