"""Learning from history: `goalline suggest`, the targets a goal's own past supports, and
`goalline backtest`, what a plan would have said over another period."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from ..errors import Exit
from .common import db_option, load_program, moment, stop
from .evaluate import _outcome, _reading

if TYPE_CHECKING:
    from ..api import Program
    from ..engine.backtest import Backtest
    from ..engine.report import Report
    from ..store.database import Store


@click.command()
@click.argument("plan")
@db_option("The store the plan's history is in.")
@click.option("--goal", "goals", multiple=True, help="Only this goal (repeatable).")
@click.option(
    "--met-in",
    default="80%",
    show_default=True,
    help="The share of past cycles the suggested target would have been met in.",
)
@click.option("--lookback", type=int, help="Only the last N usable cycles of each goal.")
@click.option("--as-of", help="Evaluate as at this date or time (default: now).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("plan", "json")),
    default="plan",
    show_default=True,
    help="A plan fragment to copy targets from, or JSON.",
)
def suggest(
    plan: str,
    db: str,
    goals: tuple[str, ...],
    met_in: str,
    lookback: int | None,
    as_of: str | None,
    fmt: str,
) -> None:
    """The targets each goal's past complete cycles support: met in 90% (conservative), in
    --met-in (suggested) and in 60% (stretch) of them, with how each would have fared."""
    from ..engine.suggest import suggestions
    from ..output.suggestions import to_fragment, to_json

    share = _share(met_in)
    if lookback is not None and lookback < 1:
        stop(f"--lookback must be a number of cycles, 1 or more, not {lookback}")
    with _reading(db) as store:
        outcome = _outcome(plan, store, db, as_of, goals, rows=False)
    assert outcome.report is not None
    found = [suggestions(goal, share, lookback) for goal in outcome.report.goals]
    click.echo(to_json(found) if fmt == "json" else to_fragment(found), nl=False)


def _share(text: str) -> float:
    """`80%`, `80` or `0.8`: a share strictly between 0 and 1."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*", text)
    value = float(found[1]) / (100 if found[2] or float(found[1]) > 1 else 1) if found else 0.0
    if not 0 < value < 1:
        stop(f"--met-in must be a share of cycles such as 80%, not '{text}'")
    return value


@click.command()
@click.argument("plan")
@db_option("The store the history is in (opened read-only).")
@click.option("--period", required=True, help="FROM..TO: the period to replay the plan over.")
@click.option("--as-of", help="Evaluate as at this moment (default: the day after TO, or now).")
@click.option("--plan-b", help="A second plan to backtest beside PLAN, with the differences.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "toml", "csv")),
    default="table",
    show_default=True,
    help="A table for people; JSON or TOML for tools; CSV, one row per goal cycle.",
)
@click.option(
    "--fail-if-notifications-over",
    "most",
    type=int,
    help="Exit 1 if any person would have been notified more often than this (under either plan).",
)
def backtest(
    plan: str,
    db: str,
    period: str,
    as_of: str | None,
    plan_b: str | None,
    fmt: str,
    most: int | None,
) -> None:
    """Evaluate PLAN over another period, its cycles re-anchored there, and replay its
    escalation rules: per goal the statuses, the attainment and the rules that would have
    fired; per person how often they would have been notified. Writes nothing."""
    from ..engine.backtest import compare
    from ..output import backtests as render
    from ..store.database import Store

    start, end = _period(period)
    plans = [plan] if plan_b is None else [plan, plan_b]
    programs = [load_program(p).over(start, end) for p in plans]  # every plan checked first
    with Store.open(db, read_only=True) as store:
        found = [
            _replayed(p, name, store, db, end, as_of)
            for p, name in zip(programs, plans, strict=True)
        ]
    if fmt == "csv":
        click.echo(render.to_csv(*found), nl=False)
    elif fmt == "table":
        shown = render.to_table(found[0]) if plan_b is None else None
        click.echo(shown or render.comparison_table(compare(*found)), nl=False)
    else:
        data = (
            render.to_dict(found[0]) if plan_b is None else render.comparison_dict(compare(*found))
        )
        click.echo(render.to_json(data) if fmt == "json" else render.to_toml(data), nl=False)
    if most is not None and max(f.most_notified for f in found) > most:
        raise SystemExit(Exit.FOUND)


def _replayed(
    program: Program,
    plan: str,
    store: Store,
    db: str,
    end: date,
    as_of: str | None,
    report: Report | None = None,
) -> Backtest:
    """The backtest of `program` over its period (ending on `end`); `report` is its
    evaluation at that moment when the caller has it already."""

    from ..engine.backtest import summarise

    assert program.plan is not None
    zone = program.zone
    at = replay_moment(program, end, as_of)
    if report is None or report.as_of != at:
        outcome = program.run(store, at)
        if outcome.report is None:
            stop("\n".join([*(d.message for d in outcome.errors), f"{plan} does not fit {db}"]))
        report = outcome.report
    first = {k: datetime.fromtimestamp(v, zone).date() for k, v in store.first_recorded().items()}
    return summarise(program.plan, report, first)


def replay_moment(program: Program, end: date, as_of: str | None) -> datetime:
    """When a period ending on `end` is judged: as asked, else the day after it (every
    cycle complete), or now if that is sooner."""
    from datetime import UTC, datetime, timedelta

    if as_of is not None:
        return moment(as_of, program.zone.key)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time(), program.zone)
    return min(after, datetime.now(UTC).astimezone(program.zone))


def _period(text: str) -> tuple[date, date]:
    """`2025-01-01..2025-12-31`: two dates, the first not after the second."""
    found = re.fullmatch(r"\s*(\d{4}-\d\d-\d\d)\s*\.\.\s*(\d{4}-\d\d-\d\d)\s*", text)
    try:
        start, end = (
            (date.fromisoformat(found[1]), date.fromisoformat(found[2])) if found else (None, None)
        )
    except ValueError:
        start = end = None
    if start is None or end is None or start > end:
        stop(f"--period must be FROM..TO, two dates such as 2025-01-01..2025-12-31, not '{text}'")
    return start, end
