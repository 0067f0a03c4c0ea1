"""Lazy typed scans of a folder of Kaggle CSV files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from credit_core import features, homecredit
from credit_core.features import raw
from credit_core.features.single import typed_frame
from credit_pipeline.ingest import IngestError
from credit_pipeline.sources import read_target, scan_csv_dir

TRAIN = [
    {"SK_ID_CURR": 1, "TARGET": 1, "AMT_CREDIT": 200000.0, "AMT_INCOME_TOTAL": 100000,
     "NAME_TYPE_SUITE": "Spouse, partner"},
    {"SK_ID_CURR": 2, "TARGET": 0, "AMT_CREDIT": 50000, "DAYS_EMPLOYED": 365243, "NAME_TYPE_SUITE": ""},
]  # fmt: skip
TEST = [{"SK_ID_CURR": 3, "AMT_CREDIT": 1000.5}]
BUREAU = [{"SK_ID_CURR": 1, "SK_ID_BUREAU": 10, "CREDIT_ACTIVE": "Active", "AMT_CREDIT_SUM_DEBT": 5.0}]


def _write(path: Path, header: list[str], rows: list[dict[str, Any]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if row.get(name) is None else row[name] for name in header])


def _kaggle_dir(root: Path, *, train: bool = True, test: bool = True, bureau: bool = True) -> Path:
    if train:
        _write(root / homecredit.TRAIN_FILE, homecredit.APPLICATION.file_columns(homecredit.TRAIN_FILE), TRAIN)
    if test:
        _write(root / homecredit.TEST_FILE, homecredit.APPLICATION.file_columns(homecredit.TEST_FILE), TEST)
    if bureau:
        _write(root / "bureau.csv", homecredit.BUREAU.column_names, BUREAU)
    return root


def test_train_and_test_form_one_typed_application_table(tmp_path: Path) -> None:
    tables = scan_csv_dir(_kaggle_dir(tmp_path))
    assert all(isinstance(frame, pl.LazyFrame) for frame in tables.values())
    app = tables["application"].collect()
    assert app.schema == raw.polars_schema(homecredit.APPLICATION)
    assert app["SK_ID_CURR"].to_list() == [1, 2, 3]
    assert app["TARGET"].to_list() == [1, 0, None]
    assert app["AMT_CREDIT"].to_list() == [200000.0, 50000.0, 1000.5]
    assert app["NAME_TYPE_SUITE"].to_list() == ["Spouse, partner", None, None]  # empty field = missing


def test_history_files_are_optional(tmp_path: Path) -> None:
    assert set(scan_csv_dir(_kaggle_dir(tmp_path, bureau=False))) == {"application"}
    _write(tmp_path / "POS_CASH_balance.csv", homecredit.POS_CASH_BALANCE.column_names, [])
    (tmp_path / "truth.csv").write_text("SK_ID_CURR,PD\n1,0.1\n")  # not a data set file: ignored
    (tmp_path / "sample_submission.csv").write_text("SK_ID_CURR,TARGET\n")
    tables = scan_csv_dir(tmp_path)
    assert set(tables) == {"application", "pos_cash_balance"}
    assert tables["pos_cash_balance"].collect().schema == raw.polars_schema(homecredit.POS_CASH_BALANCE)


def test_test_file_alone_is_enough(tmp_path: Path) -> None:
    app = scan_csv_dir(_kaggle_dir(tmp_path, train=False, bureau=False))["application"].collect()
    assert app["SK_ID_CURR"].to_list() == [3] and app["TARGET"].to_list() == [None]


def test_columns_are_matched_by_name_not_position(tmp_path: Path) -> None:
    _kaggle_dir(tmp_path, bureau=False)
    _write(tmp_path / "bureau.csv", list(reversed(homecredit.BUREAU.column_names)), BUREAU)
    bureau = scan_csv_dir(tmp_path)["bureau"].collect()
    assert bureau.columns == homecredit.BUREAU.column_names
    assert bureau.row(0, named=True)["AMT_CREDIT_SUM_DEBT"] == 5.0 and bureau["SK_ID_BUREAU"].to_list() == [10]


def test_missing_application_files_are_named(tmp_path: Path) -> None:
    _kaggle_dir(tmp_path, train=False, test=False)
    with pytest.raises(IngestError, match=r"application_train\.csv and/or application_test\.csv"):
        scan_csv_dir(tmp_path)
    with pytest.raises(IngestError, match="not a directory"):
        scan_csv_dir(tmp_path / "nowhere")


def test_a_bad_header_names_the_file_and_column(tmp_path: Path) -> None:
    _kaggle_dir(tmp_path)
    header = [c if c != "CREDIT_ACTIVE" else "CREDIT_STATUS" for c in homecredit.BUREAU.column_names]
    _write(tmp_path / "bureau.csv", header, [])
    with pytest.raises(IngestError, match=r"bureau\.csv.*CREDIT_STATUS"):
        scan_csv_dir(tmp_path)


def test_read_target_keeps_labelled_clients(tmp_path: Path) -> None:
    _kaggle_dir(tmp_path)
    assert read_target(tmp_path).rows() == [(1, 1), (2, 0)]
    # The database export writes every client to application_train.csv, unlabelled ones with no TARGET.
    _write(tmp_path / homecredit.TRAIN_FILE, homecredit.APPLICATION.column_names, [*TRAIN, {"SK_ID_CURR": 4}])
    target = read_target(tmp_path)
    assert target.rows() == [(1, 1), (2, 0)]
    assert target.schema == pl.Schema({"SK_ID_CURR": pl.Int64, "TARGET": pl.Int64})
    (tmp_path / homecredit.TRAIN_FILE).unlink()
    with pytest.raises(IngestError, match=r"application_train\.csv"):
        read_target(tmp_path)


def test_features_from_files_equal_features_from_typed_rows(tmp_path: Path) -> None:
    from_files = features.build_features(scan_csv_dir(_kaggle_dir(tmp_path)))
    typed = {
        "application": typed_frame(homecredit.APPLICATION, [*TRAIN, *TEST]).with_columns(
            pl.col("NAME_TYPE_SUITE").replace("", None)
        ),
        "bureau": typed_frame(homecredit.BUREAU, BUREAU),
    }
    assert from_files.equals(features.build_features(typed))
    assert from_files.row(0, named=True)["BUREAU_ACTIVE_DEBT_TO_INCOME"] == 5.0 / 100000
