"""`goalline import`, `record` and `done` as a user runs them: rows stored, messages, exit codes.

Stores are read back with plain `sqlite3`. Times are stored as seconds since 1970 UTC; the
numbers below were computed once by hand (2026-03-05T01:14:27Z is 1772673267).

Where an import stops on a row, the number after the file name is the line of the file as an
editor counts it (the header of a CSV file is line 1), or the record's number in a JSON array.

This conftest holds what the tests of this folder share: a tiny plan in Asia/Shanghai
(`tiny_plan`), a store holding the three tickets of tests/fixtures/data/ (`tickets_db`), and
ways to import, read a store back and check a refusal.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import Result

from dsl.cli.main import Exit

from ...helpers import FIXTURES, goalline, query

DATA = FIXTURES / "data"


NOT_A_TIME = (
    "is not a time; expected ISO 8601, such as 2026-03-05T09:14:27+08:00 or 2026-03-05 09:14"
)

PLAN = """\
plan "Tiny" {
  period    2026-01-01 .. 2026-12-31
  timezone  "Asia/Shanghai"
}

person ann "Ann"
objective happy "Happy customers"

source tickets "Tickets" { time created_at }

indicator nps "Net promoter score" {
  kind       kpi
  unit       "points"
  better     higher
  aggregate  last
}

indicator answered "Tickets answered" {
  kind     result
  unit     "tickets"
  better   higher
  measure  count(tickets)
}

goal promoters "Promoters" {
  indicator  nps
  target     >= 30
  cycle      quarterly
  owner      ann
  serves     happy
}

milestone chatbot "Launch the chatbot" {
  due     2026-05-31
  owner   ann
  serves  happy
}
"""

# The three tickets of tests/fixtures/data/, as every format stores them (no --timezone:
# the naive time of ticket 3 is UTC).
TICKETS = [
    (1, 1772673267.0, "phone", 12, None),
    (2, 1772673267.0, "chat", 3.5, 'said "thanks", twice'),
    (3, 1772702040.0, "email", None, "回电"),
]
SELECT_TICKETS = "SELECT id, created_at, channel, first_response_min, note FROM tickets ORDER BY id"


@pytest.fixture
def tiny_plan(tmp_path: Path) -> str:
    """A plan in Asia/Shanghai, by absolute path (plans are cached by path within a process)."""
    path = tmp_path / "tiny.goal"
    path.write_text(PLAN, encoding="utf-8")
    return str(path)


@pytest.fixture
def tickets_db(workdir: Path) -> Path:
    """store.db holding the three tickets of the CSV fixture."""
    shutil.copy(DATA / "tickets.csv", workdir)
    result = load("tickets.csv", "tickets", "--time", "created_at")
    assert result.exit_code == Exit.OK, result.stderr
    return workdir / "store.db"


def load(file: str, table: str, *options: str, input: bytes | None = None) -> Result:
    """`goalline import FILE --db store.db --table TABLE OPTIONS...`"""
    return goalline("import", file, "--db", "store.db", "--table", table, *options, input=input)


def tables(db: Path | str) -> list[str]:
    return [
        r[0] for r in query(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]


def declared(db: Path | str, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in query(db, "SELECT name, type FROM pragma_table_info(?)", (table,))}


def leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(name))


def write_rows(path: Path, header: str, lines: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def refused(result: Result, message: str) -> None:
    assert result.stderr == f"goalline: error: {message}\n"
    assert result.stdout == ""
    assert result.exit_code == Exit.CANNOT_RUN


def big_file(path: Path, bad_line: int, bad_value: str = "not yet", rows: int = 6000) -> None:
    """`rows` tickets after a header; the time on line `bad_line` of the file is `bad_value`."""
    lines = [
        f"{n},{bad_value if n + 1 == bad_line else f'2026-04-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z'},chat,5,"
        for n in range(1, rows + 1)
    ]
    write_rows(path, "id,created_at,channel,first_response_min,note", lines)
