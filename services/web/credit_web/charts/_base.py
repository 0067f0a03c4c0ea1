"""The chart result type, the colour-blind-safe palette and the finishing touches every spec gets."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec

import altair as alt
from altair.utils import schemapi

from credit_core import features
from credit_web import formatting
from credit_web.i18n import features as i18n_features

# Okabe–Ito: safe for the common colour-vision deficiencies; every colour is paired with a shape, dash or label.
REPAID = "#0072B2"  # blue
DEFAULTED = "#D55E00"  # vermillion
CLIENT = "#000000"
NEUTRAL = "#595959"  # ≥ 7:1 on white
GRANTED_ZONE = "#DCEBF5"
REFUSED_ZONE = "#F8E0D2"
SEQUENTIAL = "viridis"  # perceptually uniform and colour-blind safe
DIVERGING = "blueorange"
SUPPRESSED = "#D9D9D9"  # a cell too small to show its rate (greyed, with its explanation as text)
# The explain service gives no rate (nor count of defaults) for a cell of fewer clients than this: a rate on a
# handful of clients misleads, and a small cell could identify them. The same number as credit_core.explain.rates'
# MIN_CELL, which the web cannot import (the web image carries no numpy); tests/web/test_charts.py checks they agree.
MIN_CELL = 30


def cell_rate(cell: dict[str, Any]) -> float | None:
    """A cell's default rate, None when suppressed (too few clients) or absent."""
    rate = cell.get("default_rate")
    return None if cell.get("suppressed") or rate is None else float(rate)


def cell_n(cell: dict[str, Any]) -> int:
    """Clients in a cell: `n` (rates cells), else `count`, else repaid + defaulted (older bodies)."""
    for key in ("n", "count"):
        if cell.get(key) is not None:
            return int(cell[key])
    return int(cell.get("repaid") or 0) + int(cell.get("defaulted") or 0)

def wrap_title(title: str, width: int = 42) -> str | list[str]:
    """A title longer than `width` characters as lines of at most about `width` (Vega-Lite draws a list as lines)."""
    if len(title) <= width:
        return title
    lines: list[str] = []
    current = ""
    for word in title.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite spec (dict, data inlined, width "container") with its text alternative and optional table."""

    spec: dict[str, Any]
    alt_text: str
    table: list[dict[str, Any]] | None = None


P = ParamSpec("P")


def unvalidated(build: Callable[P, ChartSpec]) -> Callable[P, ChartSpec]:
    """Build without Altair's validation of every object as it is created (its "debug mode"), which costs tens
    of milliseconds per chart; tests/web/test_charts.py validates the finished specs against the schema."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ChartSpec:
        with schemapi.debug_mode(False):
            return build(*args, **kwargs)

    return wrapper


