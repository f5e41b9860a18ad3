"""Targets and thresholds: directions that contradict `better` (E304), `pace` on a level goal
(E305), targets that cannot be combined (E307), and thresholds out of order (W403)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from .. import model as m
from ..diagnostics import Diagnostic, error, warning

_GOOD = {"higher": (">=", ">"), "lower": ("<=", "<")}
_BAD = {"higher": ("<", "<="), "lower": (">", ">=")}


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    for goal in plan.goals:
        yield from _combination(goal, plan.info.period_start)
        indicator = plan.get(goal.indicator)
        better = indicator.better if isinstance(indicator, m.Indicator) else None
        if better is not None:
            yield from _directions(goal, better)
            yield from _order(goal, better)
        yield from _pace(goal)


def _combination(goal: m.Goal, period_start: date | None) -> Iterator[Diagnostic]:
    progress = [t for t in goal.targets if t.is_progress]
    for target in progress:
        if target.is_range:
            yield error(
                "E307",
                f"a progress target is a comparison, such as >= 20_000 by {target.by}, not a range",
                target.span,
            )
    if progress and len(progress) < len(goal.targets):
        yield error(
            "E307",
            f"goal '{goal.id}' mixes a progress target (with 'by') and level targets",
            progress[0].span,
        )
    elif len(progress) > 1:
        yield error("E307", f"goal '{goal.id}' has more than one progress target", progress[1].span)
    starts: set[date | None] = set()
    levels = [t for t in _valid(goal.targets) if not t.is_progress]
    for target in _valid(goal.targets):
        low, high = target.low, target.high
        if target.is_range and low is not None and high is not None and low > high:
            yield error("E307", f"'{target.text}': the low end is above the high end", target.span)
    for target in levels:
        start = None if target.start == period_start else target.start
        if start in starts:
            when = f"from {start}" if start else "from the period start"
            yield error("E307", f"goal '{goal.id}' has two targets {when}", target.span)
        starts.add(start)
    if levels and None not in starts and period_start is not None:
        yield error(
            "E307",
            f"goal '{goal.id}' has no target from the period start ({period_start}):"
            " add one without 'from'",
            levels[0].span,
        )
    if progress and goal.window is not None:
        yield error(
            "E307",
            "a progress goal accumulates from the period start: 'window' does not apply",
            goal.window.span,
        )


def _directions(goal: m.Goal, better: str) -> Iterator[Diagnostic]:
    for target in goal.targets:
        if target.cmp is not None and target.cmp not in _GOOD[better]:
            yield error(
                "E304",
                f"target {target.text} contradicts 'better {better}' of indicator"
                f" '{goal.indicator}': use {' or '.join(_GOOD[better])}",
                target.span,
            )
    if any(t.is_range for t in goal.targets):
        return  # a range can be left on either side: thresholds may point either way
    for name, threshold in (("warn", goal.warn), ("critical", goal.critical)):
        if threshold is not None and threshold.pace and not goal.is_progress:
            continue  # `pace` on a level goal is the mistake, reported by _pace
        if threshold is not None and threshold.cmp not in _BAD[better]:
            low_or_high = "low" if better == "higher" else "high"
            yield error(
                "E304",
                f"{name} {threshold.text} contradicts 'better {better}' of indicator"
                f" '{goal.indicator}': a threshold fires on {low_or_high} values,"
                f" so use {' or '.join(_BAD[better])}",
                threshold.span,
            )


def _pace(goal: m.Goal) -> Iterator[Diagnostic]:
    for name, threshold in (("warn", goal.warn), ("critical", goal.critical)):
        if threshold is not None and threshold.pace and goal.targets and not goal.is_progress:
            yield error(
                "E305",
                f"'{name} pace' applies to progress targets (target ... by DATE);"
                f" goal '{goal.id}' has a level target",
                threshold.span,
            )


def _order(goal: m.Goal, better: str) -> Iterator[Diagnostic]:
    warn, critical = goal.warn, goal.critical
    if warn and critical and warn.pace == critical.pace and _looser(critical, warn, better):
        yield _out_of_order(
            goal, better, f"critical is {critical.value.text} and warn is {warn.value.text}"
        )
    for target in _valid(goal.targets):
        if target.value is None or target.is_progress:
            continue
        when = f"the target from {target.start}" if target.start else "the target"
        for threshold in (warn, critical):
            if threshold is None or threshold.pace:
                continue
            wrong = (
                _beyond(threshold.value, target.value, better)
                if threshold is critical
                else _beyond(target.value, threshold.value, better)
            )
            if wrong:
                name = "critical" if threshold is critical else "warn"
                yield _out_of_order(
                    goal,
                    better,
                    f"{name} is {threshold.value.text} and {when} is {target.value.text}",
                )


def _valid(targets: tuple[m.Target, ...]) -> list[m.Target]:
    """Targets whose dates exist (an impossible date is reported where it was read)."""
    return [t for t in targets if m.INVALID_DATE not in (t.start, t.by)]


def _beyond(a: float, b: float, better: str) -> bool:
    """True if `a` is better than `b`: a critical line must not be above the target."""
    return a > b if better == "higher" else a < b


def _looser(critical: m.Threshold, warn: m.Threshold, better: str) -> bool:
    return _beyond(critical.value, warn.value, better)


def _out_of_order(goal: m.Goal, better: str, detail: str) -> Diagnostic:
    order = "critical ≤ target ≤ warn" if better == "higher" else "warn ≤ target ≤ critical"
    return warning(
        "W403",
        f"thresholds of goal '{goal.id}' are out of order: with 'better {better}' expect"
        f" {order}, but {detail}",
        goal.span,
    )
