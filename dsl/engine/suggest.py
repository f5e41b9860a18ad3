"""The targets a goal's own history supports (`goalline suggest`, and the review session's
proposal field: one computation), and a proposed target tried on that history. Pure: they
read a `GoalResult` and nothing else."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from .report import CycleResult, GoalResult

MIN_CYCLES = 6  # fewer complete cycles say too little about what a team can do
SUGGESTED = 0.8  # the share of past cycles the suggested target would have been met in
CONSERVATIVE, STRETCH = 0.9, 0.6
SKIPPED = ("excluded", "insufficient")  # cycles that say nothing of the level reached


@dataclass(frozen=True, slots=True)
class Suggestion:
    """`value` as a number; `text` as people read it (`91.5%`); `how` says how it was found."""

    value: float
    text: str
    how: str


@dataclass(frozen=True, slots=True)
class Proposal:
    """A target the goal's past supports: met in `met` of `of` usable cycles, aiming at
    `share` of them; `number` as a plan writes it (the indicator's decimals, no unit)."""

    level: str  # conservative | suggested | stretch
    share: float
    value: float
    comparator: str  # >= or <=
    number: str
    met: int
    of: int

    @property
    def target(self) -> str:
        return f"{self.comparator} {self.number}"


@dataclass(frozen=True, slots=True)
class Suggestions:
    """What a goal's history supports: its usable cycles, and the proposals from them, or
    none when the history is too short (`reason` says why)."""

    goal: GoalResult
    cycles: tuple[CycleResult, ...]
    proposals: tuple[Proposal, ...]
    reason: str | None = None

    @property
    def worst(self) -> CycleResult | None:
        return _ends(self.goal, self.cycles)[0]

    @property
    def best(self) -> CycleResult | None:
        return _ends(self.goal, self.cycles)[1]

    @property
    def suggested(self) -> Proposal | None:
        return next((p for p in self.proposals if p.level == "suggested"), None)

    @property
    def offered(self) -> Suggestion | None:
        """The suggested target as the review session words it beside its proposal field."""
        found = self.suggested
        if found is None:
            return None
        goal = self.goal
        how = f"met in {found.met} of the last {found.of} complete {_cycles(goal.cycle)}"
        return Suggestion(found.value, format_value(found.value, goal), how)


def usable_cycles(goal: GoalResult, lookback: int | None = None) -> tuple[CycleResult, ...]:
    """The complete cycles whose value says what level the team reached: with a value,
    neither excluded nor below the sample, not a running total (that is judged against its
    pace); the last `lookback` of them when given."""
    found = tuple(
        c
        for c in goal.cycles
        if c.complete and c.value is not None and c.expected is None and c.status not in SKIPPED
    )
    return found[-lookback:] if lookback else found


def suggestions(
    goal: GoalResult, share: float = SUGGESTED, lookback: int | None = None
) -> Suggestions:
    """The targets met in 90% (conservative), `share` (suggested) and 60% (stretch) of the
    goal's usable cycles, on its better side: the best level that at least that many cycles
    reached (when higher is better) or stayed within (when lower is). Written with the
    indicator's decimals, rounded towards the lenient side, so that those cycles still meet
    the target as written; each is counted as written."""
    cycles = usable_cycles(goal, lookback)
    if goal.better not in ("higher", "lower"):
        return Suggestions(goal, cycles, (), "its indicator says neither side is better")
    if len(cycles) < MIN_CYCLES:
        found = f"{len(cycles)} usable complete cycle{'s' if len(cycles) != 1 else ''}"
        return Suggestions(goal, cycles, (), f"not enough history: {found}, {MIN_CYCLES} needed")
    higher = goal.better == "higher"
    values = sorted((c.value for c in cycles if c.value is not None), reverse=higher)
    comparator = ">=" if higher else "<="
    aims = {CONSERVATIVE: "conservative", share: "suggested", STRETCH: "stretch"}
    proposals = []
    for aim, level in sorted(aims.items(), reverse=True):
        needed = math.ceil(aim * len(values) - 1e-9)  # cycles that must meet it
        level_reached = values[needed - 1]  # the needed-th best value
        number = number_text(level_reached, goal.decimals, lenient=comparator)
        written = float(number)
        met = sum(_MEETS[comparator](v, written) for v in values)
        proposals.append(Proposal(level, aim, written, comparator, number, met, len(values)))
    return Suggestions(goal, cycles, tuple(proposals))


def suggest_target(goal: GoalResult) -> Suggestion | None:
    """The suggested target as the review session offers it beside the proposal field (the
    figures of `goalline suggest`); None when the history cannot support one."""
    return suggestions(goal).offered


def number_text(value: float, decimals: int | None, lenient: str | None = None) -> str:
    """A number as a plan writes it: the indicator's decimals, else up to two; rounded down
    for a `>=` target and up for a `<=` one when `lenient` says which (a value that met the
    target still meets it as written), to the nearest otherwise."""
    places = 2 if decimals is None else decimals
    rounding = {">=": ROUND_FLOOR, "<=": ROUND_CEILING}.get(lenient or "", ROUND_HALF_EVEN)
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=rounding)
    number = f"{exact:f}"
    if decimals is None and "." in number:
        number = number.rstrip("0").rstrip(".")
    return number.lstrip("-") if not number.lstrip("-").strip("0.") else number  # no "-0"


def _ends(
    goal: GoalResult, cycles: tuple[CycleResult, ...]
) -> tuple[CycleResult | None, CycleResult | None]:
    """(worst, best) of the usable cycles, by the goal's better side."""
    if not cycles:
        return None, None
    ranked = sorted(cycles, key=lambda c: c.value or 0.0)
    low, high = ranked[0], ranked[-1]
    return (high, low) if goal.better == "lower" else (low, high)


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
    parts = proposal_parts(text)
    if parts is None:
        return ProposalCheck("not a target: write it as a comparison, such as >= 92 or <= 4", 0, 0)
    comparator, number = parts[0], float(parts[1])
    values = [c.value for c in usable_cycles(goal) if c.value is not None]
    met = sum(_MEETS[comparator](v, number) for v in values)
    warning = None
    wrong = {"higher": "<", "lower": ">"}.get(goal.better or "")
    if wrong is not None and comparator.startswith(wrong):
        target = next((c.target for c in reversed(goal.cycles) if c.target), None)
        now = f" (its target is {target})" if target else ""
        warning = (
            f"points the wrong way: {goal.better} is better for this goal{now},"
            f" so {comparator} {parts[1]} would count worse values as met"
        )
    return ProposalCheck(warning, met, len(values))


def proposal_parts(text: str) -> tuple[str, str] | None:
    """A proposed target's comparison and number as written (`>= 92 %`: `>=`, `92`), the
    unit dropped (a plan's target has its indicator's); None if it is not one."""
    found = _PROPOSAL.fullmatch(text)
    return (found[1], found[2]) if found else None


def format_value(value: float, goal: GoalResult) -> str:
    """A value of the goal's indicator for people: its `decimals` (or up to 2) and its unit.
    No thousands separator, so that the number (without the unit) can be written in a plan."""
    number = number_text(value, goal.decimals)
    unit = goal.unit_label
    return number + (unit if unit in ("", "%") else f" {unit}")


def _cycles(cycle: str) -> str:
    """`monthly cycles`, `cycles of 2 weeks`."""
    every = cycle.removeprefix("every ")
    return f"cycles of {every}" if every != cycle else f"{cycle} cycles"
