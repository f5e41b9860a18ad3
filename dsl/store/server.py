"""A store on PostgreSQL (`--db postgresql://user@host/dbname`) or in a DuckDB file
(`--db file.duckdb`): the data stays where it lives, and goalline's own tables (and the
tables it imports) go in a schema of its own, `goalline`, searched before `public` (`main`
in DuckDB), so a source may name a table goalline imported or one already there.

psycopg 3 and duckdb are optional extras (`pip install 'goalline[postgres]'`, `[duckdb]`);
a store that needs one that is missing says which. PostgreSQL runs with autocommit, each
write in one transaction (`_writing`), placeholders as `$n` (a raw cursor: a `%` in a
column's name is a `%`), the session's time zone UTC. goalline's imports store times as
seconds since 1970 UTC as on SQLite; a table already there may hold timestamps, which the
engine reads as seconds (`Dialect.timestamps`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from ..language.cycles import Range
from .base import Store, is_duckdb, is_server
from .dialect import Dialect, Name, TempTable, quote
from .errors import StoreError
from .imports.writing import Imported, ImportPlan
from .migrations import RESERVED
from .server_connections import driver_of as _driver
from .server_connections import own_schema, pooled, shown
from .server_imports import write_rows
from .server_schema import KEYS, MIGRATIONS, MIGRATIONS_IN_ORDER, SCHEMA
from .tables import ServerTables

# Where unqualified names are looked up, goalline's schema first.
OTHERS: dict[Name, str] = {"postgres": "public", "duckdb": "main"}  # searched after goalline's
OUTBOX_LOCK = "goalline outbox"  # the advisory lock `notify` holds while it delivers
BUSY_SECONDS = 30  # waiting for a pooled connection, as SQLite waits for the write lock

TIMESTAMP_TYPES = ("TIMESTAMP", "DATE")  # read as seconds since 1970 UTC


def share_connections() -> None:
    """Keep this process's PostgreSQL connections in a pool between openings of a store."""
    ServerStore.shared = True


