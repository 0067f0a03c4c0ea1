"""One client's SHAP explanation as a waterfall, read in probability: from the average client to this client.

SHAP values add up in log-odds; each step is drawn between the probabilities before and after adding it, so
the ends are exact (base rate, the client's probability) and the steps keep their order and direction.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from credit_web.charts._base import (
    CLIENT,
    DEFAULTED,
    NEUTRAL,
    REPAID,
    ChartSpec,
    data,
    display_value,
    feature_label,
    finish,
    rows_height,
    unvalidated,
)
from credit_web.charts._format import percent, points, sigmoid
from credit_web.charts._labels import label


def _steps(explanation: dict[str, Any], lang: str, top: int) -> list[dict[str, Any]]:
    contributions = list(explanation.get("contributions") or [])
    shown, folded = contributions[:top], contributions[top:]
    rest = explanation.get("rest") or {"count": 0, "shap": 0.0}
    rest_count = int(rest.get("count", 0)) + len(folded)
    rest_shap = float(rest.get("shap", 0.0)) + sum(float(c["shap"]) for c in folded)
    steps = []
    for c in shown:
        name, value = feature_label(c["feature"], lang), display_value(c["feature"], c.get("value"), lang)
        steps.append({"name": name, "value": value, "shap": float(c["shap"])})
    if rest_count:
        steps.append({"name": label("%(n)s other features", lang, n=rest_count), "value": "", "shap": rest_shap})
    return steps


@unvalidated
def waterfall(explanation: dict[str, Any], lang: str, top: int = 10, *, threshold: float | None = None
              ) -> ChartSpec:
    """`explanation`: GET /v1/clients/{id}/explanation or POST /v1/explain; the threshold rule is optional."""
    base = float(explanation["base_value"])
    base_p = sigmoid(base)
    final_p = float(explanation["prediction"]["probability"])
    if threshold is None:
        threshold = (explanation.get("decision") or {}).get("threshold")
    up, down = label("increases the risk", lang), label("reduces the risk", lang)
    total = label("probability", lang)
    rows: list[dict[str, Any]] = [{"row": label("Average client", lang), "start": 0.0, "end": base_p,
                                   "effect": total, "text": percent(base_p, lang)}]
    steps = _steps(explanation, lang, max(1, top))
    cumulative = base
    for step in steps:
        before, cumulative = sigmoid(cumulative), cumulative + step["shap"]
        after = sigmoid(cumulative)
        row = f"{step['name']} = {step['value']}" if step["value"] else step["name"]
        rows.append({"row": row, "start": before, "end": after, "effect": up if step["shap"] > 0 else down,
                     "text": points(after - before, lang)})
    rows.append({"row": label("This client", lang), "start": 0.0, "end": final_p, "effect": total,
                 "text": percent(final_p, lang)})
    for i, row in enumerate(rows):
        row["order"], row["right"] = i, max(row["start"], row["end"])
        row["start"], row["end"] = round(row["start"], 6), round(row["end"], 6)

    order = [r["row"] for r in rows]
    x = alt.X("start:Q", title=label("Probability of default", lang), axis=alt.Axis(format=".0%"),
              # Room on the right for the value labels that follow the bars.
              scale=alt.Scale(domain=[0, 1.22 * max([r["right"] for r in rows] + [threshold or 0])], nice=False))
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=360))
    base_chart = alt.Chart().encode(y=y)
    bars = base_chart.mark_bar(height={"band": 0.7}).encode(
        x=x, x2=alt.X2("end:Q"),
        color=alt.Color("effect:N", title=label("Effect", lang),
                        scale=alt.Scale(domain=[up, down, total], range=[DEFAULTED, REPAID, NEUTRAL]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320)),
        tooltip=[alt.Tooltip("row:N", title=label("Feature", lang)),
                 alt.Tooltip("text:N", title=label("Effect on the probability", lang))],
    )
    texts = base_chart.mark_text(align="left", dx=4, fontSize=11, color=CLIENT).encode(
        x=alt.X("right:Q"), text=alt.Text("text:N"))
    layers: list[alt.Chart] = [bars, texts]
    if threshold is not None:
        layers.append(alt.Chart(data([{"t": float(threshold)}])).mark_rule(
            color=CLIENT, strokeDash=[5, 3], strokeWidth=2).encode(x=alt.X("t:Q")))
    return finish(layers, _alt_text(steps, base, base_p, final_p, lang), lang, _table(steps, base, lang),
                  height=rows_height(len(rows), 24), values=rows)


def _table(steps: list[dict[str, Any]], base: float, lang: str) -> list[dict[str, str]]:
    rows, cumulative = [], base
    for step in steps:
        before, cumulative = sigmoid(cumulative), cumulative + step["shap"]
        rows.append({label("Feature", lang): step["name"], label("Value", lang): step["value"] or "",
                     label("Effect on the probability", lang): points(sigmoid(cumulative) - before, lang)})
    return rows


def _alt_text(steps: list[dict[str, Any]], base: float, base_p: float, final_p: float, lang: str) -> str:
    text = label("The average client's risk is %(base)s; this client's characteristics bring it to %(final)s.", lang,
                 base=percent(base_p, lang), final=percent(final_p, lang))
    effects, cumulative = [], base
    for step in steps:
        before, cumulative = sigmoid(cumulative), cumulative + step["shap"]
        if step["value"]:  # skip the "other features" bucket
            effects.append((sigmoid(cumulative) - before, step))
    if effects and max(effects, key=lambda e: e[0])[0] > 0:
        delta, step = max(effects, key=lambda e: e[0])
        text += label(" What raises it most: %(label)s (%(value)s), %(delta)s.", lang, label=step["name"],
                      value=step["value"], delta=points(delta, lang))
    if effects and min(effects, key=lambda e: e[0])[0] < 0:
        delta, step = min(effects, key=lambda e: e[0])
        text += label(" What lowers it most: %(label)s (%(value)s), %(delta)s.", lang, label=step["name"],
                      value=step["value"], delta=points(delta, lang))
    return text
