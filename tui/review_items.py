"""What a review looks at: the items needing attention, what a session wrote about, and small
parsing and time helpers for what is typed. Plain Python (no Textual), so it can be tested
and reused without a screen."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

from dsl.api import Report, ReviewRecord

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
