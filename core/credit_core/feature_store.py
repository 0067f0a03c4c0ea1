"""The per-client feature table (client_feature): compact encoding, bulk write, fast read.

Row layout (see orm.ClientFeature): `numeric` is the float64 little-endian vector of the catalogue's
numeric features (NaN = missing), `categorical` the catalogue's categorical values, both in catalogue
order. Two columns are derived from those when the row is written, for scoring: `category_hashes`, the int32
little-endian CatBoost hashes of the categories (credit_core.category_hash), and `feature_hash`, the row's
sha256 digest (row_digest), which every audited decision records. The feature-set version stored on every row
guards that layout.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import asyncpg
import numpy as np
import orjson
import polars as pl

from credit_core import features
from credit_core.category_hash import CategoryHasher

COLUMNS = ("sk_id_curr", "feature_set_version", "numeric", "categorical", "category_hashes", "feature_hash",
           "target")
DIGEST_SIZE = hashlib.sha256().digest_size
_hasher = CategoryHasher()


def row_digest(numeric: bytes, categorical: Sequence[str | None]) -> bytes:
    """sha256 of one encoded row: the numeric vector's bytes, then the categories as a JSON array (null =
    missing). It proves which features a decision was made on."""
    return hashlib.sha256(numeric + orjson.dumps(categorical)).digest()


def category_hashes(categorical: Sequence[Sequence[str | None]]) -> np.ndarray:
    """(rows, categorical features) int32 hashes of rows of categories in catalogue order."""
    return _hasher.hash_rows(categorical, len(features.CATEGORICAL_FEATURES))


def encode(frame: pl.DataFrame, target: pl.Series | None = None) -> Iterator[tuple[Any, ...]]:
    """Records for `client_feature` (COLUMNS) from a frame holding SK_ID_CURR and the catalogue's features."""
    ids = frame["SK_ID_CURR"].to_list()
    numeric = np.ascontiguousarray(
        frame.select(features.NUMERIC_FEATURES).to_numpy().astype("<f8", copy=False), dtype="<f8"
    )
    categorical = [list(row) for row in frame.select(features.CATEGORICAL_FEATURES).rows()]
    hashes = category_hashes(categorical)
    targets = target.to_list() if target is not None else [None] * len(ids)
    version = features.FEATURE_SET_VERSION
    for i, client_id in enumerate(ids):
        vector = numeric[i].tobytes()
        yield (client_id, version, vector, categorical[i], hashes[i].tobytes(), row_digest(vector, categorical[i]),
               targets[i])


def decode(records: Sequence[Any]) -> pl.DataFrame:
    """SK_ID_CURR + catalogue features (catalogue order) from fetched client_feature records."""
    if not records:
        return empty_frame()
    numeric = np.frombuffer(b"".join(r["numeric"] for r in records), dtype="<f8").reshape(
        len(records), len(features.NUMERIC_FEATURES)
    )
    return to_frame(numeric, [r["categorical"] for r in records], [r["sk_id_curr"] for r in records])


def to_frame(
    numeric: np.ndarray, categorical: Sequence[Sequence[str | None]], client_ids: Sequence[int] | None = None
) -> pl.DataFrame:
    """Catalogue features (catalogue order; SK_ID_CURR first when `client_ids` are given) from the stored
    encoding: the numeric matrix (NaN = missing) and the categorical rows."""
    columns: dict[str, Any] = {}
    if client_ids is not None:
        columns["SK_ID_CURR"] = pl.Series(client_ids, dtype=pl.Int64)
    numeric_frame = pl.DataFrame(numeric, schema=features.NUMERIC_FEATURES, orient="row").fill_nan(None)
    for j, name in enumerate(features.CATEGORICAL_FEATURES):
        columns[name] = pl.Series([row[j] for row in categorical], dtype=pl.String)
    frame = pl.DataFrame(columns).hstack(numeric_frame)
    return frame.select(*(["SK_ID_CURR"] if client_ids is not None else []), *features.FEATURE_NAMES)


def empty_frame() -> pl.DataFrame:
    schema: dict[str, Any] = {"SK_ID_CURR": pl.Int64}
    for name in features.FEATURE_NAMES:
        schema[name] = pl.String if name in features.CATEGORICAL_FEATURES else pl.Float64
    return pl.DataFrame(schema=schema)


async def replace_all(conn: asyncpg.Connection, records: Iterable[tuple[Any, ...]]) -> int:
    """Replace the whole table (call inside a transaction: readers see the old rows until commit), then refresh
    its planner statistics: autovacuum may take minutes to, and until then a batch read plans for an empty table
    (~25 % more of the server's CPU per row)."""
    await conn.execute("TRUNCATE client_feature")
    status = await conn.copy_records_to_table("client_feature", records=records, columns=COLUMNS)
    await conn.execute("ANALYZE client_feature")
    return int(status.split()[-1])


async def fetch_for_scoring(conn: asyncpg.Connection, client_ids: Sequence[int], *, categories: bool
                            ) -> list[asyncpg.Record]:
    """What scoring reads (sk_id_curr, numeric, category_hashes, feature_hash; `categorical` too if asked: a
    model scored through CatBoost itself needs the strings). Current feature set only; unknown ids are absent."""
    return await conn.fetch(
        _SCORING_READ_WITH_CATEGORIES if categories else _SCORING_READ, list(client_ids), features.FEATURE_SET_VERSION
    )


_SCORING_COLUMNS = "sk_id_curr, numeric, category_hashes, feature_hash"
_SCORING_ROWS = "FROM client_feature WHERE sk_id_curr = ANY($1::bigint[]) AND feature_set_version = $2"
_SCORING_READ = f"SELECT {_SCORING_COLUMNS} {_SCORING_ROWS}"
_SCORING_READ_WITH_CATEGORIES = f"SELECT {_SCORING_COLUMNS}, categorical {_SCORING_ROWS}"


async def fetch(conn: asyncpg.Connection, client_ids: Sequence[int]) -> list[asyncpg.Record]:
    """Feature records of these clients (current feature set only; unknown ids are simply absent)."""
    return await conn.fetch(
        "SELECT sk_id_curr, numeric, categorical, target FROM client_feature "
        "WHERE sk_id_curr = ANY($1::bigint[]) AND feature_set_version = $2",
        list(client_ids),
        features.FEATURE_SET_VERSION,
    )
