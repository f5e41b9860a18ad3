"""`m`: the milestones as a timeline by due date, where today falls against each due date and
buffer, and the selected one in words; `d` marks it done."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

from dsl.api import MilestoneResult, Report, m

from .. import present
from ..dialogs.form import FormDialog, Refused, labelled, now_iso
from ..messages import MarkDone
from .listing import ListScreen

MILESTONE_COLUMNS = (
    ("status", "Status"),
    ("milestone", "Milestone"),
    ("due", "Due"),
    ("buffer", "Buffer"),
    ("done", "Done on"),
    ("timeline", "Timeline"),
    ("owner", "Owner"),
    ("title", "Title"),  # last: the longest, and whole in the pane below
)

# The timeline bar of a row: weeks before the due date, the buffer, weeks after its end.
WEEKS_SHOWN = 8  # cells on each side of the buffer, one week each; further is the edge
BUFFER_CELLS = 6  # the buffer, however long, so every row's bar lines up
BEFORE, BUFFER, AFTER, EDGE = "·", "=", "·", "|"
TODAY, DONE = "●", "✓"
LEGEND = (
    f"Timeline: {BEFORE} a week before the due date {EDGE} due {BUFFER * 3} buffer {EDGE}"
    f" buffer end {AFTER} a week after it;  {TODAY} today  {DONE} done"
)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class MilestonesScreen(ListScreen[MilestoneResult]):
    """One row per milestone, by due date, and the selected one in full below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "mark_done", "Mark done"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    NAME = "milestones"
    TABLE = "milestone-timeline"
    COLUMNS = MILESTONE_COLUMNS

    def below(self) -> Iterable[Widget]:
        yield Static("", id="milestone-detail")

    def items(self) -> list[MilestoneResult]:
        report = self.report
        return sorted(report.milestones, key=lambda ms: (ms.due, ms.id)) if report else []

    def key(self, item: MilestoneResult) -> str:
        return item.id

    def cells(self, item: MilestoneResult, report: Report) -> Iterable[Text]:
        return (
            present.status(item.status),
            present.literal(item.id),
            Text(str(item.due)),
            Text(_buffer(item)),
            Text(str(item.done_on or "-")),
            Text(timeline_bar(item, report.as_of.date())),
            present.literal(item.owner),
            present.literal(item.title, "-"),
        )

    def summary(self, report: Report) -> Text:
        return _summary(report)

    def show_detail(self, item: MilestoneResult | None) -> None:
        detail = self.query_one("#milestone-detail", Static)
        report = self.report
        if item is None or report is None:
            detail.update(Text("The plan has no milestone." if report else ""))
            return
        plan = self.loaded.outcome.checked.plan if self.loaded and self.loaded.outcome else None
        declared = plan.get(item.id) if plan else None
        detail.update(_detail(item, report.as_of.date(), declared))

    # ------------------------------------------------------------ marking done

    def action_mark_done(self) -> None:
        ms, report = self.selected, self.report
        if ms is None or report is None:
            self.notify("There is no milestone to mark done.", markup=False)
            return
        self.app.push_screen(MarkDoneDialog(ms, report.as_of.date()))


class MarkDoneDialog(FormDialog):
    """The day a milestone was completed (the evaluation's day unless told), and a note."""

    def __init__(self, milestone: MilestoneResult, today: date) -> None:
        super().__init__()
        self.milestone = milestone
        self.today = today

    def heading(self) -> Text:
        return Text(f"Mark {self.milestone.id} done")

    def context(self) -> Text:
        text = Text(self.milestone.title or "")
        if self.milestone.done_on is not None:
            text.append(
                f"\nAlready done on {self.milestone.done_on}: the store keeps the earliest"
                " day, so only an earlier one changes it."
            )
        return text

    def fields(self) -> ComposeResult:
        yield from labelled(
            "Done on (YYYY-MM-DD)", Input(str(self.today), placeholder="2026-05-31", id="on")
        )
        yield from labelled("Note", Input(placeholder="optional", id="note"))

    def on_mount(self) -> None:
        self.query_one("#on", Input).focus()

    def save(self) -> None:
        typed = self.field("#on").strip()
        try:
            if not DATE.fullmatch(typed):
                raise ValueError(typed)
            day = date.fromisoformat(typed)
        except ValueError:
            raise Refused(
                f"'{typed}' is not a date; write it as YYYY-MM-DD, e.g. 2026-05-31"
            ) from None
        note = self.optional("#note")
        self.app.post_message(MarkDone(self.milestone.id, day, note, now_iso()))


