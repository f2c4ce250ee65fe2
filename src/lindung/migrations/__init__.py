"""Alembic migrations of lindung's schema and reference data."""
