"""Sources that read files in place (`file "PATTERN"`, DuckDB stores): the real export as a
Parquet file with proper timestamps, evaluated where it lies to the values worked out by
hand in tests/cli_tests/test_real_exports.py; a timestamp without a zone read in the plan's
zone, one with a zone as its instant; a CSV read in place; and what other stores say of
such a source (E404), and of an aggregate of numbers over a column of text there (E404)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from ..helpers import FIXTURES, goalline

EXPORTS = FIXTURES / "exports"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "language.md"
VALUES = {
    "happy": [(3.666667, "breached"), (2.666667, "breached")],
    "fast": [(6, "met"), (12, "breached")],
    "few": [(1, "met"), (3, "breached")],
}
SOURCE = """  table   `Customer Support Tickets`
  time    `First Response Time`
  format  `First Response Time` "%d-%m-%Y %H:%M"
  format  `Time to Resolution` "%d-%m-%Y %H:%M\""""


def documented(line: str) -> bool:
    return line in DOCS.read_text(encoding="utf-8").splitlines()


@pytest.fixture
def parquet(workdir: Path) -> Path:
    """The export as a warehouse keeps it: in exports/, times as TIMESTAMP (no zone)."""
    (workdir / "exports").mkdir()
    times = ", ".join(
        f'strptime("{c}", \'%d-%m-%Y %H:%M\') AS "{c}"'
        for c in ("First Response Time", "Time to Resolution")
    )
    with duckdb.connect() as connection:
        connection.execute(
            f"COPY (SELECT * REPLACE ({times}) FROM read_csv('{EXPORTS / 'kaggle_tickets.csv'}'))"
            " TO 'exports/tickets-2023.parquet' (FORMAT parquet)"
        )
    plan = (EXPORTS / "kaggle_tickets.goal").read_text(encoding="utf-8")
    written = 'file  "exports/*.parquet"\n  time  `First Response Time`'
    (workdir / "files.goal").write_text(plan.replace(SOURCE.strip(), written), encoding="utf-8")
    return workdir


def _values(result_stdout: str) -> dict[str, list[tuple[float, str]]]:
    report = json.loads(result_stdout)
    return {g["id"]: [(c["value"], c["status"]) for c in g["cycles"]] for g in report["goals"]}


def test_parquet_files_are_read_where_they_lie(parquet: Path) -> None:
    checked = goalline("check", "files.goal", "--db", "s.duckdb")
    assert checked.stdout.splitlines()[-1] == "files.goal: ok (1 warning)"
    assert "is negative in 1 of 6 rows of table 'exports/*.parquet'" in checked.stdout
    evaluated = goalline("evaluate", "files.goal", "--db", "s.duckdb", "--as-of", "2023-08-01")
    assert (evaluated.exit_code, evaluated.stderr) == (0, "")
    assert _values(evaluated.stdout) == VALUES
    explained = goalline("explain", "files.goal", "fast", "--db", "s.duckdb",
                         "--as-of", "2023-08-01")  # fmt: skip
    assert "The query that ran (DuckDB)" in explained.stdout
    assert "CROSS JOIN read_parquet('exports/*.parquet') AS t" in explained.stdout
    assert "2 rows of exports/*.parquet" in explained.stdout or "rows of exports/" in (
        explained.stdout
    )


def test_a_timestamp_without_a_zone_is_a_time_in_the_plans_zone(workdir: Path) -> None:
    with duckdb.connect() as connection:
        connection.execute(
            "COPY (SELECT * FROM (VALUES"
            " (1, TIMESTAMP '2026-06-30 23:30', TIMESTAMPTZ '2026-06-30 23:30+08'),"
            " (2, TIMESTAMP '2026-07-01 00:30', TIMESTAMPTZ '2026-06-30 16:30+00'),"
            " (3, TIMESTAMP '2026-07-31 23:59', TIMESTAMPTZ '2026-07-31 16:00+00'))"
            " AS v(id, local_time, instant)) TO 'calls.parquet' (FORMAT parquet)"
        )
    plan = """plan "Calls" {
  period    2026-06-01 .. 2026-07-31
  timezone  "Asia/Shanghai"
}

person ann "Ann Lee"

source local "Calls by local time" {
  file  "calls.parquet"
  time  local_time
}

source instants "Calls by instant" {
  file  "calls.parquet"
  time  instant
}

indicator by_local "Calls" {
  kind     kpi
  better   higher
  measure  count(local)
}

indicator by_instant "Calls" {
  kind     kpi
  better   higher
  measure  count(instants)
}

goal a "By local time" {
  indicator  by_local
  cycle      monthly
  owner      ann
  target     >= 1
}

goal b "By instant" {
  indicator  by_instant
  cycle      monthly
  owner      ann
  target     >= 1
}
"""
    (workdir / "calls.goal").write_text(plan, encoding="utf-8")
    evaluated = goalline("evaluate", "calls.goal", "--db", "s.duckdb", "--as-of", "2026-08-01")
    assert (evaluated.exit_code, evaluated.stderr) == (0, "")
    # 2026-07-01 00:30 in Shanghai is July there, though June in UTC; the instants
    # 2026-06-30 16:30 UTC and 2026-07-31 16:00 UTC are July 1 00:30 and August 1 00:00 there.
    assert _values(evaluated.stdout) == {
        "a": [(1, "met"), (2, "met")],
        "b": [(1, "met"), (1, "met")],
    }


