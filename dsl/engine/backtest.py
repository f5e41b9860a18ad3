"""A backtest: what a plan would have said over another period, summed up per goal (its
statuses, its attainment, the rules that would have fired and when) and per person (how
often each would have been notified: the alert load the plan puts on them). Pure: it reads
the report of the plan re-anchored on that period, and says where history cannot answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..language import model as m
from .report import GoalResult, Report

STATUSES = ("met", "warning", "breached", "critical", "no_data", "insufficient", "excluded")


@dataclass(frozen=True, slots=True)
class GoalBacktest:
    goal: GoalResult
    counts: Mapping[str, int]  # complete cycles by status
    firings: tuple[tuple[str, tuple[date, ...]], ...]  # (rule, days it fired), in rule order

    @property
    def fired(self) -> int:
        return sum(len(days) for _, days in self.firings)


@dataclass(frozen=True, slots=True)
class Backtest:
    report: Report
    goals: tuple[GoalBacktest, ...]
    notified: tuple[tuple[str, int], ...]  # (person, notifications), most first
    notes: tuple[str, ...]  # where history cannot answer

    @property
    def most_notified(self) -> int:
        return max((n for _, n in self.notified), default=0)


def summarise(plan: m.Plan, report: Report, recorded_from: Mapping[str, date]) -> Backtest:
    """`recorded_from`: the day each indicator recorded by hand has its first value."""
    goals = []
    for goal in report.goals:
        counts = Counter(c.status for c in goal.cycles if c.complete)
        events = [e for e in report.escalations if e.subject == goal.id]
        rules: dict[str, list[date]] = {}
        for event in events:
            rules.setdefault(event.rule, []).append(event.fired_on)
        firings = tuple((rule, tuple(days)) for rule, days in rules.items())
        goals.append(GoalBacktest(goal, {s: counts[s] for s in STATUSES if counts[s]}, firings))
    people: Counter[str] = Counter()
    for event in report.escalations:
        if event.kind == "goal":
            people.update(p.name for p in event.notify)
    return Backtest(
        report, tuple(goals), tuple(people.most_common()), _notes(plan, report, recorded_from)
    )


def _notes(plan: m.Plan, report: Report, recorded_from: Mapping[str, date]) -> tuple[str, ...]:
    notes = []
    if report.milestones:
        notes.append(
            "milestones are left out: they have no past, only the completions recorded for"
            " this plan's dates"
        )
    for indicator in plan.indicators:
        if indicator.measure is not None:
            continue
        first = recorded_from.get(indicator.id)
        before = [
            c
            for g in report.goals
            if g.indicator == indicator.id
            for c in g.cycles
            if c.complete and (first is None or c.end < first)
        ]
        if first is None and before:
            notes.append(f"indicator {indicator.id} is recorded by hand and has no value yet")
        elif before:
            notes.append(
                f"indicator {indicator.id} is recorded by hand, first on {first}: the"
                f" {len(before)} cycle{'s' if len(before) != 1 else ''} before have no value,"
                " which says nothing of how they went"
            )
    return tuple(notes)


@dataclass(frozen=True, slots=True)
class GoalDifference:
    id: str
    a: GoalBacktest | None  # None: the goal is only in the other plan
    b: GoalBacktest | None
    # complete cycles both plans have whose status differs: (start, under A, under B)
    otherwise: tuple[tuple[date, str, str], ...]

    @property
    def judged_otherwise(self) -> int:
        return len(self.otherwise)

    @property
    def attainment_change(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        if self.a.goal.attainment is None or self.b.goal.attainment is None:
            return None
        return self.b.goal.attainment - self.a.goal.attainment


@dataclass(frozen=True, slots=True)
class Comparison:
    """Two plans backtested over the same period: per goal (matched by id) and per person
    (matched by name), plan A beside plan B."""

    a: Backtest
    b: Backtest
    goals: tuple[GoalDifference, ...]  # A's goals in order, then those only in B
    notified: tuple[tuple[str, int, int], ...]  # (person, under A, under B), most first


def compare(a: Backtest, b: Backtest) -> Comparison:
    in_a = {g.goal.id: g for g in a.goals}
    in_b = {g.goal.id: g for g in b.goals}
    ids = [*in_a, *(i for i in in_b if i not in in_a)]
    goals = tuple(
        GoalDifference(i, in_a.get(i), in_b.get(i), _judged_otherwise(in_a.get(i), in_b.get(i)))
        for i in ids
    )
    under_a, under_b = dict(a.notified), dict(b.notified)
    people = sorted(
        {*under_a, *under_b},
        key=lambda p: (-max(under_a.get(p, 0), under_b.get(p, 0)), p),
    )
    notified = tuple((p, under_a.get(p, 0), under_b.get(p, 0)) for p in people)
    return Comparison(a, b, goals, notified)


def _judged_otherwise(
    a: GoalBacktest | None, b: GoalBacktest | None
) -> tuple[tuple[date, str, str], ...]:
    if a is None or b is None:
        return ()
    before = {c.start: c.status for c in a.goal.cycles if c.complete}
    return tuple(
        (c.start, before[c.start], c.status)
        for c in b.goal.cycles
        if c.complete and before.get(c.start, c.status) != c.status
    )


# ---------------------------------------------------------------- a proposed target


def final_target(goal: m.Goal, end: date) -> m.Target | None:
    """The target in force at the end of a round ending on `end` (the latest `from` by then):
    the one a proposal replaces, and the one the next round starts from."""
    standing = [t for t in goal.targets if t.start is None or t.start <= end]
    return max(standing or goal.targets, key=lambda t: t.start or date.min, default=None)


def warn_after(goal: m.Goal, replaced: m.Target | None, number: str) -> m.Threshold | None:
    """The goal's warn line moved by the distance from the `replaced` target to a proposed
    `number`, so that the margin between them stays; None when there is nothing to move (no
    warn line, a pace one, a range target, no distance)."""
    warn = goal.warn
    if warn is None or warn.pace or replaced is None or replaced.value is None:
        return None
    distance = Decimal(number) - Decimal(replaced.value.text.replace("_", ""))
    if not distance:
        return None
    moved = Decimal(warn.value.text.replace("_", "")) + distance
    return replace(warn, value=m.Number(str(moved)))


def with_proposal(plan: m.Plan, goal_id: str, cmp: str, number: str) -> m.Plan:
    """The plan with goal `goal_id` judged against the proposed target `cmp number` all
    through its period (a progress target keeps its date), its warn line moved with it."""
    goal = plan.get(goal_id)
    assert isinstance(goal, m.Goal) and plan.info.period_end is not None
    replaced = final_target(goal, plan.info.period_end)
    by = replaced.by if replaced else None
    target = m.Target(cmp=cmp, value=m.Number(number), by=by)
    warn = warn_after(goal, replaced, number) or goal.warn
    revised = replace(goal, targets=(target,), warn=warn)
    declarations = tuple(revised if d is goal else d for d in plan.declarations)
    by_id = {**plan.by_id, goal_id: revised}
    return replace(plan, declarations=declarations, by_id=by_id)
