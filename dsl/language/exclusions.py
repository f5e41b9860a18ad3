"""The windows of an `exclude` as instants: pure calendar arithmetic, no I/O.

Local times become instants in the plan's zone as every naive local time in goalline does
(fold=0), so `every sun 02:00-04:00` lasts what really elapses: one hour on the night the
clock goes forward at 02:00 (02:00 reads as 03:00 summer time), three on the night it goes
back (02:00 is the first of the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from . import model as m
from .calendars import clock

Window = tuple[float, float]  # [start, end) seconds since 1970 UTC

_DAY = timedelta(days=1)


def windows(exclusion: m.Exclusion, zone: ZoneInfo, lo: float, hi: float) -> list[Window]:
    """The exclusion's windows that meet [lo, hi), clipped to it, in order and merged."""
    start = _instant(exclusion.start.local(end=False), zone) if exclusion.start else lo
    end = _instant(exclusion.end.local(end=True), zone) if exclusion.end else hi
    first, last = max(lo, start), min(hi, end)
    if first >= last:
        return []
    if not exclusion.every:
        return [(first, last)]
    found = (
        (max(a, first), min(b, last))
        for a, b in _weekly(exclusion.every, zone, _day(first, zone), _day(last, zone))
    )
    return merged(w for w in found if w[0] < w[1])


def merged(found: Iterable[Window]) -> list[Window]:
    """Windows sorted, with those that overlap or touch joined."""
    out: list[Window] = []
    for start, end in sorted(found):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def carve(lo: float, hi: float, taken: list[Window]) -> list[Window]:
    """What is left of [lo, hi) once the merged, ordered windows `taken` are cut out."""
    pieces, at = [], lo
    for start, end in taken:
        if end <= at or start >= hi:
            continue
        if start > at:
            pieces.append((at, start))
        at = max(at, end)
    if at < hi:
        pieces.append((at, hi))
    return pieces


def _weekly(every: Iterable[m.Every], zone: ZoneInfo, first: date, last: date) -> Iterator[Window]:
    lines = list(every)
    day = first
    while day <= last:
        for line in lines:
            if day.weekday() in line.weekdays:
                for start, end in line.hours:
                    yield _at(day, start, zone), _at(day, end, zone)
        day += _DAY


def _day(instant: float, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(instant, zone).date()


def _at(day: date, minutes: int, zone: ZoneInfo) -> float:
    local = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    return _instant(local, zone)


def _instant(local: datetime, zone: ZoneInfo) -> float:
    return local.replace(tzinfo=zone).timestamp()


def describe(exclusion: m.Exclusion) -> str:
    """When it applies, as the plan says it: `2026-03-14 22:00 .. 2026-03-15 06:00`,
    `every sun 02:00-04:00`, `every mon-fri 12:00-13:00 from 2026-02-01`."""
    said = [
        f"every {line.first}{'-' + line.last if line.last else ''} "
        + ", ".join(f"{clock(a)}-{clock(b)}" for a, b in line.hours)
        for line in exclusion.every
    ]
    start, end = exclusion.start, exclusion.end
    if not exclusion.every and start and end:
        return f"{moment_text(start)} .. {moment_text(end)}"
    if start:
        said.append(f"from {moment_text(start)}")
    if end:
        said.append(f"to {moment_text(end)}")
    return " ".join(said)


def moment_text(moment: m.Moment) -> str:
    """`2026-03-14 22:00`, or the date alone as written."""
    return str(moment.on) if moment.minutes is None else f"{moment.on} {clock(moment.minutes)}"
