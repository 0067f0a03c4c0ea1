"""explain: precomputed SHAP values per model version and client

Revision ID: 0002_explain
Revises: 0001
Create Date: 2026-11-27 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002_explain'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client_shap',
    sa.Column('model_version', sa.Text(), nullable=False),
    sa.Column('sk_id_curr', sa.BigInteger(), nullable=False),
    sa.Column('base_value', sa.Double(), nullable=False),
    sa.Column('shap', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('model_version', 'sk_id_curr', name=op.f('pk_client_shap'))
    )


def downgrade() -> None:
    op.drop_table('client_shap')
