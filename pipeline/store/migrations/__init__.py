"""Alembic migrations of the store (run by `dossier init`)."""
