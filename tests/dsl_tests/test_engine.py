"""The evaluation engine against small data sets whose every figure was computed by hand from
the design pages (language.md: cycles, targets, `window`, progress and pace, "Status of one
cycle", attainment and score, escalation triggers, milestones; interface.md: the JSON report).

Each test writes a plan and a few rows, fills a fresh store through the CLI (`import`,
`record`, `done`), evaluates with `dsl.api.run` and compares `report.to_dict()` exactly.
The arithmetic behind each expectation is written next to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from dsl.api import run
from dsl.cli.main import cli
from dsl.language.cycles import parse_as_of
from dsl.store.database import Store

# ---------------------------------------------------------------- helpers

PEOPLE = """
person ana "Ana Alves"   { email "ana@example.com" }
person bo  "Bo Berg"     { email "bo@example.com" }
person cy  "Cy Chen"     { email "cy@example.com" }
person di  "Di Dorn"     { email "di@example.com" }
person eve "Eve Ekberg"  { email "eve@example.com" }

team ops "Operations" { lead bo }
team web "Web"        { lead cy }
team sec "Security"   { lead di }

objective keep "Keep customers"
"""

TICKETS = """
source tickets "Tickets" {
  table  tickets
  time   created_at
}
"""


def plan_text(body: str, *, tz: str = "UTC", period: str = "2026-01-01 .. 2026-12-31") -> str:
    return (
        f'plan "Engine test" {{\n  period {period}\n  timezone "{tz}"\n  owner ana\n}}\n'
        + PEOPLE
        + body
    )


def person(ident: str) -> dict[str, str]:
    names = {
        "ana": "Ana Alves",
        "bo": "Bo Berg",
        "cy": "Cy Chen",
        "di": "Di Dorn",
        "eve": "Eve Ekberg",
    }
    return {"id": ident, "name": names[ident], "email": f"{ident}@example.com"}


class Env:
    """A fresh store in tmp_path, filled through the CLI, and a way to evaluate a plan."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.db = str(tmp_path / "store.db")
        self.plan_path = str(tmp_path / "plan.goal")
        self.runner = CliRunner()
        Store.open(self.db, create=True).close()

    def _cli(self, args: list[str]) -> None:
        result = self.runner.invoke(cli, args)
        assert result.exit_code == 0, (args, result.output, result.exception)

    def table(self, name: str, time: str, rows: Iterable[Mapping[str, Any]]) -> None:
        rows = list(rows)
        path = self.dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        self._cli(["import", str(path), "--db", self.db, "--table", name, "--time", time])

    def record(self, indicator: str, value: str, at: str, tz: str) -> None:
        self._cli(["record", indicator, value, "--db", self.db, "--at", at, "--timezone", tz])

    def done(self, milestone: str, on: str) -> None:
        self._cli(["done", milestone, "--db", self.db, "--on", on])

    def evaluate(self, text: str, as_of: str) -> dict[str, Any]:
        Path(self.plan_path).write_text(text, encoding="utf-8")
        zone = ZoneInfo(_zone_of(text))
        with Store.open(self.db) as store:
            outcome = run(self.plan_path, store, parse_as_of(as_of, zone), text=text)
        assert outcome.errors == (), [str(d) for d in outcome.errors]
        assert outcome.report is not None
        return outcome.report.to_dict()


def _zone_of(text: str) -> str:
    return text.split('timezone "', 1)[1].split('"', 1)[0]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


def goal(report: dict[str, Any], ident: str) -> dict[str, Any]:
    (found,) = [g for g in report["goals"] if g["id"] == ident]
    return found


def cycle(start: str, end: str, value: Any, target: str | None, status: str, **more: Any) -> dict:
    """A cycle of a level goal as the JSON report shows it (complete unless told)."""
    return {
        "start": start,
        "end": end,
        "complete": more.get("complete", True),
        "value": value,
        "target": target,
        "expected": more.get("expected"),
        "pace": more.get("pace"),
        "status": status,
    }


def brief(cycles: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(c["start"], c["end"], c["complete"], c["value"], c["status"]) for c in cycles]


