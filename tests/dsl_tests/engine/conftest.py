"""The evaluation engine against small data sets whose every figure was computed by hand from
the design pages (language.md: cycles, targets, `window`, progress and pace, "Status of one
cycle", attainment and score, escalation triggers, milestones; interface.md: the JSON report).

Each test writes a plan and a few rows, fills a fresh store through the CLI (`import`,
`record`, `done`), evaluates with `dsl.api.run` and compares `report.to_dict()` exactly.
The arithmetic behind each expectation is written next to it. Every test runs three times:
on a SQLite file, on a real PostgreSQL (tests/postgres.py) and on a DuckDB file, with the
same expectations.

This conftest holds what every test of the engine shares: the people of the test plans,
`plan_text` around a body of declarations, the `env` fixture (a fresh store and a way to
evaluate), and ways to pick out a goal, cycles and events of a report. A cycle as the
report shows it is `report_cycle` of tests/helpers.py.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dsl.api import run
from dsl.language.cycles import parse_as_of
from dsl.store.database import Store

from ...helpers import goalline
from ...postgres import emptied

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

    def __init__(self, tmp_path: Path, db: str) -> None:
        self.dir = tmp_path
        self.db = db
        self.plan_path = str(tmp_path / "plan.goal")
        Store.open(self.db, create=True).close()

    def _cli(self, args: list[str]) -> None:
        result = goalline(*args)
        assert result.exit_code == 0, (args, result.output, result.exception)

    def table(self, name: str, time: str, rows: Iterable[Mapping[str, Any]], *times: str) -> None:
        """Import `rows` as table `name`, `time` and `times` read as times."""
        rows = list(rows)
        path = self.dir / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        more = [arg for column in times for arg in ("--time", column)]
        self._cli(["import", str(path), "--db", self.db, "--table", name, "--time", time, *more])

    def record(self, indicator: str, value: str, at: str, tz: str) -> None:
        self._cli(["record", indicator, value, "--db", self.db, "--at", at, "--timezone", tz])

    def done(self, milestone: str, on: str) -> None:
        self._cli(["done", milestone, "--db", self.db, "--on", on])

    def evaluate(self, text: str, as_of: str, *, rows: bool = False) -> dict[str, Any]:
        """The JSON report; without `rows`, its cycles leave out what each aggregate read
        (tests/cli_tests/evaluate and test_real_exports check that), so that each test
        here compares the figures it is about."""
        Path(self.plan_path).write_text(text, encoding="utf-8")
        zone = ZoneInfo(_zone_of(text))
        with Store.open(self.db) as store:
            outcome = run(self.plan_path, store, parse_as_of(as_of, zone), text=text, rows=rows)
        assert outcome.errors == (), [str(d) for d in outcome.errors]
        assert outcome.report is not None
        report = outcome.report.to_dict()
        if not rows:
            for goal in report["goals"]:
                for cycle in goal["cycles"]:
                    cycle.pop("rows", None)
        return report


def _zone_of(text: str) -> str:
    return text.split('timezone "', 1)[1].split('"', 1)[0]


@pytest.fixture(params=["sqlite", "postgres", "duckdb"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Env:
    if request.param == "postgres":
        return Env(tmp_path, emptied(request.getfixturevalue("postgres_url"), "engine"))
    return Env(tmp_path, str(tmp_path / ("store.db" if request.param == "sqlite" else "s.duckdb")))


def report_goal(report: dict[str, Any], ident: str) -> dict[str, Any]:
    (found,) = [g for g in report["goals"] if g["id"] == ident]
    return found


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
