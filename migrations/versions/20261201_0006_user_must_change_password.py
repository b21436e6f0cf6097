"""Users given a one-time password by an admin must choose their own at first sign-in (issue 12).

Revision ID: 3b8f0a6d91c4
Revises: 7c1e4b9d2a60
Create Date: 2026-12-01 11:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '3b8f0a6d91c4'
down_revision = '7c1e4b9d2a60'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing accounts chose (or were seeded with) their password: they need not change it.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
