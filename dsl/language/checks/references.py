"""References (E204 unknown, E205 wrong kind): every identifier a declaration names must be
declared, and be of the kind that place needs. Unknown names get a "did you mean"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .. import model as m
from ..diagnostics import Diagnostic, error, suggestion
from ..expressions import calendars_of


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    info = plan.info
    yield from expect(plan, info.owner, ("person",), "the owner of the plan")
    for d in plan.declarations:
        what = f"{d.keyword} '{d.id}'"
        match d:
            case m.Team():
                yield from expect(plan, d.lead, ("person",), f"the lead of {what}")
                for member in d.members:
                    yield from expect(plan, member, ("person",), f"a member of {what}")
            case m.Objective():
                yield from expect(plan, d.owner, ("person",), f"the owner of {what}")
            case m.Indicator():
                yield from expect(plan, d.owner, ("person",), f"the owner of {what}")
                for calendar in calendars_of(d.measure) if d.measure else ():
                    yield from expect(
                        plan, calendar, ("calendar",), "the hours business time counts"
                    )
            case m.Goal():
                yield from expect(plan, d.indicator, ("indicator",), f"the indicator of {what}")
                yield from _responsibility(plan, d, what)
                for team in d.with_:
                    yield from expect(plan, team, ("team",), f"a 'with' team of {what}")
            case m.Exclusion():
                for goal in d.goals:
                    yield from expect(plan, goal, ("goal",), f"what {what} applies to")
            case m.Milestone():
                yield from _responsibility(plan, d, what)
                for before in d.after:
                    yield from expect(plan, before, ("milestone",), f"what {what} comes after")
            case m.Runbook():
                for step in d.steps:
                    yield from expect(
                        plan, step.by, ("person", "team"), f"who does a step of {what}"
                    )
            case m.Escalation():
                for rule in d.rules:
                    yield from _rule(plan, rule, what)


def _responsibility(plan: m.Plan, d: m.Goal | m.Milestone, what: str) -> Iterator[Diagnostic]:
    yield from expect(plan, d.owner, ("person",), f"the owner of {what}")
    yield from expect(plan, d.lead, ("team",), f"the lead team of {what}")
    yield from expect(plan, d.serves, ("objective",), f"what {what} serves")
    yield from expect(plan, d.escalation, ("escalation",), f"the escalation of {what}")


def _rule(plan: m.Plan, rule: m.Rule, what: str) -> Iterator[Diagnostic]:
    for target in rule.notify:
        if target.id not in m.ROLES:
            yield from expect(
                plan, target, ("person", "team"), f"who {what} notifies", extra=m.ROLES
            )
    for runbook in rule.run:
        yield from expect(plan, runbook, ("runbook",), f"what {what} runs")


def expect(
    plan: m.Plan,
    ref: m.Ref | None,
    kinds: tuple[str, ...],
    place: str,
    extra: Iterable[str] = (),
) -> Iterator[Diagnostic]:
    """Report `ref` if it names nothing, or a declaration of another kind than `kinds`."""
    if ref is None:
        return
    found = plan.get(ref)
    wanted = " or ".join(kinds)
    if found is None:
        candidates = [d.id for d in plan.declarations if d.keyword in kinds] + list(extra)
        hint = suggestion(ref.id, candidates)
        yield error("E204", f"unknown {wanted} '{ref.id}'{hint}", ref.span)
    elif found.keyword not in kinds:
        yield error(
            "E205",
            f"'{ref.id}' is {_a(found.keyword)} {found.keyword}, but {place} must be"
            f" {_a(kinds[0])} {wanted}",
            ref.span,
        )


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
