"""docker compose without a Docker engine: the file is valid compose, and everything it points at exists.

Checks: the compose-spec JSON schema; each built service's Dockerfile, target stage and COPY sources; each command
resolves (an importable ASGI app for uvicorn, a real `credit` command); each environment variable is a setting the
service reads; slim base, non-root user, healthchecks, restart policies; only the balancer is published (and
Grafana, in the optional observability profile); the balancer's backends are the services' ports; the local-base
override names only services of the file. The stack itself is built and run by deploy/compose-test (.ci/run).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
LOCAL_OVERRIDE = ROOT / "deploy" / "compose.local.yml"
HAPROXY_CFG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
APP_SERVICES = ("bootstrap", "scoring", "explain", "web")
LONG_RUNNING = ("scoring", "explain", "web")
# Read by uvicorn or the official postgres image, not by our settings.
FOREIGN_ENV = {"FORWARDED_ALLOW_IPS", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}
SETTINGS_CLASS = {
    "bootstrap": "credit_core.settings:Settings",
    "scoring": "credit_scoring.config:ScoringSettings",
    "explain": "credit_explain.config:ExplainSettings",
    "web": "credit_web.config:WebSettings",
}


@cache
def compose() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(COMPOSE.read_text())
    return data


def service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


@cache
def dockerfile_stages(path: Path) -> dict[str, list[tuple[str, str]]]:
    """stage name → its instructions (keyword, arguments), line continuations joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            match = re.match(r"(\S+)(?:\s+AS\s+(\S+))?", args.strip(), flags=re.IGNORECASE)
            assert match, line
            current = [("FROM", match.group(1))]
            stages[match.group(2) or f"stage{len(stages)}"] = current
        elif stages:
            current.append((keyword, args.strip()))
    return stages


def stage_chain(stages: dict[str, list[tuple[str, str]]], name: str) -> list[list[tuple[str, str]]]:
    """The stage and the stages it is built FROM, nearest first."""
    chain = []
    while name in stages:
        chain.append(stages[name])
        name = stages[name][0][1]
    return chain


def instruction(chain: list[list[tuple[str, str]]], keyword: str) -> str | None:
    """The instruction in effect for the final stage (the nearest stage that sets it)."""
    for stage in chain:
        found = [args for kw, args in stage if kw == keyword]
        if found:
            return found[-1]
    return None


def build_of(name: str) -> tuple[Path, Path, str | None]:
    build = service(name)["build"]
    context = (COMPOSE.parent / build["context"]).resolve()
    return context, context / build["dockerfile"], build.get("target")


def test_compose_file_follows_the_compose_spec() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_expected_services_and_only_the_balancer_published() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "lb", *APP_SERVICES, "nats", "events-relay", "prometheus", "grafana"}
    published = [name for name, spec in services.items() if spec.get("ports")]
    assert published == ["lb", "grafana"]
    assert service("grafana")["profiles"] == ["observability"] == service("prometheus")["profiles"]
    assert service("db")["image"].startswith("postgres:")
    assert "healthcheck" in service("db") and service("db")["volumes"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_dockerfile_target_and_copy_sources_exist(name: str) -> None:
    context, dockerfile, target = build_of(name)
    assert dockerfile.is_file(), dockerfile
    stages = dockerfile_stages(dockerfile)
    assert target in stages, f"no stage {target!r} in {dockerfile}"
    for stage in stages.values():
        for keyword, args in stage:
            if keyword != "COPY" or args.startswith("--from"):
                continue
            *sources, _destination = shlex.split(args)
            for source in sources:
                assert (context / source).exists(), f"{dockerfile.name}: COPY source {source} missing"
        for keyword, args in stage:
            if keyword == "COPY" and args.startswith("--from"):
                assert args.split()[0].split("=", 1)[1] in stages, args


@pytest.mark.parametrize("name", APP_SERVICES)
def test_image_is_slim_non_root_with_healthcheck(name: str) -> None:
    _, dockerfile, target = build_of(name)
    stages = dockerfile_stages(dockerfile)
    chain = stage_chain(stages, str(target))
    bases = [stage[0][1] for stage in chain]
    root_image = bases[-1]
    arg_defaults = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", dockerfile.read_text(), flags=re.MULTILINE))
    resolved = re.sub(r"\$\{(\w+)\}", lambda m: arg_defaults.get(m.group(1), m.group(0)), root_image)
    assert "slim" in resolved or "alpine" in resolved, resolved
    user = instruction(chain, "USER")
    assert user and user not in ("root", "0"), f"{name} runs as {user!r}"
    if name in LONG_RUNNING:
        health = instruction(chain, "HEALTHCHECK")
        assert health and "healthz" in health, f"{name}: no HEALTHCHECK on /healthz"


def test_restart_policies() -> None:
    for name in LONG_RUNNING:
        assert service(name)["restart"] in ("unless-stopped", "always", "on-failure"), name
    assert service("bootstrap")["restart"] == "no"  # a one-shot job
    for name in LONG_RUNNING:
        assert service(name)["depends_on"], name
    assert service("bootstrap")["depends_on"]["db"]["condition"] == "service_healthy"


def _command(name: str) -> list[str]:
    command = service(name).get("command")
    if command is None:
        _, dockerfile, target = build_of(name)
        cmd = instruction(stage_chain(dockerfile_stages(dockerfile), str(target)), "CMD")
        assert cmd, f"{name}: no command in compose nor CMD in its stage"
        command = json.loads(cmd)
    return list(command)


def _interpolate(value: Any) -> str:
    """Compose's ${VAR:-default} → default, ${VAR:?error} (a required secret) → a placeholder."""
    text = re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))
    return re.sub(r"\$\{\w+:\?[^}]*\}", "placeholder-from-env", text)


