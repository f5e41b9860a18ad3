"""The goal language and its engine: parse, check, format, store, evaluate, and the CLI."""
