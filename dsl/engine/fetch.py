"""The engine's counting half: per-cycle values of every goal, from the store.

Goals that share an indicator and a cycle layout share one query, so the store is asked
once per indicator and layout, never once per cycle, and never for rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..language import model as m
from ..store.dialect import Dialect
from .measure_sql import Query, Range, combine, compile_measure
from .schedule import Layout


class Rows(Protocol):
    """What the engine needs of a store: run one read query."""

    def fetch(
        self, sql: str, params: Any = (), ranges: Sequence[Range] = ()
    ) -> list[tuple[Any, ...]]: ...


@dataclass(frozen=True, slots=True)
class Ran:
    """One query that ran, for `explain`: the indicator, the query and its result rows."""

    indicator: str
    ranges: tuple[Range, ...]
    query: Query
    rows: tuple[tuple[Any, ...], ...]


Breakdown = dict[int, dict[str, float | None]]  # cycle index -> value per breakdown key


def fetch_breakdowns(
    plan: m.Plan,
    goals: Iterable[m.Goal],
    layouts: Mapping[str, Layout],
    store: Rows,
    dialect: Dialect,
) -> dict[str, Breakdown]:
    """For goals whose indicator declares a `breakdown`, the value per cycle and per value of
    that column (one more query per indicator and layout)."""
    found: dict[str, Breakdown] = {}
    done: dict[tuple[str, tuple[Range, ...]], Breakdown] = {}
    for goal in goals:
        indicator = plan.get(goal.indicator)
        ranges = layouts[goal.id].ranges
        if not isinstance(indicator, m.Indicator) or indicator.breakdown is None or not ranges:
            continue
        key = (indicator.id, ranges)
        if key not in done:
            query = compile_measure(indicator, plan, ranges, dialect, indicator.breakdown.id)
            split: Breakdown = {}
            for row in store.fetch(query.sql, query.params, query.ranges):
                label = "(none)" if row[1] is None else str(row[1])
                split.setdefault(row[0], {})[label] = combine(indicator.measure, iter(row[2:]))
            done[key] = split
        found[goal.id] = done[key]
    return found


def fetch_values(
    plan: m.Plan,
    goals: Iterable[m.Goal],
    layouts: Mapping[str, Layout],
    store: Rows,
    dialect: Dialect,
) -> tuple[dict[str, dict[int, float | None]], list[Ran]]:
    """Each goal's value per cycle index, and the queries that were run."""
    by_layout: dict[tuple[str, tuple[Range, ...]], list[str]] = {}
    for goal in goals:
        assert goal.indicator is not None
        key = (goal.indicator.id, layouts[goal.id].ranges)
        by_layout.setdefault(key, []).append(goal.id)
    values: dict[str, dict[int, float | None]] = {}
    ran: list[Ran] = []
    for (indicator_id, ranges), goal_ids in by_layout.items():
        indicator = plan.get(indicator_id)
        assert isinstance(indicator, m.Indicator)
        per_cycle: dict[int, float | None] = {}
        if ranges:
            query = compile_measure(indicator, plan, ranges, dialect)
            rows = store.fetch(query.sql, query.params, query.ranges)
            per_cycle = {row[0]: combine(indicator.measure, iter(row[1:])) for row in rows}
            ran.append(Ran(indicator_id, ranges, query, tuple(rows)))
        for goal_id in goal_ids:
            values[goal_id] = per_cycle
    return values, ran
