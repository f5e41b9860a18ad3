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
from datetime import date as date
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
from .parts import GOAL_EVENTS as GOAL_EVENTS
from .parts import MILESTONE_EVENTS as MILESTONE_EVENTS
from .parts import ROLES as ROLES
from .parts import WEEKDAYS as WEEKDAYS
from .parts import Closed as Closed
from .parts import Event as Event
from .parts import Every as Every
from .parts import Moment as Moment
from .parts import OpenHours as OpenHours
from .parts import Rule as Rule
from .parts import Step as Step
from .parts import Target as Target
from .parts import Threshold as Threshold
from .parts import Trigger as Trigger
from .parts import holds as holds
from .source import Span
from .values import DURATION_UNITS as DURATION_UNITS
from .values import INVALID_DATE as INVALID_DATE
from .values import Cycle as Cycle
from .values import CycleUnit as CycleUnit
from .values import Duration as Duration
from .values import Number as Number
from .values import Ref as Ref
from .values import places_field, span_field

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
    schema: str | None = None  # `table schema.name`: a table of a database server's schema
    file: str | None = None  # `file "exports/*.parquet"`: files DuckDB reads in place
    time: Ref | None = None
    formats: tuple[TimeFormat, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "source"

    @property
    def table_name(self) -> str:
        """The table as the store lists it (`schema.name` in a schema of its own), or the
        files as the plan names them."""
        if self.file is not None:
            return self.file
        name = self.table.id if self.table else self.id
        return f"{self.schema}.{name}" if self.schema else name


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    """Opening hours, for the time between two instants that lies in them
    (`business_minutes_between`)."""

    id: str
    title: str | None = None
    timezone: str | None = None  # the plan's when None
    hours: tuple[OpenHours, ...] = ()
    closed: tuple[Closed, ...] = ()
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "calendar"


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclusion:
    """Rows that no measure of the goals it names (every goal when it names none) counts:
    those whose time falls from `start` to `end`, or, with `every` lines, in those weekly
    hours (between `start` and `end` when given). Times are local to the plan's zone."""

    id: str
    title: str | None = None
    start: Moment | None = None
    end: Moment | None = None
    every: tuple[Every, ...] = ()
    goals: tuple[Ref, ...] = ()
    reason: str | None = None
    note: str | None = None
    span: Span = span_field()
    places: Mapping[str, Span] = places_field()
    keyword = "exclude"

    def applies_to(self, goal: str) -> bool:
        return not self.goals or any(ref.id == goal for ref in self.goals)


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
    min_sample: int | None = None  # fewer values in a cycle make it `insufficient`
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
    Person
    | Team
    | Objective
    | Source
    | Calendar
    | Exclusion
    | Indicator
    | Runbook
    | Escalation
    | Goal
    | Milestone
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
    def calendars(self) -> tuple[Calendar, ...]:
        return self._of(Calendar)

    @property
    def exclusions(self) -> tuple[Exclusion, ...]:
        return self._of(Exclusion)

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
