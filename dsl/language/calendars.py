"""Opening hours of a `calendar` as instants: pure calendar arithmetic, no I/O.

A local day's hours are its date's own `open DATE` lines when it has any, else its weekday's
`open` lines; a `closed` day has none. Lines add up and overlaps merge. Wall-clock hours
become instants in the calendar's zone the way every naive local time does in goalline
(fold=0: in a repeated hour the earlier offset, and a time the clock skips reads with the
offset before the jump), so an interval across a daylight-saving change lasts what really
elapsed: `01:00-04:00` on the night the clock goes forward is two hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import model as m

Hours = tuple[tuple[int, int], ...]  # (start, end) minutes after local midnight, merged

_DAY = timedelta(days=1)


def merged(hours: Iterable[tuple[int, int]]) -> Hours:
    """Intervals sorted, with those that overlap or touch joined, and empty ones dropped."""
    found: list[tuple[int, int]] = []
    for start, end in sorted(h for h in hours if h[0] < h[1]):
        if found and start <= found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return tuple(found)


def weekly(calendar: m.Calendar) -> dict[int, Hours]:
    """The hours of each weekday (Monday is 0) from the `open` lines that name weekdays."""
    lines: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for line in calendar.hours:
        for day in line.weekdays:
            lines[day].extend(line.hours)
    return {day: merged(hours) for day, hours in lines.items()}


def dated(calendar: m.Calendar) -> dict[date, Hours]:
    """The hours of the dates that `open DATE` lines set."""
    lines: dict[date, list[tuple[int, int]]] = {}
    for line in calendar.hours:
        if line.on is not None:
            lines.setdefault(line.on, []).extend(line.hours)
    return {day: merged(hours) for day, hours in lines.items()}


def closed_days(calendar: m.Calendar) -> dict[date, str | None]:
    """Every closed local date, with its reason."""
    found: dict[date, str | None] = {}
    for closed in calendar.closed:
        day = closed.start
        while day <= closed.end:
            found.setdefault(day, closed.reason)
            day += _DAY
    return found


def zone_of(calendar: m.Calendar, plan: m.Plan) -> ZoneInfo:
    return ZoneInfo(calendar.timezone or plan.info.timezone or "UTC")


def open_intervals(
    calendar: m.Calendar, zone: ZoneInfo, first: date, last: date
) -> Iterator[tuple[float, float]]:
    """The open intervals of the local days `first` to `last`, as [start, end) seconds since
    1970 UTC, in order."""
    week, days, closed = weekly(calendar), dated(calendar), closed_days(calendar)
    day = first
    while day <= last:
        if day not in closed:
            for start, end in days.get(day, week[day.weekday()]):
                yield _instant(day, start, zone), _instant(day, end, zone)
        day += _DAY


def _instant(day: date, minutes: int, zone: ZoneInfo) -> float:
    """Local `day` plus `minutes` (1440 is the next midnight) as an instant, fold=0."""
    if minutes == 24 * 60:
        day, minutes = day + _DAY, 0
    wall = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
    return wall.timestamp()


def clock(minutes: int) -> str:
    """Minutes after midnight as a plan writes them: `09:30`, `24:00`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
