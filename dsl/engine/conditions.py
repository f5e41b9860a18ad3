"""A `where` condition of an aggregate as SQL over the aggregate's source, aliased `t`, with
its literals as parameters."""

from __future__ import annotations

from typing import Any

from ..language import model as m
from ..store.dialect import quote


def _literal(value: m.Number | str) -> int | float | str:
    """A literal as its SQL value: a whole number written without a point is an integer, so
    that on a text column `code = 42` compares with the text "42" (SQLite turns an integer
    into "42" for a text column, but a real into "42.0")."""
    if isinstance(value, m.Number):
        return int(value) if value.is_integer() and "." not in value.text else float(value)
    return value


def condition_sql(cond: m.Condition, params: list[Any]) -> str:
    """The condition; its literals are appended to `params` in the order they appear."""
    match cond:
        case m.Compare():
            op = "<>" if cond.op == "!=" else cond.op
            if isinstance(cond.value, m.Field):
                return f"t.{quote(cond.column)} {op} t.{quote(cond.value.column)}"
            params.append(_literal(cond.value.value))
            return f"t.{quote(cond.column)} {op} ?"
        case m.MemberOf():
            params.extend(_literal(v.value) for v in cond.values)
            marks = ", ".join("?" for _ in cond.values)
            return f"t.{quote(cond.column)} IN ({marks})"
        case m.NullTest():
            return f"t.{quote(cond.column)} IS {'NOT ' if cond.negated else ''}NULL"
        case m.Not():
            return f"NOT ({condition_sql(cond.condition, params)})"
        case m.AllOf():
            return "(" + " AND ".join(condition_sql(c, params) for c in cond.conditions) + ")"
        case m.AnyOf():
            return "(" + " OR ".join(condition_sql(c, params) for c in cond.conditions) + ")"
