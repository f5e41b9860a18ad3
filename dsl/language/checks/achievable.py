"""Achievable (W404): a level target should be challenging but realistic, judged against the
organisation's own history; and a `min_sample` that history's cycles rarely reach (W413)
leaves most cycles `insufficient`. History is the goal's cycles over the year before the
period and the cycles of the period already complete; it needs three cycles. Pure: it is
given the history's values and samples."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Mapping, Sequence

from .. import model as m
from ..diagnostics import Diagnostic, warning

MIN_HISTORY = 3


def check(
    plan: m.Plan, history: Mapping[str, Sequence[tuple[float, m.Target]]]
) -> Iterator[Diagnostic]:
    """`history` maps a goal to (value, target in force) for each past cycle with a value."""
    for goal in plan.goals:
        cycles = history.get(goal.id, ())
        if goal.is_progress or len(cycles) < MIN_HISTORY:
            continue
        reached = [target.reached_by(value) for value, target in cycles]
        target = cycles[-1][1]
        values = [value for value, _ in cycles]
        indicator = plan.get(goal.indicator)
        lower = isinstance(indicator, m.Indicator) and indicator.better == "lower"
        if not any(reached):
            best = min(values) if lower else max(values)
            yield warning(
                "W404",
                f"goal '{goal.id}': history never reached the target {target.text} in"
                f" {len(cycles)} cycles (best {best:.4g}); is it realistic?",
                target.span,
            )
        elif all(reached):
            worst = max(values) if lower else min(values)
            yield warning(
                "W404",
                f"goal '{goal.id}': history reached the target {target.text} in every one of"
                f" {len(cycles)} cycles (worst {worst:.4g}); is it challenging enough?",
                target.span,
            )


def samples(plan: m.Plan, history: Mapping[str, Sequence[int]]) -> Iterator[Diagnostic]:
    """`history` maps a goal whose indicator has a `min_sample` to its past cycles' samples:
    a median below the `min_sample` means most cycles will be too small to judge."""
    for goal in plan.goals:
        sizes = history.get(goal.id, ())
        indicator = plan.get(goal.indicator)
        if len(sizes) < MIN_HISTORY or not isinstance(indicator, m.Indicator):
            continue
        least, typical = indicator.min_sample, statistics.median(sizes)
        if least is not None and typical < least:
            yield warning(
                "W413",
                f"goal '{goal.id}': the median sample of its {len(sizes)} cycles of history is"
                f" {typical:g}, below the min_sample {least} of indicator '{indicator.id}':"
                " most of its cycles would be insufficient",
                indicator.places.get("min_sample", indicator.span),
            )
