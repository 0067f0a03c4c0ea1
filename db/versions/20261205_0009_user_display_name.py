"""app_user.display_name: the name an advisor signs letters with (not the login)

Revision ID: 0009_user_display_name
Revises: 0008_audit_purpose
Create Date: 2026-12-05 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_user_display_name'
down_revision = '0008_audit_purpose'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('app_user', sa.Column('display_name', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('app_user', 'display_name')
