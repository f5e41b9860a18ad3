"""`goalline backtest` rendered: a table for people (per goal the cycles by status, the
attainment and the rules that would have fired; per person the notifications; what history
cannot say), JSON and TOML for tools (the same content), CSV (one row per goal cycle); and
two plans side by side with their differences."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from ..engine.backtest import STATUSES, Backtest, Comparison, GoalDifference
from ..engine.report import rounded
from .formats import without_none

CSV_COLUMNS = (
    "plan", "goal", "cycle_start", "cycle_end", "complete", "value", "target", "status",
    "rules_fired", "notified",
)  # fmt: skip


def to_table(found: Backtest) -> str:
    report = found.report
    head = (
        f"Backtest of {report.title or report.file} over {report.period_start} .."
        f" {report.period_end} (as of {_as_of(found)})"
    )
    return "\n".join([head, "", *_body(found)]) + "\n"


def comparison_table(both: Comparison) -> str:
    period = f"{both.a.report.period_start} .. {both.a.report.period_end}"
    lines = [f"Backtest over {period}"]
    for label, found in (("A", both.a), ("B", both.b)):
        name = found.report.title or found.report.file
        lines.append(f"Plan {label}: {name} ({found.report.file}), as of {_as_of(found)}")
    lines += ["", "PLAN A", *_body(both.a), "", "PLAN B", *_body(both.b), "", "B AGAINST A"]
    return "\n".join([*lines, *judged_lines(both, ("A", "B"))]) + "\n"


def judged_lines(both: Comparison, names: tuple[str, str]) -> list[str]:
    """Per goal the attainment and the firings under each plan, and per person the
    notifications, `names` heading the two plans' columns."""
    a, b = names
    rows: list[tuple[str, ...]] = [
        ("GOAL", f"ATTAINED {a}", f"ATTAINED {b}", "CHANGE", f"FIRED {a}", f"FIRED {b}",
         "JUDGED OTHERWISE")
    ]  # fmt: skip
    rows += [_difference_row(d, names) for d in both.goals]
    lines = _aligned(rows)
    if both.notified:
        people: list[tuple[str, ...]] = [("NOTIFIED", a, b, "CHANGE")]
        people += [(p, str(n), str(m), _signed(m - n)) for p, n, m in both.notified]
        lines += ["", *_aligned(people)]
    else:
        lines += ["", "Nobody would have been notified under either plan."]
    return lines


def _as_of(found: Backtest) -> str:
    return f"{found.report.as_of:%Y-%m-%d %H:%M}, {found.report.timezone}"


def _body(found: Backtest) -> list[str]:
    width = max([len("GOAL"), *(len(g.goal.id) for g in found.goals)])
    shown = [s for s in STATUSES if any(g.counts.get(s) for g in found.goals)]
    head = f"{'GOAL':<{width}}  CYCLES  " + "  ".join(s.upper() for s in shown)
    lines = [head + "  ATTAINED  FIRED"]
    for item in found.goals:
        counts = "  ".join(f"{item.counts.get(s, 0):>{len(s)}}" for s in shown)
        total = sum(item.counts.values())
        lines.append(
            f"{item.goal.id:<{width}}  {total:>6}  {counts}  {_percent(item.goal.attainment):>8}"
            f"  {item.fired:>5}"
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
    return lines


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _difference_row(item: GoalDifference, names: tuple[str, str]) -> tuple[str, ...]:
    a = item.a.goal.attainment if item.a else None
    b = item.b.goal.attainment if item.b else None
    if item.a is None or item.b is None:
        change = f"only in {names[1] if item.a is None else names[0]}"
    elif a is None or b is None:
        change = "-"
    else:  # the change between the figures as shown, so that it can be checked by eye
        change = f"{_signed(round(b * 100) - round(a * 100))} pts"
    return (
        item.id,
        _percent(a),
        _percent(b),
        change,
        str(item.a.fired) if item.a else "-",
        str(item.b.fired) if item.b else "-",
        str(item.judged_otherwise) if item.a and item.b else "-",
    )


def _signed(change: int) -> str:
    return f"{change:+d}" if change else "0"


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """The first column to the left, the figures to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def to_dict(found: Backtest) -> dict[str, Any]:
    report = found.report
    return {
        "plan": {"title": report.title, "file": report.file, "timezone": report.timezone},
        "period": {"start": str(report.period_start), "end": str(report.period_end)},
        "as_of": report.as_of.isoformat(),
        "goals": [
            {
                "id": item.goal.id,
                "attainment": rounded(item.goal.attainment),
                "statuses": dict(item.counts),
                "cycles": [
                    {
                        "start": str(c.start),
                        "end": str(c.end),
                        "value": rounded(c.value),
                        "status": c.status,
                    }
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


def comparison_dict(both: Comparison) -> dict[str, Any]:
    def side(item: GoalDifference, pick: str) -> dict[str, Any] | None:
        found = item.a if pick == "a" else item.b
        if found is None:
            return None
        return {"attainment": rounded(found.goal.attainment), "fired": found.fired}

    return {
        "a": to_dict(both.a),
        "b": to_dict(both.b),
        "differences": {
            "goals": [
                {
                    "id": item.id,
                    "a": side(item, "a"),
                    "b": side(item, "b"),
                    "attainment_change": rounded(item.attainment_change),
                    "judged_otherwise": item.judged_otherwise,
                }
                for item in both.goals
            ],
            "notifications": [{"person": p, "a": n, "b": m} for p, n, m in both.notified],
        },
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_toml(data: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(without_none(data))


def to_csv(*found: Backtest) -> str:
    """One row per goal cycle of each plan; the rules that fired on a cycle and the people
    they would have notified, `; `-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for one in found:
        report = one.report
        events: dict[tuple[str, object], list[Any]] = {}
        for event in report.escalations:
            if event.kind == "goal":
                events.setdefault((event.subject, event.cycle_start), []).append(event)
        for goal in report.goals:
            for cycle in goal.cycles:
                fired = events.get((goal.id, cycle.start), [])
                people = dict.fromkeys(p.name for e in fired for p in e.notify)
                value = rounded(cycle.value)
                writer.writerow(
                    [
                        report.file,
                        goal.id,
                        cycle.start,
                        cycle.end,
                        "true" if cycle.complete else "false",
                        "" if value is None else value,
                        cycle.target or "",
                        cycle.status,
                        "; ".join(e.rule for e in fired),
                        "; ".join(people),
                    ]
                )
    return out.getvalue()
