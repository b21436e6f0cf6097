"""Indexes the scale benchmark called for (issue 13; bench/scale.py; the EXPLAIN evidence is in the
issue's closing note):

- shipments (agency_id, id) and (office_id, id), replacing the one-column agency_id and
  office_id indexes: an agency's and an office's newest-first list (keyset on id) read their
  own rows in order instead of walking every shipment backwards and filtering.
- shipments (due_date): the service-standard report's population (due in a period).
- shipments (policy_code, accepted_on) where policy_code is set: the subsidy claim of a quarter.
- tracking_events (occurred_at) where event is accepted or delivered: the daily reconciliation's
  money-changing events of a day.
- tracking_events (shipment_id, occurred_at) where event is delivered: the service-standard
  report's delivery moment of each item, read from the index alone (not ten events' rows).

Written as plain CREATE INDEX, which locks writes on the table while it builds (minutes at
10 M shipments / 100 M events). On a live production database build them first by hand with
CREATE INDEX CONCURRENTLY under the same names (this migration then finds them: it creates
with IF NOT EXISTS), or run it in a maintenance window.

Revision ID: 5c2d8e7f1a93
Revises: 9764ffb7b201
Create Date: 2026-12-01 13:15:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5c2d8e7f1a93'
down_revision = '9764ffb7b201'
branch_labels = None
depends_on = None

POLICY_SET = sa.text("policy_code IS NOT NULL")
COLLECTING = sa.text("event IN ('accepted', 'delivered')")
DELIVERED = sa.text("event = 'delivered'")


def upgrade() -> None:
    op.drop_index('ix_shipments_agency_id', table_name='shipments')
    op.drop_index('ix_shipments_office_id', table_name='shipments')
    op.create_index('ix_shipments_agency_id_id', 'shipments', ['agency_id', 'id'], if_not_exists=True)
    op.create_index('ix_shipments_office_id_id', 'shipments', ['office_id', 'id'], if_not_exists=True)
    op.create_index('ix_shipments_due_date', 'shipments', ['due_date'], if_not_exists=True)
    op.create_index('ix_shipments_policy_accepted_on', 'shipments', ['policy_code', 'accepted_on'],
                    postgresql_where=POLICY_SET, sqlite_where=POLICY_SET, if_not_exists=True)
    op.create_index('ix_tracking_events_collecting_time', 'tracking_events', ['occurred_at'],
                    postgresql_where=COLLECTING, sqlite_where=COLLECTING, if_not_exists=True)
    op.create_index('ix_tracking_events_delivered', 'tracking_events', ['shipment_id', 'occurred_at'],
                    postgresql_where=DELIVERED, sqlite_where=DELIVERED, if_not_exists=True)


def downgrade() -> None:
    op.drop_index('ix_tracking_events_delivered', table_name='tracking_events')
    op.drop_index('ix_tracking_events_collecting_time', table_name='tracking_events')
    op.drop_index('ix_shipments_policy_accepted_on', table_name='shipments')
    op.drop_index('ix_shipments_due_date', table_name='shipments')
    op.drop_index('ix_shipments_office_id_id', table_name='shipments')
    op.drop_index('ix_shipments_agency_id_id', table_name='shipments')
    op.create_index('ix_shipments_office_id', 'shipments', ['office_id'])
    op.create_index('ix_shipments_agency_id', 'shipments', ['agency_id'])
