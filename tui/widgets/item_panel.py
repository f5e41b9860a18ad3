"""`ItemPanel`, the page of one reviewed item, with the messages it posts up when a field
changes (`NoteEdited`, `TargetEdited`, `ActionWanted`, `ActionStatusWanted`) and the texts it
shows. It never touches the store: the review pages hand what the messages carry to the app."""

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
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.select import NoSelection

from dsl.api import (
    MIN_CYCLES,
    Action,
    GoalResult,
    MilestoneResult,
    ProposalCheck,
    ReviewRecord,
    Suggestion,
    Suggestions,
    check_proposal,
    format_value,
    m,
    suggestions,
)

from .. import present
from ..review_items import Item, next_status, parse_due

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
    note: str


@dataclass
class ActionWanted(Message):
    subject: str
    title: str
    owner: str
    due: date | None


@dataclass
class ActionStatusWanted(Message):
    action: int
    status: str


# ---------------------------------------------------------------- one item


class ItemPanel(Vertical):
    """The page of one item: its heading, cause and lesson, improvement actions and (for a
    goal) the proposed target, then the actions still open from earlier reviews. Its fields
    post what changed; the app stores it. `enter` (or a click) on an action moves its
    status on: open, done, dropped, open again."""

    def __init__(
        self,
        item: Item,
        result: GoalResult | MilestoneResult,
        people: Sequence[m.Person],
        record: ReviewRecord,
        earlier: Sequence[Action] = (),
    ) -> None:
        super().__init__()
        self.item = item
        self.result = result
        self.people = tuple(people)
        note = next((n for n in record.notes if n.subject == item.subject), None)
        self.saved = (note.cause or "", note.lesson or "") if note else ("", "")
        proposal = next((p for p in record.proposals if p.goal == item.subject), None)
        self.target = proposal.target if proposal else ""
        self.target_note = (proposal.note or "") if proposal else ""
        self.actions = [a for a in record.actions if a.subject == item.subject]
        self.earlier = [a for a in earlier if a.subject == item.subject]
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
            yield Static(id="proposal-check")
            yield Input(
                self.target_note, placeholder="why this target (optional)", id="target-note"
            )
        # the lists come after the form: tab goes from the fields to the form first
        yield Label("Improvement actions", classes="field-label")
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
        yield Static(Text("none yet"), id="no-actions")
        yield OptionList(id="actions")
        yield Label("Open from earlier reviews", classes="field-label", id="earlier-heading")
        yield OptionList(id="earlier-actions")

    def on_mount(self) -> None:
        self._fill(self.result)
        self._list_actions()
        self._list_earlier()

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
            found = suggestions(result)
            self.suggestion = found.offered
            self.query_one("#suggestion", Static).update(
                suggestion_text(self.suggestion) + others_text(found)
            )
            hint = target_hint(result, self.suggestion)
            target = self.query_one("#target", Input)
            target.placeholder = f"e.g. {hint}" if hint else "e.g. >= 92"
            # typing the comparator offers the suggestion; right arrow takes it
            target.suggester = SuggestFromList([hint]) if hint else None
            self._check_proposal()

    def _list_actions(self) -> None:
        listed = fill(self.query_one("#actions", OptionList), self.actions)
        listed.display = bool(self.actions)
        self.query_one("#no-actions").display = not self.actions

    def _list_earlier(self) -> None:
        listed = fill(self.query_one("#earlier-actions", OptionList), self.earlier)
        listed.display = bool(self.earlier)
        self.query_one("#earlier-heading").display = bool(self.earlier)

    def show_earlier(self, earlier: Sequence[Action]) -> None:
        """The actions still open from earlier reviews (read once the session began)."""
        own = {a.id for a in self.actions}
        self.earlier = [a for a in earlier if a.subject == self.item.subject and a.id not in own]
        if self.is_mounted:
            self._list_earlier()

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

    @on(Input.Changed, "#target, #target-note")
    def _target_changed(self) -> None:
        target = self.query_one("#target", Input).value
        note = self.query_one("#target-note", Input).value
        self._check_proposal()
        if (target, note) != (self.target, self.target_note):  # loading says "changed" too
            self.target, self.target_note = target, note
            suggestion = self.suggestion.text if self.suggestion else None
            self.post_message(TargetEdited(self.item.subject, target, suggestion, note))

    def _check_proposal(self) -> None:
        """Beside the proposal: how often the past cycles would have met it, and a warning
        when it points the wrong way (the engine judges; the panel shows)."""
        if not isinstance(self.result, GoalResult):
            return
        check = check_proposal(self.result, self.query_one("#target", Input).value)
        self.query_one("#proposal-check", Static).update(proposal_text(check))

    @on(OptionList.OptionSelected, "#actions, #earlier-actions")
    def _cycle_status(self, event: OptionList.OptionSelected) -> None:
        """Move the chosen action's status on; the line says so at once, the screen stores it."""
        event.stop()
        actions = self.actions if event.option_list.id == "actions" else self.earlier
        index = event.option_index
        if not 0 <= index < len(actions) or str(actions[index].id) != event.option.id:
            return
        action = replace(actions[index], status=next_status(actions[index].status))
        actions[index] = action
        event.option_list.replace_option_prompt_at_index(index, action_line(action))
        self.post_message(ActionStatusWanted(action.id, action.status))

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


