"""How results read on screen: status words with their colours, values with units, trends
as sparklines. Only presentation: every status and number comes from the engine's report."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from dsl.api import ATTENTION, CycleResult, GoalResult, latest_text, short_target, value_text

# The status word is always shown, so a row reads the same without colour.
STATUS_STYLES = {
    "met": "green",
    "warning": "yellow",
    "breached": "red",
    "critical": "bold red",
    "no_data": "dim",
    "insufficient": "dim italic",
    "excluded": "dim",
    "done": "green",
    "late": "yellow",
    "in_buffer": "yellow",
    "overdue": "red",
    "open": "",
}
NEEDS_ATTENTION = frozenset(("critical", "breached", "warning", "no_data"))
MILESTONE_ATTENTION = frozenset(("in_buffer", "overdue", "late"))
BARS = "▁▂▃▄▅▆▇█"


def status(word: str) -> Text:
    """A status as a word in its colour (the text of a status never depends on colour)."""
    return Text(word.replace("_", " "), style=STATUS_STYLES.get(word, ""))


def literal(text: str | None, default: str = "") -> Text:
    """Text from a plan or a store, shown as written: never read as markup."""
    return Text(text if text is not None else default)


def latest_value(goal: GoalResult, *, short: bool = False) -> str:
    """The latest complete value with its unit and sample; `short`, for a narrow screen:
    the value alone, in the unit as the plan writes it (the goal screen says the rest)."""
    if not short:
        return latest_text(goal)
    latest = goal.latest_complete
    return value_text(goal, latest.value if latest else None, short=True)


def latest_target(goal: GoalResult) -> str:
    latest = goal.latest_complete
    return short_target(latest.target if latest else None)


def attainment(goal: GoalResult) -> str:
    return "-" if goal.attainment is None else f"{goal.attainment:.0%}"


def sparkline(cycles: tuple[CycleResult, ...], width: int = 12) -> str:
    """The values of the last `width` cycles as bars, lowest to highest; a gap where a
    cycle has no value."""
    values = [c.value for c in cycles[-width:]]
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low
    return "".join(
        " " if v is None else BARS[0 if span == 0 else round((v - low) / span * (len(BARS) - 1))]
        for v in values
    )


def attention_key(goal: GoalResult) -> tuple[int, str]:
    return (ATTENTION.get(goal.status, 5), goal.id)


def done_words(done_on: date, due: date, buffer_days: int) -> str:
    """When a milestone was done against its due date and buffer: `done 10 days late,
    within its buffer`, `done 3 days before the due date`."""
    late = (done_on - due).days
    if late <= 0:
        return "done on the due date" if late == 0 else f"done {_days(-late)} before the due date"
    if late <= buffer_days:
        return f"done {_days(late)} late, within its buffer"
    return f"done {_days(late)} late, {_days(late - buffer_days)} after its buffer ended"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"
