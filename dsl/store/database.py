"""The store: one SQLite file holding imported service data and what people record.

This is the only module that opens a store (through sqlite-utils; the review tables are
written by its part in `review_records.py`, and `importing.py` borrows sqlite-utils' type
detection). A store is recognised by its SQLite `application_id`; any other file is
refused before anything is written to it. Every write is one transaction: a failure leaves
the store as it was. WAL mode and a busy timeout let a review session read while a headless
import writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from ..engine.measure_sql import Range
from ..language.checks.schema import Schema
from .dialect import SQLite, quote
from .errors import StoreError as StoreError  # raised by the store, imported from here
from .outbox import OUTBOX_DELIVERIES, OUTBOX_EVENTS, OUTBOX_TABLES, OutboxRecords
from .reviews import (
    ACKNOWLEDGEMENTS,
    REVIEW_ACTIONS,
    REVIEW_NOTES,
    REVIEW_PROPOSALS,
    REVIEW_SESSIONS,
    REVIEW_TABLES,
    ReviewRecords,
    text_or_none,
)

APPLICATION_ID = 0x676F616C  # "goal": marks a SQLite file as a goalline store
BUSY_TIMEOUT_SECONDS = 30
MEASUREMENTS = "measurements"
MILESTONE_EVENTS = "milestone_events"
TIME_COLUMNS = "time_columns"
IMPORTS = "imports"
RESERVED = frozenset(
    (MEASUREMENTS, MILESTONE_EVENTS, TIME_COLUMNS, IMPORTS, *REVIEW_TABLES, *OUTBOX_TABLES)
)
BATCH = 10_000

migrations = Migrations("goalline")
MIGRATION_NAMES: list[str] = []  # in order; their count is the schema version


def migration(step: Callable[[Database], None]) -> Callable[[Database], None]:
    MIGRATION_NAMES.append(step.__name__)
    return migrations()(step)


@migration
def m001_initial(db: Database) -> None:
    db.table(MEASUREMENTS).create(
        {"id": int, "indicator": str, "at": float, "value": float, "note": str, "recorded_at": str},
        pk="id",
        not_null={"indicator", "at", "value", "recorded_at"},
    )
    db.table(MEASUREMENTS).create_index(["indicator", "at"])
    db.table(MILESTONE_EVENTS).create(
        {"id": int, "milestone": str, "on_date": str, "note": str, "recorded_at": str},
        pk="id",
        not_null={"milestone", "on_date", "recorded_at"},
    )
    db.table(TIME_COLUMNS).create(
        {"table_name": str, "column_name": str, "timezone": str}, pk=("table_name", "column_name")
    )
    db.table(IMPORTS).create(
        {"id": int, "table_name": str, "source": str, "rows": int, "imported_at": str}, pk="id"
    )


def _refuse_taken(db: Database, names: tuple[str, ...], purpose: str) -> None:
    """A table imported by an older goalline, which did not keep these names yet."""
    taken = [t for t in db.table_names() if t.lower() in names]
    if taken:
        raise StoreError(
            f"the store has a table named '{taken[0]}', a name goalline now keeps for"
            f" {purpose}; rename that table with a SQLite tool and open the store again"
        )


@migration
def m002_reviews(db: Database) -> None:
    _refuse_taken(db, REVIEW_TABLES, "reviews")
    db.table(ACKNOWLEDGEMENTS).create(
        {"event": str, "acknowledged_by": str, "note": str, "acknowledged_at": str},
        pk="event",
        not_null={"acknowledged_by", "acknowledged_at"},
    )
    db.table(REVIEW_SESSIONS).create(
        {
            "id": int,
            "plan": str,
            "as_of": str,
            "attendees": str,  # a JSON array of names
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"plan", "as_of", "attendees", "started_at"},
    )
    db.table(REVIEW_SESSIONS).create_index(["plan", "finished_at"])
    session = [("session", REVIEW_SESSIONS, "id")]
    db.table(REVIEW_NOTES).create(
        {"session": int, "subject": str, "kind": str, "cause": str, "lesson": str},
        pk=("session", "subject"),
        not_null={"session", "subject", "kind"},
        foreign_keys=session,
    )
    db.table(REVIEW_ACTIONS).create(
        {
            "id": int,
            "session": int,
            "subject": str,
            "title": str,
            "owner": str,
            "due": str,
            "status": str,
            "created_at": str,
        },
        pk="id",
        not_null={"session", "subject", "title", "owner", "status", "created_at"},
        foreign_keys=session,
    )
    db.table(REVIEW_ACTIONS).create_index(["status"])
    db.table(REVIEW_PROPOSALS).create(
        {"session": int, "goal": str, "target": str, "suggestion": str, "note": str},
        pk=("session", "goal"),
        not_null={"session", "goal", "target"},
        foreign_keys=session,
    )


@migration
def m003_outbox(db: Database) -> None:
    _refuse_taken(db, OUTBOX_TABLES, "the outbox")
    db.table(OUTBOX_EVENTS).create(
        {"id": int, "key": str, "payload": str, "created_at": str},
        pk="id",
        not_null={"key", "payload", "created_at"},
    )
    db.table(OUTBOX_EVENTS).create_index(["key"], unique=True)
    db.table(OUTBOX_DELIVERIES).create(
        {
            "event": int,
            "channel": str,
            "recipient": str,
            "status": str,  # pending | sent | failed
            "attempts": int,
            "last_error": str,
            "next_attempt_at": str,  # ISO time, UTC; NULL once sent or given up
            "sent_at": str,
        },
        pk=("event", "channel", "recipient"),
        not_null={"event", "channel", "recipient", "status", "attempts"},
        foreign_keys=[("event", OUTBOX_EVENTS, "id")],
    )
    db.table(OUTBOX_DELIVERIES).create_index(["status", "next_attempt_at"])


SCHEMA_VERSION = len(MIGRATION_NAMES)


@dataclass(frozen=True, slots=True)
class Completion:
    milestone: str
    on: date
    note: str | None


class Store(ReviewRecords, OutboxRecords):
    """An open goalline store. Use `Store.open`; close it, or use it as a context manager."""

    def __init__(self, db: Database, path: str) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str, *, create: bool = False) -> Store:
        """Open the store at `path`; with `create`, make a new one if there is no file."""
        file = Path(path)
        fresh = not file.exists() or (file.is_file() and file.stat().st_size == 0)
        if fresh and not create:
            raise StoreError(f"there is no store at {path}: import data or record a value first")
        # The file is only ever read through SQLite: opening and closing it ourselves would
        # drop the POSIX locks of every other connection this process has on it, and another
        # process could then checkpoint and remove the WAL under a reader.
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from None
        try:
            store = cls(Database(connection), path)
            store._prepare(fresh)
        except sqlite3.DatabaseError as exc:
            connection.close()
            if "not a database" in str(exc):
                raise StoreError(
                    f"{path} is not a goalline store (not a SQLite file); it was left untouched"
                ) from None
            raise StoreError(f"cannot use {path}: {exc}") from None
        except StoreError:
            connection.close()
            raise
        return store

    def _prepare(self, fresh: bool) -> None:
        application_id = self._pragma("application_id")
        if application_id != APPLICATION_ID:
            blank = application_id == 0 and not self.db.table_names()
            if not (fresh or blank):
                raise StoreError(f"{self.path} is not a goalline store; it was left untouched")
            if not fresh:
                raise StoreError(f"{self.path} is an empty SQLite file, not a goalline store")
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous = NORMAL")
        applied = {m.name for m in migrations.applied(self.db)}
        if applied - set(MIGRATION_NAMES):
            raise StoreError(f"{self.path} was written by a newer goalline; upgrade to use it")
        if migrations.pending(self.db):  # older stores move forward, one writer at a time
            with self._writing():
                migrations.apply(self.db)

    def _pragma(self, name: str) -> int:
        return int(self.db.execute(f"PRAGMA {name}").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------ what is in it

    @property
    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def table_names(self) -> list[str]:
        return [t for t in self.db.table_names() if t not in RESERVED and not t.startswith("_")]

    def columns(self, table: str) -> dict[str, str]:
        """Column name to declared type (upper case) of a table, or {} if there is none."""
        if not self.db.table(table).exists():
            return {}
        return {c.name: c.type.upper() for c in self.db.table(table).columns}

    def time_columns(self, table: str) -> frozenset[str]:
        rows = self.db.execute(
            f"SELECT column_name FROM {TIME_COLUMNS} WHERE table_name = ?", [table]
        ).fetchall()
        return frozenset(r[0] for r in rows)

    def schema(self) -> Schema:
        """The user's tables, their columns and the columns imported as times."""
        tables = {t: tuple(self.columns(t)) for t in self.table_names()}
        tables[MEASUREMENTS] = tuple(self.columns(MEASUREMENTS))
        times = {t: self.time_columns(t) for t in tables}
        return Schema(tables, times)

    def prepare_for(self, dialect: SQLite) -> None:
        """Register the dialect's aggregates (percentiles, first and last) on this connection."""
        for name, (arity, aggregate) in dialect.functions().items():
            self.db.conn.create_aggregate(name, arity, aggregate)

    def time_zone(self, table: str) -> str | None:
        """The zone naive times of this table were read in when it was imported, if any."""
        row = self.db.execute(
            f"SELECT timezone FROM {TIME_COLUMNS} WHERE table_name = ? LIMIT 1", [table]
        ).fetchone()
        return str(row[0]) if row else None

    def fetch(
        self, sql: str, params: Sequence[Any] = (), ranges: Sequence[Range] = ()
    ) -> list[tuple[Any, ...]]:
        """Run one read query compiled by the engine, after loading its cycle ranges into the
        connection's temporary cycles table; return its rows."""
        if ranges:
            self._load_cycles(ranges)
        return self.db.execute(sql, list(params)).fetchall()

    def _load_cycles(self, ranges: Sequence[Range]) -> None:
        # A TEMP table lives in this connection's own temporary database: loading it writes
        # nothing to the store, so reading commands stay readers.
        conn = self.db.conn
        ours = not conn.in_transaction
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS goalline_cycles"
            " (idx INTEGER PRIMARY KEY, lo REAL NOT NULL, hi REAL NOT NULL)"
        )
        conn.execute("DELETE FROM temp.goalline_cycles")
        conn.executemany(
            "INSERT INTO temp.goalline_cycles VALUES (?, ?, ?)",
            [(r.index, r.lo, r.hi) for r in ranges],
        )
        if ours:
            conn.commit()  # the temp rows need no transaction; an open one would pin a snapshot

    def completions(self) -> dict[str, Completion]:
        """The earliest recorded completion of each milestone."""
        found: dict[str, Completion] = {}
        rows = self.db.execute(
            f"SELECT milestone, on_date, note FROM {MILESTONE_EVENTS} ORDER BY on_date, id"
        ).fetchall()
        for milestone, on_date, note in rows:
            found.setdefault(milestone, Completion(milestone, date.fromisoformat(on_date), note))
        return found

    # ------------------------------------------------------------ writes

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction that takes the write lock at once (BEGIN IMMEDIATE).

        A deferred transaction that reads first cannot wait for the lock later: if another
        process wrote in between, SQLite refuses at once with "database is locked" instead
        of waiting out the busy timeout."""
        try:
            self.db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self._busy(exc) from None
        try:
            with self.db.atomic():  # a savepoint inside the immediate transaction
                yield
            self.db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.db.conn.rollback()
            raise self._busy(exc) from None
        except BaseException:
            self.db.conn.rollback()
            raise

    def _busy(self, exc: sqlite3.Error) -> StoreError:
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreError(
                f"{self.path} stayed locked by another writer for {BUSY_TIMEOUT_SECONDS} s;"
                " try again"
            )
        return StoreError(f"cannot write to {self.path}: {exc}")

    def record(self, indicator: str, at: float, value: float, note: str | None, now: str) -> None:
        with self._writing():
            self.db.table(MEASUREMENTS).insert(
                {
                    "indicator": indicator,
                    "at": at,
                    "value": value,
                    "note": text_or_none(note),
                    "recorded_at": now,
                }
            )

    def done(self, milestone: str, on: date, note: str | None, now: str) -> None:
        with self._writing():
            self.db.table(MILESTONE_EVENTS).insert(
                {
                    "milestone": milestone,
                    "on_date": on.isoformat(),
                    "note": text_or_none(note),
                    "recorded_at": now,
                }
            )

    def import_rows(self, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> int:
        """Write `rows` into `plan.table` in one transaction; returns how many were written.
        The table is created, or given the columns it lacks, with the detected types."""
        if plan.table.lower() in RESERVED or plan.table.lower().startswith(("_", "sqlite_")):
            raise StoreError(f"'{plan.table}' is a name goalline keeps for itself; choose another")
        with self._writing():
            self._shape_table(plan)
            sql = self._insert_sql(plan)
            counted = _Counter(rows, plan.progress) if plan.progress else None
            # sqlite-utils' insert_all builds and commits a statement per small batch; a
            # million-row import spends most of its time there. One executemany over the
            # whole stream, inside the one atomic() transaction, is several times faster.
            cursor = self.db.conn.executemany(sql, counted or rows)
            count = counted.count if counted else max(cursor.rowcount, 0)
            for column in plan.time_columns:
                self.db.table(plan.table).create_index([column], if_not_exists=True)
                self.db.table(TIME_COLUMNS).upsert(
                    {"table_name": plan.table, "column_name": column, "timezone": plan.timezone},
                    pk=("table_name", "column_name"),
                )
            record = {"table_name": plan.table, "source": plan.source, "rows": count}
            self.db.table(IMPORTS).insert({**record, "imported_at": plan.now})
        return count

    def _shape_table(self, plan: ImportPlan) -> None:
        table = self.db.table(plan.table)
        types = {c: _PYTHON_TYPES[plan.types.get(c, "text")] for c in plan.columns}
        if not table.exists():
            table.create(types, pk=plan.pk)
            return
        existing = {c.name.lower(): c.type.upper() for c in table.columns}
        for column in plan.columns:
            if column.lower() not in existing:
                table.add_column(column, types[column])
            elif column in plan.time_columns and existing[column.lower()] not in ("REAL", "FLOAT"):
                raise StoreError(
                    f"column '{column}' of table '{plan.table}' holds {existing[column.lower()]}"
                    " values, not times; import into a new table to read it as a time"
                )
        if plan.pk and table.pks != [plan.pk] and not _has_unique_index(table, plan.pk):
            table.create_index([plan.pk], unique=True, if_not_exists=True)

    @property
    def converts_times(self) -> bool:
        """Whether this SQLite can turn ISO 8601 text into an instant (unixepoch, 3.38)."""
        return sqlite3.sqlite_version_info >= (3, 38, 0)

    def _insert_sql(self, plan: ImportPlan) -> str:
        names = ", ".join(quote(c) for c in plan.columns)
        marks = ", ".join(
            # A time arrives as seconds, or as ISO 8601 text for SQLite to convert.
            f"CASE WHEN typeof(?{n}) = 'text' THEN unixepoch(?{n}) ELSE ?{n} END"
            if c in plan.time_columns and self.converts_times
            # An empty text field is no value; numbers and times arrive as None already.
            else f"NULLIF(?{n}, '')"
            if plan.types.get(c) == "text"
            else f"?{n}"
            for n, c in enumerate(plan.columns, start=1)
        )
        sql = f"INSERT INTO {quote(plan.table)} ({names}) VALUES ({marks})"
        if plan.pk:
            updates = ", ".join(
                f"{quote(c)} = excluded.{quote(c)}" for c in plan.columns if c != plan.pk
            )
            sql += f" ON CONFLICT ({quote(plan.pk)}) DO " + (
                f"UPDATE SET {updates}" if updates else "NOTHING"
            )
        return sql


class _Counter:
    """Counts rows as SQLite takes them, and tells the progress callback every batch."""

    def __init__(self, rows: Iterable[Sequence[Any]], progress: Callable[[int], None] | None):
        self.rows = iter(rows)
        self.progress = progress
        self.count = 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> Sequence[Any]:
        row = next(self.rows)
        self.count += 1
        if self.progress and self.count % BATCH == 0:
            self.progress(BATCH)
        return row


@dataclass(frozen=True)
class ImportPlan:
    """What an import writes: the table, its columns in row order and their detected types."""

    table: str
    columns: tuple[str, ...]
    types: dict[str, str]  # column -> "integer" | "float" | "text"
    time_columns: frozenset[str]
    pk: str | None
    source: str
    timezone: str
    now: str
    progress: Callable[[int], None] | None = None


_PYTHON_TYPES: dict[str, type] = {"integer": int, "float": float, "text": str}


def _has_unique_index(table: Any, column: str) -> bool:
    return any(index.unique and index.columns == [column] for index in table.indexes)
