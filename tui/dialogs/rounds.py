"""The review's two looks ahead: `ctrl+b` shows how a goal's past cycles would have been
judged with the target proposed for it (`ProposalBacktest`), and finishing a review offers
to write the next round's plan from it (`NextRound`), as `goalline next-round` does."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input

from dsl.api import Comparison, Prepared, Program, Report

from ..messages import WriteNextRound
from .form import FormDialog, Refused, labelled

SHOWN = 8  # cycles judged otherwise listed; the rest are counted


class ProposalBacktest(FormDialog):
    """What the proposal would have made of the goal's cycles, beside what the plan made."""

    def __init__(self, goal: str, target: str, found: Comparison) -> None:
        super().__init__()
        self.goal, self.target, self.found = goal, target, found

    @property
    def can_save(self) -> bool:
        return False

    def heading(self) -> Text:
        return Text(f"Backtest: {self.goal} with target {self.target.strip()}")

    def context(self) -> Text:
        return Text("\n".join(backtest_lines(self.found)))

    def fields(self) -> ComposeResult:
        yield from ()


def backtest_lines(found: Comparison) -> list[str]:
    """The comparison of one goal in a few short lines (the dialog is 72 columns wide)."""
    report, item = found.a.report, found.goals[0]
    assert item.a is not None and item.b is not None
    now, then = item.a.goal, item.b.goal
    target = next((c.target for c in reversed(now.cycles) if c.target), None)
    lines = [
        f"{report.period_start} .. {report.period_end} as of {report.as_of:%Y-%m-%d %H:%M}"
        + (f"; target now {target}" if target else ""),
        f"Attained:    {_share(now.attainment)} now, {_share(then.attainment)} with the proposal"
        + (f" ({_points(item.attainment_change)})" if item.attainment_change is not None else ""),
        f"Rules fired: {item.a.fired} now, {item.b.fired} with the proposal",
    ]
    complete = sum(1 for c in now.cycles if c.complete)
    if item.otherwise:
        lines.append(f"Judged otherwise: {len(item.otherwise)} of {complete} cycles")
        lines += [f"  {start}  {a} -> {b}" for start, a, b in item.otherwise[:SHOWN]]
        if len(item.otherwise) > SHOWN:
            lines.append(f"  and {len(item.otherwise) - SHOWN} more")
    else:
        lines.append(f"Judged otherwise: none of its {complete} cycles")
    told = [f"{p} {a} -> {b}" for p, a, b in found.notified if a != b]
    lines.append("Notified:    " + (", ".join(told) if told else "as often as now"))
    return lines


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _points(change: float) -> str:
    points = round(change * 100)
    return f"{points:+d} pts" if points else "0 pts"


class NextRound(FormDialog):
    """Offered when a review is finished: where to write the next round's plan."""

    SAVE = "Write"
    CANCEL = "Not now"
    ANSWERED_LATER = True

    def __init__(
        self,
        program: Program,
        session: int,
        report: Report,
        suggested: str,
        minutes: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.program, self.session, self.report = program, session, report
        self.suggested, self.minutes = suggested, minutes
        self.busy = False

    def heading(self) -> Text:
        return Text("The review is finished. Write the next round's plan?")

    def context(self) -> Text:
        minutes = " and ".join(str(p) for p in self.minutes)
        return Text(
            (f"Minutes written to {minutes}.\n\n" if minutes else "")
            + "From this review: the period moved on, the proposed targets, the open"
            f" actions as milestones, the lessons as comments. {self.program.path} stays"
            " as it is."
        )

    def fields(self) -> ComposeResult:
        yield from labelled("Write it to", Input(self.suggested, id="next-round-path"))

    def save(self) -> None:
        out = self.field("#next-round-path").strip()
        if not out:
            raise Refused("name the file to write the next round's plan to")
        if os.path.lexists(out):  # the command replaces one with --force; here, never
            raise Refused(f"{out} exists: choose another name")
        if self.busy:
            return
        self.busy = True  # one plan, even on a double press
        request = WriteNextRound(
            self.program, self.session, self.report, out, self._written, failed=self._failed
        )
        self.app.post_message(request)

    def _written(self, prepared: Prepared) -> None:
        found = prepared.found
        out = self.field("#next-round-path").strip()
        notes = "".join(f"\n{n}" for n in found.notes[:6])
        more = f"\nand {len(found.notes) - 6} more notes" if len(found.notes) > 6 else ""
        self.app.notify(
            f"{out}: {found.start} .. {found.end}{notes}{more}",
            title="Next round written",
            markup=False,
        )
        self.dismiss(None)

    def _failed(self, problem: str) -> None:
        self.busy = False
        self._say(Text(problem))
