"""Shipments (status, id), replacing the one-column status index (issue 13, bench/scale.py).

A staff list filtered by status reads `status = :s ORDER BY id DESC LIMIT 51` (keyset on id).
With an index on status alone PostgreSQL walked the primary key backwards and dropped every row
of another status: 10.6 ms at 10 M shipments for `awaiting_collection`, over the 10 ms target.
(status, id) answers it in order from the first entry. It costs no extra write: the status
index it replaces was already updated on every status change (those updates were never HOT),
and anything that searched by status alone uses the new index's leading column.

Plain CREATE INDEX, which locks writes on the table while it builds (minutes at 10 M). On a
large live database build it first by hand with CREATE INDEX CONCURRENTLY under the same name
(this migration then finds it: it creates with IF NOT EXISTS), or run it in a maintenance window.

Revision ID: c5e7a9b1d3f4
Revises: b4d6f8a0c2e1
Create Date: 2026-12-01 17:15:00
"""
from __future__ import annotations

from alembic import op

revision = 'c5e7a9b1d3f4'
down_revision = 'b4d6f8a0c2e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_shipments_status_id', 'shipments', ['status', 'id'], if_not_exists=True)
    op.drop_index('ix_shipments_status', table_name='shipments')


def downgrade() -> None:
    op.create_index('ix_shipments_status', 'shipments', ['status'])
    op.drop_index('ix_shipments_status_id', table_name='shipments')
