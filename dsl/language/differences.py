"""What changed between two plans, by meaning: `differences(old, new)` gives the declarations
added and removed and every attribute changed, each a `Change` with a line a service manager
reads (`goal quick_answer: target <= 30 min -> <= 25 min`). Pure: no I/O.

Spans, layout and comments never count (the model's equality leaves spans out), so a plan
and its reformatted copy differ in nothing; neither does the order of declarations, of the
names in a list (`with tech, quality`) or of repeated lines such as targets and rules.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from . import model as m
from .calendars import clock, closed_days, dated, weekly
from .exclusions import describe
from .expressions import text as measure_text
from .expressions import written_name
from .summary import target_text

T = TypeVar("T")
Node = m.PlanInfo | m.Declaration


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: a declaration added or removed (`field` None), or one attribute of it
    (or of the plan block, whose `id` is "") changed. `old` and `new` read as the plan
    writes them; None is an attribute or a line not written on that side."""

    kind: Literal["added", "removed", "changed"]
    what: str
    id: str
    field: str | None = None
    old: str | None = None
    new: str | None = None

    @property
    def text(self) -> str:
        subject = f"{self.what} {self.id}".rstrip()
        if self.field is None:
            return f"{subject} {self.kind}"
        label = _LABELS.get(self.field, self.field)
        if self.old is None:
            return f"{subject}: {label} {self.new} added"
        if self.new is None:
            return f"{subject}: {label} {self.old} removed"
        return f"{subject}: {label} {self.old} -> {self.new}"


def differences(old: m.Plan, new: m.Plan) -> tuple[Change, ...]:
    """The plan block's changes first, then each declaration's in the new plan's order, a
    removed one where it stood in the old."""
    found = list(_node_changes(old.info, new.info, old, new))
    pairs = _pairs(old.declarations, new.declarations, _declaration_key, leftovers=False)
    for before, after in pairs:
        if after is None:
            assert before is not None
            found.append(Change("removed", _what(before), before.id))
        elif before is None:
            found.append(Change("added", _what(after), after.id))
        elif before != after:
            found.extend(_node_changes(before, after, old, new))
    return tuple(found)


# ---------------------------------------------------------------- what is compared, in order

# The attributes that say most about a declaration come first; the rest follow in the
# model's order, and the title and the note always come last.
_FIRST: dict[type, tuple[str, ...]] = {
    m.PlanInfo: ("period", "timezone", "review", "owner"),
    m.Goal: ("targets", "warn", "critical", "cycle", "window", "indicator", "owner", "lead"),
    m.Indicator: ("measure", "aggregate", "unit", "better", "decimals", "min_sample"),
    m.Exclusion: ("window", "goals", "reason"),
    m.Calendar: ("hours", "closed", "timezone"),
    m.Milestone: ("due", "buffer", "owner", "lead"),
}
# Model fields shown together as one attribute of `_FIRST`: a period, an exclusion's window.
_MERGED: dict[type, tuple[str, ...]] = {
    m.PlanInfo: ("period_start", "period_end"),
    m.Exclusion: ("start", "end", "every"),
}
_LAST = ("title", "note")
_NOT_COMPARED = {"id", "span", "places"}

# `Change.field` is the attribute as a plan names it where the model's name differs.
_FIELDS = {"targets": "target", "with_": "with"}
# How a line of a repeated attribute reads in `Change.text`.
_LABELS = {"rules": "rule", "steps": "step", "formats": "format"}
_BARE = {"kind", "better"}  # text attributes a plan writes without quotes


def _names(cls: type) -> tuple[str, ...]:
    first = _FIRST.get(cls, ())
    skipped = {*first, *_MERGED.get(cls, ()), *_LAST, *_NOT_COMPARED}
    assert is_dataclass(cls)
    rest = tuple(f.name for f in fields(cls) if f.name not in skipped)
    return (*first, *rest, *_LAST)


def _declaration_key(declaration: m.Declaration) -> Hashable:
    return (type(declaration), declaration.id)


