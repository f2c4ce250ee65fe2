"""Rosters as operators write them: an occupation kept as written; upload retention

``membership.occupation_text`` keeps an occupation the taxonomy does not know, as the roster
wrote it (the row is accepted with a warning and the default risk class). ``upload_retention``
holds the one setting of how many days an uploaded roster (full NIKs) may stay on disk before
it is purged (default 7). ``agreement_terms.start_rule`` says from when a member proposed
under the terms is covered: ``usulan`` (the later of the phase start and the day proposed, the
default) or ``tahap`` (from the phase start, as the PKS signed it).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("membership") as batch:
        batch.add_column(sa.Column("occupation_text", sa.String(120), nullable=True))
    with op.batch_alter_table("agreement_terms") as batch:
        batch.add_column(sa.Column("start_rule", sa.String(10), nullable=False,
                                   server_default="usulan"))
    op.create_table(
        "upload_retention",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("days", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("upload_retention")
    with op.batch_alter_table("agreement_terms") as batch:
        batch.drop_column("start_rule")
    with op.batch_alter_table("membership") as batch:
        batch.drop_column("occupation_text")
