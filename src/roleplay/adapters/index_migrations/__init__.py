"""Alembic migrations of the index database (run by adapters/sql_index.py, never by hand)."""
