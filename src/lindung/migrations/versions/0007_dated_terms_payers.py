"""Dated agreement terms, first-class payers, OPD scope by id, per-member overrides

The terms of an agreement move from the agreement row to ``agreement_terms``, one row per
validity period: the terms signed, then one period per amendment from its effective date (each
amendment's "before" values give back the terms it replaced). ``payer_assignment`` names who
pays for a group of members; an agreement that named a counter as its payer becomes an
assignment of the counter's members. Memberships get ``agency_id``, the OPD organisation their
roster named (matched by name under the agreement's Pemda). ``membership_override`` holds a
member's own dated income or wage.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TERMS = ("programs", "funding_source_code", "declared_income", "wage", "risk_class",
         "start_date", "end_date", "quota", "budget_ceiling", "payer_id")
BIGINT_PK = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")


def _day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.create_table(
        "agreement_terms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("programs", sa.String(length=40), nullable=False),
        sa.Column("funding_source_code", sa.String(length=10), nullable=False),
        sa.Column("payer_id", sa.Integer(), nullable=True),
        sa.Column("declared_income", sa.BigInteger(), nullable=True),
        sa.Column("wage", sa.BigInteger(), nullable=True),
        sa.Column("risk_class", sa.SmallInteger(), nullable=True),
        sa.Column("contract_months", sa.SmallInteger(), nullable=True),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("budget_ceiling", sa.BigInteger(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"],
                                name=op.f("fk_agreement_terms_agreement_id_agreement")),
        sa.ForeignKeyConstraint(["amendment_id"], ["agreement_amendment.id"],
                                name=op.f("fk_agreement_terms_amendment_id_agreement_amendment")),
        sa.ForeignKeyConstraint(["funding_source_code"], ["funding_source.code"],
                                name=op.f("fk_agreement_terms_funding_source_code_funding_source")),
        sa.ForeignKeyConstraint(["payer_id"], ["organisation.id"],
                                name=op.f("fk_agreement_terms_payer_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_terms")),
    )
    with op.batch_alter_table("agreement_terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreement_terms_agreement_id"), ["agreement_id"],
                              unique=False)
    op.create_table(
        "payer_assignment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("phase_number", sa.SmallInteger(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("payer_id", sa.Integer(), nullable=True),
        sa.Column("funding_source_code", sa.String(length=10), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreement.id"],
                                name=op.f("fk_payer_assignment_agreement_id_agreement")),
        sa.ForeignKeyConstraint(["funding_source_code"], ["funding_source.code"],
                                name=op.f("fk_payer_assignment_funding_source_code_funding_source")),
        sa.ForeignKeyConstraint(["group_id"], ["organisation.id"],
                                name=op.f("fk_payer_assignment_group_id_organisation")),
        sa.ForeignKeyConstraint(["payer_id"], ["organisation.id"],
                                name=op.f("fk_payer_assignment_payer_id_organisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer_assignment")),
    )
    with op.batch_alter_table("payer_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payer_assignment_agreement_id"), ["agreement_id"],
                              unique=False)
    op.create_table(
        "membership_override",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("membership_id", BIGINT_PK, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("declared_income", sa.BigInteger(), nullable=True),
        sa.Column("wage", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["membership_id"], ["membership.id"],
                                name=op.f("fk_membership_override_membership_id_membership")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_override")),
    )
    with op.batch_alter_table("membership_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_override_membership_id"),
                              ["membership_id"], unique=False)
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_membership_agency_id"), ["agency_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_membership_agency_id_organisation"),
                                    "organisation", ["agency_id"], ["id"])

    _move_terms()
    op.execute(sa.text(
        "UPDATE membership SET agency_id = (SELECT o.id FROM organisation o, agreement a "
        "WHERE a.id = membership.agreement_id AND o.parent_id = a.pemda_id "
        "AND o.name = membership.agency) WHERE agency IS NOT NULL"))

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agreement_funding_source_code_funding_source",
                                 type_="foreignkey")
        batch_op.drop_constraint("fk_agreement_payer_id_organisation", type_="foreignkey")
        for column in (*TERMS, "updated_at"):
            batch_op.drop_column(column)


def _move_terms() -> None:
    """Every agreement's periods of terms, rebuilt from its current terms and amendments."""
    connection = op.get_bind()
    agreement = sa.table("agreement", *(sa.column(c) for c in ("id", *TERMS)))
    amendment = sa.table("agreement_amendment", *(sa.column(c) for c in (
        "id", "agreement_id", "number", "effective_date", "changes")))
    terms = sa.table("agreement_terms", *(sa.column(c) for c in (
        "agreement_id", "amendment_id", "valid_from", "valid_to", "contract_months", *TERMS)))
    payer = sa.table("payer_assignment", *(sa.column(c) for c in (
        "agreement_id", "group_id", "payer_id", "funding_source_code", "valid_from")))
    for row in connection.execute(sa.select(agreement)).mappings().all():
        current = {c: row[c] for c in TERMS}
        current["start_date"], current["end_date"] = (_day(current["start_date"]),
                                                      _day(current["end_date"]))
        amendments = connection.execute(
            sa.select(amendment).where(amendment.c.agreement_id == row["id"])
            .order_by(amendment.c.number)).mappings().all()
        # Walk back from today's terms through each amendment's "before" values.
        snapshots = [dict(current)]
        for a in reversed(amendments):
            earlier = dict(snapshots[0])
            changes = a["changes"]
            if isinstance(changes, str):  # SQLite hands JSON back as text
                changes = json.loads(changes)
            for field, pair in (changes or {}).items():
                if field in earlier:
                    earlier[field] = _day(pair[0]) if field.endswith("_date") else pair[0]
            snapshots.insert(0, earlier)
        starts = [snapshots[0]["start_date"], *(_day(a["effective_date"]) for a in amendments)]
        made_by = [None, *(a["id"] for a in amendments)]
        for i, values in enumerate(snapshots):
            payer_id = values.pop("payer_id")
            valid_to = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None
            connection.execute(terms.insert().values(
                agreement_id=row["id"], amendment_id=made_by[i], valid_from=starts[i],
                valid_to=valid_to, contract_months=None, payer_id=None, **values))
            if payer_id is not None and i == 0:
                # A counter named as the agreement's payer: its members are this agreement's.
                connection.execute(payer.insert().values(
                    agreement_id=row["id"], group_id=payer_id, payer_id=None,
                    funding_source_code=values["funding_source_code"],
                    valid_from=starts[0]))
    # The default payer of terms not paid by the worker: the agreement's Pemda.
    op.execute(sa.text(
        "UPDATE agreement_terms SET payer_id = (SELECT pemda_id FROM agreement a "
        "WHERE a.id = agreement_terms.agreement_id) WHERE funding_source_code <> 'self'"))
    op.execute(sa.text(
        "UPDATE payer_assignment SET payer_id = (SELECT pemda_id FROM agreement a "
        "WHERE a.id = payer_assignment.agreement_id) WHERE funding_source_code <> 'self'"))


def downgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programs", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("funding_source_code", sa.String(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column("declared_income", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("wage", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("risk_class", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("quota", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("budget_ceiling", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("payer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    for column in TERMS:
        if column == "payer_id":
            continue
        op.execute(sa.text(
            f"UPDATE agreement SET {column} = (SELECT t.{column} FROM agreement_terms t "
            "WHERE t.agreement_id = agreement.id ORDER BY t.valid_from DESC, t.id DESC "
            "LIMIT 1)"))
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_membership_agency_id_organisation"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_membership_agency_id"))
        batch_op.drop_column("agency_id")
    op.drop_table("membership_override")
    op.drop_table("payer_assignment")
    op.drop_table("agreement_terms")
