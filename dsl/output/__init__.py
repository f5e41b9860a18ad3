"""Renderings of what the engine computed: reports as JSON, TOML, CSV and a table, the
minutes of a review, digests. Text in, text out; only `minutes_files` writes files."""
