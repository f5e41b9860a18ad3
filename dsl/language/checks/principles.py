"""Warnings from the four principles of a usable goal: clear (W401: a title), measurable
(W402: a unit), relevant (W405, W406: goals serve objectives, objectives are served).
Achievable (W403) lives with the targets; its history half needs a store."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..diagnostics import Diagnostic, warning


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    served = {g.serves.id for g in plan.goals if g.serves}
    served |= {ms.serves.id for ms in plan.milestones if ms.serves}
    for d in plan.declarations:
        if isinstance(d, m.Goal | m.Indicator) and not d.title:
            yield warning(
                "W401",
                f"{d.keyword} '{d.id}' has no title: say in words what it is, as in"
                f' {d.keyword} {d.id} "..."',
                d.span,
            )
        if isinstance(d, m.Indicator) and not d.unit:
            yield warning(
                "W402",
                f'indicator \'{d.id}\' has no unit: add one, such as unit "%" or unit "min"',
                d.span,
            )
        if isinstance(d, m.Goal) and d.serves is None:
            yield warning(
                "W405",
                f"goal '{d.id}' serves no objective: add serves OBJECTIVE",
                d.span,
            )
        if isinstance(d, m.Objective) and d.id not in served:
            yield warning("W406", f"no goal serves objective '{d.id}'", d.span)
