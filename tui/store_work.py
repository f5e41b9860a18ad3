"""What the store requests of tui/messages.py do to the store, for the app's worker threads:
`carry_out` makes the change or the read and returns the answer to deliver on the UI thread.
`Drafts` holds the review edits not yet written, the newest of each field. No Textual here
(beyond the message types): each runs with a store opened in the calling thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from functools import partial

from dsl.api import (
    Acknowledgement,
    Action,
    Comparison,
    ReviewRecord,
    Store,
    compare,
    prepare_next_round,
    summarise,
    write_next_round,
)

from .messages import (
    Acknowledge,
    AddAction,
    BacktestProposal,
    Change,
    Draft,
    FindReview,
    MarkDone,
    OpenReview,
    ProposeTarget,
    Read,
    ReadEarlierActions,
    RecordValue,
    SaveNote,
    SetActionStatus,
    SetAttendees,
    WriteNextRound,
)

Answer = Callable[[], object]  # a request's reply with its result, run on the UI thread


def carry_out(store: Store, request: Change | Read | Draft) -> Answer | None:
    """Do what `request` asks of `store` (a StoreError says the store refused; nothing was
    written then); return the reply to deliver, if the request wants one."""
    reviews = store.reviews
    match request:
        case Acknowledge():
            reviews.acknowledge(request.key, request.by, request.note, request.at)
        case MarkDone():
            store.done(request.milestone, request.day, request.note, request.at)
        case RecordValue():
            at = request.measured.timestamp()
            store.record(request.indicator, at, request.value, request.note, request.at)
        case OpenReview():
            session = reviews.open_review(
                request.plan, request.as_of, request.attendees, request.at
            )
            return partial(request.reply, ReviewRecord(session, (), (), ()))
        case AddAction():
            action = reviews.add_action(
                request.session,
                request.subject,
                request.title,
                request.owner,
                request.due,
                request.at,
            )
            return partial(request.reply, action)
        case FindReview():
            found = reviews.unfinished_review(request.plan)
            return partial(request.reply, reviews.review_record(found.id) if found else None)
        case ReadEarlierActions():
            return partial(request.reply, earlier_open_actions(store, request.session))
        case SaveNote():
            reviews.save_note(
                request.session, request.subject, request.kind, request.cause, request.lesson
            )
        case ProposeTarget():
            reviews.propose_target(
                request.session, request.goal, request.target, request.suggestion, request.note
            )
        case SetAttendees():
            reviews.set_attendees(request.session, request.names)
        case SetActionStatus():
            reviews.set_action_status(request.action, request.status)
        case BacktestProposal():
            return partial(request.reply, proposal_backtest(store, request))
        case WriteNextRound():
            program, now = request.program, datetime.now(UTC)
            record = reviews.review_record(request.session)
            prepared = prepare_next_round(
                program.checked, program.path, store, record, request.report, request.out, now
            )
            write_next_round(prepared, program.path, request.out, force=False)
            return partial(request.reply, prepared)
        case _:
            raise TypeError(f"no store work for {type(request).__name__}")
    return None


def proposal_backtest(store: Store, request: BacktestProposal) -> Comparison:
    """The goal's cycles judged under the plan as it is (A) and with the proposal (B)."""
    program, goals = request.program, (request.goal,)
    found = []
    for each in (program, program.proposing(request.goal, request.target)):
        outcome = each.run(store, request.as_of, goals=goals)
        assert outcome.report is not None and each.plan is not None
        found.append(summarise(each.plan, outcome.report, {}))
    return compare(*found)


def earlier_open_actions(store: Store, session: int) -> dict[str, list[Action]]:
    """The improvement actions still open from reviews before `session`, by subject."""
    own = {action.id for action in store.reviews.review_record(session).actions}
    earlier: dict[str, list[Action]] = {}
    for action in store.reviews.open_actions():
        if action.id not in own:
            earlier.setdefault(action.subject, []).append(action)
    return earlier


def minutes_record(
    store: Store, session: int, finish_at: str | None
) -> tuple[ReviewRecord, dict[str, Acknowledgement]]:
    """What the minutes of `session` are written from, read back after finishing the session
    (when `finish_at` is given, the time it finished)."""
    if finish_at is not None:
        store.reviews.finish_review(session, finish_at)
    return store.reviews.review_record(session), store.reviews.acknowledgements()


class Drafts:
    """Edits not yet in the store, newest only, by field. Draft writes run one at a time and
    each stores whatever is newest when it runs, so the store ends up with the last edit
    whatever order the write workers happen to run in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards `_newest`; held only for a moment, UI too
        self._writing = threading.Lock()  # one draft write at a time (worker threads only)
        self._newest: dict[Hashable, Callable[[Store], object]] = {}

    def put(self, key: Hashable, save: Callable[[Store], object]) -> None:
        """Keep `save` as the newest edit of `key`, replacing one not yet stored."""
        with self._lock:
            self._newest[key] = save

    @property
    def waiting(self) -> bool:
        with self._lock:
            return bool(self._newest)

    def save(self, store: Store) -> None:
        """Store the newest edit of every field; runs in a worker (or at the very end)."""
        with self._writing:
            with self._lock:
                saves = list(self._newest.values())
                self._newest.clear()
            for save in saves:
                save(store)
