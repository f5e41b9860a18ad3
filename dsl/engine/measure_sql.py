"""Measure expressions compiled to one SQL query per indicator and cycle layout.

The query lists the cycles' time ranges, joins each source's rows into them through the time
index, and returns one row per cycle with the value of every aggregate of the measure; the
arithmetic that combines them (`100 * a / b`) is done by `combine`, where a division by zero
has no value. The query is built as SQLGlot expressions from the measure's own tree and
rendered for the store's dialect (`store.dialect`), each aggregate as the dialect's
capability table says (`store.capabilities`). Identifiers are checked against the store's
schema first (`schema_problems`) and quoted; every literal of a condition is a bound
parameter, and the numbers of a row expression are the plan's own numbers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from ..language import model as m
from ..language.cycles import Range
from ..language.expressions import (
    aggregate_calls,
    calendars_of,
    source_of,
)
from ..store.dialect import Dialect, Params, TempTable
from .aggregate_sql import (
    CYCLES,
    Table,
    cycles_table,
    select,
    source_table,
    tally_columns,
    time_of,
    zero,
)
from .business import BusinessTime, business_table

RECORDED_TABLE = "measurements"
RECORDED_TIME = "at"
RECORDED_VALUE = "value"


@dataclass(frozen=True, slots=True)
class Query:
    """A compiled measure: the SQL, its parameters, and the aggregates its columns hold.

    Each row is the cycle's index (and breakdown key), the value of each aggregate, and then
    (when `tallied`) for each aggregate what it read (`TALLY` columns): the rows of its
    source in the cycle, those its `where` kept, those of them with a value, and the
    negative values of a duration (NULL for other values)."""

    sql: str
    params: tuple[Any, ...]
    aggregates: tuple[m.Call, ...]
    ranges: tuple[Range, ...] = ()  # to load into the dialect's cycles relation first
    tallied: bool = False  # whether its rows end with the `TALLY` columns
    tables: tuple[TempTable, ...] = ()  # to load before it runs (calendars' open time)
    dialect: str = "SQLite"  # the database it was written for, as people name it


def compile_measure(
    indicator: m.Indicator,
    plan: m.Plan,
    ranges: Sequence[Range],
    dialect: Dialect,
    by: str | None = None,
    tally: bool = False,
) -> Query:
    """The query that computes every aggregate of `indicator` for each range, in the order
    of `aggregate_calls` (the order `combine` takes them in); with `by`, for each range and
    each value of that column (the indicator's `breakdown`); with `tally`, also what each
    aggregate read (its `TALLY` columns), which costs a quarter more time: only the JSON
    report and `explain` ask for it."""
    groups = list(_groups(indicator, plan).values())
    return _compile(groups, ranges, dialect, by, tally, _calendars([indicator], plan))


def shape(
    indicator: m.Indicator, plan: m.Plan, ranges: Sequence[Range], dialect: Dialect, tally: bool
) -> Query:
    """What `compile_measure` would give but its text and parameters: the aggregates its
    rows hold, in order (an evaluation reads them from the merged query)."""
    numbered = [pair for _, calls in _groups(indicator, plan).values() for pair in calls]
    ordered = tuple(call for _, call in sorted(numbered, key=lambda pair: pair[0]))
    loaded = tuple(ranges) if dialect.loads_cycles else ()
    return Query("", (), ordered, loaded, tally, dialect=dialect.label)


def compile_layout(
    indicators: Sequence[m.Indicator],
    plan: m.Plan,
    ranges: Sequence[Range],
    dialect: Dialect,
    tally: bool = False,
    by: str | None = None,
) -> tuple[Query, dict[str, slice]]:
    """One query for every indicator evaluated over the same cycles: each table they read is
    read once, for all their aggregates together (a table of a million rows costs its read,
    not the aggregates, so ten indicators over one table cost about one). Returns the query
    and, per indicator, the slice of each row (after the cycle's index, and with `by` the
    breakdown key) that holds its aggregates in the order `combine` takes them (with
    `tally`, its `TALLY` columns follow all the aggregates, in the same order: `TALLY` times
    the slice, after them). With `by`, the indicators must read the same tables: a row is
    a key found in any of them."""
    merged: dict[Table, tuple[Table, list[tuple[int, m.Call]]]] = {}
    slices: dict[str, slice] = {}
    offset = 0
    for indicator in indicators:
        count = 0
        for table, calls in _groups(indicator, plan).values():
            merged.setdefault(table, (table, []))[1].extend((offset + n, c) for n, c in calls)
            count += len(calls)
        slices[indicator.id] = slice(offset, offset + count)
        offset += count
    calendars = _calendars(indicators, plan)
    return _compile(list(merged.values()), ranges, dialect, by, tally, calendars), slices


def _calendars(indicators: Sequence[m.Indicator], plan: m.Plan) -> dict[str, TempTable]:
    """The open-time table of each calendar the measures count business time in."""
    found = {}
    for indicator in indicators:
        for ref in calendars_of(indicator.measure) if indicator.measure else ():
            calendar = plan.get(ref)
            assert isinstance(calendar, m.Calendar)  # checked before
            found[ref.id] = business_table(calendar, plan)
    return found


def _compile(
    groups: list[tuple[Table, list[tuple[int, m.Call]]]],
    ranges: Sequence[Range],
    dialect: Dialect,
    by: str | None,
    tally: bool,
    calendars: Mapping[str, TempTable],
) -> Query:
    """One CTE per table, computing its aggregates per cycle; the outer query joins them to
    the cycles and returns each aggregate at its position."""
    params = Params(dialect)
    ctes: list[exp.CTE] = []
    if not dialect.loads_cycles:
        ctes.append(_cycles_values(ranges, params))
    placed: list[tuple[int, exp.Expr, m.Call, list[exp.Expr]]] = []
    for number, (table, numbered) in enumerate(groups):
        alias = f"s{number}"
        calls = [call for _, call in numbered]
        business = BusinessTime(calendars, dialect)
        query, names = select(table, calls, dialect, params, by, tally, business)
        ctes.append(exp.CTE(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias))))
        for (position, call), name in zip(numbered, names, strict=True):
            # A cycle without rows counts 0 rows; a `distinct` of no rows has no value
            # (language.md, "Edge cases, decided"), but of rows whose values are all empty, 0.
            value: exp.Expr = exp.column(name, alias)
            if call.function == "count":
                value = zero(value)
            tallied = tally_columns(alias, name[1:], call) if tally else []
            placed.append((position, value, call, tallied))
    placed.sort(key=lambda item: item[0])
    columns = [value for _, value, _, _ in placed]
    columns += [t for _, _, _, tallied in placed for t in tallied]
    ordered = [call for _, _, call, _ in placed]
    aliases = [f"s{n}" for n in range(len(groups))]
    order = [exp.column("idx", "c")]
    if by is None:
        # A cycle cut into pieces by exclusions is one row of the result.
        cycles: exp.Query = exp.select("idx").distinct().from_(cycles_table(dialect))
        joins: list[exp.Expr] = [
            exp.EQ(this=exp.column("idx", a), expression=exp.column("idx", "c")) for a in aliases
        ]
    else:
        keys = [exp.select("idx", "key").from_(a) for a in aliases]
        cycles = keys[0]
        for more in keys[1:]:
            cycles = exp.union(cycles, more, distinct=True)
        order.append(exp.column("key", "c"))
        joins = [
            exp.and_(
                exp.EQ(this=exp.column("idx", a), expression=exp.column("idx", "c")),
                exp.NullSafeEQ(this=exp.column("key", a), expression=exp.column("key", "c")),
            )
            for a in aliases
        ]
    query = exp.Select(
        expressions=[*order, *columns],
        with_=exp.With(expressions=ctes),
        from_=exp.From(
            this=exp.Subquery(this=cycles, alias=exp.TableAlias(this=exp.to_identifier("c")))
        ),
        joins=[
            exp.Join(this=exp.to_table(a), side="LEFT", on=on)
            for a, on in zip(aliases, joins, strict=True)
        ],
        order=exp.Order(expressions=[exp.Ordered(this=o.copy(), nulls_first=True) for o in order]),
    )
    ranges = tuple(ranges) if dialect.loads_cycles else ()
    return Query(
        _text(query, dialect),
        tuple(params.values),
        tuple(ordered),
        ranges,
        tally,
        tuple(calendars.values()),
        dialect.label,
    )


def _text(query: exp.Select, dialect: Dialect) -> str:
    """The query's text, one clause a line: the databases do not mind, and `explain` shows
    it to people."""

    def render(part: exp.Expr) -> str:
        return part.sql(dialect=dialect.name, normalize_functions="lower")

    lines = ["WITH " + ",\n".join(render(cte) for cte in query.ctes)]
    lines.append("SELECT " + ", ".join(render(e) for e in query.expressions))
    lines.append(render(query.args["from_"]))
    lines += [render(join) for join in query.args.get("joins") or ()]
    lines.append(render(query.args["order"]).strip())
    return "\n".join(lines)


def _cycles_values(ranges: Sequence[Range], params: Params) -> exp.CTE:
    """The cycles as a VALUES list of parameters (PostgreSQL, DuckDB: they plan a join to it
    as well as to a table, and nothing need be loaded first)."""
    rows = []
    for r in ranges:
        bounds = (r.index, float(r.lo), float(r.hi))
        rows.append(exp.Tuple(expressions=[params.mark(value) for value in bounds]))
    if not rows:  # a query compiled to be shown before any cycle (no dialect runs it so)
        rows.append(exp.Tuple(expressions=[exp.Null(), exp.Null(), exp.Null()]))
    values = exp.Values(expressions=rows)
    columns = [exp.to_identifier(n) for n in ("idx", "lo", "hi")]
    alias = exp.TableAlias(this=exp.to_identifier(CYCLES), columns=columns)
    return exp.CTE(this=values, alias=alias)


def begins_sql(indicator: m.Indicator, plan: m.Plan, dialect: Dialect) -> list[str]:
    """For each source a measure reads, the query for the time of its earliest row, found
    through the time index (none for a recorded indicator)."""
    if indicator.measure is None:
        return []
    found = []
    for table, _ in _groups(indicator, plan).values():
        earliest = exp.Min(this=time_of(table, dialect))
        query = exp.select(earliest).from_(source_table(table, dialect))
        found.append(query.sql(dialect=dialect.name, normalize_functions="lower"))
    return found


def rows_in_range_sql(
    table: Table, lo: float, hi: float, dialect: Dialect
) -> tuple[str, tuple[Any, ...]]:
    """The query counting a table's rows from one instant to another, for `explain`."""
    params = Params(dialect)
    at = time_of(table, dialect)
    kept: list[exp.Expr] = [exp.GTE(this=at, expression=params.mark(lo))]
    kept.append(exp.LT(this=at.copy(), expression=params.mark(hi)))
    if table.indicator is not None:
        mark = params.mark(table.indicator)
        kept.append(exp.EQ(this=exp.column("indicator", "t"), expression=mark))
    query = exp.select(exp.Count(this=exp.Star())).from_(source_table(table, dialect))
    text = query.where(exp.and_(*kept)).sql(dialect=dialect.name, normalize_functions="lower")
    return text, tuple(params.values)


def tables_read(indicator: m.Indicator, plan: m.Plan) -> list[Table]:
    """The tables a measure reads (the store's measurements for a recorded indicator)."""
    return [table for table, _ in _groups(indicator, plan).values()]


def _groups(
    indicator: m.Indicator, plan: m.Plan
) -> dict[str, tuple[Table, list[tuple[int, m.Call]]]]:
    """The aggregates of a measure by the source they read, each with its position among
    the measure's aggregates (a recorded indicator reads the values recorded for it)."""
    if indicator.measure is None:
        aggregate = indicator.aggregate.id if indicator.aggregate else "mean"
        call = m.Call(function=aggregate, args=(m.Column(source="", column=RECORDED_VALUE),))
        recorded = Table(RECORDED_TABLE, RECORDED_TIME, indicator.id)
        calls = [call, *_sample_calls(indicator, [call])]
        return {"": (recorded, list(enumerate(calls)))}
    groups: dict[str, tuple[Table, list[tuple[int, m.Call]]]] = {}
    measured = list(aggregate_calls(indicator.measure))
    for position, call in enumerate([*measured, *_sample_calls(indicator, measured)]):
        source = source_of(call)
        found = plan.get(source)
        assert isinstance(found, m.Source) and found.time is not None  # checked before
        table = table_read(found, plan)
        groups.setdefault(source, (table, []))[1].append((position, call))
    return groups


def table_read(source: m.Source, plan: m.Plan) -> Table:
    """Where a source's rows are: its table, or its files from the folder goalline runs in
    (a relative path is from the folder of the file that declares the source)."""
    assert source.time is not None  # checked before
    zone = plan.info.timezone or "UTC"
    if source.file is None:
        return Table(source.table_name, source.time.id, schema=source.schema, zone=zone)
    url = "://" in source.file  # s3://, https:// (DuckDB's httpfs): not a path
    path = source.file if url else os.path.join(os.path.dirname(source.span.file), source.file)
    formats = tuple((f.column.id, f.format) for f in source.formats)
    return Table(source.table_name, source.time.id, file=path, zone=zone, formats=formats)


def files_read(plan: m.Plan) -> dict[str, str]:
    """The files the plan's sources read in place, as the plan names them -> the relation
    that reads them (DuckDB's SQL), for the store to describe."""
    duckdb = Dialect("duckdb")
    return {
        source.table_name: source_table(table, duckdb).sql(dialect="duckdb")
        for source in plan.sources
        if source.time is not None and (table := table_read(source, plan)).file is not None
    }


def _sample_calls(indicator: m.Indicator, calls: list[m.Call]) -> list[m.Call]:
    """With `min_sample`, one more aggregate per aggregate of the measure, after them all: the
    number of values it read (for `count`, the rows it counted). The cycle's sample is the
    largest (language.md, "Sample size"); a shared one is computed once all the same."""
    if indicator.min_sample is None:
        return []
    return [m.Call(function="count", args=call.args, where=call.where) for call in calls]


def samples_of(indicator: m.Indicator) -> int:
    """How many sample counts follow the measure's aggregates in a row of its query."""
    if indicator.min_sample is None:
        return 0
    return len(list(aggregate_calls(indicator.measure))) if indicator.measure else 1
