"""`goalline import`, `record` and `done` as a user runs them: rows stored, messages, exit codes.

Stores are read back with plain `sqlite3`. Times are stored as seconds since 1970 UTC; the
numbers below were computed once by hand (2026-03-05T01:14:27Z is 1772673267).

Where an import stops on a row, the number after the file name is the line of the file as an
editor counts it (the header of a CSV file is line 1), or the record's number in a JSON array.
"""

from __future__ import annotations

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from dsl.cli.main import Exit, cli
from dsl.store.database import Store
from dsl.store.migrations import SCHEMA_VERSION

DATA = Path(__file__).parent.parent / "fixtures" / "data"
GOALLINE = Path(sys.executable).parent / "goalline"

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
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def plan(tmp_path: Path) -> str:
    """A plan in Asia/Shanghai, by absolute path (plans are cached by path within a process)."""
    path = tmp_path / "tiny.goal"
    path.write_text(PLAN, encoding="utf-8")
    return str(path)


@pytest.fixture
def store(workdir: Path) -> Path:
    """store.db holding the three tickets of the CSV fixture."""
    shutil.copy(DATA / "tickets.csv", workdir)
    result = load("tickets.csv", "tickets", "--time", "created_at")
    assert result.exit_code == Exit.OK, result.stderr
    return workdir / "store.db"


