"""Where the client stands among past clients for one feature: histogram by outcome, or default rate by category."""

from __future__ import annotations

import functools
import itertools
import json
import math
from typing import Any

import altair as alt

from credit_web.charts._base import (
    CLIENT,
    DEFAULTED,
    MIN_CELL,
    NEUTRAL,
    REPAID,
    ChartSpec,
    axis_format,
    cached_layer,
    cell_n,
    cell_rate,
    data,
    display_value,
    feature_label,
    finish,
    rows_height,
    unvalidated,
)
from credit_web.charts._format import number, percent, rounded
from credit_web.charts._labels import label
from credit_web.i18n import N_

OTHER_CATEGORY = "__other__"  # credit_core.population pools the rare categories under this value


@unvalidated
def distribution(payload: dict[str, Any], lang: str) -> ChartSpec:
    """`payload`: GET /v1/features/{name}/distribution (?client_id= adds the client's value and percentile)."""
    if payload.get("kind") == "categorical":
        return _categorical(payload, lang)
    return _numeric(payload, lang)


def _outcomes(lang: str) -> tuple[str, str]:
    return label("repaid", lang), label("defaulted", lang)


def _outcome_encodings(lang: str) -> dict[str, Any]:
    repaid, defaulted = _outcomes(lang)
    title = label("Past clients", lang)
    domain = [repaid, defaulted]
    return {
        "color": alt.Color("outcome:N", title=title, scale=alt.Scale(domain=domain, range=[REPAID, DEFAULTED]),
                           legend=alt.Legend(orient="bottom")),
        "strokeDash": alt.StrokeDash("outcome:N", title=title, scale=alt.Scale(domain=domain, range=[[1, 0], [6, 3]]),
                                     legend=alt.Legend(orient="bottom")),
    }


def _trend(mids: list[float], counts: dict[str, list[int]]) -> str:
    """Do defaulted clients sit higher or lower than repaid ones? Mean difference against the pooled spread."""
    stats = {}
    for outcome in ("repaid", "defaulted"):
        c = counts.get(outcome) or []
        n = sum(c)
        if n == 0:
            return "defaulted and repaid clients have similar values"
        mean = sum(m * k for m, k in zip(mids, c, strict=False)) / n
        var = sum(k * (m - mean) ** 2 for m, k in zip(mids, c, strict=False)) / n
        stats[outcome] = (mean, var)
    spread = math.sqrt((stats["repaid"][1] + stats["defaulted"][1]) / 2) or 1.0
    shift = (stats["defaulted"][0] - stats["repaid"][0]) / spread
    if shift > 0.1:
        return N_("defaulted clients tend to have higher values")
    if shift < -0.1:
        return N_("defaulted clients tend to have lower values")
    return N_("defaulted and repaid clients have similar values")


