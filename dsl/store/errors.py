"""The store's errors: a store that cannot be used as asked, and an import that stopped.
Their messages are for people; the commands and the review session show them as they are."""

from __future__ import annotations

from ..errors import GoallineError


class StoreError(GoallineError):
    """A store that cannot be used as asked; the message is for people."""


class ImportProblem(GoallineError):
    """Why an import stopped; the message names the file, the row and the column."""


class Widen(Exception):
    """A value that does not fit its column's detected type: import again with `to`. Never
    reaches people: the import catches it and starts again."""

    def __init__(self, column: str, to: str) -> None:
        super().__init__(f"column '{column}' needs {to}")
        self.column = column
        self.to = to
