"""`import --time-format COLUMN=FORMAT`: help-desk exports write times as they please
(`01-06-2023 12:15`, `06/01/2023 12:15 PM`, Unix seconds). A format reads them; without one,
a day-or-month date is refused with the `--time-format` to add, never guessed.

Instants worked out by hand: 2023-06-01T00:00Z is 1685577600, so 2023-06-01 12:15 UTC is
1685621700 and in Asia/Shanghai (UTC+8) 1685592900; 2023-06-25 09:05 UTC is 1687683900."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.cli.main import Exit

from ...helpers import query
from .conftest import declared, load, refused

# Shaped like the Kaggle "Customer Support Ticket Dataset": headers with spaces, day-first
# times, a description over several lines, open tickets with empty fields, rows out of order.
KAGGLE = """\
Ticket ID,Customer Name,Ticket Description,Ticket Status,First Response Time,Time to Resolution,Customer Satisfaction Rating
2,Jessica Rios,"My product stopped working.
I tried turning it off and on.",Closed,25-06-2023 09:05,25-06-2023 17:40,4
1,Marisa Obrien,"I'm having an issue with the {product_purchased}, please assist.",Pending Customer Response,01-06-2023 12:15,,
3,Christopher Robbins,Refund request,Open,,,
"""

DAY_FIRST = "%d-%m-%Y %H:%M"


def test_a_kaggle_style_export_imports_with_one_format_per_time_column(workdir: Path) -> None:
    (workdir / "tickets.csv").write_text(KAGGLE, encoding="utf-8")
    result = load(
        "tickets.csv", "tickets", "--timezone", "UTC",
        "--time-format", f"First Response Time={DAY_FIRST}",
        "--time-format", f"Time to Resolution={DAY_FIRST}",
    )  # fmt: skip
    assert result.exit_code == Exit.OK, result.stderr
    assert result.stderr == (
        "imported 3 rows into tickets (store.db)\n"
        "1 of 3 rows of tickets have no `First Response Time`\n"
        "2 of 3 rows of tickets have no `Time to Resolution`\n"
    )
    rows = query(
        "store.db",
        'SELECT "Ticket ID", "First Response Time", "Time to Resolution", "Ticket Description"'
        ' FROM tickets ORDER BY "Ticket ID"',
    )
    assert rows == [
        (1, 1685621700.0, None, "I'm having an issue with the {product_purchased}, please assist."),
        (2, 1687683900.0, 1687683900.0 + 8 * 3600 + 35 * 60, (
            "My product stopped working.\nI tried turning it off and on."
        )),
        (3, None, None, "Refund request"),
    ]  # fmt: skip
    kinds = declared("store.db", "tickets")
    assert kinds["First Response Time"] == kinds["Time to Resolution"] == "REAL"


def test_a_naive_formatted_time_is_read_in_the_zone_given(workdir: Path) -> None:
    (workdir / "t.csv").write_text("id,at\n1,01-06-2023 12:15\n", encoding="utf-8")
    result = load("t.csv", "t", "--time-format", f"at={DAY_FIRST}", "--timezone", "Asia/Shanghai")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT at FROM t") == [(1685592900.0,)]


def test_without_a_format_a_day_or_month_date_is_refused_with_both_formats(
    workdir: Path,
) -> None:
    (workdir / "tickets.csv").write_text(KAGGLE, encoding="utf-8")
    result = load("tickets.csv", "tickets", "--time", "First Response Time")
    # The first row (lines 2-3, its description runs over two) holds 25-06-2023: only day
    # first reads it, so only that is offered. A row is named by the line it ends on.
    refused(
        result,
        "tickets.csv:3: column 'First Response Time': '25-06-2023 09:05' is not a time goalline"
        " can read on its own; add --time-format 'First Response Time=%d-%m-%Y %H:%M';"
        " nothing was imported",
    )
    (workdir / "ambiguous.csv").write_text("id,at\n1,01-06-2023 12:15\n", encoding="utf-8")
    refused(
        load("ambiguous.csv", "t", "--time", "at"),
        "ambiguous.csv:2: column 'at': '01-06-2023 12:15' is not a time goalline can read on"
        " its own; day or month first? add --time-format 'at=%d-%m-%Y %H:%M' (1 June 2023) or"
        " 'at=%m-%d-%Y %H:%M' (6 January 2023); nothing was imported",
    )
    assert not (workdir / "store.db").exists()


@pytest.mark.parametrize(
    ("fmt", "value", "instant"),
    [
        ("%m/%d/%Y %I:%M %p", "06/01/2023 12:15 PM", 1685621700.0),
        ("%m/%d/%Y %I:%M %p", "06/01/2023 12:15 AM", 1685621700.0 - 12 * 3600),
        ("%m/%d/%Y %I:%M %p", "6/1/2023 1:05 pm", 1685621700.0 + 50 * 60),
        ("%d.%m.%y %H:%M:%S", "01.06.23 12:15:30", 1685621730.0),
        ("%Y%m%d %H%M%S.%f", "20230601 121500.25", 1685621700.25),
        ("%d %b %Y %H:%M", "01 Jun 2023 12:15", 1685621700.0),  # read by strptime itself
        ("%Y-%m-%dT%H:%M:%S%z", "2023-06-01T20:15:00+0800", 1685621700.0),
        ("epoch", "1685621700", 1685621700.0),
        ("epoch", "1685621700.5", 1685621700.5),
        ("epoch_ms", "1685621700250", 1685621700.25),
    ],
)
def test_a_format_reads_its_times(workdir: Path, fmt: str, value: str, instant: float) -> None:
    (workdir / "t.csv").write_text(f'id,at\n1,"{value}"\n', encoding="utf-8")
    result = load("t.csv", "t", "--time-format", f"at={fmt}", "--timezone", "UTC")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT at FROM t") == [(instant,)]


def test_json_times_are_read_by_their_format_too(workdir: Path) -> None:
    (workdir / "t.ndjson").write_text(
        '{"id": 1, "at": "01-06-2023 12:15"}\n{"id": 2, "at": null}\n', encoding="utf-8"
    )
    result = load("t.ndjson", "t", "--time-format", f"at={DAY_FIRST}", "--timezone", "UTC")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT id, at FROM t ORDER BY id") == [(1, 1685621700.0), (2, None)]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("31-02-2023 12:15", "a day that does not exist"),
        ("2023-06-01 12:15", "ISO, not the format"),
    ],
)
def test_a_value_not_in_its_format_stops_the_import_at_its_row(
    workdir: Path, value: str, name: str
) -> None:
    (workdir / "t.csv").write_text(f"id,at\n1,01-06-2023 12:15\n2,{value}\n", encoding="utf-8")
    refused(
        load("t.csv", "t", "--time-format", f"at={DAY_FIRST}"),
        f"t.csv:3: column 'at': '{value}' does not match --time-format '{DAY_FIRST}';"
        " nothing was imported",
    )


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ("at", "write it as COLUMN=FORMAT, such as created_at=%d-%m-%Y %H:%M"),
        ("at=", "write it as COLUMN=FORMAT, such as created_at=%d-%m-%Y %H:%M"),
        ("at=dd-mm-yyyy", "it has no % code; use strptime codes such as %d-%m-%Y %H:%M, or epoch, epoch_ms"),
        ("at=%d-%m-%Q", "it is not a strptime format ('Q' is a bad directive in format '%d-%m-%Q')"),
    ],
)  # fmt: skip
def test_a_bad_format_is_refused_before_anything_is_read(
    workdir: Path, spec: str, why: str
) -> None:
    (workdir / "t.csv").write_text("id,at\n1,01-06-2023 12:15\n", encoding="utf-8")
    refused(load("t.csv", "t", "--time-format", spec), f"--time-format '{spec}': {why}")
    assert not (workdir / "store.db").exists()


def test_a_format_for_a_column_the_file_lacks_is_named(workdir: Path) -> None:
    (workdir / "t.csv").write_text("id,created_at\n1,01-06-2023 12:15\n", encoding="utf-8")
    refused(
        load("t.csv", "t", "--time-format", "created=%d-%m-%Y %H:%M"),
        "t.csv: there is no column 'created' to read as a time (did you mean 'created_at'?);"
        " nothing was imported",
    )


@pytest.mark.parametrize("value", ["2023-06-01 12:15:00 UTC", "2023-06-01T12:15:00 GMT"])
def test_an_iso_time_that_names_utc_in_words_needs_no_format(workdir: Path, value: str) -> None:
    (workdir / "t.csv").write_text(f"id,at\n1,{value}\n", encoding="utf-8")
    result = load("t.csv", "t", "--time", "at", "--timezone", "Asia/Shanghai")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT at FROM t") == [(1685621700.0,)]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Australia/Lord_Howe", "America/St_Johns"])
def test_the_fast_reader_agrees_with_strptime_around_every_change_of_offset(zone: str) -> None:
    """The reader finds each local hour's instant once and adds minutes and seconds to it;
    around a change of offset (a whole hour in Berlin, half an hour on Lord Howe Island, at
    a half-hour offset in St John's) it must give what the whole conversion gives."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from dsl.store.imports.times import reader

    tz = ZoneInfo(zone)
    read = reader("%d-%m-%Y %H:%M:%S", tz)
    every = [datetime(2026, 1, 1) + timedelta(minutes=7 * n, seconds=n % 60) for n in range(75_000)]
    values = [moment.strftime("%d-%m-%Y %H:%M:%S") for moment in every]
    assert [read(v) for v in values] == [m.replace(tzinfo=tz).timestamp() for m in every]
