"""client_link and client_link_use: links to a client's own view, their revocation and each of their uses

An advisor issues a link (`/c/{token}`, valid 7 days) so that a client can see their own data, the decision, its
reasons and what would change it, and download their personal data. The token is signed by the web service;
the row (found by the sha256 of the token's random nonce) says who issued it, when it expires and whether it was
revoked. Every use (page, JSON or CSV download) is a client_link_use row.

Revision ID: 0011_client_links
Revises: 0010_model_operations
Create Date: 2026-12-05 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_client_links'
down_revision = '0010_model_operations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('client_link',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('nonce_hash', sa.LargeBinary(), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('issued_by', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lang', sa.Text(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_link')),
    sa.UniqueConstraint('nonce_hash', name=op.f('uq_client_link_nonce_hash'))
    )
    op.create_index(op.f('ix_client_link_client_id'), 'client_link', ['client_id'], unique=False)
    op.create_table('client_link_use',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('link_id', sa.BigInteger(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('request_id', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('page', 'json', 'csv')", name=op.f('ck_client_link_use_kind')),
    sa.ForeignKeyConstraint(['link_id'], ['client_link.id'], name=op.f('fk_client_link_use_link_id_client_link'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_link_use'))
    )
    op.create_index('ix_client_link_use_link_id_used_at', 'client_link_use', ['link_id', 'used_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_client_link_use_link_id_used_at', table_name='client_link_use')
    op.drop_table('client_link_use')
    op.drop_index(op.f('ix_client_link_client_id'), table_name='client_link')
    op.drop_table('client_link')
