"""Alembic migrations for the srm-bot tables, applied by open_store() on start."""
