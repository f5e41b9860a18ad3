"""Values that parse but cannot mean anything (E330): weights, decimals, samples, counts,
durations, time formats; and a column given two formats (E203)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..diagnostics import Diagnostic, error
from ..time_formats import check_format


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    if plan.info.review is not None:
        yield from _cycle(plan.info.review)
    for d in plan.declarations:
        match d:
            case m.Goal():
                if d.weight is not None and d.weight <= 0:
                    where = d.places.get("weight", d.span)
                    yield error("E330", f"the weight of goal '{d.id}' must be more than 0", where)
                if d.cycle is not None:
                    yield from _cycle(d.cycle)
                if d.window is not None and d.window.amount == 0:
                    yield error("E330", "a window must be longer than 0", d.window.span)
            case m.Indicator():
                if d.decimals is not None and not 0 <= d.decimals <= 10:
                    where = d.places.get("decimals", d.span)
                    message = f"decimals must be between 0 and 10, not {d.decimals:g}"
                    yield error("E330", message, where)
                if d.min_sample is not None and d.min_sample < 1:
                    where = d.places.get("min_sample", d.span)
                    yield error("E330", "min_sample must be at least 1", where)
            case m.Milestone() if d.buffer is not None and d.buffer.unit not in ("d", "w"):
                yield error(
                    "E330",
                    f"a buffer is whole days or weeks (such as 14d or 2w), not {d.buffer}",
                    d.buffer.span,
                )
            case m.Source():
                yield from _formats(d)
            case m.Escalation():
                for rule in d.rules:
                    if rule.trigger.count < 1:
                        yield error(
                            "E330", "a trigger must count at least 1 time", rule.trigger.span
                        )


def _cycle(cycle: m.Cycle) -> Iterator[Diagnostic]:
    if cycle.every < 1:
        yield error("E330", f"'{cycle}' must count at least 1", cycle.span)


def _formats(source: m.Source) -> Iterator[Diagnostic]:
    first: dict[str, m.TimeFormat] = {}
    for written in source.formats:
        column = written.column.id
        problem = check_format(written.format)
        if problem is not None:
            message = f"the format of '{column}', \"{written.format}\", cannot be read: {problem}"
            yield error("E330", message, written.span)
        earlier = first.setdefault(column.lower(), written)
        if earlier is not written:
            yield error(
                "E203",
                f"column '{column}' is given two formats in source '{source.id}'"
                f" (first on line {earlier.span.line})",
                written.span,
            )
