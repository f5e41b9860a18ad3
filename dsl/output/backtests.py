"""`goalline backtest` rendered: a table for people (per goal the cycles by status, the
attainment and the rules that would have fired; per person the notifications; what history
cannot say), or JSON for tools."""

from __future__ import annotations

import json
from typing import Any

from ..engine.backtest import STATUSES, Backtest


def to_table(found: Backtest) -> str:
    report = found.report
    lines = [
        f"Backtest of {report.title or report.file} over {report.period_start} .."
        f" {report.period_end} (as of {report.as_of:%Y-%m-%d %H:%M}, {report.timezone})",
        "",
    ]
    width = max([len("GOAL"), *(len(g.goal.id) for g in found.goals)])
    shown = [s for s in STATUSES if any(g.counts.get(s) for g in found.goals)]
    head = f"{'GOAL':<{width}}  CYCLES  " + "  ".join(s.upper() for s in shown)
    lines.append(head + "  ATTAINED  FIRED")
    for item in found.goals:
        counts = "  ".join(f"{item.counts.get(s, 0):>{len(s)}}" for s in shown)
        attained = "-" if item.goal.attainment is None else f"{item.goal.attainment:.0%}"
        total = sum(item.counts.values())
        lines.append(
            f"{item.goal.id:<{width}}  {total:>6}  {counts}  {attained:>8}  {item.fired:>5}"
        )
    fired = [(g.goal.id, rule, days) for g in found.goals for rule, days in g.firings]
    lines += ["", "Rules that would have fired:" if fired else "No rule would have fired."]
    for goal, rule, days in fired:
        lines.append(f"  {goal}  {rule}: {', '.join(str(d) for d in days)}")
    lines += [
        "",
        "Notifications per person:" if found.notified else "Nobody would have been notified.",
    ]
    lines += [f"  {person}  {count}" for person, count in found.notified]
    if found.notes:
        lines += ["", *(f"Note: {note}" for note in found.notes)]
    return "\n".join(lines) + "\n"


def to_json(found: Backtest) -> str:
    report = found.report
    data: dict[str, Any] = {
        "plan": {"title": report.title, "file": report.file, "timezone": report.timezone},
        "period": {"start": str(report.period_start), "end": str(report.period_end)},
        "as_of": report.as_of.isoformat(),
        "goals": [
            {
                "id": item.goal.id,
                "attainment": item.goal.attainment,
                "statuses": dict(item.counts),
                "cycles": [
                    {"start": str(c.start), "end": str(c.end), "value": c.value, "status": c.status}
                    for c in item.goal.cycles
                ],
                "firings": [
                    {"rule": rule, "fired_on": [str(d) for d in days]}
                    for rule, days in item.firings
                ],
            }
            for item in found.goals
        ],
        "notifications": [{"person": p, "count": n} for p, n in found.notified],
        "notes": list(found.notes),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
