"""Cycles as the engine cuts them, against hand-computed figures: day, week and month
boundaries at local midnight in the plan's zone (Asia/Shanghai, New York across both
daylight-saving changes), weeks clipped to the period, and which cycles `--as-of` completes.
The data, the plan and the arithmetic of each test are written next to it; the shared
setup is in conftest.py."""

from __future__ import annotations

from datetime import date

from ...helpers import report_cycle
from .conftest import TICKETS, Env, brief, month_end, person, plan_text, report_goal

# ---------------------------------------------------------------- cycle boundaries and zones


def test_row_at_local_midnight_belongs_to_the_day_that_starts_there(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-02-28T23:59:59+08:00", "n": 1},  # before the period
            {"created_at": "2026-03-01T00:00:00+08:00", "n": 1},  # Mar 1
            {"created_at": "2026-03-01T23:59:59+08:00", "n": 1},  # Mar 1
            {"created_at": "2026-03-02T00:00:00+08:00", "n": 1},  # Mar 2
            {"created_at": "2026-03-03T00:00:00+08:00", "n": 1},  # Mar 3
            {"created_at": "2026-03-03T23:59:59+08:00", "n": 1},  # Mar 3
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal daily_volume "Enough tickets a day" {
  serves keep  indicator opened  target >= 2  cycle daily  owner ana
}
""",
        tz="Asia/Shanghai",
        period="2026-03-01 .. 2026-03-31",
    )
    report = env.evaluate(text, "2026-03-04")
    g = report_goal(report, "daily_volume")
    assert g["cycles"] == [
        report_cycle("2026-03-01", "2026-03-01", 2, ">= 2", "met"),
        report_cycle("2026-03-02", "2026-03-02", 1, ">= 2", "breached"),
        report_cycle("2026-03-03", "2026-03-03", 2, ">= 2", "met"),
        report_cycle("2026-03-04", "2026-03-04", 0, ">= 2", "breached", complete=False),
    ]
    assert (g["status"], g["attainment"]) == ("met", 0.666667)  # 2 of 3 complete days


def test_utc_timestamps_fall_into_shanghai_months_and_whole_report_shape(env: Env) -> None:
    # Asia/Shanghai is UTC+8 all year: local midnight on day D is 16:00Z on day D-1.
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2025-12-31T15:59:59Z", "n": 1},  # 2025-12-31 23:59:59 local: out
            {"created_at": "2025-12-31T16:00:00Z", "n": 1},  # Jan 1 00:00 local
            {"created_at": "2026-01-31T15:59:59Z", "n": 1},  # Jan 31 23:59:59 local
            {"created_at": "2026-01-31T16:00:00Z", "n": 1},  # Feb 1 00:00 local
            {"created_at": "2026-02-28T16:00:00Z", "n": 1},  # Mar 1 00:00 local
            {"created_at": "2026-03-15T00:00:00Z", "n": 1},  # Mar 15 08:00 local
            {"created_at": "2026-03-31T15:59:59Z", "n": 1},  # Mar 31 23:59:59 local
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
escalation esc {
  when critical   notify owner
  when breached   notify lead
}
goal volume "Enough tickets" {
  serves keep  indicator opened  cycle monthly  owner ana  lead ops  with web, sec
  target >= 2  warn < 3  critical < 1  escalation esc
}
""",
        tz="Asia/Shanghai",
    )
    report = env.evaluate(text, "2026-04-01")
    assert report["plan"] == {
        "title": "Engine test",
        "file": env.plan_path,
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "timezone": "Asia/Shanghai",
    }
    assert report["as_of"] == "2026-04-01T00:00:00+08:00"
    # Jan 2 (target holds, warn < 3 holds: warning), Feb 1 (breached), Mar 3 (met);
    # April has started and is empty: 0 < 1 is critical, but it is not complete.
    assert report["goals"] == [
        {
            "id": "volume",
            "title": "Enough tickets",
            "indicator": "opened",
            "unit": "tickets",
            "calendar": None,
            "better": "higher",
            "owner": "ana",
            "lead": "ops",
            "with": ["web", "sec"],
            "serves": "keep",
            "weight": 1,
            "cycle": "monthly",
            "status": "met",
            "attainment": 0.666667,
            "cycles": [
                report_cycle("2026-01-01", "2026-01-31", 2, ">= 2", "warning"),
                report_cycle("2026-02-01", "2026-02-28", 1, ">= 2", "breached"),
                report_cycle("2026-03-01", "2026-03-31", 3, ">= 2", "met"),
                report_cycle("2026-04-01", "2026-04-30", 0, ">= 2", "critical", complete=False),
            ],
        }
    ]
    assert report["score"] == 0.666667
    assert report["milestones"] == []
    # `when breached` (= 1 time) fires once, at February; the critical April is not complete,
    # so `when critical` does not fire.
    assert report["escalations"] == [
        {
            "key": "volume/when breached/2026-02-01",
            "subject": "volume",
            "kind": "goal",
            "rule": "when breached",
            "cycle": {"start": "2026-02-01", "end": "2026-02-28"},
            "fired_on": "2026-03-01",
            "so_far": False,
            "notify": [person("bo")],
            "runbook": None,
            "runbooks": [],
            "acknowledged": None,
        }
    ]


