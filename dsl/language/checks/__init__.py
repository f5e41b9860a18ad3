"""The checker: one module per family of checks, each yielding diagnostics for a whole plan.

Every family runs on every plan, so one run reports all problems; a family never assumes
that another has passed (it skips what it cannot judge, such as an unresolved reference).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..diagnostics import Diagnostic
from ..model import Plan
from . import (
    calendar,
    escalations,
    exclusions,
    hours,
    measures,
    principles,
    references,
    required,
    targets,
    values,
)

Check = Callable[[Plan], Iterator[Diagnostic]]

FAMILIES: tuple[Check, ...] = (
    required.check,
    references.check,
    calendar.check,
    hours.check,
    exclusions.check,
    values.check,
    targets.check,
    measures.check,
    escalations.check,
    principles.check,
)


def run_checks(plan: Plan) -> list[Diagnostic]:
    return [diagnostic for family in FAMILIES for diagnostic in family(plan)]
