"""The model page's model-operations sections as template context: the latest drift report and the challenger's
comparison on the same traffic, from the scoring service's GET /v1/model/monitoring.

Feature names become the one catalogue's labels here and the chart is built here, so the template only lays out
and formats. A failed call gives both sections a notice and leaves the rest of the page alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit_web.i18n.features import feature_label
from credit_web.routes import _charts
from credit_web.routes._fetch import Failure


@dataclass(frozen=True)
class DriftedFeature:
    name: str
    label: str
    score: float


@dataclass(frozen=True)
class DriftView:
    report_id: int
    created_at: str
    from_folder: bool  # a Kaggle-format folder rather than the decisions the scoring service recorded
    window_start: str | None
    window_end: str | None
    n_current: int
    n_reference: int | None
    n_features: int
    drifted_share: float
    threshold: float | None
    small_sample: bool
    drifted: list[DriftedFeature]  # every drifted feature, most shifted first
    prediction: dict[str, Any] | None
    performance: dict[str, Any] | None

    @property
    def download_url(self) -> str:
        return f"/model/drift/{self.report_id}"


@dataclass(frozen=True)
class ChallengerView:
    version: str
    champion_versions: list[str]
    since: str
    n: int
    agreement_rate: float | None
    champion: dict[str, Any] | None  # approval_rate, mean_probability, histogram
    challenger: dict[str, Any] | None
    min_outcomes: int | None
    outcomes: dict[str, Any] | None  # n, defaults, and auc_*/cost_* from min_outcomes known outcomes
    chart: Any | None

    @property
    def has_performance(self) -> bool:
        return self.outcomes is not None and self.outcomes.get("auc_champion") is not None


def drift_view(drift: dict[str, Any], lang: str) -> DriftView:
    drifted = [DriftedFeature(str(row["feature"]), feature_label(str(row["feature"]), lang), float(row["score"]))
               for row in drift.get("top_features") or [] if row.get("drifted")]
    return DriftView(
        report_id=int(drift["report_id"]), created_at=str(drift["created_at"]),
        from_folder=str(drift.get("source") or "").startswith("folder:"),
        window_start=drift.get("window_start"), window_end=drift.get("window_end"),
        n_current=int(drift["n_current"]), n_reference=drift.get("n_reference"),
        n_features=int(drift.get("n_features") or 0), drifted_share=float(drift["drifted_share"]),
        threshold=drift.get("threshold"), small_sample=bool(drift.get("small_sample")), drifted=drifted,
        prediction=drift.get("prediction"), performance=drift.get("performance"))


def challenger_view(comparison: dict[str, Any], lang: str) -> ChallengerView:
    n = int(comparison.get("n") or 0)
    compared = n > 0 and comparison.get("champion") and comparison.get("challenger")
    return ChallengerView(
        version=str(comparison["challenger_version"]),
        champion_versions=[str(v) for v in comparison.get("champion_versions") or []],
        since=str(comparison["since"]), n=n, agreement_rate=comparison.get("agreement_rate"),
        champion=comparison.get("champion"), challenger=comparison.get("challenger"),
        min_outcomes=comparison.get("min_outcomes"), outcomes=comparison.get("outcomes"),
        chart=_charts.build("challenger_scores", comparison, lang) if compared else None)


def sections(monitoring: dict[str, Any] | Failure, lang: str) -> dict[str, Any]:
    """`monitoring_failure`, `drift` and `challenger` of pages/model.html (None when there is none yet)."""
    if isinstance(monitoring, Failure):
        return {"monitoring_failure": monitoring, "drift": None, "challenger": None}
    drift, comparison = monitoring.get("drift"), monitoring.get("challenger")
    return {"monitoring_failure": None,
            "drift": drift_view(drift, lang) if drift else None,
            "challenger": challenger_view(comparison, lang) if comparison else None}
