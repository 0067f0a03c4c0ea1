"""The dashboard page, live client suggestions and the filtered variable pickers, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.web._session import sign_in
from tests.web._stack import Stack

pytestmark = pytest.mark.slow
PANEL_IDS = ("score-panel", "why-panel", "profile-panel", "compare-panel", "similar-panel", "whatif-panel",
             "decision-panel")


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with sign_in(stack.web_url, stack.advisor) as signed_in:
        yield signed_in


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"', html)


def test_suggestions_are_clients_starting_with_the_typed_digits(stack: Stack, client: httpx.Client) -> None:
    known = stack.client_ids(3)
    prefix = str(known[0])[:4]
    html = client.get("/search/clients", params={"client": prefix, "a": "AMT_CREDIT", "b": "AGE_YEARS",
                                                 "lang": "en"}, headers={"HX-Request": "true"}).text
    ids = re.findall(r'data-client="(\d+)"', html)
    assert ids and all(i.startswith(prefix) for i in ids)
    assert str(known[0]) in ids
    assert ids == sorted(ids, key=int)
    # Each suggestion opens the client with the chosen variables and language: a shareable URL.
    assert f'href="/?client={ids[0]}&amp;a=AMT_CREDIT&amp;b=AGE_YEARS&amp;lang=en"' in html


def test_suggestions_explain_what_is_wrong(client: httpx.Client) -> None:
    letters = client.get("/search/clients", params={"client": "12a", "lang": "en"}).text
    assert "A client ID contains digits only." in letters
    nobody = client.get("/search/clients", params={"client": "9999999999999", "lang": "en"}).text
    assert "No client ID starts with “9999999999999”." in nobody
    empty = client.get("/search/clients", params={"client": ""}).text
    assert "data-client" not in empty


def test_dashboard_without_client_offers_grouped_human_pickers(client: httpx.Client) -> None:
    page = client.get("/", params={"lang": "en"}).text
    assert 'id="client-input"' in page and 'name="client"' in page
    for slot in ("a", "b"):
        assert f'<select id="{slot}-select" name="{slot}"' in page
        assert f'<label for="{slot}-select">' in page
    assert '<optgroup label="Loan application">' in page and '<optgroup label="Credit cards">' in page
    assert ">Age<" in page or "Age (" in page  # human labels, not column names
    assert 'value="EXT_SOURCE_MEAN" selected' in page and 'value="CREDIT_TO_INCOME" selected' in page
    assert not any(f'id="{panel}"' in page for panel in PANEL_IDS)
    french = client.get("/", params={"lang": "fr"}).text
    assert '<optgroup label="Demande de prêt">' in french


def test_dashboard_with_client_has_every_panel_loading_its_fragment(stack: Stack, client: httpx.Client) -> None:
    client_id = stack.client_ids(1)[0]
    page = client.get("/", params={"client": client_id, "a": "AMT_CREDIT", "b": "NAME_INCOME_TYPE",
                                   "lang": "en"}).text
    for panel, path in zip(PANEL_IDS, ("score", "why", "profile", "compare", "similar", "whatif", "decisions"),
                           strict=True):
        expected = (f'id="{panel}" class="panel" hx-get="/fragments/{path}?client={client_id}'
                    f'&amp;a=AMT_CREDIT&amp;b=NAME_INCOME_TYPE&amp;lang=en" hx-trigger="load"')
        assert expected in page
    assert f'value="{client_id}"' in page
    assert 'hx-push-url="true"' in page


def test_unknown_variables_fall_back_to_the_default_pair_and_bad_ids_are_flagged(client: httpx.Client) -> None:
    page = client.get("/", params={"client": "12ab", "a": "NOT_A_FEATURE", "b": "NOT_EITHER", "lang": "en"}).text
    assert 'value="EXT_SOURCE_MEAN" selected' in page and 'value="CREDIT_TO_INCOME" selected' in page
    assert "A client ID contains digits only." in page and 'aria-invalid="true"' in page
    assert 'id="score-panel"' not in page
    same = client.get("/", params={"a": "AMT_CREDIT", "b": "AMT_CREDIT"}).text
    assert 'value="AMT_CREDIT" selected' in same and same.count(" selected") == 2  # b moved off a's variable


def test_variable_filter_narrows_the_list_and_keeps_the_selection(client: httpx.Client) -> None:
    html = client.get("/search/variables", params={"slot": "a", "q": "AGE", "a": "AMT_CREDIT", "lang": "fr"}).text
    values = option_values(html)
    assert "AGE_YEARS" in values
    assert "AMT_CREDIT" in values  # the current choice stays selectable
    assert 'value="AMT_CREDIT" selected' in html
    everything = option_values(client.get("/search/variables", params={"slot": "a", "lang": "fr"}).text)
    assert len(values) < len(everything) / 4
    accents = option_values(client.get("/search/variables", params={"slot": "b", "q": "âge", "lang": "fr"}).text)
    assert "AGE_YEARS" in accents
    none = client.get("/search/variables", params={"slot": "b", "q": "zzzzqqq", "lang": "en"}).text
    assert "No variable matches “zzzzqqq”." in none
