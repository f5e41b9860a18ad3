"""`goalline explain`: one goal, one cycle, told in plain sentences — which rows counted,
what each aggregate gave, the value, the target and thresholds in force, the rule that
decided the status — followed by the SQL that ran and its parameters."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime

from ..language import model as m
from ..language.cycles import Range
from ..language.expressions import aggregate_calls, source_of, text
from ..store.dialect import quote
from .fetch import Ran, Rows, before_data
from .measure_sql import RECORDED_TABLE, RECORDED_TIME
from .report import CycleResult, GoalResult, RowsRead


def rows_counted(plan: m.Plan, indicator_id: str, bounds: Range, store: Rows) -> dict[str, int]:
    """How many rows of each table the indicator reads fall in one cycle's range."""
    counts: dict[str, int] = {}
    for table, time, extra, params in _tables_read(plan, indicator_id):
        sql = (
            f"SELECT count(*) FROM {quote(table)} AS t WHERE t.{quote(time)} >= ?"
            f" AND t.{quote(time)} < ?{extra}"
        )
        counts[table] = store.fetch(sql, (bounds.lo, bounds.hi, *params))[0][0]
    return counts


def _tables_read(plan: m.Plan, indicator_id: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(table, time column, extra condition, its parameters) for each table a measure reads."""
    indicator = plan.get(indicator_id)
    assert isinstance(indicator, m.Indicator)
    if indicator.measure is None:
        return [(RECORDED_TABLE, RECORDED_TIME, " AND t.indicator = ?", (indicator.id,))]
    found: dict[str, tuple[str, str, str, tuple[str, ...]]] = {}
    for call in aggregate_calls(indicator.measure):
        source = plan.get(source_of(call))
        if isinstance(source, m.Source) and source.time is not None:
            found.setdefault(source.table_name, (source.table_name, source.time.id, "", ()))
    return list(found.values())


def explain(
    plan: m.Plan,
    goal: m.Goal,
    result: GoalResult,
    cycle: CycleResult,
    ran: Ran | None,
    row_counts: Mapping[str, int],
) -> str:
    """The explanation; `row_counts` maps each table read to its rows in the cycle's range."""
    indicator = plan.get(goal.indicator)
    assert isinstance(indicator, m.Indicator)
    tz = plan.info.timezone or "UTC"
    state = "complete" if cycle.complete else "not complete yet"
    lines = [
        f"Goal '{goal.id}'{_title(goal.title)} is tracked {result.cycle} on indicator"
        f" '{indicator.id}'{_title(indicator.title)}.",
        f"This is the cycle {cycle.start} .. {cycle.end}, which is {state}.",
    ]
    span = _range(ran, cycle.index)
    if span is not None:
        counted = ", ".join(
            f"{n:,} {'row' if n == 1 else 'rows'} of {table}" for table, n in row_counts.items()
        )
        lines.append(
            f"Its value comes from the rows whose time falls from {_local(span[0], tz)}"
            f" to {_local(span[1], tz)} ({tz}): {counted or 'none'}."
        )
    sentence = _measure_sentence(indicator, ran, cycle)
    if ran is not None and cycle.index in before_data(ran.ranges, ran.begins):
        begun = (
            "its tables have no rows with a time yet"
            if math.isinf(ran.begins)
            else f"the data it reads begins {_local(ran.begins, tz)} ({tz}), after this cycle ended"
        )
        sentence = sentence.removesuffix("so the value is no value.") + (
            f"but {begun}: the data had not begun, so the cycle has no value."
        )
    lines.append(sentence)
    lines.append(_target_sentence(goal, cycle, result))
    lines.append(f"The status is {cycle.status}: {cycle.reason}.")
    if ran is not None:
        lines += ["", "The query that ran (SQLite), once for every cycle of this layout:"]
        lines += ["  " + line for line in ran.query.sql.splitlines()]
        if ran.query.ranges:
            loaded = [(r.index, r.lo, r.hi) for r in ran.query.ranges]
            lines.append(f"after loading the cycles (idx, lo, hi) {loaded!r}")
        lines.append(f"with the parameters {list(ran.query.params)!r}")
    return "\n".join(lines) + "\n"


def _title(title: str | None) -> str:
    return f' ("{title}")' if title else ""


def _range(ran: Ran | None, index: int) -> tuple[float, float] | None:
    for r in ran.ranges if ran else ():
        if r.index == index:
            return r.lo, r.hi
    return None


def _local(instant: float, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(instant, UTC).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _measure_sentence(indicator: m.Indicator, ran: Ran | None, cycle: CycleResult) -> str:
    row = next((r for r in ran.rows if r[0] == cycle.index), None) if ran else None
    values = list(row[1:]) if row else []
    value = "no value" if cycle.value is None else f"{cycle.value:.6g}{_unit(indicator)}"
    if indicator.measure is None:
        aggregate = indicator.aggregate.id if indicator.aggregate else "mean"
        return (
            f"The indicator is recorded by hand; the {aggregate} of its values in the cycle"
            f" is {value}."
        )
    calls = list(aggregate_calls(indicator.measure))
    read = list(cycle.rows) + [None] * (len(calls) - len(cycle.rows))
    gave = "; ".join(
        f"{text(call)} gave {_number(v)}{_rows_read(r)}"
        for call, v, r in zip(calls, values, read, strict=False)
    )
    return f"The measure is {text(indicator.measure)}; {gave}; so the value is {value}."


def _rows_read(rows: RowsRead | None) -> str:
    """` (3 of 4 rows matched its condition; 1 duration is negative)`, or nothing to add."""
    if rows is None:
        return ""
    said = []
    if rows.matched != rows.read:
        said.append(f"{rows.matched:,} of {rows.read:,} rows matched its condition")
    if rows.empty:
        of = "them" if rows.matched != rows.read else f"{rows.read:,} rows"
        said.append(f"{rows.empty:,} of {of} had no value and {_were(rows.empty)} left out")
    if rows.negative:
        said.append(
            f"{rows.negative:,} {'duration is' if rows.negative == 1 else 'durations are'}"
            " negative, ending before it starts"
        )
    return f" ({'; '.join(said)})" if said else ""


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _target_sentence(goal: m.Goal, cycle: CycleResult, result: GoalResult) -> str:
    target = f"The target in force is {cycle.target}" if cycle.target else "There is no target"
    if cycle.expected is not None:
        pace = f"{cycle.pace:.6g}" if cycle.pace is not None else "none"
        target += f", expected by the end of this cycle {cycle.expected:.6g} (pace {pace})"
    thresholds = [
        f"{name} {t.text}" for name, t in (("warn", goal.warn), ("critical", goal.critical)) if t
    ]
    said = (
        f"the thresholds are {' and '.join(thresholds)}"
        if thresholds
        else "there are no thresholds"
    )
    return f"{target}; {said}."


def _unit(indicator: m.Indicator) -> str:
    if not indicator.unit:
        return ""
    return indicator.unit if indicator.unit == "%" else f" {indicator.unit}"


def _number(value: object) -> str:
    if value is None:
        return "no value"
    if isinstance(value, float):
        return f"{value:.6g}"
    return f"{value:,}" if isinstance(value, int) else str(value)
