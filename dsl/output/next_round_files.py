"""The next round's plan as a file, for `goalline next-round` and the end of a review alike:
which review it is written from, the text (`next_round`) formatted and checked as
`check --strict` and `check --db` would check it, and the file written in one step, never
over the plan itself and over another file only when asked. A refusal is a
`NextRoundError`, its message one line per problem."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..engine.health import check_against
from ..engine.report import Report
from ..errors import GoallineError
from ..files import write_file
from ..language.checking import Checked, check_plan
from ..language.diagnostics import Diagnostic, render
from ..language.formatter import format_text
from ..store.database import Store
from ..store.records import ReviewRecord
from .next_round import NextRound, Round, next_period, next_round


class NextRoundError(GoallineError):
    """The next round's plan cannot be written; the message says why."""


@dataclass(frozen=True, slots=True)
class Prepared:
    text: str  # the plan to write, formatted
    found: NextRound
    review: ReviewRecord | None
    warnings: tuple[Diagnostic, ...]  # its own (where the plan had some) and the history's


def review_for(store: Store, plan: str, session: int | None) -> ReviewRecord | None:
    """The review asked for, or the latest of this plan file (a finished one first)."""
    if session is not None:
        return store.reviews.review_record(session)
    mine = [s for s in store.reviews.sessions() if _same_file(s.plan, plan)]
    finished = [s for s in mine if s.finished_at] or mine
    return store.reviews.review_record(finished[-1].id) if finished else None


def _same_file(recorded: str, plan: str) -> bool:
    return recorded == plan or os.path.realpath(recorded) == os.path.realpath(plan)


def prepare(
    source: Checked,
    path: str,
    store: Store,
    review: ReviewRecord | None,
    report: Report | None,
    out: str,
    now: datetime,
) -> Prepared:
    """The next round of the plan at `path` (checked as `source`) from `review`, with the
    milestones `report` (the round's evaluation) says are done. A plan that passes
    `check --strict` gives one that does, or this refuses, saying what the check said."""
    refuse_to_replace(path, out, force=True)
    formatted = format_text(source.sources[path])
    built = check_plan(path, formatted)  # its spans point into the formatted text
    assert built.plan is not None
    done = {ms.id: ms.done_on for ms in report.milestones if ms.done_on} if report else {}
    today = now.astimezone(report.as_of.tzinfo).date() if report else now.date()
    decided = Round(path, _digest(path), today, review, store.reviews.open_actions(), done)
    found = next_round(formatted, built.plan, decided)
    text = format_text(found.text)
    checked = check_plan(out, text)
    if checked.errors or (checked.warnings and not source.diagnostics):
        shown = [render(d, checked.sources) for d in checked.diagnostics]
        raise NextRoundError(
            "\n".join(
                [*shown, f"the next round's plan would not pass `goalline check --strict`;"
                 f" {out} was not written"]
            )
        )  # fmt: skip
    own = set(checked.diagnostics)
    history = [d for d in check_against(out, store, now, text).diagnostics if d not in own]
    return Prepared(text, found, review, (*checked.warnings, *history))


def _digest(path: str) -> str:
    """The first 12 hex digits of the plan file's SHA-256, as the header names it."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError as error:
        raise NextRoundError(f"cannot read {path}: {error.strerror or error}") from None


def refuse_to_replace(plan: str, out: str, *, force: bool) -> None:
    if os.path.realpath(out) == os.path.realpath(plan):
        raise NextRoundError(
            f"{out} is the plan itself: next-round never edits a plan in place; name another file"
        )
    if os.path.lexists(out) and not force:
        raise NextRoundError(f"{out} exists; add --force to replace it")


def write(prepared: Prepared, plan: str, out: str, *, force: bool) -> None:
    refuse_to_replace(plan, out, force=force)
    try:
        write_file(out, prepared.text)
    except OSError as error:
        raise NextRoundError(f"cannot write {out}: {error.strerror or error}") from None


def next_name(plan: str, start: date, end: date) -> str:
    """Where the review offers to write the next round of a plan of the period `start ..
    end`: beside the plan, the year in its name moved on (`support-2026.goal` to
    `support-2027.goal`), or the new year added to it (`support-2027.goal`)."""
    new_start = next_period(start, end)[0]
    path = Path(plan)
    stem = path.stem
    if str(start.year) in stem and start.year != new_start.year:
        stem = stem.replace(str(start.year), str(new_start.year))
    else:
        stem = f"{stem}-{new_start.year if start.year != new_start.year else 'next'}"
    return str(path.with_name(stem + path.suffix))
