"""A report as text: JSON (the interface), TOML (the same content, written with tomli-w),
CSV (one row per goal cycle), and a table for people that fits in 80 columns."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any

from ..engine.report import ATTENTION, CycleResult, GoalResult, Report
from ..language.source import cut, pad, width
from ..store.records import Acknowledgement

FORMATS = ("table", "json", "toml", "csv")
CSV_COLUMNS = (
    "goal", "indicator", "cycle_start", "cycle_end", "complete", "value", "target",
    "expected", "pace", "status", "sample", "unit",
)  # fmt: skip
_COLOURS = {
    "met": "green",
    "warning": "yellow",
    "breached": "red",
    "critical": "bright_red",
    "no_data": "bright_black",
    "insufficient": "bright_black",
    "excluded": "bright_black",
    "done": "green",
    "late": "yellow",
    "open": "bright_black",
    "in_buffer": "yellow",
    "overdue": "red",
}


def to_json(report: Report, acknowledged: Mapping[str, Acknowledgement] | None = None) -> str:
    return json.dumps(report.to_dict(acknowledged), ensure_ascii=False, indent=2) + "\n"


def to_toml(report: Report, acknowledged: Mapping[str, Acknowledgement] | None = None) -> str:
    import tomli_w

    return tomli_w.dumps(without_none(report.to_dict(acknowledged)))


def without_none(value: Any) -> Any:
    """TOML has no null: absent keys stand for it."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value if v is not None]
    return value


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    units = {g.id: g.unit_label for g in report.goals}
    for goal in report.to_dict()["goals"]:
        for cycle in goal["cycles"]:
            writer.writerow(
                [
                    goal["id"],
                    goal["indicator"],
                    cycle["start"],
                    cycle["end"],
                    "true" if cycle["complete"] else "false",
                    _blank(cycle["value"]),
                    _blank(cycle["target"]),
                    _blank(cycle["expected"]),
                    _blank(cycle["pace"]),
                    cycle["status"],
                    _blank(cycle.get("sample")),
                    units[goal["id"]],
                ]
            )
    return out.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


def to_table(report: Report, style: Callable[[str, str], str] | None = None) -> str:
    """The report for people: goals needing attention first, then milestones and escalations.

    `style(text, colour)` colours a status word; without it the words stand alone, so the
    table reads the same without colour."""
    paint = style or (lambda text, _colour: text)
    score = f"score {report.score:.0%}" if report.score is not None else "no score yet"
    as_of = report.as_of.strftime("%Y-%m-%d %H:%M")
    lines = [
        cut(report.title or report.file, 80),
        cut(f"as of {as_of} ({report.timezone})", 80),
        f"period {report.period_start} .. {report.period_end}, {score}",
        "",
    ]
    if report.goals:
        rows: list[tuple[str, ...]] = [("STATUS", "GOAL", "LATEST", "TARGET", "ATTAINED", "OWNER")]
        ordered = sorted(report.goals, key=_attention)
        rows += [_goal_row(g) for g in ordered]
        lines += _columns(rows, paint, (12, 16, 14, 14, 8, 10))
        notes = []
        for goal in ordered:
            known = last_known(goal)
            if known is not None:
                since = next(c.start for c in goal.cycles if c.index > known.index)
                last = (
                    f"{value_text(goal, known.value)}, {known.status}, cycle of {known.start:%m-%d}"
                )
                notes.append(cut(f"{goal.id}: no data since {since}; last {last}", 80))
            latest = goal.latest_complete
            if latest is not None and latest.status == "insufficient":
                notes.append(cut(f"{goal.id}: {latest.reason}", 80))
            if goal.calendar is not None:  # the column has room for the plan's unit only
                notes.append(cut(f"{goal.id}: in {goal.unit_label}", 80))
        lines += ["", *notes] if notes else []
    if report.milestones:
        lines += ["", "MILESTONES"]
        rows = [("STATUS", "MILESTONE", "DUE", "BUFFER", "DONE", "OWNER")]
        rows += [
            (ms.status, ms.id, str(ms.due), f"{ms.buffer_days}d", str(ms.done_on or "-"), ms.owner)
            for ms in report.milestones
        ]
        lines += _columns(rows, paint, (9, 18, 10, 6, 10, 9))
    if report.escalations:
        lines += ["", f"ESCALATIONS ({len(report.escalations)})"]
        for event in report.escalations:
            who = ", ".join(p.name for p in event.notify) or "nobody"
            runbooks = "".join(f", run {r.id}" for r in event.runbooks)
            lines.append(
                cut(f"{event.fired_on}  {event.subject}: {event.rule} -> {who}{runbooks}", 80)
            )
    return "\n".join(lines) + "\n"


