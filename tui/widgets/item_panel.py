"""`ItemPanel`, the page of one reviewed item, with the messages it posts up when a field
changes (`NoteEdited`, `TargetEdited`, `ActionWanted`) and the texts it shows. It never
touches the store: the review screen saves what the messages carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.validation import Function
from textual.widgets import Button, Input, Label, Select, Static, TextArea
from textual.widgets.select import NoSelection

from dsl import model as m
from dsl.report import GoalResult, MilestoneResult
from dsl.review import Action, ReviewRecord
from dsl.suggest import Suggestion, format_value, suggest_target

from .. import present
from ..review_items import Item, parse_due

# ---------------------------------------------------------------- messages up


@dataclass
class NoteEdited(Message):
    subject: str
    kind: str
    cause: str
    lesson: str


@dataclass
class TargetEdited(Message):
    goal: str
    target: str
    suggestion: str | None


@dataclass
class ActionWanted(Message):
    subject: str
    title: str
    owner: str
    due: date | None


# ---------------------------------------------------------------- one item


class ItemPanel(Vertical):
    """The page of one item: its heading, cause and lesson, improvement actions and (for a
    goal) the proposed target. Its fields post what changed; the screen stores it."""

    DEFAULT_CSS = """
    ItemPanel { height: auto; padding: 0 1; }
    ItemPanel .item-heading { background: $panel; padding: 0 1; margin-bottom: 1; }
    ItemPanel .field-label { color: $text-muted; margin-top: 1; }
    ItemPanel TextArea { height: 4; }
    ItemPanel .target-row, ItemPanel .action-form { height: auto; }
    ItemPanel #target { width: 24; }
    ItemPanel #suggestion { width: 1fr; padding: 0 1; color: $text-muted; }
    ItemPanel #action-title { width: 2fr; }
    ItemPanel #action-owner { width: 34; }
    ItemPanel #action-due { width: 20; }
    ItemPanel #actions { padding: 0 1; }
    ItemPanel #action-problem { color: $error; padding: 0 1; height: auto; }
    """

    def __init__(
        self,
        item: Item,
        result: GoalResult | MilestoneResult,
        people: Sequence[m.Person],
        record: ReviewRecord,
    ) -> None:
        super().__init__()
        self.item = item
        self.result = result
        self.people = tuple(people)
        note = next((n for n in record.notes if n.subject == item.subject), None)
        self.saved = (note.cause or "", note.lesson or "") if note else ("", "")
        proposal = next((p for p in record.proposals if p.goal == item.subject), None)
        self.target = proposal.target if proposal else ""
        self.actions = [a for a in record.actions if a.subject == item.subject]
        self.suggestion: Suggestion | None = None

    @property
    def is_goal(self) -> bool:
        return self.item.kind == "goal"

    def compose(self) -> ComposeResult:
        yield Static(classes="item-heading", id="heading")
        yield Label("Cause: why it happened", classes="field-label")
        yield TextArea(self.saved[0], id="cause", placeholder="what caused it")
        yield Label(
            "Lesson: what to keep or change so it does not come back", classes="field-label"
        )
        yield TextArea(self.saved[1], id="lesson", placeholder="what was learnt")
        if self.is_goal:
            yield Label("Proposed target for the next round", classes="field-label")
            with Horizontal(classes="target-row"):
                yield Input(self.target, placeholder="e.g. >= 92", id="target")
                yield Static(id="suggestion")
        yield Label("Improvement actions", classes="field-label")
        yield Static(id="actions")
        with Horizontal(classes="action-form"):
            yield Input(placeholder="action", id="action-title")
            yield Select(
                self._owner_options(),
                prompt="owner",
                id="action-owner",
                value=self._default_owner(),
            )
            yield Input(
                placeholder="due YYYY-MM-DD",
                id="action-due",
                validators=[Function(lambda text: parse_due(text)[1] is None, "YYYY-MM-DD")],
                validate_on=["changed"],
            )
            yield Button("Add", id="add-action")
        yield Static(id="action-problem")

    def on_mount(self) -> None:
        self._fill(self.result)
        self._list_actions()

    def _owner_options(self) -> list[tuple[Text, str]]:
        return [(Text(f"{p.title} ({p.id})" if p.title else p.id), p.id) for p in self.people]

    def _default_owner(self) -> str | NoSelection:
        """The item's owner, who most often takes its actions."""
        owner = self.result.owner
        return owner if any(p.id == owner for p in self.people) else Select.NULL

    # ------------------------------------------------------------ showing

    def show(self, result: GoalResult | MilestoneResult) -> None:
        """A new evaluation of the item (before the panel is mounted, on_mount shows it)."""
        self.result = result
        if self.is_mounted:
            self._fill(result)

    def _fill(self, result: GoalResult | MilestoneResult) -> None:
        self.query_one("#heading", Static).update(heading(result))
        if isinstance(result, GoalResult):
            self.suggestion = suggest_target(result)
            self.query_one("#suggestion", Static).update(suggestion_text(self.suggestion))
            hint = target_hint(result, self.suggestion)
            target = self.query_one("#target", Input)
            target.placeholder = f"e.g. {hint}" if hint else "e.g. >= 92"
            # typing the comparator offers the suggestion; right arrow takes it
            target.suggester = SuggestFromList([hint]) if hint else None

    def _list_actions(self) -> None:
        text = Text()
        for action in self.actions:
            text.append("• ")
            text.append(action.title, style="bold")
            text.append(f"  owner {action.owner}")
            text.append(f"  due {action.due}" if action.due else "  no due date")
            if action.status != "open":
                text.append(f"  ({action.status})")
            text.append("\n")
        text.rstrip()
        self.query_one("#actions", Static).update(text or Text("none yet", style="dim"))

    def show_added(self, action: Action) -> None:
        """The store took the action: list it and clear the form for the next one."""
        if not self.is_attached:
            return
        self.actions.append(action)
        self._list_actions()
        self.query_one("#action-title", Input).value = ""
        self.query_one("#action-due", Input).value = ""
        self.query_one("#action-title", Input).focus()

    def start_typing(self) -> None:
        self.query_one("#cause", TextArea).focus()

    # ------------------------------------------------------------ edits, passed up

    @on(TextArea.Changed)
    def _note_changed(self) -> None:
        typed = (self.query_one("#cause", TextArea).text, self.query_one("#lesson", TextArea).text)
        if typed != self.saved:  # loading the fields also says "changed"
            self.saved = typed
            self.post_message(NoteEdited(self.item.subject, self.item.kind, *typed))

    @on(Input.Changed, "#target")
    def _target_changed(self, event: Input.Changed) -> None:
        if event.value != self.target and isinstance(self.result, GoalResult):
            self.target = event.value
            suggestion = self.suggestion.text if self.suggestion else None
            self.post_message(TargetEdited(self.item.subject, event.value, suggestion))

    @on(Input.Submitted, "#action-title, #action-due")
    @on(Button.Pressed, "#add-action")
    def _add_action(self, event: Message) -> None:
        event.stop()
        title = self.query_one("#action-title", Input).value.strip()
        owner = self.query_one("#action-owner", Select).value
        due, problem = parse_due(self.query_one("#action-due", Input).value)
        if not title:
            problem = "an improvement action needs a title"
        elif not isinstance(owner, str):
            problem = "choose who owns the action"
        self.query_one("#action-problem", Static).update(Text(problem or ""))
        if problem:
            self.app.notify(problem, severity="warning", markup=False)
            return
        assert isinstance(owner, str)
        self.post_message(ActionWanted(self.item.subject, title, owner, due))


