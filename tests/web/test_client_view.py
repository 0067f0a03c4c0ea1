"""Issue 13 item 10, the client's own view (`/c/{token}`), route by route: an advisor creates a link; the client
opens it without any session and sees only their own data, the decision, its reasons and what would change it;
downloads; expired (moved clock), tampered and revoked links; audit of each use; nothing of the advisor's session.

A web app runs in-process against the stack's database and live scoring and explain services, so that its clock
can be moved (the shared stack keeps running for the other tests).
"""

from __future__ import annotations

import csv
import html
import io
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from itsdangerous.encoding import base64_decode, base64_encode

from credit_web import client_file, client_links, reasons
from credit_web.config import WebSettings
from credit_web.main import create_app
from credit_web.routes._fetch import Failure
from tests.web._panels import api, clients_by_decision, no_traceback, text_of
from tests.web._stack import Stack

pytestmark = pytest.mark.slow
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r'id="client-link-url"[^>]*value="([^"]+)"')
DAY = 24 * 3600.0


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        import time

        return time.time() + self.offset


@dataclass
class Web:
    app: FastAPI
    advisor: httpx.AsyncClient  # signed in
    anonymous: httpx.AsyncClient  # no cookie at all: the client's browser
    clock: Clock
    csrf: str

    async def create_link(self, client: int, lang: str = "fr") -> str:
        response = await self.advisor.post("/fragments/client-links", params={"lang": lang},
                                           data={"client": str(client), "link_lang": lang, "csrf_token": self.csrf},
                                           headers={"HX-Request": "true"})
        assert response.status_code == 200, response.text
        found = LINK.search(response.text)
        assert found, response.text
        return html.unescape(found.group(1))


@asynccontextmanager
async def in_process_web(stack: Stack) -> AsyncIterator[Web]:
    settings = WebSettings(database_url=stack.database_url, service_api_key=stack.api_key,
                           session_secret=secrets.token_urlsafe(32), scoring_url=stack.scoring_url,
                           explain_url=stack.explain_url, backend_timeout=60)
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), \
            httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as advisor, \
            httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60,
                              headers={"Accept": "text/html"}) as anonymous:
        token = CSRF.search((await advisor.get("/login")).text).group(1)  # type: ignore[union-attr]
        signed = await advisor.post("/login", data={"username": stack.advisor.username,
                                                     "password": stack.advisor.password, "csrf_token": token})
        assert signed.status_code == 303
        page = (await advisor.get("/", headers={"Accept": "text/html"})).text
        csrf = CSRF.search(page) or re.search(r'"X-CSRF-Token": "([^"]+)"', html.unescape(page))
        assert csrf
        advisor.headers["X-CSRF-Token"] = csrf.group(1)
        yield Web(app, advisor, anonymous, clock, csrf.group(1))


@pytest.fixture(scope="module")
async def web_app(stack: Stack) -> AsyncIterator[Web]:
    async with in_process_web(stack) as web:
        yield web


@pytest.fixture(scope="module")
def refused(stack: Stack) -> int:
    return clients_by_decision(stack)["refused"][-4]  # not one the decision or browser tests override


@pytest.fixture(autouse=True)
def clock_back(web_app: Web) -> Iterator[None]:
    web_app.clock.offset = 0.0
    yield
    web_app.clock.offset = 0.0


def path_of(url: str) -> str:
    return httpx.URL(url).raw_path.decode()


def expected_decision(stack: Stack, client: int) -> str:
    history = api(stack, "scoring", "GET", f"/v1/clients/{client}/history", params={"limit": 20})
    advisor = history.get("advisor_decision")
    if advisor:
        return str(advisor["final_decision"])
    return str(api(stack, "scoring", "GET", f"/v1/clients/{client}/score", params={"purpose": "api"})["decision"])


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_client_opens_the_link_without_a_session_and_sees_their_file(
        stack: Stack, web_app: Web, refused: int, lang: str) -> None:
    url = await web_app.create_link(refused, lang)
    assert re.fullmatch(r"http://testserver/c/[A-Za-z0-9_.\-]+\?lang=" + lang, url), url
    response = await web_app.anonymous.get(path_of(url))
    assert response.status_code == 200, response.text
    assert "set-cookie" not in response.headers  # no session, no language cookie for the client
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    page = response.text
    assert no_traceback(page) and f'lang="{lang}"' in page
    text = text_of(page)
    decision = expected_decision(stack, refused)
    assert f'data-decision="{decision}"' in page
    # The reasons are the dashboard's and the letter's own sentences (one wording).
    explanation = api(stack, "explain", "GET", f"/v1/clients/{refused}/explanation", params={"top": 4})
    expected = reasons.sentences(explanation, lang)
    assert expected and all(text_of(html.escape(sentence)) in text for sentence in expected)
    # What would change it: the counterfactual's own result, stated as found or as none within bounds.
    counterfactual = api(stack, "explain", "GET", f"/v1/clients/{refused}/counterfactual")
    assert f'data-status="{counterfactual["status"]}"' in page
    words = {"fr": ("Vos informations", "Montant du crédit", "Télécharger en JSON"),
             "en": ("Your information", "Credit amount", "Download as JSON")}[lang]
    assert all(w in text for w in words)
    # No advisor control, nothing of any session: no form, no CSRF token, no script, no way to other clients.
    assert "<form" not in page and "<script" not in page and "csrf" not in page.lower()
    assert web_app.csrf not in page
    assert 'href="/"' not in page and "/fragments/" not in page and "/letter" not in page


