"""Writing an import's rows into its table: the table shaped to the detected types, one
`executemany` over the whole stream, the time columns indexed and remembered.

Runs inside the store's write transaction (`Store.import_rows`), so a failure leaves the
store as it was.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from ..dialect import quote
from ..errors import StoreError
from ..migrations import IMPORTS, TIME_COLUMNS

BATCH = 10_000  # rows between two progress reports
# Whether this SQLite can turn ISO 8601 text into an instant (unixepoch, 3.38).
CONVERTS_TIMES = sqlite3.sqlite_version_info >= (3, 38, 0)


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
    # Time column -> the format it was read with; a column not named was ISO 8601.
    formats: Mapping[str, str] = field(default_factory=dict)
    cluster: str | None = None  # the time column to keep the rows in the order of


@dataclass(frozen=True)
class Imported:
    """What an import wrote, and what the table then holds: its rows, and for each time
    column how many rows have no time (they fall in no cycle)."""

    rows: int
    table_rows: int
    empty_times: dict[str, int]


def write_rows(db: Database, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
    """Write `rows` into `plan.table` (inside the caller's transaction), in the order of its
    time column (`cluster_column`).

    Exports come in any order, and a table in file order makes every cycle's rows, found
    through the time index, cost a random read each (ten times slower on a million rows);
    so the rows are staged in a temporary table and moved over sorted by time."""
    _shape_table(db, plan)
    cluster = cluster_column(plan)
    target = _insert_sql(plan) if cluster is None else _staging(db, plan)
    counted = _Counter(rows, plan.progress) if plan.progress else None
    # sqlite-utils' insert_all builds and commits a statement per small batch; a
    # million-row import spends most of its time there. One executemany over the
    # whole stream, inside the one atomic() transaction, is several times faster.
    try:
        cursor = db.conn.executemany(target, counted or rows)
        count = counted.count if counted else max(cursor.rowcount, 0)
        if cluster is not None:
            # Its index made first grows at its end as the sorted rows arrive: no sort.
            db.table(plan.table).create_index([cluster], if_not_exists=True)
            _move(db, plan, cluster)
    except sqlite3.IntegrityError as exc:
        if not str(exc).startswith(UNIQUE):
            raise  # the store's edge tells it as SQLite says it
        raise _key_conflict(plan, str(exc)) from None
    empty: dict[str, int] = {}
    for column in sorted(plan.time_columns):
        db.table(plan.table).create_index([column], if_not_exists=True)
        remembered = {"timezone": plan.timezone, "format": plan.formats.get(column)}
        db.table(TIME_COLUMNS).upsert(
            {"table_name": plan.table, "column_name": column, **remembered},
            pk=("table_name", "column_name"),
        )
        # The index just made finds the empty times without reading the table.
        sql = f"SELECT count(*) FROM {quote(plan.table)} WHERE {quote(column)} IS NULL"
        empty[column] = db.execute(sql).fetchone()[0]
    record = {"table_name": plan.table, "source": plan.source, "rows": count}
    db.table(IMPORTS).insert({**record, "imported_at": plan.now})
    total = db.execute(f"SELECT count(*) FROM {quote(plan.table)}").fetchone()[0]
    return Imported(count, total, empty)


_STAGE = "goalline_import_stage"
UNIQUE = "UNIQUE constraint failed: "


def _key_conflict(plan: ImportPlan, said: str) -> StoreError:
    """SQLite's "UNIQUE constraint failed: tickets.id" in words that say what to do."""
    columns = [c.strip().partition(".")[2] for c in said.removeprefix(UNIQUE).split(",")]
    key = ", ".join(columns)
    fix = f"add --pk {columns[0]}" if len(columns) == 1 else "import into a new table"
    return StoreError(
        f"table '{plan.table}' holds rows with the same {key} already; the table's key is"
        f" {key}: {fix} to update those rows instead of adding them"
    )


def cluster_column(plan: ImportPlan) -> str | None:
    """The time column rows are kept in the order of: the one the plan's sources cycle by
    (`plan.cluster`), else the first time column of the file."""
    if plan.cluster is not None and plan.cluster in plan.time_columns:
        return plan.cluster
    return next((c for c in plan.columns if c in plan.time_columns), None)


def _staging(db: Database, plan: ImportPlan) -> str:
    """A fresh temporary table for the converted rows, and the INSERT that fills it."""
    db.execute(f"DROP TABLE IF EXISTS temp.{_STAGE}")  # left by an attempt that was widened
    columns = ", ".join(quote(c) for c in plan.columns)  # no types: values arrive converted
    db.execute(f"CREATE TEMP TABLE {_STAGE} ({columns})")
    return _insert_sql(plan, f"temp.{_STAGE}", upsert=False)


def _move(db: Database, plan: ImportPlan, cluster: str) -> None:
    """The staged rows into the table, in time order. The reader is done by now, so SQLite's
    sorter may use a second thread."""
    names = ", ".join(quote(c) for c in plan.columns)
    db.execute("PRAGMA threads = 2")
    # `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT.
    db.execute(
        f"INSERT INTO {quote(plan.table)} ({names}) SELECT {names} FROM temp.{_STAGE}"
        f" WHERE true ORDER BY {quote(cluster)}" + upsert_sql(plan)
    )
    db.execute(f"DROP TABLE temp.{_STAGE}")


def _shape_table(db: Database, plan: ImportPlan) -> None:
    table = db.table(plan.table)
    types = {c: _PYTHON_TYPES[plan.types.get(c, "text")] for c in plan.columns}
    if not table.exists():
        # The key is a unique index, not the primary key: an integer primary key would be
        # the rowid and keep the rows in the order of the key instead of their time.
        table.create(types)
        if plan.pk:
            table.create_index([plan.pk], unique=True)
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


def _insert_sql(plan: ImportPlan, into: str | None = None, upsert: bool = True) -> str:
    names = ", ".join(quote(c) for c in plan.columns)
    marks = ", ".join(
        # A time arrives as seconds, or as ISO 8601 text for SQLite to convert.
        f"CASE WHEN typeof(?{n}) = 'text' THEN unixepoch(?{n}) ELSE ?{n} END"
        if c in plan.time_columns and CONVERTS_TIMES
        # An empty text field is no value; numbers and times arrive as None already.
        else f"NULLIF(?{n}, '')"
        if plan.types.get(c) == "text"
        else f"?{n}"
        for n, c in enumerate(plan.columns, start=1)
    )
    sql = f"INSERT INTO {into or quote(plan.table)} ({names}) VALUES ({marks})"
    return sql + (upsert_sql(plan) if upsert else "")


def upsert_sql(plan: ImportPlan) -> str:
    """With a key, a row whose key is in the table already updates it."""
    if not plan.pk:
        return ""
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in plan.columns if c != plan.pk)
    return f" ON CONFLICT ({quote(plan.pk)}) DO " + (
        f"UPDATE SET {updates}" if updates else "NOTHING"
    )


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


_PYTHON_TYPES: dict[str, type] = {"integer": int, "float": float, "text": str}


def _has_unique_index(table: Any, column: str) -> bool:
    return any(index.unique and index.columns == [column] for index in table.indexes)
