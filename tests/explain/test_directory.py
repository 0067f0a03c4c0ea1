"""Client search by id prefix and the profile card, over a real database and the real app (no model needed)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import numpy as np
import polars as pl
import pytest
from asgi_lifespan import LifespanManager

from credit_core import feature_store, homecredit
from credit_core.explain import profile, store
from credit_core.service import auth
from credit_explain.config import ExplainSettings
from credit_explain.main import create_app
from tests.explain import _service

# Ids of every length, sharing leading digits, so prefixes must match across lengths and stop at the right place.
FEATURED_IDS = [1, 9, 12, 19, 99, 120, 123, 129, 130, 1000, 1234, 12345, 99999, 100001, 123456, 123457, 123499,
                124000, 200000, 999999, 1234567, 9_000_000_000_000_000_000]
NO_FEATURES_ID = 123400  # an application without features: not a search result, still has a profile
STALE_VERSION_ID = 123401  # features of another feature-set version: not a search result
UNLABELLED = {123457, 200000}
PENSIONER_ID = 123456


def _applications() -> list[dict[str, Any]]:
    ids = [*FEATURED_IDS, NO_FEATURES_ID, STALE_VERSION_ID]
    apps, _ = _service.raw_applications(len(ids), 5)
    for app, cid in zip(apps, ids, strict=True):
        app["SK_ID_CURR"] = cid
    pensioner = apps[FEATURED_IDS.index(PENSIONER_ID)]
    pensioner.update({"DAYS_BIRTH": -25_000.0, "DAYS_EMPLOYED": 365243.0, "NAME_INCOME_TYPE": "Pensioner",
                      "AMT_INCOME_TOTAL": 202_500.0, "NAME_FAMILY_STATUS": "Widow", "CODE_GENDER": "F",
                      "CNT_CHILDREN": 0.0, "OCCUPATION_TYPE": None, "NAME_HOUSING_TYPE": "House / apartment"})
    return apps


async def _seed(url: str, apps: list[dict[str, Any]]) -> str:
    frame = _service.feature_frame(apps, np.zeros(len(apps), dtype=int))
    labels = [None if cid in UNLABELLED else int(cid % 2) for cid in frame["SK_ID_CURR"].to_list()]
    records = list(feature_store.encode(frame.drop("TARGET"), pl.Series(labels, dtype=pl.Int64)))
    records = [r for r in records if r[0] != NO_FEATURES_ID]
    records = [(r[0], "old-version", *r[2:]) if r[0] == STALE_VERSION_ID else r for r in records]
    conn = await asyncpg.connect(_service._dsn(url))
    try:
        columns = homecredit.APPLICATION.column_names
        await conn.copy_records_to_table("application", records=[tuple(a.get(c) for c in columns) for a in apps],
                                         columns=columns)
        async with conn.transaction():
            await feature_store.replace_all(conn, records)
        key = auth.generate_key()
        await conn.execute("INSERT INTO api_key (name, key_hash) VALUES ($1, $2)", "tests", auth.hash_key(key))
        return key
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def client(fresh_database) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    url = fresh_database()
    key = await _seed(url, _applications())
    settings = ExplainSettings(database_url=url, model_poll_seconds=0.2)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://explain",
                                     headers={"Authorization": f"Bearer {key}"}) as c:
            yield c


def test_prefix_ranges_cover_exactly_the_ids_with_that_prefix() -> None:
    ranges = store.prefix_ranges("12")
    assert ranges[:3] == [(12, 12), (120, 129), (1200, 1299)]
    assert all(high < next_low for (_, high), (next_low, _) in itertools.pairwise(ranges))
    assert ranges[-1][1] <= 2**63 - 1
    assert store.prefix_ranges("0") == [] and store.prefix_ranges("012") == [] and store.prefix_ranges("") == []
    assert store.prefix_ranges("9" * 20) == []
    for cid in (12, 129, 1299999, 12 * 10**17):
        assert any(low <= cid <= high for low, high in ranges)
    for cid in (1, 13, 130, 1300, 11 * 10**17):
        assert not any(low <= cid <= high for low, high in ranges)


@pytest.mark.parametrize("prefix", ["1", "12", "123", "1234", "12345", "9", "99", "2", "124", "7", "123456"])
async def test_search_matches_the_decimal_prefix_in_ascending_order(client: httpx.AsyncClient, prefix: str) -> None:
    r = await client.get("/v1/clients", params={"prefix": prefix, "limit": 50})
    assert r.status_code == 200, r.text
    got = r.json()["clients"]
    expected = sorted(cid for cid in FEATURED_IDS if str(cid).startswith(prefix))
    assert [c["client_id"] for c in got] == expected
    assert all(c["has_outcome"] == (c["client_id"] not in UNLABELLED) for c in got)


async def test_search_limit_keeps_the_smallest_ids(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/clients", params={"prefix": "1", "limit": 4})).json()
    assert [c["client_id"] for c in body["clients"]] == [1, 12, 19, 120]
    default = (await client.get("/v1/clients", params={"prefix": "1"})).json()["clients"]
    assert len(default) == 10


async def test_search_skips_clients_without_current_features(client: httpx.AsyncClient) -> None:
    ids = [c["client_id"] for c in (await client.get("/v1/clients", params={"prefix": "1234"})).json()["clients"]]
    assert NO_FEATURES_ID not in ids and STALE_VERSION_ID not in ids and 123400 not in ids


@pytest.mark.parametrize("params", [{"prefix": "12a"}, {"prefix": "-1"}, {"prefix": ""}, {},
                                    {"prefix": "1" * 20}, {"prefix": "1", "limit": 51},
                                    {"prefix": "1", "limit": 0}])
async def test_search_rejects_bad_input(client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    r = await client.get("/v1/clients", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_search_needs_an_api_key(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/clients", params={"prefix": "1"}, headers={"Authorization": ""})).status_code == 401
    assert (await client.get("/v1/clients/1/profile", headers={"Authorization": ""})).status_code == 401


def _fields(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in body["fields"]}


async def test_profile_card_gives_data_in_no_language(client: httpx.AsyncClient) -> None:
    r = await client.get(f"/v1/clients/{PENSIONER_ID}/profile")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["client_id"] == PENSIONER_ID
    fields = _fields(body)
    assert [f["name"] for f in body["fields"]] == [f.name for f in profile.FIELDS]
    for field in body["fields"]:  # words and formats are the reader's (the dashboard's catalogues)
        assert set(field) == {"name", "kind", "value", "status"}
    assert fields["AMT_INCOME_TOTAL"]["value"] == 202_500.0
    assert fields["AGE_YEARS"]["value"] == pytest.approx(25_000 / 365.25)
    employed = fields["YEARS_EMPLOYED"]
    assert employed["value"] is None and employed["status"] == profile.NOT_EMPLOYED  # an answer, not a gap
    assert fields["NAME_INCOME_TYPE"]["value"] == "Pensioner"
    assert fields["CODE_GENDER"]["value"] == "F" and fields["NAME_FAMILY_STATUS"]["value"] == "Widow"
    assert fields["OCCUPATION_TYPE"]["value"] is None and fields["OCCUPATION_TYPE"]["status"] == profile.MISSING
    assert fields["CNT_CHILDREN"]["value"] == 0.0 and fields["CNT_CHILDREN"]["status"] == profile.PRESENT


async def test_profile_of_an_employed_client_counts_years_in_job(client: httpx.AsyncClient) -> None:
    apps = {a["SK_ID_CURR"]: a for a in _applications()}
    fields = _fields((await client.get("/v1/clients/12/profile")).json())
    expected_years = -apps[12]["DAYS_EMPLOYED"] / 365.25
    assert fields["YEARS_EMPLOYED"]["value"] == pytest.approx(expected_years)
    assert fields["AMT_CREDIT"]["value"] == pytest.approx(apps[12]["AMT_CREDIT"])


async def test_profile_without_features_and_unknown_client(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"/v1/clients/{NO_FEATURES_ID}/profile")).status_code == 200
    r = await client.get("/v1/clients/555/profile")
    assert r.status_code == 404 and r.json()["title"] == "client not found"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/v1/clients/abc/profile")).status_code == 422
    assert (await client.get("/v1/clients/0/profile")).status_code == 422
