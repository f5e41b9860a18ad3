"""A goal's history for the achievability check: its cycles over the year before the plan
period and the cycles of the period complete by now, with their values from the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from ..language import model as m
from ..language.cycles import CycleSpan, cycle_spans, local_midnight
from ..store.dialect import Dialect
from .evaluate import target_in_force
from .fetch import Rows, before_data, data_begins
from .measure_sql import combine, compile_measure
from .schedule import ranges, zone


def history(
    plan: m.Plan, store: Rows, dialect: Dialect, now: datetime
) -> Mapping[str, list[tuple[float, m.Target]]]:
    """(value, target in force) of each past cycle with a value, per level goal."""
    info = plan.info
    assert info.period_start and info.period_end
    tz = zone(plan)
    before = _year_before(info.period_start)
    found: dict[str, list[tuple[float, m.Target]]] = {}
    known: dict[str, float] = {}  # when each source's data begins
    for goal in plan.goals:
        base = target_in_force(goal, info.period_start)
        if goal.is_progress or goal.cycle is None or base is None:
            continue
        earlier = cycle_spans(goal.cycle, before, info.period_start - timedelta(days=1), tz)
        during = [
            s
            for s in cycle_spans(goal.cycle, info.period_start, info.period_end, tz)
            if s.ends_at <= now
        ]
        spans = [dataclasses.replace(s, index=i) for i, s in enumerate([*earlier, *during])]
        targets = [base] * len(earlier) + [target_in_force(goal, s.start) or base for s in during]
        found[goal.id] = _values(plan, goal, spans, targets, store, dialect, now, known)
    return found


def _values(
    plan: m.Plan,
    goal: m.Goal,
    spans: list[CycleSpan],
    targets: list[m.Target],
    store: Rows,
    dialect: Dialect,
    now: datetime,
    known: dict[str, float],
) -> list[tuple[float, m.Target]]:
    indicator = plan.get(goal.indicator)
    if not spans or not isinstance(indicator, m.Indicator):
        return []
    start = local_midnight(spans[0].start, zone(plan))
    cycles = ranges(goal, spans, start, now)
    query = compile_measure(indicator, plan, cycles, dialect)
    # Cycles before the data begins are not history: they say nothing of what was reached.
    before = before_data(cycles, data_begins(indicator, plan, store, known))
    found = []
    for row in store.fetch(query.sql, query.params, query.ranges):
        if row[0] in before:
            continue
        value = combine(indicator.measure, iter(row[1:]))
        if value is not None:
            found.append((value, targets[row[0]]))
    return found


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
