"""Every value of an import converted to its column's detected type, row by row: numbers
(remembered, as the same values recur), times as instants, and an empty field as no value.

A value that does not fit its column's type raises `Widen` (the import starts again with the
column widened); a row that cannot be read raises `ImportProblem` naming the file, the row
and the column.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from ..errors import ImportProblem, Widen
from .times import format_hint, iso_in_utc
from .times import reader as reader_of

SAMPLE_ROWS = 1_000  # rows read to detect the columns' types
MEMO_SIZE = 4_096  # converted values remembered per number column
_UNSEEN = object()
_SEPARATORS = ("T", " ")  # between date and time, as SQLite's unixepoch() reads them


def text_rows(
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
    formats: Mapping[int, str],
) -> Iterator[list[Any]]:
    """CSV and TSV rows: empty fields become NULL, numbers numbers, times instants (read by
    their `--time-format` where `formats` gives one, by index).

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
        formatted = [(i, reader_of(f, zone), times[i], f) for i, f in formats.items()]
        iso = [index for index in times if index not in formats]
        ended = sample[-1][0] if sample else reader.line_num  # where the last row ended
        for values in itertools.chain((values for _, values in sample), reader):
            if len(values) != width:
                if not values:
                    continue  # a blank line
                raise wrong_width(name, reader.line_num, width, len(values))
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
            for index, read, column, fmt in formatted:
                value = row[index]
                try:
                    row[index] = read(value) if value else None
                except ValueError:
                    number = _line_of(sample, values, reader)
                    raise _not_in_format(name, number, column, value, fmt) from None
            for index in iso:
                value = row[index]
                if not value:
                    row[index] = None
                else:
                    try:
                        moment = parse(value)
                    except ValueError:
                        words = iso_in_utc(value)
                        if words is None:
                            number = _line_of(sample, values, reader)
                            raise _not_a_time(name, number, times[index], value) from None
                        row[index] = words.timestamp()
                        continue
                    # Converting an instant costs more than reading it; SQLite's unixepoch()
                    # does it in C for the form it reads the same: whole seconds with an offset
                    # (2026-03-05T09:14:27+08:00) or Z (2026-03-05T01:14:27Z). fromisoformat
                    # has read the digits; the dashes and the T or space are checked here, as
                    # it also reads forms unixepoch() turns into NULL (2026-W10-4T09:14:27+08:00,
                    # or any character between the date and the time).
                    if (
                        store_converts_times
                        and value[10:11] in _SEPARATORS
                        and value[4:5] == value[7:8] == "-"
                        and (
                            (len(value) == 25 and value[19] in "+-" and value[22] == ":")
                            or (len(value) == 20 and value[19] == "Z")
                        )
                    ):
                        continue
                    row[index] = (
                        moment if moment.tzinfo else moment.replace(tzinfo=zone)
                    ).timestamp()
            yield row
            ended = reader.line_num
    except csv.Error as exc:
        raise unreadable(name, reader, ended, exc) from None
    except UnicodeDecodeError:
        raise ImportProblem(f"{name}:{undecodable_line(stream)}: this is not UTF-8 text") from None
    finally:
        text.close()


def _integer(value: str, column: str) -> int:
    # The usual case, checked without a round trip through str(); 19 digits may pass 64 bits.
    digits = value.isascii() and value.isdigit() and len(value) < 19
    if digits and (value[0] != "0" or len(value) == 1):
        return int(value)
    try:
        whole = int(value)
    except ValueError:
        whole = None
    if whole is None or str(whole) != value:  # 00042 and +5 are not rewritten
        raise Widen(column, "float" if _float(value) is not None else "text")
    if not fits_sqlite(whole):
        raise Widen(column, "text")  # beyond 64 bits: kept exactly, as text
    return whole


def fits_sqlite(number: int | float) -> bool:
    """Whether SQLite stores `number` as a number: an integer must fit in 64 bits."""
    return not isinstance(number, int) or -(2**63) <= number < 2**63


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


def record_rows(
    records: Iterator[tuple[int, dict[str, Any]]],
    columns: tuple[str, ...],
    types: Mapping[str, str],
    times: dict[int, str],
    zone: ZoneInfo,
    name: str,
    formats: Mapping[int, str],
) -> Iterator[list[Any]]:
    """JSON records: values in column order, nested values as JSON text, times as instants
    (read by their `--time-format` where `formats` gives one, by index)."""
    known = set(columns)
    readers = {i: (reader_of(f, zone), f) for i, f in formats.items()}
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
            if index in readers:
                if value is not None:
                    read, fmt = readers[index]
                    try:
                        row[index] = read(str(value))
                    except ValueError:
                        raise _not_in_format(name, number, column, value, fmt) from None
            elif index in times:
                if value is not None:
                    row[index] = _instant(value, zone, name, number, column)
            elif value is not None:
                kind = types[column]
                if kind == "integer" and not (isinstance(value, int) and fits_sqlite(value)):
                    raise Widen(column, "float" if isinstance(value, float) else "text")
                if kind == "float" and not (isinstance(value, int | float) and fits_sqlite(value)):
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
        words = iso_in_utc(str(value))
        if words is None:
            raise _not_a_time(name, number, column, value) from None
        moment = words
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.timestamp()


def _not_a_time(name: str, number: int, column: str, value: object) -> ImportProblem:
    hint = format_hint(column, str(value))
    if hint:
        return ImportProblem(
            f"{name}:{number}: column '{column}': '{value}' is not a time goalline can read"
            f" on its own{hint}"
        )
    return ImportProblem(
        f"{name}:{number}: column '{column}': '{value}' is not a time;"
        " expected ISO 8601, such as 2026-03-05T09:14:27+08:00 or 2026-03-05 09:14"
    )


def _not_in_format(name: str, number: int, column: str, value: object, fmt: str) -> ImportProblem:
    return ImportProblem(
        f"{name}:{number}: column '{column}': '{value}' does not match --time-format '{fmt}'"
    )


def undecodable_line(stream: IO[bytes]) -> int:
    stream.seek(0)
    for number, raw in enumerate(stream, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def wrong_width(name: str, line: int, width: int, found: int) -> ImportProblem:
    return ImportProblem(f"{name}:{line}: expected {width} fields, as in the header, found {found}")


def unreadable(name: str, reader: Any, ended: int, exc: csv.Error) -> ImportProblem:
    """A row the CSV reader refuses; `ended` is the line the row before it ended on."""
    if "unexpected end of data" in str(exc):  # the file ended inside a quoted field
        return ImportProblem(
            f"{name}:{ended + 1}: a quoted field that starts on this line is never closed"
        )
    return ImportProblem(f"{name}:{reader.line_num}: cannot be read ({exc})")
