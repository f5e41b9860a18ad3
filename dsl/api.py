"""The façade: `compile(plan) -> Program` checks a plan once and holds what evaluation needs;
`Program.run(store, as_of) -> Outcome` evaluates it, as often as the data changes.

The CLI, the review session and the tests all come through here, and the review session
imports nothing else from `dsl`: the names it needs are re-exported below. Nothing here
prints, and nothing here reads the clock.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from importlib.metadata import version
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .errors import GoallineError
from .language import model as m
from .language.checking import (
    Checked,
    Formatted,
    check_plan,
    check_text,
    format_plan,
    sorted_diagnostics,
)
from .language.cycles import parse_as_of
from .language.diagnostics import Diagnostic

if TYPE_CHECKING:  # the review session's names, imported on first use (see __getattr__)
    from .engine.backtest import Comparison as Comparison
    from .engine.backtest import compare as compare
    from .engine.backtest import summarise as summarise
    from .engine.evaluate import target_in_force as target_in_force
    from .engine.explain import Explanation as Explanation
    from .engine.fetch import Ran
    from .engine.health import check_against as check_against
    from .engine.report import ATTENTION as ATTENTION
    from .engine.report import CycleResult as CycleResult
    from .engine.report import EscalationEvent as EscalationEvent
    from .engine.report import ExclusionNote as ExclusionNote
    from .engine.report import GoalResult as GoalResult
    from .engine.report import MilestoneResult as MilestoneResult
    from .engine.report import Report as Report
    from .engine.suggest import MIN_CYCLES as MIN_CYCLES
    from .engine.suggest import ProposalCheck as ProposalCheck
    from .engine.suggest import Suggestion as Suggestion
    from .engine.suggest import Suggestions as Suggestions
    from .engine.suggest import check_proposal as check_proposal
    from .engine.suggest import format_value as format_value
    from .engine.suggest import proposal_parts as proposal_parts
    from .engine.suggest import suggest_target as suggest_target
    from .engine.suggest import suggestions as suggestions
    from .language.diagnostics import render as render
    from .language.expressions import text as measure_text
    from .output.formats import latest_text as latest_text
    from .output.formats import short_target as short_target
    from .output.formats import value_text as value_text
    from .output.minutes_files import MinutesError as MinutesError
    from .output.minutes_files import export_minutes as export_minutes
    from .output.next_round_files import Prepared as Prepared
    from .output.next_round_files import next_name as next_name
    from .output.next_round_files import prepare as prepare_next_round
    from .output.next_round_files import write as write_next_round
    from .store.changes import Stamps as Stamps
    from .store.changes import stamps as stamps
    from .store.database import Store as Store
    from .store.database import StoreError as StoreError
    from .store.records import Acknowledgement as Acknowledgement
    from .store.records import Action as Action
    from .store.records import ReviewRecord as ReviewRecord
    from .store.records import ReviewSession as ReviewSession

# What the review session uses besides the façade, by the module that defines it. Imported
# on first use (PEP 562), so that `goalline check` does not pay for the store and the engine.
_SURFACE = {
    "engine.evaluate": ("target_in_force",),
    "engine.backtest": ("Comparison", "compare", "summarise"),
    "engine.explain": ("Explanation",),
    "engine.health": ("check_against",),
    "engine.report": (
        "ATTENTION",
        "CycleResult",
        "EscalationEvent",
        "ExclusionNote",
        "GoalResult",
        "MilestoneResult",
        "Report",
    ),
    "engine.suggest": (
        "MIN_CYCLES",
        "ProposalCheck",
        "Suggestion",
        "Suggestions",
        "check_proposal",
        "format_value",
        "proposal_parts",
        "suggest_target",
        "suggestions",
    ),
    "language.diagnostics": ("render",),
    "language.expressions": ("measure_text",),
    "output.formats": ("latest_text", "short_target", "value_text"),
    "output.minutes_files": ("MinutesError", "export_minutes"),
    "output.next_round_files": ("Prepared", "next_name", "prepare_next_round", "write_next_round"),
    "store.changes": ("Stamps", "stamps"),
    "store.database": ("Store", "StoreError"),
    "store.records": ("Acknowledgement", "Action", "ReviewRecord", "ReviewSession"),
}
_RENAMED = {
    "measure_text": "text",
    "prepare_next_round": "prepare",
    "write_next_round": "write",
}
_WHERE = {name: module for module, names in _SURFACE.items() for name in names}

__all__ = [
    "ATTENTION",
    "MIN_CYCLES",
    "Acknowledgement",
    "Action",
    "Checked",
    "Comparison",
    "CycleResult",
    "EscalationEvent",
    "ExclusionNote",
    "Explanation",
    "Formatted",
    "GoalResult",
    "GoallineError",
    "MilestoneResult",
    "MinutesError",
    "Outcome",
    "Prepared",
    "Program",
    "ProposalCheck",
    "Report",
    "ReviewRecord",
    "ReviewSession",
    "Stamps",
    "Store",
    "StoreError",
    "Suggestion",
    "Suggestions",
    "check_against",
    "check_plan",
    "check_proposal",
    "check_text",
    "compare",
    "compile",
    "explanation",
    "export_minutes",
    "format_plan",
    "format_value",
    "latest_text",
    "m",
    "measure_text",
    "next_name",
    "parse_as_of",
    "prepare_next_round",
    "proposal_parts",
    "render",
    "run",
    "short_target",
    "stamps",
    "suggest_target",
    "suggestions",
    "summarise",
    "target_in_force",
    "value_text",
    "write_next_round",
]


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__package__}.{_WHERE[name]}")
    return getattr(module, _RENAMED.get(name, name))


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


@dataclass(frozen=True)
class Program:
    """A plan compiled once: checked, with its time zone. `run` it
    against a store whenever the data changes; compile again only when the plan does."""

    path: str
    checked: Checked

    @property
    def plan(self) -> m.Plan | None:
        """The checked plan, or None when it has errors (see `checked.diagnostics`)."""
        return self.checked.plan

    @property
    def files(self) -> tuple[str, ...]:
        """The plan's files (its own and its includes'), to watch for changes."""
        plan = self.checked.plan
        return (plan.files if plan else ()) or tuple(self.checked.sources) or (self.path,)

    @property
    def zone(self) -> ZoneInfo:
        """The plan's time zone (UTC when it names none, or does not check)."""
        plan = self.checked.plan
        return ZoneInfo(plan.info.timezone if plan and plan.info.timezone else "UTC")

    def moment(self, text: str) -> datetime:
        """An --as-of: a date is local midnight in the plan's zone. Raises ValueError."""
        return parse_as_of(text, self.zone)

    def over(self, start: date, end: date) -> Program:
        """The same plan with its period moved to `start .. end` (a backtest): its cycles
        re-anchored there, in its zone; the measures need no compiling again."""
        plan = self.checked.plan
        assert plan is not None
        info = replace(plan.info, period_start=start, period_end=end)
        return replace(self, checked=replace(self.checked, plan=replace(plan, info=info)))

    def proposing(self, goal: str, target: str) -> Program:
        """The same plan with `goal` judged against a proposed `target` (`>= 92`) all through
        its period, its warn line moved with it. Raises ValueError if it is not a target."""
        from .engine.backtest import with_proposal
        from .engine.suggest import proposal_parts

        parts, plan = proposal_parts(target), self.checked.plan
        if parts is None or plan is None:
            raise ValueError(f"'{target}' is not a target: write it as >= 92 or <= 4")
        revised = with_proposal(plan, goal, *parts)
        return replace(self, checked=replace(self.checked, plan=revised))

    def run(
        self, store: Store, as_of: datetime, *, goals: Sequence[str] = (), rows: bool = False
    ) -> Outcome:
        """Check the plan against the store's schema, and evaluate it at `as_of` (only
        `goals`, when given); with `rows`, each cycle also says what each aggregate read (the
        JSON report's `rows`, `explain`), which costs about a quarter more time."""
        return self.judge([self.fetch(store, as_of, goals=goals, rows=rows)])

    def fetch(
        self,
        store: Store,
        as_of: datetime,
        *,
        goals: Sequence[str] = (),
        rows: bool = False,
        share: tuple[int, int] = (0, 1),
    ) -> Fetched:
        """What `run` reads from the store: all of it, or with `share` (k, n) the k-th of n
        shares of the goals' cycle layouts, so that n processes can read a large store side
        by side and `judge` what they read together (the review session's first
        evaluation). Picklable."""
        from .engine.fetch import fetch_breakdowns, fetch_values
        from .engine.measure_sql import files_read
        from .engine.schedule import layouts as layouts_of
        from .language.checks import schema

        plan = self.checked.plan
        if plan is None:
            return Fetched(as_of, self.checked.diagnostics)
        problems = tuple(schema.check(plan, store.schema(files_read(plan))))
        diagnostics = tuple(sorted_diagnostics([*self.checked.diagnostics, *problems]))
        if any(d.is_error for d in problems):
            return Fetched(as_of, diagnostics)
        dialect = store.dialect
        chosen = [g for g in plan.goals if not goals or g.id in goals]
        layouts = layouts_of(plan, chosen, as_of)
        order = {
            ranges: n
            for n, ranges in enumerate(dict.fromkeys(layouts[g.id].ranges for g in chosen))
        }
        mine = [g for g in chosen if order[layouts[g.id].ranges] % share[1] == share[0]]
        values, samples, ran = fetch_values(plan, mine, layouts, store, dialect, rows)
        breakdowns = fetch_breakdowns(plan, mine, layouts, store, dialect)
        completions = {n: c.on for n, c in store.completions().items()} if share[0] == 0 else {}
        return Fetched(
            as_of,
            diagnostics,
            tuple(goals),
            values,
            samples,
            breakdowns,
            tuple(ran),
            completions,
            True,
        )

    def judge(self, shares: Sequence[Fetched]) -> Outcome:
        """The outcome of the `fetch`es of every share of one evaluation (pure: no store)."""
        from .engine.evaluate import evaluate
        from .engine.fetch import with_rows_read
        from .engine.schedule import layouts as layouts_of

        first, plan = shares[0], self.checked.plan
        if not first.complete or plan is None:
            return Outcome(self.checked, first.diagnostics)
        chosen = [g for g in plan.goals if not first.goals or g.id in first.goals]
        layouts = layouts_of(plan, chosen, first.as_of)
        ran = [r for part in shares for r in part.ran]
        report = evaluate(
            plan,
            chosen,
            plan.milestones,
            layouts,
            {k: v for part in shares for k, v in part.values.items()},
            {k: v for part in shares for k, v in part.completions.items()},
            first.as_of,
            file=self.path,
            version=version("goalline"),
            breakdowns={k: v for part in shares for k, v in part.breakdowns.items()},
            samples={k: v for part in shares for k, v in part.samples.items()},
        )
        report = with_rows_read(report, plan, layouts, ran)
        return Outcome(self.checked, first.diagnostics, report, tuple(ran))


