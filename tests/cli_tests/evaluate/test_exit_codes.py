"""Exit codes and messages of `goalline evaluate` and `goalline explain`: `--fail-on`, a
missing store or a file that is not one (left untouched), a plan that does not check or
does not fit the store, a bad `--as-of` and usage errors of the real executable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ...helpers import goalline, goalline_process, sha256_of
from .conftest import AS_OF, PLAN, Desk


@pytest.mark.parametrize(
    ("as_of", "only", "expected"),
    [
        # nothing complete yet: January is current (busy 3 so far would be a warning)
        ("2026-01-15", (), {"warning": 0, "breached": 0, "critical": 0, "never": 0}),
        # latest complete: busy January warning, quick January met
        ("2026-02-01", (), {"warning": 1, "breached": 0, "critical": 0, "never": 0}),
        # busy March breached, quick March met
        ("2026-04-01", (), {"warning": 1, "breached": 1, "critical": 0, "never": 0}),
        # busy April 0 < 1 critical, quick April 4 met
        ("2026-05-01", (), {"warning": 1, "breached": 1, "critical": 1, "never": 0}),
        # the same, narrowed to quick
        ("2026-05-01", ("quick",), {"warning": 0, "breached": 0, "critical": 0, "never": 0}),
    ],
)
def test_fail_on_exits_1_when_a_latest_complete_cycle_is_that_bad(
    desk: Desk, as_of: str, only: tuple[str, ...], expected: dict[str, int]
) -> None:
    narrow = [arg for goal in only for arg in ("--goal", goal)]
    got = {}
    for level in expected:
        result = desk.evaluate("--as-of", as_of, "--format", "csv", "--fail-on", level, *narrow)
        assert result.stderr == ""
        assert result.stdout.startswith("goal,indicator,")  # the report is written either way
        got[level] = result.exit_code
    assert got == expected
    # the default is never
    assert desk.evaluate("--as-of", as_of, "--format", "csv", *narrow).exit_code == 0


@pytest.mark.parametrize("command", ["evaluate", "explain"])
def test_missing_store_exits_2_and_creates_nothing(
    desk: Desk, tmp_path: Path, command: str
) -> None:
    db = tmp_path / "missing.db"
    goal = ["busy"] if command == "explain" else []
    result = goalline(command, str(desk.plan), *goal, "--db", str(db), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"goalline: error: there is no store at {db}: import data or record a value first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_store_exits_2_and_is_left_untouched(
    desk: Desk, tmp_path: Path
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n", encoding="utf-8")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE tickets (a)")
        conn.execute("INSERT INTO tickets VALUES (1)")
    conn.close()
    before = {p.name: sha256_of(p) for p in (text, foreign)}

    for db, why in ((text, " (not a SQLite file)"), (foreign, "")):
        for command, goal in (("evaluate", []), ("explain", ["busy"])):
            result = goalline(command, str(desk.plan), *goal, "--db", str(db), "--as-of", AS_OF)
            assert result.exit_code == 2
            assert result.stdout == ""
            assert result.stderr == (
                f"goalline: error: {db} is not a goalline store{why}; it was left untouched\n"
            )
    assert {p.name: sha256_of(p) for p in tmp_path.iterdir()} == before  # no -wal, no -journal


def test_plan_that_does_not_check_exits_2_with_its_diagnostics(desk: Desk) -> None:
    plan = desk.variant("bad.goal", PLAN.replace("owner       ann", "owner       anne"))
    for command, goal in (("evaluate", []), ("explain", ["busy"])):
        result = goalline(command, str(plan), *goal, "--db", str(desk.db), "--as-of", AS_OF)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"{plan}:45:15: error: unknown person 'anne' (did you mean 'ann'?) [E204]\n"
            "    owner       anne\n"
            "                ^\n"
            f"goalline: error: {plan} does not check; see `goalline check {plan}`\n"
        )


def test_plan_naming_a_missing_column_exits_2_with_E402(desk: Desk) -> None:
    plan = desk.variant("e402.goal", PLAN.replace("tickets.wait_min", "tickets.wait_mins"))
    for command, goal in (("evaluate", []), ("explain", ["quick"])):
        result = goalline(command, str(plan), *goal, "--db", str(desk.db), "--as-of", AS_OF)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"{plan}:27:17: error: table 'tickets' has no column 'wait_mins'"
            " (did you mean 'wait_min'?) [E402]\n"
            "    measure  mean(tickets.wait_mins)\n"
            "                  ^\n"
            f"goalline: error: {plan} does not fit the store {desk.db}; see the errors above\n"
        )


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-13-01", "'2026-13-01' is not a valid date or date-time"),
        ("2026-02-30", "'2026-02-30' is not a valid date or date-time"),
        (
            "yesterday",
            "'yesterday' is not a date (2026-07-01) or a date-time (2026-07-01T09:30,"
            " 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)",
        ),
    ],
)
def test_bad_as_of_exits_2(desk: Desk, as_of: str, message: str) -> None:
    for result in (desk.evaluate("--as-of", as_of), desk.explain("busy", "--as-of", as_of)):
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"goalline: error: {message}\n"


def test_usage_errors_from_the_real_executable_exit_2(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--fail-on", "sometimes", cwd=desk.folder
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "Usage: goalline evaluate [OPTIONS] PLAN\n"
        "goalline: error: Invalid value for '--fail-on': 'sometimes' is not one of"
        " 'warning', 'breached', 'critical', 'never'.\n"
    )