def test_a_csv_file_is_read_in_place_too(workdir: Path) -> None:
    (workdir / "surveys.csv").write_text(
        "answered_at,score\n2026-01-05T10:00:00Z,5\n2026-01-20T10:00:00Z,3\n"
        "2026-02-02T09:00:00Z,4\n",
        encoding="utf-8",
    )
    (workdir / "s.goal").write_text(
        'plan "S" { period 2026-01-01 .. 2026-02-28 }\n'
        'source surveys { file "surveys.csv"  time answered_at }\n'
        "indicator csat { kind kpi  better higher  measure mean(surveys.score) }\n"
        'person ann "Ann Lee"\n'
        "goal g { indicator csat  cycle monthly  owner ann  target >= 4 }\n",
        encoding="utf-8",
    )
    evaluated = goalline("evaluate", "s.goal", "--db", "s.duckdb", "--as-of", "2026-03-01")
    assert (evaluated.exit_code, evaluated.stderr) == (0, "")
    assert _values(evaluated.stdout) == {"g": [(4, "met"), (4, "met")]}


def test_a_sqlite_store_says_it_cannot_read_files(parquet: Path) -> None:
    shutil.copy(EXPORTS / "kaggle_tickets.csv", parquet)
    goalline("import", "kaggle_tickets.csv", "--db", "k.db", "--table", "t",
             "--time-format", "First Response Time=%d-%m-%Y %H:%M")  # fmt: skip
    checked = goalline("check", "files.goal", "--db", "k.db")
    expected = (
        "files.goal:13:3: error: source 'tickets' reads files in place, which a SQLite store"
        " cannot: use a DuckDB store (--db FILE.duckdb), or import the files (goalline import"
        " FILE --table NAME) and name the table [E404]"
    )
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[0] == expected
    assert documented(expected.replace("files.goal:13:3", "plan.goal:13:3"))


def test_no_file_matching_is_said(parquet: Path) -> None:
    text = (parquet / "files.goal").read_text(encoding="utf-8")
    (parquet / "files.goal").write_text(text.replace("exports/*", "export/*"), encoding="utf-8")
    checked = goalline("check", "files.goal", "--db", "s.duckdb")
    assert checked.stdout.splitlines()[0] == (
        'files.goal:13:3: error: no file matches "export/*.parquet" (a path from the folder of'
        " the plan file) [E401]"
    )


def test_an_average_of_text_is_refused_where_the_database_computes_only_numbers(
    workdir: Path,
) -> None:
    (workdir / "surveys.csv").write_text(
        "answered_at,score\n2026-01-05T10:00:00Z,5\n2026-01-20T10:00:00Z,n/a\n", encoding="utf-8"
    )
    imported = goalline("import", "surveys.csv", "--db", "s.duckdb", "--table", "surveys",
                        "--time", "answered_at")  # fmt: skip
    assert imported.exit_code == 0, imported.stderr
    (workdir / "plan.goal").write_text(
        'plan "S" { period 2026-01-01 .. 2026-02-28 }\n'
        "source surveys { time answered_at }\n"
        'indicator csat "Satisfaction" { kind kpi  better higher  measure mean(surveys.score) }\n'
        'person ann "Ann Lee"\n'
        "goal g { indicator csat  cycle monthly  owner ann  target >= 4 }\n",
        encoding="utf-8",
    )
    checked = goalline("check", "plan.goal", "--db", "s.duckdb")
    expected = (
        "plan.goal:3:71: error: mean cannot be computed on DuckDB over column 'score' of"
        " table 'surveys', which holds text: import the column again as numbers, or give a"
        " measure over a column of numbers [E404]"
    )
    assert [line for line in checked.stdout.splitlines() if line.endswith("[E404]")] == [expected]
    assert documented(expected)
    evaluated = goalline("evaluate", "plan.goal", "--db", "s.duckdb")
    assert evaluated.exit_code != 0 and "[E404]" in evaluated.stderr + evaluated.stdout


def test_a_source_reads_a_table_or_files_not_both(workdir: Path) -> None:
    (workdir / "plan.goal").write_text(
        'plan "T" { period 2026-01-01 .. 2026-12-31 }\n'
        'source t {\n  table x\n  file "a.csv"\n  time at\n}\n',
        encoding="utf-8",
    )
    checked = goalline("check", "plan.goal")
    expected = (
        "plan.goal:4:3: error: source 't' is given both 'table' and 'file': it reads a table or"
        " files, not both [E203]"
    )
    assert checked.exit_code == 1 and checked.stdout.splitlines()[0] == expected
    assert documented(expected)


def test_the_export_as_it_comes_is_read_in_place_with_its_formats(workdir: Path) -> None:
    """The Kaggle export itself (day-first times, multi-line quoted text, empty fields, rows
    in no order), read where it lies: the source's `format` lines say how its times are
    written, as they do for an import."""
    shutil.copy(EXPORTS / "kaggle_tickets.csv", workdir)
    plan = (EXPORTS / "kaggle_tickets.goal").read_text(encoding="utf-8")
    in_place = plan.replace("table   `Customer Support Tickets`", 'file    "kaggle_tickets.csv"')
    (workdir / "in_place.goal").write_text(in_place, encoding="utf-8")
    evaluated = goalline("evaluate", "in_place.goal", "--db", "s.duckdb", "--as-of", "2023-08-01")
    assert (evaluated.exit_code, evaluated.stderr) == (0, "")
    assert _values(evaluated.stdout) == VALUES
    explained = goalline("explain", "in_place.goal", "fast", "--db", "s.duckdb",
                         "--as-of", "2023-08-01")  # fmt: skip
    assert (
        "CROSS JOIN (SELECT * REPLACE (strptime(\"First Response Time\", '%d-%m-%Y %H:%M') AS"
        ' "First Response Time"'
    ) in explained.stdout
    assert "read_csv('kaggle_tickets.csv', types = {'First Response Time': 'VARCHAR'" in (
        explained.stdout
    )
