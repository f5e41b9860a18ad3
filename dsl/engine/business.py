"""A calendar's open time as a table SQL can look up: business time in one pass over a million
rows.

Business time between a and b is W(b) - W(a), where W(t) is the open time from an origin up
to the instant t. The table has one row per UTC day (`day`, the INTEGER PRIMARY KEY: a row
finds its day by `CAST(t / 86400 AS INTEGER)`, one lookup by rowid) holding the day's open
pieces (`l0`, `h0`, ...: start and end instants, a piece never crossing UTC midnight) and the
open seconds before each piece (`c0`, ...) and before the next day (`e`); W(t) is a CASE
over the pieces. Measured on 1M rows, a weekly p90 of business minutes takes 1.25 s against
0.64 s with `minutes_between` (a correlated lookup of the last open interval before t took
2.6 s, a Python function 2.3 s).

The table covers the plan period and a year either side, in the calendar's zone: a time
outside that span has no business time (the row's value is empty).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlglot import exp

from ..language import model as m
from ..language.calendars import open_intervals, zone_of
from ..language.cycles import local_midnight
from ..store.dialect import Dialect, TempTable

DAY = 86400
MARGIN = timedelta(days=366)


def table_name(calendar: str) -> str:
    return f"goalline_calendar_{calendar}"


def business_table(calendar: m.Calendar, plan: m.Plan) -> TempTable:
    """The open-time table of `calendar` over the plan period and a year either side."""
    info = plan.info
    assert info.period_start and info.period_end  # the plan is checked
    return _table(calendar, zone_of(calendar, plan), info.period_start, info.period_end)


@lru_cache(maxsize=16)  # one evaluation compiles a calendar's table for several queries
def _table(calendar: m.Calendar, zone: ZoneInfo, start: m.date, end: m.date) -> TempTable:
    first, last = start - MARGIN, end + MARGIN
    pieces: dict[int, list[tuple[float, float]]] = {}
    for lo, hi in open_intervals(calendar, zone, first, last):
        while lo < hi:  # cut at UTC midnight, so that each piece lies in one row's day
            day = math.floor(lo / DAY)
            cut = min(hi, (day + 1) * DAY)
            pieces.setdefault(day, []).append((lo, cut))
            lo = cut
    width = max((len(p) for p in pieces.values()), default=0)
    first_day = math.floor(local_midnight(first, zone).timestamp() / DAY)
    last_day = math.floor(local_midnight(last + timedelta(days=1), zone).timestamp() / DAY)
    rows = []
    before = 0.0
    for day in range(first_day, last_day + 1):
        row: list[float] = [day]
        found = pieces.get(day, [])
        for lo, hi in found:
            row += [lo, hi, before]
            before += hi - lo
        midnight = float((day + 1) * DAY)
        for _ in range(width - len(found)):  # no more pieces: every later time is past them
            row += [midnight, midnight, before]
        rows.append((*row, before))
    columns = ["day"]
    for n in range(width):
        columns += [f"l{n}", f"h{n}", f"c{n}"]
    return TempTable(table_name(calendar.id), (*columns, "e"), tuple(tuple(r) for r in rows))


def pieces(table: TempTable) -> int:
    """How many open pieces a day of the table holds at most."""
    return (len(table.columns) - 2) // 3


class BusinessTime:
    """The calendars a query counts business time in, and the lookups of their tables it
    needs: one join per calendar and time column, by the day's key (`engine.business`)."""

    def __init__(self, calendars: Mapping[str, TempTable], dialect: Dialect) -> None:
        self.calendars = calendars
        self.dialect = dialect
        self.aliases: dict[tuple[str, exp.Expr], str] = {}

    def at(self, calendar: str, time: exp.Expr) -> exp.Expr:
        """W(time): the calendar's open seconds up to the instant `time`."""
        alias = self.aliases.setdefault((calendar, time), f"b{len(self.aliases)}")
        count = pieces(self.calendars[calendar])

        def of(name: str) -> exp.Column:
            return exp.column(name, alias)

        if not count:
            return of("e")
        # Most instants (nights, weekends) lie before a day's first piece or after its last:
        # those two tests come first, so they cost one or two comparisons.
        whens: list[tuple[exp.Expr, exp.Expr]] = [
            (exp.LT(this=time.copy(), expression=of("l0")), of("c0")),
            (exp.GTE(this=time.copy(), expression=of(f"h{count - 1}")), of("e")),
        ]
        for n in range(count):
            if n:
                whens.append((exp.LT(this=time.copy(), expression=of(f"l{n}")), of(f"c{n}")))
            into = exp.Paren(this=exp.Sub(this=time.copy(), expression=of(f"l{n}")))
            whens.append(
                (
                    exp.LT(this=time.copy(), expression=of(f"h{n}")),
                    exp.Add(this=of(f"c{n}"), expression=into),
                )
            )
        ifs = [exp.If(this=test, true=then) for test, then in whens]
        return exp.Paren(this=exp.Case(ifs=ifs))

    def joins(self) -> list[exp.Join]:
        found = []
        for (calendar, time), alias in self.aliases.items():
            seconds = exp.Div(this=time.copy(), expression=exp.Literal.number(DAY), typed=True)
            if self.dialect.name == "sqlite":
                # SQLite finds the row by its rowid: the key must be an integer
                day: exp.Expr = exp.Cast(this=seconds, to=exp.DataType.build("INTEGER"))
            else:  # a cast would round there, not truncate
                day = exp.Floor(this=seconds)
            on = exp.EQ(this=exp.column("day", alias), expression=day)
            lookup = self.dialect.temp_table(self.calendars[calendar].name, alias)
            found.append(exp.Join(this=lookup, side="LEFT", on=on))
        return found
