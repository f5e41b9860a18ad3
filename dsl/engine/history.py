"""A goal's history for the achievability check: its cycles over the year before the plan
period and the cycles of the period complete by now, with their values from the store."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..language import model as m
from ..language.cycles import Range, cycle_spans, local_midnight
from ..store.dialect import Dialect
from .combine import combine
from .evaluate import target_in_force
from .fetch import Rows, before_data, data_begins, run
from .measure_sql import compile_layout, samples_of
from .schedule import ranges, zone


@dataclass(frozen=True, slots=True)
class GoalHistory:
    """A goal's past cycles: (value, target in force) of each with a value, and the sample of
    each (only where its indicator has a `min_sample`)."""

    values: list[tuple[float, m.Target]]
    samples: list[int]


def history(
    plan: m.Plan, store: Rows, dialect: Dialect, now: datetime
) -> Mapping[str, GoalHistory]:
    """Each level goal's history. Goals whose cycles are the same share one query, as in
    evaluation (`compile_layout`)."""
    info = plan.info
    assert info.period_start and info.period_end
    tz = zone(plan)
    before = _year_before(info.period_start)
    # The history of each goal: its indicator, the instants of its cycles, their targets.
    wanted: list[tuple[m.Goal, m.Indicator, tuple[Range, ...], list[m.Target]]] = []
    for goal in plan.goals:
        base = target_in_force(goal, info.period_start)
        indicator = plan.get(goal.indicator)
        if goal.is_progress or goal.cycle is None or base is None:
            continue
        if not isinstance(indicator, m.Indicator):
            continue
        earlier = cycle_spans(goal.cycle, before, info.period_start - timedelta(days=1), tz)
        during = [
            s
            for s in cycle_spans(goal.cycle, info.period_start, info.period_end, tz)
            if s.ends_at <= now
        ]
        spans = [dataclasses.replace(s, index=i) for i, s in enumerate([*earlier, *during])]
        if not spans:
            continue
        targets = [base] * len(earlier) + [target_in_force(goal, s.start) or base for s in during]
        cycles = ranges(goal, spans, local_midnight(spans[0].start, tz), now, tz)
        wanted.append((goal, indicator, cycles, targets))
    rows = _rows(plan, [(i, c) for _, i, c, _ in wanted], store, dialect)
    known: dict[str, float] = {}  # when each source's data begins
    found: dict[str, GoalHistory] = {}
    for goal, indicator, cycles, targets in wanted:
        # Cycles before the data begins are not history: they say nothing of what was reached.
        skipped = before_data(cycles, data_begins(indicator, plan, store, known))
        kept = [row for row in rows[indicator.id, cycles] if row[0] not in skipped]
        values = [(combine(indicator.measure, iter(row[1:])), targets[row[0]]) for row in kept]
        counts = samples_of(indicator)
        samples = [max(int(n or 0) for n in row[len(row) - counts :]) for row in kept if counts]
        found[goal.id] = GoalHistory(
            [(value, target) for value, target in values if value is not None], samples
        )
    return found


def _rows(
    plan: m.Plan,
    wanted: list[tuple[m.Indicator, tuple[Range, ...]]],
    store: Rows,
    dialect: Dialect,
) -> dict[tuple[str, tuple[Range, ...]], list[tuple[Any, ...]]]:
    """Each indicator's rows over its cycles, one query per distinct set of cycles."""
    layouts: dict[tuple[Range, ...], dict[str, m.Indicator]] = {}
    for indicator, cycles in wanted:
        layouts.setdefault(cycles, {})[indicator.id] = indicator
    found: dict[tuple[str, tuple[Range, ...]], list[tuple[Any, ...]]] = {}
    for cycles, indicators in layouts.items():
        query, slices = compile_layout(list(indicators.values()), plan, cycles, dialect)
        rows = run(store, query)
        for ident, part in slices.items():
            found[ident, cycles] = [(row[0], *row[1:][part]) for row in rows]
    return found


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