class ServerStore(Store):
    """An open PostgreSQL or DuckDB store (`Store.open` of a URL or a `.duckdb` path)."""

    # Whether PostgreSQL connections are kept in a pool between openings: a review session
    # and `watch` open the store for every read and write (`share_connections`), where a new
    # connection to a server across a network costs tens of milliseconds each time.
    shared: ClassVar[bool] = False

    def __init__(
        self,
        connection: Any,
        engine: Name,
        path: str,
        read_only: bool,
        pool: Any = None,
        own: str = SCHEMA,
    ) -> None:
        self.pool = pool
        self.own = own  # the schema goalline writes in
        self.searched = (own, OTHERS[engine])  # where a name alone is looked up, in order
        self.connection = connection
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.tables = ServerTables(connection, engine, KEYS)
        self._temp_tables: dict[str, TempTable] = {}
        self._files: dict[str, dict[str, str]] = {}  # files described for a plan

    @classmethod
    def holds(cls, path: str) -> bool:
        return is_server(path) or is_duckdb(path)

    @classmethod
    def open_one(cls, target: str, *, create: bool = False, read_only: bool = False) -> ServerStore:
        engine: Name = "postgres" if is_server(target) else "duckdb"
        given, (target, own) = target, own_schema(target)
        driver = _driver(engine)
        pool = None
        try:
            if engine == "postgres" and cls.shared:
                pool = pooled(target, driver)
                connection = pool.getconn(timeout=BUSY_SECONDS)
            elif engine == "postgres":
                connection = driver.connect(
                    target, autocommit=True, cursor_factory=driver.RawCursor
                )
                # Read-only is goalline's own promise there (`_writing` refuses): PostgreSQL's
                # read-only transactions refuse even the session's temporary tables, which
                # a query of business time reads.
                connection.execute("SET TimeZone TO 'UTC'")
            else:
                # A DuckDB store is a place to read files in place from: any command that may
                # write makes it (evaluate too), but nothing makes one to read it only.
                if not Path(target).exists() and read_only:
                    raise StoreError(
                        f"there is no store at {target}: import data or record a value first"
                    )
                connection = driver.connect(target, read_only=read_only)
                connection.execute("SET TimeZone = 'UTC'")
        except driver.Error as exc:  # psycopg_pool's PoolTimeout is one too
            raise StoreError(f"cannot open {shown(given)}: {_first_line(exc)}") from None
        store = cls(connection, engine, shown(given), read_only, pool, own)
        try:
            store._prepare(create)
        except driver.Error as exc:
            store.close()
            raise StoreError(f"cannot use {store.path}: {_first_line(exc)}") from None
        except StoreError:
            store.close()
            raise
        return store

    def _prepare(self, create: bool) -> None:
        found = self.run(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema = ? AND table_name = ?",
            [self.own, MIGRATIONS],
        )[0][0]
        if not found and self.read_only:  # anything else makes them at its first opening
            raise StoreError(
                f"{self.path} has no goalline tables yet: import data or record a value first"
            )
        listed = self.run(f"SELECT name FROM {quote(self.own)}.{MIGRATIONS}") if found else []
        applied = {row[0] for row in listed}
        names = [name for name, _ in MIGRATIONS_IN_ORDER]
        if applied - set(names):
            raise StoreError(f"{self.path} was written by a newer goalline; upgrade to use it")
        pending = [(name, step) for name, step in MIGRATIONS_IN_ORDER if name not in applied]
        if pending and self.read_only:
            raise StoreError(
                f"{self.path} was written by an older goalline: run a command that writes"
                " to it (import, record) once to bring it up to date"
            )
        if pending:
            with self._writing():
                made = self.run(
                    "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?",
                    [self.own],
                )[0][0]
                if not made:  # one a database's owner made is used as it is
                    self.run(f"CREATE SCHEMA {quote(self.own)}")
                self.run(
                    f"CREATE TABLE IF NOT EXISTS {quote(self.own)}.{MIGRATIONS}"
                    " (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
                )
                for name, step in pending:
                    for statement in step(self.engine, self.own):
                        self.run(statement)
                    now = datetime.now(UTC).isoformat(timespec="seconds")
                    self.run(
                        f"INSERT INTO {quote(self.own)}.{MIGRATIONS} VALUES (?, ?)", [name, now]
                    )
        if self.engine == "postgres":
            self.run(f"SET search_path TO {', '.join(quote(n) for n in self.searched)}")
        else:
            self.run(f"SET search_path = '{','.join(self.searched)}'")

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.tables.execute(sql, params)]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.putconn(self.connection)  # the pool rolls back whatever was left open
        else:
            self.connection.close()

    # ------------------------------------------------------------ what is in it

    @property
    def schema_version(self) -> int:
        return int(self.run(f"SELECT count(*) FROM {quote(self.own)}.{MIGRATIONS}")[0][0])

    @property
    def converts_times(self) -> bool:
        return False  # times arrive as seconds, converted in Python

    @cached_property
    def _catalog(self) -> dict[str, dict[str, str]]:
        """Every table and view of the database (`schema.name`; those the search path reaches
        by their name alone too, the first schema's winning) and its columns' types, upper
        case; read once per opening. Files described for a plan join them (`_described`)."""
        rows = self.run(
            "SELECT table_schema, table_name, column_name, data_type"
            " FROM information_schema.columns WHERE table_catalog = current_database()"
            " AND table_schema NOT IN ('information_schema', 'pg_catalog')"
            " AND substr(table_schema, 1, 3) <> 'pg_' ORDER BY table_name, ordinal_position"
        )
        searched = self.searched
        qualified: dict[str, dict[str, str]] = {}
        by_name: dict[str, dict[str, dict[str, str]]] = {}
        for schema, table, column, kind in rows:
            qualified.setdefault(f"{schema}.{table}", {})[column] = str(kind).upper()
            if schema in searched:
                by_name.setdefault(table, {}).setdefault(schema, {})[column] = str(kind).upper()
        plain = {t: next(by[s] for s in searched if s in by) for t, by in by_name.items()}
        ours = tuple(f"{s}." for s in searched)
        return plain | {t: c for t, c in qualified.items() if not t.startswith(ours)}

    def table_names(self) -> list[str]:
        return [
            t
            for t in self._catalog
            if t not in RESERVED and not t.startswith(("_", "goalline_")) and t not in self._files
        ]

    def columns(self, table: str) -> dict[str, str]:
        return dict(self._catalog.get(table, {}))

    def time_columns(self, table: str) -> frozenset[str]:
        """The columns imported as times, and those whose type is a timestamp."""
        typed = {c for c, kind in self.columns(table).items() if kind.startswith(TIMESTAMP_TYPES)}
        return super().time_columns(table) | typed

    def _described(self, files: Mapping[str, str]) -> dict[str, dict[str, str]]:
        """DuckDB reads files in place: the columns and types of each relation that reads
        them (`measure_sql.files_read`), as it reads them (a pattern no file matches is left
        out, and the plan's check says so)."""
        if self.engine != "duckdb":
            return {}
        found = {}
        for key, relation in files.items():
            try:
                rows = self.run(f"DESCRIBE SELECT * FROM {relation}")
            except _driver(self.engine).Error:
                continue
            found[key] = {str(r[0]): str(r[1]).upper() for r in rows}
        self._files.update(found)
        self._catalog.update(found)
        self.__dict__.pop("dialect", None)  # their timestamps are the dialect's too
        return found

    @cached_property
    def dialect(self) -> Dialect:
        """The engine, and the timestamp columns of every table and file it reads: worked
        out once per catalog, as every query of an evaluation asks for it."""
        timestamps = {
            (table, column): kind
            for table, columns in self._catalog.items()
            for column, kind in columns.items()
            if kind.startswith(TIMESTAMP_TYPES)
        }
        naive = {key for key, kind in timestamps.items() if "WITH TIME ZONE" not in kind}
        return Dialect(self.engine, frozenset(timestamps), frozenset(naive))

    def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        ranges: Sequence[Range] = (),
        tables: Sequence[TempTable] = (),
    ) -> list[tuple[Any, ...]]:
        for table in tables:
            self._load_table(table)
        if self.engine == "postgres":
            cursor = self.connection.execute(sql, list(params) or None)
        else:
            cursor = self.connection.execute(sql, list(params))
        # PostgreSQL's numeric (an average of integers) arrives as Decimal: as SQLite's, a float
        return [
            tuple(float(v) if isinstance(v, Decimal) else v for v in row)
            for row in cursor.fetchall()
        ]

    def _load_table(self, table: TempTable) -> None:
        if self._temp_tables.get(table.name) == table:
            return
        name = quote(table.name)
        key, *rest = (quote(c) for c in table.columns)
        self.run(f"DROP TABLE IF EXISTS {name}")
        typed = ", ".join(f"{c} DOUBLE PRECISION" for c in rest)
        self.run(f"CREATE TEMP TABLE {name} ({key} BIGINT PRIMARY KEY, {typed})")
        if self.engine == "postgres":
            with self.connection.cursor().copy(f"COPY {name} FROM STDIN") as copy:
                for row in table.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in table.columns)
            self.connection.executemany(f"INSERT INTO {name} VALUES ({marks})", list(table.rows))
        self._temp_tables[table.name] = table

    # ------------------------------------------------------------ writes

    def journal_path(self) -> str:
        """A DuckDB file's journal is beside it; a server's is in this user's state folder,
        named from the store's URL (without its password)."""
        if self.engine == "duckdb":
            return super().journal_path()
        state = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
        folder = os.path.join(state, "goalline")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        digest = hashlib.sha256(self.path.encode("utf-8")).hexdigest()[:16]
        return os.path.join(folder, f"outbox-{digest}")

    @contextmanager
    def delivering(self) -> Iterator[None]:
        """PostgreSQL: an advisory lock of the session, so that runs on two machines never
        deliver from one database at once (each keeps its journal on its own machine)."""
        if self.engine != "postgres":
            yield
            return
        lock = [f"{OUTBOX_LOCK} {self.own}"]
        taken = self.run("SELECT pg_try_advisory_lock(hashtext(?))", lock)[0][0]
        if not taken:
            raise StoreError(
                f"another goalline is delivering from {self.path}; try again when it has finished"
            )
        try:
            yield
        finally:
            self.run("SELECT pg_advisory_unlock(hashtext(?))", lock)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        if self.engine == "postgres":
            with self.connection.transaction():
                yield
            return
        self.connection.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def import_rows(self, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
        if plan.table.lower() in RESERVED or plan.table.lower().startswith(("_", "goalline_")):
            raise StoreError(f"'{plan.table}' is a name goalline keeps for itself; choose another")
        driver = _driver(self.engine)
        try:
            with self._writing():
                done = write_rows(self, plan, rows)
        except driver.IntegrityError as exc:
            raise StoreError(
                f"table '{plan.table}' holds rows with the same key already"
                f" ({_first_line(exc)}): add --pk to update those rows instead of adding them"
            ) from None
        except driver.Error as exc:
            raise StoreError(f"cannot write to {self.path}: {_first_line(exc)}") from None
        for known in ("_catalog", "dialect"):  # the table is new, or has new columns
            self.__dict__.pop(known, None)
        return done


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
