"""Observed outcomes (`credit outcomes ingest FILE`): did the client default?

The file is CSV with a header: `client_id` or `decision_id` (one of the two filled on each line), `outcome`
(1/0, default/repaid, true/false) and `date` (YYYY-MM-DD, when it was observed). Every line is checked first,
against the file and the audit table; any error rejects the whole file, each error naming its line; a valid file
is stored in one transaction.

A decision's outcome is the one recorded for it, else its client's first outcome observed on or after the
decision date (`LABELLED` below, what performance drift and the challenger comparison read).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import asyncpg

from credit_core import ids

TRUE = {"1", "default", "defaulted", "true", "yes"}
FALSE = {"0", "repaid", "false", "no"}
MAX_ERRORS = 50  # reported; the count says how many more

# decision rows with the outcome known for them (defaulted), for a WHERE clause on d
LABELLED = """
SELECT d.id, d.client_id, d.model_version, d.probability, d.decision, d.created_at,
       COALESCE(by_decision.defaulted, by_client.defaulted) AS defaulted
FROM decision d
LEFT JOIN LATERAL (SELECT o.defaulted FROM decision_outcome o WHERE o.decision_id = d.id
                   ORDER BY o.outcome_date DESC, o.id DESC LIMIT 1) by_decision ON true
LEFT JOIN LATERAL (SELECT o.defaulted FROM decision_outcome o
                   WHERE o.client_id = d.client_id AND o.outcome_date >= d.created_at::date
                   ORDER BY o.outcome_date, o.id LIMIT 1) by_client ON true
"""


@dataclass(frozen=True, slots=True)
class Outcome:
    line: int
    client_id: int | None
    decision_id: int | None
    defaulted: bool
    outcome_date: date


class OutcomeFileError(ValueError):
    def __init__(self, errors: list[str], total: int) -> None:
        shown = errors[:MAX_ERRORS]
        more = f"\n... and {total - len(shown)} more" if total > len(shown) else ""
        super().__init__(f"{total} error(s), nothing stored:\n" + "\n".join(shown) + more)
        self.errors, self.total = errors, total


def parse(text: str) -> list[Outcome]:
    """The file's outcomes, or OutcomeFileError listing every malformed line (line 1 is the header)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [name for name in ("outcome", "date") if name not in header]
    if "client_id" not in header and "decision_id" not in header:
        missing.append("client_id or decision_id")
    if missing:
        raise OutcomeFileError([f"line 1: missing column(s): {', '.join(missing)}"], 1)
    reader.fieldnames = header
    outcomes: list[Outcome] = []
    errors: list[str] = []
    for row in reader:
        line = reader.line_num
        try:
            outcomes.append(_outcome(line, row))
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    if errors:
        raise OutcomeFileError(errors, len(errors))
    if not outcomes:
        raise OutcomeFileError(["line 2: no outcome in the file"], 1)
    return outcomes


def _outcome(line: int, row: dict[str, str | None]) -> Outcome:
    client = (row.get("client_id") or "").strip()
    decision = (row.get("decision_id") or "").strip()
    if bool(client) == bool(decision):
        raise ValueError("give exactly one of client_id and decision_id")
    try:
        client_id = ids.parse_client_id(client) if client else None
    except ValueError:
        raise ValueError(f"client_id {client!r}: {ids.RANGE_MESSAGE}") from None
    if decision and not decision.isdigit():
        raise ValueError(f"decision_id {decision!r} is not a positive integer")
    raw_outcome = (row.get("outcome") or "").strip().lower()
    if raw_outcome not in TRUE | FALSE:
        raise ValueError(f"outcome {raw_outcome!r}: expected 1/0, default/repaid or true/false")
    raw_date = (row.get("date") or "").strip()
    try:
        observed = date.fromisoformat(raw_date)
    except ValueError:
        raise ValueError(f"date {raw_date!r}: expected YYYY-MM-DD") from None
    return Outcome(line, client_id, int(decision) if decision else None, raw_outcome in TRUE, observed)


async def ingest(conn: asyncpg.Connection, outcomes: list[Outcome], *, source: str) -> int:
    """Check the ids against the audit table, then store every outcome in one transaction; the count stored."""
    async with conn.transaction():
        decision_ids = sorted({o.decision_id for o in outcomes if o.decision_id is not None})
        client_ids = sorted({o.client_id for o in outcomes if o.client_id is not None})
        known_decisions = {r["id"] for r in await conn.fetch(
            "SELECT id FROM decision WHERE id = ANY($1::bigint[])", decision_ids)}
        known_clients = {r["client_id"] for r in await conn.fetch(
            "SELECT DISTINCT client_id FROM decision WHERE client_id = ANY($1::bigint[])", client_ids)}
        errors = [f"line {o.line}: no decision {o.decision_id} in the audit table" for o in outcomes
                  if o.decision_id is not None and o.decision_id not in known_decisions]
        errors += [f"line {o.line}: client {o.client_id} has no decision in the audit table" for o in outcomes
                   if o.client_id is not None and o.client_id not in known_clients]
        if errors:
            errors.sort(key=lambda e: int(e.split(":")[0].removeprefix("line ")))
            raise OutcomeFileError(errors, len(errors))
        await conn.copy_records_to_table(
            "decision_outcome", columns=("client_id", "decision_id", "defaulted", "outcome_date", "source"),
            records=[(o.client_id, o.decision_id, o.defaulted, o.outcome_date, source) for o in outcomes])
    return len(outcomes)
