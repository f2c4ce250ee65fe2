"""Counter cards: one per paid period, with the random code its QR link verifies

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 05:07:50.503677
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counter_card',
    sa.Column('id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('membership_id', sa.BigInteger().with_variant(sa.INTEGER(), 'sqlite'), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('verification_code', sa.String(length=43), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('funding_source_code', sa.String(length=10), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['organisation.id'], name=op.f('fk_counter_card_counter_id_organisation')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_counter_card_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counter_card')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_counter_card_verification_code'))
    )
    with op.batch_alter_table('counter_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counter_card_counter_id'), ['counter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_card_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_counter_card_number'), ['number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('counter_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counter_card_number'))
        batch_op.drop_index(batch_op.f('ix_counter_card_membership_id'))
        batch_op.drop_index(batch_op.f('ix_counter_card_counter_id'))

    op.drop_table('counter_card')
