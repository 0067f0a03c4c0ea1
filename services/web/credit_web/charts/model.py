"""The model page: ROC and precision-recall curves, cost by threshold, calibration and the confusion matrix.

`report` is the training evaluation report (credit_pipeline.train.pipeline.evaluation_report) served by the
scoring service at GET /v1/model/report.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from credit_web.charts._base import CLIENT, DEFAULTED, NEUTRAL, REPAID, ChartSpec, data, finish, unvalidated
from credit_web.charts._format import number, percent, rounded
from credit_web.charts._labels import label


def _nearest(points: list[dict[str, Any]], threshold: float) -> dict[str, Any] | None:
    """The curve point whose threshold is closest to the chosen one."""
    return min(points, key=lambda p: abs(float(p["threshold"]) - threshold)) if points else None


def _threshold_marker(point: dict[str, Any], x: str, y: str, text: str) -> list[alt.Chart]:
    marker = alt.Chart(data([{x: point[x], y: point[y], "text": text}]))
    return [marker.mark_point(shape="diamond", size=160, filled=True, color=CLIENT).encode(
                x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q")),
            marker.mark_text(align="left", dx=9, dy=-8, fontWeight="bold", color=CLIENT).encode(
                x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q"), text=alt.Text("text:N"))]


def _unit_axis(field: str, title: str, channel: type = alt.X) -> Any:
    return channel(field, title=title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%"))


@unvalidated
def roc_curve(report: dict[str, Any], lang: str) -> ChartSpec:
    t = float(report["threshold"])
    points = [{"fpr": rounded(p["fpr"]), "tpr": rounded(p["tpr"]), "threshold": p["threshold"]}
              for p in report.get("roc_curve") or []]
    auc = number(float(report.get("auc", 0.0)), 3, lang)
    x = _unit_axis("fpr:Q", label("Good clients refused (false positive rate)", lang))
    y = _unit_axis("tpr:Q", label("Defaults caught (true positive rate)", lang), alt.Y)
    curve = alt.Chart(data(points)).mark_line(color=REPAID, strokeWidth=2.5).encode(
        x=x, y=y, order=alt.Order("fpr:Q"),
        tooltip=[alt.Tooltip("threshold:Q", format=".1%", title=label("Decision threshold", lang))])
    chance = alt.Chart(data([{"fpr": 0, "tpr": 0}, {"fpr": 1, "tpr": 1}])).mark_line(
        color=NEUTRAL, strokeDash=[4, 4]).encode(x=alt.X("fpr:Q"), y=alt.Y("tpr:Q"))
    layers: list[Any] = [chance, curve]
    at = _nearest(points, t)
    if at is not None:
        layers.extend(_threshold_marker(at, "fpr", "tpr", label("threshold %(t)s", lang, t=percent(t, lang))))
    alt_text = label("ROC curve, AUC %(auc)s. At the %(t)s threshold the model catches %(tpr)s of defaults and "
                     "refuses %(fpr)s of good clients.", lang, auc=auc, t=percent(t, lang),
                     tpr=percent(at["tpr"] if at else 0, lang, 0),
                     fpr=percent(at["fpr"] if at else 0, lang, 0))
    return finish(layers, alt_text, lang, height=300, title=label("AUC %(auc)s", lang, auc=auc))


@unvalidated
def pr_curve(report: dict[str, Any], lang: str) -> ChartSpec:
    t = float(report["threshold"])
    points = [{"recall": rounded(p["recall"]), "precision": rounded(p["precision"]), "threshold": p["threshold"]}
              for p in report.get("pr_curve") or []]
    auc = number(float(report.get("pr_auc", 0.0)), 3, lang)
    prevalence = float(report.get("prevalence", 0.0))
    x = _unit_axis("recall:Q", label("Recall (defaults caught)", lang))
    y = _unit_axis("precision:Q", label("Precision (refusals that were defaults)", lang), alt.Y)
    curve = alt.Chart(data(points)).mark_line(color=DEFAULTED, strokeWidth=2.5).encode(
        x=x, y=y, order=alt.Order("recall:Q"),
        tooltip=[alt.Tooltip("threshold:Q", format=".1%", title=label("Decision threshold", lang))])
    chance_text = label("Chance %(rate)s", lang, rate=percent(prevalence, lang))
    chance_data = alt.Chart(data([{"y": prevalence, "text": chance_text}]))
    layers: list[Any] = [
        chance_data.mark_rule(color=NEUTRAL, strokeDash=[4, 4]).encode(y=alt.Y("y:Q")),
        chance_data.mark_text(align="right", x=alt.ExprRef("width"), dy=-7, color=NEUTRAL).encode(
            y=alt.Y("y:Q"), text=alt.Text("text:N")),
        curve,
    ]
    at = _nearest(points, t)
    if at is not None:
        layers.extend(_threshold_marker(at, "recall", "precision", label("threshold %(t)s", lang, t=percent(t, lang))))
    alt_text = label("Precision-recall curve, PR-AUC %(auc)s (chance: %(prev)s). At the %(t)s threshold: recall "
                     "%(r)s, precision %(p)s.", lang, auc=auc, prev=percent(prevalence, lang), t=percent(t, lang),
                     r=percent(at["recall"] if at else 0, lang, 0), p=percent(at["precision"] if at else 0, lang, 0))
    return finish(layers, alt_text, lang, height=300, title=label("PR-AUC %(auc)s", lang, auc=auc))


@unvalidated
def cost_curve(report: dict[str, Any], lang: str) -> ChartSpec:
    t = float(report["threshold"])
    limit = max(0.5, 3 * t)  # past a few times the threshold the curve only climbs: keep the readable part
    points = [{"threshold": p["threshold"], "cost": rounded(p["cost_per_client"]),
               "refusal": rounded(p["refusal_rate"])}
              for p in report.get("cost_curve") or [] if float(p["threshold"]) <= limit]
    x = alt.X("threshold:Q", title=label("Decision threshold", lang), axis=alt.Axis(format=".0%"),
              scale=alt.Scale(domain=[0, limit]))
    curve = alt.Chart(data(points)).mark_line(color=REPAID, strokeWidth=2.5).encode(
        x=x, y=alt.Y("cost:Q", title=label("Average cost per client", lang)),
        tooltip=[alt.Tooltip("threshold:Q", format=".1%", title=label("Decision threshold", lang)),
                 alt.Tooltip("cost:Q", format=".3f", title=label("Average cost per client", lang)),
                 alt.Tooltip("refusal:Q", format=".1%", title=label("refused", lang))])
    chosen = alt.Chart(data([{"t": t, "text": label("threshold %(t)s", lang, t=percent(t, lang))}]))
    layers = [curve, chosen.mark_rule(color=CLIENT, strokeDash=[5, 3], strokeWidth=2).encode(x=alt.X("t:Q")),
              chosen.mark_text(align="left", dx=5, y=8, fontWeight="bold", color=CLIENT).encode(
                  x=alt.X("t:Q"), text=alt.Text("text:N"))]
    per_client = report.get("business_cost_per_client")
    costs = report.get("costs") or {}
    ratio = float(costs.get("false_negative", 10)) / max(float(costs.get("false_positive", 1)), 1e-9)
    alt_text = label("The cost per client is lowest around the chosen %(t)s threshold (%(c)s per client, a missed "
                     "default costing %(fn)s times a refused good client).", lang, t=percent(t, lang),
                     c=number(float(per_client or 0), 3, lang),
                     fn=number(ratio, 0, lang))
    return finish(layers, alt_text, lang, height=260)


@unvalidated
def calibration(report: dict[str, Any], lang: str) -> ChartSpec:
    # Reports since issue 18 hold {"method", "brier", "ece", "reliability": [...]}; older bundles hold the list.
    stored = report.get("calibration")
    table_rows = stored.get("reliability", []) if isinstance(stored, dict) else (stored or [])
    rows: list[dict[str, Any]] = [
        {"bin": int(r["bin"]), "predicted": rounded(r["mean_predicted"]), "observed": rounded(r["observed_rate"]),
         "n": int(r["n"])} for r in table_rows]
    top = max([r["predicted"] or 0 for r in rows] + [r["observed"] or 0 for r in rows] + [0.05]) * 1.1
    top = min(1.0, top)
    scale = alt.Scale(domain=[0, top], nice=False)
    x = alt.X("predicted:Q", title=label("Predicted probability (group mean)", lang), scale=scale,
              axis=alt.Axis(format=".0%"))
    y = alt.Y("observed:Q", title=label("Observed default rate", lang), scale=scale, axis=alt.Axis(format=".0%"))
    diagonal = alt.Chart(data([{"predicted": 0, "observed": 0}, {"predicted": top, "observed": top}])).mark_line(
        color=NEUTRAL, strokeDash=[4, 4]).encode(x=alt.X("predicted:Q"), y=alt.Y("observed:Q"))
    base = alt.Chart(data(rows)).encode(
        x=x, y=y, tooltip=[alt.Tooltip("bin:O", title=label("Decile", lang)),
                           alt.Tooltip("predicted:Q", format=".1%", title=label("Predicted", lang)),
                           alt.Tooltip("observed:Q", format=".1%", title=label("Observed", lang))])
    chart = [diagonal, base.mark_line(color=REPAID, strokeWidth=2),
             base.mark_point(color=REPAID, filled=True, size=60, shape="square")]
    ece = report.get("calibration_error")
    alt_text = label("Calibration by risk decile: mean gap %(ece)s between predicted probability and observed rate "
                     "(the diagonal is perfect calibration).", lang, ece=percent(float(ece),
                     lang) if ece is not None else "—")
    table = [{label("Decile", lang): str(r["bin"]), label("Predicted", lang): percent(r["predicted"], lang),
              label("Observed", lang): percent(r["observed"], lang),
              label("Clients", lang): number(r["n"], 0, lang)}
             for r in rows]
    return finish(chart, alt_text, lang, table, height=300)


@unvalidated
def confusion_matrix(report: dict[str, Any], lang: str) -> ChartSpec:
    t = float(report["threshold"])
    c = {k: int(v) for k, v in (report.get("confusion") or {}).items()}
    n = sum(c.values()) or 1
    repaid, defaulted = label("repaid", lang), label("defaulted", lang)
    granted, refused = label("granted", lang), label("refused", lang)
    cells = [(repaid, granted, "tn", True), (repaid, refused, "fp", False),
             (defaulted, granted, "fn", False), (defaulted, refused, "tp", True)]
    rows: list[dict[str, Any]] = [{"actual": a, "decided": d, "n": c.get(k, 0), "share": c.get(k, 0) / n, "ok": ok,
             "text": f"{number(c.get(k, 0), 0, lang)} ({percent(c.get(k, 0) / n, lang)})",
             "mark": "✓" if ok else "✗", "colour": REPAID if ok else DEFAULTED} for a, d, k, ok in cells]
    x = alt.X("decided:N", title=label("Model decision", lang), sort=[granted, refused],
              axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("actual:N", title=label("Actual outcome", lang), sort=[repaid, defaulted])
    # Correct decisions blue, errors vermillion, plus ✓ / ✗: the colour is never the only cue.
    tiles = alt.Chart().mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        x=x, y=y, color=alt.Color("colour:N", scale=None))
    counts = alt.Chart().mark_text(fontSize=19, fontWeight="bold", color="#ffffff", dy=-10).encode(
        x=x, y=y, text=alt.Text("text:N"))
    marks = alt.Chart().mark_text(fontSize=18, color="#ffffff", dy=14).encode(x=x, y=y, text=alt.Text("mark:N"))
    chart = [tiles, counts, marks]
    alt_text = label("Of %(n)s clients evaluated at the %(t)s threshold: %(tp)s defaults refused, %(fn)s defaults "
                     "granted (missed), %(fp)s good clients refused, %(tn)s good clients granted.", lang, n=number(n, 0,
                     lang), t=percent(t, lang),
                     **{k: number(c.get(k, 0), 0, lang) for k in ("tp", "fn", "fp", "tn")})
    table = [{label("Actual outcome", lang): r["actual"], label("Model decision", lang): r["decided"],
              label("Clients", lang): r["text"]} for r in rows]
    return finish(chart, alt_text, lang, table, height=200, values=rows)
