"""Connecting to a database server: its URL as messages show it (without the password),
the schema goalline writes in (the URL's `schema=NAME`, else `goalline`), the driver of each
database (an optional extra, named when missing), and the pool of connections a review
session and `watch` keep (`server.share_connections`)."""

from __future__ import annotations

import atexit
import os
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .base import is_server
from .dialect import Name
from .errors import StoreError
from .server_schema import SCHEMA


def shown(target: str) -> str:
    """A URL as messages show it: without its password."""
    if not is_server(target):
        return target
    parts = urlsplit(target)
    if parts.password is None:
        return target
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def driver_of(engine: Name) -> Any:
    extra = "postgres" if engine == "postgres" else "duckdb"
    try:
        if engine == "postgres":
            import psycopg

            return psycopg
        import duckdb

        return duckdb
    except ImportError:
        raise StoreError(
            f"a {'PostgreSQL' if engine == 'postgres' else 'DuckDB'} store needs the"
            f" {extra} extra: pip install 'goalline[{extra}]'"
        ) from None


_POOLS: dict[tuple[int, str], Any] = {}  # (process, URL) -> psycopg_pool.ConnectionPool


def own_schema(target: str) -> tuple[str, str]:
    """The URL as the driver takes it, and the schema goalline writes in: the URL's
    `schema=NAME` (which libpq does not know, so it is taken out), else `goalline`."""
    if not is_server(target):
        return target, SCHEMA
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    own = next((value for key, value in query if key == "schema" and value), SCHEMA)
    kept = urlencode([(key, value) for key, value in query if key != "schema"], safe="/")
    return urlunsplit(parts._replace(query=kept)), own


def _in_utc(connection: Any) -> None:
    connection.execute("SET TimeZone TO 'UTC'")


def pooled(target: str, driver: Any) -> Any:
    """This process's pool of connections to `target` (a forked process makes its own)."""
    key = (os.getpid(), target)
    if key not in _POOLS:
        try:
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(
                "a PostgreSQL store needs the postgres extra: pip install 'goalline[postgres]'"
            ) from None
        pool = ConnectionPool(
            target,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, "cursor_factory": driver.RawCursor},
            configure=_in_utc,
            # a connection the server has ended (a restart, an administrator) is replaced,
            # not handed out: one round trip each time a store is opened
            check=ConnectionPool.check_connection,
            name="goalline",
            open=True,
        )
        atexit.register(pool.close)
        _POOLS[key] = pool
    return _POOLS[key]
