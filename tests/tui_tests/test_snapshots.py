"""Snapshots of the scorecard and a goal's detail on the sample year at 2027-01-01, so a
change in what a screen looks like is seen in review (`pytest --snapshot-update` accepts
it). Textual is pinned exactly in the dev dependencies: its releases change snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from .conftest import SIZE, review_app


async def evaluated(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def goal_opened(pilot: Pilot[Any]) -> None:
    await evaluated(pilot)
    await pilot.press("down", "enter")  # resolve_rate, the first warning
    for _ in range(100):  # the explanation comes from a worker of its own
        await evaluated(pilot)
        if str(pilot.app.screen.query_one("#explanation").render()).startswith("Goal "):
            break
    await pilot.pause()


def test_scorecard(sample: Path, snap_compare: Any) -> None:
    assert snap_compare(review_app(sample), terminal_size=SIZE, run_before=evaluated)


def test_goal_detail(sample: Path, snap_compare: Any) -> None:
    assert snap_compare(review_app(sample), terminal_size=(120, 60), run_before=goal_opened)