def events(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Escalation events, in a fixed order (the design does not fix one), recipients as ids."""
    found = [
        (
            e["fired_on"],
            e["subject"],
            e["rule"],
            e["kind"],
            e["cycle"] and (e["cycle"]["start"], e["cycle"]["end"]),
            sorted(p["id"] for p in e["notify"]),
            e["runbook"] and e["runbook"]["id"],
        )
        for e in report["escalations"]
    ]
    return sorted(found, key=lambda e: (e[0], e[1], e[2]))


def month_end(year: int, month: int) -> str:
    following = date(year + month // 12, month % 12 + 1, 1)
    return str(following - timedelta(days=1))


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
    g = goal(report, "daily_volume")
    assert g["cycles"] == [
        cycle("2026-03-01", "2026-03-01", 2, ">= 2", "met"),
        cycle("2026-03-02", "2026-03-02", 1, ">= 2", "breached"),
        cycle("2026-03-03", "2026-03-03", 2, ">= 2", "met"),
        cycle("2026-03-04", "2026-03-04", 0, ">= 2", "breached", complete=False),
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
                cycle("2026-01-01", "2026-01-31", 2, ">= 2", "warning"),
                cycle("2026-02-01", "2026-02-28", 1, ">= 2", "breached"),
                cycle("2026-03-01", "2026-03-31", 3, ">= 2", "met"),
                cycle("2026-04-01", "2026-04-30", 0, ">= 2", "critical", complete=False),
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
    cycles = goal(report, "heavy")["cycles"]
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
    assert cycles[-1] == cycle(
        "2026-11-03", "2026-11-03", None, ">= 100", "no_data", complete=False
    )
    # 6 complete days with data, 3 met, out of 247 complete days
    assert goal(report, "heavy")["attainment"] == round(3 / 247, 6)


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
    assert goal(report, "weekly_volume")["cycles"] == [
        cycle("2026-01-01", "2026-01-04", 2, ">= 2", "met"),
        cycle("2026-01-05", "2026-01-11", 3, ">= 2", "met"),
        cycle("2026-01-12", "2026-01-18", 0, ">= 2", "breached"),
        cycle("2026-01-19", "2026-01-25", 0, ">= 2", "breached", complete=False),
    ]
    assert goal(report, "weekly_volume")["attainment"] == 0.666667

    # after the period: every week complete, the last one clipped to Mon..Tue, nothing after
    later = goal(env.evaluate(text, "2026-03-01"), "weekly_volume")
    assert brief(later["cycles"]) == [
        ("2026-01-01", "2026-01-04", True, 2, "met"),
        ("2026-01-05", "2026-01-11", True, 3, "met"),
        ("2026-01-12", "2026-01-18", True, 0, "breached"),
        ("2026-01-19", "2026-01-25", True, 0, "breached"),
        ("2026-01-26", "2026-02-01", True, 0, "breached"),
        ("2026-02-02", "2026-02-03", True, 1, "breached"),
    ]
    assert (later["status"], later["attainment"]) == ("breached", 0.333333)


# ---------------------------------------------------------------- targets and windows


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
    g = goal(report, "quick")
    # March starts before 2026-03-15, so it is still held to <= 30; April is the first under
    # <= 20; May starts exactly on 2026-05-01 and is held to <= 10.
    assert g["cycles"] == [
        cycle("2026-01-01", "2026-01-31", 25, "<= 30", "met"),
        cycle("2026-02-01", "2026-02-28", 35, "<= 30", "breached"),
        cycle("2026-03-01", "2026-03-31", 25, "<= 30", "met"),
        cycle("2026-04-01", "2026-04-30", 25, "<= 20", "breached"),
        cycle("2026-05-01", "2026-05-31", 8, "<= 10", "met"),
        cycle("2026-06-01", "2026-06-30", None, "<= 10", "no_data", complete=False),
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
    band = goal(report, "band")
    # 3/4 = 75 met; 9/10 = 90 above the band; 7/10 = 70 on the edge: met; April 0/0 has no
    # value; 17/20 = 85 on the edge: met; 2/4 = 50 < 60 critical.
    assert band["cycles"] == [
        cycle("2026-01-01", "2026-01-31", 75, "between 70 and 85", "met"),
        cycle("2026-02-01", "2026-02-28", 90, "between 70 and 85", "breached"),
        cycle("2026-03-01", "2026-03-31", 70, "between 70 and 85", "met"),
        cycle("2026-04-01", "2026-04-30", None, "between 70 and 85", "no_data"),
        cycle("2026-05-01", "2026-05-31", 85, "between 70 and 85", "met"),
        cycle("2026-06-01", "2026-06-30", 50, "between 70 and 85", "critical"),
        cycle("2026-07-01", "2026-07-31", None, "between 70 and 85", "no_data", complete=False),
    ]
    assert (band["status"], band["attainment"]) == ("critical", 0.5)
    heard = goal(report, "heard")
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
    g = goal(report, "trailing")
    # window = [cycle end - 28 days, cycle end)
    assert g["cycles"] == [
        cycle("2026-02-02", "2026-02-08", 2 + 4 + 8, ">= 15", "breached"),  # Jan 12 .. Feb 8
        cycle("2026-02-09", "2026-02-15", 4 + 8, ">= 15", "breached"),  # Jan 19 .. Feb 15
        cycle("2026-02-16", "2026-02-22", 8 + 16, ">= 15", "met"),  # Jan 26 .. Feb 22
        cycle("2026-02-23", "2026-03-01", 8 + 16, ">= 15", "met"),  # Feb 2 .. Mar 1
        cycle("2026-03-02", "2026-03-08", 16, ">= 15", "met"),  # Feb 9 .. Mar 8
        cycle("2026-03-09", "2026-03-15", 16, ">= 15", "met"),  # Feb 16 .. Mar 15
        cycle("2026-03-16", "2026-03-22", None, ">= 15", "no_data"),  # Feb 23 .. Mar 22
        cycle("2026-03-23", "2026-03-29", None, ">= 15", "no_data", complete=False),
    ]
    assert (g["status"], g["attainment"]) == ("no_data", round(4 / 7, 6))


# ---------------------------------------------------------------- escalation


def test_streaks_fire_again_after_a_break_counts_fire_once_and_recipients_resolve(
    env: Env,
) -> None:
    values = {1: [6], 2: [4], 3: [3], 4: [2], 5: [7], 6: [0, 1], 7: [4]}  # Aug, Sep: nothing
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": f"2026-{m:02d}-{10 + i:02d}T00:00:00Z", "x": x}
            for m, xs in values.items()
            for i, x in enumerate(xs)
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure mean(tickets.x) }
runbook rb "Recovery" {
  step "Open the overflow queue" by ops within 30m
  step "Write the summary" by ana within 2d
}
escalation esc {
  when breached 2 times in a row   notify lead
  when breached 2 times            notify owner
  when breached 3 times in a row   notify di, run rb
  when critical                    notify owner, lead, team, sec, eve
  when no data 2 times in a row    notify owner
}
goal good "Good scores" {
  serves keep  indicator score  cycle monthly  owner ana  lead ops  with web
  target >= 5  critical < 1  escalation esc
}
""",
    )
    report = env.evaluate(text, "2026-10-01")
    g = goal(report, "good")
    assert [(c["start"], c["value"], c["status"], c["complete"]) for c in g["cycles"]] == [
        ("2026-01-01", 6, "met", True),
        ("2026-02-01", 4, "breached", True),
        ("2026-03-01", 3, "breached", True),
        ("2026-04-01", 2, "breached", True),
        ("2026-05-01", 7, "met", True),
        ("2026-06-01", 0.5, "critical", True),
        ("2026-07-01", 4, "breached", True),
        ("2026-08-01", None, "no_data", True),
        ("2026-09-01", None, "no_data", True),
        ("2026-10-01", None, "no_data", False),
    ]
    assert (g["status"], g["attainment"]) == ("no_data", round(2 / 9, 6))
    mar, apr = ("2026-03-01", "2026-03-31"), ("2026-04-01", "2026-04-30")
    jun = ("2026-06-01", "2026-06-30")
    jul, sep = ("2026-07-01", "2026-07-31"), ("2026-09-01", "2026-09-30")
    assert events(report) == [
        # Feb+Mar: the streak reaches 2 and the count over the period reaches 2
        ("2026-04-01", "good", "when breached 2 times", "goal", mar, ["ana"], None),
        ("2026-04-01", "good", "when breached 2 times in a row", "goal", mar, ["bo"], None),
        # Apr: the streak reaches 3 (2 in a row does not fire again at 3)
        ("2026-05-01", "good", "when breached 3 times in a row", "goal", apr, ["di"], "rb"),
        # owner ana, lead -> ops' lead bo, team -> leads of ops and web (bo, cy),
        # team sec -> its lead di, person eve; each person once
        (
            "2026-07-01",
            "good",
            "when critical",
            "goal",
            jun,
            ["ana", "bo", "cy", "di", "eve"],
            None,
        ),
        # May broke the streak; critical June counts as breached-or-worse, July makes 2 anew
        ("2026-08-01", "good", "when breached 2 times in a row", "goal", jul, ["bo"], None),
        # Aug+Sep without data; the current October does not count
        ("2026-10-01", "good", "when no data 2 times in a row", "goal", sep, ["ana"], None),
    ]
    (critical,) = [e for e in report["escalations"] if e["rule"] == "when critical"]
    assert sorted(critical["notify"], key=lambda p: p["id"]) == [
        person(p) for p in ("ana", "bo", "cy", "di", "eve")
    ]
    (with_runbook,) = [e for e in report["escalations"] if e["runbook"]]
    assert with_runbook["runbook"] == {
        "id": "rb",
        "title": "Recovery",
        "steps": [
            {"step": "Open the overflow queue", "by": "ops", "within": "30m"},
            {"step": "Write the summary", "by": "ana", "within": "2d"},
        ],
    }


