"""A client's own file, as their view (`/c/…`) shows it and its downloads carry: their personal data with labels,
the decision and who made it, the reasons and what would change it.

Everything comes from the scoring and explain APIs, in the reader's language, worded by the same code as the
dashboard and the letter (labels and values: `i18n.features`; reasons: `credit_web.reasons`; who decided:
`credit_web.outcome`). Nothing about any other client is fetched: the only figures about others are the
aggregates the reasons quote (a group's default rate over at least 30 clients, suppressed below; the share of
clients with a lower or higher value).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credit_web import reasons as reasons_text
from credit_web.api_clients import ExplainClient, ScoringClient
from credit_web.i18n import features as i18n_features
from credit_web.outcome import Outcome, outcome
from credit_web.routes._fetch import Failure, failed, gather

REASONS = 4  # as many as the letter gives


class FileUnavailable(Exception):
    """The score, the decision history or the profile could not be read: the file is not shown (never half)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.service)
        self.failure = failure


@dataclass(frozen=True)
class Item:
    """One piece of the client's data: its name, label and value as the reader's language says it."""

    name: str
    label: str
    value: float | str | None  # as stored (years, euros, category code)
    display: str


@dataclass(frozen=True)
class ClientFile:
    client_id: int
    lang: str
    score: dict[str, Any]
    told: Outcome
    profile: list[Item]
    derived: list[Item]  # the model's variables the reasons mention, beyond the profile
    reasons: list[str]
    reason_data: list[dict[str, Any]]
    explain_failure: Failure | None
    counterfactual: dict[str, Any] | None  # None: could not be checked
    changes: list[dict[str, Any]]


async def fetch(scoring: ScoringClient, explain: ExplainClient, client_id: int, lang: str) -> ClientFile:
    """The client's file; the score shown is audited with purpose `view`."""
    scored, history, profile, explanation, counterfactual = await gather(
        scoring.score(client_id, "view"),
        scoring.history(client_id, limit=20),
        explain.profile(client_id),
        explain.explanation(client_id, top=REASONS),
        explain.counterfactual(client_id),
    )
    for needed in (scored, history, profile):
        if failed(needed):
            raise FileUnavailable(needed)
    items = profile_items(profile, lang)
    shown = {item.name for item in items}
    reasons = [] if failed(explanation) else list(explanation.get("reasons") or [])
    return ClientFile(
        client_id=client_id, lang=lang, score=scored, told=outcome(scored, history), profile=items,
        derived=[_reason_item(r, lang) for r in reasons if r.get("feature") and r["feature"] not in shown],
        reasons=[] if failed(explanation) else reasons_text.sentences(explanation, lang),
        reason_data=[_reason_data(r, lang) for r in reasons],
        explain_failure=explanation if failed(explanation) else None,
        counterfactual=None if failed(counterfactual) else counterfactual,
        changes=[] if failed(counterfactual) else [
            {"name": name, "label": i18n_features.feature_label(name, lang), **change}
            for name, change in (counterfactual.get("changes") or {}).items()],
    )


def profile_items(profile: dict[str, Any], lang: str) -> list[Item]:
    """The profile card's fields (explain's /profile) with the dashboard's labels and Babel-formatted values."""
    items = []
    for field in profile.get("fields") or []:
        name = str(field["name"])
        items.append(Item(name, i18n_features.feature_label(name, lang), field.get("value"),
                          i18n_features.profile_value(field, lang)))
    return items


def _reason_value(reason: dict[str, Any]) -> float | str | None:
    value = reason.get("value_code") if reason.get("kind") == "categorical" else reason.get("value")
    return value if isinstance(value, int | float | str) else None


def _reason_item(reason: dict[str, Any], lang: str) -> Item:
    name = str(reason["feature"])
    return Item(name, i18n_features.feature_label(name, lang), _reason_value(reason),
                i18n_features.display_value(name, reason.get("value"), lang))


def _reason_data(reason: dict[str, Any], lang: str) -> dict[str, Any]:
    name = str(reason.get("feature") or "")
    return {"variable": name, "label": i18n_features.feature_label(name, lang),
            "direction": reason.get("direction"), "probability_points": reason.get("contribution_pp"),
            "text": reasons_text.sentence(reason, lang)}


# ---- downloads --------------------------------------------------------------------------------------------


def _decision(file: ClientFile) -> dict[str, Any]:
    told = file.told
    return {"decision": told.decision, "decided_by": "advisor" if told.advisor else "assessment_tool",
            "reviewed_at": told.reviewed_at.isoformat() if told.reviewed_at else None,
            "reviewed_by": told.signer, "assessment_tool_decision": told.model_decision,
            "probability_of_default": file.score["probability_default"], "threshold": file.score["threshold"],
            "model_version": file.score["model_version"], "assessment_id": file.score.get("decision_id")}


def as_json(file: ClientFile, generated_at: datetime) -> dict[str, Any]:
    """The client's data as one JSON document (stable English keys; labels and texts in the reader's language)."""
    cf = file.counterfactual
    return {
        "client_id": file.client_id,
        "language": file.lang,
        "generated_at": generated_at.isoformat(),
        "personal_data": [_item(i) for i in file.profile],
        "model_variables": [_item(i) for i in file.derived],
        "decision": _decision(file),
        "reasons": file.reason_data,
        "what_would_change_it": None if cf is None else {
            "status": cf.get("status"), "probability_of_default": cf.get("probability"),
            "changes": [{"variable": c["name"], "label": c["label"], "from": c.get("from"), "to": c.get("to")}
                        for c in file.changes]},
    }


def _item(item: Item) -> dict[str, Any]:
    return {"name": item.name, "label": item.label, "value": item.value, "display": item.display}


CSV_HEADER = ("section", "name", "label", "value", "display")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe; numbers stay."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def as_csv(file: ClientFile, generated_at: datetime) -> str:
    """The same data as rows (section, name, label, value, display), with a header row."""
    data = as_json(file, generated_at)
    rows: list[tuple[Any, ...]] = [("client", "client_id", "", file.client_id, file.client_id),
                                   ("client", "generated_at", "", data["generated_at"], "")]
    rows += [("personal_data", i.name, i.label, i.value, i.display) for i in file.profile]
    rows += [("model_variable", i.name, i.label, i.value, i.display) for i in file.derived]
    rows += [("decision", key, "", value, "") for key, value in data["decision"].items()]
    rows += [("reason", r["variable"], r["label"], r["probability_points"], r["text"]) for r in file.reason_data]
    changed = data["what_would_change_it"]
    if changed is not None:
        rows.append(("what_would_change_it", "status", "", changed["status"], ""))
        rows += [("what_would_change_it", c["variable"], c["label"], c["to"], f"{c['from']} → {c['to']}")
                 for c in changed["changes"]]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(tuple(_cell(v) for v in row) for row in rows)
    return out.getvalue()
