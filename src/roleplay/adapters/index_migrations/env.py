"""Alembic environment: runs on the connection (and in the transaction) the index opened."""

from __future__ import annotations

from alembic import context

from roleplay.adapters.index_schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
