"""The store: imported service data and what people record, in one SQLite file, a PostgreSQL
database or a DuckDB file, with their migrations, the review and outbox tables, the import of
files, and what each database's SQL is and computes (dialect, capabilities)."""
