"""The plan model's measure expressions: values, columns, arithmetic, aggregate calls and the
conditions that filter rows, as frozen nodes (walked by `expressions`, compiled to SQL by the
engine)."""

from __future__ import annotations

from dataclasses import dataclass

from .source import Span
from .values import Number, Ref, span_field


@dataclass(frozen=True, slots=True, kw_only=True)
class Value:
    """A number or a string in a measure or a condition."""

    value: Number | str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    """`source.column` inside an aggregate."""

    source: str
    column: str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    """A bare identifier in an expression: a source, as in `count(tickets)`."""

    id: str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Arith:
    """`a + b - c` or `a * b / c`: operands joined left to right by operators."""

    operands: tuple[Expr, ...]
    operators: tuple[str, ...]
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """`name(args where condition)`: an aggregate, or a row function like `minutes_between`;
    `business_minutes_between(a, b, office)` names its calendar last (`calendar`, not an
    argument: it is not a value of the row)."""

    function: str
    args: tuple[Expr, ...]
    where: Condition | None = None
    calendar: Ref | None = None
    span: Span = span_field()


Expr = Value | Column | Name | Arith | Call


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A column of the condition's source on the right of a comparison: `solved_at <= due_at`."""

    column: str
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare:
    """`column OP literal` or `column OP column`, with OP one of `= != < <= > >=`."""

    column: str
    op: str
    value: Value | Field
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberOf:
    """`column in ("a", "b")`."""

    column: str
    values: tuple[Value, ...]
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class NullTest:
    """`column is null` or `column is not null`."""

    column: str
    negated: bool
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Not:
    condition: Condition
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class AllOf:
    """Conditions joined with `and`."""

    conditions: tuple[Condition, ...]
    span: Span = span_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class AnyOf:
    """Conditions joined with `or`."""

    conditions: tuple[Condition, ...]
    span: Span = span_field()


Condition = Compare | MemberOf | NullTest | Not | AllOf | AnyOf
