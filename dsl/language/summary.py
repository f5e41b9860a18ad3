"""A plain-text overview of a checked plan, without evaluating it: who owns what, which
targets, on which cycles, and the milestones. Fits in 80 columns."""

from __future__ import annotations

from collections.abc import Sequence

from . import model as m
from .calendars import clock
from .exclusions import describe
from .source import cut, pad, width


def overview(plan: m.Plan) -> str:
    info = plan.info
    lines = [
        f"{info.title or 'Untitled plan'}",
        f"  period {info.period_start} .. {info.period_end}, time zone {info.timezone or 'UTC'}"
        + (f", reviewed {info.review}" if info.review else ""),
        f"  {_count(len(plan.goals), 'goal')}, {_count(len(plan.indicators), 'indicator')},"
        f" {_count(len(plan.milestones), 'milestone')}, {_count(len(plan.people), 'person')},"
        f" {_count(len(plan.teams), 'team')}",
    ]
    if plan.goals:
        lines += ["", "Goals"]
        rows: list[tuple[str, ...]] = [("goal", "target", "cycle", "owner", "lead")]
        rows += [row for goal in plan.goals for row in _goal_rows(plan, goal)]
        lines += _table(rows)
    if plan.calendars:
        lines += ["", "Calendars"]
        rows = [("calendar", "time zone", "open", "closed")]
        rows += [_calendar_row(plan, c) for c in plan.calendars]
        lines += _table(rows)
    if plan.exclusions:
        lines += ["", "Exclusions"]
        rows = [("exclude", "when", "goals", "reason")]
        rows += [
            (
                x.id,
                describe(x),
                ", ".join(r.id for r in x.goals) or "every goal",
                x.reason or x.title or "-",
            )
            for x in plan.exclusions
        ]
        lines += _table(rows)
    if plan.milestones:
        lines += ["", "Milestones"]
        rows = [("milestone", "due", "buffer", "owner", "after")]
        rows += [
            (
                ms.id,
                str(ms.due),
                str(ms.buffer or "-"),
                str(ms.owner),
                ", ".join(r.id for r in ms.after) or "-",
            )
            for ms in plan.milestones
        ]
        lines += _table(rows)
    return "\n".join(lines) + "\n"


def _goal_rows(plan: m.Plan, goal: m.Goal) -> list[tuple[str, ...]]:
    """One row per goal, and one more under it for each later target."""
    indicator = plan.get(goal.indicator)
    unit = indicator.unit if isinstance(indicator, m.Indicator) and indicator.unit else ""
    one_year = plan.info.period_start is not None and (
        plan.info.period_start.year == getattr(plan.info.period_end, "year", None)
    )
    first, *later = [target_text(t, unit, one_year) for t in goal.targets] or ["-"]
    rows: list[tuple[str, ...]] = [
        (goal.id, first, str(goal.cycle), str(goal.owner), str(goal.lead or "-"))
    ]
    return rows + [("", target, "", "", "") for target in later]


def _calendar_row(plan: m.Plan, calendar: m.Calendar) -> tuple[str, ...]:
    """`mon-fri 09:00-12:30, 13:30-18:00; sat 10:00-14:00` and how many days are closed."""
    opened = []
    for line in calendar.hours:
        days = str(line.on) if line.on else "-".join(d for d in (line.first, line.last) if d)
        hours = ", ".join(f"{clock(a)}-{clock(b)}" for a, b in line.hours)
        opened.append(f"{days} {hours}")
    closed = sum(max(0, (c.end - c.start).days + 1) for c in calendar.closed)
    return (
        calendar.id,
        calendar.timezone or plan.info.timezone or "UTC",
        "; ".join(opened) or "never",
        _count(closed, "day") if closed else "-",
    )


def target_text(target: m.Target, unit: str, one_year: bool) -> str:
    """`<= 20 min from 07-01`: dates without their year when the period is within one year."""
    suffix = f" {unit}" if unit and unit != "%" else unit
    text = target.text + suffix
    day = "%m-%d" if one_year else "%Y-%m-%d"
    if target.start:
        text += f" from {target.start.strftime(day)}"
    if target.by:
        text += f" by {target.by.strftime(day)}"
    return text


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    # Fit 80 columns: shorten the widest column, marking what was cut with an ellipsis.
    excess = 2 + sum(widths) + 2 * (len(widths) - 1) - 80
    if excess > 0:
        widest = widths.index(max(widths))
        widths[widest] = max(widths[widest] - excess, 8)
    return [
        "  " + "  ".join(pad(cut(c, w), w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def _count(n: int, noun: str) -> str:
    plural = "people" if noun == "person" else f"{noun}s"
    return f"{n} {noun if n == 1 else plural}"