async def test_no_other_client_appears_in_the_page_or_the_downloads(stack: Stack, web_app: Web,
                                                                    refused: int) -> None:
    url = path_of(await web_app.create_link(refused, "en"))
    neighbours = api(stack, "explain", "GET", f"/v1/clients/{refused}/similar", params={"k": 20})["neighbours"]
    others = {str(n["client_id"]) for n in neighbours} | {str(c) for c in stack.client_ids(50)} - {str(refused)}
    assert others
    for path in (url, url.replace("?", "/data.json?"), url.replace("?", "/data.csv?")):
        body = (await web_app.anonymous.get(path)).text
        assert str(refused) in body
        found = set(re.findall(r"\d{6,}", body)) & others
        assert not found, f"{path}: other clients {found}"


async def _download(web_app: Web, client: int, lang: str, extension: str, media_type: str) -> httpx.Response:
    """The client's data file (`data.json` or `data.csv`) through a new link, checked to be a download."""
    url = path_of(await web_app.create_link(client, lang))
    response = await web_app.anonymous.get(url.replace("?", f"/data.{extension}?"))
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="pret-a-depenser-{client}.{extension}"'
    return response


async def test_data_json_is_the_clients_data_decision_and_reasons(stack: Stack, web_app: Web, refused: int) -> None:
    response = await _download(web_app, refused, "fr", "json", "application/json")
    data = orjson.loads(response.content)
    assert data["client_id"] == refused and data["language"] == "fr"
    profile = api(stack, "explain", "GET", f"/v1/clients/{refused}/profile")
    assert [f["name"] for f in data["personal_data"]] == [f["name"] for f in profile["fields"]]
    amount = next(f for f in data["personal_data"] if f["name"] == "AMT_CREDIT")
    assert amount["label"] == "Montant du crédit" and amount["value"] == next(
        f["value"] for f in profile["fields"] if f["name"] == "AMT_CREDIT") and amount["display"].endswith("€")
    assert data["decision"]["decision"] == expected_decision(stack, refused)
    assert 0 <= data["decision"]["probability_of_default"] <= 1 and 0 < data["decision"]["threshold"] < 1
    explanation = api(stack, "explain", "GET", f"/v1/clients/{refused}/explanation", params={"top": 4})
    assert [r["text"] for r in data["reasons"]] == reasons.sentences(explanation, "fr")
    # The model's variables the reasons mention (beyond the profile) are there too, with their labels.
    shown = {f["name"] for f in data["personal_data"]}
    assert {v["name"] for v in data["model_variables"]} == {
        r["feature"] for r in explanation["reasons"] if r["feature"] not in shown}
    assert all(v["label"] for v in data["model_variables"])
    assert data["what_would_change_it"]["status"] in ("found", "none_within_bounds", "no_loan_terms",
                                                      "already_granted")


async def test_data_csv_has_a_header_row_and_the_same_data(stack: Stack, web_app: Web, refused: int) -> None:
    response = await _download(web_app, refused, "en", "csv", "text/csv; charset=utf-8")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with its mark, for spreadsheet software
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "name", "label", "value", "display"]
    by_section: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        assert len(row) == 5
        by_section.setdefault(row[0], []).append(row)
    profile = api(stack, "explain", "GET", f"/v1/clients/{refused}/profile")
    assert [r[1] for r in by_section["personal_data"]] == [f["name"] for f in profile["fields"]]
    assert ["client", "client_id", "", str(refused), str(refused)] in rows
    decision = {r[1]: r[3] for r in by_section["decision"]}
    assert decision["decision"] == expected_decision(stack, refused)
    assert by_section["reason"] and all(r[4] for r in by_section["reason"])


