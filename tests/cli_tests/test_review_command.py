"""`goalline review` as a user starts it: what it refuses before the screen opens, and what
it opens the session on (the session itself is tested in tests/tui_tests)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import dsl.api
from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.cli.main import Exit
from tui import state
from tui.app import ReviewApp

from ..helpers import goalline


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, datetime | None]]:
    calls: list[tuple[str, str, datetime | None]] = []
    monkeypatch.setattr(ReviewApp, "run", lambda app: calls.append((app.plan, app.db, app.as_of)))
    return calls


def review(*args: str) -> tuple[int, str, str]:
    result = goalline("review", *args)
    return result.exit_code, result.stdout, result.stderr


def test_review_opens_the_session_on_the_plan_and_store_at_the_time_given(
    sample: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    plan, db = str(sample / PLAN_NAME), str(sample / STORE_NAME)
    assert review(plan, "--db", db, "--as-of", "2026-07-01") == (Exit.OK, "", "")
    # a date is midnight in the plan's zone
    assert opened == [(plan, db, datetime(2026, 7, 1, tzinfo=ZoneInfo("Asia/Shanghai")))]


def test_without_as_of_the_session_follows_the_clock(
    sample: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    review(str(sample / PLAN_NAME), "--db", str(sample / STORE_NAME))
    assert opened[0][2] is None


def test_the_plan_is_compiled_once_and_handed_to_the_session(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str] = []
    real = dsl.api.compile

    def counting(path: str, text: str | None = None) -> dsl.api.Program:
        compiled.append(path)
        return real(path, text)

    for module in (dsl.api, state):  # the command's compile, and the session's
        monkeypatch.setattr(module, "compile", counting)
    handed: list[dsl.api.Program | None] = []
    monkeypatch.setattr(ReviewApp, "run", lambda app: handed.append(app.program))
    plan, db = str(sample / PLAN_NAME), str(sample / STORE_NAME)
    assert review(plan, "--db", db, "--as-of", "2026-07-01") == (Exit.OK, "", "")
    assert compiled == [plan]
    assert len(handed) == 1 and handed[0] is not None and handed[0].path == plan


def test_a_missing_store_is_refused_before_the_screen_opens(
    sample: Path, tmp_path: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    missing = tmp_path / "nothing.db"
    code, out, err = review(str(sample / PLAN_NAME), "--db", str(missing))
    assert (code, out) == (Exit.CANNOT_RUN, "")
    assert err.startswith("goalline: error: ") and str(missing) in err
    assert not missing.exists()
    assert opened == []


def test_a_missing_plan_is_refused(
    sample: Path, tmp_path: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    code, _, err = review(str(tmp_path / "none.goal"), "--db", str(sample / STORE_NAME))
    assert code == Exit.CANNOT_RUN
    assert err == f"goalline: error: cannot read {tmp_path / 'none.goal'}: no such file\n"
    assert opened == []


def test_a_bad_as_of_is_refused(
    sample: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    code, _, err = review(
        str(sample / PLAN_NAME), "--db", str(sample / STORE_NAME), "--as-of", "tomorrow"
    )
    assert code == Exit.CANNOT_RUN
    assert err.startswith("goalline: error: ") and "tomorrow" in err
    assert opened == []


def test_a_plan_that_does_not_check_still_opens_to_show_why(
    sample: Path, tmp_path: Path, opened: list[tuple[str, str, datetime | None]]
) -> None:
    broken = tmp_path / "broken.goal"
    broken.write_text('plan "x" {\n', encoding="utf-8")
    assert review(str(broken), "--db", str(sample / STORE_NAME))[0] == Exit.OK
    assert opened == [(str(broken), str(sample / STORE_NAME), None)]
