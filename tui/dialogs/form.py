"""`FormDialog`, the small form the acknowledge, mark-done and record dialogs are made of: it
checks what was typed before anything is asked of the store, and keeps its reason on screen
when it refuses. Saving posts a store request to the app (tui/messages.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static


class Refused(Exception):
    """What was typed cannot be saved; the message, shown in the dialog, says why."""


class FormDialog(ModalScreen[None]):
    """A form over the current screen: a heading, fields, a line saying what is wrong, and
    Save / Cancel. `enter` in a field or Save checks and saves (`save`); a refusal keeps the
    dialog open with its reason. `escape` or Cancel closes it without writing anything."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    SAVE = "Save"  # what the buttons say
    CANCEL = "Cancel"
    # A dialog whose saving is answered by a worker closes itself once it is (it stays open
    # to say why when it is refused).
    ANSWERED_LATER = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.heading(), id="form-heading")
            yield Static(self.context(), id="form-context")
            yield from self.fields()
            yield Static("", id="form-problem")
            with Horizontal(id="form-buttons"):
                if self.can_save:
                    yield Button(self.SAVE, variant="primary", id="save")
                yield Button(self.CANCEL if self.can_save else "Close", id="cancel")

    # What each dialog provides.

    def heading(self) -> Text:
        raise NotImplementedError

    def context(self) -> Text:
        """A line or two under the heading: what saving will do. Empty by default."""
        return Text()

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    @property
    def can_save(self) -> bool:
        return True

    def save(self) -> None:
        """Check the fields and ask the app to store them (a store request); raise `Refused`
        to keep the dialog open."""
        raise NotImplementedError

    # The form's behaviour.

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if not self.can_save:
            return
        try:
            self.save()
        except Refused as problem:
            self._say(Text(str(problem)))
            return
        if not self.ANSWERED_LATER:
            self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Changed)
    def _forget_the_problem(self) -> None:
        # Once the user edits a field, the old complaint may no longer hold.
        self._say(None)

    def _say(self, problem: Text | None) -> None:
        line = self.query_one("#form-problem", Static)
        line.update(problem or "")
        line.display = problem is not None

    def field(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def optional(self, selector: str) -> str | None:
        """A field that may be left empty (a note): as typed, or None when blank, so the
        store holds no value rather than an empty one."""
        typed = self.field(selector)
        return typed if typed.strip() else None


def labelled(label: str, widget: Widget) -> Iterable[Widget]:
    """A field with its label above it (`label` is our own text, never the user's)."""
    yield Label(Text(label), classes="form-label")
    yield widget


def now_iso() -> str:
    """When a change is written, as the store keeps it (the CLI writes the same form)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
