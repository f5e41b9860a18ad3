"""Checks against a store's real tables (E401 no such table, E402 no such column, E403 not a
time column): every name a plan's sources and measures use must exist before any SQL runs;
and a literal of the other type than its column's, which is converted (W415). Pure: it
reads a snapshot of the schema, not the store."""

from __future__ import annotations

import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .. import model as m
from ..diagnostics import Diagnostic, error, suggestion, warning
from ..expressions import aggregate_calls, condition_tests, durations, source_of, walk, written_name
from ..source import Span


@dataclass(frozen=True)
class Schema:
    """Tables (name -> column names) and the columns imported as times, all as stored."""

    tables: Mapping[str, tuple[str, ...]]
    time_columns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    types: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # declared, upper case
    engine: str = "SQLite"  # the database, as people name it
    # the aggregates that database computes only over numbers (`store.capabilities`)
    numbers_only: frozenset[str] = frozenset()

    def table(self, name: str) -> tuple[str, ...] | None:
        for table, columns in self.tables.items():
            if table.lower() == name.lower():
                return columns
        return None

    def kind(self, table: str, column: str) -> str | None:
        """ "text" or "number" by the column's declared type, as SQLite's type affinity reads
        it (a time, stored as seconds, is neither here; nor is an untyped column)."""
        if column.lower() in {c.lower() for c in self.time_columns.get(table, frozenset())}:
            return None
        declared = next(
            (t for c, t in self.types.get(table, {}).items() if c.lower() == column.lower()), ""
        )
        if "INT" in declared:
            return "number"
        if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
            return "text"
        if not declared or "BLOB" in declared:
            return None
        return "number"


def check(plan: m.Plan, schema: Schema) -> Iterator[Diagnostic]:
    usable: set[str] = set()
    for source in plan.sources:
        problems = list(_source(source, schema))
        yield from problems
        if not problems:
            usable.add(source.id)
    for indicator in plan.indicators:
        if indicator.measure is not None:
            yield from _measure(plan, indicator, schema, usable)


def _source(source: m.Source, schema: Schema) -> Iterator[Diagnostic]:
    name = source.table_name
    columns = schema.table(name)
    where = source.table.span if source.table else source.span
    if source.file is not None:
        where = source.places.get("file", source.span)
        if schema.engine != "DuckDB":
            yield error(
                "E404",
                f"source '{source.id}' reads files in place, which a {schema.engine} store"
                " cannot: use a DuckDB store (--db FILE.duckdb), or import the files"
                " (goalline import FILE --table NAME) and name the table",
                where,
            )
            return
        if columns is None:
            yield error(
                "E401",
                f'no file matches "{source.file}" (a path from the folder of the plan file)',
                where,
            )
            return
    if columns is None and source.schema is not None:
        qualified = [t for t in schema.tables if "." in t]
        hint = suggestion(name, qualified, lambda t: f"'{t}'")
        yield error(
            "E401",
            f"the store has no table '{name}'{hint}; goalline reads a table of another schema"
            " where it is: it must be there, and readable by the store's role",
            where,
        )
        return
    if columns is None:
        hint = suggestion(name, list(schema.tables), _spelled)
        yield error(
            "E401",
            f"the store has no table '{name}'{hint}; import one with"
            f" goalline import FILE --table {shlex.quote(name)}",
            where,
        )
        return
    if source.time is not None:
        yield from _column(name, source.time.id, columns, source.time.span)
        yield from _time(name, source.time.id, columns, schema, source.time.span)
    for written in source.formats:
        yield from _column(name, written.column.id, columns, written.column.span)


def _measure(
    plan: m.Plan, indicator: m.Indicator, schema: Schema, usable: set[str]
) -> Iterator[Diagnostic]:
    assert indicator.measure is not None
    for call in aggregate_calls(indicator.measure):
        source = source_of(call)
        found = plan.get(source)
        if source not in usable or not isinstance(found, m.Source):
            continue
        table = found.table_name
        columns = schema.table(table) or ()
        for node, span, is_field in _columns(call):
            yield from _column(table, node, columns, span, is_field)
        for arg in _time_args(call):
            yield from _time(table, arg.column, columns, schema, arg.span)
        for compare in _column_comparisons(call.where):
            yield from _same_kind(table, compare, columns, schema)
        for test in condition_tests(call.where):
            yield from _literal_kind(table, test, schema)
        yield from _computable(call, table, schema)
        if indicator.breakdown is not None:
            yield from _column(table, indicator.breakdown.id, columns, indicator.breakdown.span)


def _computable(call: m.Call, table: str, schema: Schema) -> Iterator[Diagnostic]:
    """An aggregate of numbers over a column of text: SQLite reads a text that looks like a
    number as that number, PostgreSQL and DuckDB compute such aggregates only over numbers."""
    arg = call.args[0] if call.args else None
    if call.function not in schema.numbers_only or not isinstance(arg, m.Column):
        return
    if schema.kind(table, arg.column) == "text":
        yield error(
            "E404",
            f"{call.function} cannot be computed on {schema.engine} over column"
            f" '{arg.column}' of table '{table}', which holds text: import the column again"
            " as numbers, or give a measure over a column of numbers",
            arg.span,
        )


