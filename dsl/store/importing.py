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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlite_utils.utils import TypeTracker

from ..language.diagnostics import suggestion

FORMATS = ("csv", "tsv", "json", "ndjson")
SAMPLE_ROWS = 1_000
MEMO_SIZE = 4_096  # converted values remembered per number column
_UNSEEN = object()
# Big enough for any field a person writes, small enough to stop a runaway file early.
csv.field_size_limit(16 * 1024 * 1024)


class ImportProblem(Exception):
    """Why an import stopped; the message names the file, the row and the column."""


class Widen(Exception):
    """A value that does not fit its column's detected type: import again with `to`."""

    def __init__(self, column: str, to: str) -> None:
        super().__init__(f"column '{column}' needs {to}")
        self.column = column
        self.to = to


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
) -> Prepared:
    """Read the header (or the first records), detect types, and stream converted rows.
    `forced` gives types found too narrow by an earlier attempt (`Widen`). When the store
    can turn ISO 8601 text with an offset into an instant itself, such times are checked
    here but left as text for it (`Store.converts_times`)."""
    zone = ZoneInfo(timezone)
    if fmt in ("csv", "tsv"):
        text = _Borrowed(stream, encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter="\t" if fmt == "tsv" else ",")
        records = _csv(reader, name, stream)
        columns = next(records)
        sample = list(itertools.islice(records, SAMPLE_ROWS))
        times = _time_indexes(columns, tuple(time_columns), name)
        types = _detect(columns, sample, times, True) | dict(forced or {})
        rows = _text_rows(
            text, reader, sample, columns, types, times, zone, name, stream, store_converts_times
        )
        return Prepared(columns, types, frozenset(times.values()), rows)
    json_records = _json(_lines(stream, name), name, fmt)
    next(json_records)
    json_sample = list(itertools.islice(json_records, SAMPLE_ROWS))
    columns = _keys(json_sample, name)
    times = _time_indexes(columns, tuple(time_columns), name)
    types = _detect(columns, json_sample, times, False) | dict(forced or {})
    every = itertools.chain(json_sample, json_records)
    json_rows = _record_rows(every, columns, types, times, zone, name)
    return Prepared(columns, types, frozenset(times.values()), json_rows)


# ---------------------------------------------------------------- readers


def _lines(stream: IO[bytes], name: str) -> Iterator[str]:
    """Decoded lines (decoded in C, a block at a time); a byte that is not UTF-8 is then
    looked for line by line, to report the line it is on."""
    text = _Borrowed(stream, encoding="utf-8-sig", newline="")
    try:
        yield from text
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{_undecodable_line(stream)}: this is not UTF-8 text") from None
    finally:
        text.close()


class _Borrowed(io.TextIOWrapper):
    """Text read from the caller's byte stream, which closing (or collecting) it leaves
    open: the caller owns the stream, and an import may read it again when a column must
    widen, even when the rows were read by another process and never in this one."""

    def close(self) -> None:
        with contextlib.suppress(ValueError):  # detached already, or the caller closed it
            self.detach()