def heading(result: GoalResult | MilestoneResult) -> Text:
    """Status, id and title, then where it stands and who answers for it."""
    text = present.status(result.status)
    text.append("  ")
    text.append(result.id, style="bold")
    if result.title:
        text.append(f"  {result.title}")
    text.append("\n")
    if isinstance(result, GoalResult):
        text.append(f"latest {present.latest_value(result)}")
        text.append(f" against {present.latest_target(result)}")
        text.append(f"  ·  owner {result.owner}  ·  team {result.lead or '-'}")
    else:
        text.append(f"milestone due {result.due}, buffer {result.buffer_days}d")
        text.append(f", done {result.done_on}" if result.done_on else ", not done")
        text.append(f"  ·  owner {result.owner}")
    return text


def suggestion_text(suggestion: Suggestion | None) -> Text:
    if suggestion is None:
        return Text("no suggestion from history (too few complete cycles)", style="dim")
    text = Text("suggested from history: ")
    text.append(suggestion.text, style="bold")
    text.append(f"\n{suggestion.how}")
    return text


def target_hint(goal: GoalResult, suggestion: Suggestion | None) -> str | None:
    """The suggestion written as a target of the plan (`>= 91.5`: no unit), if any."""
    if suggestion is None or goal.better not in ("higher", "lower"):
        return None
    number = format_value(suggestion.value, replace(goal, unit=None))
    return f"{'>=' if goal.better == 'higher' else '<='} {number}"
