"""The review session on the bundled sample (the root conftest writes it once per test run),
copied for each test that writes; and the readers of what the screens show."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.widgets import DataTable, Static

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from tui.app import ReviewApp

from ..helpers import copy_sample

# The end of the sample year, as `goalline demo` opens it.
AS_OF = datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
SIZE = (120, 40)

# A plan whose every string looks like Textual markup: it must be shown as written.
HOSTILE_PLAN = """\
plan "[bold red]Alarm[/] [link=https://example.com]click[/link]" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
}

person boss "[/]Boss"
team support "[b]Support[/b]" { lead boss }
objective happy "Happy"

indicator nps "[red]NPS" {
  kind       kpi
  unit       "[dim]pts"
  better     higher
  aggregate  last
}

goal promoters "[i]Promoters[/i]" {
  indicator  nps
  cycle      monthly
  owner      boss
  lead       support
  serves     happy
  target     >= 40
}
"""


@pytest.fixture
def demo(sample: Path, tmp_path: Path) -> Path:
    """A copy of the sample (tests/conftest.py) for one test: its plan and store may be
    changed."""
    return copy_sample(sample, tmp_path)


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification the app shows, as text."""
    messages: list[str] = []
    real = App.notify

    def notify(self: App[object], message: str, *args: object, **kwargs: object) -> None:
        messages.append(str(message))
        real(self, message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "notify", notify)
    return messages


def review_app(folder: Path, as_of: datetime | None = AS_OF) -> ReviewApp:
    return ReviewApp(str(folder / PLAN_NAME), str(folder / STORE_NAME), as_of)


async def settle(app: ReviewApp, pilot: object) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def table_rows(app: ReviewApp, selector: str) -> list[list[str]]:
    """What a table of the current screen shows, row by row, as text."""
    grid = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


def text_of(app: ReviewApp, selector: str) -> str:
    """What a Static of the current screen shows, as text."""
    return str(app.screen.query_one(selector, Static).render())
