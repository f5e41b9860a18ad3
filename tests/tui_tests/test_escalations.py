"""The escalations screen (`e`) on the sample year at 2027-01-01 (Asia/Shanghai): every event,
those still to acknowledge first, and acknowledging one."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.store.database import Store
from tui.app import ReviewApp

from .conftest import SIZE, review_app, settle, table_rows, text_of

# Fired on, subject and rule of every event, as listed (none acknowledged yet).
EVENTS = [
    ("2026-03-01", "called_back", "when breached 1 time"),
    ("2026-04-01", "satisfied", "when warning 2 times in a row"),
    ("2026-04-01", "knowledge_base", "when in buffer"),
    ("2026-07-01", "satisfied", "when breached"),
    ("2026-09-01", "resolve_rate", "when breached 1 time"),
    ("2026-10-01", "resolve_rate", "when breached 2 times in a row"),
    ("2026-11-01", "resolve_rate", "when breached 3 times in a row"),
    ("2026-11-01", "solved_for_good", "when breached 1 time"),
    ("2026-11-03", "urgent_first", "when breached 10 times"),
    ("2026-11-04", "urgent_first", "when breached 3 times in a row"),
    ("2026-11-09", "quick_answer", "when breached 1 time"),
    ("2026-11-11", "urgent_first", "when critical"),
    ("2026-11-12", "urgent_first", "when breached 3 times in a row"),
    ("2026-11-16", "quick_answer", "when breached 2 times in a row"),
    ("2026-11-16", "quick_answer", "when critical"),
    ("2026-11-21", "urgent_first", "when critical"),  # a second run of critical days
    ("2026-11-23", "quick_answer", "when breached 3 times in a row"),
    ("2026-12-01", "satisfied", "when breached"),  # breached again after a met October
    ("2026-12-01", "satisfied", "when critical"),
    ("2026-12-01", "resolve_rate", "when critical"),
    ("2026-12-01", "solved_for_good", "when breached 2 times in a row"),
    ("2027-01-01", "satisfied", "when warning 2 times in a row"),
    ("2027-01-01", "solved_for_good", "when breached 3 times in a row"),
]
SATISFIED_BREACHED = "satisfied/when breached/2026-06-01"  # the fourth row: three down
SATISFIED_BREACHED_PEOPLE_AND_RUNBOOK = """\
satisfied: when breached
goal satisfied, cycle 2026-06-01 .. 2026-06-30, fired on 2026-07-01

Notify
  Wang Fang  wang.fang@example.com
  Zhao Lei  zhao.lei@example.com
  Li Na  li.na@example.com

Runbooks
  satisfaction_review  Satisfaction recovery
    1. Call back every customer who scored 1 or 2  (quality: Li Na, within 2d, by 2026-07-03 00:00)
    2. Find the three most common complaints  (li_na, within 3d, by 2026-07-04 00:00)
    3. Agree improvement actions with owners  (wang_fang, within 1w, by 2026-07-08 00:00)
