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


@dataclass(frozen=True)
class Imported:
    """What an import wrote, and what the table then holds: its rows, and for each time
    column how many rows have no time (they fall in no cycle)."""

    rows: int
    table_rows: int
    empty_times: dict[str, int]


def write_rows(db: Database, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
    """Write `rows` into `plan.table` (inside the caller's transaction)."""
    _shape_table(db, plan)
    sql = _insert_sql(plan)
    counted = _Counter(rows, plan.progress) if plan.progress else None
    # sqlite-utils' insert_all builds and commits a statement per small batch; a
    # million-row import spends most of its time there. One executemany over the
    # whole stream, inside the one atomic() transaction, is several times faster.
    cursor = db.conn.executemany(sql, counted or rows)
    count = counted.count if counted else max(cursor.rowcount, 0)
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


def _shape_table(db: Database, plan: ImportPlan) -> None:
    table = db.table(plan.table)
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


def _insert_sql(plan: ImportPlan) -> str:
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


_PYTHON_TYPES: dict[str, type] = {"integer": int, "float": float, "text": str}


def _has_unique_index(table: Any, column: str) -> bool:
    return any(index.unique and index.columns == [column] for index in table.indexes)
