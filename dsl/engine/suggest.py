"""A suggested next target for a goal, from its own history: the level it reached in three
cycles out of four. Pure: it reads a `GoalResult` and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from ..store.dialect import percentile
from .report import GoalResult

LAST_CYCLES = 12  # how many of the latest complete cycles with a value count
MIN_CYCLES = 3  # fewer say too little (as for the achievability check, W404)
_PERCENT = {"higher": 25.0, "lower": 75.0}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """`value` as a number; `text` as people read it (`91.5%`); `how` says how it was found."""

    value: float
    text: str
    how: str


def suggest_target(goal: GoalResult) -> Suggestion | None:
    """From the last (up to 12) complete cycles with a value, the 25th percentile of their
    values when higher is better, the 75th when lower is: the level reached in three of four.

    None for a goal with no `better`, with fewer than 3 such cycles, or with a running total
    (progress) target, whose values add up over the period instead of standing alone."""
    percent = _PERCENT.get(goal.better or "")
    values = [
        c.value
        for c in goal.cycles
        if c.complete and c.value is not None and c.expected is None  # not a running total
    ][-LAST_CYCLES:]
    if percent is None or len(values) < MIN_CYCLES:
        return None
    value = percentile(values, percent)
    assert value is not None
    how = (
        f"reached in 3 of 4 of the last {len(values)} complete {_cycles(goal.cycle)}"
        f" (the {percent:.0f}th percentile of their values)"
    )
    return Suggestion(value, format_value(value, goal), how)


def format_value(value: float, goal: GoalResult) -> str:
    """A value of the goal's indicator for people: its `decimals` (or up to 2) and its unit.
    No thousands separator, so that the number (without the unit) can be written in a plan."""
    if goal.decimals is not None:
        number = f"{value:.{goal.decimals}f}"
    else:
        number = f"{value:.2f}".rstrip("0").rstrip(".")
    if not number.lstrip("-").strip("0."):
        number = number.lstrip("-")  # no "-0"
    unit = goal.unit_label
    return number + (unit if unit in ("", "%") else f" {unit}")


def _cycles(cycle: str) -> str:
    """`monthly cycles`, `cycles of 2 weeks`."""
    every = cycle.removeprefix("every ")
    return f"cycles of {every}" if every != cycle else f"{cycle} cycles"
