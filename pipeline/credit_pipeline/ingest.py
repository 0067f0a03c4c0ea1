"""Load a folder of Home Credit CSV files into Postgres, all or nothing.

The folder is a snapshot of the data set: the seven raw tables are replaced by what it holds (a table
whose file is absent ends up empty), so re-running the same load is idempotent. Everything happens in
one transaction: any malformed file leaves the database exactly as it was.

Parsing is done by PostgreSQL's COPY, streamed from the file (bounded memory at any size); its error
context ("COPY bureau, line 7, column AMT_CREDIT_SUM") is turned into an error naming file, line and column.

Speed: the tables are truncated in the loading transaction, so COPY FREEZE applies (rows are written frozen and
all-visible: the first reader, the features export, does not rewrite every page to set hint bits). Secondary
indexes are rebuilt once after the load. ANALYZE covers only the key columns, which gives the planner the row
counts and join keys it needs; full per-column statistics of wide text columns cost seconds (collation-aware
sorts) and autovacuum computes them after commit.
"""

from __future__ import annotations

import csv
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from tqdm import tqdm

from credit_core import homecredit, orm

# Files the generator writes beside the Kaggle tables: they are not part of the data set.
IGNORED_FILES = frozenset({"truth.csv"})
_CHUNK = 1 << 20
_CONTEXT = re.compile(r"COPY (?P<table>\w+), line (?P<line>\d+)(?:, column (?P<column>\w+))?")


class IngestError(Exception):
    """A file cannot be loaded. The message names the file and, where known, the line and column."""

    def __init__(self, file: str, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.file, self.line, self.column = file, line, column
        where = file + (f", line {line}" if line else "") + (f", column {column}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass
class IngestReport:
    rows: dict[str, int] = field(default_factory=dict)  # per file


def plan(data_dir: Path) -> list[tuple[Path, homecredit.Table]]:
    """The files to load, validated by name and header, in load order."""
    if not data_dir.is_dir():
        raise IngestError(str(data_dir), "not a directory")
    files = sorted(p for p in data_dir.iterdir() if p.suffix.lower() == ".csv" and p.name not in IGNORED_FILES)
    for path in files:
        if path.name not in homecredit.TABLE_BY_FILE:
            known = ", ".join(homecredit.TABLE_BY_FILE)
            raise IngestError(path.name, f"unknown table (expected one of: {known})")
    names = {p.name for p in files}
    if not names & {homecredit.TRAIN_FILE, homecredit.TEST_FILE}:
        raise IngestError(str(data_dir), f"needs {homecredit.TRAIN_FILE} and/or {homecredit.TEST_FILE}")
    order = [f for t in homecredit.TABLES for f in t.files]
    planned = sorted(files, key=lambda p: order.index(p.name))
    for path in planned:
        check_header(path, homecredit.TABLE_BY_FILE[path.name])
    return [(p, homecredit.TABLE_BY_FILE[p.name]) for p in planned]


def read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        try:
            return next(csv.reader(f))
        except StopIteration:
            raise IngestError(path.name, "empty file (no header)", line=1) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise IngestError(path.name, f"unreadable header: {exc}", line=1) from None


def check_header(path: Path, table: homecredit.Table) -> list[str]:
    return check_columns(path.name, read_header(path), table)


def check_columns(file: str, header: list[str], table: homecredit.Table) -> list[str]:
    """`header` (a CSV header, or a Parquet file's columns) against the columns `file` must hold, by name."""
    expected = table.file_columns(file)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise IngestError(file, "duplicate column in header", line=1, column=name)
        seen.add(name)
        if name not in expected:
            raise IngestError(file, "unknown column", line=1, column=name)
    missing = [c for c in expected if c not in seen]
    if missing:
        raise IngestError(file, "missing column", line=1, column=missing[0])
    return header


async def ingest(engine: AsyncEngine, data_dir: Path, *, progress: bool = True) -> IngestReport:
    """Replace the raw tables with the files of `data_dir` in one transaction."""
    files = plan(data_dir)
    report = IngestReport()
    async with engine.connect() as conn, conn.begin():
        await conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t.name}"' for t in homecredit.TABLES))
        raw = (await conn.get_raw_connection()).driver_connection
        for path, table in files:
            async with _without_secondary_indexes(conn, table):
                report.rows[path.name] = await _copy_file(raw, path, table, progress)
        for table in homecredit.TABLES:
            await conn.exec_driver_sql(f'ANALYZE "{table.name}" ({_key_columns(table)})')
    return report


def _key_columns(table: homecredit.Table) -> str:
    return ", ".join(f'"{c.name}"' for c in table.columns if c.kind is homecredit.Kind.KEY)


class _without_secondary_indexes:
    """Drop a table's secondary indexes during COPY and rebuild them after: much faster bulk loads."""

    def __init__(self, conn: AsyncConnection, table: homecredit.Table) -> None:
        self.conn = conn
        self.indexes = list(orm.RAW_TABLES[table.name].indexes)

    async def __aenter__(self) -> None:
        for index in self.indexes:
            await self.conn.exec_driver_sql(f'DROP INDEX IF EXISTS "{index.name}"')

    async def __aexit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            for index in self.indexes:
                await self.conn.run_sync(lambda sync_conn, ix=index: ix.create(sync_conn))


async def _copy_file(raw: asyncpg.Connection, path: Path, table: homecredit.Table, progress: bool) -> int:
    header = read_header(path)
    bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=path.name, disable=not progress, leave=False)
    try:
        status = await raw.copy_to_table(
            table.name, source=_chunks(path, bar.update), columns=header, format="csv", header=True, freeze=True
        )
    except asyncpg.PostgresError as exc:
        raise _explain(exc, path) from None
    finally:
        bar.close()
    return int(status.split()[-1])


async def _chunks(path: Path, advance: Callable[[int], object]) -> AsyncIterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            advance(len(chunk))
            yield chunk


def _explain(exc: asyncpg.PostgresError, path: Path) -> IngestError:
    context = getattr(exc, "context", None) or ""
    match = _CONTEXT.search(context)
    line = int(match["line"]) if match else None
    column = match["column"] if match else None
    message = exc.args[0] if exc.args else str(exc)
    if isinstance(exc, asyncpg.UniqueViolationError):
        detail = getattr(exc, "detail", None) or ""
        message = f"duplicate key: {detail}".rstrip(": ")
        column = column or _key_in_detail(detail)
    elif isinstance(exc, asyncpg.CheckViolationError):
        message = "TARGET must be 0 or 1"
        column = column or "TARGET"
    elif isinstance(exc, asyncpg.NotNullViolationError):
        column = column or getattr(exc, "column_name", None)
        message = "missing value for a key column"
    return IngestError(path.name, message, line=line, column=column)


def _key_in_detail(detail: str) -> str | None:
    match = re.search(r'Key \("?(\w+)"?\)', detail)
    return match.group(1) if match else None