def test_daily_new_york_days_are_23_and_25_hours_long_across_dst(env: Env) -> None:
    # 2026-03-08: clocks go 02:00 EST -> 03:00 EDT (day runs 05:00Z .. next 04:00Z);
    # 2026-11-01: clocks go 02:00 EDT -> 01:00 EST (day runs 04:00Z .. next 05:00Z).
    # Each row weighs a distinct power of two, so a day's sum names its rows.
    rows = [
        ("2026-03-08T04:30:00Z", 1),  # Mar 7 23:30 EST
        ("2026-03-08T04:59:59Z", 2),  # Mar 7 23:59:59 EST
        ("2026-03-08T05:00:00Z", 4),  # Mar 8 00:00 EST
        ("2026-03-08T12:00:00Z", 8),  # Mar 8 08:00 EDT
        ("2026-03-09T03:30:00Z", 16),  # Mar 8 23:30 EDT (the short day)
        ("2026-03-09T04:00:00Z", 32),  # Mar 9 00:00 EDT
        ("2026-03-09T04:30:00Z", 64),  # Mar 9 00:30 EDT
        ("2026-11-01T03:30:00Z", 128),  # Oct 31 23:30 EDT
        ("2026-11-01T04:00:00Z", 256),  # Nov 1 00:00 EDT
        ("2026-11-01T05:30:00Z", 512),  # Nov 1 01:30 EDT
        ("2026-11-01T06:30:00Z", 1024),  # Nov 1 01:30 EST (the repeated hour)
        ("2026-11-02T04:30:00Z", 2048),  # Nov 1 23:30 EST (the long day)
        ("2026-11-02T05:00:00Z", 4096),  # Nov 2 00:00 EST
    ]
    env.table("tickets", "created_at", [{"created_at": t, "w": w} for t, w in rows])
    text = plan_text(
        TICKETS
        + """
indicator weight "Weight" { kind result unit "w" better higher measure sum(tickets.w) }
goal heavy "Heavy days" { serves keep  indicator weight  target >= 100  cycle daily  owner ana }
""",
        tz="America/New_York",
        period="2026-03-01 .. 2026-11-30",
    )
    report = env.evaluate(text, "2026-11-03")
    assert report["as_of"] == "2026-11-03T00:00:00-05:00"
    cycles = report_goal(report, "heavy")["cycles"]
    # Mar 1 .. Nov 3, one cycle a day: (Nov 3 - Mar 1) + 1 days.
    assert len(cycles) == (date(2026, 11, 3) - date(2026, 3, 1)).days + 1 == 248
    assert all(c["start"] == c["end"] for c in cycles)
    by_day = {c["start"]: c for c in cycles}
    assert brief([by_day[d] for d in ("2026-03-07", "2026-03-08", "2026-03-09")]) == [
        ("2026-03-07", "2026-03-07", True, 1 + 2, "breached"),
        ("2026-03-08", "2026-03-08", True, 4 + 8 + 16, "breached"),
        ("2026-03-09", "2026-03-09", True, 32 + 64, "breached"),
    ]
    assert brief([by_day[d] for d in ("2026-10-31", "2026-11-01", "2026-11-02")]) == [
        ("2026-10-31", "2026-10-31", True, 128, "met"),
        ("2026-11-01", "2026-11-01", True, 256 + 512 + 1024 + 2048, "met"),
        ("2026-11-02", "2026-11-02", True, 4096, "met"),
    ]
    # every other day has no row: sum of no rows has no value
    others = [c for d, c in by_day.items() if d not in {"2026-03-07", "2026-03-08", "2026-03-09"}]
    others = [c for c in others if c["start"] not in {"2026-10-31", "2026-11-01", "2026-11-02"}]
    assert {(c["value"], c["status"]) for c in others} == {(None, "no_data")}
    assert cycles[-1] == report_cycle(
        "2026-11-03", "2026-11-03", None, ">= 100", "no_data", complete=False
    )
    # 6 complete days with data, 3 met, out of 247 complete days
    assert report_goal(report, "heavy")["attainment"] == round(3 / 247, 6)


