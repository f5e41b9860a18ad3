"""What the store keeps of a review: acknowledged escalations, review sessions, and per session
the notes, improvement actions and proposed targets written down. Frozen values, as the store
returns them; times are the ISO 8601 text the caller gave, dates are `date`s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """Someone has seen an escalation event (`event` is its `EscalationEvent.key`)."""

    event: str
    by: str
    note: str | None
    at: str


@dataclass(frozen=True, slots=True)
class ReviewSession:
    """One review of a plan file, evaluated as of `as_of`; unfinished until `finished_at`."""

    id: int
    plan: str
    as_of: str
    started_at: str
    finished_at: str | None
    attendees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """What a review wrote down about one goal or milestone (`kind`): its cause and lesson."""

    subject: str
    kind: str
    cause: str | None
    lesson: str | None


@dataclass(frozen=True, slots=True)
class Action:
    """An improvement action agreed in a review; `status` is open, done or dropped."""

    id: int
    subject: str
    title: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True, slots=True)
class Proposal:
    """A target proposed for a goal (as plan text, `>= 92`), with the suggestion shown then."""

    goal: str
    target: str
    suggestion: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """A session and everything written down in it, in the order it was first written."""

    session: ReviewSession
    notes: tuple[Note, ...]
    actions: tuple[Action, ...]
    proposals: tuple[Proposal, ...]