def _attention(goal: GoalResult) -> tuple[int, str]:
    return (ATTENTION.get(goal.status, 5), goal.id)


def _goal_row(goal: GoalResult) -> tuple[str, ...]:
    latest = goal.latest_complete
    value = value_text(goal, latest.value if latest else None, short=True)
    target = short_target(latest.target if latest else None)
    attained = "-" if goal.attainment is None else f"{goal.attainment:.0%}"
    return (goal.status, goal.id, value, target, attained, goal.owner)


def last_known(goal: GoalResult) -> CycleResult | None:
    """For a goal whose latest complete cycle has no value, the latest complete cycle before
    it that has one: "no data this week" alone would hide where the goal stood."""
    complete = [c for c in goal.cycles if c.complete]
    if not complete or complete[-1].value is not None:
        return None
    return next((c for c in reversed(complete) if c.value is not None), None)


def latest_text(goal: GoalResult) -> str:
    """The value of a goal's latest complete cycle, or, when it has none, the last one it
    had and the start of its cycle: `- (last 8 min, 03-01)`."""
    latest = goal.latest_complete
    known = last_known(goal)
    if known is not None:
        return f"- (last {value_text(goal, known.value)}, {known.start:%m-%d})"
    return value_text(goal, latest.value if latest else None) + sample_text(latest)


def sample_text(cycle: CycleResult | None) -> str:
    """` (n=1,625)`: the sample a cycle's value rests on, where its indicator has a
    `min_sample`; nothing otherwise."""
    return "" if cycle is None or cycle.sample is None else f" (n={cycle.sample:,})"


def value_text(goal: GoalResult, value: float | None, *, short: bool = False) -> str:
    """A goal's value as people read it: its indicator's decimals and unit (`short`: the
    unit as the plan writes it, for a narrow column), or "-"."""
    if value is None:
        return "-"
    unit = (goal.unit or "") if short else goal.unit_label
    return number_text(value, goal.decimals) + (unit if unit in ("", "%") else f" {unit}")


def short_target(target: str | None) -> str:
    """A target without the date of a progress target (the plan has it), or "-"."""
    return target.split(" by ")[0] if target else "-"


def number_text(value: float, decimals: int | None = None) -> str:
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    return f"{value:,.0f}" if abs(value) >= 10_000 else f"{value:.4g}"


def _columns(
    rows: list[tuple[str, ...]], paint: Callable[[str, str], str], caps: tuple[int, ...]
) -> list[str]:
    """Rows as aligned columns, each cut to its cap, and the widest cut further while a line
    would pass 80 columns (a status as long as `insufficient` takes room from the others
    only when it is there); the first column (a status) is painted after cutting, so colour
    never upsets the widths."""
    widths = [min(max(width(r[i]) for r in rows), cap) for i, cap in enumerate(caps)]
    while sum(widths) + 2 * (len(widths) - 1) > 80:
        widths[widths.index(max(widths))] -= 1
    lines = []
    for number, row in enumerate(rows):
        cells = [pad(cut(cell, w), w) for cell, w in zip(row, widths, strict=True)]
        if number:
            cells[0] = paint(cells[0], _COLOURS.get(row[0], ""))
        lines.append("  ".join(cells).rstrip())
    return lines
