"""What every store is, whatever database holds it: `Store.open` (the one door: a file path is
SQLite, a `postgresql://` URL is PostgreSQL, a `.duckdb` file is DuckDB), what a store says of
its tables, the values recorded by hand, and the review and outbox tables.

The SQL here is goalline's own, over its own tables, and runs unchanged on each database
through `Connection` (sqlite-utils on SQLite, `tables.ServerTables` on a server). What
differs lives in `database` (SQLite) and `server` (PostgreSQL and DuckDB).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from ..language.checks.schema import Schema
from ..language.cycles import Range
from .capabilities import NUMBERS_ONLY
from .dialect import Dialect, TempTable
from .imports.writing import Imported, ImportPlan
from .migrations import MEASUREMENTS, MILESTONE_EVENTS, TIME_COLUMNS
from .outbox import Outbox
from .reviews import Reviews, text_or_none
from .tables import Connection

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(target: str) -> bool:
    """Whether `--db` names a database server (a PostgreSQL URL) rather than a file."""
    return target.startswith(SERVER_SCHEMES)


def is_duckdb(target: str) -> bool:
    return target.lower().endswith((".duckdb", ".ddb"))


@dataclass(frozen=True, slots=True)
class Completion:
    milestone: str
    on: date
    note: str | None


class Store(ABC):
    """An open goalline store. Use `Store.open`; close it, or use it as a context manager."""

    path: str  # as given, for messages (a server's URL without its password)
    tables: Connection  # goalline's own SQL runs through it
    # Each kind of store, as its module defines it (`database` imports `server`, so both
    # are known wherever `Store` is imported from `database`, as everything does).
    kinds: ClassVar[list[type[Store]]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Store.kinds.append(cls)

    @classmethod
    def open(cls, path: str, *, create: bool = False, read_only: bool = False) -> Store:
        """Open the store `path` names (a file path is SQLite, a `postgresql://` URL is
        PostgreSQL, a `.duckdb` file is DuckDB); with `create`, make a new one where there is
        none; `read_only`, refuse every write (a backtest, which must change nothing)."""
        kind = next(k for k in Store.kinds if k.holds(path))
        return kind.open_one(path, create=create, read_only=read_only)

    @classmethod
    @abstractmethod
    def holds(cls, path: str) -> bool:
        """Whether `--db path` names a store of this kind."""

    @classmethod
    @abstractmethod
    def open_one(cls, path: str, *, create: bool, read_only: bool) -> Store: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @cached_property
    def reviews(self) -> Reviews:
        """The review tables: acknowledgements, review sessions, notes, actions, targets."""
        return Reviews(self.tables, self._writing)

    @cached_property
    def outbox(self) -> Outbox:
        """The outbox tables: escalation events and their deliveries."""
        return Outbox(self.tables, self._writing)

    # ------------------------------------------------------------ what each database does

    @property
    @abstractmethod
    def dialect(self) -> Dialect:
        """The dialect the engine writes this store's queries in."""

    @property
    @abstractmethod
    def schema_version(self) -> int: ...

    @property
    @abstractmethod
    def converts_times(self) -> bool:
        """Whether the database turns ISO 8601 text into an instant as rows are written."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def table_names(self) -> list[str]:
        """The user's tables (imported, or there already), not goalline's own."""

    @abstractmethod
    def columns(self, table: str) -> dict[str, str]:
        """Column name to declared type (upper case) of a table, or {} if there is none."""

    @abstractmethod
    def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        ranges: Sequence[Range] = (),
        tables: Sequence[TempTable] = (),
    ) -> list[tuple[Any, ...]]:
        """Run one read query compiled by the engine, after loading its cycle ranges (when
        the dialect loads them) and the temporary `tables` it reads; return its rows."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[None]:
        """One write transaction: everything in it is written, or nothing."""

    @abstractmethod
    def import_rows(self, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
        """Write `rows` into `plan.table` in one transaction; says what was written."""

    # ------------------------------------------------------------ the same everywhere

    def journal_path(self) -> str:
        """Where `notify` notes deliveries made and not yet recorded: beside the store file
        itself (a symbolic link to the store leads to it; named as given when no link is on
        the way, as people read it in messages)."""
        real = os.path.realpath(self.path)
        return f"{self.path if real == os.path.abspath(self.path) else real}-outbox"

    def delivering(self) -> AbstractContextManager[None]:
        """The store's own hold on delivering, besides the journal's lock (a server's, which
        runs on other machines see): none for a file."""
        return nullcontext()

    def time_columns(self, table: str) -> frozenset[str]:
        rows = self.tables.execute(
            f"SELECT column_name FROM {TIME_COLUMNS} WHERE table_name = ?", [table]
        )
        return frozenset(r[0] for r in rows)

    def schema(self, files: Mapping[str, str] | None = None) -> Schema:
        """The user's tables, their columns and the columns imported as times; with `files`
        (a source's files as the plan names them -> the relation reading them), those the
        store reads in place too (DuckDB)."""
        described = self._described(files or {})
        tables = {t: tuple(self.columns(t)) for t in [*self.table_names(), *described]}
        tables[MEASUREMENTS] = tuple(self.columns(MEASUREMENTS))
        times = {t: self.time_columns(t) for t in tables}
        types = {t: self.columns(t) for t in tables}
        dialect = self.dialect
        refused = NUMBERS_ONLY[dialect.name]
        return Schema(tables, times, types, dialect.label, refused)

    def _described(self, files: Mapping[str, str]) -> dict[str, dict[str, str]]:
        """The columns of files the database reads in place: none but DuckDB's."""
        return {}

    def time_formats(self, table: str) -> dict[str, str]:
        """The `--time-format` each time column of `table` was last imported with."""
        rows = self.tables.execute(
            f"SELECT column_name, format FROM {TIME_COLUMNS}"
            " WHERE table_name = ? AND format IS NOT NULL",
            [table],
        ).fetchall()
        return {str(column): str(fmt) for column, fmt in rows}

    def time_zone(self, table: str) -> str | None:
        """The zone naive times of this table were read in when it was imported, if any."""
        row = self.tables.execute(
            f"SELECT timezone FROM {TIME_COLUMNS} WHERE table_name = ? LIMIT 1", [table]
        ).fetchone()
        return str(row[0]) if row else None

    def first_recorded(self) -> dict[str, float]:
        """The time of each indicator's first value recorded by hand (seconds, UTC)."""
        rows = self.tables.execute(
            f'SELECT indicator, min("at") FROM {MEASUREMENTS} GROUP BY indicator'
        )
        return {str(indicator): float(at) for indicator, at in rows}

    def completions(self) -> dict[str, Completion]:
        """The earliest recorded completion of each milestone."""
        found: dict[str, Completion] = {}
        rows = self.tables.execute(
            f"SELECT milestone, on_date, note FROM {MILESTONE_EVENTS} ORDER BY on_date, id"
        ).fetchall()
        for milestone, on_date, note in rows:
            found.setdefault(milestone, Completion(milestone, date.fromisoformat(on_date), note))
        return found

    def record(self, indicator: str, at: float, value: float, note: str | None, now: str) -> None:
        row = {"indicator": indicator, "at": at, "value": value}
        with self._writing():
            self.tables.table(MEASUREMENTS).insert(
                row | {"note": text_or_none(note), "recorded_at": now}
            )

    def done(self, milestone: str, on: date, note: str | None, now: str) -> None:
        row = {"milestone": milestone, "on_date": on.isoformat()}
        with self._writing():
            self.tables.table(MILESTONE_EVENTS).insert(
                row | {"note": text_or_none(note), "recorded_at": now}
            )
