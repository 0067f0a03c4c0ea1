"""Helpers of the panel tests: the backends' own answers (to compare the fragments with), chart specs embedded in
fragment HTML, and clients picked by what the real model decides for them."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import httpx

from credit_web.rendering import format_percent
from tests.web._stack import Stack

HX = {"HX-Request": "true"}
_SPEC = re.compile(r"data-vega-spec='([^']*)'")


def api(stack: Stack, service: str, method: str, path: str, **kwargs: Any) -> Any:
    """Call scoring or explain directly with the stack's API key; the decoded JSON (raises on an error status)."""
    base = stack.scoring_url if service == "scoring" else stack.explain_url
    response = httpx.request(method, base + path, headers={"Authorization": f"Bearer {stack.api_key}"}, timeout=60,
                             **kwargs)
    response.raise_for_status()
    return response.json()


def chart_specs(page: str) -> list[dict[str, Any]]:
    """The Vega-Lite specs of every chart in a fragment, parsed as the browser's JSON.parse would."""
    return [json.loads(html.unescape(raw)) for raw in _SPEC.findall(page)]


def text_of(page: str) -> str:
    """The fragment's visible text, whitespace collapsed (for sentence assertions)."""
    without_tags = re.sub(r"<[^>]+>", " ", re.sub(r"data-vega-spec='[^']*'", "", page))
    return re.sub(r"\s+", " ", html.unescape(without_tags)).strip()


def pct(fraction: float, lang: str) -> str:
    """A probability as the fragments print it, in `text_of`'s normalised spacing."""
    return text_of(format_percent(fraction, lang))


def no_traceback(page: str) -> bool:
    return "Traceback" not in page and 'File "' not in page


def clients_by_decision(stack: Stack, n: int = 200) -> dict[str, list[int]]:
    """Known clients split by the model's decision (one batch call to scoring)."""
    found: set[int] = set()
    for prefix in ("1000", "1010", "1020"):
        page = api(stack, "explain", "GET", "/v1/clients", params={"prefix": prefix, "limit": 50})["clients"]
        found |= {c["client_id"] for c in page}
    batch = api(stack, "scoring", "POST", "/v1/score/batch", json={"client_ids": sorted(found)[:n]})
    out: dict[str, list[int]] = {"granted": [], "refused": []}
    for item in batch["items"]:
        if item["result"] is not None:
            out[item["result"]["decision"]].append(item["client_id"])
    return out
