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
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from dsl.api import (
    Acknowledgement,
    EscalationEvent,
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
    import time

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


def evaluate_forked(plan: str, db: str, as_of: datetime | None, program: Program) -> Future[Loaded]:
    """The session's first evaluation in a process of its own, forked now: Textual's imports
    and first frames in this process need the GIL for 0.6 s, and would hold back an
    evaluation in a thread by as much. The child sends its `Loaded` back pickled, less what
    this process has already (the compiled plan); should anything fail on the way, the
    evaluation runs here instead. Call it before any thread starts (a fork copies one)."""
    found: Future[Loaded] = Future()
    if not hasattr(os, "fork"):
        found.set_result(evaluate_now(plan, db, as_of, program))
        return found
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's work is the parent's result
        try:
            gc.disable()  # a process that ends with this evaluation has no garbage to keep down
            os.close(read)
            loaded = evaluate_now(plan, db, as_of, program)
            got = loaded.outcome
            parts = (got.diagnostics, got.report, got.queries) if got else None
            sent = pickle.dumps((replace(loaded, outcome=None, program=None), parts), protocol=5)
            with os.fdopen(write, "wb") as out:
                out.write(sent)
        finally:
            os._exit(0)  # neither the parent's atexit handlers nor its buffered output
    os.close(write)

    def receive() -> None:
        try:
            with os.fdopen(read, "rb") as src:
                sent = src.read()
            os.waitpid(child, 0)
            loaded, parts = _unpickled(sent)
            outcome = Outcome(program.checked, *parts) if parts else None
            found.set_result(replace(loaded, outcome=outcome, program=program))
        except Exception:  # a child that died, or sent nothing: the evaluation runs here
            found.set_result(evaluate_now(plan, db, as_of, program))

    threading.Thread(target=receive, name="goalline-first-evaluation", daemon=True).start()
    return found


def _unpickled(sent: bytes) -> Any:
    """The child's evaluation, without collections on the way: its objects are all alive
    (0.06 s for a report of 500 goals rather than 0.1 s)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(sent)
    finally:
        if enabled:
            gc.enable()


def explain_cycle(loaded: Loaded, db: str, goal: str, cycle_index: int) -> str:
    """The explanation of one cycle, as `goalline explain` prints it (runs in a worker)."""
    if loaded.outcome is None or loaded.outcome.report is None:
        return ""
    try:
        with Store.open(db) as store:
            return explanation(loaded.outcome, store, goal, cycle_index)
    except StoreError as problem:
        return f"The explanation needs the store: {problem}"


def store_files(db: str) -> tuple[str, ...]:
    """The files that change when the store is written: the database and its write-ahead log."""
    return (db, f"{db}-wal")
