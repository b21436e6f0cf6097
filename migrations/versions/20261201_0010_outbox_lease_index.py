"""The outbox claim's index (issue 13, bench/outbox.py): outbox_messages (next_attempt_at, id)
where status is pending, replacing (status, next_attempt_at).

The claim reads `status = 'pending' AND next_attempt_at <= now ORDER BY next_attempt_at, id
LIMIT batch`: the partial index holds only the messages still to send, in the claim's order, so
the claim reads the first `batch` entries and stops (no sort, no sent or dead rows, however
large the table grows), and the old index on every row's status is no longer written on each
insert, lease and settle.

Plain CREATE INDEX, which locks writes on the table while it builds: quick while the outbox holds
little that is pending. On a large live table build it first by hand with CREATE INDEX
CONCURRENTLY under the same name (this migration then finds it: it creates with IF NOT EXISTS).

Revision ID: b4d6f8a0c2e1
Revises: 9a1c3e5f7b20
Create Date: 2026-12-01 15:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b4d6f8a0c2e1'
down_revision = '9a1c3e5f7b20'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index('ix_outbox_messages_lease', 'outbox_messages', ['next_attempt_at', 'id'],
                    postgresql_where=PENDING, sqlite_where=PENDING, if_not_exists=True)
    op.drop_index('ix_outbox_messages_due', table_name='outbox_messages')


def downgrade() -> None:
    op.create_index('ix_outbox_messages_due', 'outbox_messages', ['status', 'next_attempt_at'])
    op.drop_index('ix_outbox_messages_lease', table_name='outbox_messages')
