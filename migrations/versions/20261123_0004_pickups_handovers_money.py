"""Pickups, handover records, dispatch assignments, payments and remittances.

Revision ID: 5650bbd73263
Revises: da2f8e1725f6
Create Date: 2026-11-23 06:41:07.679005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.db

revision = '5650bbd73263'
down_revision = 'da2f8e1725f6'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('handover_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('direction', sa.Enum('to_agency', 'from_agency', name='direction', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('signed', 'superseded', name='recordstatus', native_enum=False, length=32), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('office_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('corrects_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('post_signatory_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_signatory_name', sa.String(length=200), nullable=False),
    sa.Column('agency_signatory_name', sa.String(length=200), nullable=False),
    sa.Column('signed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_handover_records_agency_id_agencies')),
    sa.ForeignKeyConstraint(['corrects_id'], ['handover_records.id'], name=op.f('fk_handover_records_corrects_id_handover_records')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_handover_records_created_by_id_users')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_handover_records_office_id_offices')),
    sa.ForeignKeyConstraint(['post_signatory_id'], ['users.id'], name=op.f('fk_handover_records_post_signatory_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_records')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_handover_records_corrects_id'))
    )
    with op.batch_alter_table('handover_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_records_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_records_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_records_signed_at'), ['signed_at'], unique=False)

    op.create_table('remittances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('office_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_vnd', sa.Integer(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_vnd >= 0', name=op.f('ck_remittances_amount_nonnegative')),
    sa.CheckConstraint('item_count >= 0', name=op.f('ck_remittances_item_count_nonnegative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_remittances_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_remittances_created_by_id_users')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_remittances_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittances'))
    )
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remittances_agency_id'), ['agency_id'], unique=False)

    op.create_table('dispatch_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('courier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('assigned_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assigned_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_dispatch_assignments_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['courier_id'], ['users.id'], name=op.f('fk_dispatch_assignments_courier_id_users')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_dispatch_assignments_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_assignments')),
    sa.UniqueConstraint('shipment_id', 'day', name='uq_dispatch_assignments_shipment_day')
    )
    with op.batch_alter_table('dispatch_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_assignments_courier_id'), ['courier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_assignments_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_assignments_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('handover_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('record_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=13), nullable=False),
    sa.Column('slip_number', sa.String(length=40), nullable=False),
    sa.Column('dossier_code', sa.String(length=64), nullable=False),
    sa.Column('citizen_name', sa.String(length=200), nullable=False),
    sa.Column('procedure', sa.String(length=300), nullable=True),
    sa.Column('originals', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('collect_fee_vnd', sa.Integer(), server_default='0', nullable=False),
    sa.Column('in_force', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.CheckConstraint('collect_fee_vnd >= 0', name=op.f('ck_handover_lines_collect_fee_nonnegative')),
    sa.CheckConstraint('originals >= 0 AND copies >= 0', name=op.f('ck_handover_lines_counts_nonnegative')),
    sa.ForeignKeyConstraint(['record_id'], ['handover_records.id'], name=op.f('fk_handover_lines_record_id_handover_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_handover_lines_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_lines'))
    )
    with op.batch_alter_table('handover_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_lines_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_lines_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index('uq_handover_lines_in_force_shipment', ['shipment_id'], unique=True, postgresql_where=sa.text('in_force'), sqlite_where=sa.text('in_force'))

    op.create_table('payments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('postal_fee', 'procedure_fee', name='paymentkind', native_enum=False, length=32), nullable=False),
    sa.Column('method', sa.Enum('cash', 'transfer', name='paymentmethod', native_enum=False, length=32), nullable=False),
    sa.Column('amount_vnd', sa.Integer(), nullable=False),
    sa.Column('collected_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('office_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('business_day', sa.Date(), nullable=False),
    sa.Column('recorded_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('remittance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('amount_vnd >= 0', name=op.f('ck_payments_amount_nonnegative')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_payments_agency_id_agencies')),
    sa.ForeignKeyConstraint(['collected_by_id'], ['users.id'], name=op.f('fk_payments_collected_by_id_users')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_payments_office_id_offices')),
    sa.ForeignKeyConstraint(['remittance_id'], ['remittances.id'], name=op.f('fk_payments_remittance_id_remittances')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_payments_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('shipment_id', 'kind', name='uq_payments_shipment_kind')
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_business_day'), ['business_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_collected_by_id'), ['collected_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_remittance_id'), ['remittance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('pickups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('office_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('requested', 'assigned', 'completed', 'cancelled', name='pickupstatus', native_enum=False, length=32), nullable=False),
    sa.Column('address_line', sa.String(length=300), nullable=False),
    sa.Column('unit_code', sa.String(length=5), nullable=False),
    sa.Column('window_start', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('window_end', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expected_count', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=15), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('courier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('handover_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('scanned_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('missing_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expected_count > 0', name=op.f('ck_pickups_expected_count_positive')),
    sa.CheckConstraint('scanned_count >= 0 AND missing_count >= 0', name=op.f('ck_pickups_counts_nonnegative')),
    sa.CheckConstraint('window_end > window_start', name=op.f('ck_pickups_window_ordered')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_pickups_agency_id_agencies')),
    sa.ForeignKeyConstraint(['courier_id'], ['users.id'], name=op.f('fk_pickups_courier_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pickups_created_by_id_users')),
    sa.ForeignKeyConstraint(['handover_id'], ['handover_records.id'], name=op.f('fk_pickups_handover_id_handover_records')),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_pickups_office_id_offices')),
    sa.ForeignKeyConstraint(['unit_code'], ['communes.code'], name=op.f('fk_pickups_unit_code_communes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pickups'))
    )
    with op.batch_alter_table('pickups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pickups_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pickups_courier_id'), ['courier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pickups_office_id'), ['office_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pickups_status'), ['status'], unique=False)

    op.create_table('pickup_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('pickup_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shipment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tracking_number', sa.String(length=13), nullable=False),
    sa.Column('scanned', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['pickup_id'], ['pickups.id'], name=op.f('fk_pickup_items_pickup_id_pickups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_pickup_items_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pickup_items')),
    sa.UniqueConstraint('pickup_id', 'shipment_id', name='uq_pickup_items_pickup_shipment')
    )
    with op.batch_alter_table('pickup_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pickup_items_shipment_id'), ['shipment_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('pickup_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickup_items_shipment_id'))

    op.drop_table('pickup_items')
    with op.batch_alter_table('pickups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pickups_status'))
        batch_op.drop_index(batch_op.f('ix_pickups_office_id'))
        batch_op.drop_index(batch_op.f('ix_pickups_courier_id'))
        batch_op.drop_index(batch_op.f('ix_pickups_agency_id'))

    op.drop_table('pickups')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_payments_remittance_id'))
        batch_op.drop_index(batch_op.f('ix_payments_office_id'))
        batch_op.drop_index(batch_op.f('ix_payments_collected_by_id'))
        batch_op.drop_index(batch_op.f('ix_payments_business_day'))
        batch_op.drop_index(batch_op.f('ix_payments_agency_id'))

    op.drop_table('payments')
    with op.batch_alter_table('handover_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_handover_lines_in_force_shipment', postgresql_where=sa.text('in_force'), sqlite_where=sa.text('in_force'))
        batch_op.drop_index(batch_op.f('ix_handover_lines_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_handover_lines_record_id'))

    op.drop_table('handover_lines')
    with op.batch_alter_table('dispatch_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_assignments_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_assignments_day'))
        batch_op.drop_index(batch_op.f('ix_dispatch_assignments_courier_id'))

    op.drop_table('dispatch_assignments')
    with op.batch_alter_table('remittances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remittances_agency_id'))

    op.drop_table('remittances')
    with op.batch_alter_table('handover_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_records_signed_at'))
        batch_op.drop_index(batch_op.f('ix_handover_records_office_id'))
        batch_op.drop_index(batch_op.f('ix_handover_records_agency_id'))

    op.drop_table('handover_records')

