"""The session itself (the app behind the screens): it compiles the plan once and runs it
again while only the store changes, and it carries out what the screens ask of the store,
telling a refusal without taking the screen that asked away from the user."""

from __future__ import annotations

import ast
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, OptionList

from dsl.api import Program, Store, compile
from dsl.cli.demo import PLAN_NAME, STORE_NAME
from tui import state
from tui.app import ReviewApp
from tui.screens.review import ReviewScreen

from .conftest import AS_OF, SIZE, review_app, settle, table_rows, text_of

TUI = Path(__file__).resolve().parents[2] / "tui"
REFUSAL = "no writes today"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every plan the session compiles, in order."""
    calls: list[str] = []
    real = state.compile

    def counting(path: str, text: str | None = None) -> Program:
        calls.append(path)
        return real(path, text)

    monkeypatch.setattr(state, "compile", counting)
    return calls


def goal_row(app: ReviewApp, goal: str) -> list[str]:
    return next(row for row in table_rows(app, "#goals") if row[1] == goal)


def refuse(folder: Path, table: str) -> None:
    """Make the store refuse every new row of `table`, as SQLite itself would refuse it."""
    connection = sqlite3.connect(folder / STORE_NAME)
    connection.execute(
        f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    )
    connection.commit()
    connection.close()


def accept(folder: Path, table: str) -> None:
    connection = sqlite3.connect(folder / STORE_NAME)
    connection.execute(f"DROP TRIGGER refuse_{table}")
    connection.commit()
    connection.close()


def rows_of(folder: Path, table: str) -> int:
    connection = sqlite3.connect(folder / STORE_NAME)
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        connection.close()


# ---------------------------------------------------------------- compiled once


async def test_a_change_of_the_store_runs_the_compiled_plan_again(
    demo: Path, compiles: list[str]
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        at_start = list(compiles)
        program = app.program
        with Store.open(str(demo / STORE_NAME)) as store:  # another window records a value
            store.record("nps", 1798718400.0, 55.0, None, "2026-12-31T12:00:00+00:00")
        await pilot.pause(1.5)
        await settle(app, pilot)
        recorded_elsewhere = goal_row(app, "promoters")
        await pilot.press("r", *"41", "tab", *"2026-12-31T23:30", "enter")  # and one here
        await settle(app, pilot)
        recorded_here = goal_row(app, "promoters")
        kept = app.program is program
    assert at_start == [str(demo / PLAN_NAME)]
    assert recorded_elsewhere[:3] == ["met", "promoters", "55 points"]
    assert recorded_here[1:3] == ["promoters", "41 points"]
    assert compiles == at_start  # evaluated three times, compiled once
    assert kept


async def test_reading_the_store_to_explain_a_cycle_is_no_change_of_the_data(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The explanation opens the store, which makes SQLite create (and then remove) an empty
    write-ahead log: the session must not take that for new data and evaluate again."""
    evaluations: list[str] = []
    real = state.evaluate_now

    def counting(plan: str, *args: object, **kwargs: object) -> state.Loaded:
        evaluations.append(plan)
        return real(plan, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("tui.app.evaluate_now", counting)
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = len(evaluations)
        await pilot.press("enter")  # open the first goal: its last cycle is explained
        await settle(app, pilot)
        opened = type(app.screen).__name__
        for _ in range(4):  # the watcher looks while the explanation's reader comes and goes
            app._look_for_changes()
            await pilot.pause(0.2)
        await settle(app, pilot)
    assert (before, opened) == (1, "GoalDetailScreen")
    assert len(evaluations) == before


async def test_an_edit_of_the_plan_compiles_it_again_and_so_does_ctrl_r(
    demo: Path, compiles: list[str]
) -> None:
    plan = demo / PLAN_NAME
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        plan.write_text(
            plan.read_text(encoding="utf-8").replace("Customer Support 2026", "Support, edited"),
            encoding="utf-8",
        )
        await pilot.pause(1.5)
        await settle(app, pilot)
        summary = text_of(app, "#summary")
        after_edit = len(compiles)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
    assert summary.startswith("Support, edited")
    assert after_edit == 2
    assert compiles == [str(plan)] * 3


INCLUDING = """\
plan "Included" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
}

include "goals.goal"
"""
INCLUDED = """\
person boss "Boss"

indicator nps "NPS" {
  kind       kpi
  unit       "pts"
  better     higher
  aggregate  last
}

goal promoters "Promoters" {
  indicator  nps
  cycle      monthly
  owner      boss
  target     >= 40
}
"""


async def test_an_edit_of_an_included_file_compiles_the_plan_again(
    tmp_path: Path, compiles: list[str]
) -> None:
    (tmp_path / "plan.goal").write_text(INCLUDING, encoding="utf-8")
    (tmp_path / "goals.goal").write_text(INCLUDED, encoding="utf-8")
    with Store.open(str(tmp_path / "store.db"), create=True) as store:
        store.record("nps", 1767225600.0, 30.0, None, "2026-01-01T00:00:00+00:00")
    as_of = datetime(2026, 2, 1, tzinfo=UTC)  # January is complete, and breached
    app = ReviewApp(str(tmp_path / "plan.goal"), str(tmp_path / "store.db"), as_of)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = goal_row(app, "promoters")
        included = INCLUDED.replace(">= 40", ">= 20")
        (tmp_path / "goals.goal").write_text(included, encoding="utf-8")
        await pilot.pause(1.5)
        await settle(app, pilot)
        after = goal_row(app, "promoters")
    assert before[:4] == ["breached", "promoters", "30 pts", ">= 40"]
    assert after[:4] == ["met", "promoters", "30 pts", ">= 20"]
    assert len(compiles) == 2


async def test_a_plan_compiled_before_the_session_is_not_compiled_again(
    demo: Path, compiles: list[str]
) -> None:
    """`goalline review` compiles the plan before Textual loads and hands it over."""
    program = compile(str(demo / PLAN_NAME))
    app = ReviewApp(str(demo / PLAN_NAME), str(demo / STORE_NAME), AS_OF, program=program)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = goal_row(app, "promoters")
        kept = app.program is program
    assert shown[:4] == ["critical", "promoters", "23.9 points", ">= 40"]
    assert compiles == []
    assert kept


# ---------------------------------------------------------------- what the store refuses


@pytest.mark.parametrize(
    ("table", "keys", "screen", "again"),
    [
        ("measurements", ["r", *"55", "enter"], "ScorecardScreen", "r"),
        ("acknowledgements", ["e", "a", *"wang", "enter"], "EscalationsScreen", "a"),
        ("milestone_events", ["m", "d", "enter"], "MilestonesScreen", "d"),
    ],
)
async def test_a_write_the_store_refuses_is_told_and_the_screen_stays_usable(
    demo: Path, told: list[str], table: str, keys: list[str], screen: str, again: str
) -> None:
    before = rows_of(demo, table)
    refuse(demo, table)
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*keys)
        await settle(app, pilot)
        back_on = type(app.screen).__name__
        grid = app.screen.query_one(DataTable)
        rows = grid.row_count
        await pilot.press("down", again)  # the screen still answers its keys
        await settle(app, pilot)
        opened = type(app.screen).__name__
    assert any(REFUSAL in message and message.startswith("cannot write to") for message in told)
    assert back_on == screen
    assert rows > 0
    assert opened.endswith("Dialog")
    assert rows_of(demo, table) == before


