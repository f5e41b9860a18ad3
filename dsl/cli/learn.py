"""`goalline suggest`: learning from history, the targets a goal's own past supports."""

from __future__ import annotations

import re

import click

from .common import stop
from .evaluate import _outcome, _reading


@click.command()
@click.argument("plan")
@click.option("--db", required=True, help="The store the plan's history is in.")
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
