"""The audit log's hash chain (decision 0014): every event carries the SHA-256 of the previous
event's hash and of its own content, so an event changed, removed or moved after the fact
breaks the chain exactly where it happened.

Writing. :func:`_chain_new_events` runs before every flush of every :class:`Session` (no caller
can forget it; :func:`lindung.audit.service.record` only adds the event). When the flush holds
new events it first advances the one-row head (``UPDATE audit_chain_head SET seq = seq + n ...
RETURNING``): that statement takes PostgreSQL's row lock, or SQLite's write lock, *before* the
head is read, so two transactions never read the same head and the chain cannot fork; the lock
is held until the transaction ends, and a rolled-back transaction takes its seqs with it. The
events get the next seqs in the order they were added, their hashes, and the head the last
hash. No scan: two statements on one row plus the inserts.

Verifying. :func:`verify_chain` walks the log in seq order, in chunks (bounded memory on any
size of log), recomputes every hash and checks each link, the seq continuity and the head.

The hash format is a record: events written years ago are verified with it. Never change
:func:`event_hash` or :func:`canonical_json`; a new format would need a marker of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, event, func, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lindung.audit.models import AuditChainHead, AuditEvent
from lindung.db import utcnow

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event, and the head's hash while the log is empty."""
HEAD_ID = 1

CONTENT = ("seq", "at", "actor", "action", "entity", "entity_id", "pemda_id", "before", "after",
           "detail")
"""What an event's hash covers, besides ``prev_hash`` (not ``id``: the database assigns it)."""


class AuditChainError(RuntimeError):
    """The chain cannot be extended (its head row is missing)."""


# --- the hash ----------------------------------------------------------------------------------

_LEAVES = frozenset({str, int, bool, type(None)})


def _canonical(value: Any) -> Any:
    """``value`` with integral floats as integers: ``100.0`` and ``1e16`` come back from
    PostgreSQL's JSONB as numbers that Python may read as ``int``; the hash must not care."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _LEAVES else _canonical(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _LEAVES else _canonical(v) for v in value]
    if kind is float and value.is_integer():
        return int(value)
    return value


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """The one serialisation hashed: sorted keys, no whitespace, UTF-8 text (not escaped)."""
    return _ENCODER.encode(_canonical(value))


def utc(at: datetime) -> datetime:
    """``at`` as an aware UTC datetime; a naive one (what SQLite gives back) is taken as UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def event_hash(prev_hash: str, event: Mapping[Any, Any]) -> str:
    """SHA-256 (hex) of ``prev_hash`` followed by the canonical JSON of the event's
    :data:`CONTENT`, ``at`` as ISO 8601 UTC with microseconds
    (``2026-11-29T03:04:05.000006+00:00``)."""
    content = {name: event[name] for name in CONTENT}
    content["at"] = utc(content["at"]).isoformat(timespec="microseconds")
    payload = prev_hash + canonical_json(content)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


# --- writing -----------------------------------------------------------------------------------

_CLAIM = "UPDATE audit_chain_head SET seq = seq + {0} WHERE id = 1 RETURNING seq, hash"
_STORE = "UPDATE audit_chain_head SET hash = {0} WHERE id = 1"
_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _on_head(connection: Connection, sql: str, value: Any) -> tuple[Any, ...] | None:
    """One statement on the head row, through the driver's own cursor: on the hot path (one
    event per transaction) SQLAlchemy's statement machinery costs more than the UPDATE itself.
    The driver's errors are raised as SQLAlchemy's (a busy database stays an OperationalError,
    told in words by the CLI and the web app)."""
    statement = sql.format(_MARKS[connection.dialect.paramstyle])
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement, (value,))
        row = cursor.fetchone() if cursor.description else None
    except dbapi.Error as exc:
        raise DBAPIError.instance(statement, (value,), exc, dbapi.Error,
                                  dialect=connection.dialect) from exc
    finally:
        cursor.close()
    return None if row is None else tuple(row)


def _stored(value: Any) -> Any:
    """A JSON value exactly as it will be read back (tuples as lists, keys as text)."""
    return None if value is None else json.loads(json.dumps(value))


def _chain_new_events(session: Session, _context: Any, instances: Sequence[Any] | None) -> None:
    """Give the flush's new events their seqs, ``prev_hash`` and ``hash``, and move the head."""
    events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if instances is not None:  # flush(objects) (deprecated): only those are inserted now
        chosen = {id(obj) for obj in instances}
        events = [obj for obj in events if id(obj) in chosen]
    if not events:
        return
    events.sort(key=lambda obj: inspect(obj).insert_order or 0)
    connection = session.connection(bind_arguments={"mapper": inspect(AuditEvent)})
    claimed = _on_head(connection, _CLAIM, len(events))
    if claimed is None:
        raise AuditChainError("kepala rantai log audit (audit_chain_head) tidak ada: basis "
                              "data belum dimigrasi (lindung db upgrade) atau tabelnya diubah")
    seq, prev = int(claimed[0]) - len(events), str(claimed[1])
    for obj in events:
        seq += 1
        obj.at = utc(obj.at or utcnow())
        obj.before, obj.after, obj.detail = (_stored(obj.before), _stored(obj.after),
                                             _stored(obj.detail))
        obj.seq, obj.prev_hash = seq, prev
        values = obj.__dict__  # a pending object's attributes: what the INSERT will write
        obj.hash = prev = event_hash(prev, {name: values.get(name) for name in CONTENT})
    _on_head(connection, _STORE, prev)


event.listen(Session, "before_flush", _chain_new_events)


# --- verifying ---------------------------------------------------------------------------------

