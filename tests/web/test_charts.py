"""Chart specs from real payloads: the tiny bundle's explanations/population, a real evaluation report.

Every spec must be valid Vega-Lite (the schema Altair ships), carry its data inline, fill its container and
describe itself; the assertions below check what each chart must show (marks, encodings, the client, the
threshold) and that the text alternative states the numbers in the reader's language.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import polars as pl
import pytest
from altair.vegalite.v6.schema import load_schema

from credit_core import population
from credit_core.explain import context, distributions, explanation, joint
from credit_pipeline.train.config import TrainConfig
from credit_pipeline.train.pipeline import evaluation_report
from credit_web import charts, formatting
from credit_web.charts import ChartSpec
from credit_web.i18n.features import feature_label
from tests.explain import _tiny

VALIDATOR = jsonschema.Draft7Validator(load_schema())
MAX_SPEC_BYTES = 80_000  # the dashboard inlines every spec in its fragments


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[_tiny.TinyBundle, pl.DataFrame, context.ExplainContext]:
    bundle, frame = _tiny.train(Path(tmp_path_factory.mktemp("charts-tiny")))
    return bundle, frame, context.load(bundle)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    rng = np.random.default_rng(7)
    n = 4000
    y = (rng.random(n) < 0.08).astype(int)
    p = np.clip(rng.beta(1.2, 12, n) + 0.12 * y * rng.random(n), 0, 1)
    return evaluation_report(y, p, TrainConfig(), (rng.choice(["F", "M"], n), rng.uniform(20, 70, n)))


def _distribution(ctx: context.ExplainContext, name: str, value: Any, with_client: bool = True) -> dict[str, Any]:
    """The body of GET /v1/features/{name}/distribution?client_id=7 (as credit_explain builds it)."""
    body = {"feature": name, "model_version": ctx.version,
            **distributions.distribution(ctx.population, ctx.rates, name)}
    if with_client:
        cell = ctx.rates.cell_of(name, value)
        body["client"] = {"client_id": 7, "value": value, "percentile": ctx.population.percentile(name, value),
                          "default_rate": cell["default_rate"], "n": cell["n"], "suppressed": cell["suppressed"]}
    return body


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The unit specs of a (possibly layered) spec."""
    if "layer" in spec:
        return [unit for layer in spec["layer"] for unit in _layers(layer)]
    return [spec]


def _mark(unit: dict[str, Any]) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def _values(unit: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    return (unit.get("data") or spec.get("data"))["values"]


def _check_common(chart: ChartSpec, lang: str) -> dict[str, Any]:
    spec = chart.spec
    errors = sorted(VALIDATOR.iter_errors(spec), key=str)
    assert not errors, errors[0].message
    assert spec["width"] == "container"
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert spec["description"] == chart.alt_text and len(chart.alt_text) > 20
    assert spec["config"]["locale"]["number"]["decimal"] == ("." if lang == "en" else ",")
    text = json.dumps(spec)
    assert '"url"' not in text and '"datasets"' not in text  # inline data only: the page fetches nothing
    assert len(text) < MAX_SPEC_BYTES
    for unit in _layers(spec):
        assert isinstance(_values(unit, spec), list)
    if chart.table is not None:
        assert chart.table and all(isinstance(v, str) for row in chart.table for v in row.values())
    return spec


@pytest.mark.parametrize(("p", "t", "refused"), [(0.123, 0.085, True), (0.031, 0.09, False), (0.92, 0.1, True),
                                                 (0.1044, 0.0676, True)])
def test_score_gauge_marks_threshold_and_decision(p: float, t: float, refused: bool) -> None:
    fr, en = charts.score_gauge(p, t, "fr"), charts.score_gauge(p, t, "en")
    spec = _check_common(fr, "fr")
    _check_common(en, "en")
    rules = [u for u in _layers(spec) if _mark(u) == "rule"]
    assert [_values(r, spec)[0]["x"] for r in rules] == [t]
    bar = next(u for u in _layers(spec) if _mark(u) == "bar")
    assert _values(bar, spec)[0]["end"] == pytest.approx(p)
    assert bar["mark"]["color"] == ("#D55E00" if refused else "#0072B2")
    domain_end = spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1]
    assert max(p, t) < domain_end <= 1.0
    pct_fr = f"{100 * p:.1f}".replace(".", ",") + "\u00a0%"
    assert pct_fr in fr.alt_text and f"{100 * t:.1f}".replace(".", ",") + "\u00a0%" in fr.alt_text
    assert ("refusé" if refused else "accordé") in fr.alt_text
    assert f"{100 * p:.1f}%" in en.alt_text and ("refused" if refused else "granted") in en.alt_text
    assert ("above" if refused else "below") in en.alt_text
    margin = abs(round(100 * p, 1) - round(100 * t, 1))  # from the figures as printed: 10.4 − 6.8 reads 3.6, not 3.7
    assert f"{margin:.1f} pts" in en.alt_text and fr.table is not None


