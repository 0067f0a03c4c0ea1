"""Item 9: a client's X-Request-ID is kept only in a strict format (UUID-like: [A-Za-z0-9-]{8,64}), otherwise a
new one is generated; the audit stores the id the service kept, never the raw header, and keys its rows by their
own unique id (two requests may share a request id)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.security._dashboard import sql
from tests.security._servers import Apis

GENERATED = re.compile(r"[0-9a-f]{32}")
BAD_IDS = ['<script>alert(1)</script>', '"quoted" id', "x" * 128, "short", "tab\there-1234", "latin-1-é-1234",
           "semi;colon-1234", "a" * 65]


def _score(apis: Apis, request_id: str | None) -> httpx.Response:
    # Header values go as latin-1 bytes, as any client may send them.
    headers = {**apis.auth, **({"X-Request-ID": request_id.encode("latin-1")} if request_id is not None else {})}
    response = httpx.get(f"{apis.scoring_url}/v1/clients/{apis.client_ids[4]}/score", headers=headers, timeout=60)
    assert response.status_code == 200, response.text
    return response


def _stored(apis: Apis, decision_id: int) -> str:
    (row,) = sql(apis.database_url, "SELECT request_id FROM decision WHERE id = $1", decision_id)
    return str(row["request_id"])


@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_malformed_request_id_is_replaced_everywhere(apis: Apis, bad: str) -> None:
    response = _score(apis, bad)
    kept = response.headers["x-request-id"]
    assert GENERATED.fullmatch(kept)
    assert _stored(apis, response.json()["decision_id"]) == kept


@pytest.mark.parametrize("good", [str(uuid.uuid4()), uuid.uuid4().hex, "web-1234abcd", "A" * 64])
def test_a_well_formed_request_id_is_kept_and_audited(apis: Apis, good: str) -> None:
    response = _score(apis, good)
    assert response.headers["x-request-id"] == good
    assert _stored(apis, response.json()["decision_id"]) == good


def test_the_audit_keeps_its_own_unique_id_when_request_ids_repeat(apis: Apis) -> None:
    shared = str(uuid.uuid4())
    first, second = _score(apis, shared).json(), _score(apis, shared).json()
    assert first["decision_id"] != second["decision_id"]
    assert _stored(apis, first["decision_id"]) == _stored(apis, second["decision_id"]) == shared


def test_the_same_rule_holds_for_explain_and_for_unauthenticated_answers(apis: Apis) -> None:
    for url, headers in ((f"{apis.explain_url}/healthz", {}), (f"{apis.scoring_url}/v1/model", {})):
        response = httpx.get(url, headers={**headers, "X-Request-ID": "<b>bold</b>"})
        assert GENERATED.fullmatch(response.headers["x-request-id"])