def run(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def load(file: str, table: str, *options: str, input: bytes | None = None) -> Result:
    """`goalline import FILE --db store.db --table TABLE OPTIONS...`"""
    return run("import", file, "--db", "store.db", "--table", table, *options, input=input)


def query(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def tables(db: Path | str) -> list[str]:
    return [
        r[0] for r in query(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]


def declared(db: Path | str, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in query(db, "SELECT name, type FROM pragma_table_info(?)", (table,))}


def snapshot(path: Path) -> dict[str, bytes | None]:
    """The bytes of a store and of its write-ahead log (None where there is no such file)."""
    return {
        suffix: (Path(f"{path}{suffix}").read_bytes() if Path(f"{path}{suffix}").exists() else None)
        for suffix in ("", "-wal")
    }


def leftovers(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(name))


def write_rows(path: Path, header: str, lines: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def refused(result: Result, message: str) -> None:
    assert result.stderr == f"goalline: error: {message}\n"
    assert result.stdout == ""
    assert result.exit_code == Exit.CANNOT_RUN


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    "name", ["tickets.csv", "tickets.tsv", "tickets.json", "tickets.ndjson", "tickets.jsonl"]
)
def test_each_format_is_imported(workdir: Path, name: str) -> None:
    shutil.copy(DATA / name, workdir)
    result = load(name, "tickets", "--time", "created_at")
    assert result.exit_code == Exit.OK
    assert result.stdout == ""
    # Not a terminal: no progress counter, only the summary.
    assert result.stderr == "imported 3 rows into tickets (store.db)\n"
    assert query("store.db", SELECT_TICKETS) == TICKETS
    assert query("store.db", "SELECT typeof(created_at) FROM tickets") == [("real",)] * 3
    assert query("store.db", "SELECT * FROM time_columns") == [("tickets", "created_at", "UTC")]
    assert query("store.db", "SELECT table_name, source, rows FROM imports") == [
        ("tickets", name, 3)
    ]


@pytest.mark.parametrize(
    "name",
    [
        "tickets.csv",
        "tickets.tsv",
        pytest.param(
            "tickets.json",
        ),
        pytest.param(
            "tickets.ndjson",
        ),
    ],
)
def test_each_format_declares_the_detected_types(workdir: Path, name: str) -> None:
    shutil.copy(DATA / name, workdir)
    load(name, "tickets", "--time", "created_at")
    assert declared("store.db", "tickets") == {
        "id": "INTEGER",
        "created_at": "REAL",
        "channel": "TEXT",
        "first_response_min": "REAL",
        "note": "TEXT",
    }


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("csv", "tickets.csv"),
        ("tsv", "tickets.tsv"),
        ("json", "tickets.json"),
        ("ndjson", "tickets.ndjson"),
    ],
)
def test_standard_input_with_format(workdir: Path, fmt: str, name: str) -> None:
    data = (DATA / name).read_bytes()
    result = load("-", "tickets", "--format", fmt, "--time", "created_at", input=data)
    assert result.exit_code == Exit.OK
    assert result.stderr == "imported 3 rows into tickets (store.db)\n"
    assert query("store.db", SELECT_TICKETS) == TICKETS
    assert query("store.db", "SELECT source FROM imports") == [("<stdin>",)]


def test_standard_input_needs_a_format(workdir: Path) -> None:
    result = load("-", "tickets", input=b"id\n1\n")
    refused(
        result,
        "<stdin>: cannot tell the format from the name; add --format csv, tsv, json or ndjson; nothing was imported",
    )
    assert leftovers(workdir, "store.db") == []


def test_an_unknown_format_is_refused(workdir: Path) -> None:
    result = load("-", "t", "--format", "xlsx", input=b"id\n1\n")
    refused(
        result, "unknown format 'xlsx'; use one of csv, tsv, json, ndjson; nothing was imported"
    )
    assert leftovers(workdir, "store.db") == []


def test_a_bad_row_on_standard_input_is_named(store: Path) -> None:
    before = snapshot(store)
    data = b"id,created_at\n4,2026-03-06T08:00:00Z\n5,tomorrow\n"
    result = load("-", "tickets", "--format", "csv", "--time", "created_at", input=data)
    refused(
        result, f"<stdin>:3: column 'created_at': 'tomorrow' {NOT_A_TIME}; nothing was imported"
    )
    assert snapshot(store) == before


# ---------------------------------------------------------------- types


def test_types_are_detected_and_empty_fields_are_null(workdir: Path) -> None:
    write_rows(
        workdir / "calls.csv",
        "id,waited_s,rating,agent,comment",
        ["1,30,4.5,Ann,", "2,-7,3,Bo,late", "3,,,,"],
    )
    result = load("calls.csv", "calls")
    assert result.exit_code == Exit.OK
    assert declared("store.db", "calls") == {
        "id": "INTEGER",
        "waited_s": "INTEGER",
        "rating": "REAL",
        "agent": "TEXT",
        "comment": "TEXT",
    }
    assert query(
        "store.db", "SELECT *, typeof(waited_s), typeof(rating) FROM calls ORDER BY id"
    ) == [
        (1, 30, 4.5, "Ann", None, "integer", "real"),
        (2, -7, 3.0, "Bo", "late", "integer", "real"),
        (3, None, None, None, None, "null", "null"),
    ]


def test_a_column_numeric_in_the_first_1000_rows_and_text_later_is_text(workdir: Path) -> None:
    codes = [("A7" if n == 1100 else str(n)) for n in range(1, 1201)]
    write_rows(
        workdir / "orders.csv", "id,code", [f"{n},{code}" for n, code in enumerate(codes, start=1)]
    )
    result = load("orders.csv", "orders")
    assert result.exit_code == Exit.OK
    assert result.stderr == "imported 1,200 rows into orders (store.db)\n"
    assert declared("store.db", "orders") == {"id": "INTEGER", "code": "TEXT"}
    assert query("store.db", "SELECT DISTINCT typeof(code) FROM orders") == [("text",)]
    assert [r[0] for r in query("store.db", "SELECT code FROM orders ORDER BY id")] == codes


def test_a_widened_column_keeps_the_text_as_written(workdir: Path) -> None:
    codes = [("A7" if n == 1100 else f"{n:05d}") for n in range(1, 1201)]
    amounts = [("n/a" if n == 1100 else f"{n}.50") for n in range(1, 1201)]
    write_rows(
        workdir / "orders.csv",
        "id,code,amount",
        [f"{n},{c},{a}" for n, c, a in zip(range(1, 1201), codes, amounts, strict=True)],
    )
    load("orders.csv", "orders")
    assert declared("store.db", "orders") == {"id": "INTEGER", "code": "TEXT", "amount": "TEXT"}
    assert query(
        "store.db", "SELECT code, amount FROM orders WHERE id IN (1, 1100) ORDER BY id"
    ) == [
        ("00001", "1.50"),
        ("A7", "n/a"),
    ]


# ---------------------------------------------------------------- times

TIMES = "id,created_at\n1,2026-03-05T01:14:27Z\n2,2026-03-05T09:14:27+08:00\n3,2026-03-05 09:14\n4,2026-03-05\n5,\n"
# In Asia/Shanghai: the same instant three ways, then local midnight of 5 March, then NULL.
SHANGHAI = [(1, 1772673267.0), (2, 1772673267.0), (3, 1772673240.0), (4, 1772640000.0), (5, None)]


@pytest.mark.parametrize("zone", ["--timezone", "--plan"])
def test_naive_times_are_read_in_the_zone_given_or_the_plans(
    workdir: Path, plan: str, zone: str
) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    given = "Asia/Shanghai" if zone == "--timezone" else plan
    result = load("times.csv", "tickets", "--time", "created_at", zone, given)
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT id, created_at FROM tickets ORDER BY id") == SHANGHAI
    assert query("store.db", "SELECT * FROM time_columns") == [
        ("tickets", "created_at", "Asia/Shanghai")
    ]


def test_timezone_wins_over_the_plans(workdir: Path, plan: str) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    load("times.csv", "t", "--time", "created_at", "--plan", plan, "--timezone", "UTC")
    assert query("store.db", "SELECT created_at FROM t WHERE id = 3") == [(1772702040.0,)]


def test_each_time_column_has_an_index_that_range_queries_use(workdir: Path) -> None:
    write_rows(
        workdir / "tickets.csv",
        "id,created_at,resolved_at",
        ["1,2026-03-05T01:00:00Z,2026-03-05T02:00:00Z", "2,2026-03-06T01:00:00Z,"],
    )
    load("tickets.csv", "tickets", "--time", "created_at", "--time", "resolved_at")
    indexed = sorted(
        query("store.db", f"PRAGMA index_info('{name}')")[0][2]
        for _, name, *_ in query("store.db", "PRAGMA index_list(tickets)")
    )
    assert indexed == ["created_at", "resolved_at"]
    for column in ("created_at", "resolved_at"):
        plan_rows = query(
            "store.db",
            f"EXPLAIN QUERY PLAN SELECT count(*) FROM tickets WHERE {column} >= 1772640000 AND {column} < 1772726400",
        )
        assert any("USING" in row[-1] and "INDEX" in row[-1] for row in plan_rows), plan_rows
    assert query("store.db", "SELECT count(*) FROM tickets WHERE resolved_at IS NULL") == [(1,)]


def test_an_unknown_time_column_is_refused_with_a_suggestion(workdir: Path) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    result = load("times.csv", "t", "--time", "created")
    refused(
        result,
        "times.csv: there is no column 'created' to read as a time (did you mean 'created_at'?); nothing was imported",
    )
    assert leftovers(workdir, "store.db") == []


def test_an_unknown_timezone_is_refused(workdir: Path) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    result = load("times.csv", "t", "--timezone", "Mars/Olympus")
    refused(result, "unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Shanghai")
    assert leftovers(workdir, "store.db") == []


def test_a_time_column_named_in_another_case_is_indexed_and_recorded(workdir: Path) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    result = load("times.csv", "t", "--time", "CREATED_AT", "--timezone", "Asia/Shanghai")
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT id, created_at FROM t ORDER BY id") == SHANGHAI
    assert query("store.db", "SELECT * FROM time_columns") == [("t", "created_at", "Asia/Shanghai")]
    assert query("store.db", "PRAGMA index_list(t)") != []


def test_reimporting_without_time_keeps_a_time_column_a_time(workdir: Path) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    load("times.csv", "t", "--time", "created_at")
    before = snapshot(workdir / "store.db")
    result = load("times.csv", "t")
    # Either refused, with nothing written, or read as the time column it is.
    if result.exit_code == Exit.CANNOT_RUN:
        assert snapshot(workdir / "store.db") == before
    assert declared("store.db", "t")["created_at"] == "REAL"
    assert query(
        "store.db", "SELECT DISTINCT typeof(created_at) FROM t WHERE created_at IS NOT NULL"
    ) == [("real",)]


def test_time_on_a_column_already_holding_text_is_refused_or_converted(workdir: Path) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    load("times.csv", "t")
    before = snapshot(workdir / "store.db")
    result = load("times.csv", "t", "--time", "created_at")
    if result.exit_code == Exit.CANNOT_RUN:
        assert snapshot(workdir / "store.db") == before
    else:
        assert query(
            "store.db", "SELECT DISTINCT typeof(created_at) FROM t WHERE created_at IS NOT NULL"
        ) == [("real",)]


# ---------------------------------------------------------------- all or nothing


def big_file(path: Path, bad_line: int, bad_value: str = "not yet", rows: int = 6000) -> None:
    """`rows` tickets after a header; the time on line `bad_line` of the file is `bad_value`."""
    lines = [
        f"{n},{bad_value if n + 1 == bad_line else f'2026-04-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z'},chat,5,"
        for n in range(1, rows + 1)
    ]
    write_rows(path, "id,created_at,channel,first_response_min,note", lines)


@pytest.mark.parametrize("table", ["tickets", "later"])
def test_a_bad_time_on_row_5000_of_6000_imports_nothing(store: Path, table: str) -> None:
    big_file(store.parent / "big.csv", bad_line=5001)  # data row 5,000
    before = snapshot(store)
    result = load("big.csv", table, "--time", "created_at")
    refused(
        result, f"big.csv:5001: column 'created_at': 'not yet' {NOT_A_TIME}; nothing was imported"
    )
    assert snapshot(store) == before
    assert "later" not in tables(store)
    assert query(store, "SELECT count(*) FROM tickets") == [(3,)]


def test_a_row_with_too_many_fields_imports_nothing(store: Path) -> None:
    write_rows(store.parent / "wide.csv", "id,channel", ["4,chat", "5,phone,extra", "6,email"])
    before = snapshot(store)
    result = load("wide.csv", "tickets")
    refused(
        result, "wide.csv:3: expected 2 fields, as in the header, found 3; nothing was imported"
    )
    assert snapshot(store) == before


@pytest.mark.parametrize("name", ["latin1.csv", "latin1.tsv", "latin1.ndjson", "latin1.json"])
def test_a_file_that_is_not_utf8_imports_nothing(store: Path, name: str) -> None:
    content = {
        "csv": b"id,channel\n4,caf\xe9\n",
        "tsv": b"id\tchannel\n4\tcaf\xe9\n",
        "ndjson": b'{"id": 4}\n{"id": 5, "channel": "caf\xe9"}\n',
        "json": b'[{"id": 4, "channel": "caf\xe9"}]',
    }[name.rsplit(".", 1)[1]]
    (store.parent / name).write_bytes(content)
    before = snapshot(store)
    result = load(name, "tickets")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr.startswith(f"goalline: error: {name}")
    assert result.stderr.endswith(": this is not UTF-8 text; nothing was imported\n")
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("name", "line"), [("small.csv", 3), ("big.csv", 5001), ("big.ndjson", 5000)]
)
def test_a_file_that_is_not_utf8_names_the_bad_line(workdir: Path, name: str, line: int) -> None:
    if name == "small.csv":
        content = b"id,channel\n4,chat\n5,caf\xe9\n"
    elif name == "big.csv":
        content = b"id,channel\n" + b"".join(
            (b"5000,caf\xe9\n" if n == 5000 else f"{n},chat{n}\n".encode()) for n in range(1, 6001)
        )
    else:
        content = b"".join(
            (b'{"id": "caf\xe9"}\n' if n == 5000 else f'{{"id": {n}}}\n'.encode())
            for n in range(1, 6001)
        )
    (workdir / name).write_bytes(content)
    result = load(name, "t")
    refused(result, f"{name}:{line}: this is not UTF-8 text; nothing was imported")


