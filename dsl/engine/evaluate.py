"""The engine's judging half: from per-cycle values to statuses, attainment, the plan score,
milestone statuses and escalation events. A pure function of the plan, the values, the
recorded completions and the evaluation time: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from ..language import model as m
from ..language.cycles import CycleSpan, local_date
from ..language.exclusions import describe
from ..language.expressions import calendars_of
from .escalations import goal_events
from .milestones import milestone, milestone_events
from .report import (
    CycleResult,
    ExclusionNote,
    GoalResult,
    Report,
)
from .schedule import Layout, zone

_DAY = timedelta(days=1)


def evaluate(
    plan: m.Plan,
    chosen_goals: Sequence[m.Goal],
    chosen_milestones: Sequence[m.Milestone],
    layouts: Mapping[str, Layout],
    values: Mapping[str, Mapping[int, float | None]],
    completions: Mapping[str, date],
    as_of: datetime,
    *,
    file: str,
    version: str,
    breakdowns: Mapping[str, Mapping[int, Mapping[str, float | None]]] | None = None,
    samples: Mapping[str, Mapping[int, int | None]] | None = None,
) -> Report:
    """Judge the chosen goals and milestones of `plan` at `as_of` (aware); `samples`, each
    cycle's sample size for goals whose indicator has a `min_sample`."""
    tz = zone(plan)
    today = local_date(as_of, tz)
    split = breakdowns or {}
    sizes = samples or {}
    goals = tuple(
        _goal(
            plan,
            goal,
            layouts[goal.id],
            values.get(goal.id, {}),
            as_of,
            split.get(goal.id),
            sizes.get(goal.id),
        )
        for goal in chosen_goals
    )
    milestones = tuple(milestone(ms, completions, today) for ms in chosen_milestones)
    events = [
        *(
            e
            for g, r in zip(chosen_goals, goals, strict=True)
            for e in goal_events(plan, g, r, as_of)
        ),
        *(e for ms in chosen_milestones for e in milestone_events(plan, ms, completions, today)),
    ]
    events.sort(key=lambda e: e.fired_on)
    info = plan.info
    assert info.period_start and info.period_end
    return Report(
        version=version,
        title=info.title,
        file=file,
        period_start=info.period_start,
        period_end=info.period_end,
        timezone=info.timezone or "UTC",
        as_of=as_of.astimezone(tz),
        score=_score(goals),
        goals=goals,
        milestones=milestones,
        escalations=tuple(events),
        exclusions=tuple(
            ExclusionNote(x.id, x.title, describe(x), x.reason, tuple(g.id for g in x.goals))
            for x in plan.exclusions
        ),
    )


# ---------------------------------------------------------------- goals


def _goal(
    plan: m.Plan,
    goal: m.Goal,
    layout: Layout,
    values: Mapping[int, float | None],
    as_of: datetime,
    split: Mapping[int, Mapping[str, float | None]] | None,
    sizes: Mapping[int, int | None] | None,
) -> GoalResult:
    indicator = plan.get(goal.indicator)
    assert isinstance(indicator, m.Indicator) and goal.cycle and goal.owner
    better = indicator.better or "higher"
    cycles = tuple(
        _excluded(
            _sampled(
                _cycle(
                    plan,
                    goal,
                    span,
                    values.get(span.index),
                    better,
                    as_of,
                    None if split is None else dict(split.get(span.index, {})),
                ),
                indicator.min_sample,
                None if sizes is None else sizes.get(span.index, 0),
            ),
            layout,
        )
        for span in layout.spans
    )
    complete = [c for c in cycles if c.complete]
    return GoalResult(
        id=goal.id,
        title=goal.title,
        indicator=indicator.id,
        unit=indicator.unit,
        better=indicator.better,
        owner=goal.owner.id,
        lead=goal.lead.id if goal.lead else None,
        with_=tuple(t.id for t in goal.with_),
        serves=goal.serves.id if goal.serves else None,
        weight=float(goal.weight) if goal.weight is not None else 1.0,
        cycle=str(goal.cycle),
        status=complete[-1].status if complete else "no_data",
        attainment=_attainment(goal, complete, better),
        cycles=cycles,
        decimals=int(indicator.decimals) if indicator.decimals is not None else None,
        calendar=", ".join(dict.fromkeys(r.id for r in calendars_of(indicator.measure))) or None
        if indicator.measure
        else None,
    )


def _cycle(
    plan: m.Plan,
    goal: m.Goal,
    span: CycleSpan,
    value: float | None,
    better: str,
    as_of: datetime,
    breakdown: dict[str, float | None] | None = None,
) -> CycleResult:
    target = target_in_force(goal, span.start)
    expected = pace = None
    if target is not None and target.is_progress:
        expected = _expected(plan, goal, target, span)
        pace = value / expected * 100 if value is not None and expected else None
    status, reason = judge(goal, target, value, expected, pace, better)
    return CycleResult(
        index=span.index,
        start=span.start,
        end=span.end,
        complete=span.ends_at <= as_of,
        value=value,
        target=target_text(target) if target else None,
        expected=expected,
        pace=pace,
        status=status,
        reason=reason,
        breakdown=breakdown,
    )


