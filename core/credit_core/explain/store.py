"""The `client_shap` table (migration 0002_explain): SHAP vectors precomputed per model version.

`shap` is the float64 little-endian vector in the bundle's feature order; base_value + Σ shap = log-odds.
Rows are written in batches when a model version is first served; readers fall back to live SHAP meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import numpy as np

from credit_core.explain.shap_values import from_bytes, to_bytes

COLUMNS = ("model_version", "sk_id_curr", "base_value", "shap")


async def fetch_one(conn: asyncpg.Connection, model_version: str, client_id: int) -> tuple[float, np.ndarray] | None:
    row = await conn.fetchrow(
        "SELECT base_value, shap FROM client_shap WHERE model_version = $1 AND sk_id_curr = $2",
        model_version, client_id,
    )
    return None if row is None else (float(row["base_value"]), from_bytes(row["shap"]))


async def count(conn: asyncpg.Connection, model_version: str) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM client_shap WHERE model_version = $1", model_version))


async def write(conn: asyncpg.Connection, model_version: str, ids: Sequence[int], base_value: float,
                values: np.ndarray) -> int:
    """Insert the rows not yet stored (idempotent: a concurrent or repeated fill is harmless)."""
    await conn.execute("CREATE TEMP TABLE _shap_in (LIKE client_shap INCLUDING DEFAULTS)")
    records = [(model_version, int(i), base_value, to_bytes(values[k])) for k, i in enumerate(ids)]
    await conn.copy_records_to_table("_shap_in", records=records, columns=COLUMNS)
    status = await conn.execute(
        "INSERT INTO client_shap (model_version, sk_id_curr, base_value, shap) "
        "SELECT model_version, sk_id_curr, base_value, shap FROM _shap_in ON CONFLICT DO NOTHING"
    )
    await conn.execute("DROP TABLE _shap_in")
    return int(status.split()[-1])


async def missing_ids(conn: asyncpg.Connection, model_version: str, feature_set_version: str,
                      limit: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT f.sk_id_curr FROM client_feature f WHERE f.feature_set_version = $2 AND NOT EXISTS "
        "(SELECT 1 FROM client_shap s WHERE s.model_version = $1 AND s.sk_id_curr = f.sk_id_curr) "
        "ORDER BY f.sk_id_curr LIMIT $3",
        model_version, feature_set_version, limit,
    )
    return [r["sk_id_curr"] for r in rows]


async def fetch_client(conn: asyncpg.Connection, model_version: str, feature_set_version: str,
                       client_id: int) -> asyncpg.Record | None:
    """The client's feature row joined with its precomputed SHAP (base_value/shap are NULL while missing)."""
    return await conn.fetchrow(
        "SELECT f.sk_id_curr, f.numeric, f.categorical, f.target, s.base_value, s.shap FROM client_feature f "
        "LEFT JOIN client_shap s ON s.sk_id_curr = f.sk_id_curr AND s.model_version = $2 "
        "WHERE f.sk_id_curr = $1 AND f.feature_set_version = $3",
        client_id, model_version, feature_set_version,
    )


