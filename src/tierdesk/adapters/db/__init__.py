"""Relational storage (SQLAlchemy 2 + Alembic) on SQLite and PostgreSQL."""
