"""The one kind of error goalline raises for people: `GoallineError`, with a message ready to
show (one line per problem) and the exit code the command ends with. Each room raises its
own kind (the store's, the import's, the configuration's); `cli.main` turns every one of them
into `goalline: error: ...` in one place, and the review session shows the message as it is.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """Exit codes, shared by every subcommand."""

    OK = 0
    """Success; for `check`, no errors (and no warnings under --strict)."""
    FOUND = 1
    """The command ran and found something: errors, a file `fmt --check` would change, a
    goal at or above `evaluate --fail-on`."""
    CANNOT_RUN = 2
    """Bad usage, a file that cannot be read, a plan that does not parse or check where one
    must, a store that is not a goalline store, data that cannot be imported."""


class GoallineError(Exception):
    """A problem a person can act on; `str()` is the message, one line per problem."""

    exit_code: Exit = Exit.CANNOT_RUN


class CannotRun(GoallineError):
    """A command that cannot run as asked (a bad option value, a goal the plan lacks...)."""
