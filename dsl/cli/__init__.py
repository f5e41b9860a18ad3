"""The `goalline` command: the click group in `main` (the one place where errors become
messages and exit codes) and one module per family of subcommands; heavy imports stay
inside the commands."""