def _numeric(payload: dict[str, Any], lang: str) -> ChartSpec:
    name = payload["feature"]
    title = feature_label(name, lang)
    edges = [float(e) for e in payload.get("edges") or []]
    counts = payload.get("counts") or {}
    mids = [(lo + hi) / 2 for lo, hi in itertools.pairwise(edges)]
    repaid, defaulted = _outcomes(lang)
    rows: list[dict[str, Any]] = []
    for outcome, shown in (("repaid", repaid), ("defaulted", defaulted)):
        c = counts.get(outcome) or []
        total = sum(c) or 1
        for j, k in enumerate(c):
            # Discrete features: one bar per value, the two outcomes side by side within it.
            lo, hi = edges[j], edges[j + 1]
            half = (lo + hi) / 2
            x0, x1 = (lo + 0.1 * (hi - lo), half) if outcome == "repaid" else (half, hi - 0.1 * (hi - lo))
            rows.append({"outcome": shown, "x": rounded(mids[j], 6), "x0": rounded(x0, 6), "x1": rounded(x1, 6),
                         "share": rounded(k / total), "n": int(k)})
    client = payload.get("client") or {}
    value: Any = client.get("value")
    has_value = isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value))
    domain = [edges[0], edges[-1]] if edges else [0.0, 1.0]
    if has_value:
        domain = [min(domain[0], float(value)), max(domain[1], float(value))]
    discrete = bool(payload.get("discrete"))
    # The population layers depend only on these (their rows are the spec's data): built once per process.
    key = ("distribution", name, lang, title, tuple(domain), discrete)
    layers: list[Any] = [cached_layer((*key, i), functools.partial(_population_layer, name, lang, title, domain,
                                                                   discrete, i))
                         for i in range(1 if discrete else 3)]
    if has_value:
        shown_value = display_value(name, value, lang)
        marker = alt.Chart(data([{"v": float(value), "text": label("Client: %(value)s", lang, value=shown_value)}]))
        layers.append(marker.mark_rule(color=CLIENT, strokeWidth=2.5).encode(x=alt.X("v:Q")))
        right_half = float(value) > (domain[0] + domain[1]) / 2  # keep the label inside the plot
        layers.append(marker.mark_text(align="right" if right_half else "left", dx=-4 if right_half else 4, y=2,
                                       baseline="top", fontWeight="bold", color=CLIENT)
                      .encode(x=alt.X("v:Q"), text=alt.Text("text:N")))
    trend = label(_trend(mids, counts), lang)
    percentile = client.get("percentile")
    if has_value and percentile is not None:
        shown_value = display_value(name, value, lang)
        alt_text = label("The client's value, %(value)s, is higher than for %(pct)s of clients; %(trend)s.", lang,
                         value=shown_value, pct=percent(round(float(percentile)) / 100, lang, 0),
                         trend=trend)
    elif client:
        alt_text = label("The client's value is missing; %(trend)s.", lang, trend=trend)
    else:
        alt_text = label("Distribution of past clients; %(trend)s.", lang, trend=trend)
    return finish(layers, alt_text, lang, height=220, values=rows)


def _population_layer(name: str, lang: str, title: str, domain: list[float], discrete: bool, index: int
                      ) -> alt.Chart:
    """Layer `index` of a numeric distribution: the bars of a discrete feature, or the two outcome areas and
    the outcome lines."""
    fmt = axis_format(name)
    x_scale, x_axis = alt.Scale(domain=domain, nice=False), alt.Axis(format=fmt) if fmt else alt.Axis()
    x = alt.X("x:Q", title=title, scale=x_scale, axis=x_axis)
    y = alt.Y("share:Q", title=label("Share of the group's clients", lang), axis=alt.Axis(format=".0%"), stack=None)
    enc = _outcome_encodings(lang)
    tooltip = [alt.Tooltip("outcome:N", title=label("Past clients", lang)),
               alt.Tooltip("share:Q", format=".1%", title=label("Share of the group's clients", lang))]
    base = alt.Chart()
    if discrete:
        return base.mark_bar(stroke=CLIENT, strokeWidth=1).encode(
            x=alt.X("x0:Q", title=title, scale=x_scale, axis=x_axis), x2=alt.X2("x1:Q"), y=y, color=enc["color"],
            strokeDash=enc["strokeDash"], tooltip=tooltip)
    if index < 2:
        # One fixed-colour area per outcome: an encoded fill would merge into (and hide) the line's legend.
        shown, colour = _outcomes(lang)[index], (REPAID, DEFAULTED)[index]
        return base.transform_filter(f"datum.outcome == {json.dumps(shown)}").mark_area(
            opacity=0.15, interpolate="monotone", color=colour).encode(x=x, y=y)
    return base.mark_line(strokeWidth=2, interpolate="monotone").encode(
        x=x, y=y, color=enc["color"], strokeDash=enc["strokeDash"], tooltip=tooltip)


def _category_name(name: str, value: Any, lang: str) -> str:
    if value is None:
        return label("missing", lang)
    if value == OTHER_CATEGORY:
        return label("others", lang)
    return display_value(name, value, lang)


