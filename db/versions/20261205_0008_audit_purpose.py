"""decision.purpose and advisor_decision.display_name: views are audited apart from decisions

Every score the dashboard shows is still audited, but a row now says why it was computed: `view` (a dashboard
panel), `letter` (the printed letter), `decision` (the advisor's decision, stored with its advisor_decision row)
or `api` (any other caller, the default, and every row written before this revision). The advisor's display
name is kept with their decision, so a letter can be signed by a name rather than a login.

Revision ID: 0008_audit_purpose
Revises: 0007_web_sessions
Create Date: 2026-12-05 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_audit_purpose'
down_revision = '0007_web_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant server default: Postgres adds the column without rewriting the table.
    op.add_column('decision', sa.Column('purpose', sa.Text(), server_default='api', nullable=False))
    op.create_check_constraint(op.f('ck_decision_purpose'), 'decision', "purpose IN ('view', 'decision', 'letter', 'api')")
    op.add_column('advisor_decision', sa.Column('display_name', sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column('advisor_decision', 'display_name')
    op.drop_constraint(op.f('ck_decision_purpose'), 'decision', type_='check')
    op.drop_column('decision', 'purpose')