def _what(node: Node) -> str:
    # `exclude` is the only keyword that is a verb; the noun reads better in a list of changes.
    return "exclusion" if isinstance(node, m.Exclusion) else node.keyword


def _value(node: Node, name: str) -> object:
    """An attribute as it counts: unwritten defaults filled in, merged attributes together."""
    if isinstance(node, m.PlanInfo) and name == "period":
        return (node.period_start, node.period_end)
    if isinstance(node, m.Exclusion) and name == "window":
        return (node.start, node.end, frozenset(node.every))
    value = getattr(node, name)
    if value is None:
        if isinstance(node, m.PlanInfo) and name == "timezone":
            return "UTC"
        if isinstance(node, m.Goal) and name == "weight":
            return m.Number("1")
        if isinstance(node, m.Source) and name == "table":
            return m.Ref(id=node.id)
    return value


def _meaning(value: object) -> object:
    """What equality should see: lists of names as sets, durations as their length, and the
    same one level down in lines such as rules (`notify owner, lead` is `notify lead, owner`)."""
    if isinstance(value, tuple) and value and all(isinstance(v, m.Ref) for v in value):
        return frozenset(v.id for v in value)
    if isinstance(value, m.Duration):
        # `14d` is `2w`, but `1d` is not `24h`: days count local days, hours exact time.
        return (value.unit in ("d", "w"), value.minutes)
    if is_dataclass(value) and not isinstance(value, type) and not isinstance(value, _EXPR):
        return (
            type(value),
            *(_meaning(getattr(value, f.name)) for f in fields(value) if f.compare),
        )
    return value


_EXPR = (m.Value, m.Column, m.Name, m.Arith, m.Call)


# ---------------------------------------------------------------- comparing


def _node_changes(before: Node, after: Node, old: m.Plan, new: m.Plan) -> Iterator[Change]:
    what, ident = _what(after), "" if isinstance(after, m.PlanInfo) else after.id
    units = (_unit(old, before), _unit(new, after))
    for name in _names(type(after)):
        field = _FIELDS.get(name, name)
        a, b = _value(before, name), _value(after, name)
        if _meaning(a) == _meaning(b) or _same_calendar(before, after, name):
            continue
        if name in _LINES:
            key, render = _LINES[name]
            for x, y in _pairs(_tuple(a), _tuple(b), _meaning, key, leftovers=True):
                if x is None or y is None or _meaning(x) != _meaning(y):
                    old_text = render(x, units[0]) if x is not None else None
                    new_text = render(y, units[1]) if y is not None else None
                    yield Change("changed", what, ident, field, old_text, new_text)
        else:
            old_text, new_text = _text(before, name, a, units[0]), _text(after, name, b, units[1])
            yield Change("changed", what, ident, field, old_text, new_text)


def _tuple(value: object) -> tuple[Any, ...]:
    assert isinstance(value, tuple)
    return value


def _same_calendar(before: Node, after: Node, name: str) -> bool:
    """Whether two calendars' hours (or closed days) are open (closed) at the same times,
    however their lines are written: `open mon-fri` or five lines of one day each."""
    if not isinstance(before, m.Calendar) or not isinstance(after, m.Calendar):
        return False
    if name == "hours":
        return weekly(before) == weekly(after) and dated(before) == dated(after)
    return name == "closed" and closed_days(before) == closed_days(after)


def _unit(plan: m.Plan, node: Node) -> str | None:
    """The unit a goal's targets and thresholds are counted in: its indicator's."""
    indicator = plan.get(node.indicator) if isinstance(node, m.Goal) else None
    return indicator.unit if isinstance(indicator, m.Indicator) else None


