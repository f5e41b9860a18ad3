"""`goalline import` as a user runs it: every format (CSV, TSV, JSON, JSON lines, standard
input), the column types it detects, times read in the zone given or the plan's (each time
column indexed), re-imports with `--pk`, and the count it reports. Refusals are in
test_import_refusals.py, imports that stop half-way in test_import_all_or_nothing.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from dsl.cli.main import Exit

from ...helpers import query, snapshot
from .conftest import (
    DATA,
    NOT_A_TIME,
    SELECT_TICKETS,
    TICKETS,
    big_file,
    declared,
    leftovers,
    load,
    refused,
    write_rows,
)

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
    assert query("store.db", "SELECT table_name, column_name, timezone FROM time_columns") == [
        ("tickets", "created_at", "UTC")
    ]
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


def test_a_bad_row_on_standard_input_is_named(tickets_db: Path) -> None:
    before = snapshot(tickets_db)
    data = b"id,created_at\n4,2026-03-06T08:00:00Z\n5,tomorrow\n"
    result = load("-", "tickets", "--format", "csv", "--time", "created_at", input=data)
    refused(
        result, f"<stdin>:3: column 'created_at': 'tomorrow' {NOT_A_TIME}; nothing was imported"
    )
    assert snapshot(tickets_db) == before


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
    workdir: Path, tiny_plan: str, zone: str
) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    given = "Asia/Shanghai" if zone == "--timezone" else tiny_plan
    result = load("times.csv", "tickets", "--time", "created_at", zone, given)
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT id, created_at FROM tickets ORDER BY id") == SHANGHAI
    assert query("store.db", "SELECT table_name, column_name, timezone FROM time_columns") == [
        ("tickets", "created_at", "Asia/Shanghai")
    ]


def test_timezone_wins_over_the_plans(workdir: Path, tiny_plan: str) -> None:
    (workdir / "times.csv").write_text(TIMES, encoding="utf-8")
    load("times.csv", "t", "--time", "created_at", "--plan", tiny_plan, "--timezone", "UTC")
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
    assert query("store.db", "SELECT table_name, column_name, timezone FROM time_columns") == [
        ("t", "created_at", "Asia/Shanghai")
    ]
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
    # The key is a unique index rather than the primary key, so that the rows can be kept in
    # the order of their time, not of their key.
    assert query("store.db", "SELECT name, pk FROM pragma_table_info('tickets') WHERE pk > 0") == []
    assert query(
        "store.db",
        "SELECT i.name, c.name FROM pragma_index_list('tickets') AS i,"
        " pragma_index_info(i.name) AS c WHERE i.[unique]",
    ) == [("idx_tickets_id", "id")]


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


def test_a_pk_that_is_not_a_column_is_refused(tickets_db: Path) -> None:
    before = snapshot(tickets_db)
    result = load("tickets.csv", "tickets", "--pk", "ID")
    refused(result, "tickets.csv: there is no column 'ID' to use as the key; nothing was imported")
    assert snapshot(tickets_db) == before


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


def test_a_write_refused_early_in_a_long_file_stops_reading_it(tickets_db: Path) -> None:
    """The file is read by a second process while the store is written: when the store
    refuses the first row, that reader stops too, and no process is left behind."""
    connection = sqlite3.connect(tickets_db)
    connection.execute("CREATE UNIQUE INDEX one_ticket ON tickets (id)")  # added by the user
    connection.close()
    big_file(tickets_db.parent / "big.csv", bad_line=0, rows=50_000)  # ids 1, 2, 3 are stored
    before = snapshot(tickets_db)
    result = load("big.csv", "tickets", "--time", "created_at")
    assert result.exit_code == Exit.CANNOT_RUN
    assert "table 'tickets' holds rows with the same id already" in result.stderr
    assert result.stderr.count("nothing was") == 1
    assert snapshot(tickets_db) == before
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_failed_write_says_nothing_was_imported_once(workdir: Path) -> None:
    (workdir / "dup.csv").write_text("id,channel\n1,chat\n1,phone\n", encoding="utf-8")
    load("dup.csv", "tickets")
    result = load("dup.csv", "tickets", "--pk", "id")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr.count("nothing was") == 1


# ---------------------------------------------------------------- the count


def test_one_row_is_one_row(workdir: Path) -> None:
    (workdir / "one.csv").write_text("id\n1\n", encoding="utf-8")
    result = load("one.csv", "t")
    assert result.stderr == "imported 1 row into t (store.db)\n"
