"""The goal screen on the sample year's service-time additions: an exclusion it names and the
cycle it covers, and a value counted in business hours."""

from __future__ import annotations

from pathlib import Path

from tui.app import ReviewApp

from .conftest import SIZE, review_app, settle, table_rows, text_of


async def open_goal(app: ReviewApp, pilot: object, goal: str) -> None:
    await settle(app, pilot)
    goals = table_rows(app, "#goals")
    row = next(n for n, cells in enumerate(goals) if goal in cells)
    await pilot.press(*["down"] * row, "enter")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_an_excluded_week_is_shown_as_such_and_explained(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_goal(app, pilot, "fast_resolution")
        definition = text_of(app, "#definition")
        cycles = table_rows(app, "#cycles")
        moved = next(n for n, cells in enumerate(cycles) if cells[1] == "2026-08-17")
        # the cursor starts on the latest complete cycle, the last row
        await pilot.press(*["up"] * (len(cycles) - 1 - moved))
        await settle(app, pilot)
        explanation = text_of(app, "#explanation")
        why = text_of(app, "#why-title")
        marks = [cells[0] for cells in table_rows(app, "#cycles")]
        sql_hidden = not app.screen.query_one("#sql").display
        await pilot.press("s")  # the SQL behind it
        await settle(app, pilot)
        sql_shown = app.screen.query_one("#sql").display
        sql = text_of(app, "#sql")
    assert (
        'leaves out server_move "Helpdesk server move", 2026-08-17 .. 2026-08-23: tickets were'
        " typed in by hand that week, so their times are the typing's"
    ) in definition
    assert cycles[moved][1:6] == ["2026-08-17", "2026-08-23", "-", "<= 8", "excluded"]
    assert marks[moved] == "▶" and marks.count("▶") == 1  # the cycle explained, marked
    assert why == "Why 2026-08-17 .. 2026-08-23 is excluded"
    assert "The query that ran" not in explanation and "goalline_cycles" not in explanation
    assert (sql_hidden, sql_shown) == (True, True)
    assert sql.startswith("The query that ran (SQLite), once for every cycle of this layout:")
    assert ")  2026-08-10 00:00 .. 2026-08-17 00:00\n" in sql  # no range: the excluded week
    assert "The status is excluded: it lies wholly inside the exclusion server_move." in (
        explanation
    )
    assert "Exclusions leave 776 rows of tickets out: server_move" in explanation


async def test_a_value_in_business_hours_says_so(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_goal(app, pilot, "office_resolution_time")
        cycles = table_rows(app, "#cycles")
    assert cycles[-1][1:6] == [
        "2026-12-28",
        "2026-12-31",
        "4.524 business hours (office)",
        "<= 7.5",
        "met",
    ]
