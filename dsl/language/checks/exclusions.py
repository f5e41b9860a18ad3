"""Exclusions: one without a window (E202), a window that cannot be (E341: an unknown day,
hours or a `from` .. `to` that end before they start), and one wholly outside the plan
period (W414)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from .. import model as m
from ..diagnostics import Diagnostic, error, warning
from ..exclusions import moment_text
from .hours import weekday_hours


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    for exclusion in plan.exclusions:
        yield from _exclusion(plan, exclusion)


def _exclusion(plan: m.Plan, exclusion: m.Exclusion) -> Iterator[Diagnostic]:
    name = f"exclude '{exclusion.id}'"
    start, end = exclusion.start, exclusion.end
    if not exclusion.every and (start is None or end is None):
        yield error(
            "E202",
            f"{name} needs a window: from DATE HH:MM and to DATE HH:MM, or every DAYS HH:MM-HH:MM",
            exclusion.span,
        )
    for line in exclusion.every:
        yield from _every(line)
    dates = [moment.on for moment in (start, end) if moment is not None]
    if m.INVALID_DATE in dates:
        return
    began = start.local(end=False) if start else None
    ended = end.local(end=True) if end else None
    if start and end and end.local(end=True) <= start.local(end=False):
        yield error(
            "E341",
            f"{name} ends ({moment_text(end)}) before it starts ({moment_text(start)})",
            end.span,
        )
        return
    first, last = plan.info.period_start, plan.info.period_end
    if first and last and (began or ended):
        opens, closes = (
            datetime(first.year, first.month, first.day),
            datetime(last.year, last.month, last.day) + timedelta(days=1),
        )
        if (ended and ended <= opens) or (began and began >= closes):
            yield warning(
                "W414",
                f"{name} lies outside the plan period {first} .. {last}, so it leaves out"
                " nothing (is the year right?)",
                (start or end or exclusion).span,
            )


def _every(line: m.Every) -> Iterator[Diagnostic]:
    overnight = (
        "write a window over midnight as two lines,"
        " such as every sat 22:00-24:00 and every sun 00:00-02:00"
    )
    yield from weekday_hours("E341", line.first, line.last, line.hours, line.span, overnight)
