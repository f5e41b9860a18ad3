"""Snapshots of every screen and dialog of the review session, on the sample year at
2027-01-01, at 80x24 (the smallest terminal people use) and 120x40, grouped by feature, so a
change in what a screen looks like is seen in review (`pytest --snapshot-update` accepts
it). Textual is pinned exactly in the dev dependencies: its releases change snapshots.

The clock the review session reads when a review starts is fixed, so that the page says
the same "started" time on every run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from tui.app import ReviewApp
from tui.screens.review import screen as review_screen

from .conftest import AS_OF, review_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_screen, "now_text", lambda: "2027-01-02T09:30:00+08:00")


async def settled(pilot: Pilot[Any]) -> None:
    """Every worker done (the evaluation, the explanation, the store's answers) and the
    screen caught up with them."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def pressing(*keys: str) -> Steps:
    """The keys at full speed (the session hands them on in order, tui/keys.py), then the
    screen settled."""

    async def steps(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press(*keys)
        await settled(pilot)

    return steps


def take(snap_compare: Any, app: ReviewApp, size: tuple[int, int], steps: Steps) -> bool:
    return bool(snap_compare(app, terminal_size=size, run_before=steps))


@pytest.fixture
def app(demo: Path) -> ReviewApp:
    return review_app(demo)


class TestScorecard:
    @pytest.mark.parametrize("size", SIZES)
    def test_scorecard(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing())

    @pytest.mark.parametrize("size", SIZES)
    def test_filtered(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("slash", *"status:met", "enter"))

    @pytest.mark.parametrize("size", SIZES)
    def test_a_plan_that_does_not_check(
        self,
        demo: Path,
        snap_compare: Any,
        size: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        plan = demo / PLAN_NAME
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text + '\ngoal broken "Left open" {\n', encoding="utf-8")
        monkeypatch.chdir(demo)  # the problems name the plan as given: the same on every run
        app = ReviewApp(PLAN_NAME, STORE_NAME, AS_OF)
        assert take(snap_compare, app, size, pressing())

    @pytest.mark.parametrize("size", SIZES)
    def test_help(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("question_mark"))


class TestGoal:
    @pytest.mark.parametrize("size", SIZES)
    def test_goal_detail(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        # resolve_rate, the first warning; its latest cycle explained beside the cycles
        assert take(snap_compare, app, size, pressing("down", "down", "enter"))

    @pytest.mark.parametrize("size", SIZES)
    def test_the_sql_behind_it(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        assert take(snap_compare, app, size, pressing("down", "down", "enter", "up", "s"))


class TestEscalations:
    @pytest.mark.parametrize("size", SIZES)
    def test_escalations(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("e"))

    @pytest.mark.parametrize("size", SIZES)
    def test_acknowledge_dialog(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        assert take(snap_compare, app, size, pressing("e", "a", *"li_na"))


class TestMilestones:
    @pytest.mark.parametrize("size", SIZES)
    def test_milestones(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("m"))

    @pytest.mark.parametrize("size", SIZES)
    def test_mark_done_dialog(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        assert take(snap_compare, app, size, pressing("m", "d"))


class TestRecord:
    @pytest.mark.parametrize("size", SIZES)
    def test_record_dialog(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("r", *"41"))


class TestReview:
    @pytest.mark.parametrize("size", SIZES)
    def test_who_takes_part(self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]) -> None:
        assert take(snap_compare, app, size, pressing("v", *"wang_fang, li"))

    @pytest.mark.parametrize("size", SIZES)
    def test_an_item_with_a_proposal_pointing_the_wrong_way(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        steps = pressing(
            "v", *"wang_fang, li_na", "enter",
            *"Agents left in the autumn", "tab", *"Hire before the peak", "tab", *"<= 30",
        )  # fmt: skip
        assert take(snap_compare, app, size, steps)

    @pytest.mark.parametrize("size", SIZES)
    def test_a_milestone_item(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        steps = pressing("v", *"wang_fang", "enter", *["pagedown"] * 5)  # the last: a milestone
        assert take(snap_compare, app, size, steps)


class TestLookingAhead:
    @pytest.mark.parametrize("size", SIZES)
    def test_a_proposal_backtested(
        self, app: ReviewApp, snap_compare: Any, size: tuple[int, int]
    ) -> None:
        steps = pressing(
            "v", *"wang_fang", "enter", "pagedown", "pagedown", "pagedown",
            "tab", "tab", *">= 92", "ctrl+b",
        )  # fmt: skip
        assert take(snap_compare, app, size, steps)

    @pytest.mark.parametrize("size", SIZES)
    def test_the_next_round_offered(
        self,
        demo: Path,
        snap_compare: Any,
        size: tuple[int, int],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.chdir(demo)  # the paths it shows are as given: the same on every run
        app = ReviewApp(PLAN_NAME, STORE_NAME, AS_OF)
        finish = pressing("v", *"wang_fang", "enter", "ctrl+f")

        async def steps(pilot: Pilot[Any]) -> None:
            await finish(pilot)
            # The path field has the focus and no key has touched it: its cursor blinks on
            # its own clock, so it is held still (shown) for the picture.
            pilot.app.screen.query_one("#next-round-path", Input).cursor_blink = False
            await pilot.pause()

        assert take(snap_compare, app, size, steps)
