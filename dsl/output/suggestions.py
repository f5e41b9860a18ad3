"""`goalline suggest` rendered: a plan fragment to copy targets from (each goal's history in
comments, the suggested target as a line, the conservative and stretch ones commented out),
or JSON for tools. The figures come from `engine.suggest`, as the review session's."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..engine.report import CycleResult
from ..engine.suggest import Suggestions, format_value

LEVEL_WIDTH = len("conservative")


def to_fragment(found: Sequence[Suggestions]) -> str:
    """`target >= 91.4  # suggested: met in 10 of 12 monthly cycles 2026-01..2026-12`."""
    blocks = []
    for item in found:
        goal = item.goal
        title = f' "{goal.title}"' if goal.title else ""
        lines = [f"# goal {goal.id}{title}"]
        if not item.proposals:
            lines.append(f"# {item.reason}: no target to suggest")
            blocks.append("\n".join(lines))
            continue
        span = _span(item.cycles)
        worst, best = item.worst, item.best
        assert worst is not None and best is not None
        lines.append(
            f"# {len(item.cycles)} usable {goal.cycle} cycles {span}:"
            f" worst {_value(item, worst)}, best {_value(item, best)}"
        )
        for proposal in item.proposals:
            said = (
                f"{proposal.level}: met in {proposal.met} of {proposal.of} {goal.cycle}"
                f" cycles {span}"
            )
            line = f"target {proposal.target}  # {said}"
            lines.append(line if proposal.level == "suggested" else f"# {line}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_json(found: Sequence[Suggestions]) -> str:
    return json.dumps([_dict(item) for item in found], ensure_ascii=False, indent=2) + "\n"


def _dict(item: Suggestions) -> dict[str, Any]:
    goal = item.goal
    return {
        "goal": goal.id,
        "better": goal.better,
        "cycle": goal.cycle,
        "unit": goal.unit,
        "cycles": len(item.cycles),
        "from": str(item.cycles[0].start) if item.cycles else None,
        "to": str(item.cycles[-1].end) if item.cycles else None,
        "worst": _cycle(item.worst),
        "best": _cycle(item.best),
        "enough_history": not item.reason,
        "reason": item.reason,
        "proposals": [
            {
                "level": p.level,
                "met_share": p.share,
                "target": p.target,
                "value": p.value,
                "met": p.met,
                "of": p.of,
                "attainment": p.met / p.of,
            }
            for p in item.proposals
        ],
    }


def _cycle(cycle: CycleResult | None) -> dict[str, Any] | None:
    if cycle is None:
        return None
    return {"start": str(cycle.start), "end": str(cycle.end), "value": cycle.value}


def _span(cycles: Sequence[CycleResult]) -> str:
    """`2026-01..2026-12`: the months the cycles run over."""
    return f"{cycles[0].start:%Y-%m}..{cycles[-1].end:%Y-%m}"


def _value(item: Suggestions, cycle: CycleResult) -> str:
    assert cycle.value is not None
    return f"{format_value(cycle.value, item.goal)} ({cycle.start})"
