"""Escalation events of goals: which rules fire at which complete cycles (or on the open one,
`so far`), and whom each event notifies with which runbooks. Pure, as the rest of the
engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from ..language import model as m
from ..language.cycles import local_midnight
from .report import (
    SEVERITY,
    CycleResult,
    EscalationEvent,
    GoalResult,
    Recipient,
    RunbookCall,
    Step,
)
from .schedule import zone

_DAY = timedelta(days=1)


def goal_events(
    plan: m.Plan, goal: m.Goal, result: GoalResult, as_of: datetime
) -> Iterator[EscalationEvent]:
    """The events of a goal's rules: at complete cycles, and (`so far` rules) on the open
    cycle as it stands at `as_of`."""
    escalation = plan.get(goal.escalation)
    if not isinstance(escalation, m.Escalation):
        return
    complete = [c for c in result.cycles if c.complete]
    current = [c for c in result.cycles if not c.complete][-1:]
    for rule in escalation.rules:
        if rule.trigger.so_far:
            for cycle in _so_far(rule.trigger, current):
                yield _event(plan, goal, rule, cycle, as_of, so_far=True)
        else:
            for cycle in _firings(rule.trigger, complete):
                fired = local_midnight(cycle.end + _DAY, zone(plan))
                yield _event(plan, goal, rule, cycle, fired)


def _event(
    plan: m.Plan,
    goal: m.Goal,
    rule: m.Rule,
    cycle: CycleResult,
    fired: datetime,
    so_far: bool = False,
) -> EscalationEvent:
    return EscalationEvent(
        subject=goal.id,
        kind="goal",
        rule=rule.text,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        fired_on=fired.astimezone(zone(plan)).date(),
        notify=recipients(plan, goal, rule),
        runbooks=runbooks(plan, rule, fired),
        so_far=so_far,
    )


def _so_far(trigger: m.Trigger, current: list[CycleResult]) -> Iterator[CycleResult]:
    """A `so far` rule fires on the open cycle whose value so far has that severity or worse
    (an `insufficient` sample or no value never does). Its event's key is the cycle's, as a
    complete cycle's would be, so `notify` delivers it once however many runs see it; it
    lasts while the cycle is open."""
    for cycle in current:
        if cycle.status in SEVERITY and _counts(trigger.event, cycle.status):
            yield cycle


def _firings(trigger: m.Trigger, cycles: Sequence[CycleResult]) -> Iterator[CycleResult]:
    """`N times` fires once, when the count reaches N; `N times in a row` fires each time a
    streak reaches N."""
    count = 0
    for cycle in cycles:
        if cycle.status == "excluded" or (
            cycle.status == "insufficient" and trigger.event != "insufficient"
        ):
            continue  # left out, or too few values to judge: a streak runs on across it
        if _counts(trigger.event, cycle.status):
            count += 1
            if count == trigger.count:
                yield cycle
        elif trigger.in_a_row:
            count = 0


def _counts(event: str, status: str) -> bool:
    """A trigger counts cycles of its severity or worse; `no data` and `insufficient` count
    only cycles of that status (and nothing counts an `excluded` one)."""
    if event not in SEVERITY or status not in SEVERITY:
        return event == status
    return SEVERITY[status] >= SEVERITY[event]


def recipients(plan: m.Plan, subject: m.Goal | m.Milestone, rule: m.Rule) -> tuple[Recipient, ...]:
    people: dict[str, Recipient] = {}
    for target in rule.notify:
        for person in _people(plan, subject, target.id):
            people.setdefault(
                person.id, Recipient(person.id, person.title or person.id, person.email)
            )
    return tuple(people.values())


def _people(plan: m.Plan, subject: m.Goal | m.Milestone, target: str) -> Iterator[m.Person]:
    if target == "owner":
        names = [subject.owner]
    elif target == "lead":
        names = [_lead_of(plan, subject.lead)]
    elif target == "team":
        teams = [subject.lead, *(subject.with_ if isinstance(subject, m.Goal) else ())]
        names = [_lead_of(plan, team) for team in teams]
    else:
        found = plan.get(target)
        names = [
            _lead_of(plan, m.Ref(id=target)) if isinstance(found, m.Team) else m.Ref(id=target)
        ]
    for name in names:
        person = plan.get(name)
        if isinstance(person, m.Person):
            yield person


def _lead_of(plan: m.Plan, team: m.Ref | None) -> m.Ref | None:
    found = plan.get(team)
    return found.lead if isinstance(found, m.Team) else None


def runbooks(plan: m.Plan, rule: m.Rule, fired: datetime) -> tuple[RunbookCall, ...]:
    """The runbooks a rule runs, each step with the person told to do it (a team's lead) and
    its deadline: the instant the rule fired plus `within`, in the plan's zone."""
    calls = []
    for ref in rule.run:
        runbook = plan.get(ref)
        if isinstance(runbook, m.Runbook):
            steps = tuple(
                Step(
                    s.text,
                    s.by.id,
                    str(s.within),
                    _recipient(plan, s.by),
                    (fired + s.within.timedelta).astimezone(zone(plan)).strftime("%Y-%m-%d %H:%M"),
                )
                for s in runbook.steps
            )
            calls.append(RunbookCall(runbook.id, runbook.title, steps))
    return tuple(calls)


def _recipient(plan: m.Plan, by: m.Ref) -> Recipient | None:
    """The person a step names, or the lead of the team it names."""
    person = plan.get(_lead_of(plan, by) if isinstance(plan.get(by), m.Team) else by)
    if not isinstance(person, m.Person):
        return None
    return Recipient(person.id, person.title or person.id, person.email)
