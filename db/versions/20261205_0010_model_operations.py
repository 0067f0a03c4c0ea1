"""model operations: decision events outbox, challenger (shadow) scores, observed outcomes, drift reports

- model_version.is_challenger: at most one version scored in the shadow of the active one (partial unique index,
  like is_active).
- decision_shadow: the challenger's score of a live decision, beside it (one row per decision at most).
- decision_outcome: observed defaults (`credit outcomes ingest`), by client or by decision.
- decision_event: the transactional outbox. A row is written in the same transaction as the audit row(s) it
  announces (a model decision, or an advisor's decision); `credit events relay` publishes the unpublished rows
  to the broker and marks them. Only written when events are on (EVENTS_URL).
- drift_report: stored drift reports (summary as JSON; the full HTML report lives in a file beside it).

Revision ID: 0010_model_operations
Revises: 0007_web_sessions
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010_model_operations'
down_revision = '0009_user_display_name'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('model_version', sa.Column('is_challenger', sa.Boolean(), server_default=sa.false(),
                                             nullable=False))
    op.create_index('uq_model_version_one_challenger', 'model_version', ['is_challenger'], unique=True,
                    postgresql_where=sa.text('is_challenger'))
    op.create_table('decision_shadow',
    sa.Column('decision_id', sa.BigInteger(), nullable=False),
    sa.Column('model_version', sa.Text(), nullable=False),
    sa.Column('probability', sa.Double(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    # No foreign key: its check locks the decision row for every shadow row (the audit table is append-only).
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_shadow'))
    )
    op.create_index(op.f('ix_decision_shadow_model_version'), 'decision_shadow', ['model_version'], unique=False)
    op.create_table('decision_outcome',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=True),
    sa.Column('decision_id', sa.BigInteger(), nullable=True),
    sa.Column('defaulted', sa.Boolean(), nullable=False),
    sa.Column('outcome_date', sa.Date(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('(client_id IS NULL) <> (decision_id IS NULL)',
                       name=op.f('ck_decision_outcome_client_or_decision')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_decision_outcome_decision_id_decision'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_outcome'))
    )
    op.create_index(op.f('ix_decision_outcome_client_id'), 'decision_outcome', ['client_id'], unique=False)
    op.create_index(op.f('ix_decision_outcome_decision_id'), 'decision_outcome', ['decision_id'], unique=False)
    op.create_table('decision_event',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('decision_id', sa.BigInteger(), nullable=True),
    sa.Column('advisor_decision_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(decision_id IS NULL) <> (advisor_decision_id IS NULL)',
                       name=op.f('ck_decision_event_one_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_event'))
    )
    # The relay's queue: the unpublished rows in order, small however long the history.
    op.create_index('ix_decision_event_unpublished', 'decision_event', ['id'], unique=False,
                    postgresql_where=sa.text('published_at IS NULL'))
    op.create_table('drift_report',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('model_version', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('n_current', sa.Integer(), nullable=False),
    sa.Column('drifted_share', sa.Double(), nullable=False),
    sa.Column('summary', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('html_path', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drift_report'))
    )
    op.create_index(op.f('ix_drift_report_model_version'), 'drift_report', ['model_version'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_drift_report_model_version'), table_name='drift_report')
    op.drop_table('drift_report')
    op.drop_index('ix_decision_event_unpublished', table_name='decision_event')
    op.drop_table('decision_event')
    op.drop_index(op.f('ix_decision_outcome_decision_id'), table_name='decision_outcome')
    op.drop_index(op.f('ix_decision_outcome_client_id'), table_name='decision_outcome')
    op.drop_table('decision_outcome')
    op.drop_index(op.f('ix_decision_shadow_model_version'), table_name='decision_shadow')
    op.drop_table('decision_shadow')
    op.drop_index('uq_model_version_one_challenger', table_name='model_version')
    op.drop_column('model_version', 'is_challenger')
