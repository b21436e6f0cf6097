"""A shipment's events read from their index alone (issue 13, bench/scale.py).

The staff detail reads all of a shipment's events in order. Events are written as they happen,
so an item's ten events lie on about ten different heap pages among everyone else's: at 10 M
shipments (a 52 GB database on a 24 GB machine) a detail nobody read lately waited on those
pages' reads (EXPLAIN ANALYZE: 14 buffers read). The index by (shipment_id, occurred_at, id)
now carries the columns the detail shows, so PostgreSQL answers from one or two index pages
(an index-only scan, once VACUUM has marked the pages all-visible, as autovacuum does for an
append-mostly table). It replaces the index of the same key: one index updated per event, as
before, only wider. `note` fits: every writer bounds it (scans and delivery 500 characters,
cancellation reasons less), far under a B-tree entry's 2.7 KB.

Plain CREATE INDEX, which locks writes on the table while it builds (minutes at 100 M events).
On a large live database build it first by hand with CREATE INDEX CONCURRENTLY under the same
name (this migration then finds it), or run it in a maintenance window.

Revision ID: d6f8b0c2e4a5
Revises: c5e7a9b1d3f4
Create Date: 2026-12-01 22:40:00
"""
from __future__ import annotations

from alembic import op

revision = 'd6f8b0c2e4a5'
down_revision = 'c5e7a9b1d3f4'
branch_labels = None
depends_on = None

SHOWN = ['event', 'upu_code', 'recorded_at', 'office_id', 'reason', 'note', 'device_time',
         'clock_offset_ms']


def upgrade() -> None:
    op.create_index('ix_tracking_events_shipment_timeline', 'tracking_events',
                    ['shipment_id', 'occurred_at', 'id'], postgresql_include=SHOWN, if_not_exists=True)
    op.drop_index('ix_tracking_events_shipment_time', table_name='tracking_events')


def downgrade() -> None:
    op.create_index('ix_tracking_events_shipment_time', 'tracking_events', ['shipment_id', 'occurred_at', 'id'])
    op.drop_index('ix_tracking_events_shipment_timeline', table_name='tracking_events')
