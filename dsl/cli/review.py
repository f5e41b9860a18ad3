"""`goalline review`: the review session, a terminal UI.

This is the one place the headless package reaches the UI package, by name and only when
the command runs: every other command starts without importing Textual."""

from __future__ import annotations

import contextlib
import importlib
from pathlib import Path

import click

from .common import db_option, moment, stop


@click.command()
@click.argument("plan")
@db_option("The store to review against.")
@click.option("--as-of", help="Review as at this date or time (default: now, kept up to date).")
def review(plan: str, db: str, as_of: str | None) -> None:
    """Open the review session on PLAN and the store: scorecard, goals, escalations."""
    open_review(plan, db, as_of)


def open_review(plan: str, db: str, as_of: str | None) -> None:
    """Refuse what the session cannot start with (no plan file, no store), then run it. A
    plan that does not check opens anyway: the session shows why, and recovers when fixed."""
    from ..api import compile
    from ..store.database import Store
    from ..store.server import share_connections

    if not Path(plan).is_file():
        stop(f"cannot read {plan}: no such file")
    Store.open(db).close()
    # The plan is compiled here, once: the first evaluation's process inherits it, and the
    # session keeps it.
    program = compile(plan)
    at = None
    if as_of:  # a date is midnight in the plan's zone (without one the clock is read later)
        at = moment(as_of, program.zone.key)
    state = importlib.import_module("tui.state")  # needs only dsl
    # Forked before Textual is imported: the store is read on both cores while the session
    # loads and paints, each process with an interpreter of its own (bench/tui_bench.py).
    first = state.evaluate_forked(plan, db, at, program)
    share_connections()  # the session opens the store for every read and write (after the fork)
    ui = importlib.import_module("tui.app")
    try:
        # The session keeps the compiled plan: it runs it again when only the store changes.
        ui.ReviewApp(plan, db, at, first=first, program=program).run()
    finally:
        # The first evaluation's processes read the store until they are done: a session
        # closed sooner waits for them, so that nothing still reads (or keeps a WAL beside)
        # a store the caller removes next (`demo` removes its temporary folder).
        with contextlib.suppress(Exception):
            first.result(timeout=120)