def _sampled(cycle: CycleResult, least: int | None, sample: int | None) -> CycleResult:
    """A cycle whose sample is below the indicator's `min_sample` is `insufficient`, its value
    still shown (a survey week without answers too: nobody was asked enough to say); before
    the data begins (no sample) a cycle is judged as any other."""
    if least is None:
        return cycle
    if sample is None or sample >= least:
        return replace(cycle, sample=sample)
    reason = f"its sample is {sample}, below the indicator's min_sample {least}"
    return replace(cycle, status="insufficient", reason=reason, sample=sample)


def _excluded(cycle: CycleResult, layout: Layout) -> CycleResult:
    """A cycle whose range lies wholly inside exclusions is `excluded`, with no value; one
    they cut into names them too, its value computed on the rest."""
    touched = layout.touched.get(cycle.index, ())
    if cycle.index not in layout.excluded:
        return replace(cycle, excluded=touched) if touched else cycle
    names = ", ".join(touched)
    reason = f"it lies wholly inside the exclusion{'s' if len(touched) > 1 else ''} {names}"
    return replace(
        cycle,
        value=None,
        expected=None,
        pace=None,
        status="excluded",
        reason=reason,
        sample=None,
        breakdown=None if cycle.breakdown is None else {},
        excluded=touched,
    )


def target_in_force(goal: m.Goal, day: date) -> m.Target | None:
    """The target for a cycle starting on `day`: the latest `from` on or before it wins."""
    in_force = [t for t in goal.targets if t.start is None or t.start <= day]
    return max(in_force, key=lambda t: t.start or date.min, default=None)


def target_text(target: m.Target) -> str:
    return f"{target.text} by {target.by}" if target.by else target.text


def _expected(plan: m.Plan, goal: m.Goal, target: m.Target, span: CycleSpan) -> float:
    """The straight line from the baseline at the period start to the target at its date,
    at the end of the cycle (for the current cycle too, as the design says), and the target
    itself after its date."""
    start = plan.info.period_start
    assert start and target.by and target.value is not None
    total = (target.by + _DAY - start).days
    elapsed = min((span.end + _DAY - start).days, total)  # after `by`, N stays expected
    baseline = float(goal.baseline) if goal.baseline is not None else 0.0
    return baseline + (float(target.value) - baseline) * elapsed / total


def judge(
    goal: m.Goal,
    target: m.Target | None,
    value: float | None,
    expected: float | None,
    pace: float | None,
    better: str,
) -> tuple[str, str]:
    """The status of one cycle and the reason, first match wins (language.md)."""
    if value is None:
        return "no_data", "there is no value for this cycle"
    if goal.critical and _threshold_holds(goal.critical, value, pace):
        return (
            "critical",
            f"{_compared(goal.critical, value, pace)} meets critical {goal.critical.text}",
        )
    if target is not None and not _target_holds(target, value, expected, better):
        if target.is_progress:
            return (
                "breached",
                f"the running total {_n(value)} is behind the expected {_n(expected)}",
            )
        return "breached", f"the value {_n(value)} misses the target {target.text}"
    if goal.warn and _threshold_holds(goal.warn, value, pace):
        return "warning", f"{_compared(goal.warn, value, pace)} meets warn {goal.warn.text}"
    if target is None:
        return "met", "there is no target, and no threshold holds"
    if target.is_progress:
        ahead = f"the running total {_n(value)} is at or ahead of the expected {_n(expected)}"
        return "met", ahead
    return "met", f"the value {_n(value)} reaches the target {target_text(target)}"


def _compared(threshold: m.Threshold, value: float, pace: float | None) -> str:
    return f"the pace {_n(pace)}" if threshold.pace else f"the value {_n(value)}"


def _threshold_holds(threshold: m.Threshold, value: float, pace: float | None) -> bool:
    compared = pace if threshold.pace else value
    return compared is not None and m.holds(threshold.cmp, compared, threshold.value)


def _target_holds(target: m.Target, value: float, expected: float | None, better: str) -> bool:
    if target.is_progress:
        if expected is None:
            return True
        return value >= expected if better == "higher" else value <= expected
    return target.reached_by(value)


def _attainment(goal: m.Goal, complete: Sequence[CycleResult], better: str) -> float | None:
    if not complete:
        return None
    if goal.is_progress:
        progress = next(t for t in goal.targets if t.is_progress)
        assert progress.value is not None
        counted = [c for c in complete if c.status != "excluded"]
        actual = (counted[-1].value if counted else None) or 0.0
        if better == "higher":
            share = actual / float(progress.value) if progress.value else 1.0
        else:
            share = float(progress.value) / actual if actual else 1.0
        return min(max(share, 0.0), 1.0)
    # Too few values to count, or left out of the numbers: neither met nor missed.
    judged = [c for c in complete if c.status not in ("insufficient", "excluded")]
    if not judged:
        return None
    attained = sum(1 for c in judged if c.status in ("met", "warning"))
    return attained / len(judged)


def _score(results: Sequence[GoalResult]) -> float | None:
    weighted = [(r.weight, r.attainment) for r in results if r.attainment is not None]
    total = sum(w for w, _ in weighted)
    return sum(w * a for w, a in weighted if a is not None) / total if total else None


def _n(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"
