"""The dashboard's client fragments on the real running stack: what they show must be what scoring and explain
answer for that client, in the reader's language, with a drawable chart and its text alternative."""

from __future__ import annotations

import re

import httpx
import pytest

from credit_core import features
from credit_web.i18n.features import category, display_value, feature_label
from credit_web.reasons import sentence
from tests.web._panels import HX, api, chart_specs, clients_by_decision, no_traceback, pct, text_of
from tests.web._stack import Stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def decided(stack: Stack) -> dict[str, list[int]]:
    split = clients_by_decision(stack)
    assert split["granted"] and split["refused"], "the test model should grant some clients and refuse others"
    return split


def fragment(web: httpx.Client, path: str, **params: object) -> str:
    response = web.get(path, params=params, headers=HX)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert no_traceback(response.text)
    assert "<html" not in response.text  # a fragment, not a page
    return response.text


@pytest.mark.parametrize("decision", ["granted", "refused"])
def test_score_shows_scorings_probability_decision_and_a_gauge(stack: Stack, web: httpx.Client,
                                                               decided: dict[str, list[int]], decision: str) -> None:
    client = decided[decision][0]
    expected = api(stack, "scoring", "GET", f"/v1/clients/{client}/score")
    page = fragment(web, "/fragments/score", client=client, lang="en")
    assert f'data-decision="{decision}"' in page
    text = text_of(page)
    assert pct(expected["probability_default"], "en") in text
    assert pct(expected["threshold"], "en") in text
    assert ("Granted" if decision == "granted" else "Refused") in text
    sentence = "below the" if decision == "granted" else "recommends refusing"
    assert sentence in text
    specs = chart_specs(page)
    assert len(specs) == 1 and "vega-lite" in specs[0]["$schema"]
    assert "<figcaption id=" in page and 'role="img"' in page and "aria-labelledby=" in page


def test_score_in_french_uses_french_words_and_numbers(stack: Stack, web: httpx.Client,
                                                       decided: dict[str, list[int]]) -> None:
    client = decided["refused"][0]
    expected = api(stack, "scoring", "GET", f"/v1/clients/{client}/score")
    text = text_of(fragment(web, "/fragments/score", client=client, lang="fr"))
    assert "Refusé" in text and "Probabilité de défaut" in text
    assert pct(expected["probability_default"], "fr") in text  # decimal comma


def test_score_mentions_the_main_reason_explain_gives(stack: Stack, web: httpx.Client,
                                                      decided: dict[str, list[int]]) -> None:
    client = decided["refused"][0]
    reasons = api(stack, "explain", "GET", f"/v1/clients/{client}/explanation")["reasons"]
    text = text_of(fragment(web, "/fragments/score", client=client, lang="en"))
    assert reasons, "a refused client has at least one factor that raises its risk"
    assert text_of(sentence(reasons[0], "en")) in text  # the web's sentence for explain's structured reason


def test_why_lists_explains_reasons_and_the_top_n_waterfall(stack: Stack, web: httpx.Client,
                                                            decided: dict[str, list[int]]) -> None:
    client = decided["refused"][0]
    explanation = api(stack, "explain", "GET", f"/v1/clients/{client}/explanation", params={"top": 5})
    page = fragment(web, "/fragments/why", client=client, top=5, lang="en")
    text = text_of(page)
    for reason in explanation["reasons"]:
        assert text_of(sentence(reason, "en")) in text
    assert "Contribution of the top 5 factors" in text
    assert '<option value="5" selected>' in page  # the control shows the current N
    assert 'hx-get="/fragments/why"' in page and 'hx-trigger="revealed"' in page
    (spec,) = chart_specs(page)
    assert "vega-lite" in spec["$schema"]
    # The data table of the waterfall: the 5 features + "the others".
    table_rows = page.split('<details class="chart-data">', 1)[1].split("</details>", 1)[0].count("<tr>") - 1
    assert table_rows == 6
    for contribution in explanation["contributions"]:
        assert text_of(feature_label(contribution["feature"], "en")) in text