def test_an_empty_file_imports_nothing(store: Path) -> None:
    (store.parent / "empty.csv").write_bytes(b"")
    before = snapshot(store)
    result = load("empty.csv", "tickets")
    refused(
        result,
        "empty.csv: the file is empty; a first line must name the columns; nothing was imported",
    )
    assert snapshot(store) == before


def test_an_empty_ndjson_file_is_named(store: Path) -> None:
    (store.parent / "empty.ndjson").write_bytes(b"")
    result = load("empty.ndjson", "tickets")
    refused(result, "empty.ndjson: there are no records to import; nothing was imported")


def test_a_missing_file_creates_no_store(workdir: Path) -> None:
    result = load("missing.csv", "tickets")
    refused(result, "cannot read missing.csv: No such file or directory")
    assert leftovers(workdir, "store.db") == []


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (
            "id,created_at\n1,soon\n",
            ["--time", "created_at"],
            f"new.csv:2: column 'created_at': 'soon' {NOT_A_TIME}",
        ),
        ("id,channel\n1,chat,x\n", [], "new.csv:2: expected 2 fields, as in the header, found 3"),
        ("", [], "new.csv: the file is empty; a first line must name the columns"),
        (
            "id,channel\n1,chat\n",
            ["--pk", "key"],
            "new.csv: there is no column 'key' to use as the key",
        ),
        (
            "id,channel\n1,chat\n",
            ["--table", "imports"],
            "'imports' is a name goalline keeps for itself; choose another",
        ),
    ],
)
def test_a_store_the_failed_import_created_is_removed(
    workdir: Path, content: str, extra: list[str], message: str
) -> None:
    (workdir / "new.csv").write_text(content, encoding="utf-8")
    result = load("new.csv", "tickets", *extra)
    refused(result, f"{message}; nothing was imported")
    assert leftovers(workdir, "store.db") == []


