"""Read CSV, TSV, JSON and NDJSON as rows for the store, streaming (JSON arrays excepted).

Column types are detected from the first rows with sqlite-utils' type tracker; time columns
are parsed into instants (ISO 8601 with `Z`, an offset, or naive in the given time zone).
A row that cannot be read stops the import with `FILE:ROW: column 'x': ...`.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlite_utils.utils import TypeTracker

from .diagnostics import suggestion

FORMATS = ("csv", "tsv", "json", "ndjson")
SAMPLE_ROWS = 1_000
# Big enough for any field a person writes, small enough to stop a runaway file early.
csv.field_size_limit(16 * 1024 * 1024)


class ImportProblem(Exception):
    """Why an import stopped; the message names the file, the row and the column."""


@dataclass(frozen=True)
class Prepared:
    """The columns of the input, their detected types, and the rows as tuples in that order."""

    columns: tuple[str, ...]
    types: dict[str, str]
    rows: Iterator[list[Any]]


def format_of(name: str, given: str | None) -> str:
    """The format named with `--format`, or the one a file's extension says."""
    if given:
        if given not in FORMATS:
            raise ImportProblem(f"unknown format '{given}'; use one of {', '.join(FORMATS)}")
        return given
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("jsonl", "ndjson"):
        return "ndjson"
    if extension in FORMATS:
        return extension
    raise ImportProblem(
        f"{name}: cannot tell the format from the name; add --format csv, tsv, json or ndjson"
    )


