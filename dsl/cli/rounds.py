"""From one round to the next: `goalline next-round`, the next period's plan written from
the recorded review, and `goalline diff`, what changed between two plans by meaning (and,
with a store, how the past cycles would be judged under the new one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from ..errors import Exit
from .common import db_option, load_program, stop
from .learn import _replayed, replay_moment

if TYPE_CHECKING:
    from ..api import Program
    from ..engine.backtest import Comparison
    from ..engine.report import Report
    from ..language.model import Plan


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--db", help="Also judge the past cycles of OLD's period under each plan.")
@click.option("--as-of", help="With --db: evaluate as at this moment (default: after the period).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Lines for people, or JSON for scripts.",
)
def diff(old: str, new: str, db: str | None, as_of: str | None, fmt: str) -> None:
    """What changed from OLD to NEW by meaning, not by text: goals added or removed, targets,
    thresholds, cycles, owners, escalation rules, calendars, exclusions. Exit 1 if anything
    did, as diff does."""
    before, after = load_program(old), load_program(new)
    assert before.plan is not None and after.plan is not None
    if fmt == "json":
        changed = _json_changes(old, new, before, after, db, as_of)
    else:
        changed = _print_changes(old, new, before.plan, after.plan)
        if db is not None:
            _print_judged(before, after, db, as_of)
    if changed:
        raise SystemExit(Exit.FOUND)


def _json_changes(
    old: str, new: str, before: Program, after: Program, db: str | None, as_of: str | None
) -> int:
    """`{"old", "new", "changes": [{kind, what, id, field, old, new, text}], "judged"}`, the
    last (with --db) as `backtest --plan-b`'s `differences`."""
    from dataclasses import asdict

    from ..language.differences import differences
    from ..output.backtests import comparison_dict, to_json

    assert before.plan is not None and after.plan is not None
    changes = differences(before.plan, after.plan)
    data: dict[str, object] = {
        "old": old,
        "new": new,
        "changes": [asdict(c) | {"text": c.text} for c in changes],
    }
    if db is not None:
        data["judged"] = comparison_dict(_compared(before, after, db, as_of))["differences"]
    click.echo(to_json(data), nl=False)
    return len(changes)


def _print_changes(old: str, new: str, before: Plan, after: Plan) -> int:
    from ..language.differences import differences

    changes = differences(before, after)
    if not changes:
        click.echo(f"{old} and {new} mean the same plan.")
        return 0
    click.echo(f"From {old} to {new}: {len(changes)} change{'s' if len(changes) > 1 else ''}")
    for change in changes:
        click.echo(f"  {change.text}")
    return len(changes)


def _print_judged(
    before: Program, after: Program, db: str, as_of: str | None, report: Report | None = None
) -> None:
    """Both plans over OLD's period on the store's history: per goal the attainment under
    each, and the cycles they judge otherwise. `report`: OLD's evaluation, if at hand."""
    from ..output.backtests import judged_lines

    both = _compared(before, after, db, as_of, report)
    period = f"{both.a.report.period_start} .. {both.a.report.period_end}"
    click.echo("")
    click.echo(f"The past cycles of {period} judged under each plan ({db}):")
    for line in judged_lines(both, ("OLD", "NEW")):
        click.echo(line)


def _compared(
    before: Program, after: Program, db: str, as_of: str | None, report: Report | None = None
) -> Comparison:
    from ..engine.backtest import compare
    from ..store.database import Store

    assert before.plan is not None
    start, end = before.plan.info.period_start, before.plan.info.period_end
    assert start is not None and end is not None
    programs = (before, after.over(start, end))
    names = (before.path, after.path)
    with Store.open(db, read_only=True) as store:
        found = [
            _replayed(p, n, store, db, end, as_of, r)
            for p, n, r in zip(programs, names, (report, None), strict=True)
        ]
    return compare(*found)


@click.command(name="next-round")
@click.argument("plan")
@db_option("The store the review was recorded in.")
@click.option(
    "--review", "session", type=int, help="The review to write from (default: the latest of PLAN)."
)
@click.option(
    "-o", "--output", "out", required=True, help="The file to write the next round's plan to."
)
@click.option(
    "--as-of", help="Judge the round as at this moment (default: as the review did, or now)."
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def next_round(
    plan: str, db: str, session: int | None, out: str, as_of: str | None, force: bool
) -> None:
    """Write the next period's plan from PLAN and its recorded review: the period moved by its
    length, the proposed targets in force (the old ones as comments, warn lines moved with
    them), open improvement actions as milestones, lessons as comments. PLAN is not changed."""
    from ..output import next_round_files as files
    from ..store.database import Store

    files.refuse_to_replace(plan, out, force=force)
    program = load_program(plan)  # a plan that does not check ends here, with its errors
    assert program.plan is not None
    with Store.open(db, read_only=True) as store:
        record = files.review_for(store, plan, session)
        when = as_of or (record.session.as_of if record else None)
        assert program.plan.info.period_end is not None
        outcome = program.run(store, replay_moment(program, program.plan.info.period_end, when))
        report = outcome.report
        if report is None:  # which milestones are done is not known: nothing is written
            problems = [d.message for d in outcome.errors]
            stop("\n".join([*problems, f"{plan} does not fit {db}; {out} was not written"]))
        prepared = files.prepare(
            program.checked, plan, store, record, report, out, datetime.now(UTC)
        )
    files.write(prepared, plan, out, force=force)
    found = prepared.found
    whence = f"review {record.session.id}" if record else "no review (none is recorded for it)"
    click.echo(f"Wrote {out}: {found.start} .. {found.end}, from {plan} and {whence}.")
    for note in found.notes:
        click.echo(f"  {note}")
    for diagnostic in prepared.warnings:  # what the store's history says of the new targets
        click.echo(f"  {diagnostic.headline()}")
    click.echo("")
    after = load_program(out)
    assert after.plan is not None
    _print_changes(plan, out, program.plan, after.plan)
    _print_judged(program, after, db, when, report)
