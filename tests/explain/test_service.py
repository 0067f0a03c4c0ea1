from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import numpy as np
import polars as pl
import pytest
from asgi_lifespan import LifespanManager

from credit_core import model
from credit_explain.config import ExplainSettings
from credit_explain.main import create_app
from tests._waiting import until_async
from tests.explain import _service

N_CLIENTS, UNLABELLED = 1500, 100


@pytest.fixture(scope="module")
def seeded(fresh_database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    import asyncio

    url = fresh_database()
    apps, target = _service.raw_applications(N_CLIENTS, 11)
    frame = _service.feature_frame(apps, target)
    bundle_dir = _service.write_bundle(frame.head(N_CLIENTS - UNLABELLED), Path(tmp_path_factory.mktemp("bundle")))
    bundle = model.ModelBundle.load(bundle_dir)
    key = asyncio.run(_service.seed(url, apps, frame, bundle_dir, unlabelled=UNLABELLED))
    return {"url": url, "apps": apps, "frame": frame, "bundle": bundle, "key": key}


@pytest.fixture(scope="module")
async def client(seeded: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    settings = ExplainSettings(database_url=seeded["url"], model_poll_seconds=0.2, shap_batch_size=500)
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        headers = {"Authorization": f"Bearer {seeded['key']}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://explain", headers=headers) as c:
            await _service.settled(app)  # context + similar index + SHAP precompute
            yield c


def _raw(bundle: Any, frame: pl.DataFrame) -> np.ndarray:
    return np.asarray(bundle.model.predict(bundle.to_model_input(frame), prediction_type="RawFormulaVal"))


async def test_explanation_is_exact_and_precomputed(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    frame, bundle = seeded["frame"], seeded["bundle"]
    for i in (0, 7, N_CLIENTS - 1):
        cid = int(frame["SK_ID_CURR"][i])
        r = await client.get(f"/v1/clients/{cid}/explanation", params={"top": 500})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["meta"]["shap_source"] == "precomputed"
        total = body["base_value"] + sum(c["shap"] for c in body["contributions"]) + body["rest"]["shap"]
        raw = _raw(bundle, frame.slice(i, 1))[0]
        assert total == pytest.approx(raw, abs=1e-6)
        assert body["prediction"]["log_odds"] == pytest.approx(raw, abs=1e-6)
        proba = bundle.predict_proba(bundle.to_model_input(frame.slice(i, 1)))[0]
        assert body["prediction"]["probability"] == pytest.approx(proba, abs=1e-9)
        reasons = body["reasons"]
        sign = 1 if body["reasons_for"] == "refused" else -1
        assert body["reasons_for"] == ("refused" if proba >= bundle.threshold else "granted")
        assert len(reasons) <= 4 and all(sign * x["shap"] > 0 for x in reasons)
        assert [abs(x["shap"]) for x in reasons] == sorted((abs(x["shap"]) for x in reasons), reverse=True)
        assert all(x["feature"] in bundle.feature_names and x["kind"] in ("numeric", "categorical", "missing")
                   for x in reasons)
        assert not any("text" in x or "display_value" in x for x in reasons)  # data; the reader words it


async def test_precompute_filled_every_client(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        n = await conn.fetchval("SELECT count(*) FROM client_shap WHERE model_version = 'cat-1'")
    finally:
        await conn.close()
    assert n == N_CLIENTS


async def test_explanation_top_and_live_fallback(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    cid = int(seeded["frame"]["SK_ID_CURR"][3])
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        await conn.execute("DELETE FROM client_shap WHERE sk_id_curr = $1", cid)
    finally:
        await conn.close()
    r = await client.get(f"/v1/clients/{cid}/explanation", params={"top": 5})
    body = r.json()
    assert body["meta"]["shap_source"] == "live" and len(body["contributions"]) == 5
    total = body["base_value"] + sum(c["shap"] for c in body["contributions"]) + body["rest"]["shap"]
    assert total == pytest.approx(body["prediction"]["log_odds"], abs=1e-6)
    assert all(set(c) == {"feature", "value", "shap", "contribution_pp"} for c in body["contributions"])


async def test_auth_and_errors(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1/features", headers={"Authorization": ""})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    r = await client.get("/v1/clients/1/explanation")
    assert r.status_code == 404 and r.json()["title"] == "client not found"
    assert (await client.get("/v1/features/NOPE/distribution")).status_code == 404
    assert (await client.get("/v1/clients/abc/explanation")).status_code == 422
    assert (await client.get("/v1/clients/200000/explanation", params={"top": 0})).status_code == 422
    assert (await client.post("/v1/explain", json={})).status_code == 422
    assert (await client.post("/v1/explain", json={"client_id": 200000, "changes": {"DAYS_BIRTH_X": 1}})
            ).status_code == 422
    bad = await client.post("/v1/explain", json={"client_id": 200000, "changes": {"AMT_CREDIT": "lots"}})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.changes.AMT_CREDIT"
    assert (await client.get("/v1/features/AMT_CREDIT/AMT_CREDIT/joint")).status_code == 422
    assert (await client.get("/v1/features/AMT_CREDIT/NOPE/joint")).status_code == 404
    assert (await client.get("/v1/clients/200000/similar", params={"k": 0})).status_code == 422
    assert (await client.get("/v1/clients/999/counterfactual")).status_code == 404


async def test_features_catalogue(client: httpx.AsyncClient) -> None:
    from credit_core import features

    body = (await client.get("/v1/features")).json()
    assert [f["name"] for f in body["features"]] == list(features.FEATURE_NAMES)
    credit = next(f for f in body["features"] if f["name"] == "AMT_CREDIT")
    assert credit["actionable"] and credit["label"] == features.FEATURES_BY_NAME["AMT_CREDIT"].label


async def test_distribution_sums_to_population(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    cid = int(seeded["frame"]["SK_ID_CURR"][0])
    for name in ("AMT_CREDIT", "CODE_GENDER"):
        body = (await client.get(f"/v1/features/{name}/distribution", params={"client_id": cid})).json()
        n = body["population"]
        if body["kind"] == "numeric":
            got = {o: sum(body["counts"][o]) + body["missing"][o] for o in ("repaid", "defaulted")}
            assert 0 <= body["client"]["percentile"] <= 100
        else:
            got = {o: sum(c[o] for c in body["categories"]) + body["missing"][o] for o in ("repaid", "defaulted")}
        assert got == n
        assert body["client"]["value"] is not None


async def test_every_endpoint_shows_the_same_cell_alike(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    """Issue 13 item 4: a category's n and default rate are the same in the bar chart (distribution), the box plot
    (grouped joint), the heat map (crosstab margins), the client's own cell and the reasons; no rate under 30."""
    keys = ("n", "default_rate", "suppressed")
    frame = seeded["frame"]
    bar = (await client.get("/v1/features/NAME_INCOME_TYPE/distribution")).json()
    box = (await client.get("/v1/features/AMT_CREDIT/NAME_INCOME_TYPE/joint")).json()
    heat = (await client.get("/v1/features/NAME_INCOME_TYPE/CODE_GENDER/joint")).json()
    assert bar["min_cell"] == box["min_cell"] == heat["min_cell"] == 30
    assert bar["rates_population"] == box["rates_population"] == heat["rates_population"]
    by_bar = {c["value"]: {k: c[k] for k in keys} for c in bar["categories"]}
    by_box = {g["NAME_INCOME_TYPE"]: {k: g[k] for k in keys} for g in box["groups"]}
    by_heat = {m["value"]: {k: m[k] for k in keys} for m in heat["margins"]["a"] if m["n"]}
    assert by_bar == by_box == by_heat and len(by_bar) == 3
    for i in range(5):
        cid = int(frame["SK_ID_CURR"][i])
        value = frame["NAME_INCOME_TYPE"][i]
        mine = (await client.get("/v1/features/NAME_INCOME_TYPE/distribution", params={"client_id": cid})).json()
        assert {k: mine["client"][k] for k in keys} == by_bar[value]
        explained = (await client.get(f"/v1/clients/{cid}/explanation")).json()
        for reason in explained["reasons"]:
            if reason["feature"] == "NAME_INCOME_TYPE":
                assert {k: reason[k] for k in keys} == by_bar[value]
    for cell in [*bar["categories"], *heat["cells"], *box["groups"]]:
        assert cell["suppressed"] == (cell["n"] < 30)
        assert (cell["default_rate"] is None) == cell["suppressed"]


async def test_importance_and_joint(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    body = (await client.get("/v1/importance")).json()
    means = [x["mean_abs_shap"] for x in body["importance"]]
    assert means == sorted(means, reverse=True) and body["beeswarm"]
    cid = int(seeded["frame"]["SK_ID_CURR"][0])
    for a, b, kind in (("AMT_CREDIT", "EXT_SOURCE_2", "scatter"), ("AMT_CREDIT", "CODE_GENDER", "grouped"),
                       ("CODE_GENDER", "NAME_INCOME_TYPE", "crosstab")):
        r = await client.get(f"/v1/features/{a}/{b}/joint", params={"client_id": cid})
        assert r.status_code == 200, r.text
        assert r.json()["type"] == kind and set(r.json()["client"]) == {a, b}
        other = int(seeded["frame"]["SK_ID_CURR"][1])
        again = (await client.get(f"/v1/features/{a}/{b}/joint", params={"client_id": other})).json()
        alone = (await client.get(f"/v1/features/{a}/{b}/joint")).json()
        assert "client" not in alone  # a client's position never leaks into the shared population view
        assert {k: v for k, v in again.items() if k != "client"} == alone


async def test_similar(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    cid = int(seeded["frame"]["SK_ID_CURR"][N_CLIENTS - 1])  # an unlabelled (new) client
    body = (await client.get(f"/v1/clients/{cid}/similar", params={"k": 30})).json()
    assert body["k"] == 30 and len(body["neighbours"]) == 30
    assert cid not in [n["client_id"] for n in body["neighbours"]]
    defaulted = sum(n["defaulted"] for n in body["neighbours"])
    assert body["default_rate"] == defaulted / 30 and not body["rate_suppressed"]
    assert 0 < body["population_default_rate"] < 1
    few = (await client.get(f"/v1/clients/{cid}/similar", params={"k": 15})).json()
    assert len(few["neighbours"]) == 15  # listed, but 15 clients carry no rate (the rule of every rate shown)
    assert few["default_rate"] is None and few["rate_suppressed"]


async def test_counterfactual_flips_when_found(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    frame, bundle, apps = seeded["frame"], seeded["bundle"], seeded["apps"]
    proba = bundle.predict_proba(bundle.to_model_input(frame))
    refused = [int(i) for i in np.argsort(proba) if proba[i] >= bundle.threshold][:15]
    found = 0
    for i in refused:
        body = (await client.get(f"/v1/clients/{int(frame['SK_ID_CURR'][i])}/counterfactual")).json()
        assert body["current"]["decision"] == "refused"
        if body["status"] != "found":
            assert body["status"] == "none_within_bounds"
            continue
        found += 1
        changed = {**apps[i], **{f: c["to"] for f, c in body["changes"].items()}}
        r = await client.post("/v1/explain", json={"client_id": apps[i]["SK_ID_CURR"],
                                                   "changes": {f: c["to"] for f, c in body["changes"].items()}})
        assert r.json()["decision"]["decision"] == "granted"
        new = _service.feature_frame([changed], np.array([0]))
        assert bundle.predict_proba(bundle.to_model_input(new))[0] < bundle.threshold
    assert found > 0


async def test_post_explain_new_application(client: httpx.AsyncClient, seeded: dict[str, Any]) -> None:
    app = {k: v for k, v in seeded["apps"][5].items() if k != "SK_ID_CURR"}
    r = await client.post("/v1/explain", json={"application": app, "top": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    new = _service.feature_frame([{**app, "SK_ID_CURR": 1}], np.array([0]))
    raw = _raw(seeded["bundle"], new)[0]
    assert body["prediction"]["log_odds"] == pytest.approx(raw, abs=1e-6)
    assert body["decision"]["decision"] in ("granted", "refused")
    bad = await client.post("/v1/explain", json={"application": {"AMT_CREDIT": "lots"}})
    assert bad.status_code == 422
    cid = int(seeded["frame"]["SK_ID_CURR"][5])
    same = (await client.post("/v1/explain", json={"client_id": cid})).json()
    stored = (await client.get(f"/v1/clients/{cid}/explanation")).json()
    assert same["prediction"]["log_odds"] == pytest.approx(stored["prediction"]["log_odds"], abs=1e-9)


async def test_hot_swap_rebuilds_the_context(client: httpx.AsyncClient, seeded: dict[str, Any],
                                             tmp_path: Path) -> None:

    frame = seeded["frame"].head(N_CLIENTS - UNLABELLED)
    bundle_dir = _service.write_bundle(frame, tmp_path / "v2", version="cat-2", threshold=0.4)
    conn = await asyncpg.connect(_service._dsn(seeded["url"]))
    try:
        async with conn.transaction():
            await conn.execute("UPDATE model_version SET is_active = false WHERE is_active")
            await conn.execute(
                "INSERT INTO model_version (version, path, feature_set_version, threshold, metrics, details,"
                " is_active, created_at) VALUES ('cat-2', $1, $2, 0.4, '{}', '{}', true, now())",
                str(bundle_dir), seeded["bundle"].metadata["feature_set_version"],
            )
        cid = int(frame["SK_ID_CURR"][0])

        async def explained_by_the_new_version() -> dict[str, Any] | None:  # the registry is polled every 0.2 s
            body: dict[str, Any] = (await client.get(f"/v1/clients/{cid}/explanation")).json()
            return body if body["meta"]["model_version"] == "cat-2" else None

        body = await until_async(explained_by_the_new_version, "the activated version explaining")
        total = body["base_value"] + sum(c["shap"] for c in body["contributions"]) + body["rest"]["shap"]
        assert total == pytest.approx(body["prediction"]["log_odds"], abs=1e-6)
    finally:
        async with conn.transaction():  # back to the first version for any later test
            await conn.execute("UPDATE model_version SET is_active = false WHERE is_active")
            await conn.execute("UPDATE model_version SET is_active = true WHERE version = 'cat-1'")
        await conn.close()


async def test_liveness_is_open_on_the_common_path(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"Authorization": ""})
    assert response.status_code == 200
    assert response.json()["status"] in ("ok", "starting")


async def test_openapi_documents_the_new_shapes(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    documented = {"ReasonOut", "ExplanationOut", "CounterfactualOut", "CellOut", "DistributionOut", "JointOut"}
    assert documented <= set(schemas)
    assert schemas["ReasonOut"]["properties"]["direction"]["enum"] == ["raises_risk", "lowers_risk"]
    status = schemas["CounterfactualOut"]["properties"]["status"]["enum"]
    assert status == ["found", "already_granted", "none_within_bounds", "no_loan_terms"]
    ok = spec["paths"]["/v1/clients/{client_id}/counterfactual"]["get"]["responses"]["200"]
    assert "CounterfactualOut" in str(ok)
