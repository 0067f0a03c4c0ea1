"""client_feature: category hashes and feature hash stored with each row

Scoring a stored client read its categories as an array of strings, hashed them (CatBoost's hash, what one-hot
splits test) and hashed the whole row for the audit, for every decision: ~5 µs of the service's CPU and ~2 µs
of the server's per client in a batch. Both depend on the row alone, so they are now computed once, when the
row is written (credit_core.feature_store.encode), and read as two fixed-width byte strings. Existing rows are
filled here, by chunks, with the same code.

Revision ID: 0005_feature_scoring_columns
Revises: 0004_client_feature_uncompressed
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_feature_scoring_columns'
down_revision = '0004_client_feature_uncompressed'
branch_labels = None
depends_on = None

CHUNK = 5_000


def upgrade() -> None:
    from credit_core import feature_store  # the encoding these columns must agree with

    op.add_column('client_feature', sa.Column('category_hashes', sa.LargeBinary(), nullable=True))
    op.add_column('client_feature', sa.Column('feature_hash', sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    last = -(2**63)  # below every bigint id
    while True:
        rows = bind.execute(sa.text(
            "SELECT sk_id_curr, numeric, categorical FROM client_feature "
            "WHERE sk_id_curr > :last ORDER BY sk_id_curr LIMIT :n"),
            {"last": last, "n": CHUNK}).all()
        if not rows:
            break
        hashes = feature_store.category_hashes([list(r.categorical) for r in rows])
        bind.execute(
            sa.text("UPDATE client_feature SET category_hashes = :h, feature_hash = :d WHERE sk_id_curr = :id"),
            [{"id": r.sk_id_curr, "h": hashes[i].tobytes(), "d": feature_store.row_digest(r.numeric, list(r.categorical))}
             for i, r in enumerate(rows)])
        last = rows[-1].sk_id_curr
    op.alter_column('client_feature', 'category_hashes', nullable=False)
    op.alter_column('client_feature', 'feature_hash', nullable=False)


def downgrade() -> None:
    op.drop_column('client_feature', 'feature_hash')
    op.drop_column('client_feature', 'category_hashes')