Problem = Literal["content_changed", "link_broken", "seq_missing", "head_mismatch"]


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold: the event found there (none when the
    log ends before it) and what is wrong, in words."""

    problem: Problem
    message: str
    seq: int | None = None
    id: int | None = None
    at: datetime | None = None
    action: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "message": self.message, "seq": self.seq,
                "id": self.id, "at": None if self.at is None else self.at.isoformat(),
                "action": self.action}


@dataclass(frozen=True)
class ChainReport:
    """``events``: the events found intact (all of them when ``ok``), ``last_seq`` and
    ``last_hash`` the last intact one's (0 and :data:`GENESIS` for an empty log)."""

    ok: bool
    events: int
    last_seq: int
    last_hash: str
    first_broken: BrokenLink | None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "last_seq": self.last_seq,
                "last_hash": self.last_hash,
                "first_broken": None if self.first_broken is None
                else self.first_broken.to_dict()}


_EVENT = AuditEvent.__table__
_HEAD = AuditChainHead.__table__
_COLUMNS = (_EVENT.c.id, _EVENT.c.prev_hash, _EVENT.c.hash,
            *(_EVENT.c[name] for name in CONTENT))


def verify_chain(bind: Engine | Connection | Session, *, chunk: int = 10_000,
                 progress: Callable[[int, int], None] | None = None) -> ChainReport:
    """Walk the whole log in seq order, ``chunk`` events per query, and say whether the chain
    holds, or where it first breaks.

    Each event must have the next seq (none missing), the previous event's hash as its
    ``prev_hash`` (64 zeros for the first), and the hash of its stored content; the last one
    must be the head's seq and hash, and no event may lie beyond the head. The head is read
    first and the walk stops at its seq, so events written meanwhile are neither read nor
    missed. ``bind``: an engine (a connection of its own), a connection or a session (its
    connection: a web page's request). ``progress(done, total)`` after each chunk.
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return _verify(connection, chunk, progress)
    if isinstance(bind, Session):
        return _verify(bind.connection(), chunk, progress)
    return _verify(bind, chunk, progress)


def _head(connection: Connection) -> tuple[int, str] | None:
    row = connection.execute(select(_HEAD.c.seq, _HEAD.c.hash)
                             .where(_HEAD.c.id == HEAD_ID)).first()
    return None if row is None else (int(row[0]), str(row[1]))


def _verify(connection: Connection, chunk: int,
            progress: Callable[[int, int], None] | None) -> ChainReport:
    head = _head(connection)
    end = head[0] if head else int(connection.scalar(select(func.max(_EVENT.c.seq))) or 0)
    seq, prev = 0, GENESIS
    last: Any = None

    def report(problem: Problem, message: str, row: Any = None) -> ChainReport:
        found = row if row is not None else last
        broken = BrokenLink(problem, message) if found is None else BrokenLink(
            problem, message, int(found.seq), int(found.id), utc(found.at), found.action)
        return ChainReport(False, seq, seq, prev, broken)

    while seq < end:
        rows = connection.execute(select(*_COLUMNS)
                                  .where(_EVENT.c.seq > seq, _EVENT.c.seq <= end)
                                  .order_by(_EVENT.c.seq).limit(chunk)).all()
        if not rows:
            break
        for row in rows:
            expected = seq + 1
            if row.seq != expected:
                gone = (f"seq {expected}" if row.seq == expected + 1
                        else f"seq {expected} s.d. {row.seq - 1}")
                return report("seq_missing", f"{gone} tidak ada: peristiwa dihapus atau seq "
                                             "diubah", row)
            if row.prev_hash != prev:
                before = "hash awal (64 nol)" if seq == 0 else f"hash peristiwa seq {seq}"
                return report("link_broken", f"tautan putus: prev_hash tidak sama dengan "
                                             f"{before}; peristiwa sebelumnya diubah, diganti "
                                             "atau urutannya ditukar", row)
            computed = event_hash(row.prev_hash, row._mapping)
            if computed != row.hash:
                return report("content_changed", f"isi peristiwa berubah sejak dicatat: hash "
                                                 f"tersimpan {row.hash[:16]}…, hash dihitung "
                                                 f"ulang {computed[:16]}…", row)
            seq, prev, last = expected, row.hash, row
        if progress:
            progress(seq, end)
    if head is None:
        return report("head_mismatch", "kepala rantai (audit_chain_head) tidak ada")
    if seq < end:
        return report("head_mismatch", f"kepala rantai menyebut seq {end}, tetapi log berakhir "
                                       f"di seq {seq}: peristiwa terakhir dihapus atau kepala "
                                       "rantai diubah")
    if prev != head[1]:
        return report("head_mismatch", f"hash kepala rantai ({head[1][:16]}…) tidak sama "
                                       f"dengan hash peristiwa seq {seq} ({prev[:16]}…)")
    # Events past the head: written after the head was read (the head has moved on since, as
    # every writer moves it in the same transaction), or slipped in past it.
    newest = int(connection.scalar(select(func.max(_EVENT.c.seq))) or 0)
    if newest > end:
        now = _head(connection)
        reach = now[0] if now else end
        if newest > reach:
            beyond = connection.execute(select(*_COLUMNS).where(_EVENT.c.seq > reach)
                                        .order_by(_EVENT.c.seq).limit(1)).first()
            first = newest if beyond is None else int(beyond.seq)
            return report("head_mismatch", f"peristiwa seq {first} ada di luar kepala rantai "
                                           f"(seq {reach}): ditambahkan tanpa rantai atau kepala "
                                           "rantai diubah", beyond)
    return ChainReport(True, seq, seq, prev, None)
