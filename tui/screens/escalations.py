"""`e`: every escalation event of the evaluation, those still to acknowledge first, with the
people to notify and the runbooks to run for the selected one; `a` acknowledges it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Static

from dsl.api import Acknowledgement, EscalationEvent, Report, m

from .. import present
from ..dialogs.form import FormDialog, Refused, labelled, now_iso
from ..messages import Acknowledge
from .listing import ListScreen

EVENT_COLUMNS = (
    ("state", "State"),  # first: it is what this screen is for
    ("fired", "Fired on"),
    ("subject", "Subject"),
    ("rule", "Rule"),
    ("cycle", "Cycle from"),
    ("notify", "Notify"),
)  # the cycle's end and the runbooks are below, with the selected event in full
TO_ACKNOWLEDGE = "to acknowledge"


class EscalationsScreen(ListScreen[EscalationEvent]):
    """The escalation events, one row each; the selected one in full below the table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    NAME = "escalations"
    TABLE = "escalation-events"
    COLUMNS = EVENT_COLUMNS

    def below(self) -> Iterable[Widget]:
        with VerticalScroll(id="escalation-detail"):
            yield Static("", id="escalation-event")

    @property
    def acknowledgements(self) -> Mapping[str, Acknowledgement]:
        """Who acknowledged which event, when, and their note (read with the evaluation)."""
        return self.loaded.acknowledged if self.loaded else {}

    def items(self) -> list[EscalationEvent]:
        """Those still to acknowledge first, then the acknowledged; each by the day it fired
        (the report's order among events of the same day)."""
        report = self.report
        if report is None:
            return []
        return sorted(report.escalations, key=lambda e: (self._is_acknowledged(e), e.fired_on))

    def key(self, item: EscalationEvent) -> str:
        return item.key

    def cells(self, item: EscalationEvent, report: Report) -> Iterable[Text]:
        return (
            self._state(item),
            Text(str(item.fired_on)),
            present.literal(item.subject),
            present.literal(item.rule),
            Text(str(item.cycle_start or "-")),
            present.literal(", ".join(p.name for p in item.notify) or "-"),
        )

    def _is_acknowledged(self, event: EscalationEvent) -> bool:
        return event.key in self.acknowledgements

    def _state(self, event: EscalationEvent) -> Text:
        if not self._is_acknowledged(event):
            return Text(TO_ACKNOWLEDGE, style="bold yellow")
        found = self.acknowledgements.get(event.key)
        return Text(f"acknowledged by {found.by}" if found else "acknowledged", style="green")

    def summary(self, report: Report) -> Text:
        total = len(report.escalations)
        waiting = sum(not self._is_acknowledged(e) for e in report.escalations)
        text = Text()
        text.append("Escalations", style="bold")
        text.append(f"  as of {report.as_of:%Y-%m-%d %H:%M} ({report.timezone})\n")
        text.append(f"{total} event{'s' if total != 1 else ''}, {waiting} {TO_ACKNOWLEDGE}")
        if waiting:
            text.append("  ·  a acknowledges the selected event")
        return text

    def show_detail(self, item: EscalationEvent | None) -> None:
        detail = self.query_one("#escalation-event", Static)
        report = self.report
        if item is None or report is None:
            detail.update(Text("No escalation has fired." if report is not None else ""))
            return
        found = self.acknowledgements.get(item.key)
        detail.update(_event_detail(item, self._is_acknowledged(item), found, report.timezone))

    # ------------------------------------------------------------ acknowledging

    def action_acknowledge(self) -> None:
        event = self.selected
        if event is None:
            self.notify("There is no escalation event to acknowledge.", markup=False)
            return
        plan = self.loaded.outcome.checked.plan if self.loaded and self.loaded.outcome else None
        self.app.push_screen(
            AcknowledgeDialog(event, _names_to_suggest(plan), self.acknowledgements.get(event.key))
        )