def fill(listed: OptionList, actions: Sequence[Action]) -> OptionList:
    """One line per action, the highlight kept where it was (on the first at the start), so
    `enter` has an action to act on as soon as the list has the focus."""
    highlighted = listed.highlighted
    listed.set_options(Option(action_line(a), id=str(a.id)) for a in actions)
    if actions:
        listed.highlighted = min(highlighted or 0, len(actions) - 1)
    return listed


def action_line(action: Action) -> Text:
    """`[open] title — owner, due 2026-12-31`, as plain text (the title is what was typed)."""
    text = Text(f"[{action.status}] ", style="bold" if action.status == "open" else "dim")
    text.append(action.title, style="bold" if action.status == "open" else "strike")
    text.append(f" — {action.owner}, ")
    text.append(f"due {action.due}" if action.due else "no due date")
    return text


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
        if result.done_on is not None:
            done = present.done_words(result.done_on, result.due, result.buffer_days)
            text.append(f", {done} (on {result.done_on})")
        else:
            text.append(", not done")
        text.append(f"  ·  owner {result.owner}")
    return text


def suggestion_text(suggestion: Suggestion | None) -> Text:
    if suggestion is None:
        return Text(
            f"no suggestion from history (fewer than {MIN_CYCLES} usable complete cycles)",
            style="dim",
        )
    text = Text("suggested from history: ")
    text.append(suggestion.text, style="bold")
    text.append(f"\n{suggestion.how}")
    return text


def proposal_text(check: ProposalCheck | None) -> Text:
    """`met in 3 of the last 12 complete cycles (25%)`, after the warning if there is one."""
    if check is None:
        return Text("")
    text = Text()
    if check.warning:
        text.append(f"⚠ {check.warning}\n", style="bold yellow")
    text.append(f"this proposal: {check.text}")
    return text


def others_text(found: Suggestions) -> Text:
    """The conservative and stretch targets beside the suggested one, as `goalline suggest`
    gives them, and the worst and best of the cycles they come from."""
    others = [p for p in found.proposals if p.level != "suggested"]
    if not others or found.worst is None or found.best is None:
        return Text("")
    said = "; ".join(f"{p.level} {p.target} (met in {p.met} of {p.of})" for p in others)
    worst, best = found.worst.value, found.best.value
    assert worst is not None and best is not None
    goal = found.goal
    return Text(
        f"\n{said}; worst {format_value(worst, goal)}, best {format_value(best, goal)}",
        style="dim",
    )


def target_hint(goal: GoalResult, suggestion: Suggestion | None) -> str | None:
    """The suggestion written as a target of the plan (`>= 91.5`: no unit), if any."""
    if suggestion is None or goal.better not in ("higher", "lower"):
        return None
    number = format_value(suggestion.value, replace(goal, unit=None))
    return f"{'>=' if goal.better == 'higher' else '<='} {number}"
