"""Calendars: hours that cannot be (E340), a time zone that does not exist (E303), hours that
overlap or a date both open and closed (W410), a closed date outside the period (W411), and
a calendar that is never open (W412)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..calendars import clock, closed_days
from ..diagnostics import Diagnostic, error, suggestion, warning
from ..source import Span
from .calendar import valid_timezone, zone_names


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    for calendar in plan.calendars:
        yield from _calendar(plan, calendar)


def _calendar(plan: m.Plan, calendar: m.Calendar) -> Iterator[Diagnostic]:
    name = f"calendar '{calendar.id}'"
    if calendar.timezone is not None and not valid_timezone(calendar.timezone):
        hint = suggestion(calendar.timezone, zone_names())
        where = calendar.places.get("timezone", calendar.span)
        yield error("E303", f"unknown time zone '{calendar.timezone}'{hint}", where)
    for line in calendar.hours:
        yield from _line(line)
    yield from _overlaps(calendar)
    start, end = plan.info.period_start, plan.info.period_end
    for closed in calendar.closed:
        if m.INVALID_DATE in (closed.start, closed.end):
            continue
        if closed.end < closed.start:
            yield error(
                "E340", f"closed {closed.start} .. {closed.end} ends before it starts", closed.span
            )
        elif start and end and (closed.end < start or closed.start > end):
            yield warning(
                "W411",
                f"{name} is closed {_days(closed)}, outside the plan period {start} .. {end}"
                " (is the year right?)",
                closed.span,
            )
    if not any(h for line in calendar.hours for h in line.hours if h[0] < h[1]):
        yield warning(
            "W412",
            f"{name} is never open, so business time in it is always 0:"
            " add hours, such as open mon-fri 09:00-17:00",
            calendar.span,
        )


def _line(line: m.OpenHours) -> Iterator[Diagnostic]:
    yield from weekday_hours(
        "E340", line.first, line.last, line.hours, line.span, "write a night shift as two lines"
    )


def weekday_hours(
    code: str,
    first: str | None,
    last: str | None,
    hours: tuple[tuple[int, int], ...],
    span: Span,
    overnight: str,
) -> Iterator[Diagnostic]:
    """Day names that do not exist, and hours that end before they start (a calendar's `open`
    line, an exclusion's `every`); `overnight` says how to write hours past midnight."""
    for day in (first, last):
        if day is not None and day not in m.WEEKDAYS:
            hint = suggestion(day, m.WEEKDAYS)
            yield error(
                code,
                f"unknown day '{day}'{hint}: days are {', '.join(m.WEEKDAYS)},"
                " or a range such as mon-fri",
                span,
            )
    for start, end in hours:
        if (start, end) != (0, 0) and end <= start:  # (0, 0): a time already refused (E102)
            yield error(
                code,
                f"the hours {clock(start)}-{clock(end)} end before they start: hours run"
                f" within one day, up to 24:00 ({overnight})",
                span,
            )


def _overlaps(calendar: m.Calendar) -> Iterator[Diagnostic]:
    """Hours given twice for one weekday or date count once; say so, as it is rarely meant."""
    closed = closed_days(calendar)
    seen: dict[int | m.date, list[tuple[int, int]]] = {}
    for line in calendar.hours:
        keys: tuple[int | m.date, ...] = (line.on,) if line.on is not None else line.weekdays
        if line.on is not None and line.on in closed:
            yield warning(
                "W410",
                f"{line.on} is both open and closed in calendar '{calendar.id}': it is closed",
                line.span,
            )
        for key in keys:
            for start, end in line.hours:
                for other in seen.get(key, ()):
                    if start < other[1] and other[0] < end:
                        day = key if isinstance(key, m.date) else m.WEEKDAYS[key]
                        yield warning(
                            "W410",
                            f"the hours {clock(start)}-{clock(end)} overlap"
                            f" {clock(other[0])}-{clock(other[1])} on {day}: they count once",
                            line.span,
                        )
                seen.setdefault(key, []).append((start, end))


def _days(closed: m.Closed) -> str:
    return str(closed.start) if closed.end == closed.start else f"{closed.start} .. {closed.end}"
