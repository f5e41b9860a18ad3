"""The plan language: text to a frozen `Plan` and its diagnostics (read, parse, build,
assemble, check, format). No I/O but reading plan files (`load`), no database."""
