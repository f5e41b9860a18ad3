"""The record dialog (`r`): a value of an indicator recorded by hand, as `goalline record`."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import Button, DataTable, Select

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from tui.app import ReviewApp

from .conftest import SIZE, review_app, settle, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def promoters(app: ReviewApp) -> list[str]:
    grid = app.screen.query_one("#goals", DataTable)
    found = (grid.get_row_at(i) for i in range(grid.row_count))
    return next([str(cell) for cell in row] for row in found if str(row[1]) == "promoters")


def query(folder: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(folder / STORE_NAME)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def last_id(folder: Path) -> int:
    return int(query(folder, "SELECT max(id) FROM measurements")[0][0])


def recorded_after(folder: Path, last: int) -> list[tuple[Any, ...]]:
    """The measurements written since the one numbered `last` (the sample's own end there)."""
    sql = "SELECT indicator, at, value, note FROM measurements WHERE id > ? ORDER BY id"
    return query(folder, sql, last)


async def test_recording_a_value_changes_the_goal_on_the_scorecard(demo: Path) -> None:
    sample_ends = last_id(demo)
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = promoters(app)
        await pilot.press("r")
        dialog = type(app.screen).__name__
        chosen = app.screen.query_one("#indicator", Select).value
        context = text_of(app, "#form-context")
        await pilot.press(*"55", "tab", *"2026-12-31T23:00", "tab", *"[bold red]x[/]", "enter")
        await settle(app, pilot)
        after = promoters(app)
        told = [str(n.message) for n in app._notifications]
    assert dialog == "RecordDialog"
    assert chosen == "nps"  # the only indicator of the sample recorded by hand
    assert context == "A time without an offset is read in Asia/Shanghai."
    assert before[:3] == ["critical", "promoters", "23.9 points"]
    assert after[:3] == ["met", "promoters", "55 points"]
    at = datetime(2026, 12, 31, 23, tzinfo=SHANGHAI).timestamp()
    assert recorded_after(demo, sample_ends) == [("nps", at, 55.0, "[bold red]x[/]")]
    assert "recorded nps = 55 at 2026-12-31T23:00:00+08:00" in told


async def test_a_date_alone_is_local_midnight_and_nothing_typed_is_now(demo: Path) -> None:
    sample_ends = last_id(demo)
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r", *"41.5", "tab", *"2026-12-20", "enter")
        await settle(app, pilot)
        await pilot.press("r", *"-3", "enter")
        await settle(app, pilot)
    written = recorded_after(demo, sample_ends)
    assert written[0] == ("nps", datetime(2026, 12, 20, tzinfo=SHANGHAI).timestamp(), 41.5, None)
    assert written[1][2] == -3.0
    assert abs(written[1][1] - datetime.now(SHANGHAI).timestamp()) < 60


@pytest.mark.parametrize(
    ("value", "at", "problem"),
    [
        ("abc", "", "'abc' is not a number."),
        ("", "", "Type the value: a number, e.g. 42.5."),
        ("inf", "", "'inf' is not a finite number."),
        (
            "55",
            "yesterday",
            "'yesterday' is not a date (2026-07-01) or a date-time"
            " (2026-07-01T09:30, 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)",
        ),
        ("55", "2026-02-30", "'2026-02-30' is not a valid date or date-time"),
    ],
)
async def test_what_cannot_be_recorded_is_refused_in_the_dialog(
    demo: Path, value: str, at: str, problem: str
) -> None:
    sample_ends = last_id(demo)
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r", *value, "tab", *at, "enter")
        await settle(app, pilot)
        still_open = type(app.screen).__name__
        said = text_of(app, "#form-problem")
        await pilot.press("escape")
        await settle(app, pilot)
        back_on = type(app.screen).__name__
    assert still_open == "RecordDialog"
    assert said == problem
    assert back_on == "ScorecardScreen"
    assert recorded_after(demo, sample_ends) == []


async def test_a_plan_without_recorded_indicators_says_so(demo: Path) -> None:
    plan = demo / PLAN_NAME
    plan.write_text(
        plan.read_text(encoding="utf-8")
        .replace(
            "  aggregate  last  # no measure: values are recorded directly for this indicator",
            "  measure    count(tickets)",
        )
        .replace(
            "  aggregate  last  # recorded from the quality team's call-back log",
            "  measure    count(surveys)  #",
        ),
        encoding="utf-8",
    )
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        context = text_of(app, "#form-context")
        buttons = [str(b.label) for b in app.screen.query(Button)]
        await pilot.press("enter")  # Close has the focus
        await pilot.pause()
        back_on = type(app.screen).__name__
    assert context == (
        "No indicator of this plan is recorded by hand: every one has a measure,"
        " computed from imported data."
    )
    assert buttons == ["Close"]
    assert back_on == "ScorecardScreen"


async def test_a_plan_that_does_not_check_is_said_not_recorded(demo: Path) -> None:
    plan = demo / PLAN_NAME
    plan.write_text(plan.read_text(encoding="utf-8") + "\ngoal {\n", encoding="utf-8")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        context = text_of(app, "#form-context")
        buttons = [str(b.label) for b in app.screen.query(Button)]
    assert context.startswith(f"The plan's indicators are not known: {plan}:")
    assert buttons == ["Close"]
