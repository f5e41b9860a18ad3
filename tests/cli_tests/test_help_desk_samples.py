"""The help-desk samples as a user meets them: a Zendesk ticket export and a Jira Service
Management issue export (sample-plans/data/, written by its make_exports.py), each imported
as it comes with one `goalline import ... --plan` command, checked against the store and
evaluated. The figures of the report are computed here again from the CSV rows with plain
Python (csv, datetime), as of 2023-10-01, when the whole quarter is complete:

    Zendesk (Europe/Berlin)            July        August      September
    satisfied        good/(good+bad)   84.210526   74.074074   89.189189   %
    solve_quickly    median h to solve 24.46125    72.708194   42.080833
    urgent_first     p90 business min  110         286.8       137.8
    solved_for_good  reopened/solved   8.823529    10.909091   7.692308    %
    reply_fast       p90 business min, weekly: 0, 173, 227.2, ..., 223.8

    Jira (America/New_York)            July        August      September
    respond_fast     p90 min           317.8       191.5       304.2
    rated_well       4 or 5 / rated    48.571429   81.818182   79.411765   %
    restore_fast     mean h, incidents 48.073438   20.448958   34.561806
    few_incidents    incidents, weekly: 3, 9, 7, 8, 5, 3, 4, 6, 3, 1, 8, 6, 7, 6
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import re
import shlex
import shutil
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dsl.language.parse import parse_text

from ..helpers import FIXTURES, REPO, goalline, query

SAMPLES = REPO / "sample-plans"
DATA = SAMPLES / "data"
README = REPO / "README.md"
COMMANDS = REPO / "docs" / "commands.md"
AS_OF = "2023-10-01"
QUARTER_START = date(2023, 7, 1)

ZENDESK_CSV = "sample-plans/data/zendesk-tickets.csv"
ZENDESK_PLAN = "sample-plans/zendesk.goal"
ZENDESK_TABLE = "Zendesk tickets"
BERLIN = ZoneInfo("Europe/Berlin")

JIRA_CSV = "sample-plans/data/jira-service-management.csv"
JIRA_PLAN = "sample-plans/jira-service-management.goal"
JIRA_TABLE = "Jira issues"
NEW_YORK = ZoneInfo("America/New_York")

Row = dict[str, str]

# The statuses of the weekly goals, from the week of Saturday 1 July to that of 25 September.
REPLY_FAST_WEEKS = [
    "met", "met", "warning", "warning", "met", "critical", "critical", "breached", "critical",
    "breached", "breached", "breached", "breached", "warning",
]  # fmt: skip
FEW_INCIDENTS_WEEKS = [
    "met", "breached", "breached", "breached", "met", "met", "met", "warning", "met", "met",
    "breached", "warning", "breached", "warning",
]  # fmt: skip


def make_exports() -> ModuleType:
    """sample-plans/data/make_exports.py, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location("make_exports", DATA / "make_exports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def samples(workdir: Path) -> Path:
    """The sample-plans folder copied into the current folder, so that the commands read as
    a user types them in a checkout."""
    shutil.copytree(SAMPLES, workdir / "sample-plans")
    return workdir


# ---------------------------------------------------------------- reading the rows here


def zendesk_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


_JIRA_TIME = re.compile(r"(\d\d)/([A-Z][a-z]{2})/(\d\d) (\d{1,2}):(\d\d) ([AP]M)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def jira_time(text: str) -> datetime:
    """`01/Jul/23 2:32 PM`, read by hand rather than with the strptime codes of the plan."""
    found = _JIRA_TIME.fullmatch(text)
    assert found is not None, text
    day, month, year, hour, minute, noon = found.groups()
    clock = int(hour) % 12 + (12 if noon == "PM" else 0)
    return datetime(2000 + int(year), _MONTHS.index(month) + 1, int(day), clock, int(minute))


def hours(start: datetime, end: datetime, zone: ZoneInfo) -> float:
    """Hours between two local times of `zone`, as instants."""
    return (end.replace(tzinfo=zone).timestamp() - start.replace(tzinfo=zone).timestamp()) / 3600


def desk_hours(start: datetime, end: datetime) -> float:
    """Hours from one local time to another that fall on a weekday from 08:00 to 18:00, the
    desk's hours in zendesk.goal, walked day by day (no daylight-saving change falls in the
    quarter, so local hours are hours)."""
    total = 0.0
    day = datetime(start.year, start.month, start.day)
    while day < end:
        if day.weekday() < 5:
            opened = max(start, day + timedelta(hours=8))
            closed = min(end, day + timedelta(hours=18))
            total += max(0.0, (closed - opened).total_seconds())
        day += timedelta(days=1)
    return total / 3600


def month_of(moment: datetime) -> str:
    return f"{moment:%Y-%m}-01"


def week_of(moment: datetime) -> str:
    """The start of the weekly cycle: Monday, or the first day of the period."""
    return str(max(moment.date() - timedelta(days=moment.weekday()), QUARTER_START))


def percentile(values: list[float], p: int) -> float:
    """Linear interpolation between the closest ranks, as numpy and PERCENTILE.INC."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def per_cycle(
    rows: list[Row],
    cycle: Callable[[Row], str],
    value: Callable[[list[Row]], float | None],
) -> dict[str, float | None]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[cycle(row)].append(row)
    return {start: value(group) for start, group in groups.items()}


def share(
    part: Callable[[Row], bool], whole: Callable[[Row], bool]
) -> Callable[[list[Row]], float]:
    return lambda rows: 100 * sum(map(part, rows)) / sum(map(whole, rows))


def zendesk_figures(rows: list[Row]) -> dict[str, dict[str, float | None]]:
    def month(row: Row) -> str:
        return month_of(zendesk_time(row["Created at"]))

    def week(row: Row) -> str:
        return week_of(zendesk_time(row["Created at"]))

    def business_reply_p90(rows: list[Row]) -> float:
        column = "First reply time in minutes within business hours"
        return percentile([float(r[column]) for r in rows if r[column]], 90)

    def solved(row: Row) -> bool:
        return row["Status"] in ("solved", "closed")

    def solve_hours(rows: list[Row]) -> float:
        return percentile(
            [
                hours(zendesk_time(r["Created at"]), zendesk_time(r["Solved at"]), BERLIN)
                for r in rows
                if solved(r)
            ],
            50,
        )

    def urgent(rows: list[Row]) -> list[Row]:
        return [r for r in rows if r["Priority"] in ("urgent", "high")]

    return {
        "reply_fast": per_cycle(rows, week, business_reply_p90),
        "urgent_first": per_cycle(urgent(rows), month, business_reply_p90),
        "satisfied": per_cycle(
            rows,
            month,
            share(
                lambda r: r["Satisfaction Score"] == "Good",
                lambda r: r["Satisfaction Score"] in ("Good", "Bad"),
            ),
        ),
        "solve_quickly": per_cycle(rows, month, solve_hours),
        "solve_in_desk_hours": per_cycle(
            rows,
            month,
            lambda rows: percentile(
                [
                    desk_hours(zendesk_time(r["Created at"]), zendesk_time(r["Solved at"]))
                    for r in rows
                    if solved(r)
                ],
                50,
            ),
        ),
        "solved_for_good": per_cycle(
            rows, month, share(lambda r: solved(r) and int(r["Reopens"]) > 0, solved)
        ),
    }


def jira_figures(rows: list[Row]) -> dict[str, dict[str, float | None]]:
    def month(row: Row) -> str:
        return month_of(jira_time(row["Created"]))

    def week(row: Row) -> str:
        return week_of(jira_time(row["Created"]))

    def response_p90(rows: list[Row]) -> float:
        column = "Custom field (Time to first response)"
        return percentile([float(r[column]) for r in rows if r[column]], 90)

    def restore_hours(rows: list[Row]) -> float:
        taken = [
            hours(jira_time(r["Created"]), jira_time(r["Resolved"]), NEW_YORK)
            for r in rows
            if r["Issue Type"] == "Incident" and r["Status"] in ("Resolved", "Closed")
        ]
        return sum(taken) / len(taken)

    rating = "Custom field (Satisfaction)"
    return {
        "respond_fast": per_cycle(rows, month, response_p90),
        "rated_well": per_cycle(
            rows,
            month,
            share(lambda r: r[rating] != "" and int(r[rating]) >= 4, lambda r: r[rating] != ""),
        ),
        "restore_fast": per_cycle(rows, month, restore_hours),
        "few_incidents": per_cycle(
            rows, week, lambda rows: sum(r["Issue Type"] == "Incident" for r in rows)
        ),
    }


def reported(plan: str, db: str) -> dict[str, list[tuple[str, Any, str]]]:
    """Each goal's cycles as `evaluate --as-of` reports them: start, value, status."""
    result = goalline("evaluate", plan, "--db", db, "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    return {
        goal["id"]: [(c["start"], c["value"], c["status"]) for c in goal["cycles"]]
        for goal in report["goals"]
    }


def values(cycles: list[tuple[str, Any, str]]) -> list[Any]:
    return [value for _, value, _ in cycles]


def assert_figures(cycles: list[tuple[str, Any, str]], figures: dict[str, float | None]) -> None:
    """The report's value of every cycle is the figure computed here, rounded to 6 decimals
    as the report rounds: within half a unit of the sixth decimal, because a mean of whole
    minutes can fall exactly halfway (48.0734375 h), where the last digit depends on the
    order of the float additions."""
    expected = [figures.get(start) for start, _, _ in cycles]
    assert None not in expected
    assert values(cycles) == pytest.approx(expected, rel=0, abs=5e-7 + 1e-12)


# ---------------------------------------------------------------- the exports


def test_the_committed_exports_are_what_the_script_writes(tmp_path: Path) -> None:
    written = make_exports().write_exports(tmp_path)
    assert [path.name for path in written] == [
        "zendesk-tickets.csv",
        "jira-service-management.csv",
    ]
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), path.name


def test_the_exports_come_as_the_products_write_them() -> None:
    zendesk_bytes = (DATA / "zendesk-tickets.csv").read_bytes()
    jira_bytes = (DATA / "jira-service-management.csv").read_bytes()
    zendesk, jira = (
        read_rows(DATA / "zendesk-tickets.csv"),
        read_rows(DATA / "jira-service-management.csv"),
    )

    assert list(zendesk[0]) == [
        "Id", "Requester", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via",
        "Ticket type", "Created at", "Updated at", "Solved at", "Satisfaction Score", "Reopens",
        "Replies", "First reply time in minutes",
        "First reply time in minutes within business hours", "Full resolution time in minutes",
        "Full resolution time in minutes within business hours",
    ]  # fmt: skip
    assert list(jira[0]) == [
        "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key",
        "Project name", "Priority", "Resolution", "Assignee", "Reporter", "Created", "Updated",
        "Resolved", "Description", "Custom field (Request Type)", "Custom field (Satisfaction)",
        "Custom field (Time to first response)",
    ]  # fmt: skip
    assert (len(zendesk), len(jira)) == (318, 246)
    assert max(len(zendesk_bytes), len(jira_bytes)) < 150_000

    # CRLF ends the Zendesk lines (a line break inside a quoted field stays LF), LF the Jira.
    assert zendesk_bytes.count(b"\r\n") == 1 + len(zendesk)
    assert b"\r" not in jira_bytes
    assert sum("\n" in r["Subject"] for r in zendesk) == 2
    assert sum("\n" in r["Description"] for r in jira) > 0
    assert any('"' in r["Subject"] and "," in r["Subject"] for r in zendesk)

    # Three months, in no order; open tickets without a solve time.
    zendesk_created = [zendesk_time(r["Created at"]) for r in zendesk]
    jira_created = [jira_time(r["Created"]) for r in jira]
    for created in (zendesk_created, jira_created):
        assert sorted({m.month for m in created}) == [7, 8, 9]
        assert created != sorted(created)
    assert {r["Status"] for r in zendesk if not r["Solved at"]} == {"new", "open", "pending"}
    assert all(not r["Full resolution time in minutes"] for r in zendesk if not r["Solved at"])
    assert {r["Status"] for r in jira if not r["Resolved"]} == {
        "Waiting for support",
        "Waiting for customer",
        "In Progress",
    }


# ---------------------------------------------------------------- Zendesk


def test_the_zendesk_export_imports_with_one_command_and_its_plan_gives_its_figures(
    samples: Path,
) -> None:
    result = goalline("import", ZENDESK_CSV, "--db", "zendesk.db", "--table", ZENDESK_TABLE,
                      "--plan", ZENDESK_PLAN)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "imported 318 rows into Zendesk tickets (zendesk.db)\n"
        "15 of 318 rows of Zendesk tickets have no `Solved at`\n"
    )
    rows = read_rows(samples / ZENDESK_CSV)
    assert sum(not r["Solved at"] for r in rows) == 15
    # The local times were read in the plan's zone: the store holds the instants.
    created = sorted(zendesk_time(r["Created at"]).replace(tzinfo=BERLIN) for r in rows)
    assert query(
        "zendesk.db", 'SELECT min("Created at"), max("Created at") FROM "Zendesk tickets"'
    ) == [(created[0].timestamp(), created[-1].timestamp())]

    checked = goalline("check", ZENDESK_PLAN, "--db", "zendesk.db")
    assert (checked.exit_code, checked.stdout) == (0, "sample-plans/zendesk.goal: ok\n")

    report = reported(ZENDESK_PLAN, "zendesk.db")
    figures = zendesk_figures(rows)
    assert sorted(report) == sorted(figures)
    for goal, cycles in report.items():
        assert_figures(cycles, figures[goal])

    assert values(report["satisfied"]) == [84.210526, 74.074074, 89.189189]
    assert values(report["solve_quickly"]) == [24.46125, 72.708194, 42.080833]
    # in the desk's hours only: a ticket in on Friday at 17:00 and solved on Monday at 09:00
    # took two hours, not forty
    assert values(report["solve_in_desk_hours"]) == [7.592778, 21.959444, 10.33]
    assert {goal: [status for _, _, status in cycles] for goal, cycles in report.items()} == {
        "urgent_first": ["warning", "critical", "breached"],
        "reply_fast": REPLY_FAST_WEEKS,
        # September has 37 ratings, fewer than the indicator's min_sample 40
        "satisfied": ["warning", "breached", "insufficient"],
        "solve_quickly": ["met", "critical", "warning"],
        "solve_in_desk_hours": ["met", "breached", "met"],
        "solved_for_good": ["warning", "breached", "met"],
    }