def _undecodable_line(stream: IO[bytes]) -> int:
    stream.seek(0)
    for number, raw in enumerate(stream, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def _csv(reader: Any, name: str, stream: IO[bytes]) -> Iterator[Any]:
    """The header, then (line, row) for each row: used for the header and the first rows;
    `_text_rows` reads the rest straight from the reader."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportProblem(f"{name}:1: cannot be read ({exc})") from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{_undecodable_line(stream)}: this is not UTF-8 text") from None
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
        except csv.Error as exc:
            raise ImportProblem(f"{name}:{reader.line_num}: cannot be read ({exc})") from None
        except UnicodeDecodeError:
            raise ImportProblem(
                f"{name}:{_undecodable_line(stream)}: this is not UTF-8 text"
            ) from None
        if not row:
            continue  # a blank line
        if len(row) != width:
            raise _width(name, reader.line_num, width, len(row))
        yield reader.line_num, row


def _width(name: str, line: int, width: int, found: int) -> ImportProblem:
    return ImportProblem(f"{name}:{line}: expected {width} fields, as in the header, found {found}")


def _json(lines: Iterator[str], name: str, fmt: str) -> Iterator[Any]:
    yield ()  # JSON has no header: columns come from the keys of the first records
    if fmt == "json":
        try:
            document = json.loads("".join(lines))
        except json.JSONDecodeError as exc:
            raise ImportProblem(f"{name}: {_reason(exc)}") from None
        if not isinstance(document, list):
            raise ImportProblem(f"{name}: expected a JSON array of objects, as [{{...}}, {{...}}]")
        for index, record in enumerate(document, start=1):
            yield index, _object(record, name, index)
        return
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportProblem(f"{name}:{number}: {_reason(exc)}") from None
            yield number, _object(record, name, number)


def _object(record: object, name: str, number: int) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ImportProblem(f'{name}:{number}: expected an object such as {{"id": 1}}')
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
    if present and all(isinstance(v, int) for v in present):  # bool is an int: stored 0/1
        return "integer"
    if present and all(isinstance(v, int | float) for v in present):
        return "float"
    return "text"


# ---------------------------------------------------------------- rows


def _text_rows(
    text: io.TextIOWrapper,
    reader: Any,
    sample: list[tuple[int, list[str]]],
    columns: tuple[str, ...],
    types: Mapping[str, str],
    times: dict[int, str],
    zone: ZoneInfo,
    name: str,
    stream: IO[bytes],
    store_converts_times: bool,
) -> Iterator[list[Any]]:
    """CSV and TSV rows: empty fields become NULL, numbers numbers, times instants.

    This loop runs once per row of a million-row file: it reads the rows straight from the
    CSV reader, and function calls, which cost most here, are kept out of the usual case."""
    try:
        parse = datetime.fromisoformat
        # Service data repeats its numbers (scores, counts, minutes to one decimal): each
        # number column remembers the values it has converted, so most fields cost one
        # dictionary look-up instead of a conversion and its checks.
        numbers: list[tuple[int, dict[str, Any], Callable[[str, str], Any], str]] = [
            (index, {"": None}, _integer if types[column] == "integer" else _real, column)
            for index, column in enumerate(columns)
            if types[column] in ("integer", "float") and index not in times
        ]
        width = len(columns)
        for values in itertools.chain((values for _, values in sample), reader):
            if len(values) != width:
                if not values:
                    continue  # a blank line
                raise _width(name, reader.line_num, width, len(values))
            # The reader's own list is converted in place; empty text fields become NULL
            # in the INSERT itself (NULLIF), which costs nothing here.
            row: list[Any] = values
            for index, memo, convert, column in numbers:
                value = row[index]
                number = memo.get(value, _UNSEEN)
                if number is _UNSEEN:
                    number = convert(value, column)
                    if len(memo) < MEMO_SIZE:
                        memo[value] = number
                row[index] = number
            for index in times:
                value = row[index]
                if not value:
                    row[index] = None
                else:
                    try:
                        moment = parse(value)
                    except ValueError:
                        number = _line_of(sample, values, reader)
                        raise _not_a_time(name, number, times[index], value) from None
                    # Converting an instant costs more than reading it; SQLite's unixepoch()
                    # does it in C for the form it reads the same: whole seconds with an offset
                    # (2026-03-05T09:14:27+08:00) or Z (2026-03-05T01:14:27Z).
                    # Read by fromisoformat, 25 characters with the sign at 19 can only be
                    # YYYY-MM-DDTHH:MM:SS+HH:MM, and 20 ending in Z only YYYY-MM-DDTHH:MM:SSZ.
                    if store_converts_times and (
                        (len(value) == 25 and value[19] in "+-" and value[22] == ":")
                        or (len(value) == 20 and value[19] == "Z")
                    ):
                        continue
                    row[index] = (
                        moment if moment.tzinfo else moment.replace(tzinfo=zone)
                    ).timestamp()
            yield row
    except csv.Error as exc:
        raise ImportProblem(f"{name}:{reader.line_num}: cannot be read ({exc})") from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{_undecodable_line(stream)}: this is not UTF-8 text") from None
    finally:
        text.close()


def _integer(value: str, column: str) -> int:
    if value.isascii() and value.isdigit() and (value[0] != "0" or len(value) == 1):
        return int(value)  # the usual case, checked without a round trip through str()
    try:
        whole = int(value)
    except ValueError:
        whole = None
    if whole is None or str(whole) != value:  # 00042 and +5 are not rewritten
        raise Widen(column, "float" if _float(value) is not None else "text")
    return whole


def _real(value: str, column: str) -> float:
    real = _float(value)
    if real is None:  # inf and nan too: text that only looks like a number
        raise Widen(column, "text")
    return real


def _line_of(sample: list[tuple[int, list[str]]], values: list[str], reader: Any) -> int:
    """The line a row came from: its recorded line in the first rows, else the reader's."""
    return next((number for number, row in sample if row is values), reader.line_num)


def _float(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _record_rows(
    records: Iterator[tuple[int, dict[str, Any]]],
    columns: tuple[str, ...],
    types: Mapping[str, str],
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
        for index, column in enumerate(columns):
            value = row[index]
            if index in times:
                if value is not None:
                    row[index] = _instant(value, zone, name, number, column)
            elif value is not None:
                kind = types[column]
                if kind == "integer" and not isinstance(value, int):
                    raise Widen(column, "float" if isinstance(value, float) else "text")
                if kind == "float" and not isinstance(value, int | float):
                    raise Widen(column, "text")
                if kind == "text" and not isinstance(value, str):
                    row[index] = json.dumps(value)  # a number in a text column stays as written
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
