"""Synthetic Home Credit Default Risk data in the exact Kaggle CSV format.

`generate` writes application_train.csv / application_test.csv and the six history files chunk by chunk, plus
truth.csv with every client's true probability of default. Modules: application (copula of the reference
marginals plus the real file's rules), bureau, previous, cards, pos_cash, installments and _arrears (history
tables), risk + calibration (the true PD), world (one chunk of clients and their history), writer (formats and
files); _quantiles, _draw and _reference hold the shared statistics plumbing. credit_pipeline.fidelity checks a
generated folder against the same reference.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from tqdm import tqdm

from credit_core import homecredit
from credit_pipeline.synth import calibration, risk, shift, world
from credit_pipeline.synth.writer import TRUTH_FILE, CsvSink, frame

__all__ = ["CHUNK_CLIENTS", "generate"]

CHUNK_CLIENTS = 50_000  # bounded memory: ~8M history rows per chunk at Kaggle volumes
TARGET_STREAM = 8  # the generator index after world.simulate's eight


def generate(n_clients: int, seed: int, out_dir: Path, *, progress: bool = True,
             shifts: tuple[str, ...] = ()) -> dict[str, int]:
    """Write the Kaggle CSVs (application_train/test, bureau, bureau_balance, previous_application,
    POS_CASH_balance, installments_payments, credit_card_balance) and truth.csv (SK_ID_CURR, PD) into `out_dir`;
    return the number of data rows written per file. The same seed and size give the same bytes. `shifts`
    (credit_pipeline.synth.shift) move some application columns, for drift."""
    if n_clients < 1:
        raise ValueError("n_clients must be positive")
    model = calibration.fitted_model()
    chunks = -(-n_clients // CHUNK_CLIENTS)
    sizes = [n_clients // chunks + (1 if i < n_clients % chunks else 0) for i in range(chunks)]
    offsets = world.Offsets()
    bar = tqdm(total=n_clients, desc="synth", unit="client", disable=not progress)
    with CsvSink(Path(out_dir)) as sink, bar:
        for index, size in enumerate(sizes):
            for file, df in _frames(model, seed, index, size, offsets, shifts).items():
                sink.write(file, df)
            bar.update(size)
            bar.set_postfix(rows=f"{sum(sink.rows.values()):,}")
        return dict(sink.rows)


def _frames(model: risk.RiskModel, seed: int, index: int, n: int, offsets: world.Offsets,
            shifts: tuple[str, ...] = ()) -> dict[str, pl.DataFrame]:
    chunk = world.simulate(seed, index, n, offsets, (model.prior_mean, model.prior_sd))
    log_odds = model.log_odds(chunk.binned, chunk.unobserved, risk.history_score(chunk.history),
                              risk.ratio_score(chunk.apps.columns))
    pd_true = risk.pd_from(log_odds)
    (r_target,) = world.streams(seed, index, TARGET_STREAM + 1)[TARGET_STREAM:]
    target = (r_target.random(n) < pd_true).astype(float)

    columns = shift.apply(chunk.apps.columns, shifts, seed, index)
    app = frame(homecredit.APPLICATION, {**columns, "SK_ID_CURR": chunk.ids, "TARGET": target},
                homecredit.TRAIN_FILE)  # fmt: skip
    test = pl.Series(chunk.apps.is_test)
    tables = (
        (homecredit.BUREAU, chunk.bureau.bureau),
        (homecredit.BUREAU_BALANCE, chunk.bureau.balance),
        (homecredit.PREVIOUS_APPLICATION, chunk.previous.previous),
        (homecredit.POS_CASH_BALANCE, chunk.pos.columns),
        (homecredit.INSTALLMENTS_PAYMENTS, chunk.instalments.columns),
        (homecredit.CREDIT_CARD_BALANCE, chunk.cards.columns),
    )
    return {
        homecredit.TRAIN_FILE: app.filter(~test),
        homecredit.TEST_FILE: app.filter(test).drop("TARGET"),
        **{t.files[0]: frame(t, cols, t.files[0]) for t, cols in tables},
        TRUTH_FILE: pl.DataFrame({"SK_ID_CURR": chunk.ids, "PD": pd_true}),
    }
