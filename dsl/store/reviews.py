"""What a review leaves in the store: acknowledgements of escalation events, review sessions,
the cause and lesson written per subject, improvement actions and proposed targets.

`Reviews` keeps them for an open store (`store.reviews`); it writes through sqlite-utils (the
`db` the store opened) inside the store's one-transaction-per-write `_writing()`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import StoreError
from .records import Acknowledgement, Action, Note, Proposal, ReviewRecord, ReviewSession

if TYPE_CHECKING:
    from .tables import Connection

ACKNOWLEDGEMENTS = "acknowledgements"
REVIEW_SESSIONS = "review_sessions"
REVIEW_NOTES = "review_notes"
REVIEW_ACTIONS = "review_actions"
REVIEW_PROPOSALS = "review_proposals"
REVIEW_TABLES = (ACKNOWLEDGEMENTS, REVIEW_SESSIONS, REVIEW_NOTES, REVIEW_ACTIONS, REVIEW_PROPOSALS)
ACTION_STATUSES = ("open", "done", "dropped")


class Reviews:
    """Reading and writing the review tables (created by the store's migration 2)."""

    def __init__(self, db: Connection, writing: Callable[[], AbstractContextManager[None]]) -> None:
        """`db` is the store's connection; `writing` opens the store's one write transaction
        (BEGIN IMMEDIATE), inside which every write here runs."""
        self.db = db
        self._writing = writing

    def acknowledge(self, event: str, by: str, note: str | None, now: str) -> None:
        """Record that `by` has seen `event` (an `EscalationEvent.key`); acknowledging it
        again replaces who, the note and the time."""
        row = {
            "event": _required(event, "an acknowledgement needs the event it acknowledges"),
            "acknowledged_by": _required(by, "an acknowledgement needs who acknowledged it"),
            "note": text_or_none(note),
            "acknowledged_at": now,
        }
        with self._writing():
            self.db.table(ACKNOWLEDGEMENTS).upsert(row, pk="event")

    def acknowledgements(self) -> dict[str, Acknowledgement]:
        """Every acknowledgement, by event key."""
        rows = self.db.execute(
            "SELECT event, acknowledged_by, note, acknowledged_at"
            f" FROM {ACKNOWLEDGEMENTS} ORDER BY event"
        )
        return {row[0]: Acknowledgement(*row) for row in rows}

    def open_review(
        self, plan: str, as_of: str, attendees: Sequence[str], now: str
    ) -> ReviewSession:
        """Start a review session of the plan file `plan`, evaluated as of `as_of`."""
        names = _names(attendees)
        row = {
            "plan": _required(plan, "a review session needs the plan it reviews"),
            "as_of": _required(as_of, "a review session needs the time it is as of"),
            "attendees": json.dumps(names, ensure_ascii=False),
            "started_at": now,
        }
        with self._writing():
            number = _inserted(self.db.table(REVIEW_SESSIONS).insert(row).last_pk)
        return ReviewSession(number, plan, as_of, now, None, names)

    def unfinished_review(self, plan: str) -> ReviewSession | None:
        """The latest session of the plan file `plan` that was not finished, to resume."""
        found = self._sessions("plan = ? AND finished_at IS NULL ORDER BY id DESC LIMIT 1", plan)
        return found[0] if found else None

    def sessions(self) -> list[ReviewSession]:
        """Every review session, the first first."""
        return self._sessions("TRUE ORDER BY id")

    def set_attendees(self, session: int, attendees: Sequence[str]) -> None:
        """Replace the attendees (in order, without blanks or repeats)."""
        names = json.dumps(_names(attendees), ensure_ascii=False)
        with self._writing():
            self._update(REVIEW_SESSIONS, session, {"attendees": names})

    def finish_review(self, session: int, now: str) -> None:
        """Mark the session finished; finishing it again keeps the first time."""
        with self._writing():
            if self._session(session).finished_at is None:
                self._update(REVIEW_SESSIONS, session, {"finished_at": now})

    def save_note(
        self, session: int, subject: str, kind: str, cause: str | None, lesson: str | None
    ) -> None:
        """Write the cause and lesson of `subject` in `session`, replacing what was there; a
        note left with neither is removed."""
        row = {
            "session": session,
            "subject": _required(subject, "a review note needs its subject"),
            "kind": _required(kind, "a review note needs the kind of its subject"),
        }
        text = {"cause": text_or_none(cause), "lesson": text_or_none(lesson)}
        with self._writing():
            self._session(session)
            notes = self.db.table(REVIEW_NOTES)
            if any(text.values()):
                notes.upsert(row | text, pk=("session", "subject"))
            else:
                notes.delete_where("session = ? AND subject = ?", [session, subject])

    def add_action(
        self, session: int, subject: str, title: str, owner: str, due: date | None, now: str
    ) -> Action:
        """Agree an improvement action in `session`; it starts open."""
        row = {
            "session": session,
            "subject": _required(subject, "an improvement action needs its subject"),
            "title": _required(title, "an improvement action needs a title"),
            "owner": _required(owner, "an improvement action needs an owner"),
            "due": due.isoformat() if due else None,
            "status": "open",
            "created_at": now,
        }
        with self._writing():
            self._session(session)
            number = _inserted(self.db.table(REVIEW_ACTIONS).insert(row).last_pk)
        return Action(number, subject, title, owner, due, "open")

    def set_action_status(self, action_id: int, status: str) -> None:
        """Mark an action open, done or dropped; any other status is refused."""
        if status not in ACTION_STATUSES:
            raise StoreError(
                f"'{status}' is not a status of an improvement action; use open, done or dropped"
            )
        with self._writing():
            self._update(REVIEW_ACTIONS, action_id, {"status": status})

    def open_actions(self) -> tuple[Action, ...]:
        """The open improvement actions of every review, those due first earliest first."""
        return self._actions("status = 'open' ORDER BY due IS NULL, due, id")

    def propose_target(
        self, session: int, goal: str, target: str, suggestion: str | None, note: str | None
    ) -> None:
        """Propose `target` (plan text, `>= 92`) for `goal` in `session`, replacing an earlier
        proposal; an empty target withdraws it."""
        _required(goal, "a proposed target needs its goal")
        with self._writing():
            self._session(session)
            proposals = self.db.table(REVIEW_PROPOSALS)
            if not text_or_none(target):
                proposals.delete_where("session = ? AND goal = ?", [session, goal])
                return
            row = {"session": session, "goal": goal, "target": target}
            row |= {"suggestion": text_or_none(suggestion), "note": text_or_none(note)}
            proposals.upsert(row, pk=("session", "goal"))

    def review_record(self, session: int) -> ReviewRecord:
        """A session and everything written down in it."""
        found = self._session(session)
        where = "WHERE session = ? ORDER BY rowid"
        notes = self.db.execute(
            f"SELECT subject, kind, cause, lesson FROM {REVIEW_NOTES} {where}", [session]
        )
        proposals = self.db.execute(
            f"SELECT goal, target, suggestion, note FROM {REVIEW_PROPOSALS} {where}", [session]
        )
        return ReviewRecord(
            found,
            tuple(Note(*row) for row in notes),
            self._actions("session = ? ORDER BY id", session),
            tuple(Proposal(*row) for row in proposals),
        )

    def _session(self, session: int) -> ReviewSession:
        found = self._sessions("id = ?", session)
        if not found:
            raise StoreError(f"there is no review session {session}")
        return found[0]

    def _sessions(self, where: str, *params: Any) -> list[ReviewSession]:
        rows = self.db.execute(
            "SELECT id, plan, as_of, started_at, finished_at, attendees"
            f" FROM {REVIEW_SESSIONS} WHERE {where}",
            params,
        )
        return [
            ReviewSession(number, plan, as_of, started, finished, tuple(json.loads(names)))
            for number, plan, as_of, started, finished, names in rows
        ]

    def _actions(self, where: str, *params: Any) -> tuple[Action, ...]:
        rows = self.db.execute(
            f"SELECT id, subject, title, owner, due, status FROM {REVIEW_ACTIONS} WHERE {where}",
            params,
        )
        return tuple(
            Action(number, subject, title, owner, date.fromisoformat(due) if due else None, status)
            for number, subject, title, owner, due, status in rows
        )

    def _update(self, table: str, number: int, values: dict[str, Any]) -> None:
        cursor = self.db.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} WHERE id = ?",
            [*values.values(), number],
        )
        if cursor.rowcount == 0:
            what = "review session" if table == REVIEW_SESSIONS else "improvement action"
            raise StoreError(f"there is no {what} {number}")


def _inserted(key: Any) -> int:
    assert isinstance(key, int)  # the tables' id is an INTEGER PRIMARY KEY
    return key


def text_or_none(value: str | None) -> str | None:
    """What people typed, exactly as typed; an empty or blank field is no value (NULL)."""
    return value if value and value.strip() else None


def _required(value: str, message: str) -> str:
    if text_or_none(value) is None:
        raise StoreError(message)
    return value


def _names(attendees: Sequence[str]) -> tuple[str, ...]:
    """The attendees as given, in order, without blanks or repeats."""
    return tuple(dict.fromkeys(name for name in attendees if text_or_none(name)))