def test_triggers_count_that_severity_or_worse_and_no_data_breaks_a_streak(env: Env) -> None:
    # Jan 5.5 warning, Feb 4 breached, Mar no rows, Apr 0 critical, May 0 critical, Jun 9 met
    values = {1: 5.5, 2: 4, 4: 0, 5: 0, 6: 9}
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-{m:02d}-15T00:00:00Z", "x": x} for m, x in values.items()],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure mean(tickets.x) }
escalation esc {
  when warning                     notify sec
  when warning 2 times in a row    notify owner
  when breached 2 times in a row   notify lead
  when breached 3 times            notify di
  when critical 2 times in a row   notify cy
  when no data                     notify eve
}
goal good "Good scores" {
  serves keep  indicator score  cycle monthly  owner ana  lead ops
  target >= 5  warn < 6  critical < 1  escalation esc
}
""",
    )
    report = env.evaluate(text, "2026-07-01")
    g = goal(report, "good")
    assert [c["status"] for c in g["cycles"]] == [
        "warning",
        "breached",
        "no_data",
        "critical",
        "critical",
        "met",
        "no_data",  # July, current
    ]
    assert (g["status"], g["attainment"]) == ("met", round(2 / 6, 6))
    jan, feb = ("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")
    mar = ("2026-03-01", "2026-03-31")
    may = ("2026-05-01", "2026-05-31")
    assert events(report) == [
        # `when warning` = 1 time: once, at the first warning-or-worse cycle
        ("2026-02-01", "good", "when warning", "goal", jan, ["di"], None),
        # warning then breached: two warning-or-worse cycles in a row
        ("2026-03-01", "good", "when warning 2 times in a row", "goal", feb, ["ana"], None),
        # no data counts no_data cycles only (not the critical ones), once
        ("2026-04-01", "good", "when no data", "goal", mar, ["eve"], None),
        # March's no_data broke the streaks: Apr, May make them anew
        ("2026-06-01", "good", "when breached 2 times in a row", "goal", may, ["bo"], None),
        # Feb, Apr, May: the count over the period reaches 3
        ("2026-06-01", "good", "when breached 3 times", "goal", may, ["di"], None),
        ("2026-06-01", "good", "when critical 2 times in a row", "goal", may, ["cy"], None),
        ("2026-06-01", "good", "when warning 2 times in a row", "goal", may, ["ana"], None),
    ]


def test_strict_comparators_and_thresholds_at_their_edges(env: Env) -> None:
    values = {1: 5, 2: 7, 3: 6, 4: 2, 5: 2.5}
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-{m:02d}-15T00:00:00Z", "x": x} for m, x in values.items()],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure max(tickets.x) }
goal edge "Edges" {
  serves keep  indicator score  cycle monthly  owner ana
  target > 5  warn < 7  critical <= 2
}
""",
    )
    g = goal(env.evaluate(text, "2026-06-01"), "edge")
    assert [(c["value"], c["target"], c["status"]) for c in g["cycles"]] == [
        (5, "> 5", "breached"),  # 5 > 5 does not hold
        (7, "> 5", "met"),  # 7 < 7 does not hold: no warning
        (6, "> 5", "warning"),
        (2, "> 5", "critical"),  # 2 <= 2 holds
        (2.5, "> 5", "breached"),
        (None, "> 5", "no_data"),  # June, current
    ]
    assert g["attainment"] == 0.4