def test_a_failed_import_into_a_zero_byte_file_leaves_it_empty(workdir: Path) -> None:
    (workdir / "store.db").write_bytes(b"")
    write_rows(workdir / "wide.csv", "id,channel", ["1,chat,x"])
    result = load("wide.csv", "tickets")
    assert result.exit_code == Exit.CANNOT_RUN
    assert (workdir / "store.db").read_bytes() == b""


# ---------------------------------------------------------------- --pk

FIRST = "id,channel,minutes\n1,phone,12\n2,chat,3\n"
SECOND = "id,channel,minutes\n1,phone,12\n2,chat,8\n3,email,40\n"


def test_reimporting_with_pk_adds_no_rows(workdir: Path) -> None:
    (workdir / "first.csv").write_text(FIRST, encoding="utf-8")
    for _ in range(3):
        result = load("first.csv", "tickets", "--pk", "id")
        assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT * FROM tickets ORDER BY id") == [
        (1, "phone", 12),
        (2, "chat", 3),
    ]
    assert query("store.db", "SELECT name, pk FROM pragma_table_info('tickets') WHERE pk > 0") == [
        ("id", 1)
    ]


def test_reimporting_with_pk_updates_a_changed_row_and_adds_a_new_one(workdir: Path) -> None:
    (workdir / "first.csv").write_text(FIRST, encoding="utf-8")
    (workdir / "second.csv").write_text(SECOND, encoding="utf-8")
    load("first.csv", "tickets", "--pk", "id")
    result = load("second.csv", "tickets", "--pk", "id")
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT * FROM tickets ORDER BY id") == [
        (1, "phone", 12),
        (2, "chat", 8),
        (3, "email", 40),
    ]


