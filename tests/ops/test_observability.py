"""The observability profile, without an engine: Prometheus scrapes what the services expose (their internal metrics
port, every replica), and the provisioned Grafana dashboard only queries metrics the services define, audit columns
that exist, and data sources that are provisioned. (deploy/compose-test runs Prometheus against the live stack.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from credit_core import orm
from credit_core.service.observability import Metrics

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def test_prometheus_scrapes_every_replica_on_the_internal_metrics_port() -> None:
    compose = yaml(DEPLOY / "docker-compose.yml")
    metrics_port = int(compose["x-app-env"]["METRICS_PORT"])
    jobs = {job["job_name"]: job for job in yaml(DEPLOY / "prometheus" / "prometheus.yml")["scrape_configs"]}
    for service in ("scoring", "explain", "web"):
        (sd,) = jobs[service]["dns_sd_configs"]
        assert sd["names"] == [service] and sd["type"] == "A" and sd["port"] == metrics_port
        assert str(metrics_port) in compose["services"][service]["expose"]
        assert not compose["services"][service].get("ports")  # never published
    assert jobs["haproxy"]["static_configs"][0]["targets"] == ["lb:8404"]
    assert "prometheus-exporter" in (DEPLOY / "haproxy" / "haproxy.cfg").read_text()


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEPLOY / "grafana" / "dashboards" / "services.json").read_text())
    return data


def test_dashboard_covers_what_the_issue_asks() -> None:
    titles = " | ".join(p["title"].lower() for p in dashboard()["panels"])
    for wanted in ("request rate", "latency", "error rate", "decisions per minute", "approval rate", "model version"):
        assert wanted in titles, wanted


def test_dashboard_queries_only_defined_metrics_and_provisioned_sources() -> None:
    registry = Metrics("probe").registry
    defined = {sample.name for family in registry.collect() for sample in family.samples} | {
        "http_request_duration_seconds_bucket", "http_request_duration_seconds_count", "http_errors_total",
        "model_active_info"}
    defined |= {"up", "haproxy_backend_active_servers"}  # Prometheus' own and HAProxy's exporter
    sources = yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "datasources.yaml")["datasources"]
    uids = {s["uid"]: s["type"] for s in sources}
    columns = {c.name for c in orm.Decision.__table__.columns}
    for panel in dashboard()["panels"]:
        for target in panel["targets"]:
            assert uids[target["datasource"]["uid"]] == target["datasource"]["type"], panel["title"]
            if "expr" in target:
                names = set(re.findall(r"\b([a-z_]+)(?=\{|\[| ==|\)|$)", target["expr"])) - {
                    "sum", "by", "rate", "histogram_quantile", "job", "le", "status"}
                assert names <= defined, (panel["title"], names - defined)
            else:
                sql = target["rawSql"]
                assert "FROM decision" in sql
                used = set(re.findall(r"\b(created_at|decision|request_id|model_version|caller)\b", sql))
                assert used <= columns | {"decision"}, panel["title"]
