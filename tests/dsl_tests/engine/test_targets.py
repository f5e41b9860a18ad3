"""Targets and windows, against hand-computed figures: a target `from` a date, `between`
targets, empty cycles that count zero while ratios have no value, and a rolling window that
reaches back before the period."""

from __future__ import annotations

from ...helpers import report_cycle
from .conftest import TICKETS, Env, plan_text, report_goal


def test_from_target_applies_to_cycles_starting_on_or_after_its_date(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-10T00:00:00Z", "minutes": 25},
            {"created_at": "2026-02-10T00:00:00Z", "minutes": 35},
            {"created_at": "2026-03-20T00:00:00Z", "minutes": 25},  # after Mar 15, March cycle
            {"created_at": "2026-04-10T00:00:00Z", "minutes": 25},
            {"created_at": "2026-05-10T00:00:00Z", "minutes": 8},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator wait "Waiting time" { kind process unit "min" better lower measure mean(tickets.minutes) }
goal quick "Answer quickly" {
  serves keep  indicator wait  cycle monthly  owner ana
  target <= 30
  target <= 20 from 2026-03-15
  target <= 10 from 2026-05-01
}
""",
    )
    report = env.evaluate(text, "2026-06-01")
    g = report_goal(report, "quick")
    # March starts before 2026-03-15, so it is still held to <= 30; April is the first under
    # <= 20; May starts exactly on 2026-05-01 and is held to <= 10.
    assert g["cycles"] == [
        report_cycle("2026-01-01", "2026-01-31", 25, "<= 30", "met"),
        report_cycle("2026-02-01", "2026-02-28", 35, "<= 30", "breached"),
        report_cycle("2026-03-01", "2026-03-31", 25, "<= 30", "met"),
        report_cycle("2026-04-01", "2026-04-30", 25, "<= 20", "breached"),
        report_cycle("2026-05-01", "2026-05-31", 8, "<= 10", "met"),
        report_cycle("2026-06-01", "2026-06-30", None, "<= 10", "no_data", complete=False),
    ]
    assert (g["status"], g["attainment"]) == ("met", 0.6)


def test_between_target_is_inclusive_and_empty_cycles_count_zero_but_ratios_have_no_data(
    env: Env,
) -> None:
    # (month, answers, of which score >= 4)
    months = [(1, 4, 3), (2, 10, 9), (3, 10, 7), (4, 0, 0), (5, 20, 17), (6, 4, 2)]
    rows = []
    for month, total, good in months:
        for i in range(total):
            at = f"2026-{month:02d}-{i + 1:02d}T09:00:00Z"
            rows.append({"answered_at": at, "score": 5 if i < good else 2})
    env.table("surveys", "answered_at", rows)
    text = plan_text(
        """
source surveys { time answered_at }
indicator csat "Satisfaction" {
  kind kpi  unit "%"  better higher
  measure 100 * count(surveys where score >= 4) / count(surveys)
}
indicator answers "Answers" { kind result unit "answers" better higher measure count(surveys) }
goal band "Satisfaction in band" {
  serves keep  indicator csat  cycle monthly  owner ana
  target between 70 and 85  critical < 60
}
goal heard "Customers answer" { serves keep  indicator answers  target >= 1  cycle monthly  owner ana }
""",
    )
    report = env.evaluate(text, "2026-07-01")
    band = report_goal(report, "band")
    # 3/4 = 75 met; 9/10 = 90 above the band; 7/10 = 70 on the edge: met; April 0/0 has no
    # value; 17/20 = 85 on the edge: met; 2/4 = 50 < 60 critical.
    assert band["cycles"] == [
        report_cycle("2026-01-01", "2026-01-31", 75, "between 70 and 85", "met"),
        report_cycle("2026-02-01", "2026-02-28", 90, "between 70 and 85", "breached"),
        report_cycle("2026-03-01", "2026-03-31", 70, "between 70 and 85", "met"),
        report_cycle("2026-04-01", "2026-04-30", None, "between 70 and 85", "no_data"),
        report_cycle("2026-05-01", "2026-05-31", 85, "between 70 and 85", "met"),
        report_cycle("2026-06-01", "2026-06-30", 50, "between 70 and 85", "critical"),
        report_cycle(
            "2026-07-01", "2026-07-31", None, "between 70 and 85", "no_data", complete=False
        ),
    ]
    assert (band["status"], band["attainment"]) == ("critical", 0.5)
    heard = report_goal(report, "heard")
    assert [(c["value"], c["status"]) for c in heard["cycles"]] == [
        (4, "met"),
        (10, "met"),
        (10, "met"),
        (0, "breached"),
        (20, "met"),
        (4, "met"),
        (0, "breached"),
    ]
    assert (heard["status"], heard["attainment"]) == ("met", 0.833333)  # 5 of 6
    assert report["score"] == round((0.5 + 5 / 6) / 2, 6)


def test_rolling_window_spans_28_days_back_including_rows_before_the_period(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-11T23:00:00Z", "w": 1},  # before every window
            {"created_at": "2026-01-12T00:00:00Z", "w": 2},  # first instant of window 1
            {"created_at": "2026-01-20T12:00:00Z", "w": 4},
            {"created_at": "2026-02-03T12:00:00Z", "w": 8},
            {"created_at": "2026-02-20T12:00:00Z", "w": 16},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator weight "Weight" { kind result unit "w" better higher measure sum(tickets.w) }
goal trailing "Trailing weight" {
  serves keep  indicator weight  target >= 15  cycle weekly  window 28d  owner ana
}
""",
        period="2026-02-02 .. 2026-03-29",
    )
    report = env.evaluate(text, "2026-03-23")
    g = report_goal(report, "trailing")
    # window = [cycle end - 28 days, cycle end)
    assert g["cycles"] == [
        report_cycle("2026-02-02", "2026-02-08", 2 + 4 + 8, ">= 15", "breached"),  # Jan 12 .. Feb 8
        report_cycle("2026-02-09", "2026-02-15", 4 + 8, ">= 15", "breached"),  # Jan 19 .. Feb 15
        report_cycle("2026-02-16", "2026-02-22", 8 + 16, ">= 15", "met"),  # Jan 26 .. Feb 22
        report_cycle("2026-02-23", "2026-03-01", 8 + 16, ">= 15", "met"),  # Feb 2 .. Mar 1
        report_cycle("2026-03-02", "2026-03-08", 16, ">= 15", "met"),  # Feb 9 .. Mar 8
        report_cycle("2026-03-09", "2026-03-15", 16, ">= 15", "met"),  # Feb 16 .. Mar 15
        report_cycle("2026-03-16", "2026-03-22", None, ">= 15", "no_data"),  # Feb 23 .. Mar 22
        report_cycle("2026-03-23", "2026-03-29", None, ">= 15", "no_data", complete=False),
    ]
    assert (g["status"], g["attainment"]) == ("no_data", round(4 / 7, 6))


