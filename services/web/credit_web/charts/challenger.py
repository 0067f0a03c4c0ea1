"""The model page's champion/challenger chart: how the two models scored the same requests.

`comparison` is the challenger comparison served by the scoring service in GET /v1/model/monitoring
(credit_core.monitoring.challenger.compare): per model, the count of requests in each tenth of P(default).
Counts only: the page never receives a client's score.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from credit_web.charts._base import NEUTRAL, REPAID, ChartSpec, data, finish, unvalidated
from credit_web.charts._format import number, percent
from credit_web.charts._labels import label

CHAMPION_COLOUR = REPAID  # blue
CHALLENGER_COLOUR = "#E69F00"  # Okabe–Ito orange; the bars are also side by side in a fixed order, with a legend


def _band(i: int, bins: int, lang: str) -> str:
    """'10–20%' (en) / '10–20 %' (fr): the tenth of P(default) a bar counts."""
    low, high = i / bins, (i + 1) / bins
    return label("%(low)s–%(high)s", lang, low=number(100 * low, 0, lang), high=percent(high, lang, 0))


@unvalidated
def challenger_scores(comparison: dict[str, Any], lang: str) -> ChartSpec:
    champion, challenger = comparison["champion"], comparison["challenger"]
    bins = int(comparison.get("bins") or len(champion["histogram"]))
    names = {"champion": label("Served model", lang), "challenger": label("Challenger", lang)}
    bands = [_band(i, bins, lang) for i in range(bins)]
    rows = [{"band": bands[i], "order": i, "model": names[side], "side_order": k, "n": int(count)}
            for k, (side, body) in enumerate((("champion", champion), ("challenger", challenger)))
            for i, count in enumerate(body["histogram"])]
    bars = alt.Chart(data(rows)).mark_bar(stroke=NEUTRAL, strokeWidth=0.5).encode(
        x=alt.X("band:N", title=label("Predicted risk of default", lang), sort=bands,
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("model:N", sort=[names["champion"], names["challenger"]]),
        y=alt.Y("n:Q", title=label("Requests", lang), axis=alt.Axis(format=",d", tickMinStep=1)),
        color=alt.Color("model:N", title=None, sort=[names["champion"], names["challenger"]],
                        scale=alt.Scale(domain=[names["champion"], names["challenger"]],
                                        range=[CHAMPION_COLOUR, CHALLENGER_COLOUR]),
                        legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("model:N", title=label("Model", lang)),
                 alt.Tooltip("band:N", title=label("Predicted risk of default", lang)),
                 alt.Tooltip("n:Q", format=",d", title=label("Requests", lang))],
    )
    alt_text = label("Predicted risk of the same %(n)s requests by both models: on average %(a)s for the served "
                     "model and %(b)s for the challenger.", lang, n=number(comparison["n"], 0, lang),
                     a=percent(champion["mean_probability"], lang), b=percent(challenger["mean_probability"], lang))
    table = [{label("Predicted risk of default", lang): bands[i],
              names["champion"]: number(champion["histogram"][i], 0, lang),
              names["challenger"]: number(challenger["histogram"][i], 0, lang)} for i in range(bins)]
    return finish([bars], alt_text, lang, table, height=220)
