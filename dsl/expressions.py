"""Walking measure expressions: their nodes, their aggregate calls, the source each reads."""

from __future__ import annotations

from collections.abc import Iterator

from . import model as m


def walk(expr: m.Expr) -> Iterator[m.Expr]:
    """`expr` and every expression inside it, depth first, left to right."""
    yield expr
    if isinstance(expr, m.Arith):
        for operand in expr.operands:
            yield from walk(operand)
    elif isinstance(expr, m.Call):
        for arg in expr.args:
            yield from walk(arg)


def aggregate_calls(expr: m.Expr) -> Iterator[m.Call]:
    """The outermost calls of a measure (its aggregates), left to right."""
    if isinstance(expr, m.Call):
        yield expr
    elif isinstance(expr, m.Arith):
        for operand in expr.operands:
            yield from aggregate_calls(operand)


def source_of(call: m.Call) -> str:
    """The source an aggregate reads: its bare name or the source of its first column."""
    for node in walk(call.args[0]) if call.args else ():
        if isinstance(node, m.Name):
            return node.id
        if isinstance(node, m.Column):
            return node.source
    return ""
