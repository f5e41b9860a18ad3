"""Review mode: the team steps through what needs attention, one item at a time, and writes
down causes, lessons, improvement actions and next round's targets; the minutes come last.

Everything typed is saved as it is typed (a closed terminal loses nothing), and an unfinished
review of the plan is resumed where it was left. Store work runs in worker threads: edits go
through `ReviewApp.write`, reads and the minutes through this screen's own workers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Label, Static

from dsl.engine.report import Report
from dsl.output.minutes_files import MinutesError, export_minutes
from dsl.store.database import Store, StoreError
from dsl.store.records import Action, ReviewRecord, ReviewSession

from ..review_items import (
    Drafts,
    Item,
    earlier_open_actions,
    now_text,
    review_items,
    split_names,
    when,
    written_about,
)
from ..state import Loaded
from ..widgets.item_panel import (
    ActionStatusWanted,
    ActionWanted,
    ItemPanel,
    NoteEdited,
    TargetEdited,
)
from ..widgets.suggest_attendee import SuggestAttendee

if TYPE_CHECKING:
    from ..app import ReviewApp

# Notes are written after this many seconds without typing: one write per pause, not per key
# (each write is a store transaction, and the plan's watcher sees every one).
SAVE_AFTER = 0.3


class ReviewScreen(Screen[None]):
    """Review mode. Opened with `v`; `escape` goes back and the review waits to be resumed."""

    DEFAULT_CSS = """
    ReviewScreen #review-title { background: $panel; padding: 0 1; height: auto; }
    ReviewScreen #review-start { padding: 1 2; height: auto; }
    ReviewScreen #attendees { width: 80; }
    ReviewScreen #people { color: $text-muted; margin: 1 0; }
    ReviewScreen #review-body { height: 1fr; }
    ReviewScreen #session-bar { height: auto; padding: 0 1; }
    ReviewScreen #session-bar Label { padding: 1 1 0 0; }
    ReviewScreen #session-attendees { width: 1fr; }
    ReviewScreen #items { height: 1fr; }
    ReviewScreen #nothing { padding: 1 2; }
    ReviewScreen #review-buttons { height: auto; padding: 0 1; }
    ReviewScreen #review-buttons Button { margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: typing fields (and the scroll view) would take these keys otherwise
        Binding("pagedown", "next_item", "Next item", priority=True),
        Binding("pageup", "previous_item", "Previous item", priority=True),
        Binding("ctrl+o", "export", "Export minutes", priority=True),
        Binding("ctrl+f", "finish", "Finish", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
        # single letters only reach the screen when no field has the focus
        Binding("n", "next_item", "Next item", show=False),
        Binding("p", "previous_item", "Previous item", show=False),
        Binding("v", "nothing", show=False),  # already reviewing: not a second review screen
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None
        self.record: ReviewRecord | None = None  # the session, as it was when it began here
        self.resumed = False
        self.items: list[Item] = []
        self.current = 0
        self.panels: dict[str, ItemPanel] = {}
        self.written: set[str] = set()  # subjects with something typed: they stay listed
        # actions still open from earlier reviews, by subject: read once the session begins
        self.earlier: dict[str, list[Action]] = {}
        self.drafts = Drafts()
        self.save_timer: Timer | None = None
        self.minutes_busy = False

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    @property
    def session(self) -> ReviewSession | None:
        return self.record.session if self.record else None

    @property
    def plan_key(self) -> str:
        """Sessions are kept per plan file, by its absolute path: the same plan opened from
        another folder finds its unfinished review."""
        return str(Path(self.review_app.plan).resolve())

    def compose(self) -> ComposeResult:
        yield Static(Text("Review: looking for an unfinished review..."), id="review-title")
        with Vertical(id="review-start"):
            yield Label("Who is taking part? Names separated by commas.")
            yield Input(
                id="attendees",
                placeholder="e.g. wang_fang, zhao_lei",
                suggester=SuggestAttendee([]),
            )
            yield Static(id="people")
            yield Button("Start the review", id="start", variant="primary")
        with Vertical(id="review-body"):
            with Horizontal(id="session-bar"):
                yield Label("Attendees")
                yield Input(id="session-attendees")
            yield Static(id="nothing")
            yield VerticalScroll(id="items")
            with Horizontal(id="review-buttons"):
                yield Button("Previous", id="previous")
                yield Button("Next", id="next")
                yield Button("Export minutes", id="export")
                yield Button("Finish", id="finish", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-start").display = False
        self.query_one("#review-body").display = False
        self._look_for_session()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_item", "previous_item", "export", "finish"):
            return self.session is not None
        return True

    def action_nothing(self) -> None:
        pass

    # ------------------------------------------------------------ starting

    @work(thread=True, exclusive=True, group="review-start")
    def _look_for_session(self) -> None:
        try:
            with Store.open(self.review_app.db) as store:
                session = store.reviews.unfinished_review(self.plan_key)
                record = store.reviews.review_record(session.id) if session else None
        except StoreError as problem:
            self.app.call_from_thread(self._cannot_start, str(problem))
            return
        if record is None:
            self.app.call_from_thread(self._ask_attendees)
        else:
            self.app.call_from_thread(self._begin, record, True)

    # Workers hand results back with call_from_thread; by then the screen may have been
    # closed (escape), and a closed screen has no widgets to fill.

    def _cannot_start(self, problem: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#review-title", Static).update(Text(f"Cannot review: {problem}"))

    def _ask_attendees(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#review-title", Static).update(Text("Review: who is here?"))
        self.query_one("#review-start").display = True
        self._offer_people()
        self.query_one("#attendees", Input).focus()

    def _offer_people(self) -> None:
        plan = self.loaded.outcome.checked.plan if self.loaded and self.loaded.outcome else None
        people = plan.people if plan else ()
        names = [p.id for p in people] + [p.title for p in people if p.title]
        self.query_one("#attendees", Input).suggester = SuggestAttendee(names)
        listed = ", ".join(f"{p.id} ({p.title})" if p.title else p.id for p in people)
        self.query_one("#people", Static).update(
            Text(f"People in the plan: {listed}" if people else "")
        )

    @on(Input.Submitted, "#attendees")
    @on(Button.Pressed, "#start")
    def _start(self, event: Message) -> None:
        event.stop()
        if self.query_one("#start", Button).disabled:
            return  # already opening one
        attendees = split_names(self.query_one("#attendees", Input).value)
        report = self.loaded.report if self.loaded else None
        if not attendees:
            self.app.notify("Write who is taking part, separated by commas", severity="warning")
            return
        if report is None:
            self.app.notify(
                "The plan has to be evaluated before it can be reviewed", severity="warning"
            )
            return
        plan, as_of, now = self.plan_key, report.as_of.isoformat(), now_text()
        self.query_one("#start", Button).disabled = True  # one session, even on a double press

        def open_session(store: Store) -> None:
            try:
                session = store.reviews.open_review(plan, as_of, attendees, now)
            except StoreError:
                self.app.call_from_thread(self._may_start_again)
                raise  # the app tells what the store said
            self.app.call_from_thread(self._begin, ReviewRecord(session, (), (), ()), False)

        self.review_app.write(open_session, reevaluate=False)

    def _may_start_again(self) -> None:
        if self.is_attached:
            self.query_one("#start", Button).disabled = False

    def _begin(self, record: ReviewRecord, resumed: bool) -> None:
        if not self.is_attached:
            return  # the session waits in the store: `v` resumes it
        self.record = record
        self.written = written_about(record)
        self.resumed = resumed
        self.query_one("#review-start").display = False
        self.query_one("#review-body").display = True
        self.query_one("#session-attendees", Input).value = ", ".join(record.session.attendees)
        self.refresh_bindings()
        if resumed:
            started = when(record.session.started_at)
            self.app.notify(f"resumed the review started {started}", markup=False)
        self._arrange()
        self._read_earlier(record.session.id)

    @work(thread=True, exclusive=True, group="review-earlier")
    def _read_earlier(self, session: int) -> None:
        try:
            with Store.open(self.review_app.db) as store:
                earlier = earlier_open_actions(store, session)
        except StoreError as problem:
            self.app.call_from_thread(self.app.notify, str(problem), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show_earlier, earlier)

    def _show_earlier(self, earlier: dict[str, list[Action]]) -> None:
        if not self.is_attached:
            return
        self.earlier = earlier
        for subject, panel in self.panels.items():
            panel.show_earlier(earlier.get(subject, ()))

    # ------------------------------------------------------------ showing

    def show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        if self.session is None:
            self._offer_people()
        self._arrange()

    def _arrange(self) -> None:
        """Lay out the items of the current evaluation, keeping the one being looked at."""
        if self.record is None or self.loaded is None:
            return
        report = self.loaded.report
        if report is None:  # the plan stopped checking: keep what is there, say why
            self.query_one("#review-title", Static).update(
                Text("The plan cannot be evaluated: " + "; ".join(self.loaded.problems))
            )
            return
        looking_at = self.items[self.current].subject if self.items else None
        self.items = review_items(report, self.written)
        results = {g.id: g for g in report.goals} | {ms.id: ms for ms in report.milestones}
        for item in self.items:
            panel = self.panels.get(item.subject)
            if panel is None:
                plan = self.loaded.outcome.checked.plan if self.loaded.outcome else None
                panel = ItemPanel(
                    item,
                    results[item.subject],
                    plan.people if plan else (),
                    self.record,
                    self.earlier.get(item.subject, ()),
                )
                self.panels[item.subject] = panel
                self.query_one("#items", VerticalScroll).mount(panel)
            else:
                panel.show(results[item.subject])
        subjects = [item.subject for item in self.items]
        self.current = (
            subjects.index(looking_at)
            if looking_at in subjects
            else min(self.current, max(len(subjects) - 1, 0))
        )
        self._show_current(focus=looking_at is None)

    def _show_current(self, *, focus: bool = False) -> None:
        current = self.items[self.current].subject if self.items else None
        for subject, panel in self.panels.items():
            panel.display = subject == current
        nothing = self.query_one("#nothing", Static)
        nothing.display = not self.items
        nothing.update(
            Text(
                "Nothing needs attention: every goal is met and every milestone"
                " on time. Finish to write the minutes."
            )
        )
        self.query_one("#previous", Button).disabled = self.current == 0
        self.query_one("#next", Button).disabled = self.current >= len(self.items) - 1
        self.query_one("#review-title", Static).update(self._title())
        self.query_one("#items", VerticalScroll).scroll_home(animate=False)
        if focus and current is not None:
            panel = self.panels[current]
            self.call_after_refresh(panel.start_typing)  # once it is mounted

    def _title(self) -> Text:
        report = self.loaded.report if self.loaded else None
        session = self.session
        text = Text("Review", style="bold")
        if report is not None:
            text.append(f"  {report.title or report.file}", style="bold")
            text.append(f"  ·  as of {report.as_of:%Y-%m-%d %H:%M} ({report.timezone})")
        text.append("\n")
        if self.items:
            text.append(f"item {self.current + 1} of {len(self.items)}")
        else:
            text.append("no item needs attention")
        if session is not None:
            verb = "resumed the review started" if self.resumed else "started"
            text.append(f"  ·  {verb} {when(session.started_at)}")
        return text

    # ------------------------------------------------------------ moving

    def action_next_item(self) -> None:
        self._move(+1)

    def action_previous_item(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        if not self.items:
            return
        moved = min(max(self.current + step, 0), len(self.items) - 1)
        if moved != self.current:
            self.save_drafts()  # the page being left is stored at once
            self.current = moved
            self._show_current(focus=True)

    @on(Button.Pressed, "#next")
    def _next_pressed(self) -> None:
        self.action_next_item()

    @on(Button.Pressed, "#previous")
    def _previous_pressed(self) -> None:
        self.action_previous_item()

    # ------------------------------------------------------------ saving what is typed

    def _save(
        self, key: Hashable, save: Callable[[Store], object], subject: str | None = None
    ) -> None:
        if subject is not None:
            self.written.add(subject)
        self.drafts.put(key, save)
        if self.save_timer is not None:
            self.save_timer.stop()
        self.save_timer = self.set_timer(SAVE_AFTER, self.save_drafts)

    def save_drafts(self) -> None:
        """Write what was typed (in a worker: the store may be busy with another writer)."""
        if self.save_timer is not None:
            self.save_timer.stop()
        if self.drafts.waiting:
            self.review_app.write(self.drafts.save, reevaluate=False)

    def on_unmount(self) -> None:
        """The screen is closing (escape, or the app quits): what was typed in the last
        moment is stored now, here, as a worker may no longer get the chance to run."""
        if self.save_timer is not None:
            self.save_timer.stop()
        if self.drafts.waiting:
            try:
                with Store.open(self.review_app.db) as store:
                    self.drafts.save(store)
            except StoreError as problem:
                self.app.notify(str(problem), severity="error", markup=False)

    def on_note_edited(self, message: NoteEdited) -> None:
        session = self.session
        if session is not None:
            self._save(
                ("note", message.subject),
                lambda store: store.reviews.save_note(
                    session.id, message.subject, message.kind, message.cause, message.lesson
                ),
                message.subject,
            )

    def on_target_edited(self, message: TargetEdited) -> None:
        session = self.session
        if session is not None:
            self._save(
                ("target", message.goal),
                lambda store: store.reviews.propose_target(
                    session.id, message.goal, message.target, message.suggestion, message.note
                ),
                message.goal,
            )

    @on(Input.Changed, "#session-attendees")
    def _attendees_changed(self, event: Input.Changed) -> None:
        session = self.session
        names = split_names(event.value)
        if session is not None and tuple(names) != session.attendees:
            self._save("attendees", lambda store: store.reviews.set_attendees(session.id, names))

    def on_action_wanted(self, message: ActionWanted) -> None:
        session, panel = self.session, self.panels.get(message.subject)
        if session is None or panel is None:
            return
        now = now_text()
        self.written.add(message.subject)

        def add(store: Store) -> None:
            action = store.reviews.add_action(
                session.id, message.subject, message.title, message.owner, message.due, now
            )
            self.app.call_from_thread(panel.show_added, action)

        self.review_app.write(add, f"Action added: {message.title}", reevaluate=False)

    def on_action_status_wanted(self, message: ActionStatusWanted) -> None:
        """Stored at once, through the drafts: of quick changes, the last one stays."""
        self._save(
            ("action", message.action),
            lambda store: store.reviews.set_action_status(message.action, message.status),
        )
        self.save_drafts()

    # ------------------------------------------------------------ minutes

    def action_export(self) -> None:
        self._write_minutes(finish=False)

    def action_finish(self) -> None:
        self._write_minutes(finish=True)

    @on(Button.Pressed, "#export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#finish")
    def _finish_pressed(self) -> None:
        self.action_finish()

    def _write_minutes(self, *, finish: bool) -> None:
        session = self.session
        report = self.loaded.report if self.loaded else None
        if session is None or self.minutes_busy:
            return
        if report is None:
            self.app.notify(
                "The minutes need an evaluation, and the plan cannot be evaluated", severity="error"
            )
            return
        self.minutes_busy = True
        self._minutes(session.id, report, finish)

    @work(thread=True, exclusive=True, group="minutes")
    def _minutes(self, session: int, report: Report, finish: bool) -> None:
        app = self.review_app
        try:
            with Store.open(app.db) as store:
                self.drafts.save(store)  # everything typed so far, before it is read back
                if finish:
                    store.reviews.finish_review(session, now_text())
                record = store.reviews.review_record(session)
                acknowledgements = store.reviews.acknowledgements()
        except StoreError as problem:
            app.call_from_thread(self._minutes_failed, str(problem))
            return
        try:
            paths = export_minutes(app.plan, report, record, acknowledgements)
        except MinutesError as problem:
            app.call_from_thread(self._minutes_failed, str(problem))
            return
        app.call_from_thread(self._minutes_written, paths, finish)

    def _minutes_failed(self, problem: str) -> None:
        self.minutes_busy = False
        self.app.notify(problem, title="Minutes not written", severity="error", markup=False)

    def _minutes_written(self, paths: Iterable[Path], finished: bool) -> None:
        self.minutes_busy = False
        written = "\n".join(str(p) for p in paths)
        title = "Review finished" if finished else "Minutes exported"
        self.app.notify(f"Minutes written to\n{written}", title=title, markup=False)
        if finished and self.is_current:
            self.app.pop_screen()
