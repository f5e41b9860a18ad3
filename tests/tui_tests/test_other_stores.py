"""The review session on a DuckDB file and on a PostgreSQL database holding the sample year:
the same scorecard as on SQLite, its first evaluation read by two forked processes as there,
and a value recorded from the session written to that store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dsl.cli.demo import PLAN_NAME, write_demo
from dsl.demo.plans import sample_plan
from dsl.store.database import Store
from tui.app import ReviewApp

from ..postgres import new_database
from .conftest import AS_OF, SIZE, settle, table_rows
from .test_scorecard import ATTENTION_ORDER


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "duckdb":
        target = str(folder / "support.duckdb")
    else:
        target = new_database(request.getfixturevalue("postgres_url"), "review_session")
    write_demo(folder / PLAN_NAME, target)
    return target


async def test_the_scorecard_is_the_same_and_a_value_recorded_there_counts(
    store: str, tmp_path: Path
) -> None:
    plan = tmp_path / PLAN_NAME
    plan.write_text(sample_plan(), encoding="utf-8")
    app = ReviewApp(str(plan), store, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = table_rows(app, "#goals")
        await pilot.press("r", *"55", "tab", *"2026-12-31T23:00", "enter")
        await settle(app, pilot)
        after = table_rows(app, "#goals")
    assert [row[1] for row in table] == ATTENTION_ORDER
    assert table[0][0] == "critical" and table[0][2:4] == ["23.9 points", ">= 40"]
    assert table[7][2:4] == ["4.524 business hours (office)", "<= 7.5"]
    promoters = next(row for row in after if row[1] == "promoters")
    assert promoters[:3] == ["met", "promoters", "55 points"]
    at = datetime(2026, 12, 31, 23, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    with Store.open(store) as opened:
        written = opened.tables.execute(
            'SELECT value FROM measurements WHERE indicator = ? AND "at" = ?', ["nps", at]
        ).fetchall()
    assert [tuple(row) for row in written] == [(55.0,)]
