"""Each command that evaluates a plan reads and checks it once (they used to check it twice:
once for the zone of --as-of, once to evaluate), and a store's error reaches the person as
one line from the one error edge, with the exit code for "cannot run"."""

from __future__ import annotations

from pathlib import Path

import pytest

import dsl.api
from dsl.errors import Exit

from ..helpers import goalline

PLAN = """\
plan "Desk" {
  period    2026-01-01 .. 2026-03-31
  timezone  "Asia/Shanghai"
  owner     ann
}

person ann "Ann Lee" { email "ann@example.com" }

source tickets "Tickets" { time created_at }

indicator answered "Tickets answered" {
  kind     result
  unit     "tickets"
  better   higher
  measure  count(tickets)
}

goal busy "Answer enough tickets" {
  indicator  answered
  target     >= 2
  cycle      monthly
  owner      ann
}
"""

TICKETS = """\
id,created_at
1,2026-01-05T10:00:00+08:00
2,2026-01-06 10:00
3,2026-02-10T10:00:00+08:00
"""

CONFIG = """\
db = "desk.db"

[notify.command]
run = ["true"]
"""


@pytest.fixture
def desk(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A folder with the plan, its store and a goalline.toml; the list of the plans checked."""
    Path("desk.goal").write_text(PLAN, encoding="utf-8")
    Path("tickets.csv").write_text(TICKETS, encoding="utf-8")
    Path("goalline.toml").write_text(CONFIG, encoding="utf-8")
    imported = goalline(
        "import", "tickets.csv", "--db", "desk.db", "--table", "tickets", "--time", "created_at",
        "--plan", "desk.goal",
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    checked: list[str] = []
    original = dsl.api.check_plan

    def counting(path: str, text: str | None = None) -> dsl.api.Checked:
        checked.append(path)
        return original(path, text)

    monkeypatch.setattr(dsl.api, "check_plan", counting)
    return checked


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "desk.goal", "--db", "desk.db", "--as-of", "2026-03-01", "--format", "csv"],
        ["explain", "desk.goal", "busy", "--db", "desk.db", "--as-of", "2026-03-01"],
        ["digest", "desk.goal", "--as-of", "2026-03-01"],
        ["notify", "desk.goal", "--as-of", "2026-03-01", "--dry-run"],
    ],
    ids=lambda args: args[0],
)
def test_a_command_checks_the_plan_once(desk: list[str], args: list[str]) -> None:
    result = goalline(*args)
    assert result.exit_code == 0, result.output
    assert desk == ["desk.goal"]


def test_the_evaluation_counts_what_the_rows_say(desk: list[str]) -> None:
    result = goalline(
        "evaluate", "desk.goal", "--db", "desk.db", "--as-of", "2026-03-01", "--format", "csv"
    )
    rows = [line.split(",") for line in result.output.splitlines()]
    header = rows[0]
    values = [(r[header.index("cycle_start")], r[header.index("value")]) for r in rows[1:]]
    # The naive 2026-01-06 10:00 is read in the plan's zone (Asia/Shanghai): January. March
    # has just begun at the evaluation time (local midnight) and has no ticket yet.
    assert values == [("2026-01-01", "2"), ("2026-02-01", "1"), ("2026-03-01", "0")]


def test_a_store_that_is_not_one_is_told_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_bytes(b"these are my notes, not a database\n" * 40)
    (tmp_path / "desk.goal").write_text(PLAN, encoding="utf-8")
    result = goalline("evaluate", str(tmp_path / "desk.goal"), "--db", str(tmp_path / "notes.db"))
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.output == (
        f"goalline: error: {tmp_path / 'notes.db'} is not a goalline store (not a SQLite"
        " file); it was left untouched\n"
    )
    assert (tmp_path / "notes.db").read_bytes() == b"these are my notes, not a database\n" * 40
