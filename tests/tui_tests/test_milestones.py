"""The milestones screen (`m`): a timeline by due date on the sample year, and marking a
milestone done."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.widgets import DataTable, Input

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.engine.report import MilestoneResult
from dsl.store.database import Completion, Store
from tui import present
from tui.app import ReviewApp
from tui.screens.milestones import timeline_bar

from .conftest import SIZE, review_app, settle, table_rows, text_of

KNOWLEDGE_BASE = "Publish the self-service knowledge base"
CHATBOT = "Launch the self-service chatbot"
WECHAT = "Answer customers on WeChat"
SAMPLE_COMPLETIONS = {
    "knowledge_base": Completion("knowledge_base", date(2026, 4, 10), None),
    "chatbot": Completion("chatbot", date(2026, 5, 28), None),
    "wechat_service": Completion("wechat_service", date(2026, 9, 14), None),
}


def rows(app: ReviewApp) -> list[list[str]]:
    return table_rows(app, "#milestone-timeline")


def completions(folder: Path) -> dict[str, Completion]:
    with Store.open(str(folder / STORE_NAME)) as store:
        return store.completions()


async def open_milestones(app: ReviewApp, pilot: object) -> None:
    await settle(app, pilot)
    await pilot.press("m")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_the_timeline_lists_milestones_by_due_date(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        screen = type(app.screen).__name__
        table = rows(app)
        summary = text_of(app, "#milestones-summary")
        detail = text_of(app, "#milestone-detail")
    assert screen == "MilestonesScreen"
    # Today, 2027-01-01, is long after every buffer: the marker sits at the right edge.
    assert table == [
        [
            "late",
            "knowledge_base",
            "2026-03-31",
            "14d to 2026-04-14",
            "2026-04-10",
            "········|===✓==|·······●",
            "li_na",
            KNOWLEDGE_BASE,
        ],
        [
            "done",
            "chatbot",
            "2026-05-31",
            "14d to 2026-06-14",
            "2026-05-28",
            "·······✓|======|·······●",
            "zhao_lei",
            CHATBOT,
        ],
        [
            "done",
            "wechat_service",
            "2026-09-30",
            "21d to 2026-10-21",
            "2026-09-14",
            "·····✓··|======|·······●",
            "chen_jie",
            WECHAT,
        ],
    ]
    assert summary == (
        "Milestones  today 2027-01-01 (as of 00:00, Asia/Shanghai)\n"
        "3 milestones, 1 late, 2 done\n"
        "Timeline: · a week before the due date | due === buffer | buffer end"
        " · a week after it;  ● today  ✓ done"
    )
    assert detail == (
        f"knowledge_base  {KNOWLEDGE_BASE}\n"
        "late  ·  owner li_na  ·  team quality\n"
        "due 2026-03-31, buffer 14d ending 2026-04-14\n"
        "done 10 days late, within its buffer (on 2026-04-10)"  # finished: no "today is"
    )


async def test_earlier_in_the_year_today_falls_before_due_dates(sample: Path) -> None:
    app = review_app(sample, datetime(2026, 5, 20, tzinfo=ZoneInfo("Asia/Shanghai")))
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        table = [[row[0], row[1], row[4], row[5]] for row in rows(app)]
        await pilot.press("down")
        detail = text_of(app, "#milestone-detail")
    assert table == [
        ["late", "knowledge_base", "2026-04-10", "········|===✓==|·····●··"],
        ["open", "chatbot", "-", "······●·|======|········"],  # done on 05-28: not yet
        ["open", "wechat_service", "-", "●·······|======|········"],
    ]
    assert detail.endswith(
        "\ndue 2026-05-31, buffer 14d ending 2026-06-14\n"
        "today (2026-05-20) is 11 days before the due date\n"
        "after knowledge_base"
    )


def milestone(buffer_days: int = 14, done_on: date | None = None) -> MilestoneResult:
    return MilestoneResult("m", None, date(2026, 6, 30), buffer_days, done_on, "open", "boss")


@pytest.mark.parametrize(
    ("today", "bar"),
    [
        (date(2026, 3, 1), "●·······|======|········"),  # further than 8 weeks: the edge
        (date(2026, 6, 20), "······●·|======|········"),  # 10 days before the due date
        (date(2026, 6, 30), "·······●|======|········"),  # the due date is still on time
        (date(2026, 7, 1), "········|●=====|········"),  # the first day of the buffer
        (date(2026, 7, 14), "········|=====●|········"),  # its last day
        (date(2026, 7, 15), "········|======|●·······"),  # overdue
        (date(2027, 7, 1), "········|======|·······●"),
    ],
)
def test_the_bar_places_today_against_due_date_and_buffer(today: date, bar: str) -> None:
    assert timeline_bar(milestone(), today) == bar


def test_without_a_buffer_the_bar_has_one_edge() -> None:
    assert timeline_bar(milestone(buffer_days=0), date(2026, 7, 3)) == "········|●·······"
    done_early = milestone(done_on=date(2026, 6, 25))
    assert timeline_bar(done_early, date(2026, 7, 3)) == "·······✓|●=====|········"


async def test_marking_a_milestone_done_changes_its_row_and_the_store(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        await pilot.press("d")
        dialog = type(app.screen).__name__
        suggested = app.screen.query_one("#on", Input).value
        context = text_of(app, "#form-context")
        await pilot.press(*"2026-03-20", "tab", *"[b]early[/b]", "enter")
        await settle(app, pilot)
        table = rows(app)
        cursor = app.screen.query_one("#milestone-timeline", DataTable).cursor_row
        detail = text_of(app, "#milestone-detail")
    assert dialog == "MarkDoneDialog"
    assert suggested == "2027-01-01"  # the evaluation's day
    assert context == (
        f"{KNOWLEDGE_BASE}\nAlready done on 2026-04-10: the store keeps the earliest day,"
        " so only an earlier one changes it."
    )
    assert table[0] == [
        "done",
        "knowledge_base",
        "2026-03-31",
        "14d to 2026-04-14",
        "2026-03-20",
        "······✓·|======|·······●",
        "li_na",
        KNOWLEDGE_BASE,
    ]
    assert cursor == 0
    assert "done 11 days before the due date (on 2026-03-20)" in detail
    assert completions(demo)["knowledge_base"] == Completion(
        "knowledge_base", date(2026, 3, 20), "[b]early[/b]"
    )


async def test_an_open_milestone_is_done_on_the_evaluation_day_by_default(demo: Path) -> None:
    app = review_app(demo, datetime(2026, 5, 20, tzinfo=ZoneInfo("Asia/Shanghai")))
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        await pilot.press("down", "d", "enter")
        await settle(app, pilot)
        chatbot = rows(app)[1]
    assert chatbot[:5] == ["done", "chatbot", "2026-05-31", "14d to 2026-06-14", "2026-05-20"]
    assert completions(demo)["chatbot"] == Completion("chatbot", date(2026, 5, 20), None)


@pytest.mark.parametrize("typed", ["31/03/2026", "2026-02-30", "2026-3-1", "soon"])
async def test_a_bad_date_is_refused_in_the_dialog(demo: Path, typed: str) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        await pilot.press("d", *typed, "enter")
        await settle(app, pilot)
        still_open = type(app.screen).__name__
        problem = text_of(app, "#form-problem")
        await pilot.press("escape")
        await settle(app, pilot)
        back_on = type(app.screen).__name__
    assert still_open == "MarkDoneDialog"
    assert problem == f"'{typed}' is not a date; write it as YYYY-MM-DD, e.g. 2026-05-31"
    assert back_on == "MilestonesScreen"
    assert completions(demo) == SAMPLE_COMPLETIONS


async def test_escape_goes_back_to_the_scorecard(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        back_on = type(app.screen).__name__
    assert back_on == "ScorecardScreen"


async def test_a_plan_that_does_not_check_says_why(demo: Path) -> None:
    plan = demo / PLAN_NAME
    plan.write_text(plan.read_text(encoding="utf-8") + "\ngoal {\n", encoding="utf-8")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_milestones(app, pilot)
        summary = text_of(app, "#milestones-summary")
        table = rows(app)
        await pilot.press("d")  # nothing to mark done: no dialog
        screen = type(app.screen).__name__
    assert summary.startswith(f"The plan cannot be evaluated:\n{plan}:")
    assert table == []
    assert screen == "MilestonesScreen"


@pytest.mark.parametrize(
    ("done_on", "said"),
    [
        (date(2026, 6, 27), "done 3 days before the due date"),
        (date(2026, 6, 30), "done on the due date"),
        (date(2026, 7, 1), "done 1 day late, within its buffer"),
        (date(2026, 7, 14), "done 14 days late, within its buffer"),  # the buffer's last day
        (date(2026, 7, 20), "done 20 days late, 6 days after its buffer ended"),
    ],
)
def test_a_done_milestone_says_how_late_against_its_buffer(done_on: date, said: str) -> None:
    assert present.done_words(done_on, date(2026, 6, 30), 14) == said
