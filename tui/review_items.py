"""What a review looks at and how what is typed reaches the store: the items needing
attention, small parsing and time helpers, and `Drafts`, the newest unsaved edit per field.
Plain Python (no Textual), so it can be tested and reused without a screen."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dsl.engine.report import Report
from dsl.store.database import Store
from dsl.store.records import Action, ReviewRecord

from . import present

# Milestones needing attention, most pressing first.
MILESTONE_ORDER = {"overdue": 0, "in_buffer": 1, "late": 2}
DUE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Item:
    """One thing the review looks at: a goal or a milestone (`kind`, as the store says)."""

    subject: str
    kind: str


def review_items(report: Report, written: Collection[str] = ()) -> list[Item]:
    """Goals needing attention (attention order), then milestones late, in buffer or
    overdue. Anything the session wrote about (`written`) stays, after them, even once it no
    longer needs attention: what was typed must never become unreachable."""
    goals = sorted(
        (g for g in report.goals if g.status in present.NEEDS_ATTENTION), key=present.attention_key
    )
    milestones = sorted(
        (ms for ms in report.milestones if ms.status in present.MILESTONE_ATTENTION),
        key=lambda ms: (MILESTONE_ORDER.get(ms.status, 9), ms.due, ms.id),
    )
    items = [Item(g.id, "goal") for g in goals] + [Item(ms.id, "milestone") for ms in milestones]
    listed = {item.subject for item in items}
    items += [Item(g.id, "goal") for g in report.goals if g.id in written and g.id not in listed]
    items += [
        Item(ms.id, "milestone")
        for ms in report.milestones
        if ms.id in written and ms.id not in listed
    ]
    return items


def written_about(record: ReviewRecord) -> set[str]:
    """The subjects a session has a note, an action or a proposed target for."""
    subjects = {n.subject for n in record.notes} | {a.subject for a in record.actions}
    return subjects | {p.goal for p in record.proposals}


def earlier_open_actions(store: Store, session: int) -> dict[str, list[Action]]:
    """The improvement actions still open from reviews before `session`, by subject."""
    own = {action.id for action in store.reviews.review_record(session).actions}
    earlier: dict[str, list[Action]] = {}
    for action in store.reviews.open_actions():
        if action.id not in own:
            earlier.setdefault(action.subject, []).append(action)
    return earlier


# What `enter` on an improvement action makes of its status: open, done, dropped, open again.
NEXT_STATUS = {"open": "done", "done": "dropped", "dropped": "open"}


def next_status(status: str) -> str:
    return NEXT_STATUS.get(status, "open")


def parse_due(text: str) -> tuple[date | None, str | None]:
    """A due date typed as YYYY-MM-DD (empty: none), or the reason it is refused."""
    text = text.strip()
    if not text:
        return None, None
    if not DUE_FORMAT.fullmatch(text):
        return None, f"'{text}' is not a due date: write it as YYYY-MM-DD, like 2027-03-31"
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, f"{text} is not a day of the calendar: write the due date as YYYY-MM-DD"


def split_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def now_text() -> str:
    """The time a person did something, in local time with its offset (the store keeps it)."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def when(iso: str) -> str:
    try:
        return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M}"
    except ValueError:
        return iso


# ---------------------------------------------------------------- saving as typed


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
