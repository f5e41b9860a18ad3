"""A suggested next target for a goal, from its own history: the level it reached in three
cycles out of four. Pure: it reads a `GoalResult` and nothing else."""

from __future__ import annotations

import re
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


@dataclass(frozen=True, slots=True)
class ProposalCheck:
    """What a proposed target would mean: a `warning` when it cannot be what is meant (it
    points the wrong way, it is not a target), and how often the past cycles would have met
    it (`met` of `cycles`, the complete ones with a value, none excluded or too thin)."""

    warning: str | None
    met: int
    cycles: int

    @property
    def text(self) -> str:
        if not self.cycles:
            return "no complete cycle to try it on"
        share = self.met / self.cycles
        return f"met in {self.met} of the last {self.cycles} complete cycles ({share:.0%})"


_PROPOSAL = re.compile(r"\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*(\S.*)?")
_MEETS = {
    ">=": lambda v, t: v >= t,
    "<=": lambda v, t: v <= t,
    ">": lambda v, t: v > t,
    "<": lambda v, t: v < t,
}


def check_proposal(goal: GoalResult, text: str) -> ProposalCheck | None:
    """A proposed target (`>= 92`, `<= 4 h`) tried on the goal's past: None for an empty
    field. Pure, as `suggest_target`, from the same cycles."""
    if not text.strip():
        return None
    found = _PROPOSAL.fullmatch(text)
    if found is None:
        return ProposalCheck("not a target: write it as a comparison, such as >= 92 or <= 4", 0, 0)
    comparator, number = found[1], float(found[2])
    values = [
        c.value
        for c in goal.cycles
        if c.complete
        and c.value is not None
        and c.expected is None  # a running total is judged against its pace, not a level
        and c.status not in ("excluded", "insufficient")
    ][-LAST_CYCLES:]
    met = sum(_MEETS[comparator](v, number) for v in values)
    warning = None
    wrong = {"higher": "<", "lower": ">"}.get(goal.better or "")
    if wrong is not None and comparator.startswith(wrong):
        target = next((c.target for c in reversed(goal.cycles) if c.target), None)
        now = f" (its target is {target})" if target else ""
        warning = (
            f"points the wrong way: {goal.better} is better for this goal{now},"
            f" so {comparator} {found[2]} would count worse values as met"
        )
    return ProposalCheck(warning, met, len(values))


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
