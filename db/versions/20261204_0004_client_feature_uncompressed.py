"""client_feature: rows stored uncompressed

A row (the 1,680-byte numeric vector + the categorical array, ~2 KB) is just over the size at which
PostgreSQL starts compressing values, so every read of a row decompressed its numeric vector (pglz): ~30 % of
the server's CPU for a batch read, for a ~20 % saving on disk. With `toast_tuple_target` at its maximum, rows
below a page's size are stored as they are. Rows are rewritten by the next `credit features build` (the table
is replaced whole); until then, old rows stay compressed and read as before.

Revision ID: 0004_client_feature_uncompressed
Revises: 0003_decision_client_index
Create Date: 2026-12-04 03:30:00
"""

from __future__ import annotations

from alembic import op

revision = '0004_client_feature_uncompressed'
down_revision = '0003_decision_client_index'
branch_labels = None
depends_on = None

TOAST_TUPLE_TARGET_MAX = 8160  # PostgreSQL's upper bound: a page less its header


def upgrade() -> None:
    op.execute(f"ALTER TABLE client_feature SET (toast_tuple_target = {TOAST_TUPLE_TARGET_MAX})")


def downgrade() -> None:
    op.execute("ALTER TABLE client_feature RESET (toast_tuple_target)")
