"""Fees: tariff versions with their zone prices, and discount policies (SPEC §5).

Reviewed by hand: JSONB variant's astext_type qualified (sa.Text); no server defaults are
needed (new tables, every row written by the application); downgrade drops children first.

Revision ID: 8cb6bde3f869
Revises: ac440322d3b7
Create Date: 2026-11-23 05:32:07.504333
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db

revision = '8cb6bde3f869'
down_revision = 'ac440322d3b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('discount_policies',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('legal_basis', sa.String(length=300), nullable=True),
    sa.Column('kind', sa.Enum('percentage', 'fixed_price', name='policykind', native_enum=False, length=32), nullable=False),
    sa.Column('discount_bp', sa.Integer(), nullable=True),
    sa.Column('fixed_price_vnd', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('legs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('zones', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=True),
    sa.Column('agency_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('beneficiary_categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('budget_share_bp', sa.Integer(), nullable=False),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("(kind = 'percentage' AND discount_bp BETWEEN 1 AND 10000 AND fixed_price_vnd IS NULL) OR (kind = 'fixed_price' AND fixed_price_vnd >= 0 AND discount_bp IS NULL)", name=op.f('ck_discount_policies_kind_amount')),
    sa.CheckConstraint('budget_share_bp BETWEEN 0 AND 10000', name=op.f('ck_discount_policies_budget_share_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_discount_policies_created_by_id_users')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_discount_policies_province_code_provinces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_policies')),
    sa.UniqueConstraint('code', name=op.f('uq_discount_policies_code'))
    )
    op.create_table('tariffs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('prices_include_vat', sa.Boolean(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('base_weight_g', sa.Integer(), nullable=False),
    sa.Column('base_tolerance_g', sa.Integer(), nullable=False),
    sa.Column('step_weight_g', sa.Integer(), nullable=False),
    sa.Column('max_weight_g', sa.Integer(), nullable=False),
    sa.Column('local_radius_km', sa.Integer(), nullable=False),
    sa.Column('remote_threshold_km', sa.Integer(), nullable=False),
    sa.Column('remote_surcharge_vnd', sa.Integer(), nullable=False),
    sa.Column('collection_fee_vnd', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('revision', sa.String(length=32), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint('base_weight_g > 0 AND step_weight_g > 0 AND base_tolerance_g >= 0', name=op.f('ck_tariffs_weights_positive')),
    sa.CheckConstraint('local_radius_km >= 0 AND remote_threshold_km >= 0', name=op.f('ck_tariffs_distances_nonnegative')),
    sa.CheckConstraint('max_weight_g >= base_weight_g', name=op.f('ck_tariffs_max_weight_over_base')),
    sa.CheckConstraint('remote_surcharge_vnd >= 0 AND collection_fee_vnd >= 0', name=op.f('ck_tariffs_amounts_nonnegative')),
    sa.CheckConstraint('vat_rate_bp >= 0 AND vat_rate_bp <= 10000', name=op.f('ck_tariffs_vat_rate_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tariffs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariffs')),
    sa.UniqueConstraint('version', name=op.f('uq_tariffs_version'))
    )
    with op.batch_alter_table('tariffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tariffs_effective_from'), ['effective_from'], unique=False)

    op.create_table('tariff_zone_prices',
    sa.Column('tariff_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('zone', sa.Enum('local', 'intra_province', 'inter_same_region', 'inter_adjacent_region', 'inter_far_region', name='zone', native_enum=False, length=32), nullable=False),
    sa.Column('base_vnd', sa.Integer(), nullable=False),
    sa.Column('step_vnd', sa.Integer(), nullable=False),
    sa.CheckConstraint('base_vnd >= 0 AND step_vnd >= 0', name=op.f('ck_tariff_zone_prices_amounts_nonnegative')),
    sa.ForeignKeyConstraint(['tariff_id'], ['tariffs.id'], name=op.f('fk_tariff_zone_prices_tariff_id_tariffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tariff_id', 'zone', name=op.f('pk_tariff_zone_prices'))
    )


def downgrade() -> None:
    op.drop_table('tariff_zone_prices')
    with op.batch_alter_table('tariffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tariffs_effective_from'))

    op.drop_table('tariffs')
    op.drop_table('discount_policies')