def _column(
    table: str, column: str, columns: tuple[str, ...], span: Span, is_field: bool = False
) -> Iterator[Diagnostic]:
    if column.lower() not in {c.lower() for c in columns}:
        hint = suggestion(column, columns, _spelled)
        if is_field:
            hint += f'; to compare with a text, quote it: "{column}"'
        yield error("E402", f"table '{table}' has no column '{column}'{hint}", span)


def _spelled(name: str) -> str:
    """A suggested name as the plan must write it: `First Response Time` in backquotes."""
    written = written_name(name)
    return written if written.startswith("`") else f"'{name}'"


def _time(
    table: str, column: str, columns: tuple[str, ...], schema: Schema, span: Span
) -> Iterator[Diagnostic]:
    times = {c.lower() for c in schema.time_columns.get(table, frozenset())}
    if column.lower() in {c.lower() for c in columns} and column.lower() not in times:
        yield error(
            "E403",
            f"column '{column}' of table '{table}' was not imported as a time;"
            f" import the table again with --time {shlex.quote(column)}",
            span,
        )


def _columns(call: m.Call) -> Iterator[tuple[str, Span, bool]]:
    """Every column an aggregate names, in its argument and its condition, and whether it is
    the right side of a comparison (where a forgotten pair of quotes makes a column)."""
    for node in walk(call.args[0]):
        if isinstance(node, m.Column):
            yield node.column, node.span, False
    if call.where is not None:
        yield from _condition_columns(call.where)


def _condition_columns(cond: m.Condition) -> Iterator[tuple[str, Span, bool]]:
    for test in condition_tests(cond):
        yield test.column, test.span, False
        if isinstance(test, m.Compare) and isinstance(test.value, m.Field):
            yield test.value.column, test.value.span, True


def _column_comparisons(cond: m.Condition | None) -> Iterator[m.Compare]:
    for test in condition_tests(cond):
        if isinstance(test, m.Compare) and isinstance(test.value, m.Field):
            yield test


def _same_kind(
    table: str, compare: m.Compare, columns: tuple[str, ...], schema: Schema
) -> Iterator[Diagnostic]:
    """A time is stored as seconds and any other column as it was written, so a time compared
    with a column that is not one would compare a number with text: always true or false."""
    assert isinstance(compare.value, m.Field)
    known = {c.lower() for c in columns}
    times = {c.lower() for c in schema.time_columns.get(table, frozenset())}
    sides = [(compare.column, compare.span), (compare.value.column, compare.value.span)]
    if not all(name.lower() in known for name, _ in sides):
        return  # E402 said so
    kinds = [name.lower() in times for name, _ in sides]
    if kinds[0] != kinds[1]:
        time, other = (sides[0], sides[1]) if kinds[0] else (sides[1], sides[0])
        yield error(
            "E403",
            f"'{time[0]}' is a time and column '{other[0]}' of table '{table}' is not, so"
            f" they cannot be compared; import the table again with --time {shlex.quote(other[0])}",
            other[1],
        )


def _time_args(call: m.Call) -> Iterator[m.Column]:
    for duration in durations(call.args[0]):
        yield from (a for a in duration.args if isinstance(a, m.Column))


def _literal_kind(
    table: str, test: m.Compare | m.MemberOf | m.NullTest, schema: Schema
) -> Iterator[Diagnostic]:
    """A number compared with a text column is compared as text (`42` as "42", never "042"),
    and a text with a number column as a number where it reads as one: say so, as it is
    rarely what the writer had in mind."""
    if isinstance(test, m.Compare) and isinstance(test.value, m.Value):
        literals = [test.value]
    elif isinstance(test, m.MemberOf):
        literals = list(test.values)
    else:
        return
    kind = schema.kind(table, test.column)
    for literal in literals:
        value = literal.value
        if kind == "text" and isinstance(value, m.Number):
            yield warning(
                "W415",
                f"column '{test.column}' of table '{table}' holds text, so {value.text} is"
                f' compared as the text "{value.text}" (write "{value.text}" to say so)',
                literal.span,
            )
        elif kind == "number" and isinstance(value, str):
            as_number = _number(value)
            said = (
                f"compared as the number {as_number} (write {as_number} to say so)"
                if as_number is not None
                else "no number: it equals none of its values and sorts after them all"
            )
            yield warning(
                "W415",
                f"column '{test.column}' of table '{table}' holds numbers,"
                f' so "{value}" is {said}',
                literal.span,
            )


def _number(text: str) -> str | None:
    try:
        float(text.strip())
    except ValueError:
        return None
    return text.strip()
