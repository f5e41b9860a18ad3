"""`goalline evaluate` and `goalline explain`: where every goal stands, and why."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..errors import Exit
from .common import db_option, load_program, moment, stop

if TYPE_CHECKING:
    from ..api import Outcome
    from ..store.database import Store

FAIL_ON = ("warning", "breached", "critical", "never")


@click.command()
@click.argument("plan")
@db_option("The store to evaluate against.")
@click.option("--as-of", help="Evaluate as at this date or time (default: now).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "toml", "csv")),
    help="Output format (default: table on a terminal, json otherwise).",
)
@click.option("--goal", "goals", multiple=True, help="Only this goal (repeatable).")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="never",
    show_default=True,
    help="Exit 1 if a goal's latest complete cycle is this bad or worse.",
)
def evaluate(
    plan: str, db: str, as_of: str | None, fmt: str | None, goals: tuple[str, ...], fail_on: str
) -> None:
    """Evaluate PLAN against the store: a value, a status and a target per goal per cycle."""
    from ..engine.report import SEVERITY
    from ..output import formats as render

    chosen = fmt or ("table" if sys.stdout.isatty() else "json")
    with _reading(db) as store:
        # Only the JSON and TOML reports say what each aggregate read: it costs time.
        outcome = _outcome(plan, store, db, as_of, goals, rows=chosen in ("json", "toml"))
        acknowledged = store.reviews.acknowledgements()
    report = outcome.report
    assert report is not None
    if chosen == "table":
        click.echo(render.to_table(report, _style()), nl=False)
    elif chosen == "csv":
        click.echo(render.to_csv(report), nl=False)
    else:
        writer = render.to_json if chosen == "json" else render.to_toml
        click.echo(writer(report, acknowledged), nl=False)
    if fail_on != "never":
        worst = [g for g in report.goals if SEVERITY.get(g.status, -1) >= SEVERITY[fail_on]]
        if worst:
            sys.exit(Exit.FOUND)


@click.command()
@click.argument("plan")
@click.argument("goal")
@db_option("The store to evaluate against.")
@click.option(
    "--cycle", "cycle_day", help="The cycle containing this date (default: the last complete one)."
)
@click.option("--as-of", help="Evaluate as at this date or time (default: now).")
def explain(plan: str, goal: str, db: str, cycle_day: str | None, as_of: str | None) -> None:
    """Explain one GOAL of PLAN for one cycle: rows, SQL, value, target, and the status."""
    with _reading(db) as store:
        outcome = _outcome(plan, store, db, as_of, (goal,), rows=True)
        text = _explanation(outcome, store, goal, cycle_day)
    click.echo(text, nl=False)


def _explanation(outcome: Outcome, store: Store, goal: str, cycle_day: str | None) -> str:
    from datetime import date

    from ..api import explanation

    report = outcome.report
    assert report is not None
    (result,) = report.goals
    chosen = [c for c in result.cycles if c.complete]
    if cycle_day:
        try:
            day = date.fromisoformat(cycle_day)
        except ValueError:
            stop(f"'{cycle_day}' is not a date; write it as 2026-06-15")
        chosen = [c for c in result.cycles if c.start <= day <= c.end]
        if not chosen and not report.period_start <= day <= report.period_end:
            stop(f"{day} is outside the plan period {report.period_start} .. {report.period_end}")
        if not chosen:
            stop(f"the cycle of goal '{goal}' with {day} has not started by the evaluation time")
    elif not chosen:
        chosen = list(result.cycles[-1:])
        if not chosen:
            stop(f"no cycle of goal '{goal}' has started by the evaluation time")
    return explanation(outcome, store, goal, chosen[-1].index).text


def _outcome(
    plan: str, store: Store, db: str, as_of: str | None, goals: tuple[str, ...], *, rows: bool
) -> Outcome:
    from ..language.diagnostics import render, suggestion

    program = load_program(plan)
    known = [g.id for g in program.plan.goals] if program.plan else []
    for goal in goals:
        if goal not in known:
            stop(f"plan {plan} has no goal '{goal}'{suggestion(goal, known)}")
    at = moment(as_of, program.zone.key)
    outcome = program.run(store, at, goals=goals, rows=rows)
    if outcome.report is None:
        for diagnostic in outcome.errors:
            click.echo(render(diagnostic, outcome.checked.sources), err=True)
        stop(f"{plan} does not fit the store {db}; see the errors above")
    return outcome


@contextmanager
def _reading(path: str) -> Iterator[Store]:
    """The store, only if it exists: reading never creates one."""
    from ..store.database import Store

    with Store.open(path) as store:
        yield store


def _style() -> Callable[[str, str], str] | None:
    """Colour status words on a terminal, never when NO_COLOR is set."""
    if not sys.stdout.isatty() or "NO_COLOR" in os.environ:
        return None
    return lambda text, colour: click.style(text, fg=colour) if colour else text
