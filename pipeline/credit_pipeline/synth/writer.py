"""Chunked CSV output in the exact Kaggle layout: file names, header order and number formats.

The Kaggle files were written by pandas, so a numeric column is printed as an integer ("0", "-9461") only when it had
no missing value and an integer dtype in the full data; every other numeric column is printed as a float ("2.0",
"-3648.0"), missing values are empty fields and text is quoted only when it holds a comma ("Stone, brick").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from credit_core import homecredit
from credit_core.homecredit import Kind

# Integer-printed numeric columns of each raw table, as in the Kaggle files (keys and TARGET are always integers).
INT_COLUMNS: dict[str, frozenset[str]] = {
    "application": frozenset(
        {
            "CNT_CHILDREN", "DAYS_BIRTH", "DAYS_EMPLOYED", "DAYS_ID_PUBLISH", "FLAG_MOBIL", "FLAG_EMP_PHONE",
            "FLAG_WORK_PHONE", "FLAG_CONT_MOBILE", "FLAG_PHONE", "FLAG_EMAIL", "REGION_RATING_CLIENT",
            "REGION_RATING_CLIENT_W_CITY", "HOUR_APPR_PROCESS_START", "REG_REGION_NOT_LIVE_REGION",
            "REG_REGION_NOT_WORK_REGION", "LIVE_REGION_NOT_WORK_REGION", "REG_CITY_NOT_LIVE_CITY",
            "REG_CITY_NOT_WORK_CITY", "LIVE_CITY_NOT_WORK_CITY", *(f"FLAG_DOCUMENT_{i}" for i in range(2, 22)),
        }
    ),
    "bureau": frozenset({"DAYS_CREDIT", "CREDIT_DAY_OVERDUE", "CNT_CREDIT_PROLONG", "DAYS_CREDIT_UPDATE"}),
    "bureau_balance": frozenset({"MONTHS_BALANCE"}),
    "previous_application": frozenset(
        {"HOUR_APPR_PROCESS_START", "NFLAG_LAST_APPL_IN_DAY", "DAYS_DECISION", "SELLERPLACE_AREA"}
    ),
    "pos_cash_balance": frozenset({"MONTHS_BALANCE", "SK_DPD", "SK_DPD_DEF"}),
    "installments_payments": frozenset({"NUM_INSTALMENT_NUMBER"}),
    "credit_card_balance": frozenset(
        {"MONTHS_BALANCE", "AMT_CREDIT_LIMIT_ACTUAL", "CNT_DRAWINGS_CURRENT", "SK_DPD", "SK_DPD_DEF"}
    ),
}

TRUTH_FILE = "truth.csv"


@dataclass(frozen=True)
class Cat:
    """A categorical column as codes into `categories` (-1 = missing): cheap to build and to write."""

    codes: np.ndarray
    categories: tuple[str, ...]

    def series(self, name: str) -> pl.Series:
        lookup = pl.Series(name, [*self.categories, None], dtype=pl.String)
        codes = np.where(self.codes < 0, len(self.categories), self.codes).astype(np.uint32)
        return lookup.gather(pl.Series(codes))

    def is_(self, category: str) -> np.ndarray:
        return self.codes == self.categories.index(category)


Columns = dict[str, "np.ndarray | Cat"]


def frame(table: homecredit.Table, columns: Columns, file: str) -> pl.DataFrame:
    """A DataFrame in the file's header order with the Kaggle number formats; every column must be present."""
    ints = INT_COLUMNS[table.name]
    series: list[pl.Series] = []
    for name in table.file_columns(file):
        value = columns[name]
        kind = table.column(name).kind
        if isinstance(value, Cat):
            series.append(value.series(name))
        elif kind in (Kind.KEY, Kind.TARGET) or name in ints:
            floats = pl.Series(name, np.asarray(value, dtype=np.float64), dtype=pl.Float64, nan_to_null=True)
            series.append(floats.round(0).cast(pl.Int64))
        else:
            series.append(pl.Series(name, np.asarray(value, dtype=np.float64), dtype=pl.Float64, nan_to_null=True))
    return pl.DataFrame(series)


class CsvSink:
    """Appends chunks to the Kaggle files of one output folder, header first, and counts rows."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, int] = {}
        self._handles: dict[str, BinaryIO] = {}

    def write(self, file: str, df: pl.DataFrame) -> None:
        handle = self._handles.get(file)
        first = handle is None
        if handle is None:
            handle = self._handles[file] = (self.out_dir / file).open("wb")
        df.write_csv(handle, include_header=first)
        self.rows[file] = self.rows.get(file, 0) + df.height

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
