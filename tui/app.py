"""The review session: the app that compiles the plan once and evaluates it in a worker,
watches the plan and the store, routes between screens, and carries out what the screens ask
of the store (tui/messages.py). Screens render what it hands them (`show(loaded)`) and never
open the store themselves."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, get_current_worker

from dsl.api import GoallineError, MinutesError, Program, Stamps, Store, export_minutes, stamps

from .commands import goal_commands, scorecard_commands, screen_commands, session_commands
from .keys import KeysInOrder
from .messages import (
    Change,
    Draft,
    Evaluated,
    ExplainCycle,
    Explained,
    OpenGoal,
    Read,
    SaveDrafts,
    WriteMinutes,
)
from .screens.scorecard import ScorecardScreen
from .state import Loaded, evaluate_now, explain_cycle, store_files
from .store_work import Answer, Drafts, carry_out, minutes_record

WATCH_SECONDS = 0.5  # how often the plan and the store are looked at for changes
# Review edits are written after this many seconds without typing: one write per pause, not
# per key (each write is a store transaction, and the plan's watcher sees every one).
SAVE_AFTER = 0.3


def _keep_long_lived() -> None:
    """A large report is a hundred thousand objects that live until the next evaluation:
    frozen, they are left out of every full collection, which would otherwise walk them all,
    a pause of 0.1-0.3 s in the middle of a key press. But freezing also freezes the garbage
    in reference cycles not yet collected (the last evaluation's, Textual's), which is then
    never freed: 0.1 MB a reload, 0.25 MB on the sample. So the garbage is collected first,
    once per evaluation (14 ms on the sample's report), and only what lives is frozen."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class ReviewApp(App[None]):
    """`goalline review PLAN --db DB`: the scorecard first, everything else from there."""

    CSS_PATH = "goalline.tcss"
    TITLE = "goalline"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("e", "escalations", "Escalations"),
        Binding("m", "milestones", "Milestones"),
        Binding("v", "review", "Review"),
        Binding("r", "record", "Record"),
        Binding("ctrl+r", "reevaluate", "Re-evaluate"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        plan: str,
        db: str,
        as_of: datetime | None = None,
        first: Future[Loaded] | None = None,
        program: Program | None = None,
    ) -> None:
        """`program` is the plan compiled already (compiled on the first evaluation when
        None); `first` is an evaluation already under way (the command starts it before
        Textual is even imported), without which the app starts its own."""
        super().__init__()
        self.plan = plan
        self.db = db
        self.as_of = as_of
        self.program = program
        self._first = first
        self.loaded: Loaded | None = None
        self._plan_seen: Stamps = ()  # the plan's files, as looked at before the evaluation
        self._store_seen: Stamps = ()  # the store's, as the last evaluation left them
        self._evaluating = False
        self._writes = 0  # store writes in flight: the watcher leaves them to their end
        self._preload: Worker[None] | None = None
        self.drafts = Drafts()  # review edits not yet written
        self._save_timer: Timer | None = None
        self.keys = KeysInOrder(self, partial(App.on_event, self))

    def on_mount(self) -> None:
        self.sub_title = self.plan
        self.push_screen(ScorecardScreen())
        self.reevaluate()
        self.set_interval(WATCH_SECONDS, self._look_for_changes)

    async def on_event(self, event: events.Event) -> None:
        """Keys go to the widgets one at a time, in the order typed (tui/keys.py)."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
        elif not event.is_forwarded:
            await self.keys.typed(event)
        else:  # back from the widgets, none of which took it: its binding runs now
            await super().on_event(event)
            self.keys.back(event)

    # ------------------------------------------------------------ evaluation

    @property
    def plan_files(self) -> tuple[str, ...]:
        """The plan's own file and those it includes, as far as they are known."""
        if self.program is not None:
            return self.program.files
        return self.loaded.plan_files if self.loaded and self.loaded.plan_files else (self.plan,)

    def reevaluate(self, *, compile_again: bool = False) -> None:
        """Evaluate again: the compiled plan against the store as it is now, or the plan
        compiled anew first (`compile_again`: it was edited, or the user asked)."""
        self._evaluating = True
        if compile_again:
            self.program = None
        # Looked at before it starts: an edit of the plan made while it runs is seen next time.
        self._plan_seen = stamps(self.plan_files)
        self._store_seen = stamps(store_files(self.db))
        self._evaluate(self.program)

    @work(thread=True, exclusive=True, group="evaluate", description="evaluate the plan")
    def _evaluate(self, program: Program | None) -> None:
        first, self._first = self._first, None
        if first is not None:
            loaded = first.result()
        else:
            loaded = evaluate_now(self.plan, self.db, self.as_of, program)
        if not get_current_worker().is_cancelled:  # a later evaluation has replaced it
            self.post_message(Evaluated(loaded))

    def on_evaluated(self, message: Evaluated) -> None:
        self._evaluating = False
        self.loaded = message.loaded
        self.program = message.loaded.program
        if tuple(path for path, _, _ in self._plan_seen) != self.plan_files:
            self._plan_seen = stamps(self.plan_files)  # it includes other files now
        # What reading did to the store's files (SQLite removes a write-ahead log as the last
        # reader leaves) is no change of the data.
        self._store_seen = stamps(store_files(self.db))
        for screen in self.screen_stack:
            show = getattr(screen, "show", None)
            if show is not None:
                show(message.loaded)
        self.call_after_refresh(_keep_long_lived)  # once the rows are on the screen
        if self._preload is None:
            self._preload = self._load_goal_screen()

    # The goal screen's modules (and plotext's) cost 0.1-0.2 s to import: loaded in the
    # background once the scorecard is up, not when the first goal is opened.
    @work(thread=True, group="preload", description="import the goal screen")
    def _load_goal_screen(self) -> None:
        importlib.import_module(f"{__package__}.screens.goal_detail")
        importlib.import_module("textual_plotext")

    def _look_for_changes(self) -> None:
        """Compile and evaluate again when the plan (or a file it includes) has changed;
        only evaluate again, with the plan as compiled, when only the store has."""
        if self._evaluating or self._writes:
            return
        if stamps(self.plan_files) != self._plan_seen:
            self.reevaluate(compile_again=True)
        elif stamps(store_files(self.db)) != self._store_seen:
            self.reevaluate()

    def action_reevaluate(self) -> None:
        """Asked for by name: the plan is read and compiled again too."""
        self.reevaluate(compile_again=True)

    # ------------------------------------------------------------ goals

    async def on_open_goal(self, message: OpenGoal) -> None:
        from .screens.goal_detail import GoalDetailScreen

        if not self.is_screen_installed("goal"):
            self.install_screen(GoalDetailScreen(message.goal), "goal")
        detail = self.get_screen("goal")
        await self.push_screen(detail)
        assert isinstance(detail, GoalDetailScreen)
        detail.open(message.goal)
        if self.loaded is not None:
            detail.show(self.loaded)

    def on_explain_cycle(self, message: ExplainCycle) -> None:
        self._explain(message.goal, message.cycle_index)

    # Textual describes a worker by the repr() of its arguments unless given a description:
    # every worker here has one (the repr of an evaluation runs to megabytes).
    @work(thread=True, exclusive=True, group="explain", description="explain a cycle")
    def _explain(self, goal: str, cycle_index: int) -> None:
        loaded = self.loaded
        if loaded is not None:
            told = explain_cycle(loaded, self.db, goal, cycle_index)
            self.call_from_thread(self._deliver, Explained(goal, cycle_index, told))

    def _deliver(self, message: Explained) -> None:
        self.screen.post_message(message)

    # ------------------------------------------------------------ other screens

    async def open_screen(self, screen: Screen[Any]) -> None:
        """Push a screen that renders evaluations, and hand it the current one (a key
        pressed again on the screen it opens does nothing)."""
        if type(self.screen) is type(screen):
            return
        await self.push_screen(screen)
        if self.loaded is not None:
            getattr(screen, "show", lambda _loaded: None)(self.loaded)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    async def action_escalations(self) -> None:
        from .screens.escalations import EscalationsScreen

        await self.open_screen(EscalationsScreen())

    async def action_milestones(self) -> None:
        from .screens.milestones import MilestonesScreen

        await self.open_screen(MilestonesScreen())

    async def action_review(self) -> None:
        from .screens.review import ReviewScreen

        await self.open_screen(ReviewScreen(self.plan))

    def action_record(self) -> None:
        from .dialogs.record import RecordDialog

        self.push_screen(RecordDialog(self.loaded))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers every action of the session by name."""
        yield from super().get_system_commands(screen)
        yield from session_commands(self)
        if isinstance(screen, ScorecardScreen):
            yield from scorecard_commands(screen)
        yield from screen_commands(screen)
        report = self.loaded.report if self.loaded else None
        yield from goal_commands(report, lambda goal: self.post_message(OpenGoal(goal)))

    # ------------------------------------------------------------ the store, for the screens

    @on(Change)
    def _change_requested(self, request: Change) -> None:
        change = partial(carry_out, request=request)
        self._expect_reply(request)
        self._change(change, request.done, request.reevaluates, request.failed, request)

    @on(Read)
    def _read_requested(self, request: Read) -> None:
        self._expect_reply(request)
        self._read(request)

    def _expect_reply(self, request: Change | Read) -> None:
        """A request whose reply changes the screen (a review opened, the action form made
        ready again): the keys typed meanwhile wait for it (tui/keys.py)."""
        if hasattr(request, "reply"):
            self.keys.replies_due += 1

    def _replied(self, request: Change | Read | None) -> None:
        if request is not None and hasattr(request, "reply"):
            self.keys.replies_due -= 1

    @on(Draft)
    def _draft_typed(self, draft: Draft) -> None:
        self.drafts.put(draft.key, partial(carry_out, request=draft))
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER, self.save_drafts)

    def on_save_drafts(self, _: SaveDrafts) -> None:
        self.save_drafts()

    def save_drafts(self) -> None:
        """Write the review edits waiting (in a worker: the store may be busy with another
        writer); nothing the evaluation depends on."""
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.drafts.waiting:
            self._change(self.drafts.save, "", False)

    def _change(
        self,
        change: Callable[[Store], Answer | None],
        done: str,
        reevaluate: bool,
        failed: Callable[[str], object] | None = None,
        request: Change | None = None,
    ) -> None:
        """Make one change to the store in a worker (a write may wait for another writer),
        then say `done` (if any) and evaluate again; a store that refuses is told, never
        raised. Changes that cannot alter the evaluation (`reevaluate=False`) are not taken
        for a change of the data by the watcher either."""
        self._writes += 1
        self._write(change, done, reevaluate, failed, request)

    @work(thread=True, group="write", description="write to the store")
    def _write(
        self,
        change: Callable[[Store], Answer | None],
        done: str,
        reevaluate: bool,
        failed: Callable[[str], object] | None,
        request: Change | None,
    ) -> None:
        try:
            with Store.open(self.db) as store:
                answer = change(store)
        except GoallineError as problem:
            self.call_from_thread(self._refused, str(problem), failed)
            self.call_from_thread(self._replied, request)
            self.call_from_thread(self._written, False)
            return
        if answer is not None:
            self.call_from_thread(answer)
        self.call_from_thread(self._replied, request)
        if done:
            self.call_from_thread(self.notify, done, markup=False)
        self.call_from_thread(self._written, reevaluate)

    def _written(self, reevaluate: bool) -> None:
        self._writes -= 1
        if reevaluate:
            self.reevaluate()
        elif not self._evaluating and not self._writes:
            self._store_seen = stamps(store_files(self.db))  # our own change

    @work(thread=True, group="read", description="read the store")
    def _read(self, request: Read) -> None:
        try:
            with Store.open(self.db) as store:
                # What is read back includes every review edit typed so far: one written by
                # another worker is waited for (a review left and opened again at once).
                self.drafts.save(store)
                answer = carry_out(store, request)
        except GoallineError as problem:
            self.call_from_thread(self._refused, str(problem), request.failed)
            self.call_from_thread(self._replied, request)
            return
        if answer is not None:
            self.call_from_thread(answer)
        self.call_from_thread(self._replied, request)

    def _refused(self, problem: str, failed: Callable[[str], object] | None) -> None:
        if failed is not None:
            failed(problem)
        else:
            self.notify(problem, severity="error", markup=False)

    def on_write_minutes(self, request: WriteMinutes) -> None:
        self._minutes(request)

    @work(thread=True, exclusive=True, group="minutes", description="write the minutes")
    def _minutes(self, request: WriteMinutes) -> None:
        try:
            with Store.open(self.db) as store:
                self.drafts.save(store)  # everything typed so far, before it is read back
                finished = request.at if request.finish else None
                record, acknowledgements = minutes_record(store, request.session, finished)
        except GoallineError as problem:
            self.call_from_thread(request.failed, str(problem))
            return
        try:
            paths = export_minutes(self.plan, request.report, record, acknowledgements)
        except MinutesError as problem:
            self.call_from_thread(request.failed, str(problem))
            return
        self.call_from_thread(request.written, paths, request.finish)

    def on_unmount(self) -> None:
        """The session is closing, its screens closed already: the review edits typed in
        the last moment are stored now, here, as a worker may no longer get to run."""
        if self._save_timer is not None:
            self._save_timer.stop()
        if self.drafts.waiting:
            try:
                with Store.open(self.db) as store:
                    self.drafts.save(store)
            except GoallineError as problem:
                self.notify(str(problem), severity="error", markup=False)
