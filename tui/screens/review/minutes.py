"""`Minutes`, the end of a review: the minutes exported next to the plan (ctrl+o), or the
session finished and its minutes written (ctrl+f, which then closes the screen and offers
to write the next round's plan). The app
writes them (`WriteMinutes`); this says how it went, one export at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.screen import Screen

from dsl.api import Report, ReviewSession

from ...messages import WriteMinutes
from ...review_items import now_text


class Minutes:
    """The minutes of the session on `screen`; a failure is told, and the screen stays."""

    def __init__(self, screen: Screen[None], finished: Callable[[Sequence[Path]], bool]) -> None:
        """`finished` runs once the session is finished and the screen closed, with the
        minutes' paths; True when it says where they are itself."""
        self.screen = screen
        self.finished = finished
        self.busy = False  # minutes being written: a second press waits for them

    def write(self, session: ReviewSession | None, report: Report | None, *, finish: bool) -> None:
        if session is None or self.busy:
            return
        app = self.screen.app
        if report is None:
            app.notify(
                "The minutes need an evaluation, and the plan cannot be evaluated", severity="error"
            )
            return
        self.busy = True
        app.post_message(
            WriteMinutes(session.id, report, finish, now_text(), self._written, self._failed)
        )

    def _failed(self, problem: str) -> None:
        self.busy = False
        self.screen.app.notify(problem, title="Minutes not written", severity="error", markup=False)

    def _written(self, paths: Sequence[Path], finished: bool) -> None:
        self.busy = False
        app = self.screen.app
        if finished and self.screen.is_current:
            app.pop_screen()
            if self.finished(paths):
                return
        written = "\n".join(str(p) for p in paths)
        title = "Review finished" if finished else "Minutes exported"
        app.notify(f"Minutes written to\n{written}", title=title, markup=False)
