"""Walking measure expressions: their nodes, their aggregate calls, the source each reads."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import model as m

_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def walk(expr: m.Expr) -> Iterator[m.Expr]:
    """`expr` and every expression inside it, depth first, left to right."""
    yield expr
    if isinstance(expr, m.Arith):
        for operand in expr.operands:
            yield from walk(operand)
    elif isinstance(expr, m.Call):
        for arg in expr.args:
            yield from walk(arg)


# The row functions: the time from one column of a row to another, in seconds per unit;
# the business ones count only the time a calendar is open.
ELAPSED = {"minutes_between": 60.0, "hours_between": 3600.0, "days_between": 86400.0}
BUSINESS = {"business_minutes_between": 60.0, "business_hours_between": 3600.0}
DURATIONS = frozenset(ELAPSED) | frozenset(BUSINESS)


def durations(expr: m.Expr) -> Iterator[m.Call]:
    """The row functions (`minutes_between` and its kin) inside `expr`."""
    return (n for n in walk(expr) if isinstance(n, m.Call) and n.function in DURATIONS)


def calendars_of(expr: m.Expr) -> Iterator[m.Ref]:
    """The calendars the business-time functions inside `expr` name."""
    for node in walk(expr):
        if isinstance(node, m.Call) and node.calendar is not None:
            yield node.calendar


def aggregate_calls(expr: m.Expr) -> Iterator[m.Call]:
    """The outermost calls of a measure (its aggregates), left to right."""
    if isinstance(expr, m.Call):
        yield expr
    elif isinstance(expr, m.Arith):
        for operand in expr.operands:
            yield from aggregate_calls(operand)


def aggregates_by_source(plan: m.Plan, indicator: m.Indicator) -> Iterator[tuple[m.Call, m.Source]]:
    """Each aggregate of an indicator's measure with the source it reads (those whose source
    does not resolve are left to the checks that say so)."""
    for call in aggregate_calls(indicator.measure) if indicator.measure else ():
        source = plan.get(source_of(call))
        if isinstance(source, m.Source) and call.args:
            yield call, source


def condition_tests(cond: m.Condition | None) -> Iterator[m.Compare | m.MemberOf | m.NullTest]:
    """The tests of a condition (its comparisons, `in` and `is null`), left to right."""
    match cond:
        case m.Compare() | m.MemberOf() | m.NullTest():
            yield cond
        case m.Not():
            yield from condition_tests(cond.condition)
        case m.AllOf() | m.AnyOf():
            for inner in cond.conditions:
                yield from condition_tests(inner)


def source_of(call: m.Call) -> str:
    """The source an aggregate reads: its bare name or the source of its first column."""
    for node in walk(call.args[0]) if call.args else ():
        if isinstance(node, m.Name):
            return node.id
        if isinstance(node, m.Column):
            return node.source
    return ""


def text(expr: m.Expr) -> str:
    """A measure expression written back as in the language: `count(tickets where a = 1)`."""
    match expr:
        case m.Value():
            return _literal(expr)
        case m.Column():
            return f"{expr.source}.{written_name(expr.column)}"
        case m.Name():
            return expr.id
        case m.Arith():
            parts = [text(expr.operands[0])]
            for op, operand in zip(expr.operators, expr.operands[1:], strict=True):
                inner = text(operand)
                parts.append(f"{op} ({inner})" if isinstance(operand, m.Arith) else f"{op} {inner}")
            return " ".join(parts)
        case m.Call():
            args = ", ".join(
                [*(text(a) for a in expr.args), *([expr.calendar.id] if expr.calendar else [])]
            )
            where = f" where {condition_text(expr.where)}" if expr.where is not None else ""
            return f"{expr.function}({args}{where})"
    return "?"


def condition_text(cond: m.Condition) -> str:
    match cond:
        case m.Compare():
            value = cond.value
            other = written_name(value.column) if isinstance(value, m.Field) else _literal(value)
            return f"{written_name(cond.column)} {cond.op} {other}"
        case m.MemberOf():
            values = ", ".join(_literal(v) for v in cond.values)
            return f"{written_name(cond.column)} in ({values})"
        case m.NullTest():
            return f"{written_name(cond.column)} is {'not ' if cond.negated else ''}null"
        case m.Not():
            return f"not ({condition_text(cond.condition)})"
        case m.AllOf():
            return " and ".join(_grouped(c) for c in cond.conditions)
        case m.AnyOf():
            return " or ".join(_grouped(c) for c in cond.conditions)


def written_name(name: str) -> str:
    """A column or table name as a plan writes it: bare when it is an identifier, else in
    backquotes. `not` is quoted too: a condition starting with it would be read as a negation."""
    return name if _IDENTIFIER.fullmatch(name) and name != "not" else f"`{name}`"


def _grouped(cond: m.Condition) -> str:
    inner = condition_text(cond)
    return f"({inner})" if isinstance(cond, m.AllOf | m.AnyOf) else inner


def _literal(value: m.Value) -> str:
    if isinstance(value.value, m.Number):
        return value.value.text
    escaped = value.value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
