"""The façade: one call from a plan's path (or text) to a checked plan and its diagnostics.

The CLI, the review session and the tests all come through here; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from typing import TYPE_CHECKING

from .language.assemble import assemble
from .language.checks import run_checks
from .language.diagnostics import Diagnostic, error, sort_key
from .language.formatter import format_text
from .language.grammar import paused_gc
from .language.load import STDIN, load
from .language.model import Plan
from .language.parse import parse_text
from .language.source import Span, position_of

if TYPE_CHECKING:
    from .engine.fetch import Ran
    from .engine.report import Report
    from .store.database import Store


@dataclass(frozen=True)
class Checked:
    """A plan and what the checker said. `plan` is None when there is any error."""

    plan: Plan | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        return self.plan is not None


def check_plan(path: str, text: str | None = None) -> Checked:
    """Read, parse and check the plan at `path` (or `text`, named `path`) with its includes."""
    with paused_gc():  # checking makes no reference cycles either (see paused_gc)
        return _check(path, text)


def _check(path: str, text: str | None) -> Checked:
    loaded = load(path, text)
    problems = [*loaded.problems, *(p for f in loaded.files for p in f.problems)]
    if loaded.problems or any(f.has_syntax_errors for f in loaded.files):
        return Checked(None, _sorted(problems), loaded.sources)
    plan, structure = assemble(loaded, path)
    try:
        found = run_checks(plan)
    except RecursionError:
        found = [_too_deep(loaded.sources, path)]
    diagnostics = _sorted([*problems, *structure, *found])
    has_errors = any(d.is_error for d in diagnostics)
    return Checked(None if has_errors else plan, diagnostics, loaded.sources)


def check_text(text: str, name: str = STDIN) -> Checked:
    return check_plan(name, text)


def _sorted(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(dict.fromkeys(diagnostics), key=sort_key))


def _too_deep(sources: Mapping[str, str], root: str) -> Diagnostic:
    """Point at the deepest parenthesis of the deepest-nested file."""
    best = (0, root, 0)
    for name, text in sources.items():
        depth = deepest = at = 0
        for index, char in enumerate(text):
            depth += (char == "(") - (char == ")")
            if depth > deepest:
                deepest, at = depth, index
        best = max(best, (deepest, name, at))
    _, name, at = best
    line, column = position_of(sources.get(name, ""), at)
    return error(
        "E101", "this expression is nested too deeply to be read", Span(name, line, column)
    )


@dataclass(frozen=True)
class Formatted:
    """The canonical text of one file, or why it could not be formatted."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str]


def format_plan(text: str, name: str = STDIN) -> Formatted:
    """Format one file (its includes are formatted on their own). Only syntax matters here:
    a plan that parses but does not check can still be formatted."""
    before = parse_text(text, name)
    if before.has_syntax_errors:
        return Formatted(None, _sorted(list(before.problems)), {name: text})
    try:
        formatted = format_text(text)
        after = parse_text(formatted, name)
        changed = after.items != before.items or after.has_syntax_errors
    except RecursionError:
        return Formatted(None, (_too_deep({name: text}, name),), {name: text})
    if changed:
        # A formatter bug must never cost a user their plan: refuse rather than write.
        message = "the formatter would change what this plan means; the file is left as it is"
        return Formatted(None, (error("E900", message, Span(name, 0, 0)),), {name: text})
    return Formatted(formatted, (), {name: text})


def check_against(path: str, store: Store, now: datetime, text: str | None = None) -> Checked:
    """`check --db`: the plan's checks, then its names against the store's tables, then the
    achievability of its targets against the history in the store (W404)."""
    from .engine.history import history
    from .language.checks import achievable, schema
    from .store.dialect import SQLite

    checked = check_plan(path, text)
    if checked.plan is None:
        return checked
    problems = list(schema.check(checked.plan, store.schema()))
    if not any(d.is_error for d in problems):
        dialect = SQLite()
        store.prepare_for(dialect)
        problems += achievable.check(checked.plan, history(checked.plan, store, dialect, now))
    diagnostics = _sorted([*checked.diagnostics, *problems])
    plan = None if any(d.is_error for d in diagnostics) else checked.plan
    return Checked(plan, diagnostics, checked.sources)


@dataclass(frozen=True)
class Outcome:
    """A plan, evaluated against a store: the report, or the diagnostics that prevented it."""

    checked: Checked
    diagnostics: tuple[Diagnostic, ...]
    report: Report | None = None
    queries: tuple[Ran, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


def run(
    path: str,
    store: Store,
    as_of: datetime,
    *,
    text: str | None = None,
    goals: Sequence[str] = (),
    checked: Checked | None = None,
) -> Outcome:
    """Check the plan (unless `checked` is the plan at `path` checked already), check it
    against the store's schema, and evaluate it at `as_of`."""
    from .engine.evaluate import evaluate
    from .engine.fetch import fetch_breakdowns, fetch_values
    from .engine.schedule import layout
    from .language.checks import schema
    from .store.dialect import SQLite

    checked = checked or check_plan(path, text)
    if checked.plan is None:
        return Outcome(checked, checked.diagnostics)
    plan = checked.plan
    problems = tuple(schema.check(plan, store.schema()))
    diagnostics = _sorted([*checked.diagnostics, *problems])
    if any(d.is_error for d in problems):
        return Outcome(checked, diagnostics)
    dialect = SQLite()
    store.prepare_for(dialect)
    chosen = [g for g in plan.goals if not goals or g.id in goals]
    layouts = {g.id: layout(plan, g, as_of) for g in chosen}
    values, ran = fetch_values(plan, chosen, layouts, store, dialect)
    breakdowns = fetch_breakdowns(plan, chosen, layouts, store, dialect)
    completions = {name: c.on for name, c in store.completions().items()}
    report = evaluate(
        plan,
        chosen,
        plan.milestones,
        layouts,
        values,
        completions,
        as_of,
        file=path,
        version=version("goalline"),
        breakdowns=breakdowns,
    )
    return Outcome(checked, diagnostics, report, tuple(ran))


def explanation(outcome: Outcome, store: Store, goal: str, cycle_index: int) -> str:
    """The plain-sentence explanation of one cycle of one goal of an evaluated outcome (as
    `goalline explain` prints it): it counts the rows of the cycle's range in the store."""
    from .engine.explain import explain as explain_text
    from .language import model as m
    from .store.dialect import quote

    report, plan = outcome.report, outcome.checked.plan
    assert report is not None and plan is not None
    result = next(g for g in report.goals if g.id == goal)
    cycle = next(c for c in result.cycles if c.index == cycle_index)
    declared = plan.get(goal)
    assert isinstance(declared, m.Goal)
    ran = next((r for r in outcome.queries if r.indicator == result.indicator), None)
    counts: dict[str, int] = {}
    bounds = next((r for r in ran.ranges if r.index == cycle.index), None) if ran else None
    if bounds is not None:
        for table, time, extra, params in _tables_read(plan, result.indicator):
            sql = (
                f"SELECT count(*) FROM {quote(table)} AS t WHERE t.{quote(time)} >= ?"
                f" AND t.{quote(time)} < ?{extra}"
            )
            counts[table] = store.fetch(sql, (bounds.lo, bounds.hi, *params))[0][0]
    return explain_text(plan, declared, result, cycle, ran, counts)


def _tables_read(plan: Plan, indicator_id: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(table, time column, extra condition, its parameters) for each table a measure reads."""
    from .engine.measure_sql import RECORDED_TABLE, RECORDED_TIME
    from .language import model as m
    from .language.expressions import aggregate_calls, source_of

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
