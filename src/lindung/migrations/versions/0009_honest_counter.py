"""An honest counter: payments taken at the desk with their receipt, cards only with a KPJ

``counter_payment`` records each payment taken at a counter (amount, months, period, receipt
number unique per counter, who took it, when); ``counter_card.payment_id`` ties a card printed
from now on (numbered with the KPJ) to its payment. Existing counter enrolments were made
``active`` at once without a KPJ: they become ``proposed`` (a step in their history), so they go
to the branch like roster members; each card printed until now becomes a payment with a
receipt number, and the old cards (lindung's ``LDG-`` number) no longer verify.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
ACTOR = "system:migration:0009"


def upgrade() -> None:
    op.create_table(
        "counter_payment",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", ID, nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("months", sa.SmallInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("funding_source_code", sa.String(length=10), nullable=False),
        sa.Column("received_by", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["counter_id"], ["organisation.id"],
                                name=op.f("fk_counter_payment_counter_id_organisation")),
        sa.ForeignKeyConstraint(["membership_id"], ["membership.id"],
                                name=op.f("fk_counter_payment_membership_id_membership")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counter_payment")),
        sa.UniqueConstraint("counter_id", "receipt_number",
                            name="uq_counter_payment_counter_id_receipt_number"),
        sa.UniqueConstraint("counter_id", "sequence",
                            name="uq_counter_payment_counter_id_sequence"),
    )
    with op.batch_alter_table("counter_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_payment_counter_id"), ["counter_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_counter_payment_membership_id"), ["membership_id"],
                              unique=False)
    with op.batch_alter_table("counter_card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_id", ID, nullable=True))
        batch_op.create_index(batch_op.f("ix_counter_card_payment_id"), ["payment_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_counter_card_payment_id_counter_payment"),
                                    "counter_payment", ["payment_id"], ["id"])
    _existing_cards_become_payments()


def _existing_cards_become_payments() -> None:
    bind = op.get_bind()
    cards = bind.execute(sa.text(
        "SELECT id, membership_id, counter_id, months, start_date, end_date, amount, "
        "funding_source_code, actor, created_at FROM counter_card ORDER BY id")).all()
    sequence: dict[int, int] = {}
    payment = sa.table("counter_payment", *(sa.column(c) for c in (
        "counter_id", "membership_id", "sequence", "receipt_number", "amount", "months",
        "start_date", "end_date", "funding_source_code", "received_by", "received_at")))
    for (_id, membership_id, counter_id, months, start, end, amount, funding, actor,
         created) in cards:
        sequence[counter_id] = sequence.get(counter_id, 0) + 1
        year = str(start)[:4]
        bind.execute(payment.insert().values(
            counter_id=counter_id, membership_id=membership_id, sequence=sequence[counter_id],
            receipt_number=f"{year}-{sequence[counter_id]:06d}", amount=amount, months=months,
            start_date=start, end_date=end, funding_source_code=funding, received_by=actor,
            received_at=created))
    now = datetime.now(UTC)
    unconfirmed = bind.execute(sa.text(
        "SELECT DISTINCT m.id FROM membership m JOIN counter_card c ON c.membership_id = m.id "
        "WHERE m.status = 'active' AND m.kpj IS NULL")).scalars().all()
    event = sa.table("membership_event", *(sa.column(c) for c in (
        "membership_id", "at", "from_status", "to_status", "reason", "actor")))
    for membership_id in unconfirmed:
        bind.execute(event.insert().values(
            membership_id=membership_id, at=now, from_status="active", to_status="proposed",
            reason="didaftarkan di loket tanpa konfirmasi BPJS; diusulkan ke BPJS",
            actor=ACTOR))
        bind.execute(sa.text("UPDATE membership SET status = 'proposed' WHERE id = :id"),
                     {"id": membership_id})


def downgrade() -> None:
    with op.batch_alter_table("counter_card", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_counter_card_payment_id_counter_payment"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_counter_card_payment_id"))
        batch_op.drop_column("payment_id")
    with op.batch_alter_table("counter_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_payment_membership_id"))
        batch_op.drop_index(batch_op.f("ix_counter_payment_counter_id"))
    op.drop_table("counter_payment")
