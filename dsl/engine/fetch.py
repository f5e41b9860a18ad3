"""The engine's counting half: per-cycle values of every goal, from the store.

The store is asked once per cycle layout (and once more per layout and breakdown column),
never once per cycle or per indicator, and never for rows: one query computes the
aggregates of every indicator evaluated over those cycles, reading each table once
(`measure_sql.compile_layout`). Each indicator's own query, which `explain` shows and a user
can run by hand, gives the same values: `own_query` compiles it when `explain` shows it
(an evaluation needs only its shape: compiling a query costs milliseconds, twenty of them
a fifth of an evaluation on DuckDB).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..language import model as m
from ..language.cycles import Range
from ..language.expressions import source_of, text
from ..store.dialect import Dialect, TempTable
from .aggregate_sql import TALLY
from .combine import combine
from .measure_sql import (
    Query,
    begins_sql,
    compile_layout,
    compile_measure,
    samples_of,
    shape,
    tables_read,
)
from .report import Report, RowsRead
from .schedule import Layout


class Rows(Protocol):
    """What the engine needs of a store: the dialect its queries are written in, and running
    one read query."""

    @property
    def dialect(self) -> Dialect: ...

    def fetch(
        self,
        sql: str,
        params: Any = (),
        ranges: Sequence[Range] = (),
        tables: Sequence[TempTable] = (),
    ) -> list[tuple[Any, ...]]: ...


def run(store: Rows, query: Query) -> list[tuple[Any, ...]]:
    """The rows of a compiled query, its cycles and its temporary tables loaded first."""
    return store.fetch(query.sql, query.params, query.ranges, query.tables)


@dataclass(frozen=True, slots=True)
class Ran:
    """One query that ran, for `explain`: the indicator, the query and its result rows."""

    indicator: str
    ranges: tuple[Range, ...]
    query: Query
    rows: tuple[tuple[Any, ...], ...]
    begins: float = -math.inf  # when the data the measure reads begins (`data_begins`)


Breakdown = dict[int, dict[str, float | None]]  # cycle index -> value per breakdown key


def own_query(ran: Ran, plan: m.Plan, dialect: Dialect) -> Query:
    """The indicator's own query over the cycles it ran on, as `explain` shows it and a
    user can run by hand: the rows it gives are those the merged query gave (`ran.rows`)."""
    if ran.query.sql:
        return ran.query
    indicator = plan.get(ran.indicator)
    assert isinstance(indicator, m.Indicator)
    return compile_measure(indicator, plan, ran.ranges, dialect, tally=ran.query.tallied)


def data_begins(
    indicator: m.Indicator, plan: m.Plan, store: Rows, known: dict[str, float] | None = None
) -> float:
    """When the data a measure reads begins: the earliest time of any row of its sources
    (infinity when they have no rows; minus infinity for a recorded indicator, whose
    aggregates have no value without rows anyway). `known` keeps each source's answer for the
    rest of one evaluation."""
    known = {} if known is None else known
    earliest = math.inf
    for sql in begins_sql(indicator, plan, store.dialect):
        if sql not in known:
            found = store.fetch(sql)[0][0]
            known[sql] = math.inf if found is None else float(found)
        earliest = min(earliest, known[sql])
    return earliest if indicator.measure is not None else -math.inf


def before_data(ranges: Iterable[Range], begins: float) -> set[int]:
    """The cycles that end at or before the data begins: they have no value, whatever the
    aggregate, `count` too (language.md, "Edge cases, decided": the data had not begun)."""
    return {r.index for r in ranges if r.hi <= begins}


def fetch_breakdowns(
    plan: m.Plan,
    goals: Iterable[m.Goal],
    layouts: Mapping[str, Layout],
    store: Rows,
    dialect: Dialect,
) -> dict[str, Breakdown]:
    """For goals whose indicator declares a `breakdown`, the value per cycle and per value of
    that column: one more query per cycle layout, breakdown column and set of tables, for
    every indicator that shares them (each split must see only its own tables' keys)."""
    shared: dict[tuple[tuple[Range, ...], str, frozenset[str]], list[m.Indicator]] = {}
    wanted: dict[str, tuple[str, tuple[Range, ...]]] = {}
    for goal in goals:
        indicator = plan.get(goal.indicator)
        ranges = layouts[goal.id].ranges
        if not isinstance(indicator, m.Indicator) or indicator.breakdown is None or not ranges:
            continue
        tables = frozenset(t.name for t in tables_read(indicator, plan))
        key = (ranges, indicator.breakdown.id, tables)
        if indicator not in shared.setdefault(key, []):
            shared[key].append(indicator)
        wanted[goal.id] = (indicator.id, ranges)
    done: dict[tuple[str, tuple[Range, ...]], Breakdown] = {}
    for (ranges, by, _), indicators in shared.items():
        query, slices = compile_layout(indicators, plan, ranges, dialect, by=by)
        rows = run(store, query)
        for indicator in indicators:
            split: Breakdown = {}
            for row in rows:
                label = "(none)" if row[1] is None else str(row[1])
                aggregates = iter(row[2:][slices[indicator.id]])
                split.setdefault(row[0], {})[label] = combine(indicator.measure, aggregates)
            done[indicator.id, ranges] = split
    return {goal_id: done[key] for goal_id, key in wanted.items()}


def fetch_values(
    plan: m.Plan,
    goals: Iterable[m.Goal],
    layouts: Mapping[str, Layout],
    store: Rows,
    dialect: Dialect,
    tally: bool = False,
) -> tuple[dict[str, dict[int, float | None]], dict[str, dict[int, int | None]], list[Ran]]:
    """Each goal's value per cycle index; its sample per cycle index where its indicator has
    a `min_sample` (None before the data begins); and the queries that were run (with
    `tally`, they count what each aggregate read too: `with_rows_read`)."""
    by_layout: dict[tuple[str, tuple[Range, ...]], list[str]] = {}
    for goal in goals:
        assert goal.indicator is not None
        key = (goal.indicator.id, layouts[goal.id].ranges)
        by_layout.setdefault(key, []).append(goal.id)
    values: dict[str, dict[int, float | None]] = {}
    samples: dict[str, dict[int, int | None]] = {}
    ran: list[Ran] = []
    known: dict[str, float] = {}
    merged = _merged(plan, by_layout, store, dialect, tally)
    for (indicator_id, ranges), goal_ids in by_layout.items():
        indicator = plan.get(indicator_id)
        assert isinstance(indicator, m.Indicator)
        per_cycle: dict[int, float | None] = {}
        sampled: dict[int, int | None] = {}
        if ranges:
            # The shape of the query a user can run by hand for this indicator (`own_query`
            # compiles it for explain); the values come from the merged query, the same.
            query = shape(indicator, plan, ranges, dialect, tally)
            rows = merged[indicator_id, ranges]
            per_cycle = {row[0]: combine(indicator.measure, iter(row[1:])) for row in rows}
            begins = data_begins(indicator, plan, store, known)
            before = before_data(ranges, begins)
            per_cycle.update(dict.fromkeys(before))
            if indicator.min_sample is not None:
                sampled = _samples(rows, ranges, len(query.aggregates), samples_of(indicator))
                sampled.update(dict.fromkeys(before))
            ran.append(Ran(indicator_id, ranges, query, tuple(rows), begins))
        for goal_id in goal_ids:
            values[goal_id] = per_cycle
            if indicator.min_sample is not None:
                samples[goal_id] = sampled
    return values, samples, ran


def _samples(
    rows: Sequence[tuple[Any, ...]], ranges: Sequence[Range], width: int, counts: int
) -> dict[int, int | None]:
    """Each cycle's sample: the largest of the sample counts that end its aggregates (a cycle
    without rows has none: 0)."""
    found: dict[int, int | None] = dict.fromkeys((r.index for r in ranges), 0)
    for row in rows:
        found[row[0]] = max(int(n or 0) for n in row[1 + width - counts : 1 + width])
    return found


def _merged(
    plan: m.Plan,
    by_layout: Mapping[tuple[str, tuple[Range, ...]], list[str]],
    store: Rows,
    dialect: Dialect,
    tally: bool,
) -> dict[tuple[str, tuple[Range, ...]], list[tuple[Any, ...]]]:
    """Each indicator's rows (cycle index, then its aggregates, then with `tally` what they
    read) from one query per cycle layout, which reads each table once for every indicator
    evaluated over those cycles."""
    indicators: dict[tuple[Range, ...], list[m.Indicator]] = {}
    for indicator_id, ranges in by_layout:
        indicator = plan.get(indicator_id)
        if ranges and isinstance(indicator, m.Indicator):
            indicators.setdefault(ranges, []).append(indicator)
    found: dict[tuple[str, tuple[Range, ...]], list[tuple[Any, ...]]] = {}
    for ranges, chosen in indicators.items():
        query, slices = compile_layout(chosen, plan, ranges, dialect, tally)
        rows = run(store, query)
        width = len(query.aggregates)
        for indicator in chosen:
            part = slices[indicator.id]
            read = slice(1 + width + TALLY * part.start, 1 + width + TALLY * part.stop)
            found[indicator.id, ranges] = [
                (row[0], *row[1:][part], *(row[read] if tally else ())) for row in rows
            ]
    return found


def with_rows_read(
    report: Report, plan: m.Plan, layouts: Mapping[str, Layout], ran: Sequence[Ran]
) -> Report:
    """The report with, in each cycle of a measured goal, what each aggregate read (from the
    tally columns of the query that gave its values)."""
    by_layout = {(r.indicator, r.ranges): r for r in ran}
    goals = []
    for result in report.goals:
        indicator = plan.get(result.indicator)
        found = by_layout.get((result.indicator, layouts[result.id].ranges))
        measured = isinstance(indicator, m.Indicator) and indicator.measure is not None
        if not measured or found is None or not found.query.tallied:
            goals.append(result)
            continue
        read = _rows_read(plan, found)
        cycles = tuple(replace(c, rows=read.get(c.index, ())) for c in result.cycles)
        goals.append(replace(result, cycles=cycles))
    return replace(report, goals=tuple(goals))


def _rows_read(plan: m.Plan, ran: Ran) -> dict[int, tuple[RowsRead, ...]]:
    every = ran.query.aggregates
    indicator = plan.get(ran.indicator)
    counts = samples_of(indicator) if isinstance(indicator, m.Indicator) else 0
    calls = every[: len(every) - counts]  # the sample counts read what their aggregates did
    tables = []
    for call in calls:
        source = plan.get(source_of(call))
        tables.append(source.table_name if isinstance(source, m.Source) else "")
    found = {}
    for row in ran.rows:
        tallies = row[1 + len(every) :]
        found[row[0]] = tuple(
            RowsRead(text(call), table, *_counts(tallies[n * TALLY : (n + 1) * TALLY]))
            for n, (call, table) in enumerate(zip(calls, tables, strict=True))
        )
    return found


def _counts(tally: Sequence[Any]) -> tuple[int, int, int, int | None]:
    read, matched, valued, negative = tally
    return int(read), int(matched), int(matched) - int(valued), negative
