"""The builder's first half: literals (strings with escapes, dates, whole numbers, durations)
and measure expressions, built as the LALR parser reduces them. `build.Builder` adds the
declarations and their attributes; problems are collected in `problems`, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from lark import Token, Transformer

from . import model as m
from .diagnostics import Diagnostic, error
from .expressions import BUSINESS
from .source import Span

N = TypeVar("N")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.S)

# Deeper expressions are refused: nobody writes them, and walking them would exhaust the stack.
MAX_NESTING = 50


class ExpressionBuilder(Transformer[Token, Any]):
    """Lark callbacks for literals and measure expressions; each method receives the children
    of one reduced rule."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.file = "<plan>"
        self.problems: list[Diagnostic] = []
        self._depth: dict[int, int] = {}  # id of a nested expression -> its depth

    def reset(self, file: str) -> None:
        self.file = file
        self.problems = []
        self._depth = {}

    def _nested(self, node: N, children: Iterable[object]) -> N:
        """Note how deep `node` nests (its children are built already); refuse too deep."""
        depth = 1 + max((self._depth.get(id(child), 0) for child in children), default=0)
        self._depth[id(node)] = depth
        if depth == MAX_NESTING + 1:
            message = f"this expression is nested more than {MAX_NESTING} levels deep: simplify it"
            self.problems.append(error("E101", message, node.span))  # type: ignore[attr-defined]
        return node

    # ------------------------------------------------------------ helpers

    def _at(self, token: Token) -> Span:
        return Span(self.file, token.line or 0, token.column or 0)

    def _ref(self, token: Token) -> m.Ref:
        return m.Ref(id=name(token), span=self._at(token))

    def _string(self, token: Token) -> str:
        body = token[1:-1]
        if "\\" not in body:
            return body

        def unescape(match: re.Match[str]) -> str:
            char = match.group(1)
            if char in _ESCAPES:
                return _ESCAPES[char]
            self.problems.append(
                error(
                    "E102",
                    f"unknown escape '\\{char}' in a string; use \\\" \\\\ \\n or \\t",
                    self._at(token),
                )
            )
            return char

        return _ESCAPE.sub(unescape, body)

    def _date(self, token: Token) -> date:
        try:
            return date.fromisoformat(token)
        except ValueError:
            self.problems.append(
                error("E102", f"'{token}' is not a date that exists", self._at(token))
            )
            return m.INVALID_DATE

    def _whole(self, token: Token, what: str) -> int:
        number = m.Number(token)
        if not number.is_integer() or number < 0:
            self.problems.append(
                error("E102", f"{what} must be a whole number, not {token}", self._at(token))
            )
            return 1
        return int(number)

    def _duration(self, token: Token) -> m.Duration:
        return m.Duration(amount=int(token[:-1]), unit=token[-1], span=self._at(token))  # type: ignore[arg-type]

    # ------------------------------------------------------------ expressions

    def number(self, c: list[Any]) -> m.Value:
        return m.Value(value=m.Number(c[0]), span=self._at(c[0]))

    def text_literal(self, c: list[Any]) -> m.Value:
        return m.Value(value=self._string(c[0]), span=self._at(c[0]))

    def bare_name(self, c: list[Any]) -> m.Name:
        return m.Name(id=str(c[0]), span=self._at(c[0]))

    def column(self, c: list[Any]) -> m.Column:
        return m.Column(source=str(c[0]), column=name(c[1]), span=self._at(c[0]))

    def call(self, c: list[Any]) -> m.Call:
        name, *args, _where, condition = c
        calendar = None
        if str(name) in BUSINESS and len(args) > 1 and isinstance(args[-1], m.Name):
            # The calendar is named last, as a bare name: it is no value of the row.
            calendar = m.Ref(id=args[-1].id, span=args[-1].span)
            args = args[:-1]
        call = m.Call(
            function=str(name),
            args=tuple(args),
            where=condition,
            calendar=calendar,
            span=self._at(name),
        )
        return self._nested(call, [*args, condition])

    def _arith(self, c: list[Any]) -> m.Arith:
        operands = tuple(c[0::2])
        arith = m.Arith(
            operands=operands, operators=tuple(str(op) for op in c[1::2]), span=c[0].span
        )
        return self._nested(arith, operands)

    expr = product = _arith

    def condition(self, c: list[Any]) -> m.AnyOf:
        return self._nested(m.AnyOf(conditions=tuple(c), span=c[0].span), c)

    def conjunction(self, c: list[Any]) -> m.AllOf:
        return self._nested(m.AllOf(conditions=tuple(c), span=c[0].span), c)

    def negated(self, c: list[Any]) -> m.Not:
        return self._nested(m.Not(condition=c[1], span=self._at(c[0])), c[1:])

    def compare(self, c: list[Any]) -> m.Compare:
        return m.Compare(column=name(c[0]), op=str(c[1]), value=c[2], span=self._at(c[0]))

    def compare_columns(self, c: list[Any]) -> m.Compare:
        other = m.Field(column=name(c[2]), span=self._at(c[2]))
        return m.Compare(column=name(c[0]), op=str(c[1]), value=other, span=self._at(c[0]))

    def member_of(self, c: list[Any]) -> m.MemberOf:
        return m.MemberOf(column=name(c[0]), values=tuple(c[2:]), span=self._at(c[0]))

    def null_test(self, c: list[Any]) -> m.NullTest:
        return m.NullTest(column=name(c[0]), negated=c[2] is not None, span=self._at(c[0]))


def name(token: Token) -> str:
    """A column or table name as written, without the backquotes that may enclose it:
    `` `created_at` `` and `created_at` are one name."""
    return token[1:-1] if token.type == "QUOTED" else str(token)
