"""What goalline computes in its own SQLite aggregates, PostgreSQL and DuckDB compute alike
(issue 18's capability table rests on these): percentiles by linear interpolation between
closest ranks (`percentile_cont`, Excel's PERCENTILE.INC), the value of the earliest and of
the latest row, and the seconds between two instants written with different offsets. Each
engine is asked in its own words; a real PostgreSQL server answers (tests/postgres.py)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator

import duckdb
import psycopg
import pytest

from dsl.store.dialect import PERCENTS, SQLite, percentile

# Durations in minutes as a help desk exports them: ties, a long tail, empty cells.
random.seed(18)
VALUES: list[float | None] = [
    *(float(random.randint(1, 30)) for _ in range(180)),
    *(round(random.uniform(30, 600), 2) for _ in range(19)),
    *(None for _ in range(7)),
]
random.shuffle(VALUES)
TIMES = random.sample(range(1_767_225_600, 1_767_225_600 + 86_400 * 30), len(VALUES))
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
    for name, (arity, aggregate) in SQLite.functions().items():
        connection.create_aggregate(name, arity, aggregate)
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


@pytest.mark.parametrize("percent", PERCENTS)
def test_percentiles_agree(
    percent: float,
    postgres: psycopg.Connection[tuple[object, ...]],
    duck: duckdb.DuckDBPyConnection,
    sqlite: sqlite3.Connection,
) -> None:
    share = percent / 100
    ours = sqlite.execute(f"SELECT {SQLite().percentile('v', percent)} FROM t").fetchone()
    expected = percentile([v for v in VALUES if v is not None], percent)
    series = f"percentile_cont({share}) WITHIN GROUP (ORDER BY v)"
    theirs = postgres.execute(f"SELECT {series} FROM t").fetchone()
    ducks = duck.execute(f"SELECT {series} FROM t").fetchone()
    assert ours is not None and theirs is not None and ducks is not None
    assert ours[0] == pytest.approx(expected, abs=1e-9)
    assert theirs[0] == pytest.approx(expected, abs=1e-9)
    assert ducks[0] == pytest.approx(expected, abs=1e-9)


def test_the_earliest_and_the_latest_value_agree(
    postgres: psycopg.Connection[tuple[object, ...]],
    duck: duckdb.DuckDBPyConnection,
    sqlite: sqlite3.Connection,
) -> None:
    known = sorted((t, v) for v, t in ROWS if v is not None)
    expected = (known[0][1], known[-1][1])
    dialect = SQLite()
    ours = sqlite.execute(
        f"SELECT {dialect.first('v', 'created')}, {dialect.last('v', 'created')} FROM t"
    ).fetchone()
    theirs = postgres.execute(
        "SELECT (array_agg(v ORDER BY created) FILTER (WHERE v IS NOT NULL))[1],"
        " (array_agg(v ORDER BY created DESC) FILTER (WHERE v IS NOT NULL))[1] FROM t"
    ).fetchone()
    ducks = duck.execute(
        "SELECT arg_min(v, created) FILTER (WHERE v IS NOT NULL),"
        " arg_max(v, created) FILTER (WHERE v IS NOT NULL) FROM t"
    ).fetchone()
    assert ours == theirs == ducks == expected


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
