"""What goalline computes in its own SQLite aggregates, PostgreSQL and DuckDB compute alike:
every aggregate of the language as the capability table (`dsl.store.capabilities`) writes
it for each engine gives the value worked out in plain Python over the same rows (exported
durations with ties, a long tail, empty cells and rows without a time): percentiles by
linear interpolation between closest ranks (PERCENTILE.INC), the value of the earliest and
of the latest row. Also the seconds between two instants written with other offsets. A
real PostgreSQL server answers (tests/postgres.py)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator

import duckdb
import psycopg
import pytest
from sqlglot import exp

from dsl.store.capabilities import DIALECTS, PERCENT, PLAIN, aggregate, sql
from dsl.store.dialect import percentile, sqlite_functions

# Durations in minutes as a help desk exports them: ties, a long tail, empty cells.
random.seed(18)
VALUES: list[float | None] = [
    *(float(random.randint(1, 30)) for _ in range(180)),
    *(round(random.uniform(30, 600), 2) for _ in range(19)),
    *(None for _ in range(7)),
]
random.shuffle(VALUES)
TIMES: list[int | None] = [
    *random.sample(range(1_767_225_600, 1_767_225_600 + 86_400 * 30), len(VALUES) - 3),
    None, None, None,  # rows without a time: no aggregate of goalline's takes them
]  # fmt: skip
ROWS = list(zip(VALUES, TIMES, strict=True))


@pytest.fixture(scope="module")
def postgres(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TEMP TABLE t (v double precision, created bigint)")
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO t VALUES (%s, %s)", ROWS)
        yield connection


@pytest.fixture(scope="module")
def duck() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (v DOUBLE, created BIGINT)")
    connection.executemany("INSERT INTO t VALUES (?, ?)", ROWS)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def sqlite() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    for name, (arity, kind) in sqlite_functions().items():
        connection.create_aggregate(name, arity, kind)
    connection.execute("CREATE TABLE t (v REAL, created INTEGER)")
    connection.executemany("INSERT INTO t VALUES (?, ?)", ROWS)
    yield connection
    connection.close()


def test_one_to_ten_at_90_percent_is_9_1_everywhere(
    postgres: psycopg.Connection[tuple[object, ...]], duck: duckdb.DuckDBPyConnection
) -> None:
    # rank (10 - 1) * 0.9 = 8.1: 9 + 0.1 * (10 - 9)
    assert percentile(list(range(1, 11)), 90.0) == pytest.approx(9.1, abs=1e-12)
    series = "percentile_cont(0.9) WITHIN GROUP (ORDER BY v)"
    assert postgres.execute(f"SELECT {series} FROM generate_series(1, 10) v").fetchone() == (9.1,)
    found = duck.execute(f"SELECT {series} FROM range(1, 11) r(v)").fetchone()
    assert found is not None and found[0] == pytest.approx(9.1, abs=1e-12)


def test_seconds_between_instants_written_with_other_offsets(
    postgres: psycopg.Connection[tuple[object, ...]], duck: duckdb.DuckDBPyConnection
) -> None:
    # Berlin's clocks went forward at 02:00 on 2026-03-29: 01:30+01 to 03:30+02 is one hour
    start, end = "2026-03-29 01:30:00+01", "2026-03-29 03:30:00+02"
    theirs = postgres.execute(
        "SELECT extract(epoch FROM %s::timestamptz - %s::timestamptz)::float8", (end, start)
    ).fetchone()
    ducks = duck.execute(
        "SELECT epoch(?::TIMESTAMPTZ) - epoch(?::TIMESTAMPTZ)", (end, start)
    ).fetchone()
    assert theirs == (3600.0,)
    assert ducks is not None and ducks[0] == 3600.0


FUNCTIONS = [*PLAIN, "distinct", *PERCENT, "first", "last"]


def by_hand(function: str) -> float:
    """The aggregate over `ROWS` in plain Python, as the language defines it."""
    valued = [v for v in VALUES if v is not None]
    timed = sorted((t, v) for v, t in ROWS if v is not None and t is not None)
    plain = {
        "count": len(valued), "distinct": len(set(valued)), "mean": sum(valued) / len(valued),
        "sum": sum(valued), "min": min(valued), "max": max(valued),
        "first": timed[0][1], "last": timed[-1][1],
    }  # fmt: skip
    if function in PERCENT:
        found = percentile(valued, PERCENT[function])
        assert found is not None
        return found
    return float(plain[function])


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_aggregate_as_the_capability_table_writes_it_agrees(
    function: str,
    postgres: psycopg.Connection[tuple[object, ...]],
    duck: duckdb.DuckDBPyConnection,
    sqlite: sqlite3.Connection,
) -> None:
    """The same aggregate, written for each engine by `capabilities.aggregate`, over the
    same rows: one value."""
    found = {}
    for dialect, connection in zip(DIALECTS, (sqlite, postgres, duck), strict=True):
        value, time = exp.column("v", table="t"), exp.column("created", table="t")
        query = f"SELECT {sql(aggregate(function, value, time, dialect), dialect)} FROM t AS t"
        row = connection.execute(query).fetchone()
        assert row is not None
        found[dialect] = float(row[0])
    expected = by_hand(function)
    assert found == {d: pytest.approx(expected, abs=1e-9) for d in DIALECTS}
