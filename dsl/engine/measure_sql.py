"""Measure expressions compiled to one SQL query per indicator and cycle layout.

The query lists the cycles' time ranges, joins each source's rows into them through the time
index, and returns one row per cycle with the value of every aggregate of the measure; the
arithmetic that combines them (`100 * a / b`) is done by `combine`, where a division by zero
has no value. Identifiers are checked against the store's schema first (`schema_problems`),
quoted, and every literal is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..language import model as m
from ..language.checks.measures import PERCENTILES
from ..language.cycles import Range
from ..language.expressions import (
    BUSINESS,
    ELAPSED,
    aggregate_calls,
    calendars_of,
    durations,
    source_of,
)
from ..store.dialect import Dialect, TempTable, quote
from .business import BusinessTime, business_table
from .conditions import condition_sql

RECORDED_TABLE = "measurements"
RECORDED_TIME = "at"
RECORDED_VALUE = "value"
_PERCENT = {"median": 50.0} | {name: float(name[1:]) for name in PERCENTILES}


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


@dataclass(frozen=True, slots=True)
class Table:
    """Where an aggregate reads: the table, its time column, and an extra row filter."""

    name: str
    time: str
    where: str = ""
    params: tuple[Any, ...] = ()


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
    merged: dict[tuple[Any, ...], tuple[Table, list[tuple[int, m.Call]]]] = {}
    slices: dict[str, slice] = {}
    offset = 0
    for indicator in indicators:
        count = 0
        for table, calls in _groups(indicator, plan).values():
            key = (table.name, table.time, table.where, table.params)
            merged.setdefault(key, (table, []))[1].extend((offset + n, c) for n, c in calls)
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
    cte = dialect.cycles_cte(len(ranges))
    params: list[Any] = [value for r in ranges for value in (r.index, r.lo, r.hi)] if cte else []
    selects: list[str] = []
    placed: list[tuple[int, str, m.Call, list[str]]] = []
    for number, (table, numbered) in enumerate(groups):
        alias = f"s{number}"
        calls = [call for _, call in numbered]
        business = BusinessTime(calendars)
        select, names = _select(table, calls, dialect, params, by, tally, business)
        selects.append(f"{alias} AS ({select})")
        for (position, call), name in zip(numbered, names, strict=True):
            # A cycle without rows counts 0 rows; a `distinct` of no rows has no value
            # (language.md, "Edge cases, decided"), but of rows whose values are all empty, 0.
            zero = call.function == "count"
            column = f"coalesce({alias}.{name}, 0)" if zero else f"{alias}.{name}"
            tallied = _tally_columns(alias, name[1:], call) if tally else []
            placed.append((position, column, call, tallied))
    placed.sort(key=lambda item: item[0])
    columns = [column for _, column, _, _ in placed]
    columns += [t for _, _, _, tallied in placed for t in tallied]
    ordered = [call for _, _, call, _ in placed]
    aliases = [f"s{n}" for n in range(len(groups))]
    if by is None:
        # A cycle cut into pieces by exclusions is one row of the result.
        rows, key = (
            f"(SELECT DISTINCT idx FROM {dialect.cycles if cte is None else 'cycles'}) AS c",
            "",
        )
        joins = [f"LEFT JOIN {a} ON {a}.idx = c.idx" for a in aliases]
    else:
        keys = " UNION ".join(f"SELECT idx, key FROM {a}" for a in aliases)
        rows, key = f"({keys}) AS c", ", c.key"
        joins = [f"LEFT JOIN {a} ON {a}.idx = c.idx AND {a}.key IS c.key" for a in aliases]
    # One clause a line: SQLite does not mind, and `explain` shows it to people.
    sql = "\n".join(
        [
            "WITH " + ",\n".join([cte, *selects] if cte else selects),
            f"SELECT c.idx{key}, {', '.join(columns)}",
            f"FROM {rows}",
            *joins,
            f"ORDER BY c.idx{key}",
        ]
    )
    ranges = () if cte else tuple(ranges)
    return Query(sql, tuple(params), tuple(ordered), ranges, tally, tuple(calendars.values()))


def begins_sql(indicator: m.Indicator, plan: m.Plan) -> list[str]:
    """For each source a measure reads, the query for the time of its earliest row, found
    through the time index (none for a recorded indicator)."""
    if indicator.measure is None:
        return []
    return [
        f"SELECT min(t.{quote(table.time)}) FROM {quote(table.name)} AS t"
        for table, _ in _groups(indicator, plan).values()
    ]


def tables_read(indicator: m.Indicator, plan: m.Plan) -> list[str]:
    """The tables a measure reads (the store's measurements for a recorded indicator)."""
    return [table.name for table, _ in _groups(indicator, plan).values()]


def _groups(
    indicator: m.Indicator, plan: m.Plan
) -> dict[str, tuple[Table, list[tuple[int, m.Call]]]]:
    """The aggregates of a measure by the source they read, each with its position among
    the measure's aggregates (a recorded indicator reads the values recorded for it)."""
    if indicator.measure is None:
        aggregate = indicator.aggregate.id if indicator.aggregate else "mean"
        call = m.Call(function=aggregate, args=(m.Column(source="", column=RECORDED_VALUE),))
        recorded = Table(RECORDED_TABLE, RECORDED_TIME, "t.indicator = ?", (indicator.id,))
        calls = [call, *_sample_calls(indicator, [call])]
        return {"": (recorded, list(enumerate(calls)))}
    groups: dict[str, tuple[Table, list[tuple[int, m.Call]]]] = {}
    measured = list(aggregate_calls(indicator.measure))
    for position, call in enumerate([*measured, *_sample_calls(indicator, measured)]):
        source = source_of(call)
        found = plan.get(source)
        assert isinstance(found, m.Source) and found.time is not None  # checked before
        table = Table(found.table_name, found.time.id)
        groups.setdefault(source, (table, []))[1].append((position, call))
    return groups


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


def _select(
    table: Table,
    calls: list[m.Call],
    dialect: Dialect,
    params: list[Any],
    by: str | None,
    tally: bool,
    business: BusinessTime,
) -> tuple[str, list[str]]:
    """One source's aggregates per cycle (and per value of `by`), through its time index,
    and what each read: they cost nothing more than the aggregates, on rows already read."""
    selected, names = [], []
    # Indicators often share an aggregate (`count(tickets)` under two rates): it is computed
    # once, and every position that names it reads the same column.
    distinct: dict[tuple[str, tuple[Any, ...]], tuple[str, m.Call]] = {}
    for call in calls:
        expression, call_params = _aggregate(call, table, dialect, business)
        same = (expression, tuple(call_params))
        if same not in distinct:
            distinct[same] = (f"a{len(distinct)}", call)
            selected.append(f"{expression} AS {distinct[same][0]}")
            params.extend(call_params)
        names.append(distinct[same][0])
    if tally:
        selected.append("count(*) AS n")
        for name, call in distinct.values():
            for kind, sql in _tally(call, dialect, params, business).items():
                selected.append(f"{sql} AS {kind}{name[1:]}")
    time = f"t.{quote(table.time)}"
    where = f"{time} >= c.lo AND {time} < c.hi"
    if table.where:
        where += f" AND {table.where}"
        params.extend(table.params)
    key = f", t.{quote(by)} AS key" if by else ""
    group = ", key" if by else ""
    return (
        f"SELECT c.idx AS idx{key}, {', '.join(selected)}"
        f" FROM {dialect.join_cycles(quote(table.name))}{business.joins()}"
        f" WHERE {where} GROUP BY c.idx{group}",
        names,
    )


TALLY = 4  # columns per aggregate after the values: read, matched, with a value, negative


def _tally(
    call: m.Call, dialect: Dialect, params: list[Any], business: BusinessTime
) -> dict[str, str]:
    """Counts of what one aggregate read, where they differ from the rows read (`n`): `m`
    rows its `where` kept, `v` those with a value, `g` (a duration) those whose value is
    negative. `_tally_columns` reads them back in the same cases."""

    def kept(extra: str = "") -> str:
        conditions = [extra] if extra else []
        if call.where is not None:
            conditions.append(condition_sql(call.where, params))
        return f" FILTER (WHERE {' AND '.join(conditions)})" if conditions else ""

    arg = call.args[0]
    counts_rows = call.function == "count" and isinstance(arg, m.Name)
    # count(source where ...) is itself the rows its `where` kept
    found = {"m": f"count(*){kept()}"} if call.where is not None and not counts_rows else {}
    if not isinstance(arg, m.Name):  # count(source): every kept row has a value
        found["v"] = f"count({_row(arg, params, dialect, business)}){kept()}"
    if _is_duration(call):
        found["g"] = f"count(*){kept(f'{_row(arg, params, dialect, business)} < 0')}"
    return found


def _tally_columns(alias: str, number: str, call: m.Call) -> list[str]:
    """The `TALLY` columns of one aggregate in the outer query, as `_tally` counted them."""
    read = f"coalesce({alias}.n, 0)"
    counts_rows = call.function == "count" and isinstance(call.args[0], m.Name)
    matched = (
        read
        if call.where is None
        else f"coalesce({alias}.a{number}, 0)"
        if counts_rows
        else f"coalesce({alias}.m{number}, 0)"
    )
    valued = matched if isinstance(call.args[0], m.Name) else f"coalesce({alias}.v{number}, 0)"
    negative = f"coalesce({alias}.g{number}, 0)" if _is_duration(call) else "NULL"
    return [read, matched, valued, negative]


def _is_duration(call: m.Call) -> bool:
    """Whether an aggregate reads the time between two columns (`minutes_between` and kin)."""
    return any(durations(call.args[0]))


def _aggregate(
    call: m.Call, table: Table, dialect: Dialect, business: BusinessTime
) -> tuple[str, list[Any]]:
    params: list[Any] = []
    arg = call.args[0]
    value = "*" if isinstance(arg, m.Name) else _row(arg, params, dialect, business)
    time = f"t.{quote(table.time)}"
    match call.function:
        case "count":
            sql = f"count({value})"
        case "distinct":
            sql = f"count(DISTINCT {value})"
        case "mean":
            sql = f"avg({value})"
        case "sum" | "min" | "max":
            sql = f"{call.function}({value})"
        case "first":
            sql = dialect.first(value, time)
        case "last":
            sql = dialect.last(value, time)
        case name:
            sql = dialect.percentile(value, _PERCENT[name])
    if call.where is not None:
        sql += f" FILTER (WHERE {condition_sql(call.where, params)})"
    return sql, params


def _row(expr: m.Expr, params: list[Any], dialect: Dialect, business: BusinessTime) -> str:
    match expr:
        case m.Column():
            return f"t.{quote(expr.column)}"
        case m.Value():
            params.append(expr.value)
            return "?"
        case m.Arith():
            text = _row(expr.operands[0], params, dialect, business)
            for op, operand in zip(expr.operators, expr.operands[1:], strict=True):
                # `1.0 *` keeps SQL from dividing whole numbers as whole numbers.
                left = f"1.0 * {text}" if op == "/" else text
                text = f"({left} {op} {_row(operand, params, dialect, business)})"
            return text
        case m.Call() if expr.function in BUSINESS and expr.calendar is not None:
            # Columns only (checked), so each is written out again without parameters.
            start, end = (_row(a, params, dialect, business) for a in expr.args)
            calendar = expr.calendar.id
            seconds = f"({business.at(calendar, end)} - {business.at(calendar, start)})"
            return f"({seconds} / {BUSINESS[expr.function]!r})"
        case m.Call():
            start, end = (_row(a, params, dialect, business) for a in expr.args)
            seconds = dialect.seconds_between(start, end)
            return f"({seconds} / {ELAPSED[expr.function]!r})"
    raise ValueError(f"not a row value: {expr}")  # the checker refuses these
