"""Files at the edge of their formats lose nothing: a quote left open is refused at the line it
opened (it used to swallow the rest of the file into one field and report success), JSON
nested beyond reading, whole numbers beyond 64 bits and lone surrogates get a `FILE:ROW:`
message or are kept exactly (they used to end in `internal error`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.cli.main import Exit

from ...helpers import query, snapshot
from .conftest import declared, load, refused, tables, write_rows

BIG = "123456789012345678901234567890"  # beyond 64 bits: no SQLite number holds it


# ---------------------------------------------------------------- CSV quotes


def test_a_quote_left_open_is_refused_at_the_line_it_opened(tickets_db: Path) -> None:
    write_rows(
        tickets_db.parent / "open.csv", "id,note", ["4,fine", '5,"never closed', "6,x", "7,y"]
    )
    before = snapshot(tickets_db)
    result = load("open.csv", "tickets")
    refused(
        result,
        "open.csv:3: a quoted field that starts on this line is never closed; nothing was imported",
    )
    assert snapshot(tickets_db) == before


def test_a_quote_left_open_after_the_first_thousand_rows_is_refused_too(tickets_db: Path) -> None:
    rows = [f"{n},note {n}" for n in range(1, 3001)]
    rows[2499] = '2500,"left open'  # data row 2,500 is line 2,501 of the file
    write_rows(tickets_db.parent / "long.csv", "id,note", rows)
    before = snapshot(tickets_db)
    result = load("long.csv", "notes")
    refused(
        result,
        "long.csv:2501: a quoted field that starts on this line is never closed;"
        " nothing was imported",
    )
    assert snapshot(tickets_db) == before
    assert "notes" not in tables(tickets_db)


def test_a_quoted_field_over_several_lines_is_kept_as_written(workdir: Path) -> None:
    (workdir / "multi.csv").write_text(
        'id,description\n1,"Printer on floor 2\njams, again ""urgent"""\n2,short\n',
        encoding="utf-8",
    )
    result = load("multi.csv", "tickets")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT id, description FROM tickets ORDER BY id") == [
        (1, 'Printer on floor 2\njams, again "urgent"'),
        (2, "short"),
    ]


# ---------------------------------------------------------------- JSON


def test_json_nested_beyond_reading_is_refused_with_its_line(workdir: Path) -> None:
    (workdir / "deep.json").write_text(
        '[{"id": 1},\n {"id": 2, "x": ' + "[" * 100_000 + "]" * 100_000 + "}]\n",
        encoding="utf-8",
    )
    refused(
        load("deep.json", "tickets"),
        "deep.json:2: arrays or objects nested too deeply to be read; nothing was imported",
    )
    assert not (workdir / "store.db").exists()


def test_ndjson_nested_beyond_reading_names_its_line(workdir: Path) -> None:
    deep = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (workdir / "deep.ndjson").write_text(f'{{"id": 1}}\n{deep}\n', encoding="utf-8")
    refused(
        load("deep.ndjson", "tickets"),
        "deep.ndjson:2: arrays or objects nested too deeply to be read; nothing was imported",
    )


@pytest.mark.parametrize(
    ("name", "content", "row"),
    [
        ("lone.ndjson", '{"id": 1, "s": "ok"}\n{"id": 2, "s": "\\ud800"}\n', 2),
        ("lone.json", '[{"id": 1, "s": "ok"},\n {"id": 2, "s": "a\\uDFFFb"}]', 2),
        ("key.ndjson", '{"id": 1, "\\ud800": "key"}\n', 1),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_row(
    workdir: Path, name: str, content: str, row: int
) -> None:
    (workdir / name).write_text(content, encoding="utf-8")
    refused(
        load(name, "tickets"),
        f"{name}:{row}: a \\u escape that is not a character (a lone surrogate, such as"
        " \\ud800); write the text as UTF-8; nothing was imported",
    )


def test_escapes_of_real_characters_are_stored_as_those_characters(workdir: Path) -> None:
    (workdir / "ok.ndjson").write_text(
        '{"id": 1, "s": "caf\\u00e9 \\ud83d\\ude00"}\n', encoding="utf-8"
    )
    result = load("ok.ndjson", "tickets")
    assert result.exit_code == Exit.OK, result.stderr
    assert query("store.db", "SELECT s FROM tickets") == [("café 😀",)]


# ---------------------------------------------------------------- numbers beyond 64 bits


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("big.ndjson", f'{{"id": 1, "n": 5}}\n{{"id": 2, "n": {BIG}}}\n'),
        ("big.json", f'[{{"id": 1, "n": 5}}, {{"id": 2, "n": {BIG}}}]'),
        ("big.csv", f"id,n\n1,5\n2,{BIG}\n"),
    ],
)
def test_a_whole_number_beyond_64_bits_makes_its_column_text_and_keeps_every_digit(
    workdir: Path, name: str, content: str
) -> None:
    (workdir / name).write_text(content, encoding="utf-8")
    result = load(name, "tickets")
    assert result.exit_code == Exit.OK, result.stderr
    assert result.stderr == "imported 2 rows into tickets (store.db)\n"
    assert declared("store.db", "tickets") == {"id": "INTEGER", "n": "TEXT"}
    assert query("store.db", "SELECT id, n FROM tickets ORDER BY id") == [(1, "5"), (2, BIG)]


def test_the_largest_64_bit_numbers_stay_numbers(workdir: Path) -> None:
    (workdir / "edge.csv").write_text(
        "id,n\n1,9223372036854775807\n2,-9223372036854775808\n", encoding="utf-8"
    )
    result = load("edge.csv", "tickets")
    assert result.exit_code == Exit.OK, result.stderr
    assert declared("store.db", "tickets") == {"id": "INTEGER", "n": "INTEGER"}
    assert query("store.db", "SELECT n FROM tickets ORDER BY id") == [
        (9223372036854775807,),
        (-9223372036854775808,),
    ]


# ---------------------------------------------------------------- times


# Spellings of 2026-03-05 09:14:27 in Shanghai (1772673267) that ISO 8601 readers accept, some
# of which SQLite's unixepoch() turns into NULL; and naive ones, read in the --timezone.
SPELLINGS = [
    "2026-03-05T09:14:27+08:00",
    "2026-03-05 09:14:27+08:00",
    "2026-03-05t09:14:27+08:00",
    "2026-03-05x09:14:27+08:00",
    "2026-03-05\u300009:14:27+08:00",
    "2026-W10-4T09:14:27+08:00",
    "20260305T091427+0800",
    "2026-03-05T01:14:27Z",
    "2026-03-05T01:14:27+00:00",
    "2026-03-04T20:14:27-05:00",
    "2026-03-05T09:14:27.000+08:00",
    "2026-03-05T09:14:27",
    "2026-03-05 09:14:27",
]


def test_every_time_the_import_accepts_is_stored_as_the_right_instant(workdir: Path) -> None:
    rows = [f'{n},"{value}"' for n, value in enumerate(SPELLINGS, start=1)]
    write_rows(workdir / "times.csv", "id,created_at", rows)
    result = load("times.csv", "tickets", "--time", "created_at", "--timezone", "Asia/Shanghai")
    assert result.exit_code == Exit.OK, result.stderr
    stored = query("store.db", "SELECT id, created_at FROM tickets ORDER BY id")
    assert stored == [(n, 1772673267.0) for n in range(1, len(SPELLINGS) + 1)]
