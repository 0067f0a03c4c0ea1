"""`credit train`: fit the scoring model, evaluate it, write a versioned bundle, register it.

Two data sources:
- default: the features Parquet of `credit features build` (the database path). The new version is registered
  in the database and activated (services hot-swap to it), unless --no-register / --no-activate.
- --data-dir DIR: Kaggle CSVs read directly (features computed in memory), no database at all; the bundle is
  only written to disk unless --register is given (handy for experiments, CI and benchmarks).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from credit_cli._common import fail, with_database
from credit_core.settings import get_settings

# Eight minutes on 2 cores: ~10-30 trials at 20k clients; at Kaggle size the search runs on a 50k-client sample
# (TrainConfig.tune_rows) and the whole training stays within its budget (docs/BENCHMARKS.md).
DEFAULT_TUNE_MINUTES = 8.0


def train(
    data_dir: Annotated[Path | None, typer.Option(help="Folder of Kaggle CSVs (application_train.csv required); "
                                                  "default: the features Parquet")] = None,
    cv: Annotated[int | None, typer.Option(min=2, help="K-fold out-of-fold evaluation (else one hold-out split)")]
    = None,
    report: Annotated[Path | None, typer.Option(help="Also write the evaluation report JSON here")] = None,
    cost_fn: Annotated[float | None, typer.Option(help="Cost of a missed default (settings default: 10)")] = None,
    cost_fp: Annotated[float | None, typer.Option(help="Cost of refusing a good client (settings default: 1)")] = None,
    truth: Annotated[Path | None, typer.Option(help="truth.csv (SK_ID_CURR, PD) for the oracle AUC; "
                                               "found automatically in --data-dir")] = None,
    models_dir: Annotated[Path | None, typer.Option(help="Where bundles go (settings default: models/)")] = None,
    register: Annotated[bool | None, typer.Option(
        "--register/--no-register", help="Record the version in the database (default: yes, but no with --data-dir)",
    )] = None,
    activate: Annotated[bool, typer.Option("--activate/--no-activate", help="Make it the served model")] = True,
    seed: Annotated[int | None, typer.Option(help="Random seed (splits and CatBoost) [42]")] = None,
    iterations: Annotated[int | None, typer.Option(help="Maximum boosting iterations; early stopping decides "
                                                   "[3000]")] = None,
    learning_rate: Annotated[float | None, typer.Option(
        help="CatBoost learning rate [0.05 below 100k clients, else 0.1]")] = None,
    depth: Annotated[int | None, typer.Option(help="Tree depth [4]")] = None,
    threads: Annotated[int | None, typer.Option(help="CatBoost threads [2]")] = None,
    tune_minutes: Annotated[float, typer.Option(
        min=0.0, help="Time budget of the hyper-parameter search (Optuna, inner folds), compared with CatBoost's "
        "defaults on the same folds; 0 = --no-tune")] = DEFAULT_TUNE_MINUTES,
    tune: Annotated[bool, typer.Option(
        "--tune/--no-tune", help="--no-tune: today's fixed configuration, no search and no baseline comparison "
        "(fast: tests, quick experiments)")] = True,
    progress: Annotated[bool, typer.Option("--progress/--no-progress")] = True,
) -> None:
    """Train the scoring model and write a versioned bundle to models/<version>/."""
    from credit_pipeline import train as training
    from credit_pipeline.ingest import IngestError

    settings = get_settings()
    overrides = {"seed": seed, "iterations": iterations, "learning_rate": learning_rate, "depth": depth,
                 "thread_count": threads}
    config = training.TrainConfig(
        cv=cv,
        tune_minutes=tune_minutes if tune else 0.0,
        cost_fn=settings.cost_false_negative if cost_fn is None else cost_fn,
        cost_fp=settings.cost_false_positive if cost_fp is None else cost_fp,
        progress=progress,
        **{k: v for k, v in overrides.items() if v is not None},
    )
    started = time.perf_counter()
    try:
        if data_dir is not None:
            data = training.from_csv_dir(data_dir, truth)
        else:
            data = training.from_parquet(settings.features_parquet, truth)
    except (FileNotFoundError, ValueError, IngestError) as exc:
        raise fail(str(exc)) from exc

    loaded = time.perf_counter()
    result = training.train(data, config, models_dir or settings.models_dir)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text((result.path / "report.json").read_text())
    _print_summary(result.version, result.path, result.report)
    typer.echo(f"  total {time.perf_counter() - started:.1f} s (features {loaded - started:.1f} s)")

    if register if register is not None else data_dir is None:
        from credit_cli.model import register_bundle

        meta = {**result.metadata, "path": str(result.path.resolve())}
        with_database(lambda engine, _settings: register_bundle(engine, meta, activate))
        typer.echo(f"registered {result.version}" + (" and activated it" if activate else " (not active)"))


def _print_summary(version: str, path: Path, r: dict[str, Any]) -> None:
    evaluation = "out-of-fold" if r["evaluation"].startswith("oof") else "hold-out"
    n = r["n_evaluated"]
    typer.echo(f"model {version} → {path}")
    typer.echo(f"  {r['n_train']:,} clients × {r['n_features']} features, {r['iterations']} trees, "
               f"trained in {r['train_seconds']:.1f} s")
    oracle = f" (oracle {r['oracle_auc']:.4f}, ratio {r['auc'] / r['oracle_auc']:.3f})" if r.get("oracle_auc") else ""
    typer.echo(f"  {evaluation} AUC {r['auc']:.4f}{oracle}, PR-AUC {r['pr_auc']:.4f}, Brier {r['brier']:.4f}, "
               f"KS {r['ks']:.3f}")
    typer.echo(f"  threshold {r['threshold']:.4f}: cost/client {r['business_cost'] / n:.4f} "
               f"(at 0.5: {r['business_cost_at_0_5'] / n:.4f}, grant all: "
               f"{r['baselines']['grant_everyone'] / n:.4f}, refuse all: {r['baselines']['refuse_everyone'] / n:.4f})")
    typer.echo(f"  confusion {json.dumps(r['confusion'])}, approval rate {r['approval_rate']:.1%}")
    cal = r["calibration"]
    typer.echo(f"  calibration {cal['method']}: Brier {cal['brier_raw']:.4f} -> {cal['brier']:.4f}, "
               f"ECE {cal['ece_raw']:.4f} -> {cal['ece']:.4f}")
    if "tuning" in r:
        t = r["tuning"]
        typer.echo(f"  tuning: {t['trials']} trials ({t['pruned']} pruned) in {t['seconds']:.0f} s, chosen "
                   f"{t['chosen']}; AUC {r['auc']:.4f} vs CatBoost defaults {r['baseline_auc']:.4f}")
        if "baseline_fit_seconds" in t:
            typer.echo(f"  outer fits: best trial {t['best_trial_fit_seconds']:.0f} s, CatBoost defaults "
                       f"{t['baseline_fit_seconds']:.0f} s")
