"""Digests: for each person of the plan, the goals they answer for (they own them, or lead
the goal's lead team) with status, value against target and trend, their open improvement
actions, and the milestones they own that are due within two weeks. Pure: the caller reads
the report, the plan and the store; `digest_text` and `digest_dict` say it to people and
to programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..engine.report import ATTENTION, SEVERITY, GoalResult, MilestoneResult, Report
from ..language import model as m
from ..store.records import Action
from .formats import sample_text, short_target, value_text

DUE_SOON = timedelta(weeks=2)


@dataclass(frozen=True, slots=True)
class GoalLine:
    id: str
    title: str | None
    status: str
    value: str  # as people read it: "90.8%", "-"
    target: str
    trend: str  # "better than the cycle before (88.0%)", or "" without two values
    role: str  # "owner", "lead of support", "owner, lead of support"


@dataclass(frozen=True, slots=True)
class Digest:
    person: str
    name: str
    email: str | None
    goals: tuple[GoalLine, ...]
    actions: tuple[Action, ...]
    milestones: tuple[MilestoneResult, ...]

    @property
    def empty(self) -> bool:
        return not (self.goals or self.actions or self.milestones)


def digests(plan: m.Plan, report: Report, actions: Sequence[Action], today: date) -> list[Digest]:
    """One digest per person of the plan, in the plan's order; `today` is the evaluation's
    local date (milestones due from today to two weeks on count)."""
    leads = {t.id: str(t.lead) for t in plan.teams if t.lead is not None}
    found = []
    for person in plan.people:
        lines = [
            _goal_line(goal, role)
            for goal in report.goals
            if (role := _role(goal, person.id, leads))
        ]
        lines.sort(key=lambda line: (ATTENTION.get(line.status, 5), line.id))
        found.append(
            Digest(
                person=person.id,
                name=person.title or person.id,
                email=person.email,
                goals=tuple(lines),
                actions=tuple(a for a in actions if a.owner == person.id),
                milestones=tuple(
                    ms
                    for ms in sorted(report.milestones, key=lambda ms: (ms.due, ms.id))
                    if ms.owner == person.id
                    and ms.status not in ("done", "late")
                    and ms.due <= today + DUE_SOON
                ),
            )
        )
    return found


def _role(goal: GoalResult, person: str, leads: dict[str, str]) -> str:
    roles = ["owner"] if goal.owner == person else []
    if goal.lead and leads.get(goal.lead) == person:
        roles.append(f"lead of {goal.lead}")
    return ", ".join(roles)


def _goal_line(goal: GoalResult, role: str) -> GoalLine:
    done = [c for c in goal.cycles if c.complete]
    latest = done[-1] if done else None
    return GoalLine(
        id=goal.id,
        title=goal.title,
        status=goal.status,
        value=value_text(goal, latest.value if latest else None) + sample_text(latest),
        target=short_target(latest.target if latest else None),
        trend=_trend(goal, done),
        role=role,
    )


def _trend(goal: GoalResult, done: list[Any]) -> str:
    if len(done) < 2 or done[-1].value is None or done[-2].value is None:
        return ""
    now, before = done[-1].value, done[-2].value
    was = value_text(goal, before)
    if now == before or goal.better not in ("higher", "lower"):
        word = "the same as" if now == before else "changed from"
    else:
        word = "better than" if (now > before) == (goal.better == "higher") else "worse than"
    return f"{word} the cycle before ({was})"


def digest_text(digest: Digest, report: Report) -> str:
    """The digest as an e-mail body or as `goalline digest` prints it."""
    plan = report.title or report.file
    lines = [f"Hello {digest.name},", "", f"{plan}, as of {report.as_of:%Y-%m-%d %H:%M}."]
    lines += ["", "Your goals:"] if digest.goals else ["", "You answer for no goal."]
    for goal in digest.goals:
        title = f" ({goal.title})" if goal.title else ""
        lines.append(f"  {goal.status.replace('_', ' '):9} {goal.id}{title}")
        trend = f"; {goal.trend}" if goal.trend else ""
        lines.append(f"            {goal.value} against {goal.target}{trend}  [{goal.role}]")
    if digest.actions:
        lines += ["", "Your open improvement actions:"]
        lines += [
            f"  {a.title} ({a.subject}), due {a.due}" if a.due else f"  {a.title} ({a.subject})"
            for a in digest.actions
        ]
    if digest.milestones:
        lines += ["", "Your milestones due within two weeks:"]
        lines += [
            f"  {ms.id}{f' ({ms.title})' if ms.title else ''}: due {ms.due},"
            f" {ms.status.replace('_', ' ')}"
            for ms in digest.milestones
        ]
    return "\n".join(lines) + "\n"


def digest_subject(digest: Digest, report: Report) -> str:
    worst = max((SEVERITY.get(g.status, -1) for g in digest.goals), default=-1)
    state = next((s for s, n in SEVERITY.items() if n == worst), "no goals")
    count = len(digest.goals)
    plan = report.title or report.file
    return f"[goalline] {plan}: your {count} goal{'s' if count != 1 else ''}, worst {state}"


def digest_dict(digest: Digest, report: Report) -> dict[str, Any]:
    """The digest for a webhook or a command."""
    return {
        "goalline_digest": 1,
        "key": f"digest/{digest.person}/{report.as_of.isoformat()}",
        "plan": {"title": report.title, "file": report.file, "timezone": report.timezone},
        "as_of": report.as_of.isoformat(),
        "person": {"id": digest.person, "name": digest.name, "email": digest.email},
        "goals": [
            {
                "id": g.id,
                "title": g.title,
                "status": g.status,
                "value": g.value,
                "target": g.target,
                "trend": g.trend or None,
                "role": g.role,
            }
            for g in digest.goals
        ],
        "actions": [
            {
                "id": a.id,
                "subject": a.subject,
                "title": a.title,
                "due": str(a.due) if a.due else None,
            }
            for a in digest.actions
        ],
        "milestones": [
            {"id": ms.id, "title": ms.title, "due": str(ms.due), "status": ms.status}
            for ms in digest.milestones
        ],
    }
