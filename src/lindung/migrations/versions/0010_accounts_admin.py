"""Accounts managed from the web: one-time sign-in codes, rotated tokens, inactive organisations

``sign_in_code`` holds the one-time codes an admin makes for a new user or a password reset
(argon2 hash, expiry, used or cancelled). ``web_session.purpose`` tells a signed-in browser
(``sign_in``) from one opened by such a code, good only for choosing a new password
(``set_password``). ``api_token.expires_at`` ends a rotated token after its overlap, and
``replaces_id`` names the token a rotation replaced. ``organisation.active`` lets an admin
deactivate an organisation (its people and tokens stop with it).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_code",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"],
                                name=op.f("fk_sign_in_code_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_code")),
    )
    with op.batch_alter_table("sign_in_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_code_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=20), nullable=False,
                                      server_default="sign_in"))
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("replaces_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_api_token_replaces_id_api_token"),
                                    "api_token", ["replaces_id"], ["id"])
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("active")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_api_token_replaces_id_api_token"),
                                 type_="foreignkey")
        batch_op.drop_column("replaces_id")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_column("purpose")
    with op.batch_alter_table("sign_in_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_code_user_id"))
    op.drop_table("sign_in_code")
