"""`goalline explain`: one goal, one cycle, told in plain sentences — which rows counted,
what each aggregate gave, the value, the target and thresholds in force, the rule that
decided the status — followed by the SQL that ran and its parameters."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from ..language import model as m
from ..language.cycles import Range
from ..language.exclusions import describe, windows
from ..language.expressions import aggregate_calls, text
from .fetch import Ran, Rows, before_data, own_query
from .measure_sql import rows_in_range_sql, tables_read
from .report import CycleResult, GoalResult, Report, RowsRead


def rows_counted(
    plan: m.Plan, indicator_id: str, spans: Sequence[tuple[float, float]], store: Rows
) -> dict[str, int]:
    """How many rows of each table the indicator reads fall in the spans of time (a cycle's
    range, or an exclusion's windows in it)."""
    indicator = plan.get(indicator_id)
    assert isinstance(indicator, m.Indicator)
    counts: dict[str, int] = {}
    for table in tables_read(indicator, plan):
        counts[table.name] = 0
        for lo, hi in spans:
            sql, params = rows_in_range_sql(table, lo, hi, store.dialect)
            counts[table.name] += store.fetch(sql, params)[0][0]
    return counts


NO_VALUE = "so the cycle has no value."


@dataclass(frozen=True, slots=True)
class Explanation:
    """`words`: the cycle told in sentences (dates, rows, values, the rule that decided);
    `sql`: the query behind it, for those who want to run it themselves."""

    words: str
    sql: str

    @property
    def text(self) -> str:
        """Both, as `goalline explain` prints them."""
        return self.words + (f"\n{self.sql}" if self.sql else "")


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An exclusion that meets a cycle's range, and the rows of each table in its windows."""

    exclusion: m.Exclusion
    rows: Mapping[str, int]


def explain(
    plan: m.Plan,
    goal: m.Goal,
    result: GoalResult,
    cycle: CycleResult,
    ran: Ran | None,
    bounds: Range | None,
    row_counts: Mapping[str, int],
    left_out: Sequence[LeftOut] = (),
    kept: Mapping[str, int] | None = None,
) -> Explanation:
    """The explanation; `row_counts` maps each table read to its rows in the cycle's range
    (`bounds`, before exclusions), `left_out` the rows each exclusion meeting it leaves out,
    `kept` the rows of each table that are left once they have."""
    indicator = plan.get(goal.indicator)
    assert isinstance(indicator, m.Indicator)
    tz = plan.info.timezone or "UTC"
    state = "complete" if cycle.complete else "not complete yet"
    lines = [
        f"Goal '{goal.id}'{_title(goal.title)} is tracked {result.cycle} on indicator"
        f" '{indicator.id}'{_title(indicator.title)}.",
        f"This is the cycle {cycle.start} .. {cycle.end}, which is {state}.",
    ]
    if bounds is not None:
        lines.append(
            f"Its value comes from the rows whose time falls from {_local(bounds.lo, tz)}"
            f" to {_local(bounds.hi, tz)} ({tz}): {_rows(row_counts, 'none')}."
        )
    if left_out:
        out = {table: n - (kept or {}).get(table, 0) for table, n in row_counts.items()}
        said = "; ".join(
            f"{x.exclusion.id} ({_exclusion(x.exclusion)}) {_rows(x.rows, 'none')}"
            for x in left_out
        )
        lines.append(f"Exclusions leave {_rows(out, 'no rows')} out: {said}.")
    sentence = _measure_sentence(indicator, result, ran, cycle)
    if ran is not None and cycle.index in before_data(ran.ranges, ran.begins):
        begun = (
            "its tables have no rows with a time yet"
            if math.isinf(ran.begins)
            else f"the data it reads begins {_local(ran.begins, tz)} ({tz}), after this cycle ended"
        )
        if sentence.endswith(NO_VALUE):
            sentence = sentence.removesuffix(NO_VALUE) + (
                f"but {begun}: the data had not begun, {NO_VALUE}"
            )
        else:
            sentence += f" The data had not begun: {begun}."
    lines.append(sentence)
    if cycle.sample is not None and indicator.min_sample is not None:
        lines.append(
            f"Its sample is {cycle.sample:,} {'value' if cycle.sample == 1 else 'values'},"
            f" against the indicator's min_sample {indicator.min_sample:,}."
        )
    lines.append(_target_sentence(goal, cycle, result))
    lines.append(f"The status is {cycle.status}: {cycle.reason}.")
    sql = []
    if ran is not None:
        sql += [f"The query that ran ({ran.query.dialect}), once for every cycle of this layout:"]
        sql += ["  " + line for line in ran.query.sql.splitlines()]
        if ran.query.ranges:
            sql.append(f"after loading the cycles into temp.goalline_cycles (idx, lo, hi; {tz}):")
            sql += [
                f"  ({r.index}, {r.lo:.0f}, {r.hi:.0f})  {_local(r.lo, tz)} .. {_local(r.hi, tz)}"
                for r in ran.query.ranges
            ]
        sql.append(f"with the parameters {list(ran.query.params)!r}")
    return Explanation("\n".join(lines) + "\n", "\n".join(sql) + "\n" if sql else "")


def _title(title: str | None) -> str:
    return f' ("{title}")' if title else ""


def _rows(counts: Mapping[str, int], nothing: str = "") -> str:
    said = [f"{n:,} {'row' if n == 1 else 'rows'} of {table}" for table, n in counts.items() if n]
    return ", ".join(said) or nothing


def _exclusion(exclusion: m.Exclusion) -> str:
    """`"Ticket system migration", 2026-03-14 22:00 .. 2026-03-15 06:00: the reason`."""
    title = f'"{exclusion.title}", ' if exclusion.title else ""
    reason = f": {exclusion.reason}" if exclusion.reason else ""
    return f"{title}{describe(exclusion)}{reason}"


def _local(instant: float, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return datetime.fromtimestamp(instant, UTC).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _measure_sentence(
    indicator: m.Indicator, result: GoalResult, ran: Ran | None, cycle: CycleResult
) -> str:
    row = next((r for r in ran.rows if r[0] == cycle.index), None) if ran else None
    values = list(row[1:]) if row else []
    value = "no value" if cycle.value is None else f"{cycle.value:.6g}{_unit(result)}"
    if indicator.measure is None:
        aggregate = indicator.aggregate.id if indicator.aggregate else "mean"
        return (
            f"The indicator is recorded by hand; the {aggregate} of its values in the cycle"
            f" is {value}."
            if cycle.value is not None
            else "The indicator is recorded by hand, and no value was recorded in the cycle."
        )
    if cycle.status == "excluded":
        return (
            f"The measure is {text(indicator.measure)}; every row of the cycle lies in"
            " exclusions, so it has no value."
        )
    calls = list(aggregate_calls(indicator.measure))
    read = list(cycle.rows) + [None] * (len(calls) - len(cycle.rows))
    gave = "; ".join(
        f"{text(call)} gave {_number(v)}{_rows_read(r)}"
        for call, v, r in zip(calls, values, read, strict=False)
    )
    if cycle.value is None:
        return f"The measure is {text(indicator.measure)}; {gave}; {NO_VALUE}"
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


def _unit(result: GoalResult) -> str:
    unit = result.unit_label
    return unit if unit in ("", "%") else f" {unit}"


def _number(value: object) -> str:
    if value is None:
        return "no value"
    if isinstance(value, float):
        return f"{value:.6g}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def explain_cycle(
    plan: m.Plan, report: Report, queries: Sequence[Ran], store: Rows, goal: str, cycle_index: int
) -> Explanation:
    """The plain-sentence explanation of one cycle of one goal of an evaluated outcome (as
    `goalline explain` prints it): it counts the rows of the cycle's range in the store."""
    from .schedule import layout, zone

    result = next(g for g in report.goals if g.id == goal)
    cycle = next(c for c in result.cycles if c.index == cycle_index)
    declared = plan.get(goal)
    assert isinstance(declared, m.Goal)
    laid = layout(plan, declared, report.as_of)
    ran = next(
        (r for r in queries if (r.indicator, r.ranges) == (result.indicator, laid.ranges)),
        None,
    )
    bounds = next((r for r in laid.whole if r.index == cycle.index), None)
    if ran is None or bounds is None:  # nothing was read for it
        return explain(plan, declared, result, cycle, ran, None, {})
    ran = replace(ran, query=own_query(ran, plan, store.dialect))
    counts = rows_counted(plan, result.indicator, [(bounds.lo, bounds.hi)], store)
    left_out = []
    for ident in laid.touched.get(cycle.index, ()):
        exclusion = plan.get(ident)
        assert isinstance(exclusion, m.Exclusion)
        spans = windows(exclusion, zone(plan), bounds.lo, bounds.hi)
        left_out.append(LeftOut(exclusion, rows_counted(plan, result.indicator, spans, store)))
    pieces = [(r.lo, r.hi) for r in laid.ranges if r.index == cycle.index]
    kept = rows_counted(plan, result.indicator, pieces, store) if left_out else None
    return explain(plan, declared, result, cycle, ran, bounds, counts, left_out, kept)