@pytest.mark.parametrize(("lang", "words"), [("fr", "a expiré"), ("en", "has expired")])
async def test_an_expired_link_answers_410_in_the_links_language(web_app: Web, refused: int, lang: str,
                                                                 words: str) -> None:
    url = path_of(await web_app.create_link(refused, lang))
    web_app.clock.offset = 7 * DAY - 60  # still valid a minute before the end
    assert (await web_app.anonymous.get(url)).status_code == 200
    web_app.clock.offset = 7 * DAY + 1
    for path in (url, url.replace("?", "/data.json?"), url.replace("?", "/data.csv?")):
        response = await web_app.anonymous.get(path)
        assert response.status_code == 410, path
        assert words in text_of(response.text) and no_traceback(response.text)
        assert f'lang="{lang}"' in response.text and "set-cookie" not in response.headers


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_tampered_or_foreign_token_answers_404(web_app: Web, refused: int, lang: str) -> None:
    url = path_of(await web_app.create_link(refused, lang))
    token = url.split("/c/", 1)[1].split("?", 1)[0]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    payload, _, signature = token.rpartition(".")
    other_client = client_links.LinkSigner("another secret").issue(refused, web_app.clock())[0]
    claims = orjson.loads(base64_decode(payload))
    other_id = base64_encode(orjson.dumps({**claims, "c": claims["c"] + 1})).decode()  # another client, same signature
    forged = [flipped, token[:-1], token + "x", payload, "x" * 50, "a" * 5000, other_client,
              f"{other_id}.{signature}", "%00", "a.b", "é"]
    words = {"fr": "n'est pas valide", "en": "is not valid"}[lang]
    for bad in forged:
        response = await web_app.anonymous.get(f"/c/{bad}", params={"lang": lang})
        assert response.status_code == 404, bad
        assert words in text_of(response.text) and no_traceback(response.text)
    # A client without a page: problem+json, without the token.
    response = await web_app.anonymous.get(f"/c/{flipped}/data.json", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"
    assert flipped not in response.text


@pytest.mark.parametrize(("failure", "status", "words"), [
    (Failure("scoring", None), 503, {"fr": "Un service est momentanément indisponible",
                                     "en": "A service is unavailable right now"}),
    (Failure("explain", 404), 404, {"fr": "Cette page n'existe pas", "en": "This page does not exist"})])
async def test_a_file_that_cannot_be_read_gives_the_clients_error_page(
        web_app: Web, refused: int, monkeypatch: pytest.MonkeyPatch, failure: Failure, status: int,
        words: dict[str, str]) -> None:
    """The page and both downloads: the client's own error page in the link's language (problem+json for an API
    caller), never half a file and never a server error."""
    async def unavailable(*args: object) -> client_file.ClientFile:
        raise client_file.FileUnavailable(failure)

    monkeypatch.setattr(client_file, "fetch", unavailable)
    for lang in ("fr", "en"):
        url = path_of(await web_app.create_link(refused, lang))
        for path in (url, url.replace("?", "/data.json?"), url.replace("?", "/data.csv?")):
            response = await web_app.anonymous.get(path)
            assert response.status_code == status, path
            assert 'class="notice notice-error error-page client-link-error"' in response.text, path
            assert words[lang] in text_of(response.text) and no_traceback(response.text), path
            assert f'lang="{lang}"' in response.text and "set-cookie" not in response.headers
        response = await web_app.anonymous.get(url.replace("?", "/data.json?"), headers={"Accept": "application/json"})
        assert response.status_code == status and response.headers["content-type"] == "application/problem+json"


async def test_a_revoked_link_answers_410(stack: Stack, web_app: Web, refused: int) -> None:
    url = path_of(await web_app.create_link(refused, "en"))
    assert (await web_app.anonymous.get(url)).status_code == 200
    panel = await web_app.advisor.get("/fragments/client-links", params={"client": refused, "lang": "en"},
                                      headers={"HX-Request": "true"})
    link_ids = re.findall(r'data-link="(\d+)"', panel.text)
    assert link_ids
    for link_id in link_ids:
        revoked = await web_app.advisor.post(f"/fragments/client-links/{link_id}/revoke", params={"lang": "en"},
                                             data={"client": str(refused), "csrf_token": web_app.csrf},
                                             headers={"HX-Request": "true"})
        assert revoked.status_code == 200 and "was revoked" in revoked.text
    assert "No link in force for this client." in text_of(revoked.text)
    response = await web_app.anonymous.get(url)
    assert response.status_code == 410 and "has been withdrawn" in text_of(response.text)
    response = await web_app.anonymous.get(url.replace("en", "fr"))
    assert response.status_code == 410 and "a été retiré" in text_of(response.text)


async def test_the_advisor_sees_the_link_with_its_expiry_and_uses(web_app: Web, refused: int) -> None:
    response = await web_app.advisor.post("/fragments/client-links", params={"lang": "fr"},
                                          data={"client": str(refused), "link_lang": "en", "csrf_token": web_app.csrf},
                                          headers={"HX-Request": "true"})
    text = text_of(response.text)
    url = html.unescape(LINK.search(response.text).group(1))  # type: ignore[union-attr]
    assert url.endswith("?lang=en")  # the client's language, not the advisor's
    link = await _link_of(web_app, url)
    # Babel's short date in French (dd/mm/yyyy), in the advisor's language.
    assert f"valable jusqu'au {link['expires_at']:%d/%m/%Y}" in text
    assert (link["expires_at"] - link["issued_at"]).days == 7
    assert link["issued_by"] and link["lang"] == "en"
    await web_app.anonymous.get(path_of(url))
    panel = await web_app.advisor.get("/fragments/client-links", params={"client": refused, "lang": "en"},
                                      headers={"HX-Request": "true"})
    row = re.search(rf'<tr data-link="{link["id"]}">(.*?)</tr>', panel.text, re.S)
    assert row and "advisor-test" in row.group(1) and "<td>1</td>" in row.group(1)


async def _link_of(web_app: Web, url: str) -> dict[str, Any]:
    claims = web_app.app.state.link_signer.read(path_of(url).split("/c/", 1)[1].split("?", 1)[0])
    assert claims is not None
    pool: asyncpg.Pool = web_app.app.state.pool
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM client_link WHERE nonce_hash = $1",
                                  client_links.nonce_hash(claims.nonce))
    return dict(row)


