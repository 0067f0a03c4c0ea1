"""Checks of a running compose deployment, from outside (run by deploy/compose-test, never by the plain test run:
the file name does not match test_*.py). Everything goes through the balancer's published port or through the
compose network (`docker compose exec`), as a user or an operator would.

Environment (set by deploy/compose-test): COMPOSE_CMD (the `docker compose ... ` prefix), WEB_URL, E2E_USER,
E2E_PASSWORD, SERVICE_API_KEY.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
import uuid
from functools import cache

import httpx
import pytest

from tests.web._panels import HX, no_traceback, pct, text_of
from tests.web._session import sign_in
from tests.web._stack import Login

if "COMPOSE_CMD" not in os.environ:  # collected by hand outside deploy/compose-test
    pytest.skip("needs a running compose stack (deploy/compose-test)", allow_module_level=True)

COMPOSE = shlex.split(os.environ["COMPOSE_CMD"])
WEB_URL = os.environ["WEB_URL"]
LOGIN = Login(os.environ["E2E_USER"], os.environ["E2E_PASSWORD"], "advisor")


def compose(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([*COMPOSE, *args], input=stdin, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def sql(query: str) -> str:
    """One value from the compose database (psql inside the db container)."""
    return compose("exec", "-T", "db", "psql", "-U", "credit", "-d", "credit", "-Atc", query).strip()


@cache
def a_client() -> int:
    return int(sql("SELECT sk_id_curr FROM client_feature ORDER BY sk_id_curr LIMIT 1"))


def test_health_through_the_balancer() -> None:
    response = httpx.get(f"{WEB_URL}/healthz", timeout=10)
    assert response.status_code == 200


def test_sign_in_and_a_clients_score_panel() -> None:
    with sign_in(WEB_URL, LOGIN) as web:
        page = web.get("/fragments/score", params={"client": a_client(), "lang": "en"}, headers=HX)
        assert page.status_code == 200, page.text
        assert no_traceback(page.text)
        assert 'data-decision="' in page.text
        decision = page.text.split('data-decision="', 1)[1].split('"', 1)[0]
        assert decision in ("granted", "refused")
        # The number shown is the one scoring gives for that client.
        expected = api_score(a_client(), str(uuid.uuid4()))
        assert pct(expected["probability_default"], "en") in text_of(page.text)


def api_score(client: int, request_id: str) -> dict[str, object]:
    """GET /v1/clients/{id}/score on scoring, with the service key, from inside the compose network (the web
    container), through the balancer's internal scoring port."""
    probe = (
        "import os, sys, urllib.request\n"
        f"r = urllib.request.Request('http://lb:8001/v1/clients/{client}/score', headers={{\n"
        "    'Authorization': 'Bearer ' + os.environ['SERVICE_API_KEY'],\n"
        f"    'X-Request-ID': {request_id!r}}})\n"
        "sys.stdout.write(urllib.request.urlopen(r, timeout=30).read().decode())\n"
    )
    out = compose("exec", "-T", "web", "python", "-c", probe)
    result: dict[str, object] = json.loads(out)
    return result


def test_api_call_with_a_key_inside_the_network_is_audited() -> None:
    request_id = uuid.uuid4().hex
    body = api_score(a_client(), request_id)
    assert body["client_id"] == a_client()
    row = sql(f"SELECT id, client_id, decision, model_version, caller FROM decision WHERE request_id = '{request_id}'")
    decision_id, client, decision, version, caller = row.split("|")
    assert int(decision_id) == body["decision_id"]
    assert int(client) == a_client()
    assert (decision, version) == (body["decision"], body["model_version"])
    assert caller.startswith("web")  # the key bootstrap registered from SERVICE_API_KEY


def test_only_the_balancer_is_published() -> None:
    published = compose("ps", "--format", "{{.Service}} {{.Publishers}}")
    for line in published.splitlines():
        service, _, publishers = line.partition(" ")
        if service != "lb":
            assert "0.0.0.0" not in publishers and "::" not in publishers, line


def test_a_decision_is_published_to_nats_by_the_relay() -> None:
    """Scoring writes the decision's outbox row in its audit transaction; the events-relay service marks it
    published once NATS JetStream has acknowledged it."""
    request_id = str(uuid.uuid4())
    decision = api_score(a_client(), request_id)
    published = ""
    for _ in range(60):
        published = sql(f"SELECT e.published_at IS NOT NULL FROM decision_event e WHERE e.decision_id = "
                        f"{int(decision['decision_id'])}")  # type: ignore[call-overload]
        if published == "t":
            break
        time.sleep(1)
    assert published == "t", f"decision {decision['decision_id']} not published (outbox row: {published!r})"
