"""The store: one SQLite file of imported service data and what people record, with its
migrations, its review and outbox tables, the import of files, and the SQL dialect."""
