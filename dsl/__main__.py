"""`python -m dsl` runs the goalline command."""

from .cli import main

main()
