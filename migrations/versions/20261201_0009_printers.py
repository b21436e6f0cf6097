"""Network thermal printers an office registers, so the counter can send a label's ZPL to one in
one click (issue 14: raw TCP, port 9100 by default).

Revision ID: 9a1c3e5f7b20
Revises: 5c2d8e7f1a93
Create Date: 2026-12-01 15:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '9a1c3e5f7b20'
down_revision = '5c2d8e7f1a93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'printers',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('office_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('host', sa.String(length=253), nullable=False),
        sa.Column('port', sa.Integer(), server_default=sa.text('9100'), nullable=False),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('port BETWEEN 1 AND 65535', name=op.f('ck_printers_port_range')),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_printers_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_printers')),
        sa.UniqueConstraint('office_id', 'name', name=op.f('uq_printers_office_id')),
    )


def downgrade() -> None:
    op.drop_table('printers')