async def test_a_refused_acknowledgement_leaves_the_event_to_acknowledge(
    demo: Path, told: list[str]
) -> None:
    refuse(demo, "acknowledgements")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "a", *"wang", "enter")
        await settle(app, pilot)
        summary = text_of(app, "#escalations-summary")
    assert summary.endswith("23 events, 23 to acknowledge  ·  a acknowledges the selected event")
    assert not any(message.startswith("acknowledged ") for message in told)


async def test_a_review_the_store_refuses_to_open_can_be_started_again(
    demo: Path, told: list[str]
) -> None:
    refuse(demo, "review_sessions")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press(*"wang_fang", "enter")
        await settle(app, pilot)
        refused = [m for m in told if REFUSAL in m]
        start = app.screen.query_one("#start", Button)
        startable = not start.disabled
        typed = app.screen.query_one("#attendees", Input).value
        accept(demo, "review_sessions")
        await pilot.press("enter")  # the name is still there: start again
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        begun = review.session
        title = text_of(app, "#review-title")
    assert refused and startable
    assert typed == "wang_fang"
    assert begun is not None and begun.attendees == ("wang_fang",)
    assert title.splitlines()[1].startswith("item 1 of 6")


async def test_an_action_the_store_refuses_stays_in_the_form(demo: Path, told: list[str]) -> None:
    refuse(demo, "review_actions")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press(*"wang_fang", "enter")
        await settle(app, pilot)
        await pilot.press(*["tab"] * 4, *"Call detractors", "enter")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        page = review.pages.panels["promoters"]
        kept = page.query_one("#action-title", Input).value
        listed = page.query_one("#actions", OptionList).option_count
        accept(demo, "review_actions")
        await pilot.press("enter")  # still in the title field: add it again
        await settle(app, pilot)
        added = page.query_one("#actions", OptionList).option_count
    assert any(REFUSAL in message for message in told)
    assert "Action added: Call detractors" in told
    assert kept == "Call detractors"
    assert (listed, added) == (0, 1)


# ---------------------------------------------------------------- review edits


async def test_what_is_typed_is_stored_once_typing_pauses(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press(*"wang_fang", "enter")
        await settle(app, pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        session = review.session
        assert session is not None
        await pilot.press(*"Agents left")
        await pilot.pause(1.0)  # a pause in the typing, on the same page
        await settle(app, pilot)
        with Store.open(str(demo / STORE_NAME)) as store:
            (note,) = store.reviews.review_record(session.id).notes
    assert (note.subject, note.cause) == ("promoters", "Agents left")


def test_no_screen_dialog_or_widget_names_the_store() -> None:
    """They post requests to the app (tui/messages.py) instead."""
    naming = []
    for folder in ("screens", "dialogs", "widgets"):
        for path in sorted((TUI / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "dsl.api":
                    names = {alias.name for alias in node.names}
                    naming += [f"{path.name}: {n}" for n in names & {"Store", "StoreError"}]
    assert naming == []
