"""The scorecard's filter and sort orders, as pure functions over the report.

A filter is words: `status:breached`, `owner:li_na`, `team:support`, `objective:fast`
narrow by a field (a prefix is enough: `status:br`); any other word must appear in the
goal's id, title or indicator. Every word must hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dsl.api import GoalResult

from .present import attention_key

FIELDS: dict[str, Callable[[GoalResult], tuple[str, ...]]] = {
    "status": lambda g: (g.status,),
    "owner": lambda g: (g.owner,),
    "team": lambda g: (g.lead or "", *g.with_),
    "objective": lambda g: (g.serves or "",),
}
SORTS: dict[str, Callable[[GoalResult], Any]] = {
    "attention": attention_key,
    "goal": lambda g: g.id,
    "status": attention_key,
    "owner": lambda g: (g.owner, attention_key(g)),
    "team": lambda g: (g.lead or "~", attention_key(g)),
    "attainment": lambda g: (g.attainment is None, g.attainment or 0.0, g.id),
}
SORT_ORDER = tuple(SORTS)


def matches(goal: GoalResult, query: str) -> bool:
    for word in query.lower().split():
        field, _, wanted = word.partition(":")
        if wanted and field in FIELDS:
            if not any(value.lower().startswith(wanted) for value in FIELDS[field](goal)):
                return False
        elif word not in f"{goal.id} {goal.title or ''} {goal.indicator}".lower():
            return False
    return True


def arranged(goals: Sequence[GoalResult], query: str, sort: str) -> list[GoalResult]:
    """The goals the filter keeps, in the chosen order (attention first by default)."""
    return sorted((g for g in goals if matches(g, query)), key=SORTS.get(sort, attention_key))
