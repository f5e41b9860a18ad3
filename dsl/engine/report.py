"""The evaluation result: frozen values that every front end renders, and their plain form.

`Report.to_dict()` is the JSON report of interface.md, field for field; the TOML, CSV and
table renderings (`render.py`) and the review screen all start from this model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..store.records import Acknowledgement

STATUSES = ("met", "warning", "breached", "critical", "no_data", "insufficient", "excluded")
SEVERITY = {"met": 0, "warning": 1, "breached": 2, "critical": 3}
# Goals needing attention first, by the status of their latest complete cycle: the order of
# the scorecard, the table, the digest and review mode.
ATTENTION = {
    "critical": 0,
    "breached": 1,
    "warning": 2,
    "no_data": 3,
    "insufficient": 4,
    "met": 5,
    "excluded": 6,
}


@dataclass(frozen=True, slots=True)
class CycleResult:
    index: int
    start: date
    end: date
    complete: bool
    value: float | None
    target: str | None
    expected: float | None
    pace: float | None
    status: str
    reason: str  # why the status is what it is, in one sentence
    breakdown: Mapping[str, float | None] | None = None  # value per breakdown key
    rows: tuple[RowsRead, ...] = ()  # what each aggregate read (measured indicators)
    sample: int | None = None  # its sample size, where the indicator has a min_sample
    excluded: tuple[str, ...] = ()  # the exclusions that cut into its range, or cover it


@dataclass(frozen=True, slots=True)
class RowsRead:
    """What one aggregate of a measure read in one cycle: the rows of its table whose time
    falls in the cycle, those its `where` kept, those of them without a value, and (for a
    duration such as `minutes_between`) those whose value is negative."""

    aggregate: str  # as the plan writes it
    table: str
    read: int
    matched: int
    empty: int
    negative: int | None  # None: the aggregate reads no duration

    def to_dict(self) -> dict[str, Any]:
        return {
            "aggregate": self.aggregate,
            "table": self.table,
            "read": self.read,
            "matched": self.matched,
            "empty": self.empty,
            "negative": self.negative,
        }


@dataclass(frozen=True, slots=True)
class GoalResult:
    id: str
    title: str | None
    indicator: str
    unit: str | None
    better: str | None
    owner: str
    lead: str | None
    with_: tuple[str, ...]
    serves: str | None
    weight: float
    cycle: str
    status: str
    attainment: float | None
    cycles: tuple[CycleResult, ...]
    decimals: int | None = None  # how the indicator asks its values to be shown
    calendar: str | None = None  # the calendar(s) its measure counts business time in

    @property
    def unit_label(self) -> str:
        """Its unit as people read it: `min`, or `business minutes (office)` for a measure
        that counts business time, so that nobody takes the figure for wall-clock time."""
        unit = self.unit or ""
        if self.calendar is None:
            return unit
        words = _BUSINESS_UNITS.get(unit.lower())
        said = f"business {words}" if words else f"{unit}, in business time".lstrip(", ")
        return f"{said} ({self.calendar})"

    @property
    def latest_complete(self) -> CycleResult | None:
        complete = [c for c in self.cycles if c.complete]
        return complete[-1] if complete else None


_BUSINESS_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "minutes"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hours"),
    **dict.fromkeys(("d", "day", "days"), "days"),
}


@dataclass(frozen=True, slots=True)
class MilestoneResult:
    id: str
    title: str | None
    due: date
    buffer_days: int
    done_on: date | None
    status: str
    owner: str


@dataclass(frozen=True, slots=True)
class Recipient:
    id: str
    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    by: str  # a person or a team, as the runbook names it
    within: str
    person: Recipient | None = None  # who is told to do it: the person, or the team's lead
    due: str | None = None  # local "YYYY-MM-DD HH:MM": the event's firing plus `within`


@dataclass(frozen=True, slots=True)
class RunbookCall:
    id: str
    title: str | None
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class EscalationEvent:
    subject: str
    kind: str  # "goal" or "milestone"
    rule: str
    cycle_start: date | None
    cycle_end: date | None
    fired_on: date
    notify: tuple[Recipient, ...]
    runbooks: tuple[RunbookCall, ...]
    so_far: bool = False  # fired on the open cycle's value so far

    @property
    def key(self) -> str:
        """The event's stable identity, `subject/rule/date` (the triggering cycle's start, or
        the day a milestone event fired): what an acknowledgement in the store refers to, the
        same in every evaluation that raises the event again."""
        return f"{self.subject}/{self.rule}/{(self.cycle_start or self.fired_on).isoformat()}"


@dataclass(frozen=True, slots=True)
class ExclusionNote:
    """An exclusion of the plan as reports name it: when it applies, as the plan says it."""

    id: str
    title: str | None
    when: str  # `2026-03-14 22:00 .. 2026-03-15 06:00`, `every sun 02:00-04:00`
    reason: str | None
    goals: tuple[str, ...]  # as the plan names them; none: every goal

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "when": self.when,
            "reason": self.reason,
            "goals": list(self.goals) or None,
        }


@dataclass(frozen=True, slots=True)
class Report:
    version: str
    title: str | None
    file: str
    period_start: date
    period_end: date
    timezone: str
    as_of: datetime  # aware, in the plan's zone
    score: float | None
    goals: tuple[GoalResult, ...]
    milestones: tuple[MilestoneResult, ...]
    escalations: tuple[EscalationEvent, ...]
    exclusions: tuple[ExclusionNote, ...] = ()

    def to_dict(self, acknowledged: Mapping[str, Acknowledgement] | None = None) -> dict[str, Any]:
        """The JSON report of interface.md (numbers rounded to 6 decimals); `acknowledged`
        are the store's acknowledgements, by event key."""
        seen = acknowledged or {}
        return {
            "goalline": self.version,
            "plan": {
                "title": self.title,
                "file": self.file,
                "period": {"start": str(self.period_start), "end": str(self.period_end)},
                "timezone": self.timezone,
            },
            "as_of": self.as_of.isoformat(),
            "score": rounded(self.score),
            "goals": [_goal(g) for g in self.goals],
            "milestones": [_milestone(ms) for ms in self.milestones],
            "escalations": [
                event_dict(e) | {"acknowledged": _acknowledgement(seen.get(e.key))}
                for e in self.escalations
            ],
            "exclusions": [x.to_dict() for x in self.exclusions],
        }