"""


def rows(app: ReviewApp) -> list[list[str]]:
    return table_rows(app, "#escalation-events")


def cursor_event(app: ReviewApp) -> str:
    grid = app.screen.query_one("#escalation-events", DataTable)
    return str(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)


async def open_escalations(app: ReviewApp, pilot: object) -> None:
    await settle(app, pilot)
    await pilot.press("e")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_every_event_is_listed_to_acknowledge_first_then_by_date(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        screen = type(app.screen).__name__
        table = rows(app)
        summary = text_of(app, "#escalations-summary")
        width = app.screen.query_one("#escalation-events", DataTable).virtual_size.width
    assert screen == "EscalationsScreen"
    assert [tuple(row[1:4]) for row in table] == EVENTS
    assert {row[0] for row in table} == {"to acknowledge"}
    assert table[2] == [
        "to acknowledge",
        "2026-04-01",
        "knowledge_base",
        "when in buffer",
        "-",  # a milestone event has no cycle
        "Li Na",
    ]
    assert table[3][4:] == ["2026-06-01", "Wang Fang, Zhao Lei, Li Na"]  # the runbook: below
    assert width <= SIZE[0]  # every column whole, Notify the last
    assert table[11][4:] == ["2026-11-10", "Wang Fang"]  # a daily cycle
    assert summary == (
        "Escalations  as of 2027-01-01 00:00 (Asia/Shanghai)\n"
        "23 events, 23 to acknowledge  ·  a acknowledges the selected event"
    )


async def test_the_detail_pane_gives_people_runbook_steps_and_state(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        first = text_of(app, "#escalation-event")
        await pilot.press("down", "down", "down")
        detail = text_of(app, "#escalation-event")
    assert first.startswith("called_back: when breached 1 time\n")
    assert "Runbooks\n  none\n" in first
    assert detail == SATISFIED_BREACHED_PEOPLE_AND_RUNBOOK + "\nTo acknowledge: press a."


async def test_acknowledging_an_event_names_who_and_lowers_the_count(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        await pilot.press("down", "down", "down", "a")
        dialog = type(app.screen).__name__
        await pilot.press(*"wang", "right")  # takes the suggested name from the plan
        suggested = app.screen.query_one("#by", Input).value
        await pilot.press("tab", *"[bold red]x[/]", "enter")
        await settle(app, pilot)
        table = rows(app)
        on_event = cursor_event(app)
        detail = text_of(app, "#escalation-event")
        summary = text_of(app, "#escalations-summary")
        await pilot.press("escape")
        await settle(app, pilot)
        scorecard = text_of(app, "#summary")
    with Store.open(str(demo / STORE_NAME)) as store:
        acknowledged = store.reviews.acknowledgements()
    assert dialog == "AcknowledgeDialog"
    assert suggested == "Wang Fang"
    # The acknowledged event goes after those still to acknowledge; the cursor follows it.
    assert table[-1][:4] == [
        "acknowledged by Wang Fang",
        "2026-07-01",
        "satisfied",
        "when breached",
    ]
    assert [row[0] for row in table[:-1]] == ["to acknowledge"] * 22
    assert on_event == SATISFIED_BREACHED
    assert detail.startswith(SATISFIED_BREACHED_PEOPLE_AND_RUNBOOK)
    assert re.search(
        r"\nAcknowledged by Wang Fang on \d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai\)\n"
        r"Note: \[bold red\]x\[/\]$",
        detail,
    )
    assert summary.endswith("23 events, 22 to acknowledge  ·  a acknowledges the selected event")
    assert scorecard.endswith("22 escalations to acknowledge")
    assert list(acknowledged) == [SATISFIED_BREACHED]
    saved = acknowledged[SATISFIED_BREACHED]
    assert (saved.by, saved.note) == ("Wang Fang", "[bold red]x[/]")
    assert abs(datetime.fromisoformat(saved.at) - datetime.now(UTC)).total_seconds() < 60


async def test_an_empty_name_is_refused_and_escape_cancels(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        await pilot.press("a", "space", "tab", *"seen", "enter")  # a blank name
        await settle(app, pilot)
        still_open = type(app.screen).__name__
        problem = text_of(app, "#form-problem")
        await pilot.press("escape")
        await settle(app, pilot)
        back_on = type(app.screen).__name__
        states = {row[0] for row in rows(app)}
    with Store.open(str(demo / STORE_NAME)) as store:
        acknowledged = store.reviews.acknowledgements()
    assert still_open == "AcknowledgeDialog"
    assert problem == "Say who acknowledges the event: the name cannot be empty."
    assert back_on == "EscalationsScreen"
    assert states == {"to acknowledge"}
    assert acknowledged == {}


async def test_an_earlier_acknowledgement_shows_who_and_when(demo: Path) -> None:
    with Store.open(str(demo / STORE_NAME)) as store:  # acknowledged from the command line
        store.reviews.acknowledge(
            "knowledge_base/when in buffer/2026-04-01", "li_na", None, "2026-04-02T01:30:00+00:00"
        )
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        table = rows(app)
        summary = text_of(app, "#escalations-summary")
        await pilot.press(*["down"] * 22)  # the last row
        detail = text_of(app, "#escalation-event")
        await pilot.press("a")
        context = text_of(app, "#form-context")
    assert table[-1][:4] == [
        "acknowledged by li_na",
        "2026-04-01",
        "knowledge_base",
        "when in buffer",
    ]
    assert "23 events, 22 to acknowledge" in summary
    assert detail.endswith("\nAcknowledged by li_na on 2026-04-02 09:30 (Asia/Shanghai)\nNo note.")
    assert context == "fired on 2026-04-01; acknowledged by li_na already: saving replaces it"


HOSTILE_PLAN = """\
plan "Hostile" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
}

