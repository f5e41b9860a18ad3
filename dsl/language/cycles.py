"""Cycles of a plan period as inclusive local dates and the UTC instants of their edges.

Pure calendar arithmetic in the plan's time zone: no I/O, and the clock is never read. A local
day runs from its first instant (local midnight, or the jump when midnight does not exist) to the
first instant of the next day.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from .model import Cycle

_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)

# Stricter than `datetime.fromisoformat`, which since 3.11 also takes week dates, ordinal
# dates and compact forms that nobody means when typing `--as-of`.
_AS_OF_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AS_OF_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ]"
    r"(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)


@dataclass(frozen=True, slots=True)
class CycleSpan:
    """One cycle: inclusive local dates, and the UTC instants where it starts and ends."""

    index: int
    start: date
    end: date
    starts_at: datetime
    ends_at: datetime


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of local `day` in `tz`, as an aware UTC datetime."""
    return _first_instant_at_or_after(datetime(day.year, day.month, day.day), tz)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The local date in `tz` of an aware instant."""
    if instant.utcoffset() is None:
        # `astimezone` would read a naive value as the machine's local time.
        raise ValueError(f"{instant.isoformat()} has no time zone")
    return instant.astimezone(tz).date()


def cycle_spans(
    cycle: Cycle, period_start: date, period_end: date, tz: ZoneInfo
) -> tuple[CycleSpan, ...]:
    """Every cycle of the period, in order, aligned to the calendar in `tz` and clipped to the
    period."""
    if period_end < period_start:
        raise ValueError(f"the period ends ({period_end}) before it starts ({period_start})")
    if cycle.every < 1:
        raise ValueError(f"'{cycle}' must count at least 1")
    starts = _starts(cycle, period_start, period_end)
    edges = [*starts, period_end + _DAY]
    # Each edge is the end of one cycle and the start of the next: one zone lookup per edge.
    instants = [local_midnight(day, tz) for day in edges]
    return tuple(
        CycleSpan(
            index=i,
            start=edges[i],
            end=edges[i + 1] - _DAY,
            starts_at=instants[i],
            ends_at=instants[i + 1],
        )
        for i in range(len(starts))
    )


def parse_as_of(text: str, tz: ZoneInfo) -> datetime:
    """`--as-of`: a date (YYYY-MM-DD) means local midnight at the start of that day in tz; a
    date-time with an offset or Z is taken as is; a naive date-time is local time in tz
    (fold=0).
    Returns an aware UTC datetime. Raises ValueError with a plain message for anything else."""
    given = text.strip()
    try:
        if _AS_OF_DATE.fullmatch(given):
            return local_midnight(date.fromisoformat(given), tz)
        match = _AS_OF_DATETIME.fullmatch(given)
        if match is not None:
            zone = match["zone"] or ""
            if zone in ("Z", "z"):
                zone = "+00:00"
            moment = datetime.fromisoformat(f"{match['date']}T{match['time']}{zone}")
            if moment.tzinfo is None:
                # fold=0, as every naive local time in goalline: in a repeated hour the first
                # offset, and a time the clock skips reads with the offset before the jump
                # (02:30 on a spring-forward night in Berlin is 03:30 summer time).
                moment = moment.replace(tzinfo=tz)
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        # The shape was right but a field was not (2026-02-30, 25:00, +24:00).
        raise ValueError(f"'{text}' is not a valid date or date-time") from None
    raise ValueError(
        f"'{text}' is not a date (2026-07-01) or a date-time "
        "(2026-07-01T09:30, 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)"
    )


def _starts(cycle: Cycle, first: date, last: date) -> list[date]:
    """The first date of every cycle of `first .. last`."""
    n = cycle.every
    match cycle.unit:
        case "daily" | "days" | "weeks":
            step = timedelta(days=n * (7 if cycle.unit == "weeks" else 1))
            count = (last - first) // step + 1
            return [first + k * step for k in range(count)]
        case "weekly":
            # Weeks start on Monday; the first one begins at the period start, whatever the day.
            monday = first + timedelta(days=7 - first.weekday())
            return [
                first,
                *(monday + timedelta(weeks=k) for k in range((last - monday).days // 7 + 1)),
            ]
        case "monthly" | "quarterly" | "yearly":
            months = {"monthly": 1, "quarterly": 3, "yearly": 12}[cycle.unit]
            # The calendar boundary after `first`: months since year 0, rounded up to a multiple.
            index = first.year * 12 + first.month - 1
            boundary = (index // months + 1) * months
            starts = [first]
            while (day := date(boundary // 12, boundary % 12 + 1, 1)) <= last:
                starts.append(day)
                boundary += months
            return starts
        case "months":
            starts = []
            # Counted from `first` each time, not chained, so Jan 31 gives Feb 28 then Mar 31.
            k = 0
            while (day := _add_months(first, k * n)) <= last:
                starts.append(day)
                k += 1
            return starts
    raise ValueError(f"unknown cycle unit '{cycle.unit}'")


def _add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, clamped to that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def _first_instant_at_or_after(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first instant whose local time in `tz` reaches the naive `wall` time, in UTC.

    That is `wall` itself when it exists (its first occurrence when the clock is set back over
    it) and the moment of the jump when the clock skips over it.
    """
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    # PEP 495: fold=0 is the earlier of two occurrences, so a round trip settles all but gaps.
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # `wall` falls in a gap. Before the jump the local time is earlier than `wall`, after it
    # later; the two offsets around the gap bracket the jump. Bisect to the microsecond.
    offsets = [wall.replace(tzinfo=tz, fold=f).utcoffset() or timedelta() for f in (0, 1)]
    low = (wall - max(offsets)).replace(tzinfo=UTC)  # local time before `wall`
    high = (wall - min(offsets)).replace(tzinfo=UTC)  # local time after `wall`
    while high - low > _MICROSECOND:
        middle = low + (high - low) // 2
        if middle.astimezone(tz).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return high


@dataclass(frozen=True, slots=True)
class Range:
    """The instants (seconds since 1970 UTC) whose rows make one cycle's value: [lo, hi)."""

    index: int
    lo: float
    hi: float