class AcknowledgeDialog(FormDialog):
    """Who has seen the event, and a note; saving replaces an earlier acknowledgement."""

    def __init__(
        self, event: EscalationEvent, names: list[str], earlier: Acknowledgement | None
    ) -> None:
        super().__init__()
        self.event = event
        self.names = names
        self.earlier = earlier

    def heading(self) -> Text:
        return Text(f"Acknowledge {self.event.subject}: {self.event.rule}")

    def context(self) -> Text:
        text = Text(f"fired on {self.event.fired_on}")
        if self.earlier is not None:
            text.append(f"; acknowledged by {self.earlier.by} already: saving replaces it")
        return text

    def fields(self) -> ComposeResult:
        suggester = SuggestFromList(self.names, case_sensitive=False)
        yield from labelled(
            "Your name (right arrow takes the suggestion)",
            Input(placeholder="a person of the plan, or anyone", suggester=suggester, id="by"),
        )
        yield from labelled("Note", Input(placeholder="optional", id="note"))

    def on_mount(self) -> None:
        self.query_one("#by", Input).focus()

    def save(self) -> None:
        by = self.field("#by").strip()
        if not by:
            raise Refused("Say who acknowledges the event: the name cannot be empty.")
        self.app.post_message(Acknowledge(self.event.key, by, self.optional("#note"), now_iso()))


def _names_to_suggest(plan: m.Plan | None) -> list[str]:
    """The plan's people, by name and by id: who usually acknowledges."""
    if plan is None:
        return []
    names = [p.title for p in plan.people if p.title]
    return list(dict.fromkeys([*names, *(p.id for p in plan.people)]))


def _cycle(event: EscalationEvent) -> str:
    if event.cycle_start is None or event.cycle_end is None:
        return "-"  # a milestone event has no cycle
    if event.cycle_start == event.cycle_end:
        return str(event.cycle_start)
    return f"{event.cycle_start} .. {event.cycle_end}"


def _event_detail(
    event: EscalationEvent, acknowledged: bool, found: Acknowledgement | None, zone: str
) -> Text:
    text = Text()
    text.append(f"{event.subject}: {event.rule}", style="bold")
    text.append(f"\n{event.kind} {event.subject}")
    if event.cycle_start is not None:
        text.append(f", cycle {_cycle(event)}")
        if event.so_far:
            text.append(" (still open: its value so far)")
    text.append(f", fired on {event.fired_on}\n")
    text.append("\nNotify\n", style="bold")
    for person in event.notify:
        text.append(f"  {person.name}  {person.email or '(no e-mail)'}\n")
    if not event.notify:
        text.append("  nobody\n")
    text.append("\nRunbooks\n", style="bold")
    for runbook in event.runbooks:
        text.append(f"  {runbook.id}" + (f"  {runbook.title}" if runbook.title else "") + "\n")
        for number, step in enumerate(runbook.steps, start=1):
            who = step.by
            if step.person is not None and step.person.id != step.by:
                who = f"{step.by}: {step.person.name}"  # a team, and its lead who is told
            by = f", by {step.due}" if step.due else ""
            text.append(f"    {number}. {step.text}  ({who}, within {step.within}{by})\n")
    if not event.runbooks:
        text.append("  none\n")
    text.append("\n")
    if not acknowledged:
        text.append(f"{TO_ACKNOWLEDGE.capitalize()}: press a.", style="bold yellow")
    elif found is None:
        text.append("Acknowledged.", style="green")
    else:
        text.append(f"Acknowledged by {found.by} on {_local(found.at, zone)}", style="green")
        text.append(f"\nNote: {found.note}" if found.note else "\nNo note.")
    return text


def _local(stamp: str, zone: str) -> str:
    """A stored time (ISO 8601, UTC) in the plan's zone; as stored if it does not read."""
    try:
        moment = datetime.fromisoformat(stamp)
        return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} ({zone})"
    except (ValueError, KeyError):
        return stamp
