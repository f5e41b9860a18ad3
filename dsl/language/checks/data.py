"""What the data says about a plan (W407-W409), for `check --db`: a column a measure reads
that is mostly empty, a duration that is negative in more than a few rows, and a period that
starts long before the data, whose first cycles can only be `no_data`. Pure: it is given
the facts (`DataFacts`, gathered from the store by `engine.health`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from .. import model as m
from ..diagnostics import Diagnostic, warning
from ..expressions import DURATIONS, aggregates_by_source, walk, written_name

MOSTLY_EMPTY = 0.5  # of the rows with a time
FEW_NEGATIVE = 0.01  # of the rows with both times


@dataclass(frozen=True)
class Filled:
    """How many rows with a time a column has a value in."""

    empty: int
    rows: int


@dataclass(frozen=True)
class DataFacts:
    """Per (table, column) how filled it is; per (table, first, second) column pair of a
    duration the rows with both times and how many of those are negative; per goal, when the
    data its measure reads begins and how many cycles of the period end before."""

    filled: Mapping[tuple[str, str], Filled] = field(default_factory=dict)
    negative: Mapping[tuple[str, str, str], tuple[int, int]] = field(default_factory=dict)
    before: Mapping[str, tuple[date, int]] = field(default_factory=dict)


def check(plan: m.Plan, facts: DataFacts) -> Iterator[Diagnostic]:
    warned: set[tuple[str, ...]] = set()
    for indicator in plan.indicators:
        for node, table in _read(plan, indicator):
            if isinstance(node, m.Column):
                key = (table, node.column)
                found = facts.filled.get(key)
                mostly_empty = found and found.rows and found.empty > MOSTLY_EMPTY * found.rows
                if found and mostly_empty and key not in warned:
                    warned.add(key)
                    yield warning(
                        "W407",
                        f"column {written_name(node.column)} of table '{table}' is empty in"
                        f" {found.empty:,} of {found.rows:,} rows ({found.empty / found.rows:.0%});"
                        f" indicator '{indicator.id}' reads only the others",
                        node.span,
                    )
            elif isinstance(node, m.Call) and len(node.args) == 2:
                first, second = node.args
                assert isinstance(first, m.Column) and isinstance(second, m.Column)  # checked
                pair = (table, first.column, second.column)
                negative, rows = facts.negative.get(pair, (0, 0))
                if rows and negative > FEW_NEGATIVE * rows and pair not in warned:
                    warned.add(pair)
                    yield warning(
                        "W408",
                        f"{node.function}({written_name(first.column)},"
                        f" {written_name(second.column)}) is negative in {negative:,} of"
                        f" {rows:,} rows of table '{table}' ({negative / rows:.0%}): the second"
                        " time comes before the first; are they the right way round, and in"
                        " one time zone?",
                        node.span,
                    )
    for goal in plan.goals:
        if goal.id in facts.before and goal.cycle is not None:
            begins, cycles = facts.before[goal.id]
            where = plan.info.places.get("period", plan.info.span)
            yield warning(
                "W409",
                f"goal '{goal.id}': the data it reads begins {begins}; {cycles} {goal.cycle}"
                f" {'cycle' if cycles == 1 else 'cycles'} of the period end before it and can"
                " only have no data, which counts as not attained: move the period's start?",
                where,
            )


def _read(plan: m.Plan, indicator: m.Indicator) -> Iterator[tuple[m.Column | m.Call, str]]:
    """The value columns and the durations an indicator's aggregates read, with their table
    (the columns of `where` conditions only choose rows, and an empty one is no problem)."""
    for call, source in aggregates_by_source(plan, indicator):
        for node in walk(call.args[0]):
            if isinstance(node, m.Column) or (
                isinstance(node, m.Call) and node.function in DURATIONS
            ):
                yield node, source.table_name
