"""The value of a measure from the values of its aggregates, which a query returned."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from typing import Any

from ..language import model as m

_OPS: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def combine(expr: m.Expr | None, values: Iterator[Any]) -> float | None:
    """The measure's value from its aggregates' values, given in the order of `aggregate_calls`:
    no value if an aggregate has none, or on a division by zero."""
    if expr is None:  # a recorded indicator: its one aggregate is the value
        return _number(next(values, None))
    match expr:
        case m.Value():
            return float(expr.value)
        case m.Call():
            return _number(next(values, None))
        case m.Arith():
            # Every operand is visited, so each aggregate's value is taken in turn.
            operands = [combine(operand, values) for operand in expr.operands]
            result = operands[0]
            for op, right in zip(expr.operators, operands[1:], strict=True):
                if result is None or right is None or (op == "/" and right == 0):
                    return None
                result = _OPS[op](result, right)
            return result
    return None


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None  # text in a number column: no value rather than a wrong one
