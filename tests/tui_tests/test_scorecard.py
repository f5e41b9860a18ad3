"""The scorecard, as a team sees it on the sample year at 2027-01-01 (Asia/Shanghai)."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.store.database import Store
from tui import state
from tui.app import ReviewApp
from tui.screens.scorecard import GOAL_COLUMNS

from .conftest import HOSTILE_PLAN, SIZE, review_app, settle, table_rows, text_of

ATTENTION_ORDER = [
    "promoters",
    "solved_for_good",
    "resolve_rate",
    "satisfied",
    "called_back",
    "satisfied_weekly",
    "fast_resolution",
    "office_resolution_time",
    "quick_answer",
    "resolved_volume",
    "urgent_first",
]


def rows(app: ReviewApp, table: str = "#goals") -> list[list[str]]:
    return table_rows(app, table)


def cursor_goal(app: ReviewApp) -> str:
    grid = app.screen.query_one("#goals", DataTable)
    return str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)


async def test_goals_needing_attention_come_first_with_status_value_target_and_owner(
    sample: Path,
) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = rows(app)
    assert [row[1] for row in table] == ATTENTION_ORDER
    promoters = table[0]
    assert promoters[0] == "critical"
    assert promoters[2:4] == ["23.9 points", ">= 40"]
    assert promoters[5:7] == ["50%", "director"]
    assert [row[0] for row in table] == [
        "critical",
        "breached",
        "warning",
        "warning",
        "no data",
        "insufficient",
        *["met"] * 5,
    ]
    # no data in the last cycle: where it last stood instead (November, 84.2%, breached)
    assert table[4][2:4] == ["- (last 84.2%, 11-01)", ">= 95"]
    # too few answers in the year's last short week: the value and the sample it rests on
    assert table[5][2:4] == ["89.5% (n=229)", ">= 88"]
    assert table[6][2:4] == ["3.566 h", "<= 8"]
    # counted in office hours, and said so
    assert table[7][2:4] == ["4.524 business hours (office)", "<= 7.5"]
    trend = table[0][4]
    assert len(trend) == 4 and set(trend) <= set("▁▂▃▄▅▆▇█")  # one bar per quarter


async def test_the_summary_gives_plan_period_time_score_and_alerts(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        summary = text_of(app, "#summary")
    assert summary == (
        "Customer Support 2026  2026-01-01 .. 2026-12-31  as of 2027-01-01 00:00 (Asia/Shanghai)\n"
        "score 82%  ·  23 escalations to acknowledge"
    )


async def test_milestones_are_listed_by_due_date(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = rows(app, "#milestones")
    assert table == [
        ["late", "knowledge_base", "2026-03-31", "14d", "2026-04-10", "li_na"],
        ["done", "chatbot", "2026-05-31", "14d", "2026-05-28", "zhao_lei"],
        ["done", "wechat_service", "2026-09-30", "21d", "2026-09-14", "chen_jie"],
    ]


async def test_s_cycles_through_the_sort_orders(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")  # by goal id
        by_goal = [row[1] for row in rows(app)]
        await pilot.press("s", "s")  # status, then owner
        by_owner = [(row[6], row[1]) for row in rows(app)]
        summary = text_of(app, "#summary")
    assert by_goal == sorted(ATTENTION_ORDER)
    assert by_owner == sorted(by_owner, key=lambda pair: pair[0])
    assert by_owner[0] == ("chen_jie", "urgent_first")
    assert summary.endswith("sorted by owner")


async def test_clicking_a_column_header_sorts_by_it(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        goals = app.screen.query_one("#goals", DataTable)
        goals.post_message(
            DataTable.HeaderSelected(
                goals, goals.ordered_columns[5].key, 5, goals.ordered_columns[5].label
            )
        )
        await pilot.pause()
        attained = [row[5] for row in rows(app)]
    assert attained == [
        "50%",
        "67%",
        "75%",
        "75%",
        "83%",
        "87%",
        "88%",
        "91%",
        "92%",
        "96%",
        "100%",
    ]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("status:warning", ["resolve_rate", "satisfied"]),
        ("status:bre owner:zhao", ["solved_for_good"]),
        ("status:no", ["called_back"]),
        ("owner:chen_jie", ["urgent_first"]),
        ("resol", ["resolve_rate", "fast_resolution", "office_resolution_time", "resolved_volume"]),
        ("nothing-matches-this", []),
    ],
)
async def test_the_filter_keeps_matching_goals(sample: Path, typed: str, kept: list[str]) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.press(*typed)
        await pilot.press("enter")
        shown = [row[1] for row in rows(app)]
        await pilot.press("escape")  # clears the filter
        after = [row[1] for row in rows(app)]
    assert shown == kept
    assert after == ATTENTION_ORDER


async def test_the_filter_by_team_and_objective(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        report = app.loaded.report if app.loaded else None
        assert report is not None
        team = report.goals[0].lead
        objective = report.goals[0].serves
        await pilot.press("slash", *f"team:{team} objective:{objective}", "enter")
        shown = {row[1] for row in rows(app)}
    expected = {g.id for g in report.goals if team in (g.lead, *g.with_) and g.serves == objective}
    assert shown == expected and shown


async def test_enter_opens_the_goal_and_escape_comes_back_to_the_same_row(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")
        await pilot.press("enter")
        await settle(app, pilot)
        heading = text_of(app, "#heading")
        await pilot.press("escape")
        await pilot.pause()
        back_on = cursor_goal(app)
    assert heading.startswith("satisfied")
    assert back_on == "satisfied"


async def test_help_opens_on_question_mark_and_closes_on_escape(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        opened = type(app.screen).__name__
        help_text = str(app.screen.query_one(Static).render())
        await pilot.press("escape")
        await pilot.pause()
        closed = type(app.screen).__name__
    assert opened == "HelpScreen"
    assert "status:breached" in help_text and "ctrl+p" in help_text
    assert closed == "ScorecardScreen"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_never_wraps_a_line(sample: Path, size: tuple[int, int]) -> None:
    app = review_app(sample)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one(Static)
        lines, height = str(text.render()).count("\n") + 1, text.virtual_size.height
    assert height == lines  # one screen line per line of help: no word on a line of its own


async def test_the_filter_hint_names_people_of_the_plan_shown(tmp_path: Path) -> None:
    (tmp_path / "plan.goal").write_text(HOSTILE_PLAN, encoding="utf-8")
    app = ReviewApp(str(tmp_path / "plan.goal"), str(tmp_path / "s.db"), None)
    with Store.open(str(tmp_path / "s.db"), create=True):
        pass
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        hint = app.screen.query_one("#filter", Input).placeholder
    assert hint == "/ to filter: status:breached owner:boss team:support or words"


# ---------------------------------------------------------------- living data


async def test_editing_the_plan_reevaluates_and_keeps_the_cursor(demo: Path) -> None:
    app = review_app(demo)
    plan = demo / PLAN_NAME
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # satisfied, a warning
        before = rows(app)[3]
        plan.write_text(
            plan.read_text(encoding="utf-8").replace("Customer Support 2026", "Support, edited"),
            encoding="utf-8",
        )
        await pilot.pause(1.5)
        await settle(app, pilot)
        summary = text_of(app, "#summary")
        still_on = cursor_goal(app)
    assert before[1] == "satisfied"
    assert summary.startswith("Support, edited")
    assert still_on == "satisfied"


async def test_recording_data_in_the_store_reevaluates(demo: Path) -> None:

    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = rows(app)[0]
        with Store.open(str(demo / STORE_NAME)) as store:  # another window records a value
            store.record("nps", 1798718400.0, 55.0, None, "2026-12-31T12:00:00+00:00")
        await pilot.pause(1.5)
        await settle(app, pilot)
        promoters = next(row for row in rows(app) if row[1] == "promoters")
    assert before[:4] == ["critical", "promoters", "23.9 points", ">= 40"]
    assert promoters[2] == "55 points"
    assert promoters[0] == "met"


async def test_a_plan_that_stops_checking_shows_why_and_recovers(demo: Path) -> None:
    app = review_app(demo)
    plan = demo / PLAN_NAME
    good = plan.read_text(encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # satisfied
        plan.write_text(
            good.replace('plan "Customer Support 2026" {', 'plan "Customer Support 2026" {{'),
            encoding="utf-8",
        )
        await pilot.pause(1.5)
        await settle(app, pilot)
        problems = text_of(app, "#problems")
        summary = text_of(app, "#summary")
        plan.write_text(good, encoding="utf-8")
        await pilot.pause(1.5)
        await settle(app, pilot)
        recovered = [row[1] for row in rows(app)]
        focused = app.focused.id if app.focused else None
        back_on = cursor_goal(app)
        await pilot.press("down")  # the keys work at once, no Escape needed
        moved_to = cursor_goal(app)
    assert summary == "The plan cannot be evaluated:"
    assert problems.startswith(f"{plan}:")
    assert "error" in problems
    assert recovered == ATTENTION_ORDER
    assert (focused, back_on, moved_to) == ("goals", "satisfied", "called_back")


async def test_a_missing_table_is_a_message_not_a_crash(demo: Path) -> None:
    connection = sqlite3.connect(demo / STORE_NAME)
    connection.execute("DROP TABLE surveys")
    connection.commit()
    connection.close()
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        problems = text_of(app, "#problems")
    assert "the store has no table 'surveys'" in problems


async def test_the_first_paint_comes_before_a_slow_evaluation(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = state.evaluate_now

    def slow(*args: object) -> state.Loaded:
        release.wait(10)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.app.evaluate_now", slow)
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        loading = app.screen.query_one("#loading", Static)
        said = str(loading.render()) if loading.display else ""
        board = app.screen.query_one("#board").display
        await pilot.press("question_mark")  # the UI answers while the worker runs
        await pilot.pause()
        answered = type(app.screen).__name__
        await pilot.press("escape")
        release.set()
        await settle(app, pilot)
        after = [row[1] for row in rows(app)]
    assert said == "Evaluating the plan against the store…" and not board
    assert answered == "HelpScreen"
    assert after == ATTENTION_ORDER


# ---------------------------------------------------------------- hostile text


async def test_markup_in_plan_strings_is_shown_literally(tmp_path: Path) -> None:

    (tmp_path / "plan.goal").write_text(HOSTILE_PLAN, encoding="utf-8")
    with Store.open(str(tmp_path / "store.db"), create=True) as store:
        store.record("nps", 1767225600.0, 45.0, "[bold]note[/]", "2026-01-01T00:00:00+00:00")
    as_of = datetime(2026, 2, 1, tzinfo=UTC)  # January is complete
    app = ReviewApp(str(tmp_path / "plan.goal"), str(tmp_path / "store.db"), as_of)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        summary = text_of(app, "#summary")
        table = rows(app)
        await pilot.press("enter")
        await settle(app, pilot)
        heading = text_of(app, "#heading")
    assert summary.startswith("[bold red]Alarm[/] [link=https://example.com]click[/link]")
    assert table[0][1] == "promoters"
    assert table[0][2] == "45 [dim]pts"
    assert heading.startswith("promoters  [i]Promoters[/i]")


async def test_the_mouse_opens_a_goal_and_the_theme_can_change(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        goals = app.screen.query_one("#goals", DataTable)
        row_y = goals.region.y + 1 + 3  # the header, then the fourth goal: satisfied
        await pilot.click(offset=(goals.region.x + 12, row_y))  # highlights it
        await pilot.click(offset=(goals.region.x + 12, row_y))  # chooses it
        await settle(app, pilot)
        opened = str(app.screen.query_one("#heading", Static).render())
        app.theme = "textual-light"
        await pilot.pause()
        still = str(app.screen.query_one("#heading", Static).render())
    assert opened.startswith("satisfied")
    assert still == opened


async def test_the_command_palette_offers_the_screens_and_each_screens_actions(
    sample: Path,
) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"Escalations")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        first = type(app.screen).__name__
        await pilot.press("ctrl+p", *"Acknowledge")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        second = type(app.screen).__name__
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("ctrl+p", *"Open goal satisfied")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        heading = str(app.screen.query_one("#heading", Static).render())
    assert first == "EscalationsScreen"
    assert second == "AcknowledgeDialog"
    assert heading.startswith("satisfied")


async def test_the_goal_screen_shows_the_sample_where_the_indicator_has_a_min_sample(
    sample: Path,
) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        goals = table_rows(app, "#goals")
        row = next(n for n, cells in enumerate(goals) if "satisfied" in cells)
        await pilot.press(*["down"] * row, "enter")
        await settle(app, pilot)
        satisfied = table_rows(app, "#cycles")
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("down", "enter")  # the next goal: its indicator has no min_sample
        await settle(app, pilot)
        other = table_rows(app, "#cycles")
    # January: 1,625 answers, 94.95% satisfied (the sample plan's csat needs 100 a month)
    assert satisfied[0][1:4] == ["2026-01-01", "2026-01-31", "95.0%  (n=1,625)"]
    assert "(n=" not in other[0][3]


async def test_at_80_by_24_the_goals_keep_their_columns_whole_and_the_milestones_give_way(
    sample: Path,
) -> None:
    app = review_app(sample)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        grid = app.screen.query_one("#goals", DataTable)
        headers = [str(column.label) for column in grid.ordered_columns]
        width, shown = grid.virtual_size.width, grid.region.height
        table = rows(app)
        await pilot.press("m")  # every milestone is a key away
        await settle(app, pilot)
        milestones = type(app.screen).__name__
    assert headers == ["Status", "Goal", "Latest", "Target", "Attained"]
    assert width <= 80
    assert shown >= 1 + len(ATTENTION_ORDER)  # the header and every goal, none below
    assert table[7] == ["met", "office_resolution_time", "4.524 h", "<= 7.5", "96%"]
    assert milestones == "MilestonesScreen"


async def test_at_120_columns_every_column_is_whole_with_a_shorter_trend(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        grid = app.screen.query_one("#goals", DataTable)
        headers = [str(column.label) for column in grid.ordered_columns]
        width = grid.virtual_size.width
        trend = rows(app)[1][4]  # solved_for_good: monthly, twelve cycles
    assert headers == [label for _, label in GOAL_COLUMNS]
    assert width <= SIZE[0]
    assert len(trend) == 6  # the last six months: twelve bars would cut the Team column
