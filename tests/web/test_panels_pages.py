"""The model page and the printable letter on the real stack."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from credit_core import db
from credit_web import auth
from credit_web.reasons import sentence
from tests.web._panels import HX, api, chart_specs, clients_by_decision, no_traceback, pct, text_of
from tests.web._session import sign_in
from tests.web._stack import Login, Stack

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
    # The card: written by the dashboard from the report (issue 13 item F), no raw Markdown, no server path.
    card = page.split('class="model-card"', 1)[1]
    assert "Intended use" in text_of(card) and "Limitations" in text_of(card)
    assert "\n## " not in card and "**" not in card and "Source:" not in card


def test_model_page_in_french(web: httpx.Client) -> None:
    page = web.get("/model", params={"lang": "fr"}).text
    text = text_of(page)
    assert "Le modèle" in text and "Par tranche d'âge" in text and "Usage prévu" in text and "Limites" in text


def _advisor_named(stack: Stack, username: str, display_name: str) -> Login:
    """A fresh advisor account with a display name (the stack's own advisor stays as it is)."""
    login = Login(username, "a long test password 1", "advisor")

    async def create() -> None:
        engine = db.create_engine(stack.database_url, pool_size=1)
        try:
            async with db.session_factory(engine)() as session:
                await auth.create_user(session, login.username, login.password, login.role)
                await auth.set_display_name(session, login.username, display_name)
        finally:
            await engine.dispose()

    asyncio.run(create())
    return login


def test_letter_without_advisor_review_says_it_is_automated_and_matches_the_counterfactual(
        stack: Stack, web: httpx.Client, clients: dict[str, list[int]]) -> None:
    """Issue 13 item 2: no "checked by an advisor" without an advisor decision, no login as signature, and what
    could change the decision is exactly the counterfactual's result."""
    client = clients["refused"][-3]  # not one the decision tests or the browser tests override
    explanation = api(stack, "explain", "GET", f"/v1/clients/{client}/explanation", params={"top": 4})
    counterfactual = api(stack, "explain", "GET", f"/v1/clients/{client}/counterfactual")
    for lang, refusal, automated in (
            ("en", "we cannot accept your credit application", "no advisor has reviewed your application yet"),
            ("fr", "nous ne pouvons pas accepter votre demande", "aucun conseiller n'a encore examiné")):
        response = web.get("/letter", params={"client": client, "lang": lang})
        assert response.status_code == 200 and no_traceback(response.text)
        page = response.text
        assert f'<html lang="{lang}">' in page
        text = text_of(page)
        assert refusal in text and automated in text and 'data-reviewed="no"' in page
        assert "checked by an advisor" not in text and "vérifiée par un conseiller" not in text
        for reason in explanation["reasons"]:
            assert text_of(sentence(reason, lang)) in text
        if counterfactual["status"] == "found":
            assert 'class="cf-sentence"' in page
        elif lang == "en":
            assert "A smaller amount, a longer term" not in text  # never promise what the search ruled out
            assert ("no change of the loan turns this refusal into an approval" in text
                    or "no change could be tested" in text)
        assert "vega" not in page and "/static/print.css" in page  # no chart library; its print layout
        letter = text_of(page.split('<article class="letter"', 1)[1])  # the printed part (not the site header)
        assert stack.advisor.username not in letter  # a login is never printed
        assert "SHAP" not in text and "log-odds" not in text


def test_letter_of_a_granted_client(web: httpx.Client, clients: dict[str, list[int]]) -> None:
    text = text_of(web.get("/letter", params={"client": clients["granted"][-3], "lang": "en"}).text)
    assert "your credit application is accepted" in text
    assert "no change is needed" in text
    assert "The credit department, Prêt à dépenser" in text


def test_letter_after_an_advisor_decision_names_the_advisor(stack: Stack, clients: dict[str, list[int]]) -> None:
    """Issue 13 item 2: reviewed letters say so, with the advisor's display name and the date."""
    client = clients["refused"][-2]
    login = _advisor_named(stack, "claire.m", "Claire Martin")
    with sign_in(stack.web_url, login) as web:
        recorded = web.post("/fragments/decisions", headers=HX,
                            data={"client": str(client), "choice": "override", "reason": "Guarantor added."})
        assert recorded.status_code == 200
        page = web.get("/letter", params={"client": client, "lang": "en"}).text
        text = text_of(page.split('<article class="letter"', 1)[1])  # the printed part (not the site header)
        assert "your credit application is accepted" in text
        assert "Your advisor, Claire Martin, reviewed your application on" in text
        assert "This decision differs from the assessment tool's result." in text
        assert "Claire Martin, Prêt à dépenser" in text and "claire.m" not in text
        fr = text_of(web.get("/letter", params={"client": client, "lang": "fr"}).text)
        assert "Votre conseiller, Claire Martin, a examiné votre demande le" in fr


def test_letter_of_an_unknown_client(web: httpx.Client) -> None:
    response = web.get("/letter", params={"client": 1, "lang": "en"})
    assert response.status_code == 200 and "Client 1 is unknown." in text_of(response.text)