async def test_each_use_is_audited_as_a_view_with_its_request_id(web_app: Web, refused: int) -> None:
    url = path_of(await web_app.create_link(refused, "fr"))
    link = await _link_of(web_app, url)
    kinds = []
    for path, kind in ((url, "page"), (url.replace("?", "/data.json?"), "json"),
                       (url.replace("?", "/data.csv?"), "csv")):
        response = await web_app.anonymous.get(path)
        assert response.status_code == 200
        kinds.append((kind, response.headers["x-request-id"]))
    pool: asyncpg.Pool = web_app.app.state.pool
    async with pool.acquire() as conn:
        uses = await conn.fetch("SELECT kind, request_id FROM client_link_use WHERE link_id = $1 ORDER BY id",
                                link["id"])
        audited = await conn.fetch("SELECT request_id, purpose, client_id FROM decision WHERE request_id = ANY($1)",
                                   [rid for _, rid in kinds])
    assert [(u["kind"], u["request_id"]) for u in uses] == kinds
    # The score shown is in the decision audit as a view (never a decision), under the same request id.
    assert sorted((a["request_id"], a["purpose"], a["client_id"]) for a in audited) == sorted(
        (rid, "view", refused) for _, rid in kinds)


async def test_a_link_used_too_often_is_refused_for_a_while(web_app: Web, refused: int) -> None:
    url = path_of(await web_app.create_link(refused, "en"))
    link = await _link_of(web_app, url)
    pool: asyncpg.Pool = web_app.app.state.pool
    now = client_links.at(web_app.clock())
    async with pool.acquire() as conn:  # the allowance, used up just now
        await conn.executemany("INSERT INTO client_link_use (link_id, used_at, kind) VALUES ($1, $2, 'page')",
                               [(link["id"], now)] * client_links.USES_PER_WINDOW)
    response = await web_app.anonymous.get(url)
    assert response.status_code == 429 and response.headers["retry-after"] == "60"
    assert "Try again in a minute" in text_of(response.text)
    web_app.clock.offset = 61  # the window has passed
    assert (await web_app.anonymous.get(url)).status_code == 200


async def test_in_the_advisors_browser_the_page_neither_reads_nor_sets_the_session(web_app: Web,
                                                                                    refused: int) -> None:
    """The advisor turns the screen: the page opens in their signed-in browser, yet carries nothing of it."""
    url = path_of(await web_app.create_link(refused, "fr"))
    response = await web_app.advisor.get(url, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers
    assert web_app.csrf not in response.text and "advisor-test" not in response.text
    assert "Se déconnecter" not in response.text and "Sign out" not in response.text
    # ... and the advisor is still signed in afterwards.
    assert (await web_app.advisor.get("/", headers={"Accept": "text/html"})).status_code == 200


async def test_metrics_and_logs_name_the_route_never_the_token(web_app: Web, refused: int,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    url = path_of(await web_app.create_link(refused, "en"))
    token = url.split("/c/", 1)[1].split("?", 1)[0]
    with caplog.at_level("INFO"):
        await web_app.anonymous.get(url)
        await web_app.anonymous.get(url.replace("?", "/data.csv?"))
    metrics = web_app.app.state.metrics.render().body.decode()
    assert 'route="/c/{token}"' in metrics and 'route="/c/{token}/data.csv"' in metrics
    # What the app logged (the test's own HTTP client logs the URLs it requests: not the server's logs).
    logged = [r.getMessage() for r in caplog.records if not r.getMessage().startswith("HTTP Request: GET http://testserver/")]
    assert logged and token not in metrics and not [line for line in logged if token in line]