def test_every_n_days_and_weeks_count_from_the_period_start(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-10T23:00:00Z", "n": 1},
            {"created_at": "2026-01-11T00:00:00Z", "n": 1},
            {"created_at": "2026-01-14T23:00:00Z", "n": 1},
            {"created_at": "2026-01-15T00:00:00Z", "n": 1},
            {"created_at": "2026-01-31T00:00:00Z", "n": 1},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal tens "Every ten days" { serves keep indicator opened target >= 1 cycle every 10 days owner ana }
goal fortnights "Every two weeks" { serves keep indicator opened target >= 2 cycle every 2 weeks owner ana }
""",
    )
    report = env.evaluate(text, "2026-02-01")
    assert brief(goal(report, "tens")["cycles"]) == [
        ("2026-01-01", "2026-01-10", True, 1, "met"),
        ("2026-01-11", "2026-01-20", True, 3, "met"),
        ("2026-01-21", "2026-01-30", True, 0, "breached"),
        ("2026-01-31", "2026-02-09", False, 1, "met"),
    ]
    # the period starts on a Thursday; `every 2 weeks` counts from it, not from Mondays
    assert brief(goal(report, "fortnights")["cycles"]) == [
        ("2026-01-01", "2026-01-14", True, 3, "met"),
        ("2026-01-15", "2026-01-28", True, 1, "breached"),
        ("2026-01-29", "2026-02-11", False, 1, "breached"),
    ]


# ---------------------------------------------------------------- progress goals and score


def test_progress_goal_expected_line_pace_and_attainment(env: Env) -> None:
    resolved_per_day = {1: 27, 2: 3, 3: 1, 4: 20}  # month -> resolved tickets, May none
    rows = [{"created_at": "2025-12-31T12:00:00Z", "status": "resolved"}]  # before the period
    for month, n in resolved_per_day.items():
        rows += [
            {"created_at": f"2026-{month:02d}-{day:02d}T10:00:00Z", "status": "resolved"}
            for day in range(1, n + 1)
        ]
    rows += [{"created_at": "2026-01-05T11:00:00Z", "status": "open"}]
    rows += [{"created_at": "2026-03-31T23:59:59Z", "status": "open"}]
    rows += [{"created_at": "2026-05-12T08:00:00Z", "status": "open"}]
    env.table("tickets", "created_at", rows)
    text = plan_text(
        TICKETS
        + """
indicator resolved "Resolved" {
  kind result  unit "tickets"  better higher
  measure count(tickets where status = "resolved")
}
goal hundred "Resolve 100" {
  serves keep  indicator resolved  cycle monthly  owner ana  baseline 20
  target >= 100 by 2026-12-31  warn pace < 100  critical pace < 80
}
goal yearly_146 "Resolve 146" {
  serves keep  indicator resolved  cycle monthly  owner ana
  target >= 146 by 2026-12-31  warn pace < 110  critical pace < 80
}
""",
    )
    report = env.evaluate(text, "2026-06-01")
    total = 365  # 2026-01-01 .. end of 2026-12-31
    elapsed = [31, 59, 90, 120, 151]  # days from Jan 1 to the end of Jan .. May
    actual = [27, 30, 31, 51, 51]  # accumulated from the period start

    def check(ident: str, baseline: float, target: float, statuses: list[str]) -> None:
        g = goal(report, ident)
        assert len(g["cycles"]) == 6
        complete, current = g["cycles"][:5], g["cycles"][5]
        for c, days, value, status, month in zip(
            complete, elapsed, actual, statuses, range(1, 6), strict=True
        ):
            expected = baseline + (target - baseline) * days / total
            assert (c["start"], c["end"]) == (f"2026-{month:02d}-01", month_end(2026, month))
            assert c["complete"] is True
            assert c["value"] == value
            assert c["target"] == f">= {target} by 2026-12-31"
            assert c["expected"] == pytest.approx(expected, abs=2e-6)
            assert c["pace"] == pytest.approx(value / expected * 100, abs=2e-6)
            assert c["status"] == status, (ident, month)
        # June has started: listed, not complete, holding the total so far
        assert (current["start"], current["end"], current["complete"], current["value"]) == (
            "2026-06-01",
            "2026-06-30",
            False,
            51,
        )
        assert current["target"] == f">= {target} by 2026-12-31"

    # baseline 20: expected 26.79, 32.93, 39.73, 46.30, 53.10
    # pace 100.77 met, 91.10 breached, 78.03 critical, 110.15 met, 96.05 breached
    check("hundred", 20, 100, ["met", "breached", "critical", "met", "breached"])
    # baseline 0: expected 0.4 x days = 12.4, 23.6, 36, 48, 60.4
    # pace 217.74 met, 127.12 met, 86.11 breached, 106.25 warning, 84.44 breached
    check("yearly_146", 0, 146, ["met", "met", "breached", "warning", "breached"])
    assert goal(report, "yearly_146")["cycles"][3]["pace"] == 106.25
    assert goal(report, "yearly_146")["cycles"][2]["expected"] == 36
    # attainment: actual / target at the last complete cycle (May: 51)
    assert (goal(report, "hundred")["status"], goal(report, "hundred")["attainment"]) == (
        "breached",
        0.51,
    )
    assert goal(report, "yearly_146")["attainment"] == round(51 / 146, 6) == 0.349315
    assert report["score"] == round((0.51 + 51 / 146) / 2, 6)


def test_progress_attainment_is_capped_at_one(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-01-{d:02d}T00:00:00Z", "n": 1} for d in range(1, 6)],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal few "Three by June" {
  serves keep indicator opened target >= 3 by 2026-06-30 cycle monthly owner ana
}
""",
    )
    g = goal(env.evaluate(text, "2026-02-01"), "few")
    # Jan: 5 against 3 x 31/181; 5/3 of the target is capped to 1
    assert g["cycles"][0]["expected"] == round(3 * 31 / 181, 6)
    assert (g["status"], g["attainment"]) == ("met", 1)