# ---------------------------------------------------------------- Jira Service Management


def test_the_jira_export_imports_with_one_command_and_its_plan_gives_its_figures(
    samples: Path,
) -> None:
    result = goalline("import", JIRA_CSV, "--db", "jira.db", "--table", JIRA_TABLE,
                      "--plan", JIRA_PLAN)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "imported 246 rows into Jira issues (jira.db)\n"
        "5 of 246 rows of Jira issues have no Resolved\n"
    )
    rows = read_rows(samples / JIRA_CSV)
    assert sum(not r["Resolved"] for r in rows) == 5
    # `01/Jul/23 10:55 AM` in New York is 14:55 UTC: the plan's format and zone were used.
    created = sorted(jira_time(r["Created"]).replace(tzinfo=NEW_YORK) for r in rows)
    assert created[0].isoformat() == "2023-07-01T10:55:00-04:00"
    assert query(
        "jira.db", 'SELECT min(Created), max(Created), count(Resolved) FROM "Jira issues"'
    ) == [(created[0].timestamp(), created[-1].timestamp(), 241)]

    checked = goalline("check", JIRA_PLAN, "--db", "jira.db")
    assert (checked.exit_code, checked.stdout) == (
        0,
        "sample-plans/jira-service-management.goal: ok\n",
    )

    report = reported(JIRA_PLAN, "jira.db")
    figures = jira_figures(rows)
    assert sorted(report) == sorted(figures)
    for goal, cycles in report.items():
        assert_figures(cycles, figures[goal])

    assert values(report["rated_well"]) == [48.571429, 81.818182, 79.411765]
    assert values(report["restore_fast"]) == [48.073438, 20.448958, 34.561806]
    assert values(report["few_incidents"]) == [3, 9, 7, 8, 5, 3, 4, 6, 3, 1, 8, 6, 7, 6]
    assert {goal: [status for _, _, status in cycles] for goal, cycles in report.items()} == {
        "rated_well": ["critical", "warning", "breached"],
        "respond_fast": ["breached", "warning", "breached"],
        "restore_fast": ["critical", "warning", "breached"],
        "few_incidents": FEW_INCIDENTS_WEEKS,
    }


