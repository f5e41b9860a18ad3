"""goalline's own tables on a database server: the few writes the review and outbox tables
make, in the shape sqlite-utils gives them on SQLite, over a PostgreSQL or DuckDB connection.

`Reviews` and `Outbox` are written once, against `Connection`: on SQLite that is the
sqlite-utils `Database` itself; on PostgreSQL and DuckDB it is `ServerTables`, which runs the
same SQL (goalline's own, with `?` placeholders) and writes rows with INSERT ... RETURNING
and INSERT ... ON CONFLICT. A table whose rows are read back in the order they were written
has a `rowid` column there, filled by the database, as SQLite's rowid is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from .dialect import Name, quote


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Written(Protocol):
    @property
    def last_pk(self) -> Any: ...


class Writable(Protocol):
    def insert(self, record: dict[str, Any], /) -> Written: ...
    def insert_all(self, records: Iterable[dict[str, Any]], /) -> Any: ...
    def upsert(self, record: dict[str, Any], /, *, pk: Any) -> Any: ...
    def delete_where(self, where: str, where_args: Sequence[Any], /) -> Any: ...


class Connection(Protocol):
    """What the review and outbox tables need of a connection (sqlite-utils' names)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def table(self, table_name: str, /) -> Writable: ...


def numbered(sql: str) -> str:
    """goalline's own SQL with its `?` placeholders numbered (`$1`, `$2`, ...), as
    PostgreSQL's own protocol takes them: none is ever inside a quoted name or text there,
    but the scan skips quoted parts all the same."""
    out, count, quoted = [], 0, ""
    for char in sql:
        if quoted:
            quoted = "" if char == quoted else quoted
        elif char in "'\"":
            quoted = char
        elif char == "?":
            count += 1
            out.append(f"${count}")
            continue
        out.append(char)
    return "".join(out)


class Result:
    """Rows and the count of rows an UPDATE or DELETE changed, as a cursor gives them."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


class ServerTables:
    """`Connection` over a PostgreSQL (psycopg, raw cursor: `$n` placeholders) or DuckDB
    connection; `keys` names each table's generated key (`id`), for `last_pk`."""

    def __init__(self, connection: Any, engine: Name, keys: dict[str, str]) -> None:
        self.connection = connection
        self.engine = engine
        self.keys = keys

    def execute(self, sql: str, parameters: Any = (), /) -> Result:
        params = list(parameters or ())
        if self.engine == "postgres":
            cursor = self.connection.execute(numbered(sql), params or None)
            rows = cursor.fetchall() if cursor.description else []
            return Result(rows, cursor.rowcount)
        found = self.connection.execute(sql, params)
        rows = found.fetchall() if found.description else []
        changes = sql.lstrip().upper().startswith(("UPDATE", "DELETE", "INSERT"))
        # DuckDB answers a change with one row: how many rows it changed
        return Result([] if changes else rows, int(rows[0][0]) if changes and rows else -1)

    def table(self, table_name: str, /) -> ServerTable:
        return ServerTable(self, table_name)


class ServerTable:
    def __init__(self, tables: ServerTables, name: str) -> None:
        self.tables = tables
        self.name = name
        self.last_pk: Any = None

    def insert(self, record: dict[str, Any], /) -> ServerTable:
        key = self.tables.keys.get(self.name)
        names = ", ".join(quote(c) for c in record)
        marks = ", ".join("?" for _ in record)
        returning = f" RETURNING {quote(key)}" if key else ""
        sql = f"INSERT INTO {quote(self.name)} ({names}) VALUES ({marks}){returning}"
        if key and self.tables.engine == "duckdb":
            self.last_pk = self.tables.connection.execute(sql, list(record.values())).fetchone()[0]
        else:
            found = self.tables.execute(sql, list(record.values())).fetchone()
            self.last_pk = found[0] if found and key else None
        return self

    def insert_all(self, records: Iterable[dict[str, Any]], /) -> ServerTable:
        for record in records:
            self.insert(record)
        return self

    def upsert(self, record: dict[str, Any], /, *, pk: Any) -> ServerTable:
        keys = [pk] if isinstance(pk, str) else list(pk)
        names = ", ".join(quote(c) for c in record)
        marks = ", ".join("?" for _ in record)
        rest = [c for c in record if c not in keys]
        then = (
            "UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in rest)
            if rest
            else "NOTHING"
        )
        self.tables.execute(
            f"INSERT INTO {quote(self.name)} ({names}) VALUES ({marks})"
            f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO {then}",
            list(record.values()),
        )
        return self

    def delete_where(self, where: str, where_args: Sequence[Any], /) -> ServerTable:
        self.tables.execute(f"DELETE FROM {quote(self.name)} WHERE {where}", where_args)
        return self