def rounded(value: float | None) -> float | int | None:
    """A number as the JSON report writes it: to 6 decimals, a whole one as an integer."""
    if value is None:
        return None
    near = round(value, 6)
    return int(near) if near == int(near) and abs(near) < 2**53 else near


def _goal(goal: GoalResult) -> dict[str, Any]:
    return {
        "id": goal.id,
        "title": goal.title,
        "indicator": goal.indicator,
        "unit": goal.unit,
        "calendar": goal.calendar,
        "better": goal.better,
        "owner": goal.owner,
        "lead": goal.lead,
        "with": list(goal.with_),
        "serves": goal.serves,
        "weight": rounded(goal.weight),
        "cycle": goal.cycle,
        "status": goal.status,
        "attainment": rounded(goal.attainment),
        "cycles": [_cycle(c) for c in goal.cycles],
    }


def _cycle(cycle: CycleResult) -> dict[str, Any]:
    found: dict[str, Any] = {
        "start": str(cycle.start),
        "end": str(cycle.end),
        "complete": cycle.complete,
        "value": rounded(cycle.value),
        "target": cycle.target,
        "expected": rounded(cycle.expected),
        "pace": rounded(cycle.pace),
        "status": cycle.status,
    }
    if cycle.sample is not None:  # only for indicators with a min_sample
        found["sample"] = cycle.sample
    if cycle.excluded:  # only where exclusions meet the cycle's range
        found["excluded"] = list(cycle.excluded)
    if cycle.breakdown is not None:  # only for indicators that declare a breakdown
        found["breakdown"] = {key: rounded(v) for key, v in cycle.breakdown.items()}
    if cycle.rows:  # only for indicators with a measure
        found["rows"] = [r.to_dict() for r in cycle.rows]
    return found


def _milestone(ms: MilestoneResult) -> dict[str, Any]:
    return {
        "id": ms.id,
        "title": ms.title,
        "due": str(ms.due),
        "buffer_days": ms.buffer_days,
        "done_on": str(ms.done_on) if ms.done_on else None,
        "status": ms.status,
        "owner": ms.owner,
    }


def event_dict(event: EscalationEvent) -> dict[str, Any]:
    """An escalation event as the JSON report has it."""
    cycle = (
        {"start": str(event.cycle_start), "end": str(event.cycle_end)}
        if event.cycle_start and event.cycle_end
        else None
    )
    runbooks = [
        {
            "id": r.id,
            "title": r.title,
            "steps": [
                {
                    "step": s.text,
                    "by": s.by,
                    "within": s.within,
                    "person": _person(s.person),
                    "due": s.due,
                }
                for s in r.steps
            ],
        }
        for r in event.runbooks
    ]
    return {
        "key": event.key,
        "subject": event.subject,
        "kind": event.kind,
        "rule": event.rule,
        "cycle": cycle,
        "fired_on": str(event.fired_on),
        "so_far": event.so_far,
        "notify": [_person(p) for p in event.notify],
        "runbook": runbooks[0] if runbooks else None,
        "runbooks": runbooks,
    }


def _person(person: Recipient | None) -> dict[str, Any] | None:
    return {"id": person.id, "name": person.name, "email": person.email} if person else None


def _acknowledgement(seen: Acknowledgement | None) -> dict[str, Any] | None:
    return {"by": seen.by, "at": seen.at, "note": seen.note} if seen else None
