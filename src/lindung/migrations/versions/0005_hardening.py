"""Re-proposal, audit per Pemda, occupations per Pemda

A member rejected by BPJS or ended can be proposed again under the same agreement: the unique
key on (worker, agreement) becomes a partial unique index over open memberships only. Audit
events name the Pemda they concern, so an auditor reads their own Pemda's only. Occupations
added by a Pemda's admin belong to that Pemda.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('proposed', 'submitted', 'active')")


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint("uq_membership_worker_id_agreement_id", type_="unique")
        batch_op.create_index("uq_membership_open_worker_agreement",
                              ["worker_id", "agreement_id"], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pemda_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_event_pemda_id"), ["pemda_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_audit_event_pemda_id_organisation"),
                                    "organisation", ["pemda_id"], ["id"])
    with op.batch_alter_table("occupation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pemda_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_occupation_pemda_id"), ["pemda_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_occupation_pemda_id_organisation"),
                                    "organisation", ["pemda_id"], ["id"])
    # Events written before this revision: the Pemda of the agreement they name.
    op.execute(sa.text(
        "UPDATE audit_event SET pemda_id = (SELECT a.pemda_id FROM agreement a "
        "WHERE a.code = audit_event.entity_id) WHERE entity = 'agreement'"))


def downgrade() -> None:
    with op.batch_alter_table("occupation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_occupation_pemda_id_organisation"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_occupation_pemda_id"))
        batch_op.drop_column("pemda_id")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_event_pemda_id_organisation"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_event_pemda_id"))
        batch_op.drop_column("pemda_id")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("uq_membership_open_worker_agreement")
        batch_op.create_unique_constraint("uq_membership_worker_id_agreement_id",
                                          ["worker_id", "agreement_id"])
