"""What differs between the databases goalline reads, in one small place.

The measure compiler (`engine.measure_sql`) builds SQLGlot expressions and renders them for a
`Dialect`: `sqlite` (the embedded store), `postgres` and `duckdb`. How each computes the
language's aggregates is `capabilities`; this module holds what the compiler asks besides:
how a column is named, which columns hold timestamps rather than seconds since 1970 UTC,
and the aggregates registered on every SQLite connection (percentiles, first, last).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from sqlglot import exp

Name = Literal["sqlite", "postgres", "duckdb"]
LABELS: dict[Name, str] = {"sqlite": "SQLite", "postgres": "PostgreSQL", "duckdb": "DuckDB"}


def quote(identifier: str) -> str:
    """A quoted identifier: plans and files name tables and columns, never code."""
    return '"' + identifier.replace('"', '""') + '"'


def column(name: str, table: str = "t") -> exp.Column:
    """A column of a user's table (quoted: any name a file gave it) under a query alias."""
    return exp.Column(this=exp.to_identifier(name, quoted=True), table=exp.to_identifier(table))


def table(name: str, alias: str | None = None, schema: str | None = None) -> exp.Table:
    """A table by its name (in `schema`, for a database server's table in a schema)."""
    found = exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(schema, quoted=True) if schema else None,
    )
    if alias:
        found.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return found


@dataclass(frozen=True, slots=True)
class TempTable:
    """Rows a query reads besides the store's tables (a calendar's open time per day), loaded
    into the connection's temporary tables before it runs: `name` is unquoted, the first
    column is the integer primary key."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True, slots=True)
class Dialect:
    """The database a query is written for, and the time columns of its tables that hold
    timestamps (a PostgreSQL `timestamptz`, a Parquet file's TIMESTAMP): the compiler reads
    those as seconds since 1970 UTC, the unit of every other time column and of the cycles;
    a timestamp without a zone (`naive`) is a time in the plan's zone, as an import reads a
    time written without an offset. goalline's own imports store seconds everywhere."""

    name: Name = "sqlite"
    timestamps: frozenset[tuple[str, str]] = frozenset()  # (table, column)
    naive: frozenset[tuple[str, str]] = frozenset()  # those of them without a zone

    @property
    def label(self) -> str:
        return LABELS[self.name]

    @property
    def loads_cycles(self) -> bool:
        """Whether the cycles go into a temporary table before the query runs (SQLite), rather
        than into the query itself as a VALUES list. SQLite then reads the cycles in idx
        order, and groups each cycle's rows as its range scan delivers them: from a VALUES
        list it cannot know that order and sorted every joined row first (twice as slow)."""
        return self.name == "sqlite"

    def is_timestamp(self, table: str, name: str) -> bool:
        return (table, name) in self.timestamps

    def temp_table(self, name: str, alias: str, quoted: bool = True) -> exp.Table:
        """A temporary table: SQLite names its schema `temp`; PostgreSQL and DuckDB look in
        the session's temporary tables first."""
        found = table(name, alias)
        found.set("this", exp.to_identifier(name, quoted=quoted))
        if self.name == "sqlite":
            found.set("db", exp.to_identifier("temp"))
        return found


SQLITE = Dialect()


class Params:
    """The values a query binds, in order, and the placeholder each one takes: `?` for SQLite
    (bound by position, in the order of the text), `$n` for PostgreSQL and DuckDB (bound by
    number, so no `%` in a column's name is ever read as a placeholder by the driver)."""

    def __init__(self, dialect: Dialect, before: int = 0) -> None:
        self.dialect = dialect
        self.before = before  # values bound before these, for numbering
        self.values: list[Any] = []

    def mark(self, value: Any) -> exp.Expr:
        self.values.append(value)
        if self.dialect.name == "sqlite":
            return exp.Placeholder()
        return exp.Parameter(this=exp.var(str(self.before + len(self.values))))

    def then(self) -> Params:
        """Scratch values that number on from these: kept with `extend`, or dropped."""
        return Params(self.dialect, self.before + len(self.values))

    def extend(self, other: Params) -> None:
        self.values += other.values


def sqlite_functions() -> dict[str, tuple[int, type]]:
    """Aggregates to register on every SQLite connection: name -> (arity, class)."""
    percentiles = {percentile_name(p): (1, _percentile_of(p)) for p in PERCENTS}
    return percentiles | {"goalline_first": (2, First), "goalline_last": (2, Last)}


PERCENTS = (50.0, 75.0, 90.0, 95.0, 99.0)  # median and the language's p50 .. p99


def percentile_name(percent: float) -> str:
    if percent not in PERCENTS:
        raise ValueError(f"no percentile aggregate for {percent}")
    return f"goalline_p{percent:g}"


class Percentile:
    """Linear interpolation between closest ranks (numpy's default, Excel's PERCENTILE.INC).

    SQLite feeds one group (one cycle) at a time and finalizes it before the next, so only
    that cycle's values are held. SQLite calls `step` once a row, with the GIL: here it is
    the list's own `append`, so a row costs no Python frame (a third less time, and less
    waiting for the review session's screen, which needs the GIL too); NULLs are dealt with
    once, in `finalize`."""

    percent = 50.0

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.step = self.values.append

    def finalize(self) -> float | None:
        values = self.values
        if None in values:
            values = [v for v in values if v is not None]
        try:
            return percentile(values, self.percent)
        except TypeError:  # text (which compares with text but never subtracts): as numbers
            return percentile([float(v) for v in values], self.percent)


def _percentile_of(percent: float) -> type[Percentile]:
    return type(f"Percentile{percent:g}", (Percentile,), {"percent": percent})


SELECT_ABOVE = 4096  # values from which `percentile` sorts only those near the quantile
SAMPLE = 1024  # values in the sample that places its threshold


def percentile(values: list[Any], percent: float) -> float | None:
    """The `percent` quantile of numbers (ints or floats), reordering `values` in place.

    Only the two ranks around the quantile matter. Above `SELECT_ABOVE` values, a sample
    spread over the list (so over the cycle's time) places a threshold a little below the
    quantile, and only the values at or above it are sorted: for a p90 of a million
    values a tenth of a full sort's time. When the sample misjudged (the threshold lies
    above the ranks wanted), every value is sorted, so the answer is always exact."""
    count = len(values)
    if not count:
        return None
    rank = (count - 1) * percent / 100.0
    low = math.floor(rank)
    high = min(low + 1, count - 1)
    if count > SELECT_ABOVE:
        sample = sorted(values[:: count // SAMPLE])
        # A margin of 64 sample ranks (about 6% of the values) keeps a run of ties or an
        # uneven spread from placing the threshold above the quantile.
        threshold = sample[max(0, int(len(sample) * percent / 100.0) - 64)]
        kept = [v for v in values if v >= threshold]
        below = count - len(kept)
        if below <= low:
            kept.sort()
            values, low, high = kept, low - below, high - below
        else:
            values.sort()
    else:
        values.sort()
    return float(values[low] + (rank - math.floor(rank)) * (values[high] - values[low]))


class First:
    """The value of the earliest row (the first one given when times tie)."""

    def __init__(self) -> None:
        self.value: Any = None
        self.time: float | None = None

    def step(self, value: Any, time: float | None) -> None:
        if time is not None and value is not None and (self.time is None or time < self.time):
            self.value, self.time = value, time

    def finalize(self) -> Any:
        return self.value


class Last(First):
    """The value of the latest row (the last one given when times tie)."""

    def step(self, value: Any, time: float | None) -> None:
        if time is not None and value is not None and (self.time is None or time >= self.time):
            self.value, self.time = value, time
