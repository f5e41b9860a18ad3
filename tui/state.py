"""What the review session shows, computed away from the screen: the plan evaluated against
the store at one moment, or the reason it could not be.

`evaluate_now` runs in a worker thread (it opens its own connection to the store, which
SQLite binds to the thread); the screens only render the frozen `Loaded` it returns, and the
app keeps its compiled plan (`Loaded.program`) to run again when only the data changes.
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dsl.api import (
    Acknowledgement,
    EscalationEvent,
    Explanation,
    Outcome,
    Program,
    Report,
    Store,
    StoreError,
    compile,
    explanation,
    render,
)
from dsl.api import stamps as stamps  # the app watches the plan and the store with it


@dataclass(frozen=True)
class Loaded:
    """One evaluation: the outcome (report or diagnostics), or a problem that stopped it.

    `problems` are one-line messages for people: a plan that does not check, a store that
    cannot be read. `acknowledged` maps the key of each acknowledged escalation event to
    who acknowledged it, when, and their note. `program` is the plan as compiled for this
    evaluation (None when it could not be read): run again while the plan is unchanged."""

    outcome: Outcome | None
    problems: tuple[str, ...] = ()
    acknowledged: Mapping[str, Acknowledgement] = field(default_factory=dict)
    plan_files: tuple[str, ...] = ()
    evaluated_at: datetime | None = None
    took: float = 0.0  # seconds the evaluation took
    program: Program | None = field(default=None, repr=False, compare=False)

    @property
    def report(self) -> Report | None:
        return self.outcome.report if self.outcome else None

    def unacknowledged(self) -> tuple[EscalationEvent, ...]:
        report = self.report
        if report is None:
            return ()
        return tuple(e for e in report.escalations if e.key not in self.acknowledged)


def evaluate_now(
    plan: str, db: str, as_of: datetime | None, program: Program | None = None
) -> Loaded:
    """Evaluate `plan` against the store `db` at `as_of` (now when None: the engine never
    reads the clock); `program` is the plan compiled already, compiled here when None. Never
    raises for bad input: problems come back as text."""
    started = time.perf_counter()
    try:
        store = Store.open(db)
    except StoreError as problem:
        return Loaded(None, (str(problem),), plan_files=(plan,), program=program)
    try:
        with store:
            if program is None:
                program = compile(plan)
            # the engine never reads the clock
            outcome = program.run(store, as_of or datetime.now(UTC))
            acknowledged = store.reviews.acknowledgements()
    except StoreError as problem:
        files = program.files if program else (plan,)
        return Loaded(None, (str(problem),), plan_files=files, program=program)
    except OSError as problem:  # the plan (or a file it includes) cannot be read
        reason = f"cannot read {plan}: {problem.strerror or problem}"
        return Loaded(None, (reason,), plan_files=(plan,), program=program)
    return _loaded(outcome, acknowledged, program, started)


def _loaded(
    outcome: Outcome, acknowledged: Mapping[str, Acknowledgement], program: Program, started: float
) -> Loaded:
    if outcome.report is None:
        problems = tuple(render(d, outcome.checked.sources).splitlines()[0] for d in outcome.errors)
        return Loaded(
            outcome,
            problems or ("the plan does not check",),
            plan_files=program.files,
            program=program,
        )
    return Loaded(
        outcome,
        acknowledged=acknowledged,
        plan_files=program.files,
        evaluated_at=outcome.report.as_of,
        took=time.perf_counter() - started,
        program=program,
    )


SHARES = 2  # processes reading the store for the first evaluation: one a core here


def evaluate_forked(plan: str, db: str, as_of: datetime | None, program: Program) -> Future[Loaded]:
    """The session's first evaluation, read from the store by processes forked now, each
    reading its share of the plan's cycle layouts (`Program.fetch`), and judged here from
    what they send back (`Program.judge`). Textual's imports and first frames need this
    process's GIL for 0.6 s; meanwhile the store is read on both cores, and only values
    cross back, not the report of every cycle. Should anything fail on the way, the
    evaluation runs here instead. Call it before any thread starts (a fork copies one)."""
    found: Future[Loaded] = Future()
    started, at = time.perf_counter(), as_of or datetime.now(UTC)  # one moment for all
    if not hasattr(os, "fork"):
        found.set_result(evaluate_now(plan, db, at, program))
        return found
    children = [_fork_share(db, at, program, (k, SHARES)) for k in range(SHARES)]

    def receive() -> None:
        try:
            sent = []
            for child, read in children:
                with os.fdopen(read, "rb") as src:
                    sent.append(src.read())
                os.waitpid(child, 0)
            shares, acknowledged = zip(*(_unpickled(part) for part in sent), strict=True)
            loaded = _loaded(program.judge(shares), acknowledged[0], program, started)
        except Exception:  # a child that died, or sent nothing: the evaluation runs here
            loaded = evaluate_now(plan, db, at, program)
        found.set_result(loaded)

    threading.Thread(target=receive, name="goalline-first-evaluation", daemon=True).start()
    return found


def _fork_share(db: str, at: datetime, program: Program, share: tuple[int, int]) -> tuple[int, int]:
    """A child reading one share of the evaluation, and the pipe it sends it through."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's work is the parent's result
        try:
            gc.disable()  # a process that ends with this share has no garbage to keep down
            os.close(read)
            with Store.open(db) as store:
                fetched = program.fetch(store, at, share=share)
                acknowledged = store.reviews.acknowledgements() if share[0] == 0 else {}
            sent = pickle.dumps((fetched, acknowledged), protocol=5)
            with os.fdopen(write, "wb") as out:
                out.write(sent)
        finally:
            os._exit(0)  # neither the parent's atexit handlers nor its buffered output
    os.close(write)
    return child, read


def _unpickled(sent: bytes) -> Any:
    """What a child sent, without collections on the way: its objects are all alive."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(sent)
    finally:
        if enabled:
            gc.enable()


def explain_cycle(loaded: Loaded, db: str, goal: str, cycle_index: int) -> Explanation:
    """The explanation of one cycle, as `goalline explain` gives it (runs in a worker)."""
    if loaded.outcome is None or loaded.outcome.report is None:
        return Explanation("", "")
    try:
        with Store.open(db) as store:
            return explanation(loaded.outcome, store, goal, cycle_index)
    except StoreError as problem:
        return Explanation(f"The explanation needs the store: {problem}", "")


def store_files(db: str) -> tuple[str, ...]:
    """The files that change when the store is written: the database and its write-ahead log."""
    return (db, f"{db}-wal")