def test_weekly_cycles_clip_to_a_period_starting_on_a_thursday(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2025-12-31T12:00:00Z", "n": 1},  # Monday-week of Dec 29, before period
            {"created_at": "2026-01-01T00:00:00Z", "n": 1},  # Thu, week 1
            {"created_at": "2026-01-04T23:59:59Z", "n": 1},  # Sun, week 1
            {"created_at": "2026-01-05T00:00:00Z", "n": 1},  # Mon, week 2
            {"created_at": "2026-01-08T10:00:00Z", "n": 1},  # week 2
            {"created_at": "2026-01-11T23:00:00Z", "n": 1},  # week 2
            {"created_at": "2026-02-03T23:00:00Z", "n": 1},  # Tue, last day of period
            {"created_at": "2026-02-04T00:00:00Z", "n": 1},  # after the period
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal weekly_volume "Tickets a week" { serves keep  indicator opened  target >= 2  cycle weekly  owner ana }
""",
        period="2026-01-01 .. 2026-02-03",
    )
    report = env.evaluate(text, "2026-01-19")
    assert report_goal(report, "weekly_volume")["cycles"] == [
        report_cycle("2026-01-01", "2026-01-04", 2, ">= 2", "met"),
        report_cycle("2026-01-05", "2026-01-11", 3, ">= 2", "met"),
        report_cycle("2026-01-12", "2026-01-18", 0, ">= 2", "breached"),
        report_cycle("2026-01-19", "2026-01-25", 0, ">= 2", "breached", complete=False),
    ]
    assert report_goal(report, "weekly_volume")["attainment"] == 0.666667

    # after the period: every week complete, the last one clipped to Mon..Tue, nothing after
    later = report_goal(env.evaluate(text, "2026-03-01"), "weekly_volume")
    assert brief(later["cycles"]) == [
        ("2026-01-01", "2026-01-04", True, 2, "met"),
        ("2026-01-05", "2026-01-11", True, 3, "met"),
        ("2026-01-12", "2026-01-18", True, 0, "breached"),
        ("2026-01-19", "2026-01-25", True, 0, "breached"),
        ("2026-01-26", "2026-02-01", True, 0, "breached"),
        ("2026-02-02", "2026-02-03", True, 1, "breached"),
    ]
    assert (later["status"], later["attainment"]) == ("breached", 0.333333)


# ---------------------------------------------------------------- --as-of


def test_as_of_a_date_completes_the_previous_month_and_lists_the_current_one(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-05-20T00:00:00+08:00", "n": 1},
            {"created_at": "2026-06-15T00:00:00+08:00", "n": 1},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal some "Some tickets" { serves keep indicator opened target >= 1 cycle monthly owner ana }
""",
        tz="Asia/Shanghai",
    )
    months = [(f"2026-{m:02d}-01", month_end(2026, m)) for m in range(1, 8)]
    # The data begins on May 20: the months before it have no value, not a count of 0
    # (language.md, "Edge cases, decided"); they still count as not attained.
    expected_values = [None, None, None, None, 1, 1, 0]
    statuses = ["no_data"] * 4 + ["met", "met", "breached"]

    report = env.evaluate(text, "2026-07-01")
    assert report["as_of"] == "2026-07-01T00:00:00+08:00"
    g = report_goal(report, "some")
    assert brief(g["cycles"]) == [
        (s, e, m < 7, v, st)
        for (s, e), v, st, m in zip(months, expected_values, statuses, range(1, 8), strict=True)
    ]
    assert (g["status"], g["attainment"]) == ("met", round(2 / 6, 6))

    # the same instant written in UTC
    assert env.evaluate(text, "2026-06-30T16:00:00Z") == report

    # one minute earlier (local time): June is current, May is the latest complete cycle
    earlier = report_goal(env.evaluate(text, "2026-06-30T23:59"), "some")
    assert brief(earlier["cycles"]) == [
        (s, e, m < 6, v, st)
        for (s, e), v, st, m in zip(
            months[:6], expected_values[:6], statuses[:6], range(1, 7), strict=True
        )
    ]
    assert (earlier["status"], earlier["attainment"]) == ("met", 0.2)


