"""Escalations and dependencies: triggers that fit what uses them (E320), people who can be
notified (E321), and milestones that depend on each other in a circle (E322)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..diagnostics import Diagnostic, error


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    for escalation in plan.escalations:
        users = [
            d
            for d in plan.declarations
            if isinstance(d, m.Goal | m.Milestone)
            and d.escalation
            and d.escalation.id == escalation.id
        ]
        yield from _triggers(escalation, users)
        yield from _roles(plan, escalation, users)
        yield from _teams_notified(plan, escalation)
    yield from _dependency_circles(plan)


def _triggers(escalation: m.Escalation, users: list[m.Goal | m.Milestone]) -> Iterator[Diagnostic]:
    for kind, events, other in (
        ("goal", m.GOAL_EVENTS, "milestones"),
        ("milestone", m.MILESTONE_EVENTS, "goals"),
    ):
        user = next((u for u in users if u.keyword == kind), None)
        if user is None:
            continue
        for rule in escalation.rules:
            if rule.trigger.event not in events:
                yield error(
                    "E320",
                    f"'{rule.text}' applies to {other}, but escalation '{escalation.id}'"
                    f" is used by {kind} '{user.id}'",
                    rule.span,
                )


def _roles(
    plan: m.Plan, escalation: m.Escalation, users: list[m.Goal | m.Milestone]
) -> Iterator[Diagnostic]:
    roles = {t.id for rule in escalation.rules for t in rule.notify if t.id in ("lead", "team")}
    for user in users if roles else ():
        lead_team = plan.get(user.lead)
        assert user.escalation is not None
        if user.lead is None:
            yield error(
                "E321",
                f"escalation '{escalation.id}' notifies the {' and '.join(sorted(roles))} of"
                f" {user.keyword} '{user.id}', which has no lead team",
                user.escalation.span,
            )
        elif isinstance(lead_team, m.Team) and lead_team.lead is None:
            yield error(
                "E321",
                f"escalation '{escalation.id}' notifies the lead of team '{lead_team.id}',"
                " which has no lead",
                user.escalation.span,
            )


def _teams_notified(plan: m.Plan, escalation: m.Escalation) -> Iterator[Diagnostic]:
    for rule in escalation.rules:
        for target in rule.notify:
            team = plan.get(target)
            if isinstance(team, m.Team) and team.lead is None and target.id not in m.ROLES:
                yield error(
                    "E321",
                    f"team '{team.id}' has no lead, so there is nobody to notify",
                    target.span,
                )


def _dependency_circles(plan: m.Plan) -> Iterator[Diagnostic]:
    after = {ms.id: [r.id for r in ms.after] for ms in plan.milestones}
    reported: set[str] = set()
    for start in plan.milestones:
        path = _circle_from(start.id, after)
        if path and not reported & set(path):
            reported.update(path)
            chain = " comes after ".join([*path, path[0]])
            yield error("E322", f"milestones depend on each other in a circle: {chain}", start.span)


def _circle_from(start: str, after: dict[str, list[str]]) -> list[str] | None:
    """The circle of `after` links through `start`, if any (iterative depth-first search)."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in after.get(node, ()):
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None
