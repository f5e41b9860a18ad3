"""`goalline demo`: the customer-support sample plan and a generated year of its data, in a
folder of their own, opened in the review session."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import stop

if TYPE_CHECKING:
    from ..store.database import Store

PLAN_NAME = "customer-support.goal"
STORE_NAME = "support.db"
# The end of the sample year: every cycle is complete, every status shows.
AS_OF = "2027-01-01"


@click.command()
@click.option("--dir", "folder", help="Write here (default: a new temporary folder).")
@click.option("--no-ui", is_flag=True, help="Only write the files and print their paths.")
@click.option("--keep", is_flag=True, help="Keep the temporary folder after the session.")
def demo(folder: str | None, no_ui: bool, keep: bool) -> None:
    """Write the sample plan and a generated year of data, then open the review session.
    A temporary folder goes when the session ends, unless --keep (or --no-ui: the files are
    what was asked for)."""
    temporary = folder is None
    target = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="goalline-demo-"))
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        stop(f"cannot write to {target}: {exc.strerror or exc}")
    plan_path, store_path = target / PLAN_NAME, target / STORE_NAME
    for path in (plan_path, store_path):
        if path.exists():
            stop(f"{path} exists already; choose another folder with --dir")
    try:
        write_demo(plan_path, store_path)
        click.echo(f"plan:  {plan_path}")
        click.echo(f"store: {store_path}")
        if no_ui:
            click.echo(f"try:   goalline review {plan_path} --db {store_path} --as-of {AS_OF}")
            click.echo(f"or:    goalline evaluate {plan_path} --db {store_path} --as-of {AS_OF}")
            return
        from .review import open_review

        open_review(str(plan_path), str(store_path), AS_OF)
    finally:
        if temporary and not (keep or no_ui):
            shutil.rmtree(target, ignore_errors=True)
        elif temporary and not no_ui:
            click.echo(f"kept: {target}")


def write_demo(plan_path: Path, store_path: Path | str) -> None:
    """The sample plan, and a store holding its generated tickets, surveys, recorded NPS and
    call-back values and milestone completions."""
    from ..demo.plans import sample_plan
    from ..files import write_file
    from ..store.database import Store

    write_file(plan_path, sample_plan())
    with Store.open(str(store_path), create=True) as store, tempfile.TemporaryDirectory() as data:
        _fill(store, Path(data))  # the CSV files are only the way in: they do not stay


def _fill(store: Store, folder: Path) -> None:
    from datetime import UTC, datetime

    from ..demo import data as sample_data
    from ..store.imports.reading import prepare
    from ..store.imports.writing import ImportPlan

    now = datetime.now(UTC).isoformat(timespec="seconds")
    tickets, surveys = sample_data.write_csv(folder)
    for path, table, times in (
        (tickets, "tickets", ("created_at", "resolved_at")),
        (surveys, "surveys", ("answered_at",)),
    ):
        with path.open("rb") as stream:
            rows = prepare(
                stream, path.name, "csv", times, "Asia/Shanghai", None, store.converts_times
            )
            job = ImportPlan(
                table=table,
                columns=rows.columns,
                types=rows.types,
                time_columns=frozenset(times),
                pk="id",
                source=path.name,
                timezone="Asia/Shanghai",
                now=now,
            )
            store.import_rows(job, rows.rows)
    for indicator, values in (
        ("nps", sample_data.nps_values()),
        ("callback_rate", sample_data.callback_values()),
    ):
        for at, value in values:
            store.record(indicator, datetime.fromisoformat(at).timestamp(), value, None, now)
    for milestone, day in sample_data.milestone_completions():
        store.done(milestone, day, None, now)
