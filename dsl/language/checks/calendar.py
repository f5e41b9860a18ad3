"""Calendar checks: the period (E302), the time zone (E303) and dates outside the period (E301)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from datetime import date
from functools import cache

from .. import model as m
from ..diagnostics import Diagnostic, error, suggestion
from ..source import Span


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    info = plan.info
    start, end = info.period_start, info.period_end
    if m.INVALID_DATE in (start, end):
        start = end = None  # already reported as a date that does not exist
    if start and end and end < start:
        where = info.places.get("period", info.span)
        yield error("E302", f"the period ends ({end}) before it starts ({start})", where)
        return
    if info.timezone is not None and not valid_timezone(info.timezone):
        hint = suggestion(info.timezone, zone_names())
        where = info.places.get("timezone", info.span)
        yield error("E303", f"unknown time zone '{info.timezone}'{hint}", where)
    if not (start and end):
        return
    for d in plan.declarations:
        if isinstance(d, m.Goal):
            for target in d.targets:
                for word, day in (("from", target.start), ("by", target.by)):
                    if day is not None:
                        yield from _inside(
                            day, start, end, f"the '{word}' date of a target", target.span
                        )
        elif isinstance(d, m.Milestone) and d.due is not None:
            where = d.places.get("due", d.span)
            yield from _inside(d.due, start, end, f"the due date of milestone '{d.id}'", where)


def _inside(day: date, start: date, end: date, what: str, span: Span) -> Iterator[Diagnostic]:
    if day != m.INVALID_DATE and not start <= day <= end:
        yield error("E301", f"{what}, {day}, is outside the plan period {start} .. {end}", span)


def valid_timezone(name: str) -> bool:
    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@cache
def zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
