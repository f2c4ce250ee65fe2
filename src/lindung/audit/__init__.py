"""Audit: an append-only record of every change, import and export, written in the same
transaction as the change itself (see :func:`lindung.audit.service.record`), and chained by
hashes so that a change after the fact shows (:mod:`lindung.audit.chain`, imported here so
that its flush listener is in place whenever an event can be written)."""

from lindung.audit import chain as _chain  # noqa: F401  (registers the flush listener)
