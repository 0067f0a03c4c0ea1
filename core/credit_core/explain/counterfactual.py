"""The smallest change to the loan that turns "refused" into "granted", or why none exists within bounds.

Levers: only what the client can change about this loan, among the model's actionable inputs.
- amount: a cheaper purchase, the credit and the goods price scaled down together (to CREDIT_FACTORS);
- down_payment: the client pays a share of the goods price (DOWN_PAYMENTS), borrowed no more;
- term: a longer term (TERM_FACTORS), the annuity lowered in proportion.
The annuity always stays consistent: annuity × (new credit / credit) / term factor. The credit never falls below
MIN_CREDIT_SHARE of the request. Declared income is not a lever (a fact, not a choice; the data holds no
co-borrower income); age, family, history... never change.

Candidates form a grid ordered by cost = (1 − new credit / credit) + TERM_WEIGHT × (term factor − 1), then by the
number of levers used. Every dependent feature (ratios, term, goods-to-credit...) is recomputed from the changed
raw application through the one feature pipeline (credit_core.explain.recompute); the whole grid is scored by the
model in one batch, and the decision is credit_core.decision's: the cheapest candidate it grants wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from credit_core import decision
from credit_core.explain._bundle import BundleLike, raw_output, sigmoid
from credit_core.explain.recompute import Featurizer, merged_many

CREDIT_FACTORS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5)
DOWN_PAYMENTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)  # share of the goods price paid by the client
TERM_FACTORS = (1.0, 1.25, 1.5, 1.75, 2.0)
MIN_CREDIT_SHARE = 0.5
TERM_WEIGHT = 0.25
LEVERS = ("amount", "down_payment", "term")
CHANGED_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
BOUNDS = {"credit_factor_min": MIN_CREDIT_SHARE, "down_payment_max": max(DOWN_PAYMENTS),
          "term_factor_max": max(TERM_FACTORS)}

FOUND, ALREADY_GRANTED, NONE_WITHIN_BOUNDS, NO_LOAN_TERMS = "found", "already_granted", "none_within_bounds", \
    "no_loan_terms"


@dataclass(frozen=True)
class Candidate:
    credit_factor: float = 1.0
    term_factor: float = 1.0
    down_payment: float = 0.0

    @property
    def levers(self) -> list[str]:
        used = [("amount", self.credit_factor != 1.0), ("down_payment", self.down_payment != 0.0),
                ("term", self.term_factor != 1.0)]
        return [name for name, on in used if on]

    def credit_share(self, application: Mapping[str, Any]) -> float:
        """New credit / requested credit."""
        credit, goods = _amount(application, "AMT_CREDIT"), _amount(application, "AMT_GOODS_PRICE")
        if credit is None or credit <= 0:
            return 1.0
        paid = self.down_payment * self.credit_factor * goods if goods is not None else 0.0
        return (credit * self.credit_factor - paid) / credit

    def cost(self, application: Mapping[str, Any]) -> float:
        return (1.0 - self.credit_share(application)) + TERM_WEIGHT * (self.term_factor - 1.0)

    def feasible(self, application: Mapping[str, Any]) -> bool:
        if self.down_payment and _amount(application, "AMT_GOODS_PRICE") is None:
            return False  # nothing bought (a revolving loan): no down payment
        return self.credit_share(application) >= MIN_CREDIT_SHARE - 1e-12

    def apply(self, application: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(application)
        credit, goods, annuity = (_amount(application, f) for f in ("AMT_CREDIT", "AMT_GOODS_PRICE", "AMT_ANNUITY"))
        share = self.credit_share(application)
        if credit is not None:
            out["AMT_CREDIT"] = credit * share
        if goods is not None:
            out["AMT_GOODS_PRICE"] = goods * self.credit_factor
        if annuity is not None:
            out["AMT_ANNUITY"] = annuity * share / self.term_factor
        return out

    def describe(self, application: Mapping[str, Any]) -> dict[str, Any]:
        changed = self.apply(application)
        goods = changed.get("AMT_GOODS_PRICE")
        changes = {f: {"from": application.get(f), "to": changed.get(f)} for f in CHANGED_FIELDS
                   if application.get(f) != changed.get(f)}
        credit_lever = "amount" if self.credit_factor != 1.0 else "down_payment"
        lever = {"AMT_GOODS_PRICE": "amount", "AMT_CREDIT": credit_lever,
                 "AMT_ANNUITY": "term" if self.term_factor != 1.0 else credit_lever}
        return {
            "credit_factor": self.credit_factor, "down_payment_share": self.down_payment,
            "down_payment": self.down_payment * float(goods) if goods is not None and self.down_payment else 0.0,
            "term_factor": self.term_factor, "levers_used": self.levers, "changes": changes,
            "change_list": [{"feature": f, "lever": lever[f], **c} for f, c in changes.items()],
        }


def _amount(application: Mapping[str, Any], name: str) -> float | None:
    value = application.get(name)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return float(value)


def grid() -> list[Candidate]:
    """Every candidate, the unchanged one first, then by increasing nominal cost (credit share as if the goods price
    equalled the credit) and number of levers."""
    cands = [Candidate(c, t, d) for c, t, d in itertools.product(CREDIT_FACTORS, TERM_FACTORS, DOWN_PAYMENTS)]
    nominal = {"AMT_CREDIT": 1.0, "AMT_GOODS_PRICE": 1.0}
    return sorted(cands, key=lambda c: (c.cost(nominal), len(c.levers), -c.credit_factor, c.down_payment))


def candidates_for(application: Mapping[str, Any]) -> list[Candidate]:
    """The feasible candidates for this application, unchanged first, by increasing cost, then fewer levers."""
    feasible = [c for c in grid() if c.feasible(application)]
    return sorted(feasible, key=lambda c: (round(c.cost(application), 12), len(c.levers), -c.credit_factor))


def _has_loan(application: Mapping[str, Any]) -> bool:
    credit = _amount(application, "AMT_CREDIT")
    return credit is not None and credit > 0 and _amount(application, "AMT_ANNUITY") is not None


def search(bundle: BundleLike, stored: pl.DataFrame, application: dict[str, Any], featurize: Featurizer,
           threshold: float) -> dict[str, Any]:
    """`stored` is the client's one-row feature frame; decided by credit_core.decision at `threshold`."""
    return search_many(bundle, stored.head(1), [application], featurize, threshold)[0]