def test_progress_expected_of_the_current_cycle_is_at_the_end_of_that_cycle(env: Env) -> None:
    env.table("tickets", "created_at", [{"created_at": "2026-01-10T00:00:00Z", "n": 1}])
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal days "One a day" {
  serves keep indicator opened target >= 365 by 2026-12-31 cycle monthly owner ana
}
""",
    )
    june = goal(env.evaluate(text, "2026-06-01"), "days")["cycles"][-1]
    # 365 by the end of the year: expected = elapsed days; June ends after 181 days
    assert (june["start"], june["complete"], june["value"]) == ("2026-06-01", False, 1)
    assert june["expected"] == 181
    assert june["pace"] == round(1 / 181 * 100, 6)


def test_plan_score_is_weighted_over_goals_with_a_complete_cycle(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T00:00:00Z", "n": 1},
            {"created_at": "2026-01-20T00:00:00Z", "n": 1},
            {"created_at": "2026-02-10T00:00:00Z", "n": 1},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal two   "Two a month"  { serves keep indicator opened target >= 2 cycle monthly owner ana weight 3 }
goal one   "One a month"  { serves keep indicator opened target >= 1 cycle monthly owner ana }
goal year  "One a year"   { serves keep indicator opened target >= 1 cycle yearly  owner ana weight 5 }
goal ten   "Ten by Dec"   { serves keep indicator opened target >= 10 by 2026-12-31 cycle monthly owner ana weight 2 }
""",
    )
    report = env.evaluate(text, "2026-03-01")
    got = {g["id"]: (g["weight"], g["status"], g["attainment"]) for g in report["goals"]}
    assert got == {
        "two": (3, "breached", 0.5),  # Jan 2 met, Feb 1 breached
        "one": (1, "met", 1),  # Jan, Feb met
        "year": (5, "no_data", None),  # its only cycle is not complete
        "ten": (2, "met", 0.3),  # 3 accumulated of 10
    }
    assert goal(report, "year")["cycles"] == [
        cycle("2026-01-01", "2026-12-31", 3, ">= 1", "met", complete=False)
    ]
    # progress "ten": Jan 2 vs 10*31/365 = 0.85, Feb 3 vs 10*59/365 = 1.62
    assert [c["expected"] for c in goal(report, "ten")["cycles"][:2]] == [
        round(10 * 31 / 365, 6),
        round(10 * 59 / 365, 6),
    ]
    # (3*0.5 + 1*1 + 2*0.3) / (3 + 1 + 2); "year" has no complete cycle and is left out
    assert report["score"] == round(3.1 / 6, 6) == 0.516667

    # before any cycle is complete there is no score
    early = env.evaluate(text, "2026-01-15")
    assert early["score"] is None
    assert {g["id"]: g["attainment"] for g in early["goals"]} == dict.fromkeys(
        ("two", "one", "year", "ten")
    )