def _run(name: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """python ARGS with the service's compose environment (as in its container; nothing is contacted)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({k: _interpolate(v) for k, v in _environment(name).items()})
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False, cwd=ROOT, env=env)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_command_resolves(name: str) -> None:
    command = _command(name)
    if command[0] == "uvicorn":
        target = command[1]
        module, _, attribute = target.partition(":")
        probe = f"import importlib; app = getattr(importlib.import_module({module!r}), {attribute!r}); print(type(app))"
        done = _run(name, ["-c", probe])
        assert done.returncode == 0, f"{target} does not import: {done.stderr[-2000:]}"
        port = command[command.index("--port") + 1]
        _, dockerfile, target_stage = build_of(name)
        chain = stage_chain(dockerfile_stages(dockerfile), str(target_stage))
        assert port in (instruction(chain, "HEALTHCHECK") or ""), f"{name}: healthcheck probes another port"
    elif command[0] == "credit":
        done = _run(name, ["-m", "credit_cli", *command[1:], "--help"])
        assert done.returncode == 0, f"`{' '.join(command)}` is not a credit command: {done.stdout}{done.stderr}"
    else:
        pytest.fail(f"{name}: unexpected command {command}")
    _, dockerfile, target_stage = build_of(name)
    image_cmd = instruction(stage_chain(dockerfile_stages(dockerfile), str(target_stage)), "CMD")
    assert image_cmd is not None and command[:2] == json.loads(image_cmd)[:2], (
        f"{name}: the image's CMD and compose's command disagree"
    )


def _environment(name: str) -> dict[str, Any]:
    env = service(name).get("environment") or {}
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_environment_variables_are_real_settings(name: str) -> None:
    import importlib

    module, _, cls = SETTINGS_CLASS[name].partition(":")
    try:
        settings_class = getattr(importlib.import_module(module), cls)
    except ImportError:  # a service without its own settings class reads the shared ones
        from credit_core.settings import Settings as settings_class
    fields = set(settings_class.model_fields)
    env = _environment(name)
    assert "DATABASE_URL" in env and "@db:" in env["DATABASE_URL"]
    unknown = sorted(k for k in env if k not in FOREIGN_ENV and k.lower() not in fields)
    assert not unknown, f"{name}: variables no setting reads: {unknown}"


def test_secrets_come_from_the_environment_not_the_file() -> None:
    text = COMPOSE.read_text()
    for secret in ("POSTGRES_PASSWORD", "SERVICE_API_KEY", "SESSION_SECRET"):
        values = re.findall(rf"^\s*{secret}:\s*(\S+)", text, flags=re.MULTILINE)
        assert values and all(v.startswith("${") for v in values), f"{secret} must come from the environment"
    web = _environment("web")
    assert web["SCORING_URL"] == "http://lb:8001" and web["EXPLAIN_URL"] == "http://lb:8002"


def test_the_balancer_spreads_each_service_over_its_replicas() -> None:
    """Every backend is a DNS server template on the service's compose name and port, health-checked on /healthz;
    the services scaled by `replicas` publish nothing themselves (the balancer's ports are the way in)."""
    config = HAPROXY_CFG.read_text()
    for name, port in (("web", 8000), ("scoring", 8001), ("explain", 8002)):
        backend = re.split(rf"^backend {name}$", config, flags=re.MULTILINE)[1].split("\n\n", 1)[0]
        assert re.search(rf"server-template {name} \d+ {name}:{port}", backend), backend
        assert "option httpchk GET /healthz" in backend
        assert re.search(rf"bind :{port}\b", config)
        assert "replicas" in service(name)["deploy"] and not service(name).get("ports")
    assert "resolvers docker" in config and "127.0.0.11:53" in config
    done = subprocess.run(["haproxy", "-c", "-f", str(HAPROXY_CFG)], capture_output=True, text=True, check=False) \
        if shutil.which("haproxy") else None
    assert done is None or done.returncode == 0, done.stdout + done.stderr if done else ""


def test_local_override_only_swaps_base_images() -> None:
    override: dict[str, Any] = YAML(typ="safe").load(LOCAL_OVERRIDE.read_text())
    assert set(override["services"]) <= set(compose()["services"])
    for name, spec in override["services"].items():
        assert set(spec) <= {"image", "build"}, name
        for arg in (spec.get("build") or {}).get("args", {}).values():
            assert str(arg).startswith("local/"), (name, arg)
    assert override["services"]["db"]["image"].startswith("local/")


def test_both_ignore_files_agree() -> None:
    """The classic builder reads the context's .dockerignore, BuildKit the Dockerfile's: the same rules."""
    def rules(path: Path) -> list[str]:
        return [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]

    assert rules(ROOT / ".dockerignore") == rules(ROOT / "deploy" / "docker" / "Dockerfile.dockerignore")


def _ignored(relative: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path (or one of its parents) decides; `!` re-includes."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        regex = re.escape(body.strip("/")).replace(r"\*\*", ".*").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, c) for c in candidates):
            ignored = not negate
    return ignored


def test_copied_files_are_not_excluded_from_the_build_context() -> None:
    context, dockerfile, _ = build_of("scoring")
    ignore = dockerfile.with_name(dockerfile.name + ".dockerignore")
    if not ignore.exists():
        ignore = context / ".dockerignore"
    patterns = [line.strip() for line in ignore.read_text().splitlines() if line.strip() and not line.startswith("#")]
    for stage in dockerfile_stages(dockerfile).values():
        for keyword, args in stage:
            if keyword != "COPY" or args.startswith("--from"):
                continue
            *sources, _ = shlex.split(args)
            for source in sources:
                path = context / source
                files = [path] if path.is_file() else [p for p in path.rglob("*.py")][:50]
                assert files, source
                for file in files:
                    relative = file.relative_to(context).as_posix()
                    assert not _ignored(relative, patterns), f"{relative} is copied but excluded by {ignore.name}"
    assert _ignored(".venv/bin/python", patterns) and _ignored(".git/HEAD", patterns)


def test_decision_events_are_on_by_default_through_nats_and_the_relay() -> None:
    """Issue 16: off in bin/run, on in compose: scoring gets EVENTS_URL (an empty value turns it off), the relay runs
    the bootstrap image (which carries nats-py, tests/ops/test_lock.py) once the broker is healthy."""
    for name in ("scoring", "events-relay"):
        assert service(name)["environment"]["EVENTS_URL"] == "${EVENTS_URL-nats://nats:4222}"
    relay = service("events-relay")
    assert relay["command"] == ["credit", "events", "relay"] and relay["build"]["target"] == "bootstrap"
    assert relay["depends_on"]["nats"] == {"condition": "service_healthy"}
    assert "healthcheck" in service("nats") and "natsdata:/data" in service("nats")["volumes"]
    local = YAML(typ="safe").load((COMPOSE.parent / "compose.local.yml").read_text())["services"]
    assert local["nats"]["build"]["args"]["DEBIAN_IMAGE"].startswith("local/")  # builds with no registry
    assert local["events-relay"]["build"]["args"]["PYTHON_IMAGE"].startswith("local/")
