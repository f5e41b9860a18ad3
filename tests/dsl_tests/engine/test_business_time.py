"""Business time: `business_minutes_between(a, b, CAL)` counts only the time the calendar is
open (language.md, "Calendars and business time"), in Europe/Berlin, whose clocks go forward
on Sunday 29 March 2026 (02:00 -> 03:00) and back on Sunday 25 October 2026 (03:00 -> 02:00).
Each ticket is created on a day of its own, so each daily cycle's `sum` is one ticket's."""

from __future__ import annotations

from typing import Any

from .conftest import Env, plan_text, report_goal

CALENDARS = """
source tickets { table tickets  time created_at }

calendar office "Berlin office hours" {
  open    mon-fri 09:00-12:30, 13:30-18:00
  open    sat 10:00-14:00
  open    2026-03-31 09:00-13:00
  closed  2026-04-03 .. 2026-04-06 "Easter"
}

calendar night "Sunday night watch" {
  open  sun 01:00-04:00
}

indicator office_min "Wait, office minutes" { kind process unit "min" better lower
  measure sum(business_minutes_between(tickets.created_at, tickets.replied_at, office)) }
indicator office_h "Wait, office hours" { kind process unit "h" better lower
  measure sum(business_hours_between(tickets.created_at, tickets.replied_at, office)) }
indicator night_min "Wait, night minutes" { kind process unit "min" better lower
  measure sum(business_minutes_between(tickets.created_at, tickets.replied_at, night)) }
indicator wall_min "Wait, minutes" { kind process unit "min" better lower
  measure sum(minutes_between(tickets.created_at, tickets.replied_at)) }

goal by_office "Office" { serves keep indicator office_min target <= 600 cycle daily owner ana }
goal by_office_h "Office h" { serves keep indicator office_h target <= 10 cycle daily owner ana }
goal by_night "Night" { serves keep indicator night_min target <= 600 cycle daily owner ana }
goal by_wall "Wall" { serves keep indicator wall_min target <= 6000 cycle daily owner ana }
"""

TICKETS = [
    # Friday 17:30 to Monday 09:15, across the spring change: Friday 17:30-18:00 (30),
    # Saturday 10:00-14:00 (240), Sunday closed, Monday 09:00-09:15 (15) = 285.
    ("2026-03-27T17:30:00+01:00", "2026-03-30T09:15:00+02:00"),
    # A Tuesday, 08:00 to 15:00: 09:00-12:30 (210) and, after lunch, 13:30-15:00 (90) = 300.
    ("2026-03-24T08:00:00+01:00", "2026-03-24T15:00:00+01:00"),
    # The same hours on Tuesday 31 March, whose own hours are 09:00-13:00: 240.
    ("2026-03-31T08:00:00+02:00", "2026-03-31T15:00:00+02:00"),
    # Thursday 17:00 before Easter to the Tuesday after: 60, Friday to Monday closed, 60 = 120.
    ("2026-04-02T17:00:00+02:00", "2026-04-07T10:00:00+02:00"),
    ("2026-04-08T10:00:00+02:00", ""),  # not answered yet: no value
    # Answered before it was created (a data error): Thursday 10:00-11:00 backwards, -60.
    ("2026-04-09T11:00:00+02:00", "2026-04-09T10:00:00+02:00"),
    # Sunday nights, 00:30 to 05:00, the watch open 01:00-04:00 local time:
    ("2026-03-22T00:30:00+01:00", "2026-03-22T05:00:00+01:00"),  # an ordinary night: 180
    ("2026-03-29T00:30:00+01:00", "2026-03-29T05:00:00+02:00"),  # clocks forward: 120
    ("2026-10-25T00:30:00+02:00", "2026-10-25T05:00:00+01:00"),  # clocks back: 240
]


def daily(report: dict[str, Any], goal: str) -> dict[str, Any]:
    return {c["start"]: c["value"] for c in report_goal(report, goal)["cycles"]}


def test_business_time_counts_only_open_hours_in_the_calendars_zone(env: Env) -> None:
    rows = [{"created_at": a, "replied_at": b} for a, b in TICKETS]
    env.table("tickets", "created_at", rows, "replied_at")
    report = env.evaluate(plan_text(CALENDARS, tz="Europe/Berlin"), "2027-01-01")
    office, night, wall = (
        daily(report, "by_office"),
        daily(report, "by_night"),
        daily(report, "by_wall"),
    )
    assert [office[d] for d in ("2026-03-27", "2026-03-24", "2026-03-31", "2026-04-02")] == [
        285,
        300,
        240,
        120,
    ]
    assert office["2026-04-08"] is None  # the one ticket has no reply: no value
    assert office["2026-04-09"] == -60
    assert daily(report, "by_office_h")["2026-03-27"] == 4.75  # 285 / 60
    # The watch: what really elapsed of 01:00-04:00 local time.
    assert [night[d] for d in ("2026-03-22", "2026-03-29", "2026-10-25")] == [180, 120, 240]
    # Against the wall clock: 00:30+01:00 to 05:00+02:00 is 3.5 hours, 00:30+02:00 to
    # 05:00+01:00 5.5 hours.
    assert [wall[d] for d in ("2026-03-22", "2026-03-29", "2026-10-25")] == [270, 210, 330]
    assert office["2026-03-22"] == 0  # Sunday: the office is closed all night
