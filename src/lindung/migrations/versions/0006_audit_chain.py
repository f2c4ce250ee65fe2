"""Audit chain: every audit event carries its seq, the previous event's hash and its own

The log becomes tamper-evident (decision 0014): ``seq``, ``prev_hash`` and ``hash`` on
``audit_event``, a one-row ``audit_chain_head``, and a trigger refusing UPDATE and DELETE of an
event (PostgreSQL: a plpgsql function; SQLite: two triggers). The events already in the table
are chained in id order, so an existing database verifies (``lindung audit verify``).

A later migration that rebuilds ``audit_event`` on SQLite (batch mode copies the table and drops
the old one) loses the SQLite triggers with it and must create them again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from lindung.audit.chain import GENESIS, event_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHUNK = 10_000
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
REFUSED = "log audit hanya boleh ditambah: {} pada audit_event ditolak"

PG_FUNCTION = f"""
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED.format('%')}', TG_OP USING ERRCODE = 'restrict_violation';
END
$$
"""
PG_TRIGGER = ("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
              "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED.format(verb)}'); END"
    for verb in ("UPDATE", "DELETE")]


def _chain_existing() -> tuple[int, str]:
    """Chain the events already written, in id order; the last seq and hash."""
    connection = op.get_bind()
    events = sa.table("audit_event", sa.column("id", sa.BigInteger()),
                      sa.column("at", sa.DateTime(timezone=True)), sa.column("actor", sa.String()),
                      sa.column("action", sa.String()), sa.column("entity", sa.String()),
                      sa.column("entity_id", sa.String()), sa.column("pemda_id", sa.Integer()),
                      sa.column("before", JSON), sa.column("after", JSON),
                      sa.column("detail", JSON), sa.column("seq", sa.BigInteger()),
                      sa.column("prev_hash", sa.String()), sa.column("hash", sa.String()))
    content = [events.c[name] for name in ("id", "at", "actor", "action", "entity", "entity_id",
                                           "pemda_id", "before", "after", "detail")]
    store = (sa.update(events).where(events.c.id == sa.bindparam("event_id"))
             .values(seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"),
                     hash=sa.bindparam("new_hash")))
    seq, prev, last_id = 0, GENESIS, None
    while True:
        query = sa.select(*content).order_by(events.c.id).limit(CHUNK)
        if last_id is not None:
            query = query.where(events.c.id > last_id)
        rows = connection.execute(query).all()
        if not rows:
            return seq, prev
        changes = []
        for row in rows:
            seq += 1
            digest = event_hash(prev, {**row._mapping, "seq": seq})
            changes.append({"event_id": row.id, "new_seq": seq, "new_prev": prev,
                            "new_hash": digest})
            prev = digest
        connection.execute(store, changes)
        last_id = rows[-1].id


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    seq, last_hash = _chain_existing()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_seq"), ["seq"])
    op.execute(sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, :seq, :hash)")
               .bindparams(seq=seq, hash=last_hash))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("audit_chain_head")
