"""Tracking events keep a phone's own clock and its measured server-clock offset (issue 11).

Revision ID: 7c1e4b9d2a60
Revises: 5650bbd73263
Create Date: 2026-12-01 11:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '7c1e4b9d2a60'
down_revision = '5650bbd73263'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: events recorded before, and those not made on a phone, have neither.
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_time', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_offset_ms', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_column('clock_offset_ms')
        batch_op.drop_column('device_time')
