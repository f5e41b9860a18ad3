"""Lark callbacks that build the plan model while the parser runs (no parse tree is kept).

The builder converts literals and assembles declarations from their attributes; it does no
semantic validation (that is `checks/`). What cannot be represented in the model (a date that
does not exist, an unknown string escape, an attribute given twice) is collected as
diagnostics in `problems`, so that a plan is never refused by an exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from lark import Token, Transformer

from . import model as m
from .diagnostics import Diagnostic, error
from .model import D
from .source import Span

N = TypeVar("N")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.S)

# Deeper expressions are refused: nobody writes them, and walking them would exhaust the stack.
MAX_NESTING = 50

# Attributes that may appear more than once in a block; they collect into a tuple.
_REPEATABLE = {"targets", "steps", "rules"}


class Attr(NamedTuple):
    """One attribute of a block: the model field it fills, the keyword, its value, where."""

    field: str
    keyword: str
    value: Any
    span: Span


class Builder(Transformer[Token, Any]):
    """Embedded in the LALR parser: each method receives the children of one reduced rule."""

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
        return m.Ref(id=str(token), span=self._at(token))

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

    def _attr(self, field: str, children: list[Any], value: Any) -> Attr:
        keyword = children[0]
        return Attr(field, str(keyword), value, self._at(keyword))

    def _fields(self, kind: str, ident: str, attrs: list[Attr] | None) -> dict[str, Any]:
        """Turn a block's attributes into dataclass keyword arguments (with `places`, where
        each was written); note attributes given twice."""
        fields: dict[str, Any] = {}
        first_at: dict[str, Span] = {}
        for attr in attrs or ():
            if attr.field in _REPEATABLE:
                fields.setdefault(attr.field, []).append(attr.value)
            elif attr.field in fields:
                where = first_at[attr.field]
                self.problems.append(
                    error(
                        "E203",
                        f"'{attr.keyword}' is given twice in {kind} {ident}"
                        f" (first on line {where.line})",
                        attr.span,
                    )
                )
            else:
                fields[attr.field] = attr.value
                first_at[attr.field] = attr.span
        for name in _REPEATABLE & fields.keys():
            fields[name] = tuple(fields[name])
        fields["places"] = MappingProxyType(first_at)
        return fields

    def _declaration(self, cls: type[D], children: list[Any]) -> D:
        keyword, name, title, body = children
        ident = str(name)
        fields = self._fields(str(keyword), f"'{ident}'", body)
        title_text = self._string(title) if title is not None else None
        return cls(id=ident, title=title_text, span=self._at(name), **fields)

    # ------------------------------------------------------------ declarations

    def start(self, children: list[Any]) -> list[Any]:
        return children

    def include(self, children: list[Any]) -> m.Include:
        return m.Include(path=self._string(children[1]), span=self._at(children[0]))

    def plan(self, children: list[Any]) -> m.PlanInfo:
        keyword, title, *attrs = children
        fields = self._fields("the", "plan", attrs)
        period = fields.pop("period", (None, None))
        title_text = self._string(title) if title is not None else None
        return m.PlanInfo(
            title=title_text,
            period_start=period[0],
            period_end=period[1],
            span=self._at(keyword),
            **fields,
        )

    def person(self, children: list[Any]) -> m.Person:
        return self._declaration(m.Person, children)

    def team(self, children: list[Any]) -> m.Team:
        return self._declaration(m.Team, children)

    def objective(self, children: list[Any]) -> m.Objective:
        return self._declaration(m.Objective, children)

    def source(self, children: list[Any]) -> m.Source:
        return self._declaration(m.Source, children)

    def indicator(self, children: list[Any]) -> m.Indicator:
        return self._declaration(m.Indicator, children)

    def runbook(self, children: list[Any]) -> m.Runbook:
        return self._declaration(m.Runbook, children)

    def escalation(self, children: list[Any]) -> m.Escalation:
        return self._declaration(m.Escalation, children)

    def goal(self, children: list[Any]) -> m.Goal:
        return self._declaration(m.Goal, children)

    def milestone(self, children: list[Any]) -> m.Milestone:
        return self._declaration(m.Milestone, children)

    def _body(self, children: list[Any]) -> list[Any]:
        return children

    person_body = team_body = objective_body = source_body = _body
    indicator_body = runbook_body = escalation_body = goal_body = milestone_body = _body

    # ------------------------------------------------------------ attributes

    def period(self, c: list[Any]) -> Attr:
        return self._attr("period", c, (self._date(c[1]), self._date(c[2])))

    def timezone(self, c: list[Any]) -> Attr:
        return self._attr("timezone", c, self._string(c[1]))

    def owner(self, c: list[Any]) -> Attr:
        return self._attr("owner", c, self._ref(c[1]))

    def review(self, c: list[Any]) -> Attr:
        return self._attr("review", c, c[1])

    def note(self, c: list[Any]) -> Attr:
        return self._attr("note", c, self._string(c[1]))

    def email(self, c: list[Any]) -> Attr:
        return self._attr("email", c, self._string(c[1]))

    def lead(self, c: list[Any]) -> Attr:
        return self._attr("lead", c, self._ref(c[1]))

    def members(self, c: list[Any]) -> Attr:
        return self._attr("members", c, tuple(self._ref(t) for t in c[1:]))

    def table(self, c: list[Any]) -> Attr:
        return self._attr("table", c, self._ref(c[1]))

    def time(self, c: list[Any]) -> Attr:
        return self._attr("time", c, self._ref(c[1]))

    def kind(self, c: list[Any]) -> Attr:
        return self._attr("kind", c, str(c[1]))

    def unit(self, c: list[Any]) -> Attr:
        return self._attr("unit", c, self._string(c[1]))

    def better(self, c: list[Any]) -> Attr:
        return self._attr("better", c, str(c[1]))

    def decimals(self, c: list[Any]) -> Attr:
        return self._attr("decimals", c, self._whole(c[1], "decimals"))

    def breakdown(self, c: list[Any]) -> Attr:
        return self._attr("breakdown", c, self._ref(c[1]))

    def measure(self, c: list[Any]) -> Attr:
        return self._attr("measure", c, c[1])

    def aggregate(self, c: list[Any]) -> Attr:
        return self._attr("aggregate", c, self._ref(c[1]))

    def step(self, c: list[Any]) -> Attr:
        step = m.Step(
            text=self._string(c[1]),
            by=self._ref(c[3]),
            within=self._duration(c[5]),
            span=self._at(c[0]),
        )
        return self._attr("steps", c, step)

    def uses_indicator(self, c: list[Any]) -> Attr:
        return self._attr("indicator", c, self._ref(c[1]))

    def cycle_attr(self, c: list[Any]) -> Attr:
        return self._attr("cycle", c, c[1])

    def with_teams(self, c: list[Any]) -> Attr:
        return self._attr("with_", c, tuple(self._ref(t) for t in c[1:]))

    def serves(self, c: list[Any]) -> Attr:
        return self._attr("serves", c, self._ref(c[1]))

    def weight(self, c: list[Any]) -> Attr:
        return self._attr("weight", c, m.Number(c[1]))

    def baseline(self, c: list[Any]) -> Attr:
        return self._attr("baseline", c, m.Number(c[1]))

    def uses_escalation(self, c: list[Any]) -> Attr:
        return self._attr("escalation", c, self._ref(c[1]))

    def window(self, c: list[Any]) -> Attr:
        return self._attr("window", c, self._duration(c[1]))

    def target(self, c: list[Any]) -> Attr:
        keyword, cmp, value, when = c
        target = m.Target(
            cmp=str(cmp), value=m.Number(value), span=self._at(keyword), **(when or {})
        )
        return self._attr("targets", c, target)

    def target_range(self, c: list[Any]) -> Attr:
        keyword, _between, low, high, when = c
        target = m.Target(
            low=m.Number(low), high=m.Number(high), span=self._at(keyword), **(when or {})
        )
        return self._attr("targets", c, target)

    def target_date(self, c: list[Any]) -> dict[str, date]:
        return {"start" if c[0] == "from" else "by": self._date(c[1])}

    def _threshold(self, c: list[Any]) -> m.Threshold:
        keyword, pace, cmp, value = c
        return m.Threshold(
            cmp=str(cmp), value=m.Number(value), pace=pace is not None, span=self._at(keyword)
        )

    def warn(self, c: list[Any]) -> Attr:
        return self._attr("warn", c, self._threshold(c))

    def critical(self, c: list[Any]) -> Attr:
        return self._attr("critical", c, self._threshold(c))

    def due(self, c: list[Any]) -> Attr:
        return self._attr("due", c, self._date(c[1]))

    def buffer(self, c: list[Any]) -> Attr:
        return self._attr("buffer", c, self._duration(c[1]))

    def after(self, c: list[Any]) -> Attr:
        return self._attr("after", c, tuple(self._ref(t) for t in c[1:]))

    def cycle(self, c: list[Any]) -> m.Cycle:
        span = self._at(c[0])
        if len(c) == 1:
            return m.Cycle(unit=str(c[0]), span=span)  # type: ignore[arg-type]
        unit = str(c[2]) if c[2].endswith("s") else f"{c[2]}s"
        return m.Cycle(unit=unit, every=self._whole(c[1], "the count of a cycle"), span=span)  # type: ignore[arg-type]

    # ------------------------------------------------------------ escalation rules

    def rule(self, c: list[Any]) -> Attr:
        # A bare name after a comma continues the action before it: `run a, b` runs both.
        actions: dict[str, list[m.Ref]] = {"notify": [], "run": []}
        action = "notify"
        for kind, ref in c[2:]:
            action = action if kind == "also" else kind
            actions[action].append(ref)
        rule = m.Rule(
            trigger=c[1],
            notify=tuple(actions["notify"]),
            run=tuple(actions["run"]),
            span=self._at(c[0]),
        )
        return self._attr("rules", c, rule)

    def trigger(self, c: list[Any]) -> m.Trigger:
        occurrences = c[-1] if isinstance(c[-1], tuple) else None
        event = "_".join(str(t) for t in c if isinstance(t, Token))  # "no_data", "in_buffer"
        count, in_a_row = occurrences or (1, False)
        return m.Trigger(
            event=event,  # type: ignore[arg-type]
            count=count,
            in_a_row=in_a_row,
            explicit_count=occurrences is not None,
            span=self._at(c[0]),
        )

    def occurrences(self, c: list[Any]) -> tuple[int, bool]:
        return (self._whole(c[0], "the count of a trigger"), c[2] is not None)

    def notify(self, c: list[Any]) -> tuple[str, m.Ref]:
        return ("notify", self._ref(c[1]))

    def run(self, c: list[Any]) -> tuple[str, m.Ref]:
        return ("run", self._ref(c[1]))

    def also_notify(self, c: list[Any]) -> tuple[str, m.Ref]:
        return ("also", self._ref(c[0]))

    # ------------------------------------------------------------ expressions

    def number(self, c: list[Any]) -> m.Value:
        return m.Value(value=m.Number(c[0]), span=self._at(c[0]))

    def text_literal(self, c: list[Any]) -> m.Value:
        return m.Value(value=self._string(c[0]), span=self._at(c[0]))

    def bare_name(self, c: list[Any]) -> m.Name:
        return m.Name(id=str(c[0]), span=self._at(c[0]))

    def column(self, c: list[Any]) -> m.Column:
        return m.Column(source=str(c[0]), column=str(c[1]), span=self._at(c[0]))

    def call(self, c: list[Any]) -> m.Call:
        name, *args, _where, condition = c
        call = m.Call(function=str(name), args=tuple(args), where=condition, span=self._at(name))
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
        return m.Compare(column=str(c[0]), op=str(c[1]), value=c[2], span=self._at(c[0]))

    def member_of(self, c: list[Any]) -> m.MemberOf:
        return m.MemberOf(column=str(c[0]), values=tuple(c[2:]), span=self._at(c[0]))

    def null_test(self, c: list[Any]) -> m.NullTest:
        return m.NullTest(column=str(c[0]), negated=c[2] is not None, span=self._at(c[0]))