def test_pk_added_to_a_table_imported_without_one(workdir: Path) -> None:
    (workdir / "first.csv").write_text(FIRST, encoding="utf-8")
    (workdir / "second.csv").write_text(SECOND, encoding="utf-8")
    load("first.csv", "tickets")
    result = load("second.csv", "tickets", "--pk", "id")
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT * FROM tickets ORDER BY id") == [
        (1, "phone", 12),
        (2, "chat", 8),
        (3, "email", 40),
    ]


def test_a_pk_that_is_not_a_column_is_refused(store: Path) -> None:
    before = snapshot(store)
    result = load("tickets.csv", "tickets", "--pk", "ID")
    refused(result, "tickets.csv: there is no column 'ID' to use as the key; nothing was imported")
    assert snapshot(store) == before


def test_a_pk_over_duplicate_keys_already_stored_is_refused(workdir: Path) -> None:
    (workdir / "dup.csv").write_text("id,channel\n1,chat\n1,phone\n", encoding="utf-8")
    load("dup.csv", "tickets")
    before = snapshot(workdir / "store.db")
    result = load("dup.csv", "tickets", "--pk", "id")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr.startswith("goalline: error: ")
    assert "internal error" not in result.stderr
    assert "tickets.id" in result.stderr
    assert snapshot(workdir / "store.db") == before


def test_a_write_refused_early_in_a_long_file_stops_reading_it(store: Path) -> None:
    """The file is read by a second process while the store is written: when the store
    refuses the first row, that reader stops too, and no process is left behind."""
    connection = sqlite3.connect(store)
    connection.execute("CREATE UNIQUE INDEX one_ticket ON tickets (id)")  # added by the user
    connection.close()
    big_file(store.parent / "big.csv", bad_line=0, rows=50_000)  # ids 1, 2, 3 are stored
    before = snapshot(store)
    result = load("big.csv", "tickets", "--time", "created_at")
    assert result.exit_code == Exit.CANNOT_RUN
    assert "UNIQUE constraint failed: tickets.id" in result.stderr
    assert result.stderr.count("nothing was") == 1
    assert snapshot(store) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_failed_write_says_nothing_was_imported_once(workdir: Path) -> None:
    (workdir / "dup.csv").write_text("id,channel\n1,chat\n1,phone\n", encoding="utf-8")
    load("dup.csv", "tickets")
    result = load("dup.csv", "tickets", "--pk", "id")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr.count("nothing was") == 1


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
    result = run(*args, "--db", "their.db")
    refused(result, message.format(db="their.db") + suffix)
    assert snapshot(workdir / "their.db") == before
    assert leftovers(workdir, "their.db") == ["their.db"]


