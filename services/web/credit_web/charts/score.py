"""The score as a bullet chart: probability bar against the business threshold, the margin in words."""

from __future__ import annotations

import math

import altair as alt

from credit_web import formatting
from credit_web.charts._base import (
    CLIENT,
    DEFAULTED,
    GRANTED_ZONE,
    REFUSED_ZONE,
    REPAID,
    ChartSpec,
    data,
    finish,
    unvalidated,
)
from credit_web.charts._format import percent, points
from credit_web.charts._labels import label

_SCALE_ENDS = (0.1, 0.2, 0.3, 0.5, 0.75, 1.0)


def _axis_end(probability: float, threshold: float) -> float:
    """A fixed set of axis ends, so that small probabilities stay visible and similar clients share a scale."""
    needed = 1.15 * max(probability, threshold)
    return next((end for end in _SCALE_ENDS if end >= needed), 1.0)


@unvalidated
def score_gauge(probability: float, threshold: float, lang: str) -> ChartSpec:
    p, t = float(probability), float(threshold)
    refused = p >= t
    end = _axis_end(p, t)
    decision = label("refused", lang) if refused else label("granted", lang)
    zones = alt.Chart(data([
        {"start": 0.0, "end": t, "zone": label("granted", lang), "mid": t / 2},
        {"start": t, "end": end, "zone": label("refused", lang), "mid": (t + end) / 2},
    ])).encode(x=alt.X("start:Q", title=label("Probability of default", lang),
                       scale=alt.Scale(domain=[0, end], nice=False), axis=alt.Axis(format=".0%", tickCount=5)))
    zone_rects = zones.mark_rect().encode(
        x2=alt.X2("end:Q"),
        color=alt.Color("zone:N", legend=None,
                        scale=alt.Scale(domain=[label("granted", lang), label("refused", lang)],
                                        range=[GRANTED_ZONE, REFUSED_ZONE])),
    )
    zone_names = zones.mark_text(baseline="top", y=4, fontSize=11, color="#1a1a1a").encode(
        x=alt.X("mid:Q"), text=alt.Text("zone:N"))
    bar = alt.Chart(data([{"start": 0.0, "end": min(p, end), "text": percent(p, lang)}])).encode(
        x=alt.X("start:Q"), x2=alt.X2("end:Q"))
    probability_bar = bar.mark_bar(height=16, color=DEFAULTED if refused else REPAID, stroke=CLIENT,
                                   strokeWidth=1).encode(
        tooltip=[alt.Tooltip("text:N", title=label("Probability of default", lang))])
    probability_text = alt.Chart(data([{"x": min(p, end), "text": percent(p, lang)}])).mark_text(
        align="left", dx=6, dy=18, fontWeight="bold", fontSize=13, color=CLIENT).encode(
        x=alt.X("x:Q"), text=alt.Text("text:N"))
    threshold_text = label("Threshold %(t)s", lang, t=percent(t, lang))
    rule_data = alt.Chart(data([{"x": t, "text": threshold_text}]))
    rule = rule_data.mark_rule(color=CLIENT, strokeWidth=2, strokeDash=[5, 3]).encode(
        x=alt.X("x:Q"), tooltip=[alt.Tooltip("text:N", title=label("Threshold", lang))])
    rule_text = rule_data.mark_text(align="left", dx=4, baseline="bottom", y=alt.ExprRef("height"), dy=-2,
                                    fontSize=11, color=CLIENT).encode(x=alt.X("x:Q"), text=alt.Text("text:N"))
    # The gap between the two figures as printed (10,4 % against 6,8 % reads 3,6 points, as on the score card).
    margin = points(math.copysign(formatting.rounded_percent_points(p, t), p - t) / 100, lang)
    alt_text = label("Probability of default %(p)s — %(side)s the %(t)s threshold: credit %(decision)s (margin "
                     "%(m)s).", lang, p=percent(p, lang), t=percent(t, lang), decision=decision, m=margin,
                     side=label("above", lang) if refused else label("below", lang))
    chart = [zone_rects, zone_names, probability_bar, rule, rule_text, probability_text]
    table = [{label("Probability of default", lang): percent(p, lang), label("Threshold", lang): percent(t, lang),
              label("Margin", lang): margin, label("Decision", lang): decision}]
    return finish(chart, alt_text, lang, table, height=70)
