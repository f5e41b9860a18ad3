"""`ReviewScreen`, review mode as one screen: it finds the plan's unfinished review (resumed as
it was left) or asks who takes part and opens one, then shows the session's pages under a
title that says where the review stands. The store is the app's: every read and write here
is a request posted to it, answered through a callback."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from dsl.api import (
    Action,
    Comparison,
    GoalResult,
    Report,
    ReviewRecord,
    ReviewSession,
    m,
    next_name,
    proposal_parts,
)

from ...dialogs.rounds import NextRound, ProposalBacktest
from ...messages import (
    BacktestProposal,
    FindReview,
    OpenReview,
    ReadEarlierActions,
    SaveDrafts,
    SetAttendees,
)
from ...review_items import now_text, split_names, when
from ...state import Loaded
from .minutes import Minutes
from .pages import ItemPages
from .start import AttendeesForm

NOTHING = (
    "Nothing needs attention: every goal is met and every milestone on time."
    " Finish to write the minutes."
)


class ReviewScreen(Screen[None]):
    """Review mode. Opened with `v`; `escape` goes back and the review waits to be resumed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: typing fields (and the scroll view) would take these keys otherwise
        Binding("pagedown", "next_item", "Next item", priority=True),
        Binding("pageup", "previous_item", "Previous item", priority=True),
        Binding("ctrl+o", "export", "Export minutes", priority=True),
        Binding("ctrl+f", "finish", "Finish", priority=True),
        Binding("ctrl+b", "backtest", "Backtest", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
        # single letters only reach the screen when no field has the focus
        Binding("n", "next_item", "Next item", show=False),
        Binding("p", "previous_item", "Previous item", show=False),
        Binding("v", "nothing", show=False),  # already reviewing: not a second review screen
    ]

    def __init__(self, plan: str) -> None:
        """`plan` is the plan file reviewed. Sessions are kept per plan file, by its absolute
        path: the same plan opened from another folder finds its unfinished review."""
        super().__init__()
        self.plan_key = str(Path(plan).resolve())
        self.loaded: Loaded | None = None
        self.resumed = False
        self.pages = ItemPages(id="items")  # made here: the session is asked for before mounting
        self.minutes = Minutes(self, self._offer_next_round)

    @property
    def record(self) -> ReviewRecord | None:
        """The session, as it was when it began here (None until it has)."""
        return self.pages.record

    @property
    def session(self) -> ReviewSession | None:
        return self.record.session if self.record else None

    def compose(self) -> ComposeResult:
        yield Static(Text("Review: looking for an unfinished review..."), id="review-title")
        yield AttendeesForm(id="review-start")
        with Vertical(id="review-body"):
            with Horizontal(id="session-bar"):
                yield Label("Attendees")
                yield Input(id="session-attendees")
            yield Static(id="nothing")
            yield self.pages
            with Horizontal(id="review-buttons"):
                yield Button("Previous", id="previous")
                yield Button("Next", id="next")
                yield Button("Export minutes", id="export")
                yield Button("Finish", id="finish", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AttendeesForm).display = False
        self.query_one("#review-body").display = False
        failed = self._cannot_start
        self.app.post_message(FindReview(self.plan_key, self._found, failed=failed))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_item", "previous_item", "export", "finish", "backtest"):
            return self.session is not None
        return True

    def action_nothing(self) -> None:
        pass

    def on_unmount(self) -> None:
        """The screen is closing (escape): what was typed in the last moment is stored now
        (when the whole session is closing, the app stores it as it ends)."""
        self.app.post_message(SaveDrafts())

    # ------------------------------------------------------------ starting or resuming

    # Answers come back from the app's workers; by then the screen may have been closed
    # (escape), and a closed screen has no widgets to fill.

    def _cannot_start(self, problem: str) -> None:
        if self.is_attached:
            self.query_one("#review-title", Static).update(Text(f"Cannot review: {problem}"))

    def _found(self, record: ReviewRecord | None) -> None:
        if record is not None:
            self._begin(record, resumed=True)
        elif self.is_attached:
            self.query_one("#review-title", Static).update(Text("Review: who is here?"))
            self._offer_people()
            self.query_one(AttendeesForm).ask()

    def _offer_people(self) -> None:
        self.query_one(AttendeesForm).offer(self._people())

    def _people(self) -> tuple[m.Person, ...]:
        plan = self.loaded.outcome.checked.plan if self.loaded and self.loaded.outcome else None
        return plan.people if plan else ()

    def on_attendees_form_chosen(self, message: AttendeesForm.Chosen) -> None:
        form = self.query_one(AttendeesForm)
        report = self.loaded.report if self.loaded else None
        if form.busy:
            return  # already opening one
        if report is None:
            self.app.notify(
                "The plan has to be evaluated before it can be reviewed", severity="warning"
            )
            return
        form.busy = True  # one session, even on a double press
        as_of = report.as_of.isoformat()
        opening = OpenReview(
            self.plan_key, as_of, message.names, now_text(), self._opened, failed=self._refused
        )
        self.app.post_message(opening)

    def _opened(self, record: ReviewRecord) -> None:
        self._begin(record, resumed=False)

    def _refused(self, problem: str) -> None:
        if self.is_attached:
            self.query_one(AttendeesForm).busy = False
        self.app.notify(problem, severity="error", markup=False)

    def _begin(self, record: ReviewRecord, *, resumed: bool) -> None:
        if not self.is_attached:
            return  # the session waits in the store: `v` resumes it
        self.pages.begin(record)
        self.resumed = resumed
        self.query_one(AttendeesForm).display = False
        self.query_one("#review-body").display = True
        self.query_one("#session-attendees", Input).value = ", ".join(record.session.attendees)
        self.refresh_bindings()
        if resumed:
            started = when(record.session.started_at)
            self.app.notify(f"resumed the review started {started}", markup=False)
        self._arrange()
        self.app.post_message(ReadEarlierActions(record.session.id, self._show_earlier))

    def _show_earlier(self, earlier: dict[str, list[Action]]) -> None:
        if self.is_attached:
            self.pages.show_earlier(earlier)

    @on(Input.Changed, "#session-attendees")
    def _attendees_changed(self, event: Input.Changed) -> None:
        session = self.session
        names = split_names(event.value)
        if session is not None and tuple(names) != session.attendees:
            self.app.post_message(SetAttendees(session.id, names))

    # ------------------------------------------------------------ showing

    def show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        if self.session is None:
            self._offer_people()
        self._arrange()

    def _arrange(self) -> None:
        """Lay out the pages of the current evaluation, keeping the one being looked at."""
        if self.record is None or self.loaded is None:
            return
        report = self.loaded.report
        if report is None:  # the plan stopped checking: keep what is there, say why
            self.query_one("#review-title", Static).update(
                Text("The plan cannot be evaluated: " + "; ".join(self.loaded.problems))
            )
            return
        first = self.pages.lay_out(report, self._people())
        self._show_current(focus=first)

    def _show_current(self, *, focus: bool = False) -> None:
        pages = self.pages
        pages.show_current(focus=focus)
        nothing = self.query_one("#nothing", Static)
        nothing.display = not pages.items
        nothing.update(Text(NOTHING))
        self.query_one("#previous", Button).disabled = pages.current == 0
        self.query_one("#next", Button).disabled = pages.current >= len(pages.items) - 1
        self.query_one("#review-title", Static).update(self._title())

    def _title(self) -> Text:
        report = self.loaded.report if self.loaded else None
        session, pages = self.session, self.pages
        text = Text("Review", style="bold")
        if report is not None:
            text.append(f"  {report.title or report.file}", style="bold")
            text.append(f"  ·  as of {report.as_of:%Y-%m-%d %H:%M} ({report.timezone})")
        text.append("\n")
        if pages.items:
            text.append(f"item {pages.current + 1} of {len(pages.items)}")
        else:
            text.append("no item needs attention")
        if session is not None:
            verb = "resumed the review started" if self.resumed else "started"
            text.append(f"  ·  {verb} {when(session.started_at)}")
        return text

    # ------------------------------------------------------------ moving

    def action_next_item(self) -> None:
        if self.pages.move(+1):
            self._show_current(focus=True)

    def action_previous_item(self) -> None:
        if self.pages.move(-1):
            self._show_current(focus=True)

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next_item()

    @on(Button.Pressed, "#previous")
    def _previous_pressed(self) -> None:
        self.action_previous_item()

    # ------------------------------------------------------------ the minutes

    def action_export(self) -> None:
        self.minutes.write(self.session, self._report(), finish=False)

    def action_finish(self) -> None:
        self.minutes.write(self.session, self._report(), finish=True)

    def _report(self) -> Report | None:
        return self.loaded.report if self.loaded else None

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#finish")
    def _finish_pressed(self) -> None:
        self.action_finish()

    # ------------------------------------------------------------ looking ahead

    def action_backtest(self) -> None:
        """The goal on the page judged again over the period with the target proposed in its
        field (saved or not), beside how the plan judges it."""
        subject, loaded = self.pages.subject, self.loaded
        panel = self.pages.panels.get(subject) if subject else None
        if panel is None or not isinstance(panel.result, GoalResult):
            self.app.notify("Only a goal's proposed target can be backtested", severity="warning")
            return
        target = panel.query_one("#target", Input).value
        if proposal_parts(target) is None:
            self.app.notify(
                "Write a proposed target first, such as >= 92 or <= 4", severity="warning"
            )
            return
        if loaded is None or loaded.program is None or loaded.report is None:
            return

        goal = panel.result.id

        def show(found: Comparison) -> None:
            self.app.push_screen(ProposalBacktest(goal, target, found))

        as_of = loaded.report.as_of
        self.app.post_message(BacktestProposal(loaded.program, as_of, goal, target, show))

    def _offer_next_round(self, minutes: Sequence[Path]) -> bool:
        """Once the review is finished (and this screen closed): write the next round's plan?
        The offer says where the minutes went, so that no message hides it."""
        loaded, session = self.loaded, self.session
        if loaded is None or loaded.program is None or loaded.report is None or session is None:
            return False
        report, program = loaded.report, loaded.program
        suggested = next_name(program.path, report.period_start, report.period_end)
        self.app.push_screen(NextRound(program, session.id, report, suggested, minutes))
        return True
