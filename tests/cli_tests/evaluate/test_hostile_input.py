"""Hostile strings in the plan and in the data (SQL, quotes, backslashes, backticks) are
taken literally by `evaluate` and `explain`, travel as bound parameters, and leave the
store as it was; hostile identifiers do not even parse."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ...helpers import goalline, sha256_of
from .conftest import dump_tables

DROP = "'; DROP TABLE tickets; --"
QUOTE = '" OR 1=1 --'
SLASH = '\\" OR 1=1 --'
TICKS = "`tickets`; DELETE FROM `tickets`"


def plan_string(value: str) -> str:
    """`value` as a string literal of the plan language (escapes: \\" and \\\\)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


HOSTILE_PLAN = f"""\
plan "Hostile" {{
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
  owner     ann
}}
person ann "Ann"
objective calm "Calm"
source tickets "Tickets" {{ time created_at }}
indicator drops   "Drops"   {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(DROP)}) }}
indicator quotes  "Quotes"  {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(QUOTE)}) }}
indicator slashes "Slashes" {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(SLASH)}) }}
indicator ticks   "Ticks"   {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(TICKS)}) }}
indicator either  "Either"  {{ kind result unit "rows" better lower measure count(tickets where note in ({plan_string(DROP)}, {plan_string(TICKS)})) }}
indicator others  "Others"  {{ kind result unit "rows" better lower measure count(tickets where note != {plan_string(DROP)}) }}
goal g_drops   "Drops"   {{ serves calm indicator drops   target <= 100 cycle yearly owner ann }}
goal g_quotes  "Quotes"  {{ serves calm indicator quotes  target <= 100 cycle yearly owner ann }}
goal g_slashes "Slashes" {{ serves calm indicator slashes target <= 100 cycle yearly owner ann }}
goal g_ticks   "Ticks"   {{ serves calm indicator ticks   target <= 100 cycle yearly owner ann }}
goal g_either  "Either"  {{ serves calm indicator either  target <= 100 cycle yearly owner ann }}
goal g_others  "Others"  {{ serves calm indicator others  target <= 100 cycle yearly owner ann }}
"""


def test_hostile_strings_in_plan_and_data_are_taken_literally(tmp_path: Path) -> None:
    notes = (
        [DROP] * 2
        + [QUOTE] * 3
        + [SLASH]
        + [TICKS] * 4
        + ["plain", "' OR '1'='1", DROP + " "]  # near misses count for nothing but `others`
    )
    data = tmp_path / "tickets.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "created_at", "note"])
        for i, note in enumerate(notes, start=1):
            writer.writerow([i, f"2026-03-{i:02d}T10:00:00Z", note])
    db, plan = tmp_path / "store.db", tmp_path / "hostile.goal"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    imported = goalline(
        "import", str(data), "--db", str(db), "--table", "tickets", "--time", "created_at"
    )
    assert imported.exit_code == 0, imported.output
    assert goalline("check", str(plan), "--db", str(db)).exit_code == 0
    before = dump_tables(db)
    assert sorted(row[2] for row in before["tickets"]) == sorted(notes)

    result = goalline(
        "evaluate", str(plan), "--db", str(db), "--as-of", "2027-01-01", "--format", "csv"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    values = {row["goal"]: row["value"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert values == {
        "g_drops": "2",
        "g_quotes": "3",
        "g_slashes": "1",
        "g_ticks": "4",
        "g_either": "6",  # 2 + 4
        "g_others": "11",  # 13 rows, of which 2 are exactly DROP
    }

    explained = goalline("explain", str(plan), "g_drops", "--db", str(db), "--as-of", "2027-01-01")
    assert explained.exit_code == 0, explained.output
    assert "gave 2 (2 of 13 rows matched its condition); so the value is 2 rows." in (
        explained.stdout
    )
    # the string travels as a bound parameter, never inside the SQL text
    assert explained.stdout.endswith(f"with the parameters [{DROP!r}]\n")
    sql = explained.stdout.split("once for every cycle of this layout:\n", 1)[1]
    assert "DROP" not in sql.rsplit("with the parameters", 1)[0]

    assert dump_tables(db) == before
    assert {"tickets", "measurements", "milestone_events"} <= set(before)


def test_hostile_identifiers_do_not_parse_and_the_store_is_intact(tmp_path: Path) -> None:
    data = tmp_path / "tickets.csv"
    data.write_text("id,created_at,note\n1,2026-03-01T10:00:00Z,x\n", encoding="utf-8")
    db = tmp_path / "store.db"
    imported = goalline(
        "import", str(data), "--db", str(db), "--table", "tickets", "--time", "created_at"
    )
    assert imported.exit_code == 0, imported.output
    before = sha256_of(db), dump_tables(db)
    plan = tmp_path / "evil.goal"
    plan.write_text(
        HOSTILE_PLAN.replace(
            'source tickets "Tickets" { time created_at }',
            'source tickets "Tickets" { table "tickets; DROP TABLE tickets" time created_at }',
        ),
        encoding="utf-8",
    )
    result = goalline("evaluate", str(plan), "--db", str(db), "--as-of", "2027-01-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"{plan}:8:34: error: unexpected text" in result.stderr
    assert result.stderr.endswith(
        f"goalline: error: {plan} does not check; see `goalline check {plan}`\n"
    )
    assert (sha256_of(db), dump_tables(db)) == before
