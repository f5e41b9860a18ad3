"""What `import`, `record` and `done` refuse and leave untouched: a file that is not a
goalline store, a table name a plan cannot write or one goalline keeps; and
hostile column names and values, which are stored literally."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from dsl.cli.main import Exit

from ...helpers import goalline, query, snapshot
from .conftest import DATA, declared, leftovers, load, refused, tables

# ---------------------------------------------------------------- stores and names refused


def text_file(path: Path) -> None:
    path.write_text("this is my shopping list\n", encoding="utf-8")


def other_program(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO people VALUES (1, 'Ann')")
    connection.commit()
    connection.close()


def empty_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")
    connection.close()


NOT_STORES = {
    "text": (text_file, "{db} is not a goalline store (not a SQLite file); it was left untouched"),
    "other": (other_program, "{db} is not a goalline store; it was left untouched"),
    "empty": (empty_sqlite, "{db} is an empty SQLite file, not a goalline store"),
}
COMMANDS = {
    "import": (["import", "tickets.csv", "--table", "tickets"], "; nothing was imported"),
    "record": (["record", "nps", "42"], ""),
    "done": (["done", "chatbot"], ""),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", NOT_STORES)
def test_a_file_that_is_not_a_store_is_refused_and_untouched(
    workdir: Path, kind: str, command: str
) -> None:
    make, message = NOT_STORES[kind]
    args, suffix = COMMANDS[command]
    shutil.copy(DATA / "tickets.csv", workdir)
    make(workdir / "their.db")
    before = snapshot(workdir / "their.db")
    result = goalline(*args, "--db", "their.db")
    refused(result, message.format(db="their.db") + suffix)
    assert snapshot(workdir / "their.db") == before
    assert leftovers(workdir, "their.db") == ["their.db"]


@pytest.mark.parametrize("table", ["`tickets`", "two\nlines", "", "   "])
def test_a_table_name_a_plan_cannot_write_is_refused(tickets_db: Path, table: str) -> None:
    before = snapshot(tickets_db)
    result = load("tickets.csv", table)
    refused(
        result,
        f"--table {table!r}: a table's name may hold any character but a backquote or a line"
        " break (plans write such names in backquotes), and may not be empty",
    )
    assert snapshot(tickets_db) == before


@pytest.mark.parametrize(
    "table",
    ['x"; DROP TABLE tickets; --', "1st", "Customer Support Tickets", "tickets;", "客服 工单"],
)
def test_any_other_table_name_is_taken_as_written(tickets_db: Path, table: str) -> None:
    before = query(tickets_db, "SELECT * FROM tickets")
    result = load("tickets.csv", table)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"imported 3 rows into {table} (store.db)\n"
    assert table in tables(tickets_db)
    quoted = table.replace('"', '""')
    assert query(tickets_db, f'SELECT count(*) FROM "{quoted}"') == [(3,)]
    assert query(tickets_db, "SELECT * FROM tickets") == before


@pytest.mark.parametrize(
    "table",
    [
        "measurements",
        "milestone_events",
        "time_columns",
        "imports",
        "_sqlite_migrations",
        "sqlite_master",
    ],
)
def test_a_table_name_goalline_keeps_is_refused(tickets_db: Path, table: str) -> None:
    before = snapshot(tickets_db)
    result = load("tickets.csv", table)
    refused(
        result,
        f"'{table}' is a name goalline keeps for itself; choose another; nothing was imported",
    )
    assert snapshot(tickets_db) == before


def test_a_table_name_goalline_keeps_is_refused_in_any_case(tickets_db: Path) -> None:
    result = load("tickets.csv", "Measurements")
    refused(
        result,
        "'Measurements' is a name goalline keeps for itself; choose another; nothing was imported",
    )


HOSTILE_HEADER = ["key", '"; DROP TABLE tickets; --', "`at`", "it's", "a]b[c"]
HOSTILE_ROWS = [
    [
        'x"; DROP TABLE tickets; --',
        "'); DROP TABLE tickets; --",
        "2026-03-05T01:14:27Z",
        '"q"',
        "`b`",
    ],
    ["Robert'); DROP TABLE measurements;--", "", "", "it's", "a]b"],
]


def test_hostile_column_names_and_values_are_stored_literally(tickets_db: Path) -> None:
    with (tickets_db.parent / "hostile.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HOSTILE_HEADER)
        writer.writerows(HOSTILE_ROWS)
    goalline("record", "nps", "42", "--db", "store.db", "--at", "2026-03-01")
    for _ in range(2):  # the second time, as an upsert on the hostile key
        result = load("hostile.csv", "order", "--pk", "key", "--time", "`at`")
        assert result.exit_code == Exit.OK, result.stderr
    assert list(declared(tickets_db, "order")) == HOSTILE_HEADER
    # rows are kept in the order of their time; the one without a time comes first
    assert query(tickets_db, 'SELECT * FROM "order" ORDER BY rowid') == [
        ("Robert'); DROP TABLE measurements;--", None, None, "it's", "a]b"),
        ('x"; DROP TABLE tickets; --', "'); DROP TABLE tickets; --", 1772673267.0, '"q"', "`b`"),
    ]
    assert query(
        tickets_db, "SELECT table_name, column_name, timezone FROM time_columns ORDER BY table_name"
    ) == [
        ("order", "`at`", "UTC"),
        ("tickets", "created_at", "UTC"),
    ]
    assert query(tickets_db, "SELECT count(*) FROM tickets") == [(3,)]
    assert query(tickets_db, "SELECT indicator, value FROM measurements") == [("nps", 42.0)]
    assert set(tables(tickets_db)) >= {
        "tickets",
        "order",
        "measurements",
        "milestone_events",
        "imports",
    }


def test_hostile_time_and_key_names_that_are_not_columns_are_named(tickets_db: Path) -> None:
    result = load("tickets.csv", "t", "--pk", '"; DROP TABLE tickets; --')
    refused(
        result,
        "tickets.csv: there is no column '\"; DROP TABLE tickets; --' to use as the key; nothing was imported",
    )
    assert query(tickets_db, "SELECT count(*) FROM tickets") == [(3,)]


# ---------------------------------------------------------------- a key the table already has


def test_a_key_conflict_says_to_add_the_tables_key(workdir: Path) -> None:
    Path("tickets.csv").write_text(
        "id,created_at,status\n1,2026-01-05 10:00,open\n2,2026-01-06 10:00,open\n",
        encoding="utf-8",
    )
    keyed = ["import", "tickets.csv", "--db", "s.db", "--table", "tickets", "--time", "created_at"]
    assert goalline(*keyed, "--pk", "id").exit_code == 0
    Path("tickets.csv").write_text(
        "id,created_at,status\n3,2026-01-07 10:00,open\n2,2026-01-06 10:00,solved\n",
        encoding="utf-8",
    )
    before = snapshot(workdir / "s.db")
    again = goalline(*keyed)  # --pk forgotten
    assert (again.exit_code, again.stdout) == (Exit.CANNOT_RUN, "")
    assert again.stderr == (
        "goalline: error: table 'tickets' holds rows with the same id already; the table's key"
        " is id: add --pk id to update those rows instead of adding them; nothing was imported\n"
    )
    assert snapshot(workdir / "s.db") == before
    assert goalline(*keyed, "--pk", "id").exit_code == 0
    assert query(workdir / "s.db", "SELECT id, status FROM tickets ORDER BY id") == [
        (1, "open"),
        (2, "solved"),
        (3, "open"),
    ]
