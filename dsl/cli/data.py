"""`goalline import`, `record` and `done`: the commands that fill the store.

Each write is one transaction. A store that did not exist is created, and removed again if
the first write into it fails, so a failed command leaves everything as it was.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from .common import STDIN, db_option, load_plan, moment, stop, zone_of

if TYPE_CHECKING:
    from ..language.time_formats import PlannedTimes
    from ..store.database import Store
    from ..store.imports.writing import Imported


@click.command("import")
@click.argument("file")
@db_option("The store (created if missing).")
@click.option("--table", required=True, help="The table to load into.")
@click.option("--time", "time_columns", multiple=True, help="A column to read as a time.")
@click.option(
    "--time-format",
    "time_formats",
    multiple=True,
    metavar="COLUMN=FORMAT",
    help="Read COLUMN as a time written in FORMAT: strptime codes such as '%d-%m-%Y %H:%M',"
    " or epoch, epoch_ms (repeatable).",
)
@click.option("--pk", help="A key column: re-importing a row updates it instead of adding it.")
@click.option("--format", "fmt", help="csv, tsv, json or ndjson (default: from the name).")
@click.option("--timezone", help="The zone of times without an offset (default: plan's or UTC).")
@click.option(
    "--plan",
    help="A plan: its time zone applies to times without an offset, and the columns its sources"
    " read as times are read so, in the formats they give.",
)
def import_(
    file: str,
    db: str,
    table: str,
    time_columns: tuple[str, ...],
    time_formats: tuple[str, ...],
    pk: str | None,
    fmt: str | None,
    timezone: str | None,
    plan: str | None,
) -> None:
    """Load FILE (CSV, TSV, JSON or NDJSON; - for standard input) into a table of the store."""
    from ..store.errors import ImportProblem, StoreError
    from ..store.imports.reading import format_of

    if not table.strip() or any(sign in table for sign in "`\n\r\0"):
        stop(
            f"--table {table!r}: a table's name may hold any character but a backquote or a"
            " line break (plans write such names in backquotes), and may not be empty"
        )
    from ..language.time_formats import PlannedTimes, planned_times

    given = _time_formats(time_formats)
    checked = load_plan(plan) if plan else None
    planned = planned_times(checked, table) if checked else PlannedTimes({}, {})
    zone = zone_of(timezone, checked)
    name = "<stdin>" if file == STDIN else file
    try:
        kind = format_of(name, fmt)
        with _source(file) as stream, _writing(db) as store:
            # Columns imported as times before are read as times again, in the same format
            # and zone unless told otherwise: the plan's formats, then the command line's.
            times = (*time_columns, *planned.formats, *store.time_columns(table))
            formats = store.time_formats(table)
            formats.update({c: f for c, f in planned.formats.items() if f is not None})
            formats.update(given)
            if not (timezone or plan):
                zone = store.time_zone(table) or zone
            cycles = tuple(planned.cycles)
            imported = _load(store, stream, name, kind, table, times, pk, zone, formats, cycles)
    except (ImportProblem, StoreError) as problem:  # told with what it means for the import
        stop(f"{problem}; nothing was imported")
    if sys.stderr.isatty():
        click.echo("", err=True)
    count = imported.rows
    click.echo(
        f"imported {count:,} {'row' if count == 1 else 'rows'} into {table} ({db})", err=True
    )
    _say_empty_times(imported, table, planned)


def _say_empty_times(imported: Imported, table: str, planned: PlannedTimes) -> None:
    """Rows without a time are kept, but no cycle counts them: say how many, never silently."""
    from ..language.expressions import written_name

    cycles = {column.lower(): source for column, source in planned.cycles.items()}
    for column, empty in imported.empty_times.items():
        if not empty:
            continue
        rows = f"{empty:,} of {imported.table_rows:,} rows"
        line = f"{rows} of {table} have no {written_name(column)}"
        source = cycles.get(column.lower())
        if source is not None:
            line += f": they fall in no cycle of source '{source}'"
        click.echo(line, err=True)


def _load(
    store: Store,
    stream: IO[bytes],
    name: str,
    kind: str,
    table: str,
    times: tuple[str, ...],
    pk: str | None,
    zone: str,
    formats: dict[str, str],
    cycles: tuple[str, ...] = (),
) -> Imported:
    """Import, starting again with a column widened whenever a value does not fit the type
    detected from the first rows (rare: each restart re-reads the input from the start)."""
    from ..store.errors import ImportProblem, Widen
    from ..store.imports.read_aside import read_aside
    from ..store.imports.reading import prepare
    from ..store.imports.writing import ImportPlan

    forced: dict[str, str] = {}
    lowered = {c.lower() for c in cycles}
    while True:
        stream.seek(0)
        prepared = prepare(stream, name, kind, times, zone, forced, store.converts_times, formats)
        if pk and pk not in prepared.columns:
            raise ImportProblem(f"{name}: there is no column '{pk}' to use as the key")
        job = ImportPlan(
            table=table,
            columns=prepared.columns,
            types=prepared.types,
            time_columns=prepared.time_columns,
            formats=_by_column(prepared.time_columns, formats),
            # Rows are kept in the order of the time the plan's sources cycle by.
            cluster=next((c for c in prepared.columns if c.lower() in lowered), None),
            pk=pk,
            source=name,
            timezone=zone,
            now=_now(),
            progress=_progress(),
        )
        try:
            with read_aside(prepared.rows) as rows:
                return store.import_rows(job, rows)
        except Widen as widen:
            forced[widen.column] = widen.to


def _by_column(columns: frozenset[str], formats: dict[str, str]) -> dict[str, str]:
    """The format of each time column, keyed by its name as the file writes it."""
    lowered = {column.lower(): fmt for column, fmt in formats.items()}
    return {c: lowered[c.lower()] for c in columns if c.lower() in lowered}


@contextmanager
def _source(file: str) -> Iterator[IO[bytes]]:
    """The input, rewindable: standard input is kept in a temporary file as it is read."""
    if file != STDIN:
        try:
            stream = Path(file).open("rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            stop(f"cannot read {file}: {exc.strerror or exc}")
        with stream:
            yield stream
        return
    with tempfile.TemporaryFile() as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
        yield spool


@click.command(context_settings={"ignore_unknown_options": True})  # VALUE may be -12
@click.argument("indicator")
@click.argument("value")
@db_option("The store (created if missing).")
@click.option("--at", help="When the value was measured: a date or a time (default: now).")
@click.option("--note", help="A note kept with the value.")
@click.option("--plan", help="Refuse indicators this plan does not record by hand.")
@click.option("--timezone", help="The zone of --at without an offset (default: plan's or UTC).")
def record(
    indicator: str,
    value: str,
    db: str,
    at: str | None,
    note: str | None,
    plan: str | None,
    timezone: str | None,
) -> None:
    """Record VALUE for a recorded INDICATOR (one without a measure)."""
    from ..language import model as m
    from ..language.diagnostics import suggestion

    number = _number(value)
    checked = load_plan(plan) if plan else None
    zone = zone_of(timezone, checked)
    if checked:
        found = checked.get(indicator)
        if not isinstance(found, m.Indicator):
            hint = suggestion(indicator, [i.id for i in checked.indicators])
            stop(f"plan {plan} has no indicator '{indicator}'{hint}")
        if not found.recorded:
            stop(f"indicator '{indicator}' is computed by its measure; it takes no values")
    measured = moment(at, zone)
    with _writing(db) as store:
        store.record(indicator, measured.timestamp(), number, note, _now())
    from zoneinfo import ZoneInfo

    shown = measured.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")
    click.echo(f"recorded {indicator} = {value} at {shown}", err=True)


@click.command()
@click.argument("milestone")
@db_option("The store (created if missing).")
@click.option("--on", "on", help="The day it was completed (default: today).")
@click.option("--note", help="A note kept with the completion.")
@click.option("--plan", help="Refuse milestones this plan does not declare.")
@click.option("--timezone", help="The zone that decides what today is (default: plan's or UTC).")
def done(
    milestone: str,
    db: str,
    on: str | None,
    note: str | None,
    plan: str | None,
    timezone: str | None,
) -> None:
    """Record MILESTONE as completed."""
    from datetime import date
    from zoneinfo import ZoneInfo

    from ..language import model as m
    from ..language.cycles import local_date
    from ..language.diagnostics import suggestion

    checked = load_plan(plan) if plan else None
    zone = zone_of(timezone, checked)
    if checked and not isinstance(checked.get(milestone), m.Milestone):
        hint = suggestion(milestone, [ms.id for ms in checked.milestones])
        stop(f"plan {plan} has no milestone '{milestone}'{hint}")
    try:
        if on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", on.strip()):
            raise ValueError(on)
        day = (
            date.fromisoformat(on.strip()) if on else local_date(datetime.now(UTC), ZoneInfo(zone))
        )
    except ValueError:
        stop(f"'{on}' is not a date; write it as 2026-05-31")
    with _writing(db) as store:
        store.done(milestone, day, note, _now())
    click.echo(f"recorded {milestone} as done on {day}", err=True)


# ---------------------------------------------------------------- helpers


def _time_formats(given: tuple[str, ...]) -> dict[str, str]:
    """--time-format COLUMN=FORMAT, each checked before anything is read."""
    from ..language.time_formats import check_format

    formats: dict[str, str] = {}
    for spec in given:
        column, equals, fmt = spec.partition("=")
        if not equals or not column.strip() or not fmt:
            example = "created_at=%d-%m-%Y %H:%M"
            stop(f"--time-format '{spec}': write it as COLUMN=FORMAT, such as {example}")
        problem = check_format(fmt)
        if problem:
            stop(f"--time-format '{spec}': {problem}")
        formats[column.strip()] = fmt
    return formats


@contextmanager
def _writing(path: str) -> Iterator[Store]:
    """Open (or create) the store; if this command created it (from nothing, or from an
    empty file) and then fails, leave things as they were."""
    from ..store.base import is_server
    from ..store.database import Store

    file = Path(path)
    was = None if not file.exists() else file.stat().st_size
    if is_server(path):
        was = -1  # a database server's: nothing to remove, its transaction left nothing
    store = Store.open(path, create=True)
    try:
        yield store
    except BaseException:
        store.close()
        if was in (None, 0):
            for suffix in ("-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
            if was is None:
                file.unlink(missing_ok=True)
            else:
                file.write_bytes(b"")
        raise
    store.close()


def _number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        stop(f"'{text}' is not a number")
    if not math.isfinite(number):
        stop(f"'{text}' is not a finite number")
    return number


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _progress() -> Callable[[int], None] | None:
    """A running count on standard error, only when a person is watching it."""
    if not sys.stderr.isatty():
        return None
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        click.echo(f"\rimported {done:,} rows", err=True, nl=False)

    return tick