def test_why_top_n_is_validated(web: httpx.Client, decided: dict[str, list[int]]) -> None:
    response = web.get("/fragments/why", params={"client": decided["granted"][0], "top": 0}, headers=HX)
    assert response.status_code == 422 and no_traceback(response.text)


def test_global_summary_has_importance_and_beeswarm(web: httpx.Client) -> None:
    page = fragment(web, "/fragments/importance", lang="en")
    specs = chart_specs(page)
    assert len(specs) == 2
    # No jargon in the titles (issue 13 item 9); the method is named only in the "?" help.
    assert "How much each variable weighs, on average" in text_of(page) and page.count("<figcaption id=") == 2
    assert "SHAP" not in text_of(page.split('<details class="help">', 1)[0])


def test_profile_shows_explains_profile_fields_in_the_readers_language(stack: Stack, web: httpx.Client,
                                                                       decided: dict[str, list[int]]) -> None:
    client = decided["granted"][0]
    profile = api(stack, "explain", "GET", f"/v1/clients/{client}/profile")
    for lang in ("fr", "en"):
        text = text_of(fragment(web, "/fragments/profile", client=client, lang=lang))
        for field in profile["fields"]:
            # Labels are the feature catalogue's, category codes read through the web's catalogue (one source).
            assert text_of(feature_label(field["name"], lang)) in text
            if field["kind"] == "category":
                assert text_of(category(field["name"], field["value"], lang)) in text
            elif field["status"] == "present":
                assert text_of(display_value(field["name"], field["value"], lang)) in text


def test_compare_numeric_and_categorical_with_their_pair(stack: Stack, web: httpx.Client,
                                                         decided: dict[str, list[int]]) -> None:
    client = decided["granted"][0]
    page = fragment(web, "/fragments/compare", client=client, a="AMT_CREDIT", b="NAME_CONTRACT_TYPE", lang="en")
    numeric = api(stack, "explain", "GET", "/v1/features/AMT_CREDIT/distribution", params={"client_id": client})
    text = text_of(page)
    assert features.FEATURES_BY_NAME["AMT_CREDIT"].label in text
    assert features.FEATURES_BY_NAME["NAME_CONTRACT_TYPE"].label in text
    assert f"higher than for {round(numeric['client']['percentile'])}% of clients" in text
    assert "default rate in this category" in text
    assert len(chart_specs(page)) == 3  # two distributions + the pair view
    assert page.count("<figcaption id=") == 3


def test_compare_refuses_unknown_or_identical_variables_without_asking_explain(web: httpx.Client,
                                                                               decided: dict[str, list[int]]) -> None:
    client = decided["granted"][0]
    page = fragment(web, "/fragments/compare", client=client, a="../../v1/importance", b="AMT_CREDIT", lang="en")
    assert "Unknown variable: ../../v1/importance." in text_of(page)
    assert len(chart_specs(page)) == 1  # only AMT_CREDIT's distribution
    same = fragment(web, "/fragments/compare", client=client, a="AMT_CREDIT", b="AMT_CREDIT", lang="en")
    assert "Both chosen variables are the same" in text_of(same)
    assert len(chart_specs(same)) == 1
    none = fragment(web, "/fragments/compare", client=client, lang="en")
    assert "Choose one or two variables" in text_of(none) and not chart_specs(none)


def test_similar_lists_neighbours_with_outcomes_and_rates(stack: Stack, web: httpx.Client,
                                                          decided: dict[str, list[int]]) -> None:
    client = decided["refused"][0]
    similar = api(stack, "explain", "GET", f"/v1/clients/{client}/similar")  # the panel's default: 30 neighbours
    page = fragment(web, "/fragments/similar", client=client, lang="en")
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert len(similar["neighbours"]) == 30
    assert body.count("<tr") == 1 + len(similar["neighbours"])  # the client itself, then its neighbours
    defaults = sum(n["defaulted"] for n in similar["neighbours"])
    assert body.count("Defaulted") == defaults and body.count("Repaid") == len(similar["neighbours"]) - defaults
    text = text_of(page)
    assert f"{defaults} defaulted ({pct(similar['default_rate'], 'en')})" in text
    assert pct(similar["population_default_rate"], "en") in text
    for neighbour in similar["neighbours"]:
        assert f'<th scope="row">{neighbour["client_id"]}</th>' in body


