"""The SQLite store: one file holding imported service data and what people record.

This is the only module that opens a SQLite file (through sqlite-utils); what every store
does is `base.Store`'s, imports go through `imports/`, and the schema is `migrations.py`'s.
A store is recognised by its SQLite `application_id`; any other file is refused before
anything is written to it. Every write is one transaction: a failure leaves the store as it
was. WAL mode and a busy timeout let a review session read while a headless import writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..language.cycles import Range
from . import server as server  # registers the PostgreSQL and DuckDB stores with `Store`
from .base import Completion as Completion  # the stores' own, imported from here too
from .base import Store as Store
from .base import is_duckdb, is_server
from .dialect import SQLITE, Dialect, TempTable, quote, sqlite_functions
from .errors import StoreError as StoreError  # raised by the store, imported from here
from .imports.writing import CONVERTS_TIMES, Imported, ImportPlan, write_rows
from .migrations import MIGRATION_NAMES, RESERVED, migrations

APPLICATION_ID = 0x676F616C  # "goal": marks a SQLite file as a goalline store
BUSY_TIMEOUT_SECONDS = 30


class SQLiteStore(Store):
    """An open SQLite store (`Store.open` of a file path)."""

    def __init__(self, db: Database, path: str) -> None:
        self.db = db
        self.tables = db
        self.path = path
        self._temp_tables: dict[str, TempTable] = {}  # loaded into this connection

    @classmethod
    def holds(cls, path: str) -> bool:
        return not (is_server(path) or is_duckdb(path))

    @classmethod
    def open_one(cls, path: str, *, create: bool = False, read_only: bool = False) -> SQLiteStore:
        """Open the store at `path`; with `create`, make a new one if there is no file;
        `read_only`, SQLite refuses every write (a backtest, which must change nothing)."""
        file = Path(path)
        fresh = not file.exists() or (file.is_file() and file.stat().st_size == 0)
        if fresh and not create:
            raise StoreError(f"there is no store at {path}: import data or record a value first")
        if not fresh and file.stat().st_nlink > 1:
            # SQLite keeps its write-ahead log beside the name it was given: two names of one
            # file mean two logs, runs that miss each other's writes, and a damaged store.
            raise StoreError(
                f"{path} has {file.stat().st_nlink} names (hard links); SQLite keeps a log per"
                " name and runs through different names would damage it: keep one name (a"
                " symbolic link is fine)"
            )
        # The file is only ever read through SQLite: opening and closing it ourselves would
        # drop the POSIX locks of every other connection this process has on it, and another
        # process could then checkpoint and remove the WAL under a reader.
        try:
            if read_only:
                uri = f"{file.resolve().as_uri()}?mode=ro"
                connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
            else:
                connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from None
        try:
            store = cls(Database(connection), path)
            store._prepare(fresh, read_only)
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

    def _prepare(self, fresh: bool, read_only: bool = False) -> None:
        for name, (arity, aggregate) in sqlite_functions().items():  # percentiles, first, last
            self.db.conn.create_aggregate(name, arity, aggregate)
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
            if read_only:
                raise StoreError(
                    f"{self.path} was written by an older goalline: run a command that writes"
                    " to it (import, record) once to bring it up to date"
                )
            with self._writing():
                migrations.apply(self.db)

    def _pragma(self, name: str) -> int:
        return int(self.db.execute(f"PRAGMA {name}").fetchone()[0])

    def close(self) -> None:
        self.db.close()

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

    @property
    def dialect(self) -> Dialect:
        """SQLite, with goalline's aggregates registered on the connection (`_prepare`)."""
        return SQLITE

    def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        ranges: Sequence[Range] = (),
        tables: Sequence[TempTable] = (),
    ) -> list[tuple[Any, ...]]:
        """Run one read query compiled by the engine, after loading its cycle ranges into the
        connection's temporary cycles table and the temporary `tables` it reads; return its
        rows."""
        if ranges:
            self._load_cycles(ranges)
        for table in tables:
            self._load_table(table)
        return self.db.execute(sql, list(params)).fetchall()

    def _load_table(self, table: TempTable) -> None:
        if self._temp_tables.get(table.name) == table:
            return  # loaded already by an earlier query of this connection
        conn = self.db.conn
        ours = not conn.in_transaction
        name = f"temp.{quote(table.name)}"
        key, *rest = (quote(c) for c in table.columns)
        conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(
            f"CREATE TEMP TABLE {quote(table.name)} ({key} INTEGER PRIMARY KEY, {', '.join(rest)})"
        )
        marks = ", ".join("?" for _ in table.columns)
        conn.executemany(f"INSERT INTO {name} VALUES ({marks})", table.rows)
        if ours:
            conn.commit()
        self._temp_tables[table.name] = table

    def _load_cycles(self, ranges: Sequence[Range]) -> None:
        # A TEMP table lives in this connection's own temporary database: loading it writes
        # nothing to the store, so reading commands stay readers.
        conn = self.db.conn
        ours = not conn.in_transaction
        # Keyed by (idx, lo): a cycle that exclusions cut into pieces has a row per piece,
        # and the key still hands the rows to GROUP BY idx in order, so it needs no sorter.
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS goalline_cycles (idx INTEGER NOT NULL,"
            " lo REAL NOT NULL, hi REAL NOT NULL, PRIMARY KEY (idx, lo)) WITHOUT ROWID"
        )
        conn.execute("DELETE FROM temp.goalline_cycles")
        conn.executemany(
            "INSERT INTO temp.goalline_cycles VALUES (?, ?, ?)",
            [(r.index, r.lo, r.hi) for r in ranges],
        )
        if ours:
            conn.commit()  # the temp rows need no transaction; an open one would pin a snapshot

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

    def import_rows(self, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
        """Write `rows` into `plan.table` in one transaction; says what was written.
        The table is created, or given the columns it lacks, with the detected types."""
        if plan.table.lower() in RESERVED or plan.table.lower().startswith(("_", "sqlite_")):
            raise StoreError(f"'{plan.table}' is a name goalline keeps for itself; choose another")
        with self._writing():
            return write_rows(self.db, plan, rows)

    @property
    def converts_times(self) -> bool:
        """Whether this SQLite can turn ISO 8601 text into an instant (unixepoch, 3.38)."""
        return CONVERTS_TIMES
