"""The model's global view: mean |SHAP| per feature, and the beeswarm of SHAP values coloured by value rank."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import altair as alt

from credit_web.charts._base import (
    CLIENT,
    DIVERGING,
    NEUTRAL,
    REPAID,
    ChartSpec,
    data,
    feature_label,
    finish,
    rows_height,
    unvalidated,
)
from credit_web.charts._format import number, rounded
from credit_web.charts._labels import label
from credit_web.i18n import N_

SWARM_BINS = 60  # horizontal resolution of the swarm layout


@unvalidated
def importance(importance_payload: dict[str, Any], lang: str, top: int = 15) -> ChartSpec:
    """`importance_payload`: GET /v1/importance."""
    items = list(importance_payload.get("importance") or [])[:top]
    rows: list[dict[str, Any]] = [
        {"name": feature_label(i["feature"], lang), "value": rounded(i["mean_abs_shap"]),
         "text": number(float(i["mean_abs_shap"]), 3, lang)} for i in items]
    order = [r["name"] for r in rows]
    base = alt.Chart().encode(y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)))
    bars = base.mark_bar(color=REPAID, height={"band": 0.7}).encode(
        x=alt.X("value:Q", title=label("Average weight on the risk", lang)),
        tooltip=[alt.Tooltip("name:N", title=label("Feature", lang)),
                 alt.Tooltip("text:N", title=label("Mean influence", lang))])
    texts = base.mark_text(align="left", dx=4, fontSize=11, color=CLIENT).encode(
        x=alt.X("value:Q"), text=alt.Text("text:N"))
    chart = [bars, texts]
    names = ", ".join(order[:5])
    table = [{label("Feature", lang): r["name"], label("Mean influence", lang): r["text"]} for r in rows]
    return finish(chart, label("The model's most influential features are, in order: %(names)s.", lang, names=names),
                               lang, table, height=rows_height(len(rows), 22),
                  values=rows)


def _swarm_offsets(shaps: list[float]) -> list[float]:
    """Vertical offsets in [-1, 1]: points sharing a horizontal bin are spread alternately up and down."""
    if not shaps:
        return []
    lo, hi = min(shaps), max(shaps)
    width = (hi - lo) / SWARM_BINS or 1.0
    seen: dict[int, int] = defaultdict(int)
    slots = []
    for s in shaps:
        b = int((s - lo) / width)
        k = seen[b]
        seen[b] += 1
        slots.append((k + 1) // 2 * (1 if k % 2 else -1))
    widest = max(max(abs(s) for s in slots), 1)
    return [s / widest for s in slots]


def _direction(points: list[dict[str, Any]]) -> str:
    """How the effect follows the value: the sign of the rank correlation between value quantile and SHAP."""
    pairs = [(p["value_quantile"], p["shap"]) for p in points if p.get("value_quantile") is not None]
    if len(pairs) < 3:
        return "the effect does not simply follow the value"
    mq = sum(q for q, _ in pairs) / len(pairs)
    ms = sum(s for _, s in pairs) / len(pairs)
    cov = sum((q - mq) * (s - ms) for q, s in pairs)
    sq = sum((q - mq) ** 2 for q, _ in pairs) ** 0.5
    ss = sum((s - ms) ** 2 for _, s in pairs) ** 0.5
    r = cov / (sq * ss) if sq and ss else 0.0
    if r > 0.3:
        return N_("high values increase the risk")
    if r < -0.3:
        return N_("low values increase the risk")
    return N_("the effect does not simply follow the value")


@unvalidated
def beeswarm(importance_payload: dict[str, Any], lang: str, top: int = 15, points: int = 100) -> ChartSpec:
    """`importance_payload`: GET /v1/importance (its `beeswarm` list); at most `points` dots per feature."""
    features = list(importance_payload.get("beeswarm") or [])[:top]
    rows: list[dict[str, Any]] = []
    order = []
    for f in features:
        name = feature_label(f["feature"], lang)
        order.append(name)
        sample = list(f.get("points") or [])
        step = max(1, -(-len(sample) // points))  # evenly thinned, deterministic
        sample = sample[::step]
        for p, offset in zip(sample, _swarm_offsets([float(p["shap"]) for p in sample]), strict=True):
            rows.append({"i": len(order) - 1, "shap": rounded(p["shap"], 3),
                         "q": rounded(p.get("value_quantile"), 2), "o": round(offset, 2)})
    y = alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=360, grid=True))
    x = alt.X("shap:Q", title=label("Effect on the risk — to the right: riskier", lang))
    offset = alt.YOffset("o:Q", scale=alt.Scale(domain=[-1.4, 1.4]))
    # Rows carry the feature's index, not its label (a few thousand dots): the label is looked up in the spec.
    names = alt.Chart().transform_calculate(name=f"{json.dumps(order)}[datum.i]")
    base = names.encode(x=x, y=y, yOffset=offset)
    known = base.transform_filter("isValid(datum.q)").mark_circle(
        size=16, opacity=0.9, stroke=NEUTRAL, strokeWidth=0.3).encode(
        color=alt.Color("q:Q", title=label("Value (rank)", lang),
                        scale=alt.Scale(scheme=DIVERGING, domain=[0, 1]),
                        legend=alt.Legend(format=".0%", orient="bottom")))
    missing = base.transform_filter("!isValid(datum.q)").mark_point(size=14, shape="cross", color=NEUTRAL)
    zero = alt.Chart(data([{"x": 0}])).mark_rule(color=CLIENT, strokeWidth=1).encode(x=alt.X("x:Q"))
    chart = [zero, known, missing]
    if features:
        first = features[0]
        alt_text = label("Each dot is a reference client; for %(label)s, %(direction)s.", lang, label=order[0],
                         direction=label(_direction(list(first.get("points") or [])), lang))
    else:
        alt_text = label("Each feature's effect by its value", lang)
    return finish(chart, alt_text, lang, height=rows_height(len(order), 28), values=rows)