def test_similar_shows_no_rate_under_thirty_neighbours(stack: Stack, web: httpx.Client,
                                                       decided: dict[str, list[int]]) -> None:
    client = decided["refused"][0]
    similar = api(stack, "explain", "GET", f"/v1/clients/{client}/similar", params={"k": 10})
    assert similar["default_rate"] is None and similar["rate_suppressed"]
    text = text_of(fragment(web, "/fragments/similar", client=client, k=10, lang="fr"))
    assert "Trop peu de clients" in text and "ont fait défaut" not in text


def test_counterfactual_says_what_explain_found(stack: Stack, web: httpx.Client,
                                                decided: dict[str, list[int]]) -> None:
    for client in decided["refused"][:3]:
        expected = api(stack, "explain", "GET", f"/v1/clients/{client}/counterfactual")
        page = fragment(web, "/fragments/counterfactual", client=client, lang="en")
        assert f'data-status="{expected["status"]}"' in page
        text = text_of(page)
        if expected["status"] == "found":
            assert "the decision would be granted" in text
            credit = expected["changes"].get("AMT_CREDIT")
            if credit:
                assert "a credit of €" in text and "instead of €" in text
            assert 'class="cf-apply"' in page  # the suggestion can be run through the what-if
            for name in expected["changes"]:
                assert f'type="hidden" name="{name}"' in page
        elif expected["status"] == "none_within_bounds":
            assert "no change of the loan turns this refusal into an approval" in text  # what was searched, and
            assert "The closest change tested reaches" in text  # how close it came
        else:
            assert "no change could be tested" in text
    granted = fragment(web, "/fragments/counterfactual", client=decided["granted"][0], lang="en")
    assert 'data-status="already_granted"' in granted


def test_unknown_client_and_no_client_give_notices(web: httpx.Client) -> None:
    for path in ("/fragments/score", "/fragments/why", "/fragments/profile", "/fragments/similar"):
        page = fragment(web, path, client=1, lang="en")
        assert "Client 1 is unknown." in text_of(page) or "not available for this client" in text_of(page)
        empty = fragment(web, path, lang="en")
        assert "Choose a client" in text_of(empty)


def test_fragments_need_a_signed_in_user(stack: Stack, decided: dict[str, list[int]]) -> None:
    with httpx.Client(base_url=stack.web_url, timeout=30) as anonymous:
        response = anonymous.get("/fragments/score", params={"client": decided["granted"][0]}, headers=HX)
        assert response.status_code in (200, 204, 401, 303)
        assert "HX-Redirect" in response.headers or response.headers.get("location", "").startswith("/login")
        assert "data-decision" not in response.text


@pytest.mark.parametrize("decision", ["granted", "refused"])
def test_reasons_follow_the_decision_largest_first_in_both_languages(stack: Stack, web: httpx.Client,
                                                                     decided: dict[str, list[int]],
                                                                     decision: str) -> None:
    """Issue 13 item 1: a granted client hears what lowered the risk, a refused one what raised it, the largest
    effect first (client 100009's -1.2 pt factor was missing), in whole sentences."""
    client = decided[decision][0]
    explanation = api(stack, "explain", "GET", f"/v1/clients/{client}/explanation", params={"top": 10})
    assert explanation["reasons_for"] == decision
    reasons = explanation["reasons"]
    assert reasons, "every decided client has at least one reason"
    shaps = [abs(r["shap"]) for r in reasons]
    assert shaps == sorted(shaps, reverse=True)
    verb = {"en": "lowers" if decision == "granted" else "raises",
            "fr": "réduit" if decision == "granted" else "augmente"}
    for lang in ("fr", "en"):
        page = fragment(web, "/fragments/why", client=client, lang=lang)
        items = re.findall(r"<li>(.*?)</li>", page.split('class="reasons"', 1)[1].split("</ol>", 1)[0], re.S)
        assert len(items) == len(reasons)
        assert all(verb[lang] in text_of(item) for item in items)
        assert text_of(items[0]).startswith(text_of(feature_label(reasons[0]["feature"], lang)))
