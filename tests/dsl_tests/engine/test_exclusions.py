"""`exclude` (language.md, "Exclusions"): rows whose time falls in an exclusion's windows are
counted by no measure of the goals it applies to; a cycle wholly inside exclusions is
`excluded`, with no value, and counts for neither attainment nor streaks (a streak runs on
across it). Times are local to the plan's zone: here Berlin, across the change to summer
time on Sunday 29 March 2026 (02:00 CET becomes 03:00 CEST)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dsl.api import explanation, run
from dsl.language.cycles import parse_as_of
from dsl.store.database import Store

from .conftest import TICKETS, Env, events, plan_text, report_goal

PLAN = (
    TICKETS
    + """
indicator volume "Tickets" { kind kpi unit "tickets" better higher measure count(tickets) }
indicator reply "Mean first reply" {
  kind kpi  unit "min"  better lower
  measure mean(minutes_between(tickets.created_at, tickets.first_reply_at))
}
escalation slow { when breached 2 times in a row notify owner }
exclude freeze "Reply-time freeze" { from 2026-03-09  to 2026-03-15  goals fast }
exclude migration "Ticket system migration" {
  from    2026-03-14 22:00
  to      2026-03-15 06:00
  reason  "the old system took no replies"
}
exclude maintenance "Sunday maintenance window" { every sun 02:00-04:00 }
goal many "Enough tickets" { serves keep indicator volume target >= 3 cycle weekly owner ana }
goal fast "Fast replies" {
  serves keep  indicator reply  target <= 30  cycle weekly  owner ana  escalation slow
}
"""
)

# created (UTC), minutes to the first reply; Berlin is UTC+1 until 29 March 01:00 UTC, then +2
TICKETS_ROWS = [
    # week of 2 March: the Sunday 02:30 CET ticket falls in the maintenance window
    ("2026-03-03T10:00:00Z", 60),
    ("2026-03-04T10:00:00Z", 60),
    ("2026-03-05T10:00:00Z", 60),
    ("2026-03-08T01:30:00Z", 0),  # 02:30 CET: left out
    # week of 9 March: wholly frozen for `fast`; the migration runs Sat 22:00 to Sun 06:00 CET
    ("2026-03-09T10:00:00Z", 10),
    ("2026-03-14T20:59:00Z", 30),  # 21:59 CET: counted
    ("2026-03-14T21:30:00Z", 0),  # 22:30 CET: left out
    ("2026-03-15T04:59:00Z", 0),  # 05:59 CET: left out
    ("2026-03-15T05:00:00Z", 20),  # 06:00 CET: the window has ended, counted
    # week of 16 March
    ("2026-03-16T10:00:00Z", 50),
    ("2026-03-17T10:00:00Z", 50),
    # week of 23 March: on 29 March 02:00-04:00 is one hour, 01:00-02:00 UTC
    ("2026-03-25T10:00:00Z", 40),
    ("2026-03-29T00:59:00Z", 40),  # 01:59 CET: counted
    ("2026-03-29T01:00:00Z", 0),  # 03:00 CEST: left out
    ("2026-03-29T01:59:00Z", 0),  # 03:59 CEST: left out
    ("2026-03-29T02:00:00Z", 40),  # 04:00 CEST: counted
    # week of 30 March
    ("2026-03-30T10:00:00Z", 5),
    ("2026-03-31T10:00:00Z", 5),
    ("2026-04-01T10:00:00Z", 5),
]


def _rows() -> list[dict[str, str]]:
    found = []
    for created, minutes in TICKETS_ROWS:
        at = datetime.fromisoformat(created)
        reply = (at + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")
        found.append({"created_at": created, "first_reply_at": reply})
    return found


def test_exclusions_leave_rows_out_and_a_covered_cycle_out_of_the_numbers(env: Env) -> None:
    env.table("tickets", "created_at", _rows(), "first_reply_at")
    text = plan_text(PLAN, tz="Europe/Berlin", period="2026-03-02 .. 2026-04-05")
    report = env.evaluate(text, "2026-04-06")
    many = report_goal(report, "many")
    assert [(c["start"], c["value"], c["status"], c.get("excluded")) for c in many["cycles"]] == [
        ("2026-03-02", 3, "met", ["maintenance"]),  # 4 rows, the Sunday one left out
        ("2026-03-09", 3, "met", ["migration", "maintenance"]),  # 5 rows, 2 in the migration
        ("2026-03-16", 2, "breached", ["maintenance"]),
        ("2026-03-23", 3, "met", ["maintenance"]),  # 5 rows, 2 in the one-hour window
        ("2026-03-30", 3, "met", ["maintenance"]),
    ]
    assert many["attainment"] == 0.8  # 4 of 5
    fast = report_goal(report, "fast")
    assert [(c["value"], c["status"], c.get("excluded")) for c in fast["cycles"]] == [
        (60, "breached", ["maintenance"]),  # (60 + 60 + 60) / 3
        (None, "excluded", ["freeze", "migration", "maintenance"]),
        (50, "breached", ["maintenance"]),
        (40, "breached", ["maintenance"]),  # (40 + 40 + 40) / 3
        (5, "met", ["maintenance"]),
    ]
    # Judged: four weeks, one met; the frozen week is neither met nor missed.
    assert (fast["status"], fast["attainment"]) == ("met", 0.25)
    # Breached, excluded, breached: the streak runs on across the frozen week and reaches 2
    # with the week of 16 March (it does not fire again at 3).
    assert events(report) == [
        (
            "2026-03-23",
            "fast",
            "when breached 2 times in a row",
            "goal",
            ("2026-03-16", "2026-03-22"),
            ["ana"],
            None,
        )
    ]


def test_what_each_aggregate_read_leaves_the_excluded_rows_out(env: Env) -> None:
    env.table("tickets", "created_at", _rows(), "first_reply_at")
    text = plan_text(PLAN, tz="Europe/Berlin", period="2026-03-02 .. 2026-04-05")
    report = env.evaluate(text, "2026-04-06", rows=True)
    week = report_goal(report, "fast")["cycles"][3]
    assert [(r["read"], r["matched"], r["empty"]) for r in week["rows"]] == [(3, 3, 0)]


def test_the_window_lasts_three_hours_when_the_clock_goes_back(env: Env) -> None:
    # 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:00 (the first, CEST) .. 04:00
    # (CET) runs from 00:00 to 03:00 UTC.
    at = ["2026-10-24T23:59:00Z", "2026-10-25T00:00:00Z", "2026-10-25T02:59:00Z"]
    rows = [{"created_at": t, "first_reply_at": t} for t in [*at, "2026-10-25T03:00:00Z"]]
    env.table("tickets", "created_at", rows, "first_reply_at")
    text = plan_text(PLAN, tz="Europe/Berlin", period="2026-10-19 .. 2026-10-25")
    many = report_goal(env.evaluate(text, "2026-10-26"), "many")
    assert [c["value"] for c in many["cycles"]] == [2]  # 23:59 and 03:00 UTC


def test_a_rolling_window_is_excluded_only_when_all_of_it_is(env: Env) -> None:
    body = (
        TICKETS
        + """
