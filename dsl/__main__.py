"""`python -m dsl` runs the goalline command."""

from .cli.main import main

main()
