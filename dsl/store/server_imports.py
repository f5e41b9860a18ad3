"""Writing an import's rows on PostgreSQL or DuckDB: the table shaped to the detected types in
goalline's schema (`goalline`, or the URL's `schema=`), the rows bulk-loaded into a temporary
table (PostgreSQL's COPY; for DuckDB a CSV file it reads at once, as executemany there takes
minutes for a million rows), then moved over in time order, updating rows whose key is there
already (`--pk`).

Runs inside the store's write transaction (`ServerStore.import_rows`): a failure leaves the
store as it was.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from .dialect import Name, quote
from .errors import StoreError
from .imports.writing import BATCH, Imported, ImportPlan, cluster_column, upsert_sql
from .migrations import IMPORTS, TIME_COLUMNS
from .tables import Connection


class ServerStore(Protocol):
    """What an import needs of the store (`server.ServerStore`)."""

    engine: Name
    own: str  # the schema goalline writes in
    connection: Any
    tables: Connection

    def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


_TYPES = {"integer": "BIGINT", "float": "DOUBLE PRECISION", "text": "TEXT"}
_STAGE = "goalline_import_stage"


def write_rows(store: ServerStore, plan: ImportPlan, rows: Iterable[Sequence[Any]]) -> Imported:
    table = f"{quote(store.own)}.{quote(plan.table)}"
    _shape_table(store, plan, table)
    names = ", ".join(quote(c) for c in plan.columns)
    typed = ", ".join(f"{quote(c)} {_TYPES[plan.types.get(c, 'text')]}" for c in plan.columns)
    store.run(f"DROP TABLE IF EXISTS {_STAGE}")
    store.run(f"CREATE TEMP TABLE {_STAGE} ({typed})")
    counted = _counted(rows, plan)
    if store.engine == "postgres":
        with store.connection.cursor().copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
            for row in counted:
                copy.write_row(row)
    else:
        _load_csv(store, counted)
    count = int(store.run(f"SELECT count(*) FROM {_STAGE}")[0][0])
    cluster = cluster_column(plan)
    order = f" ORDER BY {quote(cluster)}" if cluster else ""
    store.run(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM {_STAGE}{order}" + upsert_sql(plan)
    )
    store.run(f"DROP TABLE {_STAGE}")
    empty: dict[str, int] = {}
    for column in sorted(plan.time_columns):
        if store.engine == "postgres":  # DuckDB's zone maps find a time range without one
            index = quote(f"{plan.table}_{column}")
            store.run(f"CREATE INDEX IF NOT EXISTS {index} ON {table} ({quote(column)})")
        store.tables.table(TIME_COLUMNS).upsert(
            {
                "table_name": plan.table,
                "column_name": column,
                "timezone": plan.timezone,
                "format": plan.formats.get(column),
            },
            pk=("table_name", "column_name"),
        )
        sql = f"SELECT count(*) FROM {table} WHERE {quote(column)} IS NULL"
        empty[column] = int(store.run(sql)[0][0])
    record = {"table_name": plan.table, "source": plan.source, "rows": count}
    store.tables.table(IMPORTS).insert({**record, "imported_at": plan.now})
    total = int(store.run(f"SELECT count(*) FROM {table}")[0][0])
    return Imported(count, total, empty)


def _counted(rows: Iterable[Sequence[Any]], plan: ImportPlan) -> Iterator[Sequence[Any]]:
    """The rows, an empty text as no value (as on SQLite), progress told every batch."""
    texts = [n for n, c in enumerate(plan.columns) if plan.types.get(c, "text") == "text"]
    for count, row in enumerate(rows, start=1):
        if any(row[n] == "" for n in texts):
            row = [None if n in texts and v == "" else v for n, v in enumerate(row)]
        yield row
        if plan.progress and count % BATCH == 0:
            plan.progress(BATCH)


def _load_csv(store: ServerStore, rows: Iterable[Sequence[Any]]) -> None:
    """DuckDB: the rows through a CSV file in a temporary folder, read in one statement into
    the typed table. No value is an empty field (an empty text is no value already)."""
    with tempfile.TemporaryDirectory(prefix="goalline-import-") as folder:
        path = f"{folder}/rows.csv"
        with open(path, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerows(rows)
        store.run(
            f"COPY {_STAGE} FROM '{path}' (FORMAT csv, HEADER false, QUOTE '\"',"
            " ESCAPE '\"', NULL '')"
        )


def _shape_table(store: ServerStore, plan: ImportPlan, table: str) -> None:
    existing = {
        column.lower(): kind
        for column, kind in store.run(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = ? AND table_name = ?",
            [store.own, plan.table],
        )
    }
    if not existing:
        typed = ", ".join(f"{quote(c)} {_TYPES[plan.types.get(c, 'text')]}" for c in plan.columns)
        store.run(f"CREATE TABLE {table} ({typed})")
    else:
        for column in plan.columns:
            kind = existing.get(column.lower())
            if kind is None:
                added = _TYPES[plan.types.get(column, "text")]
                store.run(f"ALTER TABLE {table} ADD COLUMN {quote(column)} {added}")
            elif column in plan.time_columns and "DOUBLE" not in str(kind).upper():
                raise StoreError(
                    f"column '{column}' of table '{plan.table}' holds {kind} values, not"
                    " times; import into a new table to read it as a time"
                )
    if plan.pk:
        index = quote(f"{plan.table}_{plan.pk}_key")
        store.run(f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} ({quote(plan.pk)})")
