"""Time columns as a plan knows them: which texts can be time formats (`--time-format`, a
source's `format`: strptime codes such as `%d-%m-%Y %H:%M`, or `epoch` and `epoch_ms` for Unix
times), and which columns of a table a plan reads as times, so that `import --plan` reads
them so. The import reads with the formats (`store.imports.times`); the checker only needs
to know that they can be read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from . import model as m
from .expressions import aggregates_by_source, durations

EPOCHS = {"epoch": 1.0, "epoch_ms": 1000.0}
_CODE = re.compile(r"%(.)")


def check_format(fmt: str) -> str | None:
    """Why `fmt` cannot be a time format, or None when it can."""
    if fmt in EPOCHS:
        return None
    if not _CODE.search(fmt):
        return "it has no % code; use strptime codes such as %d-%m-%Y %H:%M, or epoch, epoch_ms"
    try:
        datetime.strptime(datetime(2026, 3, 5, 9, 14, 27, tzinfo=UTC).strftime(fmt), fmt)
    except ValueError as exc:
        return f"it is not a strptime format ({exc})"
    return None


@dataclass(frozen=True)
class PlannedTimes:
    """The columns of one table that a plan reads as times, with the format its sources give
    (None: ISO 8601), and those that decide a row's cycle, with the source each times."""

    formats: dict[str, str | None]
    cycles: dict[str, str]  # column -> the source whose `time` it is


def planned_times(plan: m.Plan, table: str) -> PlannedTimes:
    """Every source reading `table` (named in any case): its `time` column, the columns its
    measures give to `minutes_between` and its kin, and the columns it states a format for."""
    sources = [s for s in plan.sources if s.table_name.lower() == table.lower()]
    formats: dict[str, str | None] = {}
    cycles: dict[str, str] = {}
    for source in sources:
        if source.time is not None:
            formats.setdefault(source.time.id, None)
            cycles.setdefault(source.time.id, source.id)
        for written in source.formats:
            formats[written.column.id] = written.format
    for indicator in plan.indicators:
        for call, source in aggregates_by_source(plan, indicator):
            if source in sources:
                for duration in durations(call.args[0]):
                    for arg in duration.args:
                        if isinstance(arg, m.Column):
                            formats.setdefault(arg.column, None)
    return PlannedTimes(formats, cycles)
