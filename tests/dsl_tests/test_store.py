"""The store and the import reader, called directly: what `Store` and `prepare` promise.

Everything is read back with plain `sqlite3`, as another program would see it. The commands
that use them are tested in tests/cli_tests/import_record_done/.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dsl.store.database import APPLICATION_ID, Completion, Store, StoreError
from dsl.store.dialect import quote
from dsl.store.errors import ImportProblem
from dsl.store.imports.reading import format_of, prepare
from dsl.store.imports.writing import Imported, ImportPlan

from ..helpers import query, snapshot

NOW = "2026-07-01T00:00:00+00:00"


def leftovers(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def import_plan(table: str = "tickets", **changes: Any) -> ImportPlan:
    fields: dict[str, Any] = {
        "table": table,
        "columns": ("id", "created_at", "channel"),
        "types": {"id": "integer", "created_at": "float", "channel": "text"},
        "time_columns": frozenset({"created_at"}),
        "pk": None,
        "source": "tickets.csv",
        "timezone": "Asia/Shanghai",
        "now": NOW,
    }
    fields.update(changes)
    return ImportPlan(**fields)


ROWS = [[1, 1772673267.0, "phone"], [2, 1772673268.0, "chat"], [3, None, "email"]]


@pytest.fixture
def tickets_store(tmp_path: Path) -> Path:
    """A store holding three tickets, closed again."""
    path = tmp_path / "store.db"
    with Store.open(str(path), create=True) as store:
        assert store.import_rows(import_plan(), ROWS) == Imported(3, 3, {"created_at": 1})
    return path


def other_program_file(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO people VALUES (1, 'Ann')")
    connection.close()
    return path


def empty_sqlite_file(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("VACUUM")  # writes the header page: a valid SQLite file with no tables
    connection.close()
    assert path.stat().st_size > 0
    return path


# ---------------------------------------------------------------- opening and creating


def test_opening_a_missing_store_without_create_is_refused_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    with pytest.raises(StoreError) as raised:
        Store.open(str(path))
    assert str(raised.value) == f"there is no store at {path}: import data or record a value first"
    assert leftovers(path) == []


def test_a_new_store_is_wal_with_the_goalline_application_id_and_schema_version_5(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    with Store.open(str(path), create=True) as store:
        assert store.schema_version == 5
        assert store.table_names() == []
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    assert int.from_bytes(b"goal", "big") == APPLICATION_ID
    assert connection.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall() == [
        ("goalline", "m001_initial"),
        ("goalline", "m002_reviews"),
        ("goalline", "m003_outbox"),
        ("goalline", "m004_time_formats"),
        ("goalline", "m005_time_order"),
    ]
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"measurements", "milestone_events", "time_columns", "imports"} <= tables
    connection.close()


def test_reopening_a_store_writes_nothing(tickets_store: Path) -> None:
    before = snapshot(tickets_store)
    with Store.open(str(tickets_store)) as store:
        assert store.schema_version == 5
        assert store.table_names() == ["tickets"]
    assert snapshot(tickets_store) == before


@pytest.mark.parametrize("create", [False, True])
def test_a_text_file_is_refused_and_left_untouched(tmp_path: Path, create: bool) -> None:
    path = tmp_path / "notes.db"
    path.write_text("id,name\n1,Ann\n", encoding="utf-8")
    with pytest.raises(StoreError) as raised:
        Store.open(str(path), create=create)
    assert str(raised.value) == (
        f"{path} is not a goalline store (not a SQLite file); it was left untouched"
    )
    assert path.read_text(encoding="utf-8") == "id,name\n1,Ann\n"
    assert leftovers(path) == ["notes.db"]


@pytest.mark.parametrize("create", [False, True])
def test_another_programs_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, create: bool
) -> None:
    path = other_program_file(tmp_path / "crm.db")
    before = snapshot(path)
    with pytest.raises(StoreError) as raised:
        Store.open(str(path), create=create)
    assert str(raised.value) == f"{path} is not a goalline store; it was left untouched"
    assert snapshot(path) == before
    assert leftovers(path) == ["crm.db"]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT * FROM people").fetchall() == [(1, "Ann")]
    connection.close()


@pytest.mark.parametrize("create", [False, True])
def test_an_empty_sqlite_file_is_refused_and_left_untouched(tmp_path: Path, create: bool) -> None:
    path = empty_sqlite_file(tmp_path / "empty.db")
    before = snapshot(path)
    with pytest.raises(StoreError) as raised:
        Store.open(str(path), create=create)
    assert str(raised.value) == f"{path} is an empty SQLite file, not a goalline store"
    assert snapshot(path) == before
    assert leftovers(path) == ["empty.db"]


def test_a_store_written_by_a_newer_goalline_is_refused(tickets_store: Path) -> None:
    with sqlite3.connect(tickets_store) as connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('goalline', 'm999_from_the_future', '2027-01-01')"
        )
    connection.close()
    before = snapshot(tickets_store)
    with pytest.raises(StoreError) as raised:
        Store.open(str(tickets_store))
    assert (
        str(raised.value) == f"{tickets_store} was written by a newer goalline; upgrade to use it"
    )
    assert snapshot(tickets_store) == before


# ---------------------------------------------------------------- import_rows


def test_import_rows_creates_the_table_with_its_types_and_an_index_on_the_time_column(
    tickets_store: Path,
) -> None:
    with Store.open(str(tickets_store)) as store:
        assert store.columns("tickets") == {
            "id": "INTEGER",
            "created_at": "REAL",
            "channel": "TEXT",
        }
        assert store.time_columns("tickets") == frozenset({"created_at"})
        assert store.columns("no_such_table") == {}
        assert store.time_columns("no_such_table") == frozenset()
    connection = sqlite3.connect(tickets_store)
    assert connection.execute(
        "SELECT id, created_at, channel FROM tickets ORDER BY id"
    ).fetchall() == [
        (1, 1772673267.0, "phone"),
        (2, 1772673268.0, "chat"),
        (3, None, "email"),
    ]
    assert connection.execute(
        "SELECT table_name, column_name, timezone FROM time_columns"
    ).fetchall() == [("tickets", "created_at", "Asia/Shanghai")]
    assert connection.execute(
        "SELECT table_name, source, rows, imported_at FROM imports"
    ).fetchall() == [("tickets", "tickets.csv", 3, NOW)]
    indexed = [
        connection.execute(f"PRAGMA index_info({quote(name)})").fetchall()[0][2]
        for _, name, *_ in connection.execute("PRAGMA index_list(tickets)")
    ]
    assert indexed == ["created_at"]
    connection.close()


def test_a_failure_in_the_middle_of_the_rows_writes_nothing(tickets_store: Path) -> None:
    def rows() -> Iterator[list[Any]]:
        for n in range(1, 6001):
            if n == 5000:
                raise ImportProblem("tickets.csv:5001: column 'created_at': 'soon' is not a time")
            yield [n, 1772673267.0 + n, "chat"]

    before = snapshot(tickets_store)
    for table in ("tickets", "more_tickets"):
        with Store.open(str(tickets_store)) as store, pytest.raises(ImportProblem):
            store.import_rows(import_plan(table), rows())
    assert snapshot(tickets_store) == before
    with Store.open(str(tickets_store)) as store:
        assert store.table_names() == ["tickets"]
        assert store.fetch("SELECT count(*) FROM tickets") == [(3,)]
        assert store.fetch("SELECT count(*) FROM imports") == [(1,)]


@pytest.mark.parametrize(
    "table",
    [
        "measurements",
        "milestone_events",
        "time_columns",
        "imports",
        "_sqlite_migrations",
        "_x",
        "sqlite_stat1",
    ],
)
def test_names_goalline_keeps_for_itself_are_refused(tickets_store: Path, table: str) -> None:
    before = snapshot(tickets_store)
    with Store.open(str(tickets_store)) as store, pytest.raises(StoreError) as raised:
        store.import_rows(import_plan(table), ROWS)
    assert str(raised.value) == f"'{table}' is a name goalline keeps for itself; choose another"
    assert snapshot(tickets_store) == before


@pytest.mark.parametrize("table", ["Measurements", "IMPORTS"])
def test_reserved_names_are_refused_whatever_their_case(tickets_store: Path, table: str) -> None:
    with Store.open(str(tickets_store)) as store, pytest.raises(StoreError) as raised:
        store.import_rows(import_plan(table), ROWS)
    assert str(raised.value) == f"'{table}' is a name goalline keeps for itself; choose another"


def test_hostile_identifiers_are_quoted_not_run(tickets_store: Path) -> None:
    hostile = 'x"; DROP TABLE tickets; --'
    columns = (hostile, "`tick`", "it's")
    job = import_plan(
        "order",
        columns=columns,
        types=dict.fromkeys(columns, "text"),
        time_columns=frozenset(),
        pk=hostile,
    )
    with Store.open(str(tickets_store)) as store:
        assert store.import_rows(job, [['a"b', "`x`", "'); DROP TABLE tickets; --"]]).rows == 1
        # an upsert on that key
        assert store.import_rows(job, [['a"b', "`y`", "it's"]]) == Imported(1, 1, {})
        assert store.columns("order") == dict.fromkeys(columns, "TEXT")
        assert store.fetch(f"SELECT * FROM {quote('order')}") == [('a"b', "`y`", "it's")]
        assert store.fetch("SELECT count(*) FROM tickets") == [(3,)]
    assert quote('a"b') == '"a""b"'


# ---------------------------------------------------------------- record, done, completions


def test_record_and_done_write_one_row_each(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store.open(str(path), create=True) as store:
        store.record("nps", 1772294400.0, 42.5, "Q1 survey", NOW)
        store.done("chatbot", date(2026, 5, 1), None, NOW)
    connection = sqlite3.connect(path)
    assert connection.execute(
        "SELECT indicator, at, value, note, recorded_at FROM measurements"
    ).fetchall() == [("nps", 1772294400.0, 42.5, "Q1 survey", NOW)]
    assert connection.execute(
        "SELECT milestone, on_date, note, recorded_at FROM milestone_events"
    ).fetchall() == [("chatbot", "2026-05-01", None, NOW)]
    connection.close()


def test_completions_give_the_earliest_completion_of_each_milestone(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "store.db"), create=True) as store:
        assert store.completions() == {}
        store.done("chatbot", date(2026, 5, 20), "second try", NOW)
        store.done("chatbot", date(2026, 5, 1), "first", NOW)
        store.done("chatbot", date(2026, 6, 2), "third", NOW)
        store.done("wiki", date(2026, 3, 31), None, NOW)
        store.done("wiki", date(2026, 3, 31), "same day, later", NOW)
        assert store.completions() == {
            "chatbot": Completion("chatbot", date(2026, 5, 1), "first"),
            "wiki": Completion("wiki", date(2026, 3, 31), None),
        }


# ---------------------------------------------------------------- the reader


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        ("a.csv", None, "csv"),
        ("a.TSV", None, "tsv"),
        ("a.json", None, "json"),
        ("a.ndjson", None, "ndjson"),
        ("a.jsonl", None, "ndjson"),
        ("export.txt", "csv", "csv"),
        ("<stdin>", "ndjson", "ndjson"),
    ],
)
def test_format_of(name: str, given: str | None, expected: str) -> None:
    assert format_of(name, given) == expected


def test_format_of_refuses_what_it_cannot_tell() -> None:
    with pytest.raises(ImportProblem) as raised:
        format_of("export.txt", None)
    assert str(raised.value) == (
        "export.txt: cannot tell the format from the name; add --format csv, tsv, json or ndjson"
    )
    with pytest.raises(ImportProblem) as raised:
        format_of("a.csv", "xlsx")
    assert str(raised.value) == "unknown format 'xlsx'; use one of csv, tsv, json, ndjson"


def read(data: bytes, fmt: str, times: tuple[str, ...] = (), zone: str = "UTC") -> Any:
    prepared = prepare(io.BytesIO(data), f"data.{fmt}", fmt, times, zone)
    return prepared.columns, prepared.types, list(prepared.rows)


def test_csv_types_are_detected_and_numbers_converted() -> None:
    data = "\ufeffid,score,name,none\n1,4.5,Ann,\n2,3,,\n".encode()
    columns, types, rows = read(data, "csv")
    assert columns == ("id", "score", "name", "none")  # the byte-order mark is not in a name
    assert types["id"] == "integer"
    assert types["score"] == "float"
    assert types["name"] == "text"
    # Empty text fields stay "" here: the INSERT turns them into NULL (see the store tests).
    assert rows == [[1, 4.5, "Ann", ""], [2, 3.0, "", ""]]
    assert types["none"] == "text"  # a column with no value in the first rows stays text


def stored(
    folder: Path, data: bytes, times: tuple[str, ...] = (), zone: str = "UTC", fmt: str = "csv"
) -> list[tuple[Any, ...]]:
    """Import `data` into a new store the way `goalline import` does; the rows read back."""
    with Store.open(str(folder / "store.db"), create=True) as store:
        prepared = prepare(
            io.BytesIO(data), f"data.{fmt}", fmt, times, zone, None, store.converts_times
        )
        columns, types = prepared.columns, prepared.types
        job = import_plan(
            "imported", columns=columns, types=types, time_columns=prepared.time_columns
        )
        store.import_rows(job, prepared.rows)
    connection = sqlite3.connect(folder / "store.db")
    try:
        return connection.execute("SELECT * FROM imported ORDER BY rowid").fetchall()
    finally:
        connection.close()


def test_times_become_seconds_since_1970_utc(tmp_path: Path) -> None:
    data = (
        b"at\n2026-03-05T01:14:27Z\n2026-03-05T09:14:27+08:00\n2026-03-05 09:14\n2026-03-05\n"
        b'2026-03-05T01:14:27.250Z\n2026-03-31T09:14:27+08:00\n""\n\n'
    )
    rows = stored(tmp_path, data, ("at",), "Asia/Shanghai")
    # The same instant three ways; a date alone is local midnight; fractions of a second are
    # kept; an empty field is NULL and a blank line is skipped. The rows are stored in the
    # order of their time (an empty one first), whatever the file's order.
    assert rows == [
        (None,),
        (1772640000.0,),
        (1772673240.0,),
        (1772673267.0,),
        (1772673267.0,),
        (1772673267.25,),
        (1774919667.0,),
    ]


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("2026-02-31T09:14:27+08:00", 3),  # SQLite alone would roll it over into March
        ("2026-04-31T09:14:27Z", 3),
        ("2026-02-28T24:00:00+08:00", 3),  # SQLite alone would take hour 24
        ("0000-01-01T00:00:00+08:00", 3),  # SQLite alone would take year 0
        ("2026-13-01T00:00:00+08:00", 3),
        ("2026-03-05T09:14:27+08:00 ", 3),
        ("later", 1_503),  # after the first 1,000 rows, streamed
    ],
)
def test_a_time_python_would_not_read_stops_the_import_at_its_line(
    tmp_path: Path, value: str, line: int
) -> None:
    good = ["2026-03-05T09:14:27+08:00"] * (line - 2)
    data = "\n".join(["at", *good, f'"{value}"', *good]).encode()
    with pytest.raises(ImportProblem) as raised:
        stored(tmp_path, data, ("at",))
    assert str(raised.value) == (
        f"data.csv:{line}: column 'at': '{value}' is not a time; expected ISO 8601,"
        " such as 2026-03-05T09:14:27+08:00 or 2026-03-05 09:14"
    )
    connection = sqlite3.connect(tmp_path / "store.db")
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()
    assert "imported" not in tables  # nothing was written


def test_numbers_repeated_and_new_are_converted_alike(tmp_path: Path) -> None:
    """Number columns remember what they converted; the values are the same either way."""
    lines = ["n,x"] + [f"{i % 7},{i % 5}.5" for i in range(5_000)] + ["", "123456789,0.1"]
    rows = stored(tmp_path, "\n".join(lines).encode())
    assert rows[:8] == [
        (0, 0.5),
        (1, 1.5),
        (2, 2.5),
        (3, 3.5),
        (4, 4.5),
        (5, 0.5),
        (6, 1.5),
        (0, 2.5),
    ]
    assert rows[-1] == (123456789, 0.1)
    assert len(rows) == 5_001


def test_a_naive_time_is_read_in_the_zone_given() -> None:
    data = json.dumps([{"at": "2026-03-05 09:14"}]).encode()
    assert read(data, "json", ("at",), "UTC")[2] == [[1772702040.0]]
    assert read(data, "json", ("at",), "Asia/Shanghai")[2] == [[1772673240.0]]


def test_json_values_nested_and_empty() -> None:
    data = b'[{"id": 1, "tags": ["a", "b"], "meta": {"k": "v"}, "note": ""}, {"id": 2}]'
    columns, _, rows = read(data, "json")
    assert columns == ("id", "tags", "meta", "note")
    assert rows == [[1, '["a", "b"]', '{"k": "v"}', None], [2, None, None, None]]


def test_json_floats_are_detected_as_float() -> None:
    _, types, _ = read(b'[{"v": 4.5}, {"v": 3}]', "json")
    assert types == {"v": "float"}


def test_a_key_missing_from_the_first_1000_records_stops_the_import() -> None:
    lines = [json.dumps({"id": n}) for n in range(1, 1002)]
    lines[1000] = json.dumps({"id": 1001, "extra": 1})
    with pytest.raises(ImportProblem) as raised:
        read("\n".join(lines).encode(), "ndjson")
    assert str(raised.value) == (
        "data.ndjson:1001: key 'extra' is not among the keys of the first 1,000 records;"
        " give every record the same keys"
    )


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"", "csv", "data.csv: the file is empty; a first line must name the columns"),
        (b"id,id\n1,2\n", "csv", "data.csv:1: column 'id' appears twice"),
        (b"id,,v\n1,2,3\n", "csv", "data.csv:1: column 2 has no name"),
        (b"a,b\n1,2\n3\n", "csv", "data.csv:3: expected 2 fields, as in the header, found 1"),
        (b'{"a": 1}', "json", "data.json: expected a JSON array of objects, as [{...}, {...}]"),
        (b"[1]", "json", 'data.json:1: expected an object such as {"id": 1}'),
        (
            b'{"a": 1}\n{"a": \n',
            "ndjson",
            "data.ndjson:2: not valid JSON (Expecting value at line 2, column 1)",
        ),
        (
            b'[{"at": "2026-01-01"}, {"at": "later"}]',
            "json",
            "data.json:2: column 'at': 'later' is not a time; expected ISO 8601,"
            " such as 2026-03-05T09:14:27+08:00 or 2026-03-05 09:14",
        ),
    ],
)
def test_what_cannot_be_read_is_named_with_file_and_row(
    data: bytes, fmt: str, message: str
) -> None:
    with pytest.raises(ImportProblem) as raised:
        read(data, fmt, ("at",) if b'"at"' in data else ())
    assert str(raised.value) == message


@pytest.mark.parametrize(("data", "fmt"), [(b"", "ndjson"), (b"[]", "json")])
def test_no_records_names_the_file(data: bytes, fmt: str) -> None:
    with pytest.raises(ImportProblem) as raised:
        read(data, fmt)
    assert str(raised.value) == f"data.{fmt}: there are no records to import"


# ---------------------------------------------------------------- sharing the store


HOLDER = """\
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO measurements (indicator, at, value, recorded_at) VALUES ('csat', 0, 90, 'x')")
print("holding", flush=True)
time.sleep(1.0)
c.execute("COMMIT")
c.close()
"""


@pytest.mark.parametrize("write", ["record", "done", "import_rows"])
def test_a_write_waits_for_another_writer_instead_of_failing(
    tickets_store: Path, write: str
) -> None:
    """Another process holds the write lock for a second; the write waits and then succeeds.

    (A write that began with a deferred BEGIN and read the schema first would get "database is
    locked" at once when the other one commits, whatever the busy timeout.)"""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tickets_store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "holding\n"
        started = time.monotonic()
        with Store.open(str(tickets_store)) as store:
            if write == "record":
                store.record("nps", 1772294400.0, 42.0, None, NOW)
            elif write == "done":
                store.done("chatbot", date(2026, 5, 1), None, NOW)
            else:
                store.import_rows(import_plan("later_tickets"), ROWS)
        waited = time.monotonic() - started
    finally:
        assert holder.wait(timeout=60) == 0
    assert waited > 0.3
    connection = sqlite3.connect(tickets_store)
    assert connection.execute("SELECT indicator FROM measurements ORDER BY id").fetchall() == (
        [("csat",), ("nps",)] if write == "record" else [("csat",)]
    )
    assert connection.execute("SELECT count(*) FROM milestone_events").fetchone() == (
        int(write == "done"),
    )
    assert connection.execute("SELECT count(*) FROM imports").fetchone() == (
        2 if write == "import_rows" else 1,
    )
    connection.close()


OTHER_PROCESS = """\
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE tickets SET id = id + 1000000, channel = 'a much longer channel name'")
c.commit()
c.close()
"""


def test_opening_a_store_does_not_pull_the_locks_from_under_other_connections(
    tmp_path: Path,
) -> None:
    """Opening and closing the file outside SQLite drops every POSIX lock this process holds on
    it; another process then takes itself for the last user, checkpoints and removes the WAL
    under a reader of this process ("database disk image is malformed")."""
    path = tmp_path / "store.db"
    with Store.open(str(path), create=True) as store:
        store.import_rows(import_plan(), ([n, 1772673267.0, "chat"] for n in range(20_000)))
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("PRAGMA cache_size = 1")  # read the pages again from the file, not memory
        reader.execute("BEGIN")
        before = reader.execute("SELECT count(*), sum(id) FROM tickets").fetchone()
        assert before == (20_000, 199_990_000)
        Store.open(str(path)).close()  # as a review session might, to record something
        subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(path)], check=True, timeout=60)
        assert reader.execute("SELECT count(*), sum(id) FROM tickets").fetchone() == before
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*), sum(id) FROM tickets").fetchone() == (
            20_000,
            199_990_000 + 20_000 * 1_000_000,
        )
        assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        reader.close()


