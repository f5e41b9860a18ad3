"""The facts `check --db` judges a plan's data by (`language.checks.data`): for each table a
plan reads, one scan counting the empty values of the columns its measures read and the
negative durations; and per goal, the cycles of the period that end before its data begins.
`check_against` is `check --db` whole: the plan's checks, its names against the store's
tables, its targets against the history, and these facts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from ..language import model as m
from ..language.checks.data import DataFacts, Filled
from ..language.cycles import cycle_spans, local_date
from ..language.expressions import aggregates_by_source, durations, walk
from ..store.dialect import column
from .aggregate_sql import Table, source_table
from .fetch import Rows, data_begins
from .measure_sql import files_read, table_read
from .schedule import zone

if TYPE_CHECKING:
    from ..language.checking import Checked
    from ..store.database import Store


def data_facts(plan: m.Plan, store: Rows) -> DataFacts:
    columns: dict[str, tuple[Table, set[str], set[tuple[str, str]]]] = {}
    for indicator in plan.indicators:
        for call, source in aggregates_by_source(plan, indicator):
            if source.time is None:
                continue
            where, read, pairs = columns.setdefault(
                source.table_name, (table_read(source, plan), set(), set())
            )
            read.update(n.column for n in walk(call.args[0]) if isinstance(n, m.Column))
            for duration in durations(call.args[0]):
                a, b = (arg.column for arg in duration.args if isinstance(arg, m.Column))
                pairs.add((a, b))
    filled: dict[tuple[str, str], Filled] = {}
    negative: dict[tuple[str, str, str], tuple[int, int]] = {}
    for table, (where, read, pairs) in columns.items():
        names, found = sorted(read), _scan(store, where, sorted(read), sorted(pairs))
        rows = int(found[0])
        for n, name in enumerate(names, start=1):
            filled[table, name] = Filled(rows - int(found[n]), rows)
        for n, (first, second) in enumerate(sorted(pairs)):
            both, below = found[1 + len(names) + 2 * n : 3 + len(names) + 2 * n]
            negative[table, first, second] = (int(below), int(both))
    return DataFacts(filled, negative, _before(plan, store))


def _scan(
    store: Rows, table: Table, read: list[str], pairs: list[tuple[str, str]]
) -> tuple[Any, ...]:
    """One pass over the rows with a time: their count, each column's values, and for each
    pair the rows with both times and those where the second comes first."""
    star = exp.Count(this=exp.Star())
    counts: list[exp.Expr] = [star, *(exp.Count(this=column(c)) for c in read)]
    for first, second in pairs:
        a, b = column(first), column(second)
        known = [exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null())) for x in (a, b)]
        counts.append(exp.Filter(this=star.copy(), expression=exp.Where(this=exp.and_(*known))))
        below = exp.Where(this=exp.LT(this=b, expression=a))
        counts.append(exp.Filter(this=star.copy(), expression=below))
    timed = exp.Not(this=exp.Is(this=column(table.time), expression=exp.Null()))
    query = exp.select(*counts).from_(source_table(table, store.dialect)).where(timed)
    sql = query.sql(dialect=store.dialect.name, normalize_functions="lower")
    return tuple(store.fetch(sql)[0])


def _before(plan: m.Plan, store: Rows) -> dict[str, tuple[date, int]]:
    """Goals with at least one cycle of the period ending at or before their data begins."""
    info = plan.info
    assert info.period_start and info.period_end
    tz, known = zone(plan), dict[str, float]()
    found: dict[str, tuple[date, int]] = {}
    for goal in plan.goals:
        indicator = plan.get(goal.indicator)
        if not isinstance(indicator, m.Indicator) or indicator.measure is None or not goal.cycle:
            continue
        begins = data_begins(indicator, plan, store, known)
        if begins == float("inf"):
            continue  # no rows at all: nothing to move the period to
        spans = cycle_spans(goal.cycle, info.period_start, info.period_end, tz)
        ended = sum(1 for s in spans if s.ends_at.timestamp() <= begins)
        if ended:
            found[goal.id] = (local_date(datetime.fromtimestamp(begins, UTC), tz), ended)
    return found


def check_against(path: str, store: Store, now: datetime, text: str | None = None) -> Checked:
    """`check --db`: the plan's checks, then its names against the store's tables, then the
    achievability of its targets against the history in the store (W404) and what its data
    says (W407-W409)."""
    from ..language.checking import check_plan, sorted_diagnostics
    from ..language.checks import achievable, data, schema
    from .history import history

    checked = check_plan(path, text)
    if checked.plan is None:
        return checked
    problems = list(schema.check(checked.plan, store.schema(files_read(checked.plan))))
    if not any(d.is_error for d in problems):
        past = history(checked.plan, store, store.dialect, now)
        problems += achievable.check(checked.plan, {g: h.values for g, h in past.items()})
        problems += achievable.samples(checked.plan, {g: h.samples for g, h in past.items()})
        problems += data.check(checked.plan, data_facts(checked.plan, store))
    diagnostics = sorted_diagnostics([*checked.diagnostics, *problems])
    plan = None if any(d.is_error for d in diagnostics) else checked.plan
    return replace(checked, plan=plan, diagnostics=diagnostics)