async def fetch_labelled(conn: asyncpg.Connection, feature_set_version: str,
                         columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ids, targets and the chosen numeric features (positions in the catalogue's numeric vector) of every
    labelled client. Postgres slices the 8-byte values out of the vector, so only those columns travel."""
    if not columns:
        raise ValueError("no columns to fetch")
    sliced = " || ".join(f"substring(numeric from {8 * j + 1} for 8)" for j in columns)
    rows = await conn.fetch(
        f"SELECT sk_id_curr, target, {sliced} AS values FROM client_feature "
        "WHERE target IS NOT NULL AND feature_set_version = $1",
        feature_set_version,
    )
    ids = np.fromiter((r["sk_id_curr"] for r in rows), dtype=np.int64, count=len(rows))
    target = np.fromiter((r["target"] for r in rows), dtype=np.int8, count=len(rows))
    matrix = np.frombuffer(b"".join(r["values"] for r in rows), dtype="<f8").reshape(len(rows), len(columns))
    return ids, target, matrix


async def fetch_application(conn: asyncpg.Connection, client_id: int) -> dict[str, object] | None:
    row = await conn.fetchrow('SELECT * FROM application WHERE "SK_ID_CURR" = $1', client_id)
    return None if row is None else dict(row)


ID_DIGITS = 19  # the longest decimal id a bigint holds
_MAX_ID = 2**63 - 1


def prefix_ranges(prefix: str) -> list[tuple[int, int]]:
    """Inclusive id ranges [p·10^k, (p+1)·10^k - 1] holding exactly the ids whose decimal form starts with
    `prefix`, in ascending order (each range lies wholly above the previous one). Leading zeros match no id.
    Bounds stay within bigint so Postgres compares them with the primary key as they are (index range scans)."""
    if not prefix.isdigit() or prefix.startswith("0") or len(prefix) > ID_DIGITS:
        return []
    p = int(prefix)
    ranges = []
    for k in range(ID_DIGITS - len(prefix) + 1):
        low = p * 10**k
        if low > _MAX_ID:
            break
        ranges.append((low, min((p + 1) * 10**k - 1, _MAX_ID)))
    return ranges


async def clients_with_prefix(conn: asyncpg.Connection, feature_set_version: str, prefix: str,
                              limit: int) -> list[tuple[int, bool]]:
    """(client id, has a known outcome) for clients with features whose id starts with `prefix`, ascending.

    One primary-key range scan per id length, each stopped at `limit` rows, so the cost does not grow with the
    table."""
    ranges = prefix_ranges(prefix)
    if not ranges or limit <= 0:
        return []
    rows = await conn.fetch(
        "SELECT c.sk_id_curr, c.target IS NOT NULL AS has_outcome "
        "FROM unnest($1::bigint[], $2::bigint[]) AS r(low, high) CROSS JOIN LATERAL ("
        "  SELECT f.sk_id_curr, f.target FROM client_feature f"
        "  WHERE f.sk_id_curr >= r.low AND f.sk_id_curr <= r.high AND f.feature_set_version = $3"
        "  ORDER BY f.sk_id_curr LIMIT $4) c "
        "ORDER BY c.sk_id_curr LIMIT $4",
        [low for low, _ in ranges], [high for _, high in ranges], feature_set_version, limit,
    )
    return [(int(r["sk_id_curr"]), bool(r["has_outcome"])) for r in rows]


async def fetch_application_columns(conn: asyncpg.Connection, client_id: int,
                                    columns: Sequence[str]) -> dict[str, object] | None:
    """The chosen raw application columns of one client (names come from our own code, never from a request)."""
    selected = ", ".join(f'"{name}"' for name in columns)
    row = await conn.fetchrow(f'SELECT {selected} FROM application WHERE "SK_ID_CURR" = $1', client_id)
    return None if row is None else dict(row)


async def versions_to_keep(conn: asyncpg.Connection) -> list[str]:
    """The active model version and the one active before it (the most recently activated of the others): a
    rollback to it stays instant; older versions' rows are dead weight. Never-activated versions are not kept."""
    rows = await conn.fetch(
        "(SELECT version FROM model_version WHERE is_active) UNION ALL "
        "(SELECT version FROM model_version WHERE NOT is_active AND activated_at IS NOT NULL "
        " ORDER BY activated_at DESC, version DESC LIMIT 1)"
    )
    return [r["version"] for r in rows]


async def prune(conn: asyncpg.Connection, keep: Sequence[str] = ()) -> dict[str, int]:
    """Delete the client_shap rows of every model version except the active, the previously active and `keep`;
    returns rows deleted per version."""
    kept = sorted({*await versions_to_keep(conn), *keep})
    rows = await conn.fetch(
        "WITH gone AS (DELETE FROM client_shap WHERE model_version <> ALL($1::text[]) RETURNING model_version) "
        "SELECT model_version, count(*) AS n FROM gone GROUP BY model_version ORDER BY model_version",
        kept,
    )
    return {r["model_version"]: int(r["n"]) for r in rows}
