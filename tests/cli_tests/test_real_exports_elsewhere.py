"""The real help-desk export (tests/fixtures/exports/kaggle_tickets.csv: headers with spaces,
day-first times, multi-line quoted text, empty fields, rows in no order) imported with the
same command into a PostgreSQL database and a DuckDB file, then checked, evaluated and
explained there: the same words and values as on SQLite (tests/cli_tests/test_real_exports.py
works them out by hand). `GOALLINE_DB` names the server as `--db` would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ..helpers import FIXTURES, clean_env, goalline
from ..postgres import new_database

EXPORTS = FIXTURES / "exports"
TABLE = "Customer Support Tickets"
FORMATS = (
    "--time-format", "First Response Time=%d-%m-%Y %H:%M",
    "--time-format", "Time to Resolution=%d-%m-%Y %H:%M",
)  # fmt: skip
VALUES = {
    "happy": [(3.666667, "breached"), (2.666667, "breached")],
    "fast": [(6, "met"), (12, "breached")],
    "few": [(1, "met"), (3, "breached")],
}


@pytest.fixture
def export(workdir: Path) -> Path:
    shutil.copy(EXPORTS / "kaggle_tickets.csv", workdir)
    shutil.copy(EXPORTS / "kaggle_tickets.goal", workdir)
    return workdir


@pytest.fixture(params=["postgres", "duckdb"])
def db(request: pytest.FixtureRequest, export: Path) -> str:
    if request.param == "duckdb":
        return "k.duckdb"
    url: str = request.getfixturevalue("postgres_url")
    return new_database(url, "real_exports")


def test_the_export_imports_and_evaluates_as_on_sqlite(db: str, export: Path) -> None:
    imported = goalline("import", "kaggle_tickets.csv", "--db", db, "--table", TABLE, *FORMATS)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.splitlines()[1:] == [
        f"2 of 10 rows of {TABLE} have no `First Response Time`",
        f"4 of 10 rows of {TABLE} have no `Time to Resolution`",
    ]
    assert imported.stderr.startswith(f"imported 10 rows into {TABLE} (")

    checked = goalline("check", "kaggle_tickets.goal", "--db", db)
    assert checked.stdout.splitlines()[-1] == "kaggle_tickets.goal: ok (1 warning)"
    assert "is negative in 1 of 6 rows of table 'Customer Support Tickets'" in checked.stdout

    evaluated = goalline("evaluate", "kaggle_tickets.goal", "--db", db, "--as-of", "2023-08-01")
    report = json.loads(evaluated.stdout)
    values = {g["id"]: [(c["value"], c["status"]) for c in g["cycles"]] for g in report["goals"]}
    assert values == VALUES

    explained = goalline("explain", "kaggle_tickets.goal", "fast", "--db", db,
                         "--as-of", "2023-08-01")  # fmt: skip
    assert explained.exit_code == 0, explained.stderr
    assert explained.stdout.splitlines()[3].endswith(
        "gave 12 (3 of 4 rows matched its condition; 1 duration is negative, ending before it"
        " starts); so the value is 12 h."
    )
    engine = "PostgreSQL" if db.startswith("postgresql") else "DuckDB"
    assert f"The query that ran ({engine}), once for every cycle of this layout:" in (
        explained.stdout
    )
    assert 'CROSS JOIN "Customer Support Tickets" AS t' in explained.stdout


def test_a_keyed_import_again_updates_its_rows_and_an_unkeyed_one_is_refused(
    db: str, export: Path
) -> None:
    first = goalline("import", "kaggle_tickets.csv", "--db", db, "--table", TABLE,
                     "--pk", "Ticket ID", *FORMATS)  # fmt: skip
    assert first.exit_code == 0, first.stderr
    text = (export / "kaggle_tickets.csv").read_text(encoding="utf-8")
    # ticket 6 answered a day later, and rated 5 instead of 3
    (export / "again.csv").write_text(
        text.replace(
            "05-07-2023 08:00,05-07-2023 20:00,3.0", "06-07-2023 08:00,06-07-2023 20:00,5.0"
        )
    )
    again = goalline("import", "again.csv", "--db", db, "--table", TABLE, "--pk", "Ticket ID",
                     *FORMATS)  # fmt: skip
    assert again.exit_code == 0, again.stderr
    assert again.stderr.startswith(f"imported 10 rows into {TABLE} (")
    evaluated = goalline("evaluate", "kaggle_tickets.goal", "--db", db, "--as-of", "2023-08-01")
    happy = [c["value"] for c in json.loads(evaluated.stdout)["goals"][0]["cycles"]]
    assert happy == [pytest.approx(3.666667), pytest.approx((5 + 1 + 4) / 3)]

    refused = goalline("import", "again.csv", "--db", db, "--table", TABLE, *FORMATS)
    assert refused.exit_code != 0
    assert refused.stderr.startswith(
        f"goalline: error: table '{TABLE}' holds rows with the same key already"
    )
    assert refused.stderr.count("\n") == 1


def test_goalline_db_names_the_server(postgres_url: str, export: Path) -> None:
    url = new_database(postgres_url, "from_the_environment")
    env = clean_env(GOALLINE_DB=url)
    imported = goalline("import", "kaggle_tickets.csv", "--table", TABLE, *FORMATS, env=env)
    assert imported.exit_code == 0, imported.stderr
    evaluated = goalline("evaluate", "kaggle_tickets.goal", "--as-of", "2023-08-01", env=env)
    report = json.loads(evaluated.stdout)
    assert {g["id"]: [(c["value"], c["status"]) for c in g["cycles"]] for g in report["goals"]} == (
        VALUES
    )