def prepare(
    stream: IO[bytes], name: str, fmt: str, time_columns: Iterable[str], timezone: str
) -> Prepared:
    """Read the header (or the first records), detect types, and stream converted rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    records = _csv(text, name, fmt) if fmt in ("csv", "tsv") else _json(text, name, fmt)
    header = next(records)
    assert isinstance(header, tuple)
    sample = list(itertools.islice(records, SAMPLE_ROWS))
    columns = header if header else _keys(sample)
    times = _time_indexes(columns, tuple(time_columns), name)
    types = _detect(columns, sample, times)
    zone = ZoneInfo(timezone)
    every = itertools.chain(sample, records)
    if header:
        return Prepared(columns, types, _text_rows(every, times, zone, name))
    return Prepared(columns, types, _record_rows(every, columns, times, zone, name))


# ---------------------------------------------------------------- readers


def _csv(text: IO[str], name: str, fmt: str) -> Iterator[Any]:
    reader = csv.reader(text, delimiter="\t" if fmt == "tsv" else ",")
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportProblem(f"{name}:1: {_reason(exc)}") from None
    if not header or not any(h.strip() for h in header):
        raise ImportProblem(f"{name}: the file is empty; a first line must name the columns")
    columns = tuple(h.strip() for h in header)
    _check_columns(columns, name)
    yield columns
    width = len(columns)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportProblem(f"{name}:{reader.line_num}: {_reason(exc)}") from None
        if not row:
            continue  # a blank line
        if len(row) != width:
            raise ImportProblem(
                f"{name}:{reader.line_num}: expected {width} fields, as in the header,"
                f" found {len(row)}"
            )
        yield reader.line_num, row


def _json(text: IO[str], name: str, fmt: str) -> Iterator[Any]:
    yield ()  # JSON has no header: columns come from the keys of the first records
    if fmt == "json":
        try:
            document = json.load(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ImportProblem(f"{name}: {_reason(exc)}") from None
        if not isinstance(document, list):
            raise ImportProblem(f"{name}: expected a JSON array of objects, as [{{...}}, {{...}}]")
        for index, record in enumerate(document, start=1):
            yield index, _object(record, name, index)
        return
    for number, line in enumerate(_lines(text, name), start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportProblem(f"{name}:{number}: {_reason(exc)}") from None
            yield number, _object(record, name, number)


def _lines(text: IO[str], name: str) -> Iterator[str]:
    number = 0
    try:
        for number, line in enumerate(text, start=1):  # noqa: B007 - used in the error
            yield line
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{number + 1}: this is not UTF-8 text") from None


def _object(record: object, name: str, number: int) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ImportProblem(f'{name}:{number}: expected an object such as {{"id": 1}}')
    return record


def _keys(sample: list[tuple[int, dict[str, Any]]]) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for _, record in sample:
        keys.update(dict.fromkeys(record))
    if not keys:
        raise ImportProblem("there are no records to import")
    return tuple(keys)


def _check_columns(columns: tuple[str, ...], name: str) -> None:
    seen: set[str] = set()
    for index, column in enumerate(columns, start=1):
        if not column:
            raise ImportProblem(f"{name}:1: column {index} has no name")
        if column.lower() in seen:
            raise ImportProblem(f"{name}:1: column '{column}' appears twice")
        seen.add(column.lower())


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "this is not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    return f"cannot be read ({exc})"


# ---------------------------------------------------------------- types and values


def _time_indexes(columns: tuple[str, ...], wanted: tuple[str, ...], name: str) -> dict[int, str]:
    lowered = {c.lower(): i for i, c in enumerate(columns)}
    found = {}
    for column in wanted:
        if column.lower() not in lowered:
            hint = suggestion(column, columns)
            raise ImportProblem(f"{name}: there is no column '{column}' to read as a time{hint}")
        found[lowered[column.lower()]] = column
    return found


def _detect(
    columns: tuple[str, ...], sample: list[tuple[int, Any]], times: dict[int, str]
) -> dict[str, str]:
    tracker = TypeTracker()
    records = (
        dict(zip(columns, values, strict=True)) if isinstance(values, list) else values
        for _, values in sample
    )
    for _ in tracker.wrap(records):
        pass
    detected = tracker.types
    types = {c: detected.get(c, "text") for c in columns}
    for index in times:
        types[columns[index]] = "float"  # instants are stored as seconds since 1970 UTC
    return types


def _text_rows(
    records: Iterator[tuple[int, list[str]]], times: dict[int, str], zone: ZoneInfo, name: str
) -> Iterator[list[Any]]:
    """CSV and TSV rows: empty fields become NULL, time columns become instants.

    This loop runs once per row of a million-row file, so it is kept flat: the numbers in
    text are left for SQLite's column affinity to convert, in C."""
    parse = datetime.fromisoformat
    for number, values in records:
        row: list[Any] = [value or None for value in values]
        for index in times:
            value = row[index]
            if value is not None:
                try:
                    moment = parse(value)
                except ValueError:
                    raise _not_a_time(name, number, times[index], value) from None
                row[index] = (moment if moment.tzinfo else moment.replace(tzinfo=zone)).timestamp()
        yield row


def _record_rows(
    records: Iterator[tuple[int, dict[str, Any]]],
    columns: tuple[str, ...],
    times: dict[int, str],
    zone: ZoneInfo,
    name: str,
) -> Iterator[list[Any]]:
    """JSON records: values in column order, nested values as JSON text, times as instants."""
    known = set(columns)
    for number, record in records:
        if not known.issuperset(record):
            key = sorted(record.keys() - known)[0]
            raise ImportProblem(
                f"{name}:{number}: key '{key}' is not among the keys of the first"
                f" {SAMPLE_ROWS:,} records; give every record the same keys"
            )
        row = [_json_value(record.get(c)) for c in columns]
        for index, column in times.items():
            value = row[index]
            if value is not None:
                row[index] = _instant(value, zone, name, number, column)
        yield row


def _json_value(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if value == "":
        return None
    return value


def _instant(value: Any, zone: ZoneInfo, name: str, number: int, column: str) -> float:
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise _not_a_time(name, number, column, value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def _not_a_time(name: str, number: int, column: str, value: object) -> ImportProblem:
    return ImportProblem(
        f"{name}:{number}: column '{column}': '{value}' is not a time;"
        " expected ISO 8601, such as 2026-03-05T09:14:27+08:00 or 2026-03-05 09:14"
    )
