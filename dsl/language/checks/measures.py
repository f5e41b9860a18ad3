"""Measure expressions: known functions (E311), aggregates used where a value per cycle is
needed and row values inside them (E310), one source per aggregate (E312), no aggregate
inside another (E313), and attributes that only fit measured or recorded indicators (E314).
Whether the tables and columns exist is checked against a store, not here."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..diagnostics import Diagnostic, error, suggestion
from ..expressions import BUSINESS, DURATIONS
from .references import expect

PERCENTILES = frozenset(("p50", "p75", "p90", "p95", "p99"))
AGGREGATES = PERCENTILES | {
    "count",
    "sum",
    "mean",
    "min",
    "max",
    "median",
    "distinct",
    "last",
    "first",
}
ROW_FUNCTIONS = DURATIONS
RECORDED_AGGREGATES = ("mean", "sum", "min", "max", "median", "last", "first", "count")


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    for indicator in plan.indicators:
        if indicator.measure is not None:
            yield from _cycle_value(plan, indicator.measure)
            if indicator.aggregate is not None:
                yield error(
                    "E314",
                    f"indicator '{indicator.id}' has a measure: 'aggregate' only applies to"
                    " recorded indicators (those without a measure)",
                    indicator.aggregate.span,
                )
        else:
            yield from _recorded(indicator)


def _recorded(indicator: m.Indicator) -> Iterator[Diagnostic]:
    aggregate = indicator.aggregate
    if aggregate is not None and aggregate.id not in RECORDED_AGGREGATES:
        hint = suggestion(aggregate.id, RECORDED_AGGREGATES)
        yield error(
            "E311",
            f"unknown aggregate '{aggregate.id}'{hint}; recorded values combine with"
            f" {', '.join(RECORDED_AGGREGATES)}",
            aggregate.span,
        )
    if indicator.breakdown is not None:
        yield error(
            "E314",
            f"indicator '{indicator.id}' has no measure, so it has nothing to break down",
            indicator.breakdown.span,
        )


def _cycle_value(plan: m.Plan, expr: m.Expr) -> Iterator[Diagnostic]:
    """An expression whose value is one number per cycle: aggregates, numbers, arithmetic."""
    match expr:
        case m.Arith():
            for operand in expr.operands:
                yield from _cycle_value(plan, operand)
        case m.Call() if expr.function in AGGREGATES:
            yield from _aggregate(plan, expr)
        case m.Call() if expr.function in ROW_FUNCTIONS:
            yield error(
                "E310",
                f"{expr.function}(...) gives one value per row: put it inside an aggregate,"
                f" such as mean({expr.function}(...))",
                expr.span,
            )
        case m.Call():
            yield _unknown_function(expr)
        case m.Column():
            yield error(
                "E310",
                f"{expr.source}.{expr.column} is a column: put it inside an aggregate,"
                f" such as sum({expr.source}.{expr.column})",
                expr.span,
            )
        case m.Name() if isinstance(plan.get(expr.id), m.Source):
            yield error(
                "E310",
                f"'{expr.id}' on its own has no value: count its rows with count({expr.id})",
                expr.span,
            )
        case m.Name():
            yield error(
                "E310",
                f"'{expr.id}' has no value here: a measure combines aggregates of sources,"
                " such as count(tickets) or mean(tickets.wait_min)",
                expr.span,
            )


def _aggregate(plan: m.Plan, call: m.Call) -> Iterator[Diagnostic]:
    if len(call.args) != 1:
        yield error("E310", f"{call.function}(...) takes one argument", call.span)
        return
    arg = call.args[0]
    if isinstance(arg, m.Name) and call.function != "count":
        yield error(
            "E310",
            f"{call.function}(...) needs a column, such as {call.function}({arg.id}.COLUMN)",
            arg.span,
        )
        return
    problems = list(_row_value(arg)) if not isinstance(arg, m.Name) else []
    yield from problems
    sources = {name.id: name for name in _sources(arg)}
    if len(sources) > 1:
        names = " and ".join(f"'{s}'" for s in sorted(sources))
        yield error(
            "E312", f"one aggregate reads one source, but this one reads {names}", call.span
        )
    elif not sources and not problems:
        yield error(
            "E310",
            f"{call.function}(...) needs a source or a column, such as count(tickets)",
            call.span,
        )
    for ref in sources.values():
        yield from expect(plan, ref, ("source",), f"what {call.function}(...) reads")


def _row_value(expr: m.Expr) -> Iterator[Diagnostic]:
    """An expression with one value per row: columns, numbers, arithmetic, row functions."""
    match expr:
        case m.Arith():
            for operand in expr.operands:
                yield from _row_value(operand)
        case m.Call() if expr.function in BUSINESS:
            columns = all(isinstance(arg, m.Column) for arg in expr.args)
            if len(expr.args) != 2 or expr.calendar is None or not columns:
                yield error(
                    "E310",
                    f"{expr.function}(...) takes two columns and a calendar, such as"
                    f" {expr.function}(tickets.created_at, tickets.first_reply_at, office)",
                    expr.span,
                )
        case m.Call() if expr.function in ROW_FUNCTIONS:
            if len(expr.args) != 2:
                yield error(
                    "E310",
                    f"{expr.function}(...) takes two columns, such as"
                    f" {expr.function}(tickets.created_at, tickets.closed_at)",
                    expr.span,
                )
            for arg in expr.args:
                yield from _row_value(arg)
        case m.Call() if expr.function in AGGREGATES:
            yield error(
                "E313",
                f"an aggregate cannot contain another ({expr.function}): compute each on its own"
                " and combine them, as in sum(tickets.minutes) / count(tickets)",
                expr.span,
            )
        case m.Call():
            yield _unknown_function(expr)
        case m.Name():
            yield error("E310", f"'{expr.id}' needs a column: write {expr.id}.COLUMN", expr.span)


def _sources(expr: m.Expr) -> Iterator[m.Ref]:
    match expr:
        case m.Name():
            yield m.Ref(id=expr.id, span=expr.span)
        case m.Column():
            yield m.Ref(id=expr.source, span=expr.span)
        case m.Arith():
            for operand in expr.operands:
                yield from _sources(operand)
        case m.Call():
            for arg in expr.args:
                yield from _sources(arg)


# Names people reach for from spreadsheets and SQL, and ours for the same thing.
_SYNONYMS = {"avg": "mean", "average": "mean", "total": "sum", "cnt": "count"}


def _unknown_function(call: m.Call) -> Diagnostic:
    known = _SYNONYMS.get(call.function.lower())
    hint = (
        f" (did you mean '{known}'?)"
        if known
        else suggestion(call.function, AGGREGATES | ROW_FUNCTIONS)
    )
    return error("E311", f"unknown function '{call.function}'{hint}", call.span)
