"""Small parts of declarations, re-exported by `model`: goals' targets and thresholds,
escalation triggers and rules, runbook steps, a calendar's opening hours and an exclusion's
windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from .source import Span
from .values import Duration, Number, Ref, span_field

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


Event = Literal[
    "warning", "breached", "critical", "no_data", "insufficient", "in_buffer", "overdue"
]
GOAL_EVENTS: tuple[Event, ...] = ("warning", "breached", "critical", "no_data", "insufficient")
MILESTONE_EVENTS: tuple[Event, ...] = ("in_buffer", "overdue")
ROLES = ("owner", "lead", "team")


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    """`breached 2 times in a row`, `critical`, `no data 2 times`, `breached so far`,
    `in buffer`, `overdue`."""

    event: Event
    count: int = 1
    in_a_row: bool = False
    explicit_count: bool = field(default=False, compare=False)
    so_far: bool = False  # on the open cycle's value so far, at most once a cycle
    span: Span = span_field()

    @property
    def text(self) -> str:
        words = self.event.replace("_", " ")
        if self.so_far:
            return f"{words} so far"
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


# ---------------------------------------------------------------- calendars

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # as `open` names them


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenHours:
    """`open mon-fri 09:00-12:30, 13:30-18:00` (the weekdays `first` to `last`, as written),
    or `open 2026-12-31 09:00-13:00` (one date, whose hours replace its weekday's). Hours are
    minutes after local midnight, (start, end); `24:00` is 1440."""

    first: str | None = None
    last: str | None = None
    on: date | None = None
    hours: tuple[tuple[int, int], ...] = ()
    span: Span = span_field()

    @property
    def weekdays(self) -> tuple[int, ...]:
        """The weekdays it covers (Monday is 0), empty for a date or an unknown name."""
        return weekdays_from(self.first, self.last)


def weekdays_from(first: str | None, last: str | None) -> tuple[int, ...]:
    """The weekdays `first` to `last` (Monday is 0; `fri-mon` wraps over the weekend), empty
    when a name is unknown."""
    if first not in WEEKDAYS or (last or first) not in WEEKDAYS:
        return ()
    start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
    return tuple((start + n) % 7 for n in range((end - start) % 7 + 1))


@dataclass(frozen=True, slots=True, kw_only=True)
class Closed:
    """`closed 2026-12-24 .. 2026-12-26 "Christmas"`: whole local days, with the reason."""

    start: date
    end: date
    reason: str | None = None
    span: Span = span_field()


# ---------------------------------------------------------------- exclusions


@dataclass(frozen=True, slots=True, kw_only=True)
class Moment:
    """`from 2026-03-14 22:00` or `to 2026-03-15`: a local date and, when written, a time of
    day (minutes after midnight). A date alone starts at its first instant (`from`) or takes
    the whole day in (`to`), as dates in a period do."""

    on: date
    minutes: int | None = None
    span: Span = span_field()

    def local(self, *, end: bool) -> datetime:
        """The naive local time it stands for, as the start or the end of a window."""
        midnight = datetime(self.on.year, self.on.month, self.on.day)
        if self.minutes is None:
            return midnight + timedelta(days=1) if end else midnight
        return midnight + timedelta(minutes=self.minutes)


@dataclass(frozen=True, slots=True, kw_only=True)
class Every:
    """`every sun 02:00-04:00`, `every mon-fri 12:00-13:00`: hours of those weekdays, in
    minutes after local midnight, within one day as a calendar's hours are."""

    first: str
    last: str | None = None
    hours: tuple[tuple[int, int], ...] = ()
    span: Span = span_field()

    @property
    def weekdays(self) -> tuple[int, ...]:
        return weekdays_from(self.first, self.last)
