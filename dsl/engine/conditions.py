"""A `where` condition of an aggregate as a SQLGlot expression over the aggregate's source,
aliased `t`, with its literals as parameters."""

from __future__ import annotations

from sqlglot import exp

from ..language import model as m
from ..store.dialect import Dialect, Params, column

_COMPARE: dict[str, type[exp.Binary]] = {
    "=": exp.EQ,
    "!=": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


def _literal(value: m.Number | str, dialect: Dialect) -> int | float | str:
    """A literal as its parameter: on SQLite a whole number written without a point is an
    integer, so that on a text column `code = 42` compares with the text "42" (SQLite turns
    an integer into "42" for a text column, but a real into "42.0"). PostgreSQL and DuckDB
    take every literal as text of no declared type, which each turns into the column's
    own type (PostgreSQL refuses `text = bigint`; DuckDB would cast the text column to a
    number and fail on its first word)."""
    if dialect.name != "sqlite":
        return value.text if isinstance(value, m.Number) else value
    if isinstance(value, m.Number):
        return int(value) if value.is_integer() and "." not in value.text else float(value)
    return value


def condition(cond: m.Condition, params: Params) -> exp.Expr:
    """The condition; its literals are bound in `params` in the order they appear."""
    dialect = params.dialect
    match cond:
        case m.Compare():
            left = column(cond.column)
            if isinstance(cond.value, m.Field):
                return _COMPARE[cond.op](this=left, expression=column(cond.value.column))
            mark = params.mark(_literal(cond.value.value, dialect))
            return _COMPARE[cond.op](this=left, expression=mark)
        case m.MemberOf():
            marks = [params.mark(_literal(v.value, dialect)) for v in cond.values]
            return exp.In(this=column(cond.column), expressions=marks)
        case m.NullTest():
            test = exp.Is(this=column(cond.column), expression=exp.Null())
            return exp.Not(this=test) if cond.negated else test
        case m.Not():
            return exp.Not(this=exp.Paren(this=condition(cond.condition, params)))
        case m.AllOf():
            parts = [condition(c, params) for c in cond.conditions]
            return exp.Paren(this=exp.and_(*parts, wrap=False))
        case m.AnyOf():
            parts = [condition(c, params) for c in cond.conditions]
            return exp.Paren(this=exp.or_(*parts, wrap=False))
    raise ValueError(f"not a condition: {cond}")
