"""Initial schema: regions, occupations, workers, agreements, memberships, audit

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:27:51.377985
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('audit_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('funding_source',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('occupation_groups', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('same_village_only', sa.Boolean(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_funding_source'))
    )
    op.create_table('occupation',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('default_segment', sa.String(length=8), nullable=False),
    sa.Column('risk_class', sa.SmallInteger(), nullable=True),
    sa.Column('aliases', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_occupation'))
    )
    with op.batch_alter_table('occupation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occupation_group'), ['group'], unique=False)

    op.create_table('region',
    sa.Column('code', sa.String(length=13), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('parent_code', sa.String(length=13), nullable=True),
    sa.Column('postal_code', sa.String(length=5), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_parent_code'), ['parent_code'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=13), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['organisation.id'], name=op.f('fk_organisation_parent_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_organisation_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('code', name=op.f('uq_organisation_code'))
    )
    op.create_table('worker',
    sa.Column('id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('name_key', sa.String(length=150), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_place', sa.String(length=100), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('village_code', sa.String(length=13), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['village_code'], ['region.code'], name=op.f('fk_worker_village_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker')),
    sa.UniqueConstraint('nik', name=op.f('uq_worker_nik'))
    )
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_village_code'), ['village_code'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=250), nullable=True),
    sa.Column('region_code', sa.String(length=13), nullable=False),
    sa.Column('pemda_id', sa.Integer(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=8), nullable=False),
    sa.Column('programs', sa.String(length=40), nullable=False),
    sa.Column('funding_source_code', sa.String(length=10), nullable=False),
    sa.Column('declared_income', sa.BigInteger(), nullable=True),
    sa.Column('wage', sa.BigInteger(), nullable=True),
    sa.Column('risk_class', sa.SmallInteger(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.Column('budget_ceiling', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['organisation.id'], name=op.f('fk_agreement_branch_id_organisation')),
    sa.ForeignKeyConstraint(['funding_source_code'], ['funding_source.code'], name=op.f('fk_agreement_funding_source_code_funding_source')),
    sa.ForeignKeyConstraint(['payer_id'], ['organisation.id'], name=op.f('fk_agreement_payer_id_organisation')),
    sa.ForeignKeyConstraint(['pemda_id'], ['organisation.id'], name=op.f('fk_agreement_pemda_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_agreement_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('code', name=op.f('uq_agreement_code'))
    )
    op.create_table('agreement_amendment',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_amendment_agreement_id_agreement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_amendment')),
    sa.UniqueConstraint('agreement_id', 'number', name=op.f('uq_agreement_amendment_agreement_id_number'))
    )
    with op.batch_alter_table('agreement_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_amendment_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_phase',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.SmallInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_phase_agreement_id_agreement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_phase')),
    sa.UniqueConstraint('agreement_id', 'number', name=op.f('uq_agreement_phase_agreement_id_number'))
    )
    with op.batch_alter_table('agreement_phase', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_phase_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('roster_import',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_roster_import_agreement_id_agreement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_import'))
    )
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_import_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_import_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('worker_id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('phase_number', sa.SmallInteger(), nullable=True),
    sa.Column('programs', sa.String(length=40), nullable=False),
    sa.Column('occupation_code', sa.String(length=40), nullable=True),
    sa.Column('funding_source_code', sa.String(length=10), nullable=False),
    sa.Column('agency', sa.String(length=150), nullable=True),
    sa.Column('declared_income', sa.BigInteger(), nullable=True),
    sa.Column('wage', sa.BigInteger(), nullable=True),
    sa.Column('risk_class', sa.SmallInteger(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('kpj', sa.String(length=20), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('roster_import_id', sa.Integer(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_membership_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['worker_id'], ['worker.id'], name=op.f('fk_membership_worker_id_worker')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('worker_id', 'agreement_id', name=op.f('uq_membership_worker_id_agreement_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_worker_id'), ['worker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_roster_import_id'), ['roster_import_id'], unique=False)

    op.create_table('membership_event',
    sa.Column('id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_membership_event_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_event'))
    )
    with op.batch_alter_table('membership_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_event_membership_id'), ['membership_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('membership_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_event_membership_id'))

    op.drop_table('membership_event')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_roster_import_id'))
        batch_op.drop_index(batch_op.f('ix_membership_worker_id'))
        batch_op.drop_index(batch_op.f('ix_membership_status'))
        batch_op.drop_index(batch_op.f('ix_membership_agreement_id'))

    op.drop_table('membership')
    with op.batch_alter_table('roster_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_import_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_roster_import_agreement_id'))

    op.drop_table('roster_import')
    with op.batch_alter_table('agreement_phase', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_phase_agreement_id'))

    op.drop_table('agreement_phase')
    with op.batch_alter_table('agreement_amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_amendment_agreement_id'))

    op.drop_table('agreement_amendment')
    op.drop_table('agreement')
    with op.batch_alter_table('worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_village_code'))
        batch_op.drop_index(batch_op.f('ix_worker_name_key'))

    op.drop_table('worker')
    op.drop_table('organisation')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_code'))

    op.drop_table('region')
    with op.batch_alter_table('occupation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupation_group'))

    op.drop_table('occupation')
    op.drop_table('funding_source')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    
