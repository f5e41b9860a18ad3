"""`e`: every escalation event of the evaluation, those still to acknowledge first, with the
people to notify and the runbooks to run for the selected one; `a` acknowledges it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Input, Static

from dsl.engine.report import EscalationEvent, Report
from dsl.language.model import Plan
from dsl.store.records import Acknowledgement

from .. import present
from ..dialogs.form import FormDialog, Refused, labelled, now_iso, session
from ..state import Loaded
from ..tables import move_to, selected_key

EVENT_COLUMNS = (
    ("state", "State"),  # first: it is what this screen is for
    ("fired", "Fired on"),
    ("subject", "Subject"),
    ("rule", "Rule"),
    ("cycle", "Cycle"),
    ("notify", "Notify"),
    ("runbooks", "Runbooks"),
)
TO_ACKNOWLEDGE = "to acknowledge"


class EscalationsScreen(Screen[None]):
    """The escalation events, one row each; the selected one in full below the table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    DEFAULT_CSS = """
    EscalationsScreen #escalations-summary {
        padding: 0 1;
        height: auto;
        background: $panel;
    }
    EscalationsScreen #escalation-events {
        height: 1fr;
    }
    EscalationsScreen #escalation-detail {
        height: auto;
        max-height: 60%;
        border-top: solid $accent;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="escalations-summary")
        yield DataTable(id="escalation-events", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="escalation-detail"):
            yield Static("", id="escalation-event")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#escalation-events", DataTable)
        for key, label in EVENT_COLUMNS:
            table.add_column(label, key=key)
        table.focus()

    # ------------------------------------------------------------ showing

    def show(self, loaded: Loaded) -> None:
        """Show a new evaluation, keeping the cursor on the event it was on."""
        self.loaded = loaded
        self._fill()

    @property
    def acknowledgements(self) -> Mapping[str, Acknowledgement]:
        """Who acknowledged which event, when, and their note (read with the evaluation)."""
        return self.loaded.acknowledged if self.loaded else {}

    def _fill(self) -> None:
        report = self.loaded.report if self.loaded else None
        summary = self.query_one("#escalations-summary", Static)
        table = self.query_one("#escalation-events", DataTable)
        current = selected_key(table)
        table.clear()
        if self.loaded is None or report is None:
            problems = self.loaded.problems if self.loaded else ()
            summary.update(Text("\n".join(("The plan cannot be evaluated:", *problems))))
            self._show_detail()
            return
        summary.update(self._summary(report))
        for event in self.events():
            table.add_row(
                self._state(event),
                Text(str(event.fired_on)),
                present.literal(event.subject),
                present.literal(event.rule),
                Text(_cycle(event)),
                present.literal(", ".join(p.name for p in event.notify) or "-"),
                present.literal(", ".join(r.id for r in event.runbooks) or "-"),
                key=event.key,
            )
        move_to(table, current)
        self._show_detail()

    def events(self) -> list[EscalationEvent]:
        """Those still to acknowledge first, then the acknowledged; each by the day it fired
        (the report's order among events of the same day)."""
        report = self.loaded.report if self.loaded else None
        if report is None:
            return []
        return sorted(report.escalations, key=lambda e: (self._is_acknowledged(e), e.fired_on))

    def _is_acknowledged(self, event: EscalationEvent) -> bool:
        known = self.loaded.acknowledged if self.loaded else frozenset()
        return event.key in known or event.key in self.acknowledgements

    def _state(self, event: EscalationEvent) -> Text:
        if not self._is_acknowledged(event):
            return Text(TO_ACKNOWLEDGE, style="bold yellow")
        found = self.acknowledgements.get(event.key)
        return Text(f"acknowledged by {found.by}" if found else "acknowledged", style="green")

    def _summary(self, report: Report) -> Text:
        total = len(report.escalations)
        waiting = sum(not self._is_acknowledged(e) for e in report.escalations)
        text = Text()
        text.append("Escalations", style="bold")
        text.append(f"  as of {report.as_of:%Y-%m-%d %H:%M} ({report.timezone})\n")
        text.append(f"{total} event{'s' if total != 1 else ''}, {waiting} {TO_ACKNOWLEDGE}")
        if waiting:
            text.append("  ·  a acknowledges the selected event")
        return text

    @on(DataTable.RowHighlighted, "#escalation-events")
    def _event_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        event = self.selected_event
        detail = self.query_one("#escalation-event", Static)
        if event is None:
            no_events = self.loaded is not None and self.loaded.report is not None
            detail.update(Text("No escalation has fired." if no_events else ""))
            return
        zone = self.loaded.report.timezone if self.loaded and self.loaded.report else "UTC"
        found = self.acknowledgements.get(event.key)
        detail.update(_event_detail(event, self._is_acknowledged(event), found, zone))

    # ------------------------------------------------------------ acknowledging

    @property
    def selected_event(self) -> EscalationEvent | None:
        key = selected_key(self.query_one("#escalation-events", DataTable))
        return next((e for e in self.events() if e.key == key), None)

    def action_acknowledge(self) -> None:
        event = self.selected_event
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
        note = self.optional("#note")
        key, now = self.event.key, now_iso()
        session(self).write(
            lambda store: store.reviews.acknowledge(key, by, note, now),
            f"acknowledged {key} as {by}",
        )


def _names_to_suggest(plan: Plan | None) -> list[str]:
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
            text.append(f"    {number}. {step.text}  ({step.by}, within {step.within})\n")
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
