"""Search storage: the text index and passage vectors on SQLite and PostgreSQL."""
