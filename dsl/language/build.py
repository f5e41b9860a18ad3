"""Lark callbacks that build the plan model while the parser runs (no parse tree is kept).

The builder assembles declarations from their attributes (literals and expressions are
built by its base, `build_expressions`); it does no semantic validation (that is
`checks/`). What cannot be represented in the model (a date that does not exist, an unknown
string escape, an attribute given twice) is collected as diagnostics in `problems`, so that
a plan is never refused by an exception.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Any, NamedTuple

from lark import Token

from . import model as m
from .build_expressions import ExpressionBuilder
from .diagnostics import error
from .model import D
from .source import Span

# Attributes that may appear more than once in a block; they collect into a tuple.
_REPEATABLE = {"targets", "steps", "rules", "formats", "hours", "closed", "every"}


class Attr(NamedTuple):
    """One attribute of a block: the model field it fills, the keyword, its value, where."""

    field: str
    keyword: str
    value: Any
    span: Span


class Builder(ExpressionBuilder):
    """Embedded in the LALR parser: each method receives the children of one reduced rule."""

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
        keyword, name, title, body = children
        ident = str(name)
        fields = self._fields(str(keyword), f"'{ident}'", body)
        if isinstance(fields.get("table"), tuple):  # `table schema.name`
            fields["schema"], fields["table"] = fields["table"]
        if "table" in fields and "file" in fields:
            both = "is given both 'table' and 'file': it reads a table or files, not both"
            self.problems.append(
                error("E203", f"source '{ident}' {both}", fields["places"]["file"])
            )
        title_text = self._string(title) if title is not None else None
        return m.Source(id=ident, title=title_text, span=self._at(name), **fields)

    def calendar(self, children: list[Any]) -> m.Calendar:
        return self._declaration(m.Calendar, children)

    def exclude(self, children: list[Any]) -> m.Exclusion:
        return self._declaration(m.Exclusion, children)

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

    person_body = team_body = objective_body = source_body = calendar_body = _body
    exclude_body = _body
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
        if len(c) < 3 or c[2] is None:
            return self._attr("table", c, self._ref(c[1]))
        schema = self._ref(c[1]).id
        return self._attr("table", c, (schema, self._ref(c[2])))

    def read_file(self, c: list[Any]) -> Attr:
        return self._attr("file", c, self._string(c[1]))

    def time(self, c: list[Any]) -> Attr:
        return self._attr("time", c, self._ref(c[1]))

    def time_format(self, c: list[Any]) -> Attr:
        column, fmt = self._ref(c[1]), self._string(c[2])
        return self._attr(
            "formats", c, m.TimeFormat(column=column, format=fmt, span=self._at(c[0]))
        )

    def open_hours(self, c: list[Any]) -> Attr:
        days, hours = c[1], tuple(self._hours(token) for token in c[2:])
        if isinstance(days, tuple):
            opened = m.OpenHours(first=days[0], last=days[1], hours=hours, span=self._at(c[0]))
        else:
            opened = m.OpenHours(on=self._date(days), hours=hours, span=self._at(c[0]))
        return self._attr("hours", c, opened)

    def weekdays(self, c: list[Any]) -> tuple[str, str | None]:
        return (str(c[0]).lower(), str(c[1]).lower() if c[1] is not None else None)

    def excluded_from(self, c: list[Any]) -> Attr:
        return self._attr("start", c, self._moment(c))

    def excluded_to(self, c: list[Any]) -> Attr:
        return self._attr("end", c, self._moment(c))

    def _moment(self, c: list[Any]) -> m.Moment:
        keyword, day, clock = c
        minutes = self._hours(clock)[0] if clock is not None else None
        return m.Moment(on=self._date(day), minutes=minutes, span=self._at(keyword))

    def every_hours(self, c: list[Any]) -> Attr:
        (first, last), hours = c[1], tuple(self._hours(token) for token in c[2:])
        every = m.Every(first=first, last=last, hours=hours, span=self._at(c[0]))
        return self._attr("every", c, every)

    def excluded_goals(self, c: list[Any]) -> Attr:
        return self._attr("goals", c, tuple(self._ref(t) for t in c[1:]))

    def reason(self, c: list[Any]) -> Attr:
        return self._attr("reason", c, self._string(c[1]))

    def _hours(self, token: Token) -> tuple[int, int]:
        """`09:00-12:30` as minutes after midnight (`22:00` alone as its start); a clock time
        that does not exist (25:00, 09:75) is a problem, and 24:00 only ends an interval."""
        found = []
        for number, clock in enumerate(str(token).split("-")):
            hour, minute = (int(part) for part in clock.split(":"))
            if minute > 59 or hour > 24 or (hour == 24 and (minute or number == 0)):
                self.problems.append(
                    error("E102", f"'{clock}' is not a time of day", self._at(token))
                )
                return (0, 0)
            found.append(hour * 60 + minute)
        return (found[0], found[-1])

    def closed_days(self, c: list[Any]) -> Attr:
        keyword, first, last, reason = c
        start = self._date(first)
        closed = m.Closed(
            start=start,
            end=self._date(last) if last is not None else start,
            reason=self._string(reason) if reason is not None else None,
            span=self._at(keyword),
        )
        return self._attr("closed", c, closed)

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

    def min_sample(self, c: list[Any]) -> Attr:
        return self._attr("min_sample", c, self._whole(c[1], "min_sample"))

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
        words = [str(t) for t in c if isinstance(t, Token)]
        so_far = words[-2:] == ["so", "far"]
        event = "_".join(words[:-2] if so_far else words)  # "no_data", "in_buffer"
        # A bare trigger fires at the first cycle of every run of its severity, as
        # `1 time in a row` does: a second outage in the period alerts again.
        count, in_a_row = occurrences or (1, True)
        return m.Trigger(
            event=event,  # type: ignore[arg-type]
            count=count,
            in_a_row=in_a_row,
            explicit_count=occurrences is not None,
            so_far=so_far,
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
