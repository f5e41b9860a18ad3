"""What the command palette (ctrl+p) offers besides the app's own actions: the scorecard's
sort orders and filters, the current screen's keys by name, and every goal to open."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from dsl.api import Report

from .filtering import SORT_ORDER
from .screens.scorecard import ScorecardScreen

FILTERS = ("critical", "breached", "warning", "no_data", "insufficient", "met", "excluded")


def session_commands(app: Any) -> Iterable[SystemCommand]:
    """The session's own actions (`ReviewApp`'s), by name."""
    yield SystemCommand(
        "Escalations", "Every escalation event; acknowledge one", app.action_escalations
    )
    yield SystemCommand(
        "Milestones", "The milestones by due date; mark one done", app.action_milestones
    )
    yield SystemCommand(
        "Review",
        "Step through what needs attention; write causes, lessons, actions",
        app.action_review,
    )
    yield SystemCommand(
        "Re-evaluate", "Evaluate the plan against the store again", app.action_reevaluate
    )
    yield SystemCommand(
        "Record a measurement", "A value of an indicator recorded by hand", app.action_record
    )
    yield SystemCommand("Help", "The keys of every screen", app.action_help)


def scorecard_commands(screen: ScorecardScreen) -> Iterable[SystemCommand]:
    """Each sort order and each status filter of the scorecard."""
    for sort in SORT_ORDER:
        yield SystemCommand(
            f"Sort by {sort}", "Order the goals of the scorecard", partial(screen.sort_by, sort)
        )
    for word in FILTERS:
        yield SystemCommand(
            f"Filter {word}",
            f"Only the goals whose status is {word}",
            partial(screen.filter_to, f"status:{word}"),
        )


def screen_commands(screen: Screen[Any]) -> Iterable[SystemCommand]:
    """The current screen's own actions (those its footer shows), by name."""
    seen: set[str] = set()
    for binding in screen.BINDINGS:
        if not isinstance(binding, Binding) or not binding.show or binding.action in seen:
            continue
        if binding.action.startswith("app."):
            continue  # going back and the app's own actions are offered already
        seen.add(binding.action)
        yield SystemCommand(
            binding.description,
            f"{binding.description} ({binding.key})",
            partial(screen.run_action, binding.action),
        )


def goal_commands(
    report: Report | None, open_goal: Callable[[str], object]
) -> Iterable[SystemCommand]:
    """One command per goal of the evaluation on screen, opening it."""
    for goal in report.goals if report else ():
        yield SystemCommand(
            f"Open goal {goal.id}", goal.title or goal.indicator, partial(open_goal, goal.id)
        )
