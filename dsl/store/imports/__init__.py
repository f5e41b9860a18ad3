"""Importing files into the store: reading CSV, TSV, JSON and NDJSON as typed rows (in a
second process, `read_aside`), and writing them into a table in one transaction."""
