"""An import is all or nothing: a bad row anywhere (a bad time on row 5,000 of 6,000, a row
too wide, bytes that are not UTF-8, an empty file) imports nothing and leaves the store as
it was; a store the failed import created is removed; and a reader is never locked out
while another process imports, seeing all of the import or none of it."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from dsl.cli.main import Exit
from dsl.store.database import Store
from dsl.store.migrations import SCHEMA_VERSION

from ...helpers import GOALLINE, query, snapshot
from .conftest import NOT_A_TIME, big_file, leftovers, load, refused, tables, write_rows

# ---------------------------------------------------------------- all or nothing


@pytest.mark.parametrize("table", ["tickets", "later"])
def test_a_bad_time_on_row_5000_of_6000_imports_nothing(tickets_db: Path, table: str) -> None:
    big_file(tickets_db.parent / "big.csv", bad_line=5001)  # data row 5,000
    before = snapshot(tickets_db)
    result = load("big.csv", table, "--time", "created_at")
    refused(
        result, f"big.csv:5001: column 'created_at': 'not yet' {NOT_A_TIME}; nothing was imported"
    )
    assert snapshot(tickets_db) == before
    assert "later" not in tables(tickets_db)
    assert query(tickets_db, "SELECT count(*) FROM tickets") == [(3,)]


def test_a_row_with_too_many_fields_imports_nothing(tickets_db: Path) -> None:
    write_rows(tickets_db.parent / "wide.csv", "id,channel", ["4,chat", "5,phone,extra", "6,email"])
    before = snapshot(tickets_db)
    result = load("wide.csv", "tickets")
    refused(
        result, "wide.csv:3: expected 2 fields, as in the header, found 3; nothing was imported"
    )
    assert snapshot(tickets_db) == before


@pytest.mark.parametrize("name", ["latin1.csv", "latin1.tsv", "latin1.ndjson", "latin1.json"])
def test_a_file_that_is_not_utf8_imports_nothing(tickets_db: Path, name: str) -> None:
    content = {
        "csv": b"id,channel\n4,caf\xe9\n",
        "tsv": b"id\tchannel\n4\tcaf\xe9\n",
        "ndjson": b'{"id": 4}\n{"id": 5, "channel": "caf\xe9"}\n',
        "json": b'[{"id": 4, "channel": "caf\xe9"}]',
    }[name.rsplit(".", 1)[1]]
    (tickets_db.parent / name).write_bytes(content)
    before = snapshot(tickets_db)
    result = load(name, "tickets")
    assert result.exit_code == Exit.CANNOT_RUN
    assert result.stderr.startswith(f"goalline: error: {name}")
    assert result.stderr.endswith(": this is not UTF-8 text; nothing was imported\n")
    assert snapshot(tickets_db) == before


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


def test_an_empty_file_imports_nothing(tickets_db: Path) -> None:
    (tickets_db.parent / "empty.csv").write_bytes(b"")
    before = snapshot(tickets_db)
    result = load("empty.csv", "tickets")
    refused(
        result,
        "empty.csv: the file is empty; a first line must name the columns; nothing was imported",
    )
    assert snapshot(tickets_db) == before


def test_an_empty_ndjson_file_is_named(tickets_db: Path) -> None:
    (tickets_db.parent / "empty.ndjson").write_bytes(b"")
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


# ---------------------------------------------------------------- concurrency


def test_reading_while_another_process_imports_is_never_locked_out(tickets_db: Path) -> None:
    """A review session reads while a headless import of 200,000 rows writes (WAL mode)."""
    rows = 200_000
    with (tickets_db.parent / "huge.csv").open("w", encoding="utf-8") as handle:
        handle.write("id,created_at,channel,first_response_min,note\n")
        handle.writelines(
            f"{n},2026-04-01T08:00:00+08:00,chat,{n % 97},\n" for n in range(10, rows + 10)
        )
    assert query(tickets_db, "PRAGMA journal_mode") == [("wal",)]
    assert query(tickets_db, "PRAGMA application_id") == [(0x676F616C,)]

    # goalline's own reader first: Store.open before the other connections of this process
    # (see test_store.py for what happens the other way round).
    session = Store.open(str(tickets_db))
    # A reader that holds one read transaction for the whole import: it must not stop the writer.
    held = sqlite3.connect(tickets_db, isolation_level=None)
    held.execute("BEGIN")
    assert held.execute("SELECT count(*) FROM tickets").fetchone() == (3,)
    reader = sqlite3.connect(tickets_db)  # the default busy timeout of a plain client

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
        cwd=tickets_db.parent,
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
    assert query(tickets_db, "SELECT count(*), min(id), max(id) FROM tickets") == [
        (rows + 3, 1, rows + 9)
    ]
    assert query(tickets_db, "PRAGMA integrity_check") == [("ok",)]
    with Store.open(str(tickets_db)) as reopened:
        assert reopened.schema_version == SCHEMA_VERSION