person boss "[/]Boss" { email "[b]boss@example.com" }
objective happy "Happy"

indicator nps "NPS" {
  kind       kpi
  unit       "pts"
  better     higher
  aggregate  last
}

runbook rescue "[red]Rescue" {
  step "[blink]Call[/blink] everyone"  by boss  within 1d
}

escalation loud "Loud" {
  when breached  notify owner, run rescue
}

goal promoters "Promoters" {
  indicator   nps
  cycle       monthly
  owner       boss
  serves      happy
  target      >= 40
  escalation  loud
}
"""


async def test_markup_in_plan_strings_is_shown_literally(tmp_path: Path) -> None:
    (tmp_path / "plan.goal").write_text(HOSTILE_PLAN, encoding="utf-8")
    with Store.open(str(tmp_path / "store.db"), create=True) as store:
        store.record("nps", 1767225600.0, 30.0, None, "2026-01-01T00:00:00+00:00")
    as_of = datetime(2026, 2, 1, tzinfo=UTC)  # January is complete, and breached
    app = ReviewApp(str(tmp_path / "plan.goal"), str(tmp_path / "store.db"), as_of)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        table = rows(app)
        detail = text_of(app, "#escalation-event")
    assert table == [
        [
            "to acknowledge",
            "2026-02-01",
            "promoters",
            "when breached",
            "2026-01-01",
            "[/]Boss",
        ]
    ]
    assert "\n  [/]Boss  [b]boss@example.com\n" in detail
    assert "\n  rescue  [red]Rescue\n    1. [blink]Call[/blink] everyone  (boss, within 1d, by" in (
        detail
    )


async def test_a_plan_that_does_not_check_says_why(demo: Path) -> None:
    plan = demo / PLAN_NAME
    plan.write_text(plan.read_text(encoding="utf-8") + "\ngoal {\n", encoding="utf-8")
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_escalations(app, pilot)
        summary = text_of(app, "#escalations-summary")
        table = rows(app)
        await pilot.press("a")  # nothing to acknowledge: no dialog
        screen = type(app.screen).__name__
    assert summary.startswith(f"The plan cannot be evaluated:\n{plan}:")
    assert table == []
    assert screen == "EscalationsScreen"


async def test_leaving_at_once_while_the_store_is_read_is_no_crash(sample: Path) -> None:
    app = review_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("e", "escape", "e", "escape")
        await settle(app, pilot)
        back_on = type(app.screen).__name__
        summary = str(app.screen.query_one("#summary", Static).render())
    assert back_on == "ScorecardScreen"
    assert summary.endswith("23 escalations to acknowledge")


def test_an_event_of_a_so_far_rule_says_its_cycle_is_still_open() -> None:
    from datetime import date

    from dsl.engine.report import EscalationEvent
    from tui.screens.escalations import _event_detail

    event = EscalationEvent(
        "quick", "goal", "when breached so far", date(2026, 11, 1), date(2026, 11, 30),
        date(2026, 11, 18), (), (), so_far=True,
    )  # fmt: skip
    shown = _event_detail(event, False, None, "UTC").plain
    assert shown.startswith(
        "quick: when breached so far\ngoal quick, cycle 2026-11-01 .. 2026-11-30"
        " (still open: its value so far), fired on 2026-11-18\n"
    )
