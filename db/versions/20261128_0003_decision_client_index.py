"""decision: (client_id, id) index for a client's latest decisions

GET /v1/clients/{id}/decisions reads `WHERE client_id = $1 ORDER BY id DESC LIMIT n`. With only an index on
client_id, PostgreSQL prefers walking the primary key backwards and filtering: seconds on a million-row
audit table for a client with few or no decisions. The composite index answers it directly and also serves
plain client_id lookups, so it replaces the single-column one. Built CONCURRENTLY: the audit table keeps taking
writes while it builds.

Revision ID: 0003_decision_client_index
Revises: 0002_explain
Create Date: 2026-11-28 00:30:00
"""

from __future__ import annotations

from alembic import op

revision = '0003_decision_client_index'
down_revision = '0002_explain'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index('ix_decision_client_id_id', 'decision', ['client_id', 'id'], postgresql_concurrently=True,
                        if_not_exists=True)
        op.drop_index('ix_decision_client_id', table_name='decision', postgresql_concurrently=True,
                      if_exists=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index('ix_decision_client_id', 'decision', ['client_id'], postgresql_concurrently=True,
                        if_not_exists=True)
        op.drop_index('ix_decision_client_id_id', table_name='decision', postgresql_concurrently=True,
                      if_exists=True)
