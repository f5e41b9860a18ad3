"""The outbox: every escalation event `goalline notify` has seen, and its deliveries, one per
channel and recipient, with their state.

`Outbox` keeps them for an open store, as `store.outbox` (tables created by the store's
migration 3, written through sqlite-utils inside the store's `_writing()`). An event is
keyed by `EscalationEvent.key`, so evaluating the same data again adds nothing; its
deliveries are made when it enters the outbox, for the channels configured then. A failed
delivery waits `retry_after`, doubled after each failure (at most a day), and is given up
(`failed`) after `max_attempts`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .errors import StoreError
from .reviews import ACKNOWLEDGEMENTS

if TYPE_CHECKING:
    from .tables import Connection

OUTBOX_EVENTS = "outbox_events"
OUTBOX_DELIVERIES = "outbox_deliveries"
OUTBOX_TABLES = (OUTBOX_EVENTS, OUTBOX_DELIVERIES)
LONGEST_WAIT = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Queued:
    """An escalation event to put in the outbox, with who gets it on which channel."""

    key: str
    payload: dict[str, Any]  # the event as the webhook and the command receive it
    recipients: tuple[tuple[str, str], ...]  # (channel, recipient)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of one event, to one recipient on one channel."""

    event: int  # the event's number in the outbox
    key: str
    channel: str  # email | webhook | command
    recipient: str  # an e-mail address, a URL, a program
    status: str  # pending | sent | failed
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    sent_at: str | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Attempt:
    """What came of one try to deliver: `error` is None when it was delivered."""

    event: int
    channel: str
    recipient: str
    at: str  # ISO time, UTC
    error: str | None = None


class Outbox:
    """Reading and writing the outbox tables."""

    def __init__(self, db: Connection, writing: Callable[[], AbstractContextManager[None]]) -> None:
        """`db` is the store's connection; `writing` opens the store's one write transaction
        (BEGIN IMMEDIATE), inside which every write here runs."""
        self.db = db
        self._writing = writing

    def enqueue(self, queued: Iterable[Queued], now: str) -> int:
        """Add the events not in the outbox yet, with a pending delivery per recipient; the
        number added. One transaction: all of them or none."""
        added = 0
        with self._writing():
            known = self.event_keys()
            for item in queued:
                if item.key in known:
                    continue
                known.add(item.key)
                event = self.db.table(OUTBOX_EVENTS).insert(
                    {
                        "key": item.key,
                        "payload": json.dumps(item.payload, ensure_ascii=False),
                        "created_at": now,
                    }
                )
                number = event.last_pk
                self.db.table(OUTBOX_DELIVERIES).insert_all(
                    {
                        "event": number,
                        "channel": channel,
                        "recipient": recipient,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                    for channel, recipient in item.recipients
                )
                added += 1
        return added

    def due(self, now: str) -> list[Delivery]:
        """The deliveries to try now: pending, their wait over, their event not acknowledged;
        oldest event first."""
        return self._deliveries(
            "d.status = 'pending' AND d.next_attempt_at <= ?"
            f" AND e.key NOT IN (SELECT event FROM {ACKNOWLEDGEMENTS})",
            now,
        )

    def deliveries(self) -> list[Delivery]:
        """Every delivery, oldest event first."""
        return self._deliveries("TRUE")

    def events(self) -> list[tuple[int, str]]:
        """The number and key of every event in the outbox, oldest first."""
        rows = self.db.execute(f"SELECT id, key FROM {OUTBOX_EVENTS} ORDER BY id")
        return [(int(number), str(key)) for number, key in rows]

    def event_keys(self) -> set[str]:
        """The key of every event in the outbox, with deliveries or not: one that reached
        nobody (no channel had a recipient for it) has none, and is known all the same."""
        return {row[0] for row in self.db.execute(f"SELECT key FROM {OUTBOX_EVENTS}")}

    def record_attempts(
        self, attempts: Sequence[Attempt], max_attempts: int, retry_after: timedelta
    ) -> None:
        """Record what came of a batch of tries, in one transaction. Recording a delivery as
        sent again changes nothing (a replayed journal does)."""
        if not attempts:
            return
        with self._writing():
            for attempt in attempts:
                self._record(attempt, max_attempts, retry_after)

    def _record(self, attempt: Attempt, max_attempts: int, retry_after: timedelta) -> None:
        where = "event = ? AND channel = ? AND recipient = ?"
        key = (attempt.event, attempt.channel, attempt.recipient)
        if attempt.error is None:
            self.db.execute(
                f"UPDATE {OUTBOX_DELIVERIES} SET status = 'sent', sent_at = ?,"
                f" attempts = attempts + 1, next_attempt_at = NULL"
                f" WHERE {where} AND status != 'sent'",
                [attempt.at, *key],
            )
            return
        row = self.db.execute(
            f"SELECT attempts FROM {OUTBOX_DELIVERIES} WHERE {where} AND status = 'pending'", key
        ).fetchone()
        if row is None:
            return
        tries = row[0] + 1
        given_up = tries >= max_attempts
        # 2 ** 17 seconds is more than the longest wait: doubling further changes nothing,
        # and 2 ** 60 minutes would overflow a timedelta.
        wait = min(retry_after * 2 ** min(tries - 1, 17), LONGEST_WAIT)
        later = None if given_up else (datetime.fromisoformat(attempt.at) + wait).isoformat()
        self.db.execute(
            f"UPDATE {OUTBOX_DELIVERIES} SET status = ?, attempts = ?, last_error = ?,"
            f" next_attempt_at = ? WHERE {where}",
            ["failed" if given_up else "pending", tries, attempt.error, later, *key],
        )

    def event_key(self, reference: str) -> str:
        """The key of the outbox event numbered `reference`, or `reference` itself when it is
        the key of an event in the outbox."""
        column = "id" if reference.isdigit() else "key"
        row = self.db.execute(
            f"SELECT key FROM {OUTBOX_EVENTS} WHERE {column} = ?", [reference]
        ).fetchone()
        if row is None:
            raise StoreError(
                f"there is no event '{reference}' in the outbox; `goalline outbox` lists them"
            )
        return str(row[0])

    def _deliveries(self, where: str, *params: Any) -> list[Delivery]:
        rows = self.db.execute(
            "SELECT d.event, e.key, d.channel, d.recipient, d.status, d.attempts, d.last_error,"
            " d.next_attempt_at, d.sent_at, e.payload"
            f" FROM {OUTBOX_DELIVERIES} AS d JOIN {OUTBOX_EVENTS} AS e ON e.id = d.event"
            f" WHERE {where} ORDER BY d.event, d.rowid",
            params,
        )
        return [
            Delivery(event, key, channel, to, status, tries, error, later, sent, json.loads(data))
            for event, key, channel, to, status, tries, error, later, sent, data in rows
        ]