def _pairs(
    old: Sequence[T], new: Sequence[T], *keys: Callable[[T], Hashable], leftovers: bool
) -> list[tuple[T | None, T | None]]:
    """Old and new items matched by the first key, those left by the next, and so on, in the
    new order with each unmatched old item where it stood. With `leftovers`, the unmatched
    are then matched one for one in order: a rule whose trigger changed reads as that rule
    changed, not as one removed and one added."""
    matched: dict[int, int] = {}  # new index -> old index
    for key in keys:
        waiting: dict[Hashable, list[int]] = {}
        taken = set(matched.values())
        for index, item in enumerate(old):
            if index not in taken:
                waiting.setdefault(key(item), []).append(index)
        for index, item in enumerate(new):
            if index not in matched and waiting.get(key(item)):
                matched[index] = waiting[key(item)].pop(0)
    unmatched = sorted(set(range(len(old))) - set(matched.values()))
    if leftovers:
        alone = [j for j in range(len(new)) if j not in matched]
        for j, i in zip(alone, list(unmatched), strict=False):
            matched[j] = i
            unmatched.remove(i)
    found: list[tuple[T | None, T | None]] = []
    for index, item in enumerate(new):
        if index not in matched:
            found.append((None, item))
            continue
        while unmatched and unmatched[0] < matched[index]:
            found.append((old[unmatched.pop(0)], None))
        found.append((old[matched[index]], item))
    found.extend((old[i], None) for i in unmatched)
    return found


# ---------------------------------------------------------------- reading values as written


def _text(node: Node, name: str, value: object, unit: str | None) -> str | None:
    match value:
        case None | ():
            return "every goal" if isinstance(node, m.Exclusion) and name == "goals" else None
        case m.Ref():
            return written_name(value.id)
        case tuple() if isinstance(node, m.Exclusion) and name == "window":
            return describe(node) or None
        case (date() | None, date() | None):
            return f"{value[0] or '?'} .. {value[1] or '?'}"
        case tuple():
            return ", ".join(written_name(v.id) for v in value)
        case m.Number():
            return value.text
        case m.Threshold():
            return value.text if value.pace else _with_unit(value.text, unit)
        case str():
            return value if name in _BARE else _quoted(value)
        case m.Value() | m.Column() | m.Name() | m.Arith() | m.Call():
            return measure_text(value)
    return str(value)  # dates, cycles, durations and whole numbers read as written


def _with_unit(text: str, unit: str | None) -> str:
    """`>= 90%`, `<= 30 min`: as the plan's overview writes a target with its unit."""
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}" if unit else text


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def _rule(rule: m.Rule, _unit: str | None) -> str:
    actions = [
        f"{verb} {', '.join(written_name(r.id) for r in refs)}"
        for verb, refs in (("notify", rule.notify), ("run", rule.run))
        if refs
    ]
    return " ".join([f"when {rule.trigger.text}", ", ".join(actions)]).rstrip()


def _step(step: m.Step, _unit: str | None) -> str:
    return f"{_quoted(step.text)} by {written_name(step.by.id)} within {step.within}"


def _format(line: m.TimeFormat, _unit: str | None) -> str:
    return f"{written_name(line.column.id)} {_quoted(line.format)}"


def _hours(line: m.OpenHours, _unit: str | None) -> str:
    days = str(line.on) if line.on else "-".join(d for d in (line.first, line.last) if d)
    return f"{days} " + ", ".join(f"{clock(a)}-{clock(b)}" for a, b in line.hours)


def _closed(line: m.Closed, _unit: str | None) -> str:
    days = str(line.start) if line.end == line.start else f"{line.start} .. {line.end}"
    return f"{days} {_quoted(line.reason)}" if line.reason else days


def _target(target: m.Target, unit: str | None) -> str:
    return target_text(target, unit or "", False)


# Repeated attributes, compared line by line: what matches a line across the two plans, and
# how the line reads.
_LINES: dict[str, tuple[Callable[[Any], Hashable], Callable[[Any, str | None], str]]] = {
    "targets": (lambda t: (t.start, t.by), _target),
    "rules": (lambda r: _meaning(r.trigger), _rule),
    "steps": (lambda s: s.text, _step),
    "formats": (lambda f: f.column.id, _format),
    "hours": (lambda h: (h.first, h.last, h.on), _hours),
    "closed": (lambda c: c.start, _closed),
}