def _summary(report: Report) -> Text:
    counts: dict[str, int] = {}
    for ms in report.milestones:
        counts[ms.status] = counts.get(ms.status, 0) + 1
    total = len(report.milestones)
    text = Text()
    text.append("Milestones", style="bold")
    text.append(f"  today {report.as_of.date()} (as of {report.as_of:%H:%M}, {report.timezone})")
    text.append(f"\n{total} milestone{'s' if total != 1 else ''}")
    for word, count in counts.items():
        text.append(f", {count} {word.replace('_', ' ')}")
    text.append(f"\n{LEGEND}", style="dim")
    return text


def _buffer(ms: MilestoneResult) -> str:
    if not ms.buffer_days:
        return "none"
    return f"{ms.buffer_days}d to {buffer_end(ms)}"


def buffer_end(ms: MilestoneResult) -> date:
    return ms.due + timedelta(days=ms.buffer_days)


def timeline_bar(ms: MilestoneResult, today: date) -> str:
    """Where today (and the day it was done) falls against the due date and the buffer:
    WEEKS_SHOWN cells of a week before the due date, the buffer, WEEKS_SHOWN after it ends.
    The zones are drawn with different characters, so the bar reads without colour."""
    buffer = BUFFER_CELLS if ms.buffer_days else 0
    cells = [BEFORE] * WEEKS_SHOWN + [EDGE] + [BUFFER] * buffer
    cells += [EDGE] * bool(buffer) + [AFTER] * WEEKS_SHOWN
    if ms.done_on is not None:
        cells[_cell(ms, ms.done_on)] = DONE
    cells[_cell(ms, today)] = TODAY
    return "".join(cells)


def _cell(ms: MilestoneResult, day: date) -> int:
    """The cell of `day`; the statuses' rule decides the zone (the due day is on time)."""
    end = buffer_end(ms)
    if day <= ms.due:
        weeks = min((ms.due - day).days // 7, WEEKS_SHOWN - 1)
        return WEEKS_SHOWN - 1 - weeks
    after_due = WEEKS_SHOWN + 1  # the first cell of the buffer, or of the weeks after
    if day <= end:
        return after_due + ((day - ms.due).days - 1) * BUFFER_CELLS // ms.buffer_days
    weeks = min(((day - end).days - 1) // 7, WEEKS_SHOWN - 1)
    return after_due + (BUFFER_CELLS + 1 if ms.buffer_days else 0) + weeks


def where_today_falls(ms: MilestoneResult, today: date) -> str:
    end = buffer_end(ms)
    if today < ms.due:
        return f"{_days(ms.due - today)} before the due date"
    if today == ms.due:
        return "the due date"
    if today <= end:
        return f"in the buffer, {_days(end - today)} before it ends"
    if ms.buffer_days:
        return f"{_days(today - end)} after the buffer ended"
    return f"{_days(today - ms.due)} after the due date"


def _days(span: timedelta) -> str:
    return f"{span.days} day{'s' if span.days != 1 else ''}"


def _detail(ms: MilestoneResult, today: date, declared: object) -> Text:
    text = Text()
    text.append(ms.id, style="bold")
    if ms.title:
        text.append(f"  {ms.title}")
    text.append("\n")
    text.append_text(present.status(ms.status))
    text.append(f"  ·  owner {ms.owner}")
    if isinstance(declared, m.Milestone) and declared.lead is not None:
        text.append(f"  ·  team {declared.lead.id}")
    text.append(f"\ndue {ms.due}")
    text.append(f", buffer {ms.buffer_days}d ending {buffer_end(ms)}" if ms.buffer_days else "")
    if ms.done_on is not None:  # finished: where today falls says nothing any more
        done = present.done_words(ms.done_on, ms.due, ms.buffer_days)
        text.append(f"\n{done} (on {ms.done_on})")
    else:
        text.append(f"\ntoday ({today}) is {where_today_falls(ms, today)}")
    if isinstance(declared, m.Milestone) and declared.after:
        text.append(f"\nafter {', '.join(ref.id for ref in declared.after)}")
    return text
