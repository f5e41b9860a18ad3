"""The review session: the app that evaluates in a worker, watches the plan and the store,
and routes between screens. Screens render what it hands them (`show(loaded)`)."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from dsl.store.database import Store, StoreError

from .filtering import SORT_ORDER
from .messages import Evaluated, ExplainCycle, Explained, OpenGoal
from .screens.scorecard import ScorecardScreen
from .state import Loaded, evaluate_now, explain_cycle, stamps, watched

WATCH_SECONDS = 0.5  # how often the plan and the store are looked at for changes


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
        self, plan: str, db: str, as_of: datetime | None = None, first: Future[Loaded] | None = None
    ) -> None:
        """`first` is an evaluation already under way (the command starts it before Textual
        is even imported); without it the app starts its own."""
        super().__init__()
        self.plan = plan
        self.db = db
        self.as_of = as_of
        self._first = first
        self.loaded: Loaded | None = None
        self._seen: tuple[tuple[str, int, int], ...] = ()
        self._evaluating = False
        self._writes = 0  # store writes in flight: the watcher leaves them to their end
        self._preload: Worker[None] | None = None

    def on_mount(self) -> None:
        self.sub_title = self.plan
        self.push_screen(ScorecardScreen())
        self.reevaluate()
        self.set_interval(WATCH_SECONDS, self._look_for_changes)

    # ------------------------------------------------------------ evaluation

    def reevaluate(self) -> None:
        self._evaluating = True
        self._seen = stamps(watched(self.loaded, self.plan, self.db))
        self._evaluate()

    @work(thread=True, exclusive=True, group="evaluate", description="evaluate the plan")
    def _evaluate(self) -> None:
        first, self._first = self._first, None
        loaded = first.result() if first else evaluate_now(self.plan, self.db, self.as_of)
        self.post_message(Evaluated(loaded))

    def on_evaluated(self, message: Evaluated) -> None:
        self._evaluating = False
        self.loaded = message.loaded
        self._seen = stamps(watched(self.loaded, self.plan, self.db))
        for screen in self.screen_stack:
            show = getattr(screen, "show", None)
            if show is not None:
                show(message.loaded)
        # A large report is a hundred thousand objects that live until the next evaluation;
        # without this every full collection walks them all, a pause of 0.1-0.3 s in the
        # middle of a key press. They hold no reference cycles: they are still freed when
        # the next evaluation replaces them.
        gc.unfreeze()
        gc.freeze()
        if self._preload is None:
            self._preload = self._load_goal_screen()

    # The goal screen's modules (and plotext's) cost 0.1-0.2 s to import: loaded in the
    # background once the scorecard is up, not when the first goal is opened.
    @work(thread=True, group="preload", description="import the goal screen")
    def _load_goal_screen(self) -> None:
        importlib.import_module(f"{__package__}.screens.goal_detail")
        importlib.import_module("textual_plotext")

    def _look_for_changes(self) -> None:
        """Re-evaluate when the plan (or a file it includes) or the store has changed."""
        if self._evaluating or self._writes:
            return
        if stamps(watched(self.loaded, self.plan, self.db)) != self._seen:
            self.reevaluate()

    def action_reevaluate(self) -> None:
        self.reevaluate()

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

    # Textual describes a worker by the repr() of its arguments: the evaluation is not one
    # of them (its repr runs to megabytes for a large plan).
    @work(thread=True, exclusive=True, group="explain", description="explain a cycle")
    def _explain(self, goal: str, cycle_index: int) -> None:
        loaded = self.loaded
        if loaded is not None:
            text = explain_cycle(loaded, self.db, goal, cycle_index)
            self.call_from_thread(self._deliver, Explained(goal, cycle_index, text))

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

        await self.open_screen(ReviewScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette offers every action of the session by name."""
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Escalations", "Every escalation event; acknowledge one", self.action_escalations
        )
        yield SystemCommand(
            "Milestones", "The milestones by due date; mark one done", self.action_milestones
        )
        yield SystemCommand(
            "Review",
            "Step through what needs attention; write causes, lessons, actions",
            self.action_review,
        )
        yield SystemCommand(
            "Re-evaluate", "Evaluate the plan against the store again", self.reevaluate
        )
        yield SystemCommand(
            "Record a measurement", "A value of an indicator recorded by hand", self.action_record
        )
        yield SystemCommand("Help", "The keys of every screen", self.action_help)
        if isinstance(screen, ScorecardScreen):
            for sort in SORT_ORDER:
                yield SystemCommand(
                    f"Sort by {sort}",
                    "Order the goals of the scorecard",
                    partial(screen.sort_by, sort),
                )
            for word in ("critical", "breached", "warning", "no_data", "met"):
                yield SystemCommand(
                    f"Filter {word}",
                    f"Only the goals whose status is {word}",
                    partial(screen.filter_to, f"status:{word}"),
                )
        yield from self._screen_commands(screen)
        for goal in self.loaded.report.goals if self.loaded and self.loaded.report else ():
            yield SystemCommand(
                f"Open goal {goal.id}",
                goal.title or goal.indicator,
                partial(self.post_message, OpenGoal(goal.id)),
            )

    @staticmethod
    def _screen_commands(screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The current screen's own actions (those its footer shows), by name."""
        seen: set[str] = set()
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or not binding.show or binding.action in seen:
                continue
            if binding.action.startswith("app."):
                continue  # going back and the app's own actions are offered already
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"{binding.description} ({binding.key})",
                partial(screen.run_action, binding.action),
            )

    # ------------------------------------------------------------ writing

    def write(
        self, change: Callable[[Store], object], done: str = "", *, reevaluate: bool = True
    ) -> None:
        """Make one change to the store in a worker (a write may wait for another writer),
        then say `done` (if any) and evaluate again; a store that refuses is told, never
        raised. Writes that cannot change the evaluation (a review note saved as it is
        typed) pass `reevaluate=False`, and the watcher is told to ignore them."""
        self._writes += 1
        self._write(change, done, reevaluate)

    @work(thread=True, group="write", description="write to the store")
    def _write(self, change: Callable[[Store], object], done: str, reevaluate: bool) -> None:
        try:
            with Store.open(self.db) as store:
                change(store)
        except StoreError as problem:
            self.call_from_thread(self.notify, str(problem), severity="error", markup=False)
            self.call_from_thread(self._written, False)
            return
        if done:
            self.call_from_thread(self.notify, done, markup=False)
        self.call_from_thread(self._written, reevaluate)

    def _written(self, reevaluate: bool) -> None:
        self._writes -= 1
        if reevaluate:
            self.reevaluate()
        elif not self._evaluating and not self._writes:
            self._seen = stamps(watched(self.loaded, self.plan, self.db))  # our own change

    def action_record(self) -> None:
        from .dialogs.record import RecordDialog

        self.push_screen(RecordDialog())