@pytest.mark.parametrize(
    "table", ['x"; DROP TABLE tickets; --', "1st", "my table", "`tickets`", "tickets;", ""]
)
def test_a_table_name_that_is_not_an_identifier_is_refused(store: Path, table: str) -> None:
    before = snapshot(store)
    result = load("tickets.csv", table)
    refused(
        result,
        f"table '{table}' must be an identifier (letters, digits and _, not starting with a digit), as plans name it",
    )
    assert snapshot(store) == before


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
def test_a_table_name_goalline_keeps_is_refused(store: Path, table: str) -> None:
    before = snapshot(store)
    result = load("tickets.csv", table)
    refused(
        result,
        f"'{table}' is a name goalline keeps for itself; choose another; nothing was imported",
    )
    assert snapshot(store) == before


def test_a_table_name_goalline_keeps_is_refused_in_any_case(store: Path) -> None:
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


def test_hostile_column_names_and_values_are_stored_literally(store: Path) -> None:
    with (store.parent / "hostile.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HOSTILE_HEADER)
        writer.writerows(HOSTILE_ROWS)
    run("record", "nps", "42", "--db", "store.db", "--at", "2026-03-01")
    for _ in range(2):  # the second time, as an upsert on the hostile key
        result = load("hostile.csv", "order", "--pk", "key", "--time", "`at`")
        assert result.exit_code == Exit.OK, result.stderr
    assert list(declared(store, "order")) == HOSTILE_HEADER
    assert query(store, 'SELECT * FROM "order" ORDER BY rowid') == [
        ('x"; DROP TABLE tickets; --', "'); DROP TABLE tickets; --", 1772673267.0, '"q"', "`b`"),
        ("Robert'); DROP TABLE measurements;--", None, None, "it's", "a]b"),
    ]
    assert query(store, "SELECT * FROM time_columns ORDER BY table_name") == [
        ("order", "`at`", "UTC"),
        ("tickets", "created_at", "UTC"),
    ]
    assert query(store, "SELECT count(*) FROM tickets") == [(3,)]
    assert query(store, "SELECT indicator, value FROM measurements") == [("nps", 42.0)]
    assert set(tables(store)) >= {"tickets", "order", "measurements", "milestone_events", "imports"}


def test_hostile_time_and_key_names_that_are_not_columns_are_named(store: Path) -> None:
    result = load("tickets.csv", "t", "--pk", '"; DROP TABLE tickets; --')
    refused(
        result,
        "tickets.csv: there is no column '\"; DROP TABLE tickets; --' to use as the key; nothing was imported",
    )
    assert query(store, "SELECT count(*) FROM tickets") == [(3,)]


# ---------------------------------------------------------------- record


@pytest.mark.parametrize(
    ("args", "given", "stored"),
    [
        (["nps", "42"], "42", 42.0),
        (["nps", "1e3"], "1e3", 1000.0),
        (["nps", "0"], "0", 0.0),
        (["nps", " 7 "], " 7 ", 7.0),
        (["--", "nps", "-3.5"], "-3.5", -3.5),
        (["nps", "-3.5"], "-3.5", -3.5),  # a net promoter score is often negative
        (["nps", "-12"], "-12", -12.0),
    ],
)
def test_record_stores_a_number(workdir: Path, args: list[str], given: str, stored: float) -> None:
    options = ["--db", "store.db", "--at", "2026-03-01T01:30Z", "--note", "Q1 survey"]
    result = run("record", *options, *args)
    assert result.exit_code == Exit.OK
    assert result.stdout == ""
    assert result.stderr == f"recorded nps = {given} at 2026-03-01T01:30:00+00:00\n"
    assert query(
        "store.db", "SELECT indicator, at, value, typeof(value), note FROM measurements"
    ) == [("nps", 1772328600.0, stored, "real", "Q1 survey")]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "'abc' is not a number"),
        ("", "'' is not a number"),
        ("4,5", "'4,5' is not a number"),
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
    ],
)
def test_record_refuses_what_is_not_a_number(workdir: Path, given: str, message: str) -> None:
    result = run("record", "--db", "store.db", "--", "nps", given)
    refused(result, message)
    assert leftovers(workdir, "store.db") == []