# ---------------------------------------------------------------- the README


def test_the_readme_shows_what_the_zendesk_commands_print(samples: Path) -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n### From your help desk\n")
    section = text[start : text.index("\n## ", start)]
    commands = re.findall(r"^```sh\n(.*?)^```$", section, re.M | re.S)
    shown = re.findall(r"^```text\n(.*?)^```$", section, re.M | re.S)
    assert len(commands) == 1 and len(shown) == 2
    imported, evaluated = (goalline(*shlex.split(line)[1:]) for line in commands[0].splitlines())
    assert commands[0].startswith(".venv/bin/goalline import ")
    assert imported.stderr == shown[0]
    # The README stops before the list of escalations that follows the table.
    assert evaluated.stdout.startswith(shown[1] + "\nESCALATIONS (6)\n")


# ---------------------------------------------------------------- docs/commands.md


def test_the_commands_doc_shows_the_sources_that_read_the_exports() -> None:
    text = COMMANDS.read_text(encoding="utf-8")
    start = text.index("\n### From your help desk\n")
    section = text[start : text.index("\n## goalline record\n", start)]
    blocks = re.findall(r"^```goal\n(.*?)^```$", section, re.M | re.S)
    assert len(blocks) == 4
    assert section.count("*(A fragment.)*") == 4
    for block in blocks:
        parsed = parse_text(block, "commands.md")
        assert [p.headline() for p in parsed.problems] == []
    # The sources shown are the ones the samples and the Kaggle fixture really use.
    zendesk, jira, _, kaggle = (block[: block.index("}\n") + 2] for block in blocks)
    assert zendesk in (SAMPLES / "zendesk.goal").read_text(encoding="utf-8")
    assert jira in (SAMPLES / "jira-service-management.goal").read_text(encoding="utf-8")
    assert kaggle in (FIXTURES / "exports" / "kaggle_tickets.goal").read_text(encoding="utf-8")
