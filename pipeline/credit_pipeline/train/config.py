"""Training settings: CatBoost hyper-parameters, evaluation protocol and business costs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# Below this many labelled clients a smaller step pays: on 50k generated clients (5-fold OOF, synth seed 3)
# lr 0.05 gave 0.9726 x oracle AUC against 0.9699 at lr 0.1, for twice the trees (fit 139 s vs 69 s). Above
# it, lr 0.1 keeps `--cv 5` at Kaggle size within its 15 min budget (8 min 40 s) at 0.9885 x oracle.
SMALL_DATA_ROWS = 100_000


@dataclass(frozen=True)
class TrainConfig:
    cv: int | None = None  # K-fold out-of-fold evaluation; None: one stratified hold-out split
    holdout_fraction: float = 0.2  # without --cv: share kept out of fitting to evaluate and pick the threshold
    early_stopping_fraction: float = 0.1  # share of each training part that only serves early stopping
    cost_fn: float = 10.0
    cost_fp: float = 1.0
    seed: int = 42
    # CatBoost. Measured by 5-fold OOF AUC on 43k generated clients (synth seed 2, 50k clients):
    # depth 4 with strong l2 beat depth 6 (0.8115 vs 0.8070; depth 3-5, l2 10-40, lr 0.05 all within 0.002)
    # and costs less per tree. The iteration count comes from early stopping; `iterations` is the ceiling.
    # Speed for `--cv 5` at Kaggle size (budget 15 min): on one 50k split, lr 0.1 needed 28% fewer trees than 0.08
    # and rsm 0.5 (half the features scored per split) 15% less CPU per tree, at equal hold-out AUC (0.8047-0.8083).
    # border_count 64 saved only 9% per tree; boosting is already Plain (CatBoost's choice at this size).
    iterations: int = 3000
    learning_rate: float | None = None  # None: by data size (`for_rows`): 0.05 below SMALL_DATA_ROWS, else 0.1
    depth: int = 4
    l2_leaf_reg: float = 20.0
    rsm: float = 0.5
    border_count: int = 128
    # Categorical combinations (CTRs of feature pairs) cost much time on 19 categoricals for little gain;
    # categoricals with at most 10 values are one-hot encoded (cheaper than target statistics, as accurate).
    max_ctr_complexity: int = 1
    one_hot_max_size: int = 10
    # Searched by `tuning` (None: CatBoost's own choice / no class weights). Class weights distort probabilities;
    # the Platt calibration folded into the trees afterwards (calibration.py) puts them back on the P(default) scale.
    boosting_type: str | None = None
    auto_class_weights: str | None = None
    # Hyper-parameter search (tuning.py): its time budget (0: no search, no baseline comparison, today's fixed
    # configuration), the inner folds it scores trials on, and the most rows it searches on (a stratified sample of
    # the training part: at Kaggle size a trial on every row would leave a 20-minute budget only a few trials).
    tune_minutes: float = 0.0
    tune_folds: int = 3
    tune_rows: int = 50_000
    baseline_iterations: int | None = None  # tests only: CatBoost's default 1000 trees, fewer
    early_stopping_rounds: int = 100
    thread_count: int = 2
    # The explain service's one population for every default rate it shows (credit_core.explain.rates: cells under
    # 30 clients carry no rate), so it is kept large; SHAP is computed on 2,000 of these rows only.
    reference_size: int = 10_000
    # Refused clients whose counterfactual is searched at training time (report key `counterfactual`): one batch of
    # ~2,000 candidate loans each through the feature pipeline and the model.
    counterfactual_sample: int = 200
    progress: bool = True

    def for_rows(self, n_rows: int) -> TrainConfig:
        """This config with the learning rate settled for `n_rows` labelled clients (an explicit one is kept)."""
        if self.learning_rate is not None:
            return self
        return replace(self, learning_rate=0.05 if n_rows < SMALL_DATA_ROWS else 0.1)

    def catboost_params(self, iterations: int | None = None) -> dict[str, Any]:
        if self.learning_rate is None:
            raise ValueError("learning rate not settled: call TrainConfig.for_rows(n) first")
        return {
            "loss_function": "Logloss",
            "eval_metric": "Logloss",
            "iterations": iterations or self.iterations,
            "learning_rate": self.learning_rate,
            "depth": self.depth,
            "l2_leaf_reg": self.l2_leaf_reg,
            "rsm": self.rsm,
            "border_count": self.border_count,
            "max_ctr_complexity": self.max_ctr_complexity,
            "one_hot_max_size": self.one_hot_max_size,
            **({"boosting_type": self.boosting_type} if self.boosting_type else {}),
            **({"auto_class_weights": self.auto_class_weights} if self.auto_class_weights else {}),
            "random_seed": self.seed,
            "thread_count": self.thread_count,
            "allow_writing_files": False,
            "verbose": False,
        }

    def default_params(self) -> dict[str, Any]:
        """CatBoost's own defaults (1000 trees, its automatic learning rate, depth 6, ...): the baseline every tuned
        configuration must beat. Only the seed, the threads and the quiet flags are ours."""
        trees = {"iterations": self.baseline_iterations} if self.baseline_iterations else {}
        return {"loss_function": "Logloss", "random_seed": self.seed, "thread_count": self.thread_count,
                "allow_writing_files": False, "verbose": False, **trees}