def test_a_table_imported_out_of_time_order_is_put_in_order_once_when_the_store_opens(
    tmp_path: Path,
) -> None:
    """As an older goalline left it: the rows in file order, keyed by an integer primary key
    (the rowid); m005_time_order sorts them by time and makes the key a unique index."""
    path = tmp_path / "store.db"
    Store.open(str(path), create=True).close()
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at REAL, note TEXT)")
    connection.execute("CREATE INDEX idx_t_at ON t (at)")
    rows = [(1, 30.0, "c"), (2, None, "open"), (3, 10.0, "a"), (4, 20.0, "b")]
    connection.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    connection.execute(
        "INSERT INTO time_columns (table_name, column_name, timezone) VALUES ('t', 'at', 'UTC')"
    )
    connection.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_time_order'")
    connection.commit()
    connection.close()
    with Store.open(str(path)) as store:
        assert store.schema_version == 5
    assert query(path, "SELECT rowid, id, at, note FROM t ORDER BY rowid") == [
        (1, 2, None, "open"),
        (2, 3, 10.0, "a"),
        (3, 4, 20.0, "b"),
        (4, 1, 30.0, "c"),
    ]
    assert query(path, "SELECT name FROM pragma_table_info('t') WHERE pk > 0") == []
    assert query(path, "SELECT name, [unique] FROM pragma_index_list('t') ORDER BY name") == [
        ("idx_t_at", 0),
        ("idx_t_id", 1),
    ]
    # opened again, a table in order is left as it is
    before = snapshot(path)
    with Store.open(str(path)):
        pass
    assert snapshot(path) == before


def test_a_store_opened_read_only_refuses_every_write_and_an_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    with Store.open(str(path), create=True) as store:
        store.record("nps", 1.0, 41.0, None, NOW)
    before = path.read_bytes()
    with Store.open(str(path), read_only=True) as store:
        assert store.first_recorded() == {"nps": 1.0}
        with pytest.raises(StoreError, match="readonly"):
            store.record("nps", 2.0, 42.0, None, NOW)
    assert path.read_bytes() == before
    connection = sqlite3.connect(path)  # as an older goalline left it
    connection.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_time_order'")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError) as raised:
        Store.open(str(path), read_only=True)
    assert str(raised.value) == (
        f"{path} was written by an older goalline: run a command that writes to it (import,"
        " record) once to bring it up to date"
    )
