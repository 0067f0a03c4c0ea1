"""Which background commands `credit run` starts beside the services: the events relay only with EVENTS_URL (the
end-to-end check, a decision reaching a private broker, is in test_run_command.py)."""

from __future__ import annotations

import sys

from credit_cli import run
from credit_core.settings import Settings


def test_without_events_url_nothing_needs_a_broker() -> None:
    assert run.workers(Settings(events_url="")) == []


def test_with_events_url_the_relay_runs_as_in_compose() -> None:
    [relay] = run.workers(Settings(events_url="nats://127.0.0.1:4999"))
    # deploy/docker-compose.yml's events-relay service runs `credit events relay` too.
    assert relay.command() == [sys.executable, "-m", "credit_cli", "events", "relay"]
    assert relay.needs == "nats" and "nats://127.0.0.1:4999" in relay.describe