def test_reasons_quote_the_waterfall_steps(tiny: Any) -> None:
    """A factor shows one number everywhere: the reason's "by 0,6 points" is the waterfall bar's "+0,6 pts"."""
    from credit_web import reasons as reasons_text

    bundle, frame, ctx = tiny
    checked = 0
    for row in range(0, 40, 3):
        payload = explanation.explain_frame(bundle, frame.slice(row, 1), ctx.population, top=len(bundle.feature_names))
        spec = _check_common(charts.waterfall(payload, "fr", top=len(bundle.feature_names)), "fr")
        bars = next(u for u in _layers(spec) if _mark(u) == "bar")
        step_text = {r["row"].split(" = ")[0]: r["text"] for r in _values(bars, spec)}
        for reason in payload["reasons"]:
            quoted = reasons_text.sentence(reason, "fr")
            drawn = step_text[feature_label(reason["feature"], "fr")]  # "+0,6 pts"
            assert drawn.lstrip("+−").split()[0] + " point" in quoted, (drawn, quoted)
            checked += 1
    assert checked >= 10


def test_waterfall_runs_from_base_rate_to_the_clients_probability(tiny: Any) -> None:
    bundle, frame, ctx = tiny
    payload = explanation.explain_frame(bundle, frame.slice(11, 1), ctx.population, top=6)
    chart = charts.waterfall(payload, "en", top=4, threshold=bundle.threshold)
    spec = _check_common(chart, "en")
    bars = next(u for u in _layers(spec) if _mark(u) == "bar")
    rows = _values(bars, spec)
    base_p = 1 / (1 + np.exp(-payload["base_value"]))
    final_p = payload["prediction"]["probability"]
    assert rows[0]["end"] == pytest.approx(base_p, abs=1e-6) and rows[-1]["end"] == pytest.approx(final_p, abs=1e-6)
    steps = rows[1:-1]
    assert len(steps) == 5  # 4 features shown + the rest folded into one step
    assert steps[-1]["row"] == f"{len(bundle.feature_names) - 4} other features"
    assert steps[0]["start"] == pytest.approx(base_p, abs=1e-6) and steps[-1]["end"] == pytest.approx(final_p, abs=1e-6)
    for before, after in itertools.pairwise(steps):
        assert after["start"] == pytest.approx(before["end"], abs=1e-6)  # the steps chain
    top = payload["contributions"][0]
    assert steps[0]["row"].startswith(feature_label(top["feature"], "en"))
    assert steps[0]["effect"] == ("increases the risk" if top["shap"] > 0 else "reduces the risk")
    assert bars["encoding"]["color"]["scale"]["range"][:2] == ["#D55E00", "#0072B2"]
    assert [_values(u, spec)[0]["t"] for u in _layers(spec) if _mark(u) == "rule"] == [bundle.threshold]
    assert f"{100 * base_p:.1f}%" in chart.alt_text and f"{100 * final_p:.1f}%" in chart.alt_text
    assert chart.table is not None and len(chart.table) == 5
    fr = charts.waterfall(payload, "fr")
    _check_common(fr, "fr")
    assert "Client moyen" in json.dumps(fr.spec) and f"{100 * final_p:.1f}".replace(".", ",") + "\u00a0%" in fr.alt_text


