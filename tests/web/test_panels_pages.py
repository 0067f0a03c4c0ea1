"""The model page and the printable letter on the real stack."""

from __future__ import annotations

import httpx
import pytest

from tests.web._panels import HX, api, chart_specs, clients_by_decision, no_traceback, pct, text_of
from tests.web._stack import Stack

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clients(stack: Stack) -> dict[str, list[int]]:
    return clients_by_decision(stack)


def test_model_page_shows_the_served_models_evaluation(stack: Stack, web: httpx.Client) -> None:
    served = api(stack, "scoring", "GET", "/v1/model/report")
    response = web.get("/model", params={"lang": "en"})
    assert response.status_code == 200 and no_traceback(response.text)
    page = response.text
    text = text_of(page)
    assert served["version"] in text
    assert pct(served["report"]["threshold"], "en") in text
    assert len(chart_specs(page)) == 5  # ROC, PR, cost, confusion, calibration
    assert page.count("<figcaption id=") == 5
    # Fairness tables by sex and by age band, with headers.
    assert 'data-group="CODE_GENDER"' in page and 'data-group="age_band"' in page
    for row in served["report"]["fairness"]["CODE_GENDER"]:
        assert pct(row["approval_rate"], "en") in text
    # The card: Markdown rendered as HTML (headings shifted under the page's h1), never raw markup.
    card = page.split('class="model-card"', 1)[1]
    assert "<h2>Model card" in card and "<table>" in card
    assert "\n## " not in card and "**" not in card


def test_model_page_in_french(web: httpx.Client) -> None:
    page = web.get("/model", params={"lang": "fr"}).text
    text = text_of(page)
    assert "Le modèle" in text and "Par tranche d'âge" in text and "La fiche du modèle est rédigée en anglais." in text


def test_letter_gives_decision_reasons_and_what_could_change_it(stack: Stack, web: httpx.Client,
                                                                clients: dict[str, list[int]]) -> None:
    client = clients["refused"][-3]  # not one the decision tests or the browser tests override
    explanation = api(stack, "explain", "GET", f"/v1/clients/{client}/explanation", params={"top": 5})
    counterfactual = api(stack, "explain", "GET", f"/v1/clients/{client}/counterfactual")
    for lang, refusal, change in (("en", "we are unable to accept your credit application", "What could change"),
                                  ("fr", "nous ne pouvons pas donner une suite favorable", "Ce qui pourrait changer")):
        response = web.get("/letter", params={"client": client, "lang": lang})
        assert response.status_code == 200 and no_traceback(response.text)
        page = response.text
        assert f'<html lang="{lang}">' in page
        text = text_of(page)
        assert refusal in text and change in text
        for reason in explanation["reasons"]:
            assert text_of(reason["text"][lang]) in text
        if counterfactual["status"] == "found":
            assert 'class="cf-sentence"' in page
        assert "vega" not in page and "/static/print.css" in page  # no chart library; its print layout
        assert stack.advisor.username in text


def test_letter_of_a_granted_client(web: httpx.Client, clients: dict[str, list[int]]) -> None:
    text = text_of(web.get("/letter", params={"client": clients["granted"][-3], "lang": "en"}).text)
    assert "your credit application has been accepted" in text
    assert "no change is needed" in text


def test_letter_follows_the_advisors_final_decision(web: httpx.Client, clients: dict[str, list[int]]) -> None:
    client = clients["refused"][-2]
    recorded = web.post("/fragments/decisions", headers=HX,
                        data={"client": str(client), "choice": "override", "reason": "Guarantor added."})
    assert recorded.status_code == 200
    text = text_of(web.get("/letter", params={"client": client, "lang": "en"}).text)
    assert "your credit application has been accepted" in text
    assert "Your advisor reviewed your application personally" in text


def test_letter_of_an_unknown_client(web: httpx.Client) -> None:
    response = web.get("/letter", params={"client": 1, "lang": "en"})
    assert response.status_code == 200 and "Client 1 is unknown." in text_of(response.text)