@pytest.mark.parametrize(
    ("at", "seconds"),
    [
        ("2026-03-01", 1772294400.0),  # local midnight in Shanghai
        ("2026-03-01T09:30", 1772328600.0),
        ("2026-03-01T01:30Z", 1772328600.0),
        ("2026-03-01T09:30+08:00", 1772328600.0),
        ("2026-03-01T03:30+02:00", 1772328600.0),
    ],
)
def test_record_at_a_date_or_a_time(workdir: Path, at: str, seconds: float) -> None:
    result = run(
        "record", "nps", "31", "--db", "store.db", "--at", at, "--timezone", "Asia/Shanghai"
    )
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT at FROM measurements") == [(seconds,)]


def test_record_at_a_naive_time_in_the_plans_zone(workdir: Path, plan: str) -> None:
    result = run("record", "nps", "31", "--db", "store.db", "--at", "2026-03-01", "--plan", plan)
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT indicator, at, value FROM measurements") == [
        ("nps", 1772294400.0, 31.0)
    ]


def test_record_at_defaults_to_now(workdir: Path) -> None:
    before = time.time()
    result = run("record", "nps", "31", "--db", "store.db")
    after = time.time()
    assert result.exit_code == Exit.OK
    [(at, recorded_at)] = query("store.db", "SELECT at, recorded_at FROM measurements")
    assert isinstance(at, float)
    assert before - 1 <= at <= after + 1
    assert isinstance(recorded_at, str)
    assert before - 2 <= datetime.fromisoformat(recorded_at).timestamp() <= after + 1


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a valid date or date-time"),
        (
            "yesterday",
            "'yesterday' is not a date (2026-07-01) or a date-time (2026-07-01T09:30, 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)",
        ),
    ],
)
def test_record_refuses_a_bad_at(workdir: Path, at: str, message: str) -> None:
    result = run("record", "nps", "31", "--db", "store.db", "--at", at)
    refused(result, message)
    assert leftovers(workdir, "store.db") == []


def test_record_with_a_plan_refuses_an_unknown_indicator(workdir: Path, plan: str) -> None:
    result = run("record", "npx", "31", "--db", "store.db", "--plan", plan)
    refused(result, f"plan {plan} has no indicator 'npx' (did you mean 'nps'?)")
    result = run("record", "chatbot", "31", "--db", "store.db", "--plan", plan)
    refused(result, f"plan {plan} has no indicator 'chatbot'")
    assert leftovers(workdir, "store.db") == []


def test_record_with_a_plan_refuses_a_measured_indicator(workdir: Path, plan: str) -> None:
    result = run("record", "answered", "31", "--db", "store.db", "--plan", plan)
    refused(result, "indicator 'answered' is computed by its measure; it takes no values")
    assert leftovers(workdir, "store.db") == []


def test_record_confirms_in_the_zone_the_user_wrote_in(workdir: Path) -> None:
    result = run(
        "record",
        "nps",
        "31",
        "--db",
        "store.db",
        "--at",
        "2026-03-01",
        "--timezone",
        "Asia/Shanghai",
    )
    assert result.stderr == "recorded nps = 31 at 2026-03-01T00:00:00+08:00\n"


# ---------------------------------------------------------------- done


def test_done_on_a_day_with_a_note(workdir: Path, plan: str) -> None:
    result = run(
        "done",
        "chatbot",
        "--db",
        "store.db",
        "--on",
        "2026-05-01",
        "--note",
        "soft launch",
        "--plan",
        plan,
    )
    assert result.exit_code == Exit.OK
    assert result.stdout == ""
    assert result.stderr == "recorded chatbot as done on 2026-05-01\n"
    assert query("store.db", "SELECT milestone, on_date, note FROM milestone_events") == [
        ("chatbot", "2026-05-01", "soft launch")
    ]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_done_defaults_to_today_in_the_zone(workdir: Path, zone: str) -> None:
    before = datetime.now(ZoneInfo(zone)).date()
    result = run("done", "chatbot", "--db", "store.db", "--timezone", zone)
    after = datetime.now(ZoneInfo(zone)).date()
    assert result.exit_code == Exit.OK
    [(on_date,)] = query("store.db", "SELECT on_date FROM milestone_events")
    assert on_date in {before.isoformat(), after.isoformat()}


def test_done_defaults_to_today_in_the_plans_zone(workdir: Path, plan: str) -> None:
    before = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    result = run("done", "chatbot", "--db", "store.db", "--plan", plan)
    after = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert result.exit_code == Exit.OK
    [(on_date,)] = query("store.db", "SELECT on_date FROM milestone_events")
    assert on_date in {before.isoformat(), after.isoformat()}


