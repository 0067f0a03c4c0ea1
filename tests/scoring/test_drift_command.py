"""`credit drift report` and `credit outcomes ingest` end to end, as an operator runs them: the audited window of
the active model against its reference sample, stored and written as HTML + JSON; outcome files checked by line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from credit_core import model
from tests.scoring import _bundle
from tests.scoring._env import FIRST_ID, ScoringEnv


def _credit(env: ScoringEnv, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "DATABASE_URL": env.url, "MODELS_DIR": str(env.models_dir), "DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "credit_cli", *args], env=environ, capture_output=True, text=True,
                          check=False)


@pytest.mark.slow
async def test_drift_report_of_the_audited_window(client: httpx.AsyncClient, scoring_env: ScoringEnv,
                                                  tmp_path: Path) -> None:
    reference = scoring_env.models_dir / "tiny-1" / model.REFERENCE_FILE
    if not reference.exists():  # the tiny bundle's "training sample": rows like the served clients'
        _bundle.random_features(400, seed=1).write_parquet(reference)
    scored = await client.post("/v1/score/batch", json={"client_ids": list(range(FIRST_ID, FIRST_ID + 250))})
    assert scored.status_code == 200

    out = tmp_path / "report.html"
    done = _credit(scoring_env, tmp_path, "drift", "report", "--since", "1d", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "drifted features:" in done.stdout and "prediction: PSI" in done.stdout
    summary = json.loads(out.with_suffix(".json").read_text())
    assert summary["model_version"] == "tiny-1" and summary["source"] == "audit"
    assert summary["n_current"] >= 250 and summary["n_reference"] == 400
    assert len(summary["features"]) + len(summary["untested_features"]) > 100
    assert out.stat().st_size > 0
    async with scoring_env.engine.connect() as conn:
        stored = (await conn.execute(sa.text("SELECT model_version, html_path FROM drift_report WHERE id = :id"),
                                     {"id": summary["report_id"]})).one()
    assert stored.model_version == "tiny-1" and stored.html_path == str(out.resolve())

    bad = _credit(scoring_env, tmp_path, "drift", "report", "--since", "thirty days")
    assert bad.returncode == 1 and "expected a duration" in bad.stderr


def test_outcomes_command_names_the_lines(scoring_env: ScoringEnv, tmp_path: Path) -> None:
    file = tmp_path / "outcomes.csv"
    file.write_text("client_id,outcome,date\n100001,1,2026-01-01\n100002,perhaps,2026-01-01\n")
    done = _credit(scoring_env, tmp_path, "outcomes", "ingest", str(file))
    assert done.returncode == 1 and "line 3: outcome 'perhaps'" in done.stderr and "nothing stored" in done.stderr
