"""A bounded fuzz run of both APIs over real HTTP (hypothesis, crafted strategies in tests/security/_fuzz.py):
at least 3,000 requests each, and not one server error. Every refusal is a problem+json answer.

Bounded by a number of examples, derandomised (the same requests every run), no wall-clock deadline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.security import _fuzz
from tests.security._servers import Apis

pytestmark = pytest.mark.slow
REQUESTS = 3_000


def _run(base_url: str, api_key: str, calls: st.SearchStrategy[_fuzz.Call]) -> Counter[int]:
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    with httpx.Client(base_url=base_url, timeout=120) as client:

        @settings(max_examples=REQUESTS, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(call=calls)
        def one(call: _fuzz.Call) -> None:
            response = call.send(client, api_key)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {call.method} {call.path[:200]} {call.params} "
                                f"{(call.body or b'')[:300]!r}: {response.text[:300]}")
            elif response.status_code >= 400 and response.headers.get("content-type") != "application/problem+json":
                failures.append(f"{response.status_code} without problem+json: {call.method} {call.path[:200]}")

        one()
    assert not failures, "\n".join(failures[:20])
    return statuses


@pytest.mark.parametrize(("service", "make"), [("scoring", _fuzz.scoring_calls), ("explain", _fuzz.explain_calls)])
def test_fuzzing_finds_no_server_error(apis: Apis, service: str,
                                       make: Callable[[list[int]], st.SearchStrategy[_fuzz.Call]]) -> None:
    base = apis.scoring_url if service == "scoring" else apis.explain_url
    statuses = _run(base, apis.api_key, make(apis.client_ids[:50]))
    assert sum(statuses.values()) >= REQUESTS
    assert not [s for s in statuses if s >= 500]
    # The run exercised the service, not only its gate: successes and each kind of refusal happened.
    assert statuses[200] > 100 and statuses[401] > 100 and statuses[422] > 500, statuses