def test_importance_and_beeswarm(tiny: Any) -> None:
    _, _, ctx = tiny
    payload = {"importance": ctx.importance, "beeswarm": ctx.beeswarm}
    chart = charts.importance(payload, "fr", top=5)
    spec = _check_common(chart, "fr")
    bars = next(u for u in _layers(spec) if _mark(u) == "bar")
    values = [r["value"] for r in _values(bars, spec)]
    assert len(values) == 5 and values == sorted(values, reverse=True)
    assert feature_label(ctx.importance[0]["feature"], "fr") in chart.alt_text
    swarm = charts.beeswarm(payload, "en", top=4, points=50)
    spec = _check_common(swarm, "en")
    dots = [u for u in _layers(spec) if _mark(u) in ("circle", "point")]
    rows = spec["data"]["values"]
    assert {r["i"] for r in rows} == {0, 1, 2, 3} and len(rows) <= 4 * 50
    assert all(-1 <= r["o"] <= 1 for r in rows)
    assert dots[0]["encoding"]["color"]["field"] == "q" and "yOffset" in dots[0]["encoding"]
    assert feature_label(ctx.beeswarm[0]["feature"], "en") in swarm.alt_text


def test_numeric_distribution_marks_the_client_and_percentile(tiny: Any) -> None:
    _, frame, ctx = tiny
    value = float(frame["ANNUITY_TO_INCOME"][3])
    payload = _distribution(ctx, "ANNUITY_TO_INCOME", value)
    chart = charts.distribution(payload, "en")
    spec = _check_common(chart, "en")
    marks = [_mark(u) for u in _layers(spec)]
    assert "line" in marks and "area" in marks
    line = next(u for u in _layers(spec) if _mark(u) == "line")
    assert line["encoding"]["strokeDash"]["field"] == "outcome"  # not colour alone
    rule = next(u for u in _layers(spec) if _mark(u) == "rule")
    assert _values(rule, spec)[0]["v"] == pytest.approx(value)
    pct = round(payload["client"]["percentile"])
    assert f"{pct}%" in chart.alt_text and "higher than for" in chart.alt_text
    shares = {}
    for r in spec["data"]["values"]:
        shares[r["outcome"]] = shares.get(r["outcome"], 0) + r["share"]
    assert shares["repaid"] == pytest.approx(1, abs=1e-3) and shares["defaulted"] == pytest.approx(1, abs=1e-3)
    # Annuity/income drives default in the tiny data: defaulted clients sit higher.
    assert "defaulted clients tend to have higher values" in chart.alt_text
    fr = charts.distribution(payload, "fr")
    assert f"plus élevée que pour {pct}\u00a0% des clients" in fr.alt_text


def test_distribution_without_client_or_with_missing_value(tiny: Any) -> None:
    _, _, ctx = tiny
    nobody = charts.distribution(_distribution(ctx, "EXT_SOURCE_2", None, with_client=False), "en")
    assert not [u for u in _layers(_check_common(nobody, "en")) if _mark(u) == "rule"]
    missing = charts.distribution(_distribution(ctx, "EXT_SOURCE_2", None), "fr")
    assert not [u for u in _layers(_check_common(missing, "fr")) if _mark(u) == "rule"]
    assert "n'est pas renseignée" in missing.alt_text


