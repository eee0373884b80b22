"""Alembic environment: run on the connection open_store() passes in (no alembic.ini needed)."""

from alembic import context

from bot.store.schema import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
