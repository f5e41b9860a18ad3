"""The plan model: frozen, typed values built from `.goal` text and read by everything else.

Every node knows where it was written (`span`), but spans never take part in equality, so a
plan and its reformatted copy compare equal. References are kept as `Ref`s (an identifier
and a span); the checker guarantees they resolve, and `Plan.get` looks them up. The small
values (`values`) and the measure expressions (`measures`) have modules of their own and are
re-exported here, so that `model`, imported as `m`, names every node of a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeVar

from .measures import AllOf as AllOf
from .measures import AnyOf as AnyOf
from .measures import Arith as Arith
from .measures import Call as Call
from .measures import Column as Column
from .measures import Compare as Compare
from .measures import Condition as Condition
from .measures import Expr as Expr
from .measures import Field as Field
from .measures import MemberOf as MemberOf
from .measures import Name as Name
from .measures import Not as Not
from .measures import NullTest as NullTest
from .measures import Value as Value
from .source import Span
from .values import DURATION_UNITS as DURATION_UNITS
from .values import INVALID_DATE as INVALID_DATE
from .values import Cycle as Cycle
from .values import CycleUnit as CycleUnit
from .values import Duration as Duration
from .values import Number as Number
from .values import Ref as Ref
from .values import places_field, span_field

# ---------------------------------------------------------------- targets and thresholds


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A level target (`>= 90`, `between 70 and 85`, optionally `from DATE`) or a progress
    target (`>= 20_000 by DATE`)."""

    cmp: str | None = None
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    start: date | None = None
    by: date | None = None
    span: Span = span_field()

    @property
    def is_range(self) -> bool:
        return self.cmp is None

    @property
    def is_progress(self) -> bool:
        return self.by is not None

    def reached_by(self, value: float) -> bool:
        """Whether a value reaches this target as a level (its comparison, or its range)."""
        if self.cmp is None:
            assert self.low is not None and self.high is not None
            return self.low <= value <= self.high
        assert self.value is not None
        return holds(self.cmp, value, self.value)

    @property
    def text(self) -> str:
        """The target as written in the plan, without its date: `>= 90`, `between 70 and 85`."""
        if self.cmp is None:
            assert self.low is not None and self.high is not None
            return f"between {self.low.text} and {self.high.text}"
        assert self.value is not None
        return f"{self.cmp} {self.value.text}"


