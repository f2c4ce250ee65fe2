"""Audit: an append-only record of every change, import and export, written in the same
transaction as the change itself (see :func:`lindung.audit.service.record`)."""
