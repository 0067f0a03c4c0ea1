"""The what-if panel on the real stack: the form starts from the client's application, a change is recomputed by
explain (the same answer as explain's own API), and bad input is refused inline."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.web._panels import HX, api, chart_specs, clients_by_decision, no_traceback, pct, text_of
from tests.web._session import sign_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def refused(stack: Stack) -> int:
    return clients_by_decision(stack)["refused"][0]


def input_value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page, re.S)
    assert found, f"no input {name}"
    return found.group(1)


def test_form_is_prefilled_with_the_application_and_labelled(stack: Stack, web: httpx.Client, refused: int) -> None:
    profile = {f["name"]: f["value"] for f in api(stack, "explain", "GET", f"/v1/clients/{refused}/profile")["fields"]}
    page = web.get("/fragments/whatif", params={"client": refused, "lang": "en"}, headers=HX).text
    for name in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"):
        if profile.get(name) is not None:
            assert float(input_value(page, name)) == pytest.approx(profile[name], abs=0.01)
        assert f'<label for="whatif-{name}">' in page and f'id="whatif-{name}"' in page
    # `change` fires only once a value is committed: no debounce needed on top of it.
    assert 'hx-post="/fragments/whatif?lang=en"' in page and 'hx-trigger="change, submit"' in page
    assert 'name="csrf_token"' in page
    assert f'hx-get="/fragments/counterfactual?client={refused}' in page


def test_a_change_is_scored_and_explained_like_explains_api(stack: Stack, web: httpx.Client, refused: int) -> None:
    profile = {f["name"]: f["value"] for f in api(stack, "explain", "GET", f"/v1/clients/{refused}/profile")["fields"]}
    smaller = round(float(profile["AMT_CREDIT"]) * 0.4, 2)
    expected = api(stack, "explain", "POST", "/v1/explain",
                   json={"client_id": refused, "changes": {"AMT_CREDIT": smaller}, "top": 10})
    response = web.post("/fragments/whatif", headers=HX,
                        params={"lang": "en"}, data={"client": str(refused), "AMT_CREDIT": str(smaller)})
    assert response.status_code == 200, response.text
    page = response.text
    assert f'data-decision="{expected["decision"]["decision"]}"' in page
    text = text_of(page)
    assert f"Simulated probability of default: {pct(expected['decision']['probability'], 'en')}" in text
    assert "Credit amount = €" in text
    assert len(chart_specs(page)) == 2  # gauge + waterfall


def test_french_amounts_with_a_decimal_comma_are_understood(web: httpx.Client, refused: int) -> None:
    response = web.post("/fragments/whatif", headers=HX,
                        params={"lang": "fr"}, data={"client": str(refused), "AMT_CREDIT": "150 000,75"})
    assert response.status_code == 200
    assert "Montant du crédit = 150 001 €" in text_of(response.text)  # 150 000,75 shown to the euro


@pytest.mark.parametrize(("field", "value", "message"), [
    ("AMT_CREDIT", "lots", "Enter an amount in figures."),
    ("AMT_ANNUITY", "-5", "The amount must be positive"),
    ("AMT_GOODS_PRICE", "1e12", "The amount must be positive"),
    ("NAME_CONTRACT_TYPE", "Mortgage", "Unknown contract type."),
])
def test_bad_values_are_refused_inline(web: httpx.Client, refused: int, field: str, value: str, message: str) -> None:
    response = web.post("/fragments/whatif", headers=HX, params={"lang": "en"},
                        data={"client": str(refused), field: value})
    assert response.status_code == 422
    assert no_traceback(response.text)
    assert f'data-field="{field}"' in response.text and message in text_of(response.text)
    assert not chart_specs(response.text)


def test_what_if_post_needs_the_csrf_token(stack: Stack, refused: int) -> None:
    with sign_in(stack.web_url, stack.advisor) as client:
        del client.headers["X-CSRF-Token"]
        response = client.post("/fragments/whatif", headers=HX, data={"client": str(refused), "AMT_CREDIT": "1000"})
        assert response.status_code == 403


def test_what_if_agrees_with_the_counterfactual_search(stack: Stack, web: httpx.Client, refused: int) -> None:
    """Explain's counterfactual and the what-if recompute the same way. If a suggestion was found, running it
    through the what-if grants; if none was within bounds, even the boundary loan (credit and goods price × 0.3,
    term × 2, so the annuity × 0.15) is still refused."""
    suggestion = api(stack, "explain", "GET", f"/v1/clients/{refused}/counterfactual")
    if suggestion["status"] == "found":
        changes = {name: change["to"] for name, change in suggestion["changes"].items()}
        expected = "granted"
    else:
        assert suggestion["status"] == "none_within_bounds"
        bounds = suggestion["bounds"]
        profile = {f["name"]: f["value"]
                   for f in api(stack, "explain", "GET", f"/v1/clients/{refused}/profile")["fields"]}
        factors = {"AMT_CREDIT": bounds["credit_factor_min"], "AMT_GOODS_PRICE": bounds["credit_factor_min"],
                   "AMT_ANNUITY": bounds["credit_factor_min"] / bounds["term_factor_max"]}
        changes = {name: float(profile[name]) * f for name, f in factors.items() if profile.get(name) is not None}
        expected = "refused"
    response = web.post("/fragments/whatif", headers=HX, params={"lang": "en"},
                        data={"client": str(refused), **{name: str(v) for name, v in changes.items()}})
    assert response.status_code == 200
    assert f'data-decision="{expected}"' in response.text
    if expected == "granted":
        assert pct(suggestion["probability"], "en") in text_of(response.text)