def test_a_window_of_days_is_local_calendar_days_and_one_of_hours_is_exact(env: Env) -> None:
    """New York's clocks go forward on Sunday 8 March 2026 and back on Sunday 1 November:
    the 7 days before Tuesday 10 March 00:00 (EDT) begin on Tuesday 3 March 00:00 (EST),
    167 hours earlier; before Tuesday 3 November 00:00 (EST), on 27 October 00:00 (EDT),
    169 hours earlier. `166h` is exactly 166 hours."""
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-03-02T23:30:00-05:00"},  # in 168 hours, not in 7 days
            {"created_at": "2026-03-03T00:30:00-05:00"},  # in 7 days, not in 166 hours
            {"created_at": "2026-03-09T12:00:00-04:00"},
            {"created_at": "2026-10-26T23:30:00-04:00"},  # just before the autumn week
            {"created_at": "2026-10-27T00:30:00-04:00"},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator n "Tickets" { kind result unit "tickets" better higher measure count(tickets) }
goal week "Last 7 days" { serves keep indicator n target >= 0 cycle daily window 7d owner ana }
goal hours "Last 166 hours" {
  serves keep indicator n target >= 0 cycle daily window 166h owner ana
}
""",
        tz="America/New_York",
    )
    report = env.evaluate(text, "2026-12-31")
    week = {c["start"]: c["value"] for c in report_goal(report, "week")["cycles"]}
    hours = {c["start"]: c["value"] for c in report_goal(report, "hours")["cycles"]}
    # The cycle of Monday 9 March ends Tuesday 10 March 00:00 EDT.
    assert (week["2026-03-09"], hours["2026-03-09"]) == (2, 1)
    # The cycle of Monday 2 November ends Tuesday 3 November 00:00 EST; its 7 days begin on
    # 27 October 00:00 EDT: the row at 00:30 that day counts, the one at 23:30 before not.
    assert week["2026-11-02"] == 1
