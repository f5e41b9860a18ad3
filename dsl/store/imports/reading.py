"""Read CSV, TSV, JSON and NDJSON as rows for the store, streaming (JSON arrays excepted).

Column types are detected from the first rows (with sqlite-utils' type tracker for text
files, from the values themselves for JSON) and every value is converted here, so nothing is
coerced silently: a later value that does not fit its column's type raises `Widen`, and the
import starts again with that column widened (a number column to REAL, anything to TEXT).
Time columns are parsed into instants (ISO 8601 with `Z`, an offset, or naive in the given
time zone). A row that cannot be read stops the import with `FILE:ROW: column 'x': ...`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlite_utils.utils import TypeTracker

from ...language.diagnostics import suggestion
from ..errors import ImportProblem
from .converting import (
    SAMPLE_ROWS,
    fits_sqlite,
    record_rows,
    text_rows,
    undecodable_line,
    unreadable,
    wrong_width,
)

FORMATS = ("csv", "tsv", "json", "ndjson")
# Big enough for any field a person writes, small enough to stop a runaway file early.
csv.field_size_limit(16 * 1024 * 1024)


@dataclass(frozen=True)
class Prepared:
    """The columns of the input, their types, the time columns as named in the input, and
    the rows as lists in column order."""

    columns: tuple[str, ...]
    types: dict[str, str]
    time_columns: frozenset[str]
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
    stream: IO[bytes],
    name: str,
    fmt: str,
    time_columns: Iterable[str],
    timezone: str,
    forced: Mapping[str, str] | None = None,
    store_converts_times: bool = False,
    formats: Mapping[str, str] | None = None,
) -> Prepared:
    """Read the header (or the first records), detect types, and stream converted rows.
    `forced` gives types found too narrow by an earlier attempt (`Widen`). When the store
    can turn ISO 8601 text with an offset into an instant itself, such times are checked
    here but left as text for it (`Store.converts_times`). `formats` gives the
    `--time-format` of time columns by name (such columns are times without `--time`)."""
    zone = ZoneInfo(timezone)
    formats = formats or {}
    time_columns = (*time_columns, *formats)
    if fmt in ("csv", "tsv"):
        text = _Borrowed(stream, encoding="utf-8-sig", newline="")
        # strict: a quote left open would otherwise swallow every line after it into one
        # field, and the rows on those lines would be lost without a word.
        reader = csv.reader(text, delimiter="\t" if fmt == "tsv" else ",", strict=True)
        records = _csv(reader, name, stream)
        columns = next(records)
        sample = list(itertools.islice(records, SAMPLE_ROWS))
        times = _time_indexes(columns, tuple(time_columns), name)
        types = _detect(columns, sample, times, True) | dict(forced or {})
        by_index = _formats(times, formats)
        rows = text_rows(
            text, reader, sample, columns, types, times, zone, name, stream, store_converts_times,
            by_index,
        )  # fmt: skip
        return Prepared(columns, types, frozenset(times.values()), rows)
    json_records = _json(_lines(stream, name), name, fmt)
    next(json_records)
    json_sample = list(itertools.islice(json_records, SAMPLE_ROWS))
    columns = _keys(json_sample, name)
    times = _time_indexes(columns, tuple(time_columns), name)
    types = _detect(columns, json_sample, times, False) | dict(forced or {})
    every = itertools.chain(json_sample, json_records)
    json_rows = record_rows(every, columns, types, times, zone, name, _formats(times, formats))
    return Prepared(columns, types, frozenset(times.values()), json_rows)


def _formats(times: dict[int, str], formats: Mapping[str, str]) -> dict[int, str]:
    """The `--time-format` of each time column that has one, by the column's index."""
    lowered = {column.lower(): fmt for column, fmt in formats.items()}
    return {i: lowered[c.lower()] for i, c in times.items() if c.lower() in lowered}


# ---------------------------------------------------------------- readers


def _lines(stream: IO[bytes], name: str) -> Iterator[str]:
    """Decoded lines (decoded in C, a block at a time); a byte that is not UTF-8 is then
    looked for line by line, to report the line it is on."""
    text = _Borrowed(stream, encoding="utf-8-sig", newline="")
    try:
        yield from text
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{undecodable_line(stream)}: this is not UTF-8 text") from None
    finally:
        text.close()


class _Borrowed(io.TextIOWrapper):
    """Text read from the caller's byte stream, which closing (or collecting) it leaves
    open: the caller owns the stream, and an import may read it again when a column must
    widen, even when the rows were read by another process and never in this one."""

    def close(self) -> None:
        with contextlib.suppress(ValueError):  # detached already, or the caller closed it
            self.detach()