@pytest.mark.parametrize("on", ["05/01/2026", "2026-02-30", "tomorrow"])
def test_done_refuses_a_bad_day(workdir: Path, on: str) -> None:
    result = run("done", "chatbot", "--db", "store.db", "--on", on)
    refused(result, f"'{on}' is not a date; write it as 2026-05-31")
    assert leftovers(workdir, "store.db") == []


def test_done_with_a_plan_refuses_an_unknown_milestone(workdir: Path, plan: str) -> None:
    result = run("done", "chatbto", "--db", "store.db", "--plan", plan)
    refused(result, f"plan {plan} has no milestone 'chatbto' (did you mean 'chatbot'?)")
    result = run("done", "nps", "--db", "store.db", "--plan", plan)
    refused(result, f"plan {plan} has no milestone 'nps'")
    assert leftovers(workdir, "store.db") == []


def test_done_twice_keeps_both_and_the_earliest_counts(workdir: Path) -> None:
    run("done", "chatbot", "--db", "store.db", "--on", "2026-05-20", "--note", "relaunch")
    run("done", "chatbot", "--db", "store.db", "--on", "2026-05-01", "--note", "first launch")
    assert query("store.db", "SELECT on_date, note FROM milestone_events ORDER BY id") == [
        ("2026-05-20", "relaunch"),
        ("2026-05-01", "first launch"),
    ]
    with Store.open("store.db") as store:
        completion = store.completions()["chatbot"]
    assert (completion.on.isoformat(), completion.note) == ("2026-05-01", "first launch")


def test_one_row_is_one_row(workdir: Path) -> None:
    (workdir / "one.csv").write_text("id\n1\n", encoding="utf-8")
    result = load("one.csv", "t")
    assert result.stderr == "imported 1 row into t (store.db)\n"


# ---------------------------------------------------------------- concurrency


def test_reading_while_another_process_imports_is_never_locked_out(store: Path) -> None:
    """A review session reads while a headless import of 200,000 rows writes (WAL mode)."""
    rows = 200_000
    with (store.parent / "huge.csv").open("w", encoding="utf-8") as handle:
        handle.write("id,created_at,channel,first_response_min,note\n")
        handle.writelines(
            f"{n},2026-04-01T08:00:00+08:00,chat,{n % 97},\n" for n in range(10, rows + 10)
        )
    assert query(store, "PRAGMA journal_mode") == [("wal",)]
    assert query(store, "PRAGMA application_id") == [(0x676F616C,)]

    # goalline's own reader first: Store.open before the other connections of this process
    # (see test_store.py for what happens the other way round).
    session = Store.open(str(store))
    # A reader that holds one read transaction for the whole import: it must not stop the writer.
    held = sqlite3.connect(store, isolation_level=None)
    held.execute("BEGIN")
    assert held.execute("SELECT count(*) FROM tickets").fetchone() == (3,)
    reader = sqlite3.connect(store)  # the default busy timeout of a plain client

    importing = subprocess.Popen(
        [
            str(GOALLINE),
            "import",
            "huge.csv",
            "--db",
            "store.db",
            "--table",
            "tickets",
            "--time",
            "created_at",
        ],
        cwd=store.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    reads = 0
    deadline = time.monotonic() + 60
    try:
        while importing.poll() is None:
            assert time.monotonic() < deadline, "the import did not finish within 60 s"
            seen.add(reader.execute("SELECT count(*) FROM tickets").fetchone()[0])
            seen.add(session.fetch("SELECT count(*) FROM tickets WHERE created_at >= ?", [0])[0][0])
            reads += 1
        out, err = importing.communicate(timeout=60)
        # The held transaction still sees the store as it was when it began.
        assert held.execute("SELECT count(*) FROM tickets").fetchone() == (3,)
        held.execute("COMMIT")
        assert held.execute("SELECT count(*) FROM tickets").fetchone() == (rows + 3,)
    finally:
        held.close()
        reader.close()
        session.close()
        if importing.poll() is None:
            importing.kill()
            importing.wait()
    assert (importing.returncode, out, err) == (
        0,
        "",
        f"imported {rows:,} rows into tickets (store.db)\n",
    )
    assert reads > 0
    # Readers see all of the import or none of it, never a part.
    assert seen <= {3, rows + 3}
    assert query(store, "SELECT count(*), min(id), max(id) FROM tickets") == [
        (rows + 3, 1, rows + 9)
    ]
    assert query(store, "PRAGMA integrity_check") == [("ok",)]
    with Store.open(str(store)) as reopened:
        assert reopened.schema_version == SCHEMA_VERSION