# ---------------------------------------------------------------- milestones


MILESTONES = """
escalation late {
  when in buffer  notify owner
  when overdue    notify lead, di
}
milestone m_done      "Done on time"        { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_late      "Done late"           { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_open      "Not yet due"         { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_open_done "Done after as-of"    { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_today     "Done on as-of day"   { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_buffer    "In its buffer"       { due 2026-06-10 buffer 2w  owner ana lead ops serves keep escalation late }
milestone m_overdue   "Past its buffer"     { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_future    "Overdue, done later" { due 2026-06-10 buffer 7d  owner ana lead ops serves keep escalation late }
"""


def test_milestone_statuses_and_their_escalations(env: Env) -> None:
    env.done("m_done", "2026-05-31")
    env.done("m_late", "2026-06-05")
    env.done("m_open_done", "2026-06-25")  # after the evaluation date: not done yet
    env.done("m_today", "2026-06-20")  # on the evaluation date: counts
    env.done("m_future", "2026-06-25")  # after the evaluation date: not done yet
    report = env.evaluate(plan_text(MILESTONES, tz="Asia/Shanghai"), "2026-06-20")
    got = {
        m["id"]: (m["due"], m["buffer_days"], m["done_on"], m["status"])
        for m in report["milestones"]
    }
    assert got == {
        "m_done": ("2026-05-31", 14, "2026-05-31", "done"),
        "m_late": ("2026-05-31", 14, "2026-06-05", "late"),
        "m_open": ("2026-06-30", 0, None, "open"),
        "m_open_done": ("2026-06-30", 0, None, "open"),
        "m_today": ("2026-06-30", 0, "2026-06-20", "done"),
        "m_buffer": ("2026-06-10", 14, None, "in_buffer"),  # Jun 10 < Jun 20 <= Jun 24
        "m_overdue": ("2026-05-31", 14, None, "overdue"),  # Jun 20 > Jun 14
        "m_future": ("2026-06-10", 7, None, "overdue"),  # Jun 20 > Jun 17
    }
    (m_done,) = [m for m in report["milestones"] if m["id"] == "m_done"]
    assert m_done == {
        "id": "m_done",
        "title": "Done on time",
        "due": "2026-05-31",
        "buffer_days": 14,
        "done_on": "2026-05-31",
        "status": "done",
        "owner": "ana",
    }
    assert report["goals"] == []
    assert report["score"] is None
    assert events(report) == [
        # in buffer on the day after due; the later completion (Jun 5) does not undo it
        ("2026-06-01", "m_late", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-01", "m_overdue", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-11", "m_buffer", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-11", "m_future", "when in buffer", "milestone", None, ["ana"], None),
        # overdue on the day after due + buffer: May 31 + 14 = Jun 14; Jun 10 + 7 = Jun 17
        ("2026-06-15", "m_overdue", "when overdue", "milestone", None, ["bo", "di"], None),
        ("2026-06-18", "m_future", "when overdue", "milestone", None, ["bo", "di"], None),
    ]


def test_milestone_without_buffer_is_overdue_the_day_after_due(env: Env) -> None:
    text = plan_text(
        """
escalation late {
  when in buffer  notify owner
  when overdue    notify lead
}
milestone ship "Ship" { due 2026-06-19 owner ana lead ops serves keep escalation late }
""",
    )
    on_due = env.evaluate(text, "2026-06-19")
    assert [m["status"] for m in on_due["milestones"]] == ["open"]
    assert on_due["escalations"] == []
    after = env.evaluate(text, "2026-06-20")
    assert [m["status"] for m in after["milestones"]] == ["overdue"]
    # no day is ever "in buffer"; overdue fires on its first day, the evaluation day itself
    assert events(after) == [
        ("2026-06-20", "ship", "when overdue", "milestone", None, ["bo"], None)
    ]


# ---------------------------------------------------------------- recorded indicators


def test_recorded_indicators_aggregate_last_by_time_and_mean_by_default(env: Env) -> None:
    tz = "Asia/Shanghai"
    env.record("nps", "30", "2026-01-10T09:00:00+08:00", tz)
    env.record("nps", "42", "2026-01-31T23:00:00+08:00", tz)  # Jan 31 local: last of January
    env.record("nps", "10", "2026-02-15T12:00:00+08:00", tz)
    env.record("nps", "50", "2026-02-01T00:00:00+08:00", tz)  # recorded later, earlier in time
    env.record("nps", "99", "2026-02-28T16:30:00Z", tz)  # Mar 1 00:30 local
    env.record("nps", "20", "2026-03-31", tz)  # a date: local midnight, Mar 31
    for value, at in [("3", "2026-01-05"), ("4", "2026-01-06"), ("8", "2026-01-31T23:59:00")]:
        env.record("mood", value, at, tz)
    env.record("mood", "2", "2026-02-14", tz)
    env.record("mood", "6", "2026-03-01", tz)
    text = plan_text(
        """
indicator nps "Net promoter score" { kind kpi unit "pt" better higher aggregate last }
indicator mood "Team mood" { kind kpi unit "pt" better higher }
goal promoters "Promoters" { serves keep indicator nps  target >= 40 cycle monthly owner ana }
goal morale    "Morale"    { serves keep indicator mood target >= 4  cycle monthly owner ana }
""",
        tz=tz,
    )
    report = env.evaluate(text, "2026-04-01")
    assert goal(report, "promoters")["cycles"] == [
        cycle("2026-01-01", "2026-01-31", 42, ">= 40", "met"),
        cycle("2026-02-01", "2026-02-28", 10, ">= 40", "breached"),  # Feb 15 is the latest
        cycle("2026-03-01", "2026-03-31", 20, ">= 40", "breached"),  # Mar 31 after Mar 1
        cycle("2026-04-01", "2026-04-30", None, ">= 40", "no_data", complete=False),
    ]
    assert goal(report, "morale")["cycles"] == [
        cycle("2026-01-01", "2026-01-31", 5, ">= 4", "met"),  # (3 + 4 + 8) / 3
        cycle("2026-02-01", "2026-02-28", 2, ">= 4", "breached"),
        cycle("2026-03-01", "2026-03-31", 6, ">= 4", "met"),
        cycle("2026-04-01", "2026-04-30", None, ">= 4", "no_data", complete=False),
    ]


# ---------------------------------------------------------------- percentiles


def test_percentiles_interpolate_between_closest_ranks(env: Env) -> None:
    january = [7, 3, 10, 1, 9, 2, 8, 5, 4, 6]  # 1..10, shuffled
    february = [4, 1, 3, 10]
    rows = [{"created_at": f"2026-01-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(january)]
    rows += [
        {"created_at": f"2026-02-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(february)
    ]
    rows += [{"created_at": "2026-03-15T00:00:00Z", "v": 7}]
    env.table("tickets", "created_at", rows)
    measures = {
        "p90": "p90(tickets.v)",
        "p75": "p75(tickets.v)",
        "p95": "p95(tickets.v)",
        "p99": "p99(tickets.v)",
        "p50": "p50(tickets.v)",
        "med": "median(tickets.v)",
        "p90low": "p90(tickets.v where v <= 5)",
    }
    body = TICKETS
    for ident, measure in measures.items():
        body += (
            f'indicator i_{ident} "{ident}" {{ kind process unit "min" better lower measure {measure} }}\n'
            f'goal {ident} "{ident}" {{ serves keep indicator i_{ident} target <= 8 cycle monthly owner ana }}\n'
        )
    report = env.evaluate(plan_text(body), "2026-05-01")
    values = {ident: [c["value"] for c in goal(report, ident)["cycles"]] for ident in measures}
    # rank = q * (n - 1) over the sorted values, interpolated linearly
    assert values == {
        # Jan: 0.9*9 = 8.1 -> 9 + 0.1; Feb [1,3,4,10]: 0.9*3 = 2.7 -> 4 + 0.7*6
        "p90": [9.1, 8.2, 7, None, None],
        # Jan: 0.75*9 = 6.75 -> 7.75; Feb: 0.75*3 = 2.25 -> 4 + 0.25*6
        "p75": [7.75, 5.5, 7, None, None],
        # Jan: 0.95*9 = 8.55 -> 9.55; Feb: 0.95*3 = 2.85 -> 4 + 0.85*6
        "p95": [9.55, 9.1, 7, None, None],
        # Jan: 0.99*9 = 8.91 -> 9.91; Feb: 0.99*3 = 2.97 -> 4 + 0.97*6
        "p99": [9.91, 9.82, 7, None, None],
        # even counts: mean of the two middle values
        "p50": [5.5, 3.5, 7, None, None],
        "med": [5.5, 3.5, 7, None, None],
        # Jan rows with v <= 5 are 1..5: 0.9*4 = 3.6 -> 4.6; Feb [1,3,4]: 0.9*2 = 1.8 -> 3.8;
        # March's 7 is filtered out: no rows, no value
        "p90low": [4.6, 3.8, None, None, None],
    }
    assert [c["status"] for c in goal(report, "p90")["cycles"]] == [
        "breached",
        "breached",
        "met",
        "no_data",
        "no_data",
    ]


def test_percentiles_skip_empty_cells_and_a_cycle_of_only_empty_cells_has_no_value(
    env: Env,
) -> None:
    january = [7, None, 3, 10, 1, None, 9, 2, 8, 5, 4, 6]  # 1..10 and two empty cells
    rows = [{"created_at": f"2026-01-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(january)]
    rows += [
        {"created_at": "2026-02-10T00:00:00Z", "v": None},
        {"created_at": "2026-03-10T00:00:00Z", "v": 2.5},
    ]
    env.table("tickets", "created_at", rows)
    body = TICKETS + (
        'indicator i_slow "p90" { kind process unit "min" better lower measure p90(tickets.v) }\n'
        'goal slow "p90" { serves keep indicator i_slow target <= 8 cycle monthly owner ana }\n'
    )
    report = env.evaluate(plan_text(body), "2026-04-01")
    cycles = goal(report, "slow")["cycles"]
    assert [(c["value"], c["status"]) for c in cycles[:3]] == [
        (9.1, "breached"),
        (None, "no_data"),  # February's one row is empty
        (2.5, "met"),
    ]


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
    expected_values = [0, 0, 0, 0, 1, 1, 0]
    statuses = ["breached"] * 4 + ["met", "met", "breached"]

    report = env.evaluate(text, "2026-07-01")
    assert report["as_of"] == "2026-07-01T00:00:00+08:00"
    g = goal(report, "some")
    assert brief(g["cycles"]) == [
        (s, e, m < 7, v, st)
        for (s, e), v, st, m in zip(months, expected_values, statuses, range(1, 8), strict=True)
    ]
    assert (g["status"], g["attainment"]) == ("met", round(2 / 6, 6))

    # the same instant written in UTC
    assert env.evaluate(text, "2026-06-30T16:00:00Z") == report

    # one minute earlier (local time): June is current, May is the latest complete cycle
    earlier = goal(env.evaluate(text, "2026-06-30T23:59"), "some")
    assert brief(earlier["cycles"]) == [
        (s, e, m < 6, v, st)
        for (s, e), v, st, m in zip(
            months[:6], expected_values[:6], statuses[:6], range(1, 7), strict=True
        )
    ]
    assert (earlier["status"], earlier["attainment"]) == ("met", 0.2)


def test_breakdown_reports_the_value_per_value_of_the_column(env: Env) -> None:
    rows = [
        {"created_at": "2026-01-05T00:00:00Z", "channel": "phone", "score": 5},
        {"created_at": "2026-01-06T00:00:00Z", "channel": "phone", "score": 2},
        {"created_at": "2026-01-07T00:00:00Z", "channel": "email", "score": 4},
        {"created_at": "2026-01-08T00:00:00Z", "channel": "", "score": 1},
        {"created_at": "2026-02-03T00:00:00Z", "channel": "email", "score": 3},
    ]
    env.table("tickets", "created_at", rows)
    body = TICKETS + (
        'indicator happy "Happy" { kind kpi unit "%" better higher breakdown channel\n'
        "  measure 100 * count(tickets where score >= 4) / count(tickets) }\n"
        'goal g "G" { serves keep indicator happy target >= 50 cycle monthly owner ana }\n'
        'goal plain "P" { serves keep indicator i target >= 0 cycle monthly owner ana }\n'
        'indicator i "I" { kind kpi unit "n" better higher measure count(tickets) }\n'
    )
    report = env.evaluate(plan_text(body), "2026-03-01")
    cycles = goal(report, "g")["cycles"]
    # January: 2 of 4 happy overall; phone 1 of 2, email 1 of 1, no channel 0 of 1.
    assert [(c["value"], c["breakdown"]) for c in cycles] == [
        (50, {"(none)": 0, "email": 100, "phone": 50}),
        (0, {"email": 0}),
        (None, {}),
    ]
    assert "breakdown" not in goal(report, "plain")["cycles"][0]