def _csv(reader: Any, name: str, stream: IO[bytes]) -> Iterator[Any]:
    """The header, then (line, row) for each row: used for the header and the first rows;
    `text_rows` reads the rest straight from the reader."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise unreadable(name, reader, 0, exc) from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{undecodable_line(stream)}: this is not UTF-8 text") from None
    if not header or not any(h.strip() for h in header):
        raise ImportProblem(f"{name}: the file is empty; a first line must name the columns")
    columns = tuple(h.strip() for h in header)
    _check_columns(columns, name)
    yield columns
    width = len(columns)
    while True:
        ended = reader.line_num  # the line the last row ended on
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise unreadable(name, reader, ended, exc) from None
        except UnicodeDecodeError:
            raise ImportProblem(
                f"{name}:{undecodable_line(stream)}: this is not UTF-8 text"
            ) from None
        if not row:
            continue  # a blank line
        if len(row) != width:
            raise wrong_width(name, reader.line_num, width, len(row))
        yield reader.line_num, row


def _json(lines: Iterator[str], name: str, fmt: str) -> Iterator[Any]:
    yield ()  # JSON has no header: columns come from the keys of the first records
    if fmt == "json":
        text = "".join(lines)
        document = _loads(text, name, None)
        if not isinstance(document, list):
            raise ImportProblem(f"{name}: expected a JSON array of objects, as [{{...}}, {{...}}]")
        escapes = "\\u" in text
        for index, record in enumerate(document, start=1):
            yield index, _object(record, name, index, escapes)
        return
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, _object(_loads(line, name, number), name, number, "\\u" in line)


def _loads(text: str, name: str, line: int | None) -> Any:
    """One JSON document: a whole file (`line` None) or the line `line` of an NDJSON file."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{name}:{line}:" if line else f"{name}:"
        raise ImportProblem(f"{where} {_reason(exc)}") from None
    except RecursionError:
        deep = (line or 1) + text.count("\n", 0, _deepest(text))
        raise ImportProblem(
            f"{name}:{deep}: arrays or objects nested too deeply to be read"
        ) from None


def _deepest(text: str) -> int:
    """Where nesting first goes deeper than a record's values ever do (the error path only)."""
    depth, quoted, escaped = 0, False, False
    for index, char in enumerate(text):
        if quoted:
            quoted, escaped = (escaped or char != '"'), (not escaped and char == "\\")
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
            if depth > 100:
                return index
        elif char in "]}":
            depth -= 1
    return 0


def _object(record: object, name: str, number: int, escapes: bool) -> dict[str, Any]:
    """A record; with `escapes` (the text holds a \\u escape), checked to be Unicode that can
    be stored: a lone surrogate such as \\ud800 reads as a string but is not text."""
    if not isinstance(record, dict):
        raise ImportProblem(f'{name}:{number}: expected an object such as {{"id": 1}}')
    if escapes:
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ImportProblem(
                f"{name}:{number}: a \\u escape that is not a character (a lone surrogate,"
                " such as \\ud800); write the text as UTF-8"
            ) from None
    return record


def _keys(sample: list[tuple[int, dict[str, Any]]], name: str) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for _, record in sample:
        keys.update(dict.fromkeys(record))
    if not keys:
        raise ImportProblem(f"{name}: there are no records to import")
    return tuple(keys)


def _check_columns(columns: tuple[str, ...], name: str) -> None:
    seen: set[str] = set()
    for index, column in enumerate(columns, start=1):
        if not column:
            raise ImportProblem(f"{name}:1: column {index} has no name")
        if column.lower() in seen:
            raise ImportProblem(f"{name}:1: column '{column}' appears twice")
        seen.add(column.lower())


def _reason(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"


# ---------------------------------------------------------------- types


def _time_indexes(columns: tuple[str, ...], wanted: tuple[str, ...], name: str) -> dict[int, str]:
    """Index -> the column's name as the input writes it (`--time` may differ in case)."""
    lowered = {c.lower(): i for i, c in enumerate(columns)}
    found = {}
    for column in wanted:
        if column.lower() not in lowered:
            hint = suggestion(column, columns)
            raise ImportProblem(f"{name}: there is no column '{column}' to read as a time{hint}")
        index = lowered[column.lower()]
        found[index] = columns[index]
    return found


def _detect(
    columns: tuple[str, ...], sample: list[tuple[int, Any]], times: dict[int, str], text: bool
) -> dict[str, str]:
    """'integer', 'float' or 'text' for each column; times are 'float' (seconds since 1970)."""
    if text:
        tracker = TypeTracker()
        for _ in tracker.wrap(dict(zip(columns, values, strict=True)) for _, values in sample):
            pass
        detected = tracker.types
        filled = {c for _, values in sample for c, v in zip(columns, values, strict=True) if v}
        types = {c: detected.get(c, "text") if c in filled else "text" for c in columns}
        for column, kind in types.items():
            if kind == "integer" and any(
                _padded(values, columns.index(column)) for _, values in sample
            ):
                types[column] = "text"  # codes such as 00042 keep their zeros
    else:
        types = {c: _json_type([record.get(c) for _, record in sample]) for c in columns}
    for index in times:
        types[columns[index]] = "float"
    return types


def _padded(values: list[str], index: int) -> bool:
    value = values[index].lstrip("-")
    return len(value) > 1 and value.startswith("0") and value.isdigit()


def _json_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    # bool is an int: stored 0/1. A whole number beyond 64 bits fits no SQLite number: its
    # column is text, which keeps every digit.
    if present and all(isinstance(v, int) and fits_sqlite(v) for v in present):
        return "integer"
    if present and all(isinstance(v, int | float) and fits_sqlite(v) for v in present):
        return "float"
    return "text"
