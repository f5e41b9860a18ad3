"""A help desk's own table in PostgreSQL, in a schema of its own, read where it is: goalline
connects as a role that may only read it and write in goalline's schema (the permissions
docs/commands.md asks for), and counts its `timestamptz` and `timestamp` columns in the
plan's zone. A real PostgreSQL server answers (tests/postgres.py)."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from ..helpers import goalline
from ..postgres import new_database

PLAN = """plan "Desk" {
  period    2026-01-01 .. 2026-02-28
  timezone  "Asia/Shanghai"
  owner     ann
}

person ann "Ann Lee"
objective calm "Calm customers"

source tickets "The help desk's own table" {
  table  support.tickets
  time   opened
}

source local "The same tickets by their local time" {
  table  support.tickets
  time   opened_local
}

indicator opened "Tickets opened" {
  kind     kpi
  unit     "tickets"
  better   lower
  measure  count(tickets)
}

indicator by_local "Tickets opened, by local time" {
  kind     kpi
  unit     "tickets"
  better   lower
  measure  count(local)
}

indicator hours "Hours to close" {
  kind     process
  unit     "h"
  better   lower
  measure  p50(hours_between(tickets.opened, tickets.closed) where status = "closed")
}

goal few "Few tickets" {
  indicator  opened
  cycle      monthly
  owner      ann
  serves     calm
  target     <= 3
}

goal few_local "Few tickets, by local time" {
  indicator  by_local
  cycle      monthly
  owner      ann
  serves     calm
  target     <= 3
}

goal quick "Closed quickly" {
  indicator  hours
  cycle      monthly
  owner      ann
  serves     calm
  target     <= 8
}
"""

# Shanghai is UTC+8: 2026-01-31 20:00 UTC is already February there.
ROWS = [
    (1, "2026-01-05 01:00+00", "2026-01-05 05:00+00", "closed", "2026-01-05 09:00"),
    (2, "2026-01-20 02:00+00", "2026-01-20 12:00+00", "closed", "2026-01-20 10:00"),
    (3, "2026-01-31 20:00+00", None, "open", "2026-02-01 04:00"),
    (4, "2026-02-10 00:00+00", "2026-02-10 06:00+00", "closed", "2026-02-10 08:00"),
]


@pytest.fixture
def desk(postgres_url: str, workdir: Path) -> str:
    """The database: the help desk's schema (its owner's), a role that reads it, and
    goalline's schema made for that role by the database's owner. Its URL, as that role."""
    url = new_database(postgres_url, "desk")
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS tracker")
        admin.execute("CREATE ROLE tracker LOGIN")
        admin.execute("CREATE SCHEMA support")
        admin.execute(
            "CREATE TABLE support.tickets (id integer PRIMARY KEY, opened timestamptz,"
            " closed timestamptz, status text, opened_local timestamp)"
        )
        with admin.cursor() as cursor:
            cursor.executemany("INSERT INTO support.tickets VALUES (%s, %s, %s, %s, %s)", ROWS)
        admin.execute("GRANT USAGE ON SCHEMA support TO tracker")
        admin.execute("GRANT SELECT ON support.tickets TO tracker")
        admin.execute("CREATE SCHEMA goalline AUTHORIZATION tracker")
        admin.execute("REVOKE CREATE ON DATABASE desk FROM PUBLIC")
    (workdir / "plan.goal").write_text(PLAN, encoding="utf-8")
    return url.replace("://goalline@", "://tracker@", 1)


def test_a_table_of_another_schema_is_read_where_it_is(desk: str) -> None:
    checked = goalline("check", "plan.goal", "--db", desk)
    assert (checked.exit_code, checked.stdout) == (0, "plan.goal: ok\n")
    evaluated = goalline("evaluate", "plan.goal", "--db", desk, "--as-of", "2026-03-01")
    assert (evaluated.exit_code, evaluated.stderr) == (0, "")
    report = json.loads(evaluated.stdout)
    values = {g["id"]: [c["value"] for c in g["cycles"]] for g in report["goals"]}
    # January in Shanghai: tickets 1 and 2 (ticket 3 opened on 1 February there);
    # closed after 4 and 10 hours: p50 = 7; February: ticket 3, and ticket 4 closed in 6 h.
    assert values == {"few": [2, 2], "few_local": [2, 2], "quick": [7, 6]}


def test_the_role_writes_only_in_goallines_schema(desk: str) -> None:
    recorded = goalline("done", "anything", "--db", desk, "--on", "2026-01-10")
    assert recorded.exit_code == 0, recorded.stderr
    with psycopg.connect(desk) as tracker, pytest.raises(psycopg.errors.InsufficientPrivilege):
        tracker.execute("INSERT INTO support.tickets (id) VALUES (9)")
    explained = goalline("explain", "plan.goal", "quick", "--db", desk, "--as-of", "2026-03-01",
                         "--cycle", "2026-01-15")  # fmt: skip
    assert explained.exit_code == 0, explained.stderr
    assert 'CROSS JOIN "support"."tickets" AS t' in explained.stdout
    assert "2 rows of support.tickets" in explained.stdout


def test_a_misspelt_table_of_a_schema_is_named(desk: str, workdir: Path) -> None:
    plan = workdir / "plan.goal"
    plan.write_text(
        PLAN.replace("support.tickets\n  time   opened\n", "support.tikets\n  time   opened\n", 1)
    )
    checked = goalline("check", "plan.goal", "--db", desk)
    assert checked.exit_code == 1
    assert checked.stdout.splitlines()[0] == (
        "plan.goal:11:18: error: the store has no table 'support.tikets' (did you mean"
        " 'support.tickets'?); goalline reads a table of another schema where it is: it must"
        " be there, and readable by the store's role [E401]"
    )


def test_the_url_may_name_the_schema_goalline_writes_in(desk: str, workdir: Path) -> None:
    admin = desk.replace("://tracker@", "://goalline@", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("CREATE SCHEMA goals_2026 AUTHORIZATION tracker")
    elsewhere = f"{desk}&schema=goals_2026"
    (workdir / "waits.csv").write_text(
        "at,wait\n2026-01-05T10:00:00+08:00,3\n2026-01-06T10:00:00+08:00,5\n", encoding="utf-8"
    )
    imported = goalline("import", "waits.csv", "--db", elsewhere, "--table", "waits",
                        "--time", "at")  # fmt: skip
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr.startswith("imported 2 rows into waits (postgresql://tracker@/desk?")
    with psycopg.connect(admin) as connection:
        tables = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_name IN ('waits', 'measurements') ORDER BY 1, 2"
        ).fetchall()
    assert tables == [("goals_2026", "measurements"), ("goals_2026", "waits")]
