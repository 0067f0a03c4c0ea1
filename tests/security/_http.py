"""Requests with raw JSON (NaN, Infinity, 401-digit integers reach the server as written) and problem checks."""

from __future__ import annotations

import httpx

PROBLEM = "application/problem+json"
HUGE = "9" * 401  # a JSON integer no double holds
BASE = {"NAME_CONTRACT_TYPE": '"Cash loans"', "CODE_GENDER": '"F"', "AMT_INCOME_TOTAL": "180000.0",
        "AMT_CREDIT": "450000.0", "AMT_ANNUITY": "22500.0", "DAYS_BIRTH": "-12000", "EXT_SOURCE_2": "0.6"}


def application(**raw: str) -> str:
    """An application as JSON text, values given as raw JSON (so that Infinity or 401 digits reach the server)."""
    return "{" + ", ".join(f'"{k}": {v}' for k, v in {**BASE, **raw}.items()) + "}"


def problem_fields(response: httpx.Response, status: int = 422) -> set[str]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return {str(e["field"]) for e in body.get("errors", [])}
