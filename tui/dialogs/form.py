"""What the escalations, milestones and record screens share: a small form dialog that
checks what was typed before anything is written, and keeping a table's cursor on the same
row when an evaluation refills it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

if TYPE_CHECKING:
    from ..app import ReviewApp


class Refused(Exception):
    """What was typed cannot be saved; the message, shown in the dialog, says why."""


class FormDialog(ModalScreen[None]):
    """A form over the current screen: a heading, fields, a line saying what is wrong, and
    Save / Cancel. `enter` in a field or Save checks and saves (`save`); a refusal keeps the
    dialog open with its reason. `escape` or Cancel closes it without writing anything."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    FormDialog {
        align: center middle;
    }
    FormDialog > #form {
        width: 76;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    FormDialog #form-heading {
        text-style: bold;
    }
    FormDialog #form-context {
        color: $text-muted;
    }
    FormDialog .form-label {
        margin-top: 1;
    }
    FormDialog #form-problem {
        color: $error;
        height: auto;
        margin-top: 1;
        display: none;
    }
    FormDialog #form-buttons {
        height: auto;
        align-horizontal: right;
    }
    FormDialog #form-buttons Button {
        margin-left: 1;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.heading(), id="form-heading")
            yield Static(self.context(), id="form-context")
            yield from self.fields()
            yield Static("", id="form-problem")
            with Horizontal(id="form-buttons"):
                if self.can_save:
                    yield Button("Save", variant="primary", id="save")
                yield Button("Cancel" if self.can_save else "Close", id="cancel")

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
        """Check the fields and write them; raise `Refused` to keep the dialog open."""
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


def session(node: DOMNode) -> ReviewApp:
    """The review session a screen or dialog belongs to (for `loaded`, `db` and `write`)."""
    return cast("ReviewApp", node.app)


def now_iso() -> str:
    """When a change is written, as the store keeps it (the CLI writes the same form)."""
    return datetime.now(UTC).isoformat(timespec="seconds")
