"""Two chosen features together over the reference clients, the client highlighted.

numeric × numeric: scatter coloured by the model's probability (shape = outcome); numeric × categorical: box
plot per category (quartiles from the API, Tukey-style whiskers); categorical × categorical: heatmap of default
rate with counts.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from credit_web.charts._base import (
    CLIENT,
    MIN_CELL,
    NEUTRAL,
    REPAID,
    SEQUENTIAL,
    SUPPRESSED,
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
from credit_web.charts.distribution import OTHER_CATEGORY

SCATTER_POINTS = 300  # enough to see the shape; each extra SVG symbol costs drawing time in the browser


@unvalidated
def joint(payload: dict[str, Any], lang: str) -> ChartSpec:
    """`payload`: GET /v1/features/{a}/{b}/joint (?client_id= adds the client's two values)."""
    kind = payload.get("type")
    if kind == "scatter":
        return _scatter(payload, lang)
    if kind == "grouped":
        return _grouped(payload, lang)
    return _crosstab(payload, lang)


def _axis(name: str, lang: str, field: str, channel: type = alt.X) -> Any:
    fmt = axis_format(name)
    return channel(field, title=feature_label(name, lang), axis=alt.Axis(format=fmt) if fmt else alt.Axis(),
                   scale=alt.Scale(zero=False))


def _category(name: str, value: Any, lang: str) -> str:
    if value is None:
        return label("missing", lang)
    if value == OTHER_CATEGORY:
        return label("others", lang)
    return display_value(name, value, lang)


def _client_sentence(payload: dict[str, Any], lang: str) -> str:
    client = payload.get("client")
    if not client:
        return ""
    a, b = payload["a"], payload["b"]
    return label("The client: %(a)s = %(va)s, %(b)s = %(vb)s.", lang, a=feature_label(a, lang), b=feature_label(b,
                 lang),
                 va=display_value(a, client.get(a), lang), vb=display_value(b, client.get(b), lang))


def _client_point(x: Any, y: Any, lang: str, x_field: str = "x", y_field: str = "y") -> list[alt.Chart]:
    """A black diamond with a label: the client, on top of everything."""
    point = alt.Chart(data([{x_field: x, y_field: y, "text": label("this client", lang)}]))
    return [point.mark_point(shape="diamond", size=220, filled=True, color=CLIENT, stroke="#ffffff", strokeWidth=1.5),
            point.mark_text(align="left", dx=10, fontWeight="bold", color=CLIENT).encode(text=alt.Text("text:N"))]


def _scatter(payload: dict[str, Any], lang: str) -> ChartSpec:
    a, b = payload["a"], payload["b"]
    repaid, defaulted = label("repaid", lang), label("defaulted", lang)
    points = list(payload.get("points") or [])
    points = points[::max(1, -(-len(points) // SCATTER_POINTS))]  # evenly thinned, deterministic
    rows = [{"x": rounded(p["x"]), "y": rounded(p["y"]), "p": rounded(p["probability"], 3),
             "o": defaulted if p.get("defaulted") else repaid} for p in points]
    # The dots' encodings depend only on the pair and the language (the points are the spec's rows).
    layers: list[Any] = [cached_layer(("joint.scatter", a, b, lang), lambda: _dots(a, b, lang))]
    client = payload.get("client") or {}
    if client.get(a) is not None and client.get(b) is not None:
        layers.extend(c.encode(x=alt.X("x:Q"), y=alt.Y("y:Q")) for c in _client_point(client[a], client[b], lang))
    alt_text = label("%(n)s reference clients; %(a)s against %(b)s, coloured by probability of default. %(client)s",
                     lang, n=number(len(rows), 0, lang), a=feature_label(b, lang),
                     b=feature_label(a, lang), client=_client_sentence(payload, lang)).strip()
    return finish(layers, alt_text, lang, height=300, values=rows)


def _dots(a: str, b: str, lang: str) -> alt.Chart:
    repaid, defaulted = label("repaid", lang), label("defaulted", lang)
    return alt.Chart().mark_point(size=30, filled=True, opacity=0.75).encode(
        x=_axis(a, lang, "x:Q"), y=_axis(b, lang, "y:Q", alt.Y),
        color=alt.Color("p:Q", title=label("Probability of default", lang), scale=alt.Scale(scheme=SEQUENTIAL),
                        legend=alt.Legend(format=".0%", orient="bottom")),
        shape=alt.Shape("o:N", title=label("Past clients", lang),
                        scale=alt.Scale(domain=[repaid, defaulted], range=["circle", "triangle-up"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("x:Q", title=feature_label(a, lang)), alt.Tooltip("y:Q", title=feature_label(b, lang)),
                 alt.Tooltip("p:Q", format=".1%", title=label("Probability of default", lang)),
                 alt.Tooltip("o:N", title=label("Past clients", lang))])


def _grouped(payload: dict[str, Any], lang: str) -> ChartSpec:
    num, cat = payload["numeric"], payload["categorical"]
    client = payload.get("client") or {}
    rows: list[dict[str, Any]] = []
    for g in payload.get("groups") or []:
        name = _category(cat, g.get(cat), lang)
        rate = cell_rate(g)
        row = {"c": label("%(category)s (n = %(n)s)", lang, category=name, n=number(cell_n(g), 0, lang)),
               "q1": None, "q3": None, "median": None, "lo": None, "hi": None, "rate": rounded(rate),
               "rate_text": percent(rate, lang) if rate is not None else label(
                   "not shown (fewer than %(min)s clients)", lang, min=MIN_CELL), "value": g.get(cat)}
        if None not in (g.get("q1"), g.get("q3"), g.get("median"), g.get("min"), g.get("max")):
            q1, q3 = float(g["q1"]), float(g["q3"])
            iqr = q3 - q1  # quartiles are null under MIN_CELL values: that group keeps its row, without a box
            row.update(q1=rounded(q1), q3=rounded(q3), median=rounded(g["median"]),
                       lo=rounded(max(float(g["min"]), q1 - 1.5 * iqr)),
                       hi=rounded(min(float(g["max"]), q3 + 1.5 * iqr)))
        rows.append(row)
    order = [r["c"] for r in rows]
    y = alt.Y("c:N", sort=order, title=feature_label(cat, lang), axis=alt.Axis(labelLimit=360))
    x_field = _axis(num, lang, "lo:Q")
    tooltip = [alt.Tooltip("c:N", title=label("Category", lang)),
               alt.Tooltip("median:Q", title=label("Median", lang)),
               alt.Tooltip("rate_text:N", title=label("Default rate", lang))]
    whiskers = alt.Chart().mark_rule(color=NEUTRAL).encode(x=x_field, x2=alt.X2("hi:Q"), y=y)
    boxes = alt.Chart().mark_bar(height={"band": 0.55}, color=REPAID, opacity=0.45, stroke=REPAID).encode(
        x=alt.X("q1:Q"), x2=alt.X2("q3:Q"), y=y, tooltip=tooltip)
    medians = alt.Chart().mark_tick(color=CLIENT, thickness=2, height=18).encode(
        x=alt.X("median:Q"), y=y, tooltip=tooltip)
    layers: list[Any] = [whiskers, boxes, medians]
    client_value, client_num = client.get(cat), client.get(num)
    client_row = next((r for r in rows if r["value"] == client_value), None)
    if client_row is None and client_value is not None:
        client_row = next((r for r in rows if r["value"] == OTHER_CATEGORY), None)
    if client_row is not None and client_num is not None:
        layers.extend(c.encode(x=alt.X("x:Q"), y=y)
                      for c in _client_point(client_num, client_row["c"], lang, y_field="c"))
    for r in rows:
        r.pop("value")
    shown = [r for r in rows if r["rate"] is not None]
    worst = max(shown, key=lambda r: r["rate"] or 0) if shown else None
    alt_text = label("%(num)s by %(cat)s (median and quartiles); highest default rate: “%(worst)s” (%(rate)s). "
                     "%(client)s", lang, num=feature_label(num, lang), cat=feature_label(cat, lang),
                     worst=worst["c"] if worst else "—", rate=worst["rate_text"] if worst else "—",
                     client=_client_sentence(payload, lang)).strip()
    table = [{label("Category", lang): r["c"], label("Median", lang): display_value(num, r["median"], lang),
              label("Default rate", lang): r["rate_text"]} for r in rows]
    return finish(layers, alt_text, lang, table, height=rows_height(len(rows), 30), values=rows)


def _crosstab(payload: dict[str, Any], lang: str) -> ChartSpec:
    a, b = payload["a"], payload["b"]
    client = payload.get("client")
    rows: list[dict[str, Any]] = []
    for cell in payload.get("cells") or []:
        is_client = client is not None and cell.get("a") == client.get(a) and cell.get("b") == client.get(b)
        n, rate = cell_n(cell), cell_rate(cell)
        # Cells under MIN_CELL clients carry no rate: drawn grey with "n < 30", never coloured by a rate.
        rows.append({"x": _category(a, cell.get("a"), lang), "y": _category(b, cell.get("b"), lang),
                     "n": n, "rate": rounded(rate),
                     "rate_text": percent(rate, lang) if rate is not None else label(
                         "not shown (fewer than %(min)s clients)", lang, min=MIN_CELL),
                     "text": label("%(rate)s (n = %(n)s)", lang, rate=percent(rate, lang), n=number(n, 0, lang))
                     if rate is not None else label("n < %(min)s", lang, min=MIN_CELL),
                     "client": 1 if is_client else 0})
    x = alt.X("x:N", title=feature_label(a, lang), axis=alt.Axis(labelAngle=0, labelLimit=240))
    y = alt.Y("y:N", title=feature_label(b, lang), axis=alt.Axis(labelLimit=360))
    greyed = alt.Chart().transform_filter("datum.rate === null").mark_rect(fill=SUPPRESSED).encode(
        x=x, y=y, tooltip=[alt.Tooltip("x:N", title=feature_label(a, lang)),
                           alt.Tooltip("y:N", title=feature_label(b, lang)),
                           alt.Tooltip("rate_text:N", title=label("Default rate", lang))])
    cells = alt.Chart().transform_filter("datum.rate !== null").mark_rect().encode(
        x=x, y=y,
        color=alt.Color("rate:Q", title=label("Default rate", lang), scale=alt.Scale(scheme=SEQUENTIAL),
                        legend=alt.Legend(format=".0%", orient="bottom")),
        tooltip=[alt.Tooltip("x:N", title=feature_label(a, lang)), alt.Tooltip("y:N", title=feature_label(b, lang)),
                 alt.Tooltip("rate_text:N", title=label("Default rate", lang)),
                 alt.Tooltip("n:Q", title=label("Clients", lang))])
    # Text colour follows the cell's darkness (viridis is dark at low values): contrast on every cell.
    rates = [r["rate"] for r in rows if r["rate"] is not None]
    middle = (min(rates) + max(rates)) / 2 if rates else 0
    for r in rows:
        r["ink"] = "#ffffff" if r["rate"] is not None and r["rate"] < middle else "#000000"
    texts = alt.Chart().mark_text(fontSize=11).encode(
        x=x, y=y, text=alt.Text("text:N"), fill=alt.Fill("ink:N", scale=None))
    outline = alt.Chart().transform_filter("datum.client == 1").mark_rect(
        fill=None, stroke=CLIENT, strokeWidth=4).encode(x=x, y=y)
    outline_inner = alt.Chart().transform_filter("datum.client == 1").mark_rect(
        fill=None, stroke="#ffffff", strokeWidth=1.5).encode(x=x, y=y)
    chart = [greyed, cells, texts, outline, outline_inner]
    shown = [r for r in rows if r["rate"] is not None]
    worst = max(shown, key=lambda r: r["rate"] or 0) if shown else None
    alt_text = label("Default rate by %(a)s and %(b)s; highest: “%(x)s” and “%(y)s” (%(rate)s). %(client)s", lang,
                     a=feature_label(a, lang), b=feature_label(b, lang),
                     x=worst["x"] if worst else "—", y=worst["y"] if worst else "—",
                     rate=worst["rate_text"] if worst else "—", client=_client_sentence(payload, lang)).strip()
    return finish(chart, alt_text, lang, height=rows_height(len({r["y"] for r in rows}), 34), values=rows)
