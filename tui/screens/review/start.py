"""`AttendeesForm`, the start of a new review: who takes part, names separated by commas and
completed from the plan's people. It posts `AttendeesForm.Chosen` with the names; the screen
opens the session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from dsl.api import m

from ...review_items import split_names
from ...widgets.suggest_attendee import SuggestAttendee


class AttendeesForm(Vertical):
    """The names typed (`enter` or the button starts), the plan's people listed below."""

    @dataclass
    class Chosen(Message):
        """The review is to start with these attendees (never none)."""

        names: list[str]

    def compose(self) -> ComposeResult:
        yield Label("Who is taking part? Names separated by commas.")
        yield Input(
            id="attendees",
            placeholder="e.g. wang_fang, zhao_lei",
            suggester=SuggestAttendee([]),
        )
        yield Static(id="people")
        yield Button("Start the review", id="start", variant="primary")

    def offer(self, people: Sequence[m.Person]) -> None:
        """Suggest and list the plan's people (by id and by name)."""
        names = [p.id for p in people] + [p.title for p in people if p.title]
        self.query_one("#attendees", Input).suggester = SuggestAttendee(names)
        listed = ", ".join(f"{p.id} ({p.title})" if p.title else p.id for p in people)
        self.query_one("#people", Static).update(
            Text(f"People in the plan: {listed}" if people else "")
        )

    def ask(self) -> None:
        self.display = True
        self.query_one("#attendees", Input).focus()

    @property
    def busy(self) -> bool:
        """A session is being opened: one session, even on a double press."""
        return self.query_one("#start", Button).disabled

    @busy.setter
    def busy(self, busy: bool) -> None:
        self.query_one("#start", Button).disabled = busy

    @on(Input.Submitted, "#attendees")
    @on(Button.Pressed, "#start")
    def _start(self, event: Message) -> None:
        event.stop()
        if self.busy:
            return  # already opening one
        names = split_names(self.query_one("#attendees", Input).value)
        if not names:
            self.app.notify("Write who is taking part, separated by commas", severity="warning")
            return
        self.post_message(self.Chosen(names))
