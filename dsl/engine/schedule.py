"""Which cycles of a goal have started by the evaluation time, and which rows make each
cycle's value: the cycle itself, a trailing `window`, or for a progress goal everything
from the period start, less the windows of the exclusions that apply to the goal. Pure: the
evaluation time is given, never read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..language import model as m
from ..language.cycles import CycleSpan, Range, cycle_spans, local_midnight
from ..language.exclusions import carve, merged, windows


@dataclass(frozen=True, slots=True)
class Layout:
    """A goal's started cycles and the ranges of instants their values are computed over:
    one per cycle, or several where exclusions cut windows out of it, none for a cycle
    wholly inside them (`excluded`). `touched` names the exclusions that meet each cycle."""

    spans: tuple[CycleSpan, ...]
    ranges: tuple[Range, ...]
    excluded: frozenset[int] = frozenset()
    touched: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    whole: tuple[Range, ...] = ()  # each cycle's range before exclusions cut into it


def zone(plan: m.Plan) -> ZoneInfo:
    return ZoneInfo(plan.info.timezone or "UTC")


def layout(plan: m.Plan, goal: m.Goal, as_of: datetime) -> Layout:
    """Every cycle that has started by `as_of` (none after the period), with its range."""
    info = plan.info
    assert info.period_start and info.period_end and goal.cycle  # the plan is checked
    tz = zone(plan)
    spans = tuple(
        s
        for s in cycle_spans(goal.cycle, info.period_start, info.period_end, tz)
        if s.starts_at <= as_of
    )
    start = local_midnight(info.period_start, tz)
    whole = ranges(goal, spans, start, as_of, tz)
    pieces, touched = exclude(whole, exclusions_of(plan, goal), tz)
    excluded = frozenset(r.index for r in whole) - {r.index for r in pieces}
    return Layout(spans, pieces, excluded, touched, whole)


def layouts(plan: m.Plan, goals: Iterable[m.Goal], as_of: datetime) -> dict[str, Layout]:
    """Each goal's `layout`, computed once for all the goals that share a cycle, a window,
    a kind and exclusions (a plan of 500 goals has a handful of layouts, not 500)."""
    found: dict[tuple[Any, ...], Layout] = {}
    by_goal: dict[str, Layout] = {}
    for goal in goals:
        key = (goal.cycle, goal.window, goal.is_progress, exclusions_of(plan, goal))
        if key not in found:
            found[key] = layout(plan, goal, as_of)
        by_goal[goal.id] = found[key]
    return by_goal


def exclusions_of(plan: m.Plan, goal: m.Goal) -> tuple[m.Exclusion, ...]:
    return tuple(x for x in plan.exclusions if x.applies_to(goal.id))


def exclude(
    whole: Sequence[Range], exclusions: Sequence[m.Exclusion], tz: ZoneInfo
) -> tuple[tuple[Range, ...], dict[int, tuple[str, ...]]]:
    """The ranges left once the exclusions' windows are cut out (in index order, several to
    a cycle where a window falls inside it), and which exclusions meet each range."""
    if not exclusions or not whole:
        return tuple(whole), {}
    lo, hi = min(r.lo for r in whole), max(r.hi for r in whole)
    each = {x.id: windows(x, tz, lo, hi) for x in exclusions}
    taken = merged(w for found in each.values() for w in found)
    pieces: list[Range] = []
    touched: dict[int, tuple[str, ...]] = {}
    for r in whole:
        met = tuple(x for x, found in each.items() if any(a < r.hi and r.lo < b for a, b in found))
        if met and r.lo < r.hi:  # (an empty range, a cycle that begins now, stays as it is)
            touched[r.index] = met
            pieces += [Range(r.index, a, b) for a, b in carve(r.lo, r.hi, taken)]
        else:
            pieces.append(r)
    return tuple(pieces), touched


def ranges(
    goal: m.Goal,
    spans: Sequence[CycleSpan],
    period_start: datetime,
    as_of: datetime,
    tz: ZoneInfo,
) -> tuple[Range, ...]:
    """The instants each cycle's value is computed over, up to `as_of` at the latest."""
    now = as_of.timestamp()
    found = []
    for span in spans:
        hi = min(span.ends_at.timestamp(), now)
        if goal.is_progress:
            lo = period_start.timestamp()
        elif goal.window is not None:
            lo = window_start(hi, goal.window, tz)
        else:
            lo = span.starts_at.timestamp()
        found.append(Range(span.index, lo, hi))
    return tuple(found)


def window_start(end: float, window: m.Duration, tz: ZoneInfo) -> float:
    """Where a trailing window that ends at the instant `end` starts: `Nd` and `Nw` are local
    calendar days back (167 or 169 hours for a week across a daylight-saving change), `Nh`
    and `Nm` exact hours and minutes. Wall-clock arithmetic on an aware datetime moves the
    local time and reads it back in the zone (fold=0, as every naive local time)."""
    if window.unit in ("d", "w"):
        days = window.amount * (7 if window.unit == "w" else 1)
        local = datetime.fromtimestamp(end, tz)
        return (local - timedelta(days=days)).timestamp()
    return end - window.timedelta.total_seconds()
