"""The Kubernetes manifests (deploy/k8s): valid against the Kubernetes API schemas (kubernetes-validate, strict: an
unknown field fails), and what a deployment needs: the three services with probes, resources and a CPU autoscaler,
the bootstrap Job, secrets only through Secret objects, and the same commands as compose."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SERVICES = {"scoring": 8001, "explain": 8002, "web": 8000}
SECRET_KEYS = {"DATABASE_URL", "SERVICE_API_KEY", "SESSION_SECRET"}
# The oldest Kubernetes minor still commonly run and the newest the validator knows.
VERSIONS = ("1.30.0", kubernetes_validate.latest_version())


@cache
def documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        docs.extend(d for d in YAML(typ="safe").load_all(path.read_text()) if d)
    return docs


def find(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def containers(kind: str, name: str) -> list[dict[str, Any]]:
    spec: list[dict[str, Any]] = find(kind, name)["spec"]["template"]["spec"]["containers"]
    return spec


@pytest.mark.parametrize("version", VERSIONS)
def test_every_manifest_is_valid_for_the_kubernetes_api(version: str) -> None:
    assert documents()
    for doc in documents():
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']} (k8s {version}): {error.message} at {error.path}")


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_has_probes_resources_and_a_cpu_autoscaler(name: str) -> None:
    (container,) = containers("Deployment", name)
    port = SERVICES[name]
    assert {"name": "http", "containerPort": port} in container["ports"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthz", (name, probe)
    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"])
    service = find("Service", name)
    assert service["spec"]["selector"] == find("Deployment", name)["spec"]["selector"]["matchLabels"]
    assert [p["port"] for p in service["spec"]["ports"]] == [port]  # the metrics port stays inside the pod network
    hpa = find("HorizontalPodAutoscaler", name)["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    assert hpa["minReplicas"] >= 2 and hpa["maxReplicas"] > hpa["minReplicas"]
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]


def test_commands_match_compose() -> None:
    compose = YAML(typ="safe").load((ROOT / "deploy" / "docker-compose.yml").read_text())["services"]
    for name in SERVICES:
        (container,) = containers("Deployment", name)
        assert container["command"] == compose[name]["command"], name
    job = find("Job", "bootstrap")
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert containers("Job", "bootstrap")[0]["command"] == compose["bootstrap"]["command"]


def test_secrets_only_from_secret_objects() -> None:
    secrets = [d for d in documents() if d["kind"] == "Secret"]
    assert all("CHANGE-ME" in str(v) for s in secrets for v in s.get("stringData", {}).values()), "example only"
    config = find("ConfigMap", "credit-config")["data"]
    assert not SECRET_KEYS & set(config)
    for doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            for var in container.get("env", []):
                if var["name"] in SECRET_KEYS:
                    assert "secretKeyRef" in var["valueFrom"], (doc["metadata"]["name"], var["name"])
                    assert var["valueFrom"]["secretKeyRef"]["name"] == "credit-secrets"


def test_pods_run_as_the_images_non_root_user_without_privileges() -> None:
    for doc in documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] and pod["securityContext"]["runAsUser"] == 10001
        for container in pod["containers"]:
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
