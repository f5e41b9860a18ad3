"""The messages of the review session ("attributes down, messages up"): what the app hands
the screens when work done in a thread is ready, and what screens ask of the app. Screens
never open the store: they post a store request to the app, which carries it out in a worker
thread (tui/store_work.py) and answers through the request's callbacks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.message import Message

if TYPE_CHECKING:
    from dsl.api import Action, Comparison, Explanation, Prepared, Program, Report, ReviewRecord

    from .state import Loaded

# ---------------------------------------------------------------- evaluations and goals


@dataclass
class Evaluated(Message):
    """A new evaluation of the plan against the store is ready (or its problems are)."""

    loaded: Loaded


@dataclass
class Explained(Message):
    """The explanation of one cycle of one goal, for the goal detail screen."""

    goal: str
    cycle_index: int
    explanation: Explanation


@dataclass
class OpenGoal(Message):
    """The user chose a goal to look at closely."""

    goal: str


@dataclass
class ExplainCycle(Message):
    """A screen wants the explanation of one cycle of one goal (computed in a worker)."""

    goal: str
    cycle_index: int


# ---------------------------------------------------------------- store requests


@dataclass
class StoreRequest(Message):
    """Something a screen asks of the store, posted to the app (`app.post_message`): the
    app carries it out in a worker thread. When the store refuses, the problem goes to
    `failed` (on the UI thread) if given, and is told in a notification otherwise; either
    way the screen that asked stays as it was, ready for another try."""

    failed: Callable[[str], object] | None = field(default=None, kw_only=True, repr=False)


@dataclass
class Change(StoreRequest):
    """A change to the store, written at once. Once written the app says `done` (if
    anything) and evaluates again when the evaluation depends on it (`reevaluates`); a change
    it cannot see is not taken for a change by the plan's watcher either."""

    reevaluates: ClassVar[bool] = True

    @property
    def done(self) -> str:
        return ""


@dataclass
class Acknowledge(Change):
    """`by` has seen the escalation event `key`; replaces an earlier acknowledgement."""

    key: str
    by: str
    note: str | None
    at: str  # when, as the store keeps it

    @property
    def done(self) -> str:
        return f"acknowledged {self.key} as {self.by}"


@dataclass
class MarkDone(Change):
    """A milestone was completed on `day` (the store keeps the earliest day)."""

    milestone: str
    day: date
    note: str | None
    at: str

    @property
    def done(self) -> str:
        return f"{self.milestone} done on {self.day}"


@dataclass
class RecordValue(Change):
    """A value of an indicator measured by hand, as `goalline record` writes it. `measured`
    is in the plan's zone, which is how the notification shows it; `typed` is the value as
    the user wrote it."""

    indicator: str
    value: float
    typed: str
    measured: datetime
    note: str | None
    at: str

    @property
    def done(self) -> str:
        return (
            f"recorded {self.indicator} = {self.typed}"
            f" at {self.measured.isoformat(timespec='seconds')}"
        )


@dataclass
class OpenReview(Change):
    """Start a review session of the plan file `plan` (its absolute path), as of the
    evaluation's time; `reply` gets the new session's (empty) record."""

    reevaluates: ClassVar[bool] = False
    plan: str
    as_of: str
    attendees: Sequence[str]
    at: str
    reply: Callable[[ReviewRecord], object] = field(repr=False)


@dataclass
class AddAction(Change):
    """An improvement action of a review session about `subject`; `reply` gets it as stored."""

    reevaluates: ClassVar[bool] = False
    session: int
    subject: str
    title: str
    owner: str
    due: date | None
    at: str
    reply: Callable[[Action], object] = field(repr=False)

    @property
    def done(self) -> str:
        return f"Action added: {self.title}"


@dataclass
class Read(StoreRequest):
    """A read of the store; the answer goes to the request's `reply`."""


@dataclass
class FindReview(Read):
    """The unfinished review session of the plan file `plan`, with all it holds, or None."""

    plan: str
    reply: Callable[[ReviewRecord | None], object] = field(repr=False)


@dataclass
class ReadEarlierActions(Read):
    """The improvement actions still open from reviews before `session`, by subject."""

    session: int
    reply: Callable[[dict[str, list[Action]]], object] = field(repr=False)


@dataclass
class BacktestProposal(Read):
    """The plan's period judged again with `target` proposed for `goal` (its warn line moved
    with it), beside the plan as it is, as of the evaluation's time."""

    program: Program
    as_of: datetime
    goal: str
    target: str
    reply: Callable[[Comparison], object] = field(repr=False)


@dataclass
class WriteNextRound(Read):
    """Write the next round's plan to `out` from review `session` (as `goalline next-round`
    does); `report` is the round's evaluation. Never replaces a file."""

    program: Program
    session: int
    report: Report
    out: str
    reply: Callable[[Prepared], object] = field(repr=False)


@dataclass
class Draft(Message):
    """An edit of a review session as it is typed. The app keeps the newest edit of each
    field (`key`: the request's kind and the fields in `KEY`) and writes them together once
    typing pauses, when told to (`SaveDrafts`), before the minutes, and at the latest when the
    session ends; a refusal is told in a notification. The evaluation never depends on them."""

    KEY: ClassVar[tuple[str, ...]] = ()

    @property
    def key(self) -> Hashable:
        return (type(self).__name__, *(getattr(self, name) for name in self.KEY))


@dataclass
class SaveNote(Draft):
    """The cause and the lesson written about one subject (a goal or a milestone)."""

    KEY: ClassVar[tuple[str, ...]] = ("session", "subject")
    session: int
    subject: str
    kind: str
    cause: str
    lesson: str


@dataclass
class ProposeTarget(Draft):
    """The target proposed for a goal in the next round, beside the suggestion shown."""

    KEY: ClassVar[tuple[str, ...]] = ("session", "goal")
    session: int
    goal: str
    target: str
    suggestion: str | None
    note: str


@dataclass
class SetAttendees(Draft):
    """Who takes part in the review session."""

    KEY: ClassVar[tuple[str, ...]] = ("session",)
    session: int
    names: Sequence[str]


@dataclass
class SetActionStatus(Draft):
    """An improvement action's status moved on (open, done, dropped)."""

    KEY: ClassVar[tuple[str, ...]] = ("action",)
    action: int
    status: str


@dataclass
class SaveDrafts(Message):
    """Write the review edits waiting now, without waiting for typing to pause."""


@dataclass
class WriteMinutes(Message):
    """Write the minutes of a review session next to the plan, after what was typed so far;
    with `finish`, the session is finished first. `written` gets the files written and
    `failed` why none were (the store's or the file system's words)."""

    session: int
    report: Report = field(repr=False)
    finish: bool
    at: str
    written: Callable[[Sequence[Path], bool], object] = field(repr=False)
    failed: Callable[[str], object] = field(repr=False)