def test_population_layers_are_reused_across_clients_and_only_the_marker_changes(tiny: Any) -> None:
    """The web process builds a feature's population layers once per (feature, language, domain): a second
    client gets the same layers, its own marker, and the first client's spec is left as it was."""
    _, frame, ctx = tiny
    values = sorted({float(v) for v in frame["ANNUITY_TO_INCOME"].drop_nulls()})
    low, high = values[len(values) // 4], values[3 * len(values) // 4]
    first = charts.distribution(_distribution(ctx, "ANNUITY_TO_INCOME", low), "en")
    before = json.dumps(first.spec, sort_keys=True)
    second = charts.distribution(_distribution(ctx, "ANNUITY_TO_INCOME", high), "en")
    population_layers = [[u for u in _layers(c.spec) if _mark(u) in ("area", "line")] for c in (first, second)]
    assert population_layers[0] and population_layers[0] == population_layers[1]
    rules = [next(u for u in _layers(c.spec) if _mark(u) == "rule") for c in (first, second)]
    assert _values(rules[0], first.spec)[0]["v"] == pytest.approx(low)
    assert _values(rules[1], second.spec)[0]["v"] == pytest.approx(high)
    assert json.dumps(first.spec, sort_keys=True) == before
    french = charts.distribution(_distribution(ctx, "ANNUITY_TO_INCOME", low), "fr")
    assert [u for u in _layers(french.spec) if _mark(u) == "line"] != population_layers[0][-1:]  # French titles
    for chart in (first, second, french):
        _check_common(chart, "fr" if chart is french else "en")


def _discrete_distribution() -> dict[str, Any]:
    """A distribution body for a count (0–3 children), summarised by the real population code."""
    rng = np.random.default_rng(3)
    children = rng.integers(0, 4, 2000).astype(float)
    y = (rng.random(2000) < 0.05 + 0.04 * children).astype(int)
    summary = population.summarise_numeric(children, y)
    assert summary["discrete"]
    return {"feature": "CNT_CHILDREN", "population": {"repaid": int((y == 0).sum()), "defaulted": int(y.sum())},
            **{k: v for k, v in summary.items() if k != "percentiles"},
            "client": {"client_id": 9, "value": 2.0, "percentile": 60.0, "default_rate": None}}


def test_discrete_distribution_has_side_by_side_bars() -> None:
    """Counts and flags (few distinct values) get one bin per value: repaid and defaulted bars side by side."""
    chart = charts.distribution(_discrete_distribution(), "en")
    spec = _check_common(chart, "en")
    bars = next(u for u in _layers(spec) if _mark(u) == "bar")
    assert bars["encoding"]["x"]["field"] == "x0" and bars["encoding"]["strokeDash"]["field"] == "outcome"
    rows = spec["data"]["values"]
    assert len(rows) == 2 * 4 and all(r["x0"] < r["x1"] for r in rows)
    for value in range(4):  # within each value's bin, repaid on the left, defaulted on the right
        repaid = next(r for r in rows if r["outcome"] == "repaid" and r["x"] == value)
        defaulted = next(r for r in rows if r["outcome"] == "defaulted" and r["x"] == value)
        assert repaid["x1"] <= defaulted["x0"]
    assert "higher than for 60% of clients" in chart.alt_text
    assert "defaulted clients tend to have higher values" in chart.alt_text


def test_categorical_distribution_highlights_the_clients_category(tiny: Any) -> None:
    _, _, ctx = tiny
    payload = _distribution(ctx, "NAME_CONTRACT_TYPE", "Revolving loans")
    chart = charts.distribution(payload, "en")
    spec = _check_common(chart, "en")
    rows = spec["data"]["values"]
    client_rows = [r for r in rows if r["client"]]
    assert len(client_rows) == 1 and "◀ this client" in client_rows[0]["text"]
    assert client_rows[0]["rate"] == pytest.approx(payload["client"]["default_rate"], rel=1e-3)
    assert any(r["category"] == "missing" for r in rows)  # the tiny data has missing contract types
    bar = next(u for u in _layers(spec) if _mark(u) == "bar")
    assert bar["encoding"]["color"] == {"field": "colour", "type": "nominal", "scale": None}
    assert client_rows[0]["colour"] == "#000000" and {r["colour"] for r in rows if not r["client"]} == {"#0072B2"}
    rate = f"{100 * payload['client']['default_rate']:.1f}%"
    assert "revolving credit" in chart.alt_text and rate in chart.alt_text  # the code in words (catalogue)
    assert chart.table is not None and len(chart.table) == len(rows)
    pooled = dict(payload, client={**payload["client"], "value": "never seen"})
    pooled["categories"] = [*payload["categories"], {"value": "__other__", "repaid": 3, "defaulted": 1,
                                                     "default_rate": 0.25}]
    other = charts.distribution(pooled, "fr")
    assert [r["category"] for r in other.spec["data"]["values"] if r["client"]] == ["autres"]


def test_joint_views_highlight_the_client(tiny: Any) -> None:
    _, frame, ctx = tiny
    row = frame.row(20, named=True) | {"EXT_SOURCE_2": 0.5}
    scatter = joint.joint(ctx.reference, "EXT_SOURCE_2", "CREDIT_TO_INCOME", row, ctx.rates)
    chart = charts.joint(scatter, "en")
    spec = _check_common(chart, "en")
    dots, diamond = [u for u in _layers(spec) if _mark(u) == "point"][:2]
    assert dots["encoding"]["color"]["field"] == "p" and dots["encoding"]["shape"]["field"] == "o"
    assert diamond["mark"]["shape"] == "diamond"
    assert _values(diamond, spec)[0]["x"] == 0.5
    assert _values(diamond, spec)[0]["y"] == pytest.approx(row["CREDIT_TO_INCOME"])
    shown = len(spec["data"]["values"])
    assert 0 < shown <= min(300, len(scatter["points"])) and f"{shown} reference clients" in chart.alt_text

    grouped = joint.joint(ctx.reference, "AMT_CREDIT", "CODE_GENDER", row, ctx.rates)
    chart = charts.joint(grouped, "fr")
    spec = _check_common(chart, "fr")
    marks = [_mark(u) for u in _layers(spec)]
    assert {"rule", "bar", "tick", "point"} <= set(marks)
    diamond = next(u for u in _layers(spec) if _mark(u) == "point")
    assert _values(diamond, spec)[0]["c"].startswith({"F": "femme", "M": "homme"}[row["CODE_GENDER"]])
    assert _values(diamond, spec)[0]["x"] == pytest.approx(row["AMT_CREDIT"])
    for r in spec["data"]["values"]:
        assert r["lo"] <= r["q1"] <= r["median"] <= r["q3"] <= r["hi"]

    crosstab = joint.joint(ctx.reference, "CODE_GENDER", "NAME_CONTRACT_TYPE", row, ctx.rates)
    chart = charts.joint(crosstab, "en")
    spec = _check_common(chart, "en")
    cells = spec["data"]["values"]
    assert sum(c["n"] for c in cells) == crosstab["n_reference"]
    client_cells = [c for c in cells if c["client"]]
    assert len(client_cells) == 1 and client_cells[0]["x"] == {"F": "female", "M": "male"}[row["CODE_GENDER"]]
    outline = [u for u in _layers(spec) if "client" in str(u.get("transform"))]
    assert outline and outline[0]["mark"]["stroke"] == "#000000"
    assert "The client" in chart.alt_text


def _with_small_cells(body: dict[str, Any], key: str) -> dict[str, Any]:
    """`body` with its first cell suppressed as the rates computation does under 30 clients."""
    cells = [dict(c) for c in body[key]]
    cells[0].update(n=12, count=12, defaulted=None, default_rate=None, suppressed=True, repaid=None)
    return {**body, key: cells}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_small_cells_show_n_and_no_rate_in_every_chart(tiny: Any, lang: str) -> None:
    """Issue 13 item 4: every rate shows its n; a cell under 30 clients is greyed with no rate (bars, box plot
    groups, heat map), and no headline is drawn from it."""
    _, frame, ctx = tiny
    row = frame.row(20, named=True)
    bars = _distribution(ctx, "NAME_CONTRACT_TYPE", row["NAME_CONTRACT_TYPE"])
    bars = _with_small_cells(bars, "categories")
    chart = charts.distribution(bars, lang)
    rows = _check_common(chart, lang)["data"]["values"]
    small, others = rows[0], rows[1:]
    assert small["rate"] is None and ("30" in small["text"]) and small["text_x"] == 0
    assert all(r["rate"] is not None and "n = " in r["text"] for r in others)
    crosstab = _with_small_cells(joint.joint(ctx.reference, "CODE_GENDER", "NAME_CONTRACT_TYPE", row, ctx.rates),
                                 "cells")
    heat = charts.joint(crosstab, lang)
    cells = _check_common(heat, lang)["data"]["values"]
    assert cells[0]["rate"] is None and cells[0]["text"] == "n < 30"
    grey = [u for u in _layers(heat.spec) if "datum.rate === null" in str(u.get("transform"))]
    assert grey and grey[0]["mark"]["fill"] == "#D9D9D9"
    grouped = joint.joint(ctx.reference, "AMT_CREDIT", "CODE_GENDER", row, ctx.rates)
    groups = [dict(g) for g in grouped["groups"]]
    groups[0].update(n=12, count=12, default_rate=None, suppressed=True, q1=None, q3=None, median=None)
    box = charts.joint({**grouped, "groups": groups}, lang)
    values = _check_common(box, lang)["data"]["values"]
    assert values[0]["q1"] is None and values[0]["rate"] is None and "n = 12" in values[0]["c"]
    assert values[0]["c"] not in box.alt_text  # the headline never names a suppressed group

    without = charts.joint(joint.joint(ctx.reference, "EXT_SOURCE_2", "CREDIT_TO_INCOME", None, ctx.rates), "en")
    assert not [u for u in _layers(without.spec) if _mark(u) == "point" and u["mark"].get("shape") == "diamond"]


def test_model_page_charts(report: dict[str, Any]) -> None:
    t = report["threshold"]
    roc = charts.roc_curve(report, "en")
    spec = _check_common(roc, "en")
    assert f"{report['auc']:.3f}" in roc.alt_text and f"{report['auc']:.3f}" in json.dumps(spec["title"])
    line = next(u for u in _layers(spec) if _mark(u) == "line" and u["mark"].get("strokeWidth"))
    assert len(_values(line, spec)) == len(report["roc_curve"])
    marker = next(u for u in _layers(spec) if _mark(u) == "point")
    nearest = min(report["roc_curve"], key=lambda p: abs(p["threshold"] - t))
    assert _values(marker, spec)[0]["tpr"] == pytest.approx(nearest["tpr"], rel=1e-3)

    pr = charts.pr_curve(report, "fr")
    spec = _check_common(pr, "fr")
    baseline = next(u for u in _layers(spec) if _mark(u) == "rule")
    assert _values(baseline, spec)[0]["y"] == pytest.approx(report["prevalence"])
    assert f"{report['pr_auc']:.3f}".replace(".", ",") in pr.alt_text

    cost = charts.cost_curve(report, "en")
    spec = _check_common(cost, "en")
    rule = next(u for u in _layers(spec) if _mark(u) == "rule")
    assert _values(rule, spec)[0]["t"] == t
    curve = _values(next(u for u in _layers(spec) if _mark(u) == "line"), spec)
    lowest = min(curve, key=lambda p: p["cost"])
    assert abs(lowest["threshold"] - t) <= 0.02  # the chosen threshold sits at the curve's minimum
    assert f"{100 * t:.1f}%" in cost.alt_text and "10 times" in cost.alt_text

    cal = charts.calibration(report, "en")
    spec = _check_common(cal, "en")
    assert len(cal.table or []) == len(report["calibration"]["reliability"])
    assert f"{100 * report['calibration_error']:.1f}%" in cal.alt_text

    cm = charts.confusion_matrix(report, "fr")
    spec = _check_common(cm, "fr")
    cells = {(c["actual"], c["decided"]): c["n"] for c in spec["data"]["values"]}
    confusion = report["confusion"]
    assert cells == {("a remboursé", "accordé"): confusion["tn"], ("a remboursé", "refusé"): confusion["fp"],
                     ("a fait défaut", "accordé"): confusion["fn"], ("a fait défaut", "refusé"): confusion["tp"]}
    assert {c["mark"] for c in spec["data"]["values"]} == {"✓", "✗"}  # not colour alone
    fn_text = f"{confusion['fn']:,}".replace(",", " ")
    assert f"{fn_text} défauts accordés" in cm.alt_text


def _comparison() -> dict[str, Any]:
    """The challenger comparison of GET /v1/model/monitoring (credit_core.monitoring.challenger.compare)."""
    return {"challenger_version": "v2", "since": "2026-11-05T00:00:00+00:00", "n": 1250, "bins": 10,
            "agreement_rate": 0.94, "champion_versions": ["v1"], "min_outcomes": 50, "outcomes": None,
            "champion": {"approval_rate": 0.9, "mean_probability": 0.081,
                         "histogram": [900, 250, 60, 30, 10, 0, 0, 0, 0, 0]},
            "challenger": {"approval_rate": 0.88, "mean_probability": 0.092,
                           "histogram": [880, 260, 70, 30, 10, 0, 0, 0, 0, 0]}}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_challenger_chart_puts_both_models_side_by_side(lang: str) -> None:
    comparison = _comparison()
    chart = charts.challenger_scores(comparison, lang)
    spec = _check_common(chart, lang)
    (bars,) = _layers(spec)
    rows = _values(bars, spec)
    served, challenger = ("Modèle en service", "Challenger") if lang == "fr" else ("Served model", "Challenger")
    for name, side in ((served, "champion"), (challenger, "challenger")):
        assert [r["n"] for r in sorted(rows, key=lambda r: r["order"]) if r["model"] == name] == \
            comparison[side]["histogram"]
    assert bars["encoding"]["xOffset"]["field"] == "model"  # grouped, not stacked: the two counts compare
    assert rows[1]["band"] == f"10–{formatting.percent(0.2, lang, 0)}"  # "10–20 %" / "10–20%"
    assert (chart.table or [])[0][served] == "900"
    assert ("8,1" if lang == "fr" else "8.1%") in chart.alt_text and ("1 250" if lang == "fr" else "1,250") in \
        chart.alt_text.replace("\u202f", " ")


VENDOR = Path(__file__).resolve().parents[2] / "services" / "web" / "credit_web" / "static" / "vendor"
EMBED_ALL = """async (specs) => {
  const out = {};
  for (const [name, spec] of Object.entries(specs)) {
    const el = document.createElement('div');
    el.style.width = '640px';
    document.body.appendChild(el);
    try {
      await vegaEmbed(el, spec, {actions: false, ast: true, renderer: 'svg'});
      const svg = el.querySelector('svg');
      out[name] = svg ? svg.querySelectorAll('path, line, rect, text').length : 'no svg';
    } catch (error) {
      out[name] = 'error: ' + error.message;
    }
  }
  return out;
}"""


@pytest.mark.browser
def test_every_chart_kind_draws_in_chromium(tiny: Any, report: dict[str, Any], tmp_path: Path) -> None:
    """The vendored vega-embed draws every spec with the CSP-safe expression interpreter, as static/app.js does."""
    from tests._chromium import chromium

    bundle, frame, ctx = tiny
    row = frame.row(20, named=True)
    explained = explanation.explain_frame(bundle, frame.slice(20, 1), ctx.population)
    importance_payload = {"importance": ctx.importance, "beeswarm": ctx.beeswarm}
    built = {
        "gauge": charts.score_gauge(0.12, 0.3, "fr"),
        "waterfall": charts.waterfall(explained, "fr", threshold=bundle.threshold),
        "importance": charts.importance(importance_payload, "fr"),
        "beeswarm": charts.beeswarm(importance_payload, "fr"),
        "numeric": charts.distribution(_distribution(ctx, "ANNUITY_TO_INCOME", row["ANNUITY_TO_INCOME"]), "fr"),
        "categorical": charts.distribution(_distribution(ctx, "CODE_GENDER", row["CODE_GENDER"]), "fr"),
        "discrete": charts.distribution(_discrete_distribution(), "fr"),
        "scatter": charts.joint(joint.joint(ctx.reference, "AMT_CREDIT", "CREDIT_TERM", row, ctx.rates), "fr"),
        "grouped": charts.joint(joint.joint(ctx.reference, "AMT_CREDIT", "CODE_GENDER", row, ctx.rates), "fr"),
        "crosstab": charts.joint(joint.joint(ctx.reference, "CODE_GENDER", "NAME_CONTRACT_TYPE", row, ctx.rates), "fr"),
        **{name: getattr(charts, name)(report, "en")
           for name in ("roc_curve", "pr_curve", "cost_curve", "calibration", "confusion_matrix")},
        "challenger": charts.challenger_scores(_comparison(), "fr"),
    }
    scripts = "".join(f'<script src="{(VENDOR / name).as_uri()}"></script>'
                      for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js"))
    page_file = tmp_path / "charts.html"
    page_file.write_text(f"<!doctype html><html><head>{scripts}</head><body></body></html>")
    with chromium() as browser:
        page = browser.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(page_file.as_uri())
        drawn = page.evaluate(EMBED_ALL, {name: c.spec for name, c in built.items()})
    assert problems == []
    for name, marks in drawn.items():
        assert isinstance(marks, int) and marks > 10, (name, marks)


def test_the_web_suppresses_cells_by_the_explain_services_rule() -> None:
    from credit_core.explain import rates
    from credit_web.charts import _base

    assert _base.MIN_CELL == rates.MIN_CELL
