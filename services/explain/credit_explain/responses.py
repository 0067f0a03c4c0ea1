"""Response shapes of the explain API, for the OpenAPI document only (routes build plain JSON, as the core returns
it, and do not pay for validation). `extra="allow"`: bodies may carry more fields than documented here.

Bodies are data, in no language: labels, category words and formatted values are the reader's job (the
dashboard writes them through its gettext catalogues and Babel)."""

from __future__ import annotations

from typing import Literal

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


class ExplanationOut(Open):
    reasons_for: Literal["granted", "refused"] = Field(description="The decision the reasons explain.")
    reasons: list[ReasonOut] = Field(description="Up to 4, by decreasing |shap|, all in the decision's direction.")


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