# ---------------------------------------------------------------- before the data begins


def test_cycles_that_end_before_the_data_begins_have_no_value_count_included(env: Env) -> None:
    """language.md, "Edge cases, decided": a cycle that ends at or before the earliest row of
    every source its measure reads has no value, whatever the aggregate; inside the data's
    span a cycle without rows counts 0. The export starts on 1 March 00:00 UTC exactly, so
    February, which ends at that instant, has no value either."""
    env.table(
        "tickets",
        "created_at",
        [
            {"id": 1, "created_at": "2026-03-01T00:00:00Z", "wait": 4},
            {"id": 2, "created_at": "2026-03-20T10:00:00Z", "wait": 6},
            {"id": 3, "created_at": "2026-05-02T10:00:00Z", "wait": 8},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator volume "Tickets" { kind kpi unit "n" better higher measure count(tickets) }
indicator mixed "Tickets per survey" { kind kpi unit "n" better higher
  measure count(tickets) + count(surveys) }
source surveys { time answered_at }
goal busy "Busy" { serves keep indicator volume target >= 1 cycle monthly owner ana }
goal mixed_goal "Mixed" { serves keep indicator mixed target >= 1 cycle monthly owner ana }
"""
    )
    env.table("surveys", "answered_at", [{"id": 1, "answered_at": "2026-01-15T10:00:00Z"}])
    report = env.evaluate(text, "2026-06-01")
    assert brief(report_goal(report, "busy")["cycles"][:6]) == [
        ("2026-01-01", "2026-01-31", True, None, "no_data"),  # before the export begins
        ("2026-02-01", "2026-02-28", True, None, "no_data"),  # ends at the first row's instant
        ("2026-03-01", "2026-03-31", True, 2, "met"),
        ("2026-04-01", "2026-04-30", True, 0, "breached"),  # inside the data: no rows is 0
        ("2026-05-01", "2026-05-31", True, 1, "met"),
        ("2026-06-01", "2026-06-30", False, 0, "breached"),
    ]
    # Two sources: the data begins with the earlier one (a survey in January).
    assert [c["value"] for c in report_goal(report, "mixed_goal")["cycles"][:4]] == [1, 0, 2, 0]
