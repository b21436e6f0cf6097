"""Public tracking answers stored as served, rewritten in the transaction that changes them
(issue 13: tracking that is fast and never stale).

Existing shipments get their answers from `flask setup` (or `flask tracking rebuild --missing`);
until then they are read from the tables, as before.

Revision ID: 9764ffb7b201
Revises: 3b8f0a6d91c4
Create Date: 2026-12-01 12:40:45.429800
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '9764ffb7b201'
down_revision = '3b8f0a6d91c4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'public_answers',
        sa.Column('tracking_number', sa.String(length=13), nullable=False),
        sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('version', sa.SmallInteger(), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'],
                                name=op.f('fk_public_answers_shipment_id_shipments'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tracking_number', name=op.f('pk_public_answers')),
        sa.UniqueConstraint('shipment_id', name=op.f('uq_public_answers_shipment_id')),
    )


def downgrade() -> None:
    op.drop_table('public_answers')