def finish(layers: Sequence[alt.Chart | dict[str, Any]], alt_text: str, lang: str,
           table: list[dict[str, Any]] | None = None, *,
           height: int | None = None, title: str | None = None, values: list[dict[str, Any]] | None = None,
           ) -> ChartSpec:
    """Layer the charts, fill the container's width, describe the result for screen readers, and use the
    reader's number format.

    Each layer is converted on its own and assembled here, the shared rows (`values`) and top-level properties
    are set on the dict: alt.layer() and .properties() deep-copy and validate everything several times over,
    which cost up to ~100 ms per chart (the tests validate every finished spec against the schema instead).
    """
    spec: dict[str, Any] = {"$schema": alt.SCHEMA_URL, "layer": [_unit(layer) for layer in layers]}
    spec.update(width="container", description=alt_text)
    if height is not None:
        spec["height"] = height
    if title is not None:
        spec["title"] = title
    if values is not None:
        spec["data"] = {"values": values}
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}  # width "container" needs fit-x
    config = spec.setdefault("config", {})
    config["locale"] = {"number": formatting.d3_locale(lang)}
    config.setdefault("view", {})["stroke"] = None
    # No per-mark ARIA descriptions: the page shows each chart as one image named by its caption (with a data
    # table), so vega would evaluate a description for every datum (hundreds for a scatter) for nobody; it cuts
    # the charts' drawing time in the browser by about a seventh.
    config["aria"] = False
    config["font"] = "system-ui, sans-serif"
    config["axis"] = {"labelColor": "#1a1a1a", "titleColor": "#1a1a1a", "labelFontSize": 12, "titleFontSize": 12,
                      "labelLimit": 400}
    for layer in spec["layer"]:  # long axis titles go on several lines rather than being cut ("…plus risq")
        for channel in ("x", "y"):
            encoding = layer.get("encoding", {}).get(channel)
            if isinstance(encoding, dict) and isinstance(encoding.get("title"), str):
                encoding["title"] = wrap_title(encoding["title"])
    config["legend"] = {"labelColor": "#1a1a1a", "titleColor": "#1a1a1a", "labelFontSize": 12, "titleFontSize": 12,
                        "titleLimit": 0, "labelLimit": 400}
    config["title"] = {"color": "#1a1a1a", "fontSize": 14, "anchor": "start"}
    return ChartSpec(spec=spec, alt_text=alt_text, table=table)


LAYER_CACHE_SIZE = 512
_layer_cache: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
_layer_cache_lock = threading.Lock()


def cached_layer(key: Hashable, build: Callable[[], alt.Chart]) -> dict[str, Any]:
    """The finished dict of a layer that depends only on `key`, built once per process (LRU).

    Converting Altair objects to dicts is most of a chart's server time, and the population layers of a chart
    (the histogram of a feature, the scatter of a pair) are the same for every client of a model: only the rows
    and the client's marker change, and those stay outside the cached layer. `key` must hold everything the layer's
    encodings depend on (feature names, language, scale domains). The returned dict is shared: never mutate it.
    """
    with _layer_cache_lock:
        unit = _layer_cache.get(key)
        if unit is not None:
            _layer_cache.move_to_end(key)
            return unit
    unit = _unit(build())
    with _layer_cache_lock:
        _layer_cache[key] = unit
        while len(_layer_cache) > LAYER_CACHE_SIZE:
            _layer_cache.popitem(last=False)
    return unit


def _unit(chart: alt.Chart | dict[str, Any]) -> dict[str, Any]:
    """One layer as a dict, without the top-level parts Altair adds to every chart; a layer without data of its
    own (Altair's "empty" placeholder) inherits the spec's rows. Dicts (from `cached_layer`) are already done."""
    if isinstance(chart, dict):
        return chart
    unit: dict[str, Any] = chart.to_dict(validate=False)
    for key in ("$schema", "config", "datasets"):
        unit.pop(key, None)
    if unit.get("data") == {"name": "empty"}:
        del unit["data"]
    return unit


def data(rows: list[dict[str, Any]]) -> alt.Data:
    """Inline values (no named datasets, no URLs: the page fetches nothing else)."""
    return alt.Data(values=rows)


def feature_label(name: str, lang: str) -> str:
    """The catalogue's label in `lang` (its name for a feature the catalogue does not know)."""
    return i18n_features.feature_label(name, lang)


def feature_unit(name: str) -> str:
    spec = features.FEATURES_BY_NAME.get(name)
    return spec.unit if spec is not None else ""


def display_value(name: str, value: Any, lang: str) -> str:
    """The catalogue's reading of a value ("34 ans", "oui", "non renseigné")."""
    return i18n_features.display_value(name, value, lang)


def axis_format(name: str) -> str | None:
    """d3 format for a feature's axis, from its unit."""
    return {"percent": ".0%", "currency": ",.0f"}.get(feature_unit(name))


def rows_height(n_rows: int, step: int) -> int:
    """A fixed height for a chart of `n_rows` bands (a "step" height warns with a container width)."""
    return max(1, n_rows) * step