indicator volume "Tickets" { kind kpi unit "tickets" better higher measure count(tickets) }
exclude outage "Outage" { from 2026-01-03 00:00  to 2026-01-04 12:00 }
goal daily "Tickets a day" {
  serves keep indicator volume target >= 1 cycle daily window 2d owner ana
}
"""
    )
    rows = [{"created_at": f"2026-01-0{d}T{h}:00:00Z"} for d, h in ((2, 10), (3, 10), (4, 13))]
    env.table("tickets", "created_at", rows)
    report = env.evaluate(plan_text(body, period="2026-01-02 .. 2026-01-05"), "2026-01-06")
    cycles = report_goal(report, "daily")["cycles"]
    # 2 Jan: 1-2 Jan, one row. 3 Jan: 2-3 Jan, the 3rd left out. 4 Jan: 3-4 Jan, only its
    # last twelve hours count (the row at 13:00). 5 Jan: 4-5 Jan, the same row.
    assert [(c["start"], c["value"], c["status"]) for c in cycles] == [
        ("2026-01-02", 1, "met"),
        ("2026-01-03", 1, "met"),
        ("2026-01-04", 1, "met"),
        ("2026-01-05", 1, "met"),
    ]
    # A cycle whose two days both lie in the outage would be excluded: shift it.
    body = body.replace("to 2026-01-04 12:00", "to 2026-01-05 00:00")
    report = env.evaluate(plan_text(body, period="2026-01-02 .. 2026-01-05"), "2026-01-06")
    cycles = report_goal(report, "daily")["cycles"]
    assert [(c["start"], c["value"], c["status"]) for c in cycles] == [
        ("2026-01-02", 1, "met"),
        ("2026-01-03", 1, "met"),
        ("2026-01-04", None, "excluded"),  # 3 and 4 January, both wholly in the outage
        ("2026-01-05", 0, "breached"),  # the row of the 4th is left out
    ]


def test_explain_names_the_exclusions_and_the_rows_they_left_out(env: Env) -> None:
    env.table("tickets", "created_at", _rows(), "first_reply_at")
    text = plan_text(PLAN, tz="Europe/Berlin", period="2026-03-02 .. 2026-04-05")
    Path(env.plan_path).write_text(text, encoding="utf-8")
    with Store.open(env.db) as store:
        outcome = run(env.plan_path, store, parse_as_of("2026-04-06", ZoneInfo("Europe/Berlin")))
        many = explanation(outcome, store, "many", 1).words.splitlines()
        fast = explanation(outcome, store, "fast", 1).words.splitlines()
    window = "from 2026-03-09 00:00 to 2026-03-16 00:00 (Europe/Berlin): 5 rows of tickets."
    migration = (
        'migration ("Ticket system migration", 2026-03-14 22:00 .. 2026-03-15 06:00:'
        " the old system took no replies)"
    )
    maintenance = 'maintenance ("Sunday maintenance window", every sun 02:00-04:00)'
    assert many[2:7] == [
        f"Its value comes from the rows whose time falls {window}",
        f"Exclusions leave 2 rows of tickets out: {migration} 2 rows of tickets;"
        f" {maintenance} none.",
        "The measure is count(tickets); count(tickets) gave 3; so the value is 3 tickets.",
        "The target in force is >= 3; there are no thresholds.",
        "The status is met: the value 3 reaches the target >= 3.",
    ]
    assert fast[3:7] == [
        'Exclusions leave 5 rows of tickets out: freeze ("Reply-time freeze",'
        f" 2026-03-09 .. 2026-03-15) 5 rows of tickets; {migration} 2 rows of tickets;"
        f" {maintenance} none.",
        "The measure is mean(minutes_between(tickets.created_at, tickets.first_reply_at));"
        " every row of the cycle lies in exclusions, so it has no value.",
        "The target in force is <= 30; there are no thresholds.",
        "The status is excluded: it lies wholly inside the exclusions freeze, migration,"
        " maintenance.",
    ]