def _categorical(payload: dict[str, Any], lang: str) -> ChartSpec:
    name = payload["feature"]
    title = feature_label(name, lang)
    categories = [dict(c) for c in payload.get("categories") or []]
    missing_cell = payload.get("missing_cell")
    missing = payload.get("missing") or {}
    if missing_cell is not None:  # the rates computation's cell (n, rate or suppressed)
        if cell_n(missing_cell):
            categories.append({**missing_cell, "value": None})
    elif sum(v or 0 for v in missing.values()):
        n_missing = (missing.get("repaid") or 0) + (missing.get("defaulted") or 0)
        categories.append({"value": None, "n": n_missing, "default_rate": (missing.get("defaulted") or 0) / n_missing})
    client = payload.get("client")
    client_value = client.get("value") if client else None
    known = {c["value"] for c in categories}
    if client is not None and client_value is not None and client_value not in known:
        client_value = OTHER_CATEGORY
    marker = label("this client", lang)
    rows: list[dict[str, Any]] = []
    for c in categories:
        n = cell_n(c)
        rate = cell_rate(c)
        is_client = client is not None and c["value"] == client_value
        # A cell under MIN_CELL clients shows no rate (the service gives none): a grey note instead of a bar.
        text = (label("%(rate)s (n = %(n)s)", lang, rate=percent(rate, lang), n=number(n, 0, lang)) if rate is not None
                else label("fewer than %(min)s clients: rate not shown", lang, min=MIN_CELL))
        rows.append({"category": _category_name(name, c["value"], lang), "rate": rounded(rate), "n": n,
                     "text_x": rounded(rate) if rate is not None else 0,
                     "text": text + (f"  ◀ {marker}" if is_client else ""),
                     "client": marker if is_client else "",
                     "colour": CLIENT if is_client else REPAID, "ink": CLIENT if rate is not None else NEUTRAL})
    population = payload.get("population") or {}
    total = (population.get("repaid") or 0) + (population.get("defaulted") or 0)
    average = (population.get("defaulted") or 0) / total if total else None
    order = [r["category"] for r in rows]
    y = alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=360))
    x = alt.X("rate:Q", title=label("Default rate", lang), axis=alt.Axis(format=".0%"),
              scale=alt.Scale(domainMax=max([r["rate"] or 0 for r in rows] + [average or 0]) * 1.45 or 1))
    bars = alt.Chart().mark_bar(height={"band": 0.7}).encode(
        x=x, y=y,
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("category:N", title=label("Category", lang)),
                 alt.Tooltip("rate:Q", format=".1%", title=label("Default rate", lang)),
                 alt.Tooltip("n:Q", title=label("Clients", lang))])
    texts = alt.Chart().mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("text_x:Q"), y=y, text=alt.Text("text:N"), color=alt.Color("ink:N", scale=None))
    layers: list[Any] = [bars, texts]
    if average is not None:
        avg = alt.Chart(data([{"x": average, "text": label("Average %(rate)s", lang, rate=percent(average, lang))}]))
        layers.append(avg.mark_rule(strokeDash=[5, 3], color=CLIENT).encode(x=alt.X("x:Q")))
    client_row = next((r for r in rows if r["client"]), None)
    avg_text = percent(average, lang) if average is not None else "—"
    shown = [r for r in rows if r["rate"] is not None]
    if client_row is not None and client_row["rate"] is None:
        alt_text = label("The client is in the category “%(value)s”, which has fewer than %(min)s clients: its "
                         "default rate is not shown (average %(avg)s).", lang, value=client_row["category"],
                         min=MIN_CELL, avg=avg_text)
    elif client_row is not None:
        alt_text = label("The client is in the category “%(value)s”, whose default rate is %(rate)s (average "
                         "%(avg)s).", lang, value=client_row["category"],
                         rate=percent(client_row["rate"], lang), avg=avg_text)
    elif shown:
        worst = max(shown, key=lambda r: r["rate"] or 0)
        alt_text = label("Default rate by category; highest: “%(value)s” (%(rate)s).", lang, value=worst["category"],
                         rate=percent(worst["rate"], lang))
    else:
        alt_text = title
    table = [{label("Category", lang): r["category"],
              label("Default rate", lang): percent(r["rate"], lang) if r["rate"] is not None else label(
                  "not shown (fewer than %(min)s clients)", lang, min=MIN_CELL),
              label("Clients", lang): number(r["n"], 0, lang)} for r in rows]
    return finish(layers, alt_text, lang, table, height=rows_height(len(rows), 24), values=rows)