def search_many(bundle: BundleLike, stored: pl.DataFrame, applications: Sequence[Mapping[str, Any]],
                featurize: Featurizer, threshold: float) -> list[dict[str, Any]]:
    """One search per stored row (and its raw application), every client's grid scored in one model call."""
    current = sigmoid(raw_output(bundle, stored))
    plans: list[list[Candidate]] = []
    for k, application in enumerate(applications):
        refused = bool(decision.is_refused(float(current[k]), threshold))
        plans.append(candidates_for(application) if refused and _has_loan(application) else [])
    owners = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(plans)] or
                            [np.zeros(0, dtype=np.int64)])
    changed = [c.apply(applications[k]) for k, plan in enumerate(plans) for c in plan]
    proba = (sigmoid(raw_output(bundle, merged_many(stored, owners, changed, featurize))) if changed
             else np.zeros(0))
    results, start = [], 0
    for k, plan in enumerate(plans):
        p = proba[start:start + len(plan)]
        start += len(plan)
        results.append(_result(float(current[k]), threshold, applications[k], plan, p))
    return results


def _result(current: float, threshold: float, application: Mapping[str, Any], plan: list[Candidate],
            proba: np.ndarray) -> dict[str, Any]:
    result: dict[str, Any] = {
        "threshold": threshold,
        "current": {"probability": current, "decision": decision.decide(current, threshold)},
        "candidates_scored": len(plan), "levers": list(LEVERS), "bounds": dict(BOUNDS), "reason_code": None,
    }
    if not decision.is_refused(current, threshold):
        return {**result, "status": ALREADY_GRANTED}
    if not plan:
        return {**result, "status": NO_LOAN_TERMS, "reason_code": NO_LOAN_TERMS}
    ok = np.flatnonzero(~decision.is_refused(proba, threshold))
    if len(ok) == 0:
        best = int(np.argmin(proba))
        closest = {"probability": float(proba[best]), **plan[best].describe(application)}
        return {**result, "status": NONE_WITHIN_BOUNDS, "reason_code": "no_change_within_bounds", "closest": closest}
    first = int(ok[0])  # candidates are sorted by cost: the first success is the cheapest
    return {**result, "status": FOUND, "probability": float(proba[first]), "decision": decision.GRANTED,
            **plan[first].describe(application)}


def loan_application(row: Mapping[str, Any], raw_columns: Sequence[str]) -> dict[str, Any]:
    """A raw application rebuilt from a feature row: the raw columns the features carry as they are (the loan
    amounts and income among them). Enough for the search when no raw row is at hand (training): features that
    need other raw columns do not move with the loan, and are kept from the stored row."""
    return {name: row[name] for name in raw_columns if name in row}


def feasible_share(bundle: BundleLike, frame: pl.DataFrame, probability: np.ndarray, threshold: float,
                   featurize: Featurizer, raw_columns: Sequence[str], *, sample: int,
                   seed: int) -> dict[str, Any]:
    """Share of refused clients (a random sample of at most `sample` of them) with a counterfactual in bounds."""
    refused = np.flatnonzero(decision.is_refused(np.asarray(probability, dtype=np.float64), threshold))
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(refused, size=min(sample, len(refused)), replace=False)) if len(refused) else refused
    if not len(chosen):
        return {"refused_checked": 0, "feasible": 0, "feasible_share": None, "levers": list(LEVERS),
                "bounds": dict(BOUNDS)}
    rows = frame[chosen]
    applications = [loan_application(r, raw_columns) for r in rows.iter_rows(named=True)]
    results = search_many(bundle, rows, applications, featurize, threshold)
    checked = sum(1 for r in results if r["status"] != ALREADY_GRANTED)
    feasible = sum(1 for r in results if r["status"] == FOUND)
    return {"refused_checked": checked, "feasible": feasible,
            "feasible_share": feasible / checked if checked else None, "levers": list(LEVERS), "bounds": dict(BOUNDS)}
