"""Milestones: their status on the evaluation day, and the escalation events of their
`in buffer` and `overdue` rules. Pure, as the rest of the engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, timedelta

from ..language import model as m
from ..language.cycles import local_midnight
from .escalations import recipients, runbooks
from .report import EscalationEvent, MilestoneResult
from .schedule import zone

_DAY = timedelta(days=1)


def milestone(ms: m.Milestone, completions: Mapping[str, date], today: date) -> MilestoneResult:
    assert ms.due and ms.owner
    done = completions.get(ms.id)
    done_on = done if done is not None and done <= today else None
    return MilestoneResult(
        id=ms.id,
        title=ms.title,
        due=ms.due,
        buffer_days=buffer_days(ms),
        done_on=done_on,
        status=milestone_status(ms, done_on, today),
        owner=ms.owner.id,
    )


def buffer_days(ms: m.Milestone) -> int:
    return ms.buffer.minutes // (24 * 60) if ms.buffer else 0


def milestone_status(ms: m.Milestone, done_on: date | None, today: date) -> str:
    assert ms.due
    if done_on is not None:
        return "done" if done_on <= ms.due else "late"
    if today <= ms.due:
        return "open"
    if today <= ms.due + timedelta(days=buffer_days(ms)):
        return "in_buffer"
    return "overdue"


def milestone_events(
    plan: m.Plan, ms: m.Milestone, completions: Mapping[str, date], today: date
) -> Iterator[EscalationEvent]:
    escalation = plan.get(ms.escalation)
    if not isinstance(escalation, m.Escalation) or ms.due is None:
        return
    done = completions.get(ms.id)
    first_days = {
        "in_buffer": ms.due + _DAY if buffer_days(ms) else None,
        "overdue": ms.due + timedelta(days=buffer_days(ms) + 1),
    }
    for rule in escalation.rules:
        day = first_days.get(rule.trigger.event)
        # The rule fires if the milestone had that status on its first day; a completion
        # recorded later does not undo it.
        if day is not None and day <= today and (done is None or done > day):
            yield EscalationEvent(
                subject=ms.id,
                kind="milestone",
                rule=rule.text,
                cycle_start=None,
                cycle_end=None,
                fired_on=day,
                notify=recipients(plan, ms, rule),
                runbooks=runbooks(plan, rule, local_midnight(day, zone(plan))),
            )
