"""Delivering the outbox: every delivery that is due goes out through its channel, and the
store learns what came of it in batches, not one transaction per message.

At least once, never lost: a delivery that went out is written at once to a journal next to
the store (`STORE-outbox`, one line appended per message, which the kernel keeps even if
this process is killed the next moment) and only then, every `BATCH` deliveries or
`BATCH_SECONDS`, recorded in the store in one transaction, after which the journal is
emptied. A run that finds a journal left by one that was killed records it first. So a
kill between handing a message over and writing its line repeats that one message; a kill
anywhere else repeats none. The journal is locked while a run delivers: two runs never
deliver from the same store at once.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..store.database import Store
from ..store.errors import StoreError
from ..store.outbox import Attempt, Delivery
from . import channels
from .config import Notify
from .notices import email_message, name_of

BATCH = 200  # deliveries recorded in the store per transaction
BATCH_SECONDS = 2.0  # and at least this often


@dataclass
class Tally:
    """What one run delivered."""

    sent: Counter[str] = field(default_factory=Counter)  # by channel
    failed: list[tuple[Delivery, str]] = field(default_factory=list)
    replayed: int = 0  # deliveries a killed run had made and not recorded

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

    def failures(self) -> list[str]:
        """One line per channel that failed: a single failure names its delivery; more say
        how many, with each reason and its count (a server that is down is one line, not
        one per message; `goalline outbox` lists them all)."""
        by_channel: dict[str, list[tuple[Delivery, str]]] = {}
        for delivery, error in self.failed:
            by_channel.setdefault(delivery.channel, []).append((delivery, error))
        lines = []
        for channel, failed in by_channel.items():
            if len(failed) == 1:
                ((delivery, error),) = failed
                lines.append(f"{channel} to {delivery.recipient} for '{delivery.key}': {error}")
                continue
            reasons = Counter(error for _, error in failed)
            said = "; ".join(
                reason if len(reasons) == 1 else f"{reason} ({n})"
                for reason, n in reasons.most_common()
            )
            lines.append(f"{channel}: {len(failed)} deliveries failed: {said}")
        return lines


class Journal:
    """The deliveries made and not yet recorded in the store, one JSON line each; locked
    while its run delivers."""

    def __init__(self, path: str, store_path: str) -> None:
        self.path = path
        try:  # never through a link planted at its name
            self.fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror or exc
            raise StoreError(f"cannot write {path}: {why}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise StoreError(
                f"another goalline is delivering from {store_path} (it holds {path});"
                " try again when it has finished"
            ) from None

    def read(self) -> list[Attempt]:
        os.lseek(self.fd, 0, os.SEEK_SET)
        with os.fdopen(os.dup(self.fd), "rb") as stream:
            lines = stream.read().decode("utf-8", "replace").splitlines()
        found = []
        for line in lines:
            try:
                found.append(Attempt(*json.loads(line)))
            except (ValueError, TypeError):  # a line cut short by a kill: its message repeats
                continue
        return found

    def add(self, attempt: Attempt) -> None:
        line = json.dumps(
            [attempt.event, attempt.channel, attempt.recipient, attempt.at], ensure_ascii=False
        )
        os.write(self.fd, (line + "\n").encode("utf-8"))

    def clear(self) -> None:
        os.ftruncate(self.fd, 0)

    def close(self) -> None:
        os.close(self.fd)  # the lock goes with it


@contextmanager
def delivering(store: Store) -> Iterator[Journal]:
    """The right to deliver from `store`, held until the block ends: no other run delivers
    from the same file meanwhile, through whatever name it reached it (`Store.open` refuses
    a file with a second hard link). Taken before the outbox is written to, so two runs never
    add the same events side by side either."""
    with store.delivering():  # a server's own lock, for runs on other machines
        journal = Journal(store.journal_path(), store.path)
        try:
            yield journal
        finally:
            journal.close()


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def deliver(
    store: Store,
    config: Notify,
    journal: Journal,
    *,
    clock: Callable[[], str] = now_text,
    stop: threading.Event | None = None,
) -> Tally:
    """Deliver what is due, until done or until `stop` is set (the delivery in hand is
    finished and recorded); `journal` is the one `delivering` gave."""
    tally = Tally()
    mailer = channels.Mailer(config.email) if config.email else None
    recorded: list[Attempt] = []
    try:
        left = journal.read()
        if left:
            store.outbox.record_attempts(left, config.max_attempts, config.retry_after)
            tally.replayed = len(left)
        journal.clear()
        flushed = time.monotonic()
        for delivery in store.outbox.due(clock()):
            if stop is not None and stop.is_set():
                break
            error = _send(delivery, config, mailer, clock())
            attempt = Attempt(delivery.event, delivery.channel, delivery.recipient, clock(), error)
            if error is None:
                journal.add(attempt)
                tally.sent[delivery.channel] += 1
            else:
                tally.failed.append((delivery, error))
            recorded.append(attempt)
            if len(recorded) >= BATCH or time.monotonic() - flushed > BATCH_SECONDS:
                _flush(store, config, journal, recorded)
                flushed = time.monotonic()
    finally:
        try:
            _flush(store, config, journal, recorded)
        finally:
            if mailer is not None:
                mailer.close()
    return tally


def _flush(store: Store, config: Notify, journal: Journal, recorded: list[Attempt]) -> None:
    """Record the batch in the store; then the journal has nothing the store lacks."""
    if recorded:
        store.outbox.record_attempts(recorded, config.max_attempts, config.retry_after)
        recorded.clear()
        journal.clear()


def _send(
    delivery: Delivery, config: Notify, mailer: channels.Mailer | None, now: str
) -> str | None:
    data = delivery.payload
    if delivery.channel == "email":
        if mailer is None or config.email is None:
            return "e-mail is not configured any more ([notify.email] in goalline.toml)"
        try:
            to, name = delivery.recipient, name_of(data, delivery.recipient)
            message = email_message(
                data, to, config.email.sender, name, datetime.fromisoformat(now)
            )
        except ValueError as exc:  # a line break in the address: no server would take it
            return f"cannot write an e-mail to {delivery.recipient!r}: {exc}"
        return mailer.send(message)
    if delivery.channel == "webhook":
        if config.webhook is None:
            return "the webhook is not configured any more ([notify.webhook] in goalline.toml)"
        return channels.post(config.webhook, data)
    if config.command is None:
        return "the command is not configured any more ([notify.command] in goalline.toml)"
    return channels.run(config.command, data)
