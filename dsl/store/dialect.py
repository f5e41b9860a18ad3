"""The SQL that differs between databases, in one small place.

The measure compiler writes standard SQL (CTEs, `FILTER`, `count(DISTINCT ...)`) and asks the
dialect for the rest: how cycles are listed, how instants subtract, percentiles, first and last
values. Instants are stored as seconds since 1970 UTC. A PostgreSQL dialect would implement
the same methods with `percentile_cont` and `array_agg`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol


def quote(identifier: str) -> str:
    """A quoted identifier: plans and files name tables and columns, never code."""
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class TempTable:
    """Rows a query reads besides the store's tables (a calendar's open time per day), loaded
    into the connection's temporary database before it runs: `name` is unquoted, the first
    column is the INTEGER PRIMARY KEY."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


class Dialect(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def cycles(self) -> str:
        """The relation (idx, lo, hi) of the cycle ranges that queries join to."""
        ...

    def cycles_cte(self, count: int) -> str | None:
        """A WITH item listing `count` ranges as parameters, or None when the ranges are
        loaded into `cycles` before the query runs (`Rows.fetch(..., ranges=...)`)."""
        ...

    def join_cycles(self, table: str) -> str: ...
    def seconds_between(self, start: str, end: str) -> str: ...
    def percentile(self, value: str, percent: float) -> str: ...
    def first(self, value: str, time: str) -> str: ...
    def last(self, value: str, time: str) -> str: ...


@dataclass(frozen=True)
class SQLite:
    """SQLite 3.30 or newer, with goalline's aggregates registered (`functions`)."""

    name: str = "sqlite"
    # The ranges go into a temporary table keyed by idx: SQLite then reads the cycles in idx
    # order, and groups each cycle's rows as its range scan delivers them. From a VALUES
    # list it cannot know that order and sorted every joined row first (twice as slow).
    cycles: str = "temp.goalline_cycles"

    def cycles_cte(self, count: int) -> str | None:
        return None

    def join_cycles(self, table: str) -> str:
        # CROSS JOIN keeps the few cycles as the outer loop, so each cycle is one range
        # scan of the time index; SQLite might otherwise scan the table once per cycle.
        # This one shape serves every cycle layout, measured on 1M rows (bench/): calendar
        # cycles could be one table scan with each row's cycle found by comparison (a CASE
        # over the bounds), but SQLite groups such rows through a sorter, 0.72 s against
        # 0.22 s here; a rowid range per cycle (the rows are in time order since import
        # writes them so) reads them no faster, 0.27 s, as the index already holds the time
        # and its lookups land in order. Rolling windows overlap and need the join anyway,
        # and a plan covering a small part of a large table reads only that part.
        return f"{self.cycles} AS c CROSS JOIN {table} AS t"

    def seconds_between(self, start: str, end: str) -> str:
        return f"({end} - {start})"

    def percentile(self, value: str, percent: float) -> str:
        return f"{percentile_name(percent)}({value})"

    def first(self, value: str, time: str) -> str:
        return f"goalline_first({value}, {time})"

    def last(self, value: str, time: str) -> str:
        return f"goalline_last({value}, {time})"

    @staticmethod
    def functions() -> dict[str, tuple[int, type]]:
        """Aggregates to register on every connection: name -> (arity, class)."""
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
