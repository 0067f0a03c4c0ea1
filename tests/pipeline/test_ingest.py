"""Ingest of Kaggle CSV folders into a real Postgres: counts, idempotence, precise errors, atomicity."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from credit_core import db, homecredit
from credit_pipeline.ingest import IngestError, ingest


def data_rows(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f) - 1


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            t.name: (await conn.exec_driver_sql(f'SELECT count(*) FROM "{t.name}"')).scalar_one()
            for t in homecredit.TABLES
        }


@pytest.fixture(scope="module")
async def loaded(fresh_database: Callable[[], str], synth_dir: Path) -> AsyncEngine:
    engine = db.create_engine(fresh_database(), pool_size=2)
    await ingest(engine, synth_dir, progress=False)
    yield engine
    await engine.dispose()


def copy_dir(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def rewrite_line(path: Path, line_number: int, edit: Callable[[list[str]], list[str]]) -> None:
    lines = path.read_text().splitlines(keepends=True)
    fields = next(csv.reader([lines[line_number - 1]]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(edit(fields))
    lines[line_number - 1] = out.getvalue()
    path.write_text("".join(lines))


async def test_every_row_of_every_file_is_loaded(loaded: AsyncEngine, synth_dir: Path) -> None:
    counts = await table_counts(loaded)
    expected_application = data_rows(synth_dir / homecredit.TRAIN_FILE) + data_rows(synth_dir / homecredit.TEST_FILE)
    assert counts["application"] == expected_application
    for table in homecredit.TABLES[1:]:
        assert counts[table.name] == data_rows(synth_dir / table.files[0]), table.name
    async with loaded.connect() as conn:
        unlabelled = (await conn.exec_driver_sql('SELECT count(*) FROM application WHERE "TARGET" IS NULL')).scalar()
    assert unlabelled == data_rows(synth_dir / homecredit.TEST_FILE)


async def test_reloading_the_same_folder_is_idempotent(loaded: AsyncEngine, synth_dir: Path) -> None:
    before = await table_counts(loaded)
    await ingest(loaded, synth_dir, progress=False)
    assert await table_counts(loaded) == before


async def test_unparsable_value_names_file_line_and_column(
    loaded: AsyncEngine, synth_dir: Path, tmp_path: Path
) -> None:
    before = await table_counts(loaded)
    broken = copy_dir(synth_dir, tmp_path / "broken")
    header = (broken / "bureau.csv").read_text().split("\n", 1)[0].split(",")
    column = header.index("AMT_CREDIT_SUM")
    rewrite_line(broken / "bureau.csv", 5, lambda f: [*f[:column], "12x", *f[column + 1 :]])

    with pytest.raises(IngestError) as error:
        await ingest(loaded, broken, progress=False)

    assert (error.value.file, error.value.line, error.value.column) == ("bureau.csv", 5, "AMT_CREDIT_SUM")
    assert "bureau.csv, line 5, column AMT_CREDIT_SUM" in str(error.value)
    assert await table_counts(loaded) == before


async def test_duplicate_client_is_rejected_with_its_line(loaded: AsyncEngine, synth_dir: Path, tmp_path: Path) -> None:
    before = await table_counts(loaded)
    broken = copy_dir(synth_dir, tmp_path / "dup")
    train = broken / homecredit.TRAIN_FILE
    lines = train.read_text().splitlines(keepends=True)
    lines.insert(10, lines[3])  # line 11 repeats the client of line 4
    train.write_text("".join(lines))

    with pytest.raises(IngestError) as error:
        await ingest(loaded, broken, progress=False)

    assert error.value.file == homecredit.TRAIN_FILE
    assert error.value.line == 11
    assert error.value.column == "SK_ID_CURR"
    assert "duplicate key" in str(error.value)
    assert await table_counts(loaded) == before


async def test_invalid_target_is_rejected(loaded: AsyncEngine, synth_dir: Path, tmp_path: Path) -> None:
    broken = copy_dir(synth_dir, tmp_path / "target")
    rewrite_line(broken / homecredit.TRAIN_FILE, 2, lambda f: [f[0], "2", *f[2:]])
    with pytest.raises(IngestError) as error:
        await ingest(loaded, broken, progress=False)
    assert (error.value.file, error.value.line, error.value.column) == (homecredit.TRAIN_FILE, 2, "TARGET")


def test_missing_column_is_named(synth_dir: Path, tmp_path: Path) -> None:
    from credit_pipeline.ingest import plan

    broken = copy_dir(synth_dir, tmp_path / "missing")
    path = broken / "installments_payments.csv"
    text = path.read_text().splitlines(keepends=True)
    header = text[0].rstrip("\n").split(",")
    drop = header.index("AMT_PAYMENT")
    path.write_text(
        "".join(",".join(c for i, c in enumerate(line.rstrip("\n").split(",")) if i != drop) + "\n" for line in text)
    )
    with pytest.raises(IngestError, match=r"installments_payments.csv, line 1, column AMT_PAYMENT: missing column"):
        plan(broken)


def test_unknown_table_and_missing_application_are_refused(synth_dir: Path, tmp_path: Path) -> None:
    from credit_pipeline.ingest import plan

    extra = copy_dir(synth_dir, tmp_path / "extra")
    (extra / "customers.csv").write_text("SK_ID_CURR\n1\n")
    with pytest.raises(IngestError, match=r"customers.csv: unknown table"):
        plan(extra)

    history_only = tmp_path / "history"
    history_only.mkdir()
    shutil.copy(synth_dir / "bureau.csv", history_only / "bureau.csv")
    with pytest.raises(IngestError, match=r"application_train.csv and/or application_test.csv"):
        plan(history_only)


async def test_application_only_folder_loads_and_empties_history(
    loaded: AsyncEngine, synth_dir: Path, tmp_path: Path
) -> None:
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(synth_dir / homecredit.TRAIN_FILE, only / homecredit.TRAIN_FILE)
    try:
        await ingest(loaded, only, progress=False)
        counts = await table_counts(loaded)
        assert counts["application"] == data_rows(only / homecredit.TRAIN_FILE)
        assert counts["bureau"] == 0
    finally:
        await ingest(loaded, synth_dir, progress=False)  # restore the module's data set


def test_cli_reports_the_error_and_exits_non_zero(
    fresh_database: Callable[[], str], synth_dir: Path, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    broken = copy_dir(synth_dir, tmp_path / "cli")
    header = (broken / "previous_application.csv").read_text().split("\n", 1)[0].split(",")
    column = header.index("AMT_CREDIT")
    rewrite_line(broken / "previous_application.csv", 4, lambda f: [*f[:column], "lots", *f[column + 1 :]])
    env = dict(os.environ, DATABASE_URL=fresh_database())
    result = subprocess.run(
        [sys.executable, "-m", "credit_cli", "data", "ingest", "--from", str(broken)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "previous_application.csv, line 4, column AMT_CREDIT" in result.stderr
    assert "database is unchanged" in result.stderr
