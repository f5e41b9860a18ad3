"""One source's aggregates per cycle, as SQLGlot expressions: the rows of a table joined to
the cycles through its time index, the measure's row values (columns, numbers, arithmetic,
elapsed and business time), each aggregate as the dialect's capability table writes it, and
the counts of what each aggregate read. `measure_sql` puts them together in one query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from ..language import model as m
from ..language.expressions import BUSINESS, ELAPSED, durations
from ..store.capabilities import aggregate as capability
from ..store.dialect import Dialect, Params, column
from ..store.dialect import table as table_of
from .business import BusinessTime
from .conditions import condition

CYCLES = "goalline_cycles"  # the relation (idx, lo, hi) of the cycle ranges queries join to


@dataclass(frozen=True, slots=True)
class Table:
    """Where an aggregate reads: the table (as the store lists it: `schema.name` for one in
    a schema of its own, the files' pattern for files read in place), its time column, for
    the store's recorded values the indicator whose rows it reads, and the plan's zone (for
    timestamps without one)."""

    name: str
    time: str
    indicator: str | None = None
    schema: str | None = None
    file: str | None = None  # the files' path, from the folder goalline runs in
    zone: str = "UTC"
    formats: tuple[tuple[str, str], ...] = ()  # (column, format) of times files write as text


def source_table(table: Table, dialect: Dialect, alias: str = "t") -> exp.Expr:
    """The relation a table's rows come from: the table, or (DuckDB) the files read in
    place, Parquet by its name's ending and anything else as CSV; a time column whose
    `format` the source gives is read as text and parsed so (an export's `01-06-2023 12:15`
    is June the first, which no guess of DuckDB's can know)."""
    if table.file is None:
        name = table.name.removeprefix(f"{table.schema}.") if table.schema else table.name
        return table_of(name, alias, table.schema)
    parquet = table.file.lower().endswith(".parquet")
    args: list[exp.Expr] = [exp.Literal.string(table.file)]
    if table.formats and not parquet:
        texts = [
            exp.PropertyEQ(this=exp.to_identifier(c, quoted=True), expression=_text_type())
            for c, _ in table.formats
        ]
        types = exp.EQ(this=exp.column("types"), expression=exp.Struct(expressions=texts))
        args.append(types)
    reader = exp.Anonymous(this="read_parquet" if parquet else "read_csv", expressions=args)
    named = exp.TableAlias(this=exp.to_identifier(alias))
    if not table.formats:
        return exp.Table(this=reader, alias=named)
    parsed = [
        exp.alias_(_parsed(c, f), exp.to_identifier(c, quoted=True)) for c, f in table.formats
    ]
    rows = exp.Select(expressions=[exp.Star(replace=parsed)], from_=exp.From(this=reader))
    return exp.Subquery(this=rows, alias=named)


def _text_type() -> exp.Expr:
    return exp.Literal.string("VARCHAR")


def _parsed(name: str, written: str) -> exp.Expr:
    """A time column of text as a timestamp, as the source's `format` writes it."""
    text = exp.Column(this=exp.to_identifier(name, quoted=True))
    if written in ("epoch", "epoch_ms"):
        seconds: exp.Expr = exp.Cast(this=text, to=exp.DataType.build("DOUBLE"))
        if written == "epoch_ms":
            seconds = exp.Div(this=seconds, expression=exp.Literal.number(1000), typed=True)
        return exp.Anonymous(this="to_timestamp", expressions=[seconds])
    return exp.Anonymous(this="strptime", expressions=[text, exp.Literal.string(written)])


def cycles_table(dialect: Dialect) -> exp.Table:
    return (
        dialect.temp_table(CYCLES, "", quoted=False)
        if dialect.loads_cycles
        else exp.to_table(CYCLES)
    )


def zero(value: exp.Expr) -> exp.Expr:
    return exp.Coalesce(this=value, expressions=[exp.Literal.number(0)])


def time_of(table: Table, dialect: Dialect) -> exp.Expr:
    """A table's time column in seconds since 1970 UTC."""
    return _seconds(column(table.time), table, dialect)


def _seconds(found: exp.Column, table: Table, dialect: Dialect) -> exp.Expr:
    if not dialect.is_timestamp(table.name, found.name):
        return found
    if (table.name, found.name) in dialect.naive:
        zoned = exp.AtTimeZone(this=found, zone=exp.Literal.string(table.zone))
        return exp.TimeToUnix(this=zoned)
    return exp.TimeToUnix(this=found)


def _instant(bound: exp.Expr, table: Table, dialect: Dialect) -> exp.Expr:
    """A cycle's bound (seconds) as the table's time column holds it: seconds, a timestamp,
    or the plan's local time for a timestamp without a zone; so the comparison is on the
    column itself, and its index (or DuckDB's zone maps) finds the cycle's rows."""
    if not dialect.is_timestamp(table.name, table.time):
        return bound
    instant = exp.UnixToTime(this=bound)
    if (table.name, table.time) in dialect.naive:
        return exp.AtTimeZone(this=instant, zone=exp.Literal.string(table.zone))
    return instant


def select(
    table: Table,
    calls: list[m.Call],
    dialect: Dialect,
    params: Params,
    by: str | None,
    tally: bool,
    business: BusinessTime,
) -> tuple[exp.Select, list[str]]:
    """One source's aggregates per cycle (and per value of `by`), through its time index,
    and what each read: they cost nothing more than the aggregates, on rows already read."""
    selected: list[exp.Expr] = []
    names = []
    # Indicators often share an aggregate (`count(tickets)` under two rates): it is computed
    # once, and every position that names it reads the same column.
    distinct: dict[tuple[exp.Expr, tuple[Any, ...]], tuple[str, m.Call]] = {}
    for call in calls:
        call_params = params.then()
        expression = _aggregate(call, table, dialect, business, call_params)
        same = (expression, tuple(call_params.values))
        if same not in distinct:
            distinct[same] = (f"a{len(distinct)}", call)
            selected.append(exp.alias_(expression, distinct[same][0]))
            params.extend(call_params)
        names.append(distinct[same][0])
    if tally:
        selected.append(exp.alias_(exp.Count(this=exp.Star()), "n"))
        for name, call in distinct.values():
            for kind, counted in _tally(call, table, dialect, params, business).items():
                selected.append(exp.alias_(counted, f"{kind}{name[1:]}"))
    time = column(table.time)
    lo = _instant(exp.column("lo", "c"), table, dialect)
    hi = _instant(exp.column("hi", "c"), table, dialect)
    kept: list[exp.Expr] = [
        exp.GTE(this=time, expression=lo),
        exp.LT(this=time.copy(), expression=hi),
    ]
    if table.indicator is not None:
        mark = params.mark(table.indicator)
        kept.append(exp.EQ(this=exp.column("indicator", "t"), expression=mark))
    key = [exp.alias_(column(by), "key")] if by else []
    cycles = cycles_table(dialect)
    cycles.set("alias", exp.TableAlias(this=exp.to_identifier("c")))
    # CROSS JOIN keeps the few cycles as the outer loop, so each cycle is one range scan of
    # the time index; SQLite might otherwise scan the table once per cycle. This one shape
    # serves every cycle layout, measured on 1M rows (bench/): calendar cycles could be one
    # table scan with each row's cycle found by comparison (a CASE over the bounds), but
    # SQLite groups such rows through a sorter, 0.72 s against 0.22 s here; a rowid range
    # per cycle (the rows are in time order since import writes them so) reads them no
    # faster, 0.27 s, as the index already holds the time and its lookups land in order.
    # Rolling windows overlap and need the join anyway, and a plan covering a small part of
    # a large table reads only that part.
    select = exp.Select(
        expressions=[exp.alias_(exp.column("idx", "c"), "idx"), *key, *selected],
        from_=exp.From(this=cycles),
        joins=[exp.Join(this=source_table(table, dialect), kind="CROSS"), *business.joins()],
        where=exp.Where(this=exp.and_(*kept)),
        group=exp.Group(expressions=[exp.column("idx", "c"), *([exp.column("key")] if by else [])]),
    )
    return select, names


TALLY = 4  # columns per aggregate after the values: read, matched, with a value, negative


def _tally(
    call: m.Call, table: Table, dialect: Dialect, params: Params, business: BusinessTime
) -> dict[str, exp.Expr]:
    """Counts of what one aggregate read, where they differ from the rows read (`n`): `m`
    rows its `where` kept, `v` those with a value, `g` (a duration) those whose value is
    negative. `tally_columns` reads them back in the same cases."""

    def kept(count: exp.Expr, extra: exp.Expr | None = None) -> exp.Expr:
        conditions = [extra] if extra is not None else []
        if call.where is not None:
            conditions.append(condition(call.where, params))
        if not conditions:
            return count
        return exp.Filter(this=count, expression=exp.Where(this=exp.and_(*conditions)))

    arg = call.args[0]
    star = exp.Count(this=exp.Star())
    counts_rows = call.function == "count" and isinstance(arg, m.Name)
    # count(source where ...) is itself the rows its `where` kept
    found = {"m": kept(star)} if call.where is not None and not counts_rows else {}
    if not isinstance(arg, m.Name):  # count(source): every kept row has a value
        found["v"] = kept(exp.Count(this=_row(arg, table, dialect, business)))
    if _is_duration(call):
        negative = exp.LT(
            this=_row(arg, table, dialect, business), expression=exp.Literal.number(0)
        )
        found["g"] = kept(star.copy(), negative)
    return found


def tally_columns(alias: str, number: str, call: m.Call) -> list[exp.Expr]:
    """The `TALLY` columns of one aggregate in the outer query, as `_tally` counted them."""
    read = zero(exp.column("n", alias))
    counts_rows = call.function == "count" and isinstance(call.args[0], m.Name)
    matched = (
        read
        if call.where is None
        else zero(exp.column(f"a{number}", alias))
        if counts_rows
        else zero(exp.column(f"m{number}", alias))
    )
    valued = matched if isinstance(call.args[0], m.Name) else zero(exp.column(f"v{number}", alias))
    negative = zero(exp.column(f"g{number}", alias)) if _is_duration(call) else exp.Null()
    return [read, matched.copy(), valued.copy(), negative]


def _is_duration(call: m.Call) -> bool:
    """Whether an aggregate reads the time between two columns (`minutes_between` and kin)."""
    return any(durations(call.args[0]))


def _aggregate(
    call: m.Call, table: Table, dialect: Dialect, business: BusinessTime, params: Params
) -> exp.Expr:
    arg = call.args[0]
    value = exp.Star() if isinstance(arg, m.Name) else _row(arg, table, dialect, business)
    where = None if call.where is None else condition(call.where, params)
    return capability(call.function, value, time_of(table, dialect), dialect.name, where)


def _row(expr: m.Expr, table: Table, dialect: Dialect, business: BusinessTime) -> exp.Expr:
    match expr:
        case m.Column():
            return _seconds(column(expr.column), table, dialect)
        case m.Value():
            assert isinstance(expr.value, m.Number)  # checked: text has no arithmetic
            return exp.Literal.number(expr.value.text)
        case m.Arith():
            found = _row(expr.operands[0], table, dialect, business)
            for op, operand in zip(expr.operators, expr.operands[1:], strict=True):
                right = _row(operand, table, dialect, business)
                # Division is by real numbers (SQLGlot casts where the engine would divide
                # whole numbers as whole numbers) and by zero gives no value, as in SQLite.
                found = exp.Paren(this=_ARITH[op](this=found, expression=right))
            return found
        case m.Call() if expr.function in BUSINESS and expr.calendar is not None:
            start, end = (_row(a, table, dialect, business) for a in expr.args)
            calendar = expr.calendar.id
            seconds = exp.Paren(
                this=exp.Sub(
                    this=business.at(calendar, end), expression=business.at(calendar, start)
                )
            )
            return exp.Paren(
                this=exp.Div(this=seconds, expression=_number(BUSINESS[expr.function]), typed=True)
            )
        case m.Call():
            start, end = (_row(a, table, dialect, business) for a in expr.args)
            seconds = exp.Paren(this=exp.Sub(this=end, expression=start))
            return exp.Paren(
                this=exp.Div(this=seconds, expression=_number(ELAPSED[expr.function]), typed=True)
            )
    raise ValueError(f"not a row value: {expr}")  # the checker refuses these


def _divide(this: exp.Expr, expression: exp.Expr) -> exp.Div:
    return exp.Div(this=this, expression=expression, safe=True)


_ARITH: dict[str, Any] = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": _divide}


def _number(value: float) -> exp.Expr:
    return exp.Literal.number(repr(float(value)))