@dataclass(frozen=True)
class Fetched:
    """One share of an evaluation as read from the store (`Program.fetch`); `complete` is
    False when the plan or the store's schema stopped it (see `diagnostics`)."""

    as_of: datetime
    diagnostics: tuple[Diagnostic, ...]
    goals: tuple[str, ...] = ()  # as chosen: none is every goal
    values: Mapping[str, Mapping[int, float | None]] = field(default_factory=dict)
    samples: Mapping[str, Mapping[int, int | None]] = field(default_factory=dict)
    breakdowns: Mapping[str, Mapping[int, Mapping[str, float | None]]] = field(default_factory=dict)
    ran: tuple[Ran, ...] = ()
    completions: Mapping[str, date] = field(default_factory=dict)
    complete: bool = False


def compile(path: str, text: str | None = None) -> Program:
    """Read, parse and check the plan at `path` (or `text`, named `path`) with its includes,
    and compile its measures; a plan with errors compiles to a Program that evaluates to its
    diagnostics."""
    checked = check_plan(path, text)
    return Program(path, checked)


def run(
    path: str,
    store: Store,
    as_of: datetime,
    *,
    text: str | None = None,
    goals: Sequence[str] = (),
    rows: bool = False,
) -> Outcome:
    """Compile and run in one call, for a plan evaluated once."""
    return compile(path, text).run(store, as_of, goals=goals, rows=rows)


def explanation(outcome: Outcome, store: Store, goal: str, cycle_index: int) -> Explanation:
    """The plain-sentence explanation of one cycle of one goal of an evaluated outcome (as
    `goalline explain` prints it): it counts the rows of the cycle's range in the store."""
    from .engine.explain import explain_cycle

    report, plan = outcome.report, outcome.checked.plan
    assert report is not None and plan is not None
    return explain_cycle(plan, report, outcome.queries, store, goal, cycle_index)