def holds(cmp: str, left: float, right: float) -> bool:
    """`left CMP right` for the comparisons of targets and thresholds."""
    match cmp:
        case ">=":
            return left >= right
        case ">":
            return left > right
        case "<=":
            return left <= right
        case "<":
            return left < right
    raise ValueError(f"not a comparison: {cmp}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Threshold:
    """`warn < 92`, `critical pace < 80`."""

    cmp: str
    value: Number
    pace: bool = False
    span: Span = span_field()

    @property
    def text(self) -> str:
        return f"{'pace ' if self.pace else ''}{self.cmp} {self.value.text}"


# ---------------------------------------------------------------- escalation


Event = Literal["warning", "breached", "critical", "no_data", "in_buffer", "overdue"]
GOAL_EVENTS: tuple[Event, ...] = ("warning", "breached", "critical", "no_data")
MILESTONE_EVENTS: tuple[Event, ...] = ("in_buffer", "overdue")
ROLES = ("owner", "lead", "team")


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    """`breached 2 times in a row`, `critical`, `no data 2 times`, `in buffer`, `overdue`."""

    event: Event
    count: int = 1
    in_a_row: bool = False
    explicit_count: bool = field(default=False, compare=False)
    span: Span = span_field()

    @property
    def text(self) -> str:
        words = self.event.replace("_", " ")
        if self.explicit_count:
            words += f" {self.count} {'time' if self.count == 1 else 'times'}"
            if self.in_a_row:
                words += " in a row"
        return words


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """`when TRIGGER notify A, B, run RUNBOOK`."""

    trigger: Trigger
    notify: tuple[Ref, ...] = ()
    run: tuple[Ref, ...] = ()
    span: Span = span_field()

    @property
    def text(self) -> str:
        return f"when {self.trigger.text}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One runbook step: what, by whom (a person or a team), within how long."""

    text: str
    by: Ref
    within: Duration
    span: Span = span_field()


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanInfo:
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    timezone: str | None = None
    owner: Ref | None = None
    review: Cycle | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "plan"


@dataclass(frozen=True, slots=True, kw_only=True)
class Include:
    path: str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    id: str
    title: str | None = None
    email: str | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "person"


@dataclass(frozen=True, slots=True, kw_only=True)
class Team:
    id: str
    title: str | None = None
    lead: Ref | None = None
    members: tuple[Ref, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "team"


@dataclass(frozen=True, slots=True, kw_only=True)
class Objective:
    id: str
    title: str | None = None
    owner: Ref | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "objective"


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeFormat:
    """`format `Created at` "%d-%m-%Y %H:%M"`: how the source's export writes a time column,
    so that `import --plan` reads it without a `--time-format`."""

    column: Ref
    format: str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    id: str
    title: str | None = None
    table: Ref | None = None
    time: Ref | None = None
    formats: tuple[TimeFormat, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "source"

    @property
    def table_name(self) -> str:
        return self.table.id if self.table else self.id


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    id: str
    title: str | None = None
    kind: Literal["kpi", "process", "result"] | None = None
    unit: str | None = None
    better: Literal["higher", "lower"] | None = None
    owner: Ref | None = None
    decimals: Number | None = None
    breakdown: Ref | None = None
    measure: Expr | None = None
    aggregate: Ref | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "indicator"

    @property
    def recorded(self) -> bool:
        return self.measure is None


@dataclass(frozen=True, slots=True, kw_only=True)
class Runbook:
    id: str
    title: str | None = None
    steps: tuple[Step, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "runbook"


@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation:
    id: str
    title: str | None = None
    rules: tuple[Rule, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "escalation"


@dataclass(frozen=True, slots=True, kw_only=True)
class Goal:
    id: str
    title: str | None = None
    indicator: Ref | None = None
    cycle: Cycle | None = None
    owner: Ref | None = None
    lead: Ref | None = None
    with_: tuple[Ref, ...] = ()
    serves: Ref | None = None
    weight: Number | None = None
    baseline: Number | None = None
    escalation: Ref | None = None
    window: Duration | None = None
    targets: tuple[Target, ...] = ()
    warn: Threshold | None = None
    critical: Threshold | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "goal"

    @property
    def is_progress(self) -> bool:
        return any(t.is_progress for t in self.targets)


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    id: str
    title: str | None = None
    due: date | None = None
    buffer: Duration | None = None
    owner: Ref | None = None
    lead: Ref | None = None
    serves: Ref | None = None
    after: tuple[Ref, ...] = ()
    escalation: Ref | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "milestone"


Declaration = (
    Person | Team | Objective | Source | Indicator | Runbook | Escalation | Goal | Milestone
)
Item = PlanInfo | Include | Declaration


D = TypeVar("D", bound=Declaration)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A whole plan, its includes merged: the plan block and every declaration, in order."""

    info: PlanInfo
    declarations: tuple[Declaration, ...]
    files: tuple[str, ...] = field(default=(), compare=False)
    by_id: Mapping[str, Declaration] = field(default_factory=dict, compare=False, repr=False)

    def get(self, ref: Ref | str | None) -> Declaration | None:
        """The declaration a reference names, or None."""
        if ref is None:
            return None
        return self.by_id.get(ref if isinstance(ref, str) else ref.id)

    def _of(self, cls: type[D]) -> tuple[D, ...]:
        return tuple(d for d in self.declarations if isinstance(d, cls))

    @property
    def people(self) -> tuple[Person, ...]:
        return self._of(Person)

    @property
    def teams(self) -> tuple[Team, ...]:
        return self._of(Team)

    @property
    def objectives(self) -> tuple[Objective, ...]:
        return self._of(Objective)

    @property
    def sources(self) -> tuple[Source, ...]:
        return self._of(Source)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return self._of(Indicator)

    @property
    def runbooks(self) -> tuple[Runbook, ...]:
        return self._of(Runbook)

    @property
    def escalations(self) -> tuple[Escalation, ...]:
        return self._of(Escalation)

    @property
    def goals(self) -> tuple[Goal, ...]:
        return self._of(Goal)

    @property
    def milestones(self) -> tuple[Milestone, ...]:
        return self._of(Milestone)
