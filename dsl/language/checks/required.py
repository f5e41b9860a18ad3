"""Required attributes (E202): what each kind of declaration cannot do without."""

from __future__ import annotations

from collections.abc import Iterator

from .. import model as m
from ..diagnostics import Diagnostic, error

# Declaration kind -> (model field, how the missing attribute is written).
REQUIRED: dict[type, tuple[tuple[str, str], ...]] = {
    m.Source: (("time", "time COLUMN"),),
    m.Indicator: (("kind", "kind kpi|process|result"), ("better", "better higher|lower")),
    m.Goal: (
        ("indicator", "indicator INDICATOR"),
        ("cycle", "cycle CYCLE"),
        ("owner", "owner PERSON"),
        ("targets", "target"),
    ),
    m.Milestone: (("due", "due DATE"), ("owner", "owner PERSON")),
    m.Runbook: (("steps", "step"),),
    m.Escalation: (("rules", "when"),),
}


def check(plan: m.Plan) -> Iterator[Diagnostic]:
    if plan.info.period_start is None and plan.info.span.line:
        yield error(
            "E202", "the plan has no period: add period 2026-01-01 .. 2026-12-31", plan.info.span
        )
    for declaration in plan.declarations:
        for field, written in REQUIRED.get(type(declaration), ()):
            if not getattr(declaration, field):
                yield error(
                    "E202",
                    f"{declaration.keyword} '{declaration.id}' needs {_needs(written)}",
                    declaration.span,
                )


def _needs(written: str) -> str:
    if written == "target":
        return "a target, such as target >= 90"
    if written == "step":
        return 'at least one step, such as step "Open the overflow queue" by support within 30m'
    if written == "when":
        return "at least one rule, such as when breached notify owner"
    return f"'{written}'"
