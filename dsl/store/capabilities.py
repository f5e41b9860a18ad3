"""How each database computes the aggregates of the language (issue 18's capability table),
as SQLGlot expressions built from goalline's own function names, never by translating
SQLite text: `aggregate(function, value, time, dialect)`.

A generic translator is not trusted for meaning. Checked with SQLGlot 30.31 on this
machine: asked for SQLite it writes `PERCENTILE_CONT(...) WITHIN GROUP`, which SQLite
lacks, and `ARG_MIN`, which neither SQLite nor PostgreSQL has; for DuckDB it turns
`PERCENTILE_CONT` into `QUANTILE_CONT(x, 0.9 ORDER BY x)`; and it shifts a subscript by one
for PostgreSQL (its `Bracket` counts from 0). So each function that differs is written
here per dialect in the engine's own terms, and SQLGlot only renders them (quoting,
placeholders: `?` for SQLite and DuckDB, `%s` for psycopg).

Every entry is exact: percentiles interpolate linearly between closest ranks (goalline's
definition, `dialect.percentile`), first and last take the value of the earliest or
latest row with a value. tests/dsl_tests/test_engines_agree.py runs each on SQLite,
PostgreSQL and DuckDB over the same rows and compares the values.
"""

from __future__ import annotations

from sqlglot import exp

from .dialect import PERCENTS, percentile_name
from .dialect import Name as Dialect

DIALECTS: tuple[Dialect, ...] = ("sqlite", "postgres", "duckdb")
PLAIN = {"count": exp.Count, "mean": exp.Avg, "sum": exp.Sum, "min": exp.Min, "max": exp.Max}
PERCENT = {"median": 50.0} | {f"p{p:g}": p for p in PERCENTS}

# What each dialect computes only over numbers: goalline's SQLite aggregates, and SQLite's
# own avg and sum, read a text that looks like a number as that number; PostgreSQL refuses
# `avg(text)` and DuckDB fails on the first word that is not a number.
NUMBERS = frozenset({"mean", "sum", *PERCENT})
NUMBERS_ONLY: dict[Dialect, frozenset[str]] = {
    "sqlite": frozenset(),
    "postgres": NUMBERS,
    "duckdb": NUMBERS,
}

# How each function is computed, by dialect: what `check --db` will say when it refuses.
HOW: dict[Dialect, dict[str, str]] = {
    "sqlite": {
        "percentile": "goalline's aggregate, registered on the connection (exact)",
        "first": "goalline's aggregate goalline_first(value, time)",
        "last": "goalline's aggregate goalline_last(value, time)",
    },
    "postgres": {
        "percentile": "percentile_cont(...) WITHIN GROUP (ORDER BY value) (exact)",
        "first": "(array_agg(value ORDER BY time) FILTER (WHERE value and time known))[1]",
        "last": "(array_agg(value ORDER BY time DESC) FILTER (WHERE ... known))[1]",
    },
    "duckdb": {
        "percentile": "quantile_cont(value, share) (exact)",
        "first": "arg_min(value, time) FILTER (WHERE value and time known)",
        "last": "arg_max(value, time) FILTER (WHERE value and time known)",
    },
}


def aggregate(
    function: str,
    value: exp.Expr,
    time: exp.Expr,
    dialect: Dialect,
    where: exp.Expr | None = None,
) -> exp.Expr:
    """The language's aggregate `function` of `value` (a row expression), in `dialect`, over
    the rows `where` keeps (all without it); `time` orders the rows for `first` and `last`.
    ValueError for a function the language does not have."""
    if function in ("first", "last") and dialect != "sqlite":
        return _first_or_last(value, time, dialect, where, last=function == "last")
    if function in PLAIN:
        found: exp.Expr = PLAIN[function](this=value)
    elif function == "distinct":
        found = exp.Count(this=exp.Distinct(expressions=[value]))
    elif function in PERCENT:
        found = _percentile(value, PERCENT[function], dialect)
    elif function in ("first", "last"):
        found = exp.Anonymous(this=f"goalline_{function}", expressions=[value, time])
    else:
        raise ValueError(f"no aggregate '{function}' in the language")
    return found if where is None else exp.Filter(this=found, expression=exp.Where(this=where))


def _percentile(value: exp.Expr, percent: float, dialect: Dialect) -> exp.Expr:
    share = exp.Literal.number(percent / 100)
    if dialect == "sqlite":
        return exp.Anonymous(this=percentile_name(percent), expressions=[value])
    if dialect == "postgres":
        ordered = exp.Order(expressions=[exp.Ordered(this=value)])
        return exp.WithinGroup(this=exp.PercentileCont(this=share), expression=ordered)
    return exp.Anonymous(this="quantile_cont", expressions=[value, share])


def _first_or_last(
    value: exp.Expr, time: exp.Expr, dialect: Dialect, where: exp.Expr | None, *, last: bool
) -> exp.Expr:
    # the rows goalline's own aggregates take: those with a value and a time
    known = [exp.Not(this=exp.Is(this=e.copy(), expression=exp.Null())) for e in (value, time)]
    kept = exp.Where(this=exp.and_(*known, *([where] if where is not None else [])))
    if dialect == "duckdb":
        pick = exp.ArgMax if last else exp.ArgMin
        return exp.Filter(this=pick(this=value, expression=time), expression=kept)
    order = exp.Order(this=value, expressions=[exp.Ordered(this=time, desc=last)])
    gathered = exp.Paren(this=exp.Filter(this=exp.ArrayAgg(this=order), expression=kept))
    return exp.Bracket(this=gathered, expressions=[exp.Literal.number(0)])  # SQLGlot's 0: [1]


def sql(expression: exp.Expr, dialect: Dialect) -> str:
    return expression.sql(dialect=dialect)
