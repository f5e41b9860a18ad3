"""`goalline done` as a user runs it: a milestone done on a day with a note, today in the
zone given or the plan's by default, bad days and unknown milestones refused, and done
twice keeping both with the earliest counting."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dsl.cli.main import Exit
from dsl.store.database import Store

from ...helpers import goalline, query
from .conftest import leftovers, refused

# ---------------------------------------------------------------- done


def test_done_on_a_day_with_a_note(workdir: Path, tiny_plan: str) -> None:
    result = goalline(
        "done",
        "chatbot",
        "--db",
        "store.db",
        "--on",
        "2026-05-01",
        "--note",
        "soft launch",
        "--plan",
        tiny_plan,
    )
    assert result.exit_code == Exit.OK
    assert result.stdout == ""
    assert result.stderr == "recorded chatbot as done on 2026-05-01\n"
    assert query("store.db", "SELECT milestone, on_date, note FROM milestone_events") == [
        ("chatbot", "2026-05-01", "soft launch")
    ]


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_done_defaults_to_today_in_the_zone(workdir: Path, zone: str) -> None:
    before = datetime.now(ZoneInfo(zone)).date()
    result = goalline("done", "chatbot", "--db", "store.db", "--timezone", zone)
    after = datetime.now(ZoneInfo(zone)).date()
    assert result.exit_code == Exit.OK
    [(on_date,)] = query("store.db", "SELECT on_date FROM milestone_events")
    assert on_date in {before.isoformat(), after.isoformat()}


def test_done_defaults_to_today_in_the_plans_zone(workdir: Path, tiny_plan: str) -> None:
    before = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    result = goalline("done", "chatbot", "--db", "store.db", "--plan", tiny_plan)
    after = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert result.exit_code == Exit.OK
    [(on_date,)] = query("store.db", "SELECT on_date FROM milestone_events")
    assert on_date in {before.isoformat(), after.isoformat()}


@pytest.mark.parametrize("on", ["05/01/2026", "2026-02-30", "tomorrow"])
def test_done_refuses_a_bad_day(workdir: Path, on: str) -> None:
    result = goalline("done", "chatbot", "--db", "store.db", "--on", on)
    refused(result, f"'{on}' is not a date; write it as 2026-05-31")
    assert leftovers(workdir, "store.db") == []


def test_done_with_a_plan_refuses_an_unknown_milestone(workdir: Path, tiny_plan: str) -> None:
    result = goalline("done", "chatbto", "--db", "store.db", "--plan", tiny_plan)
    refused(result, f"plan {tiny_plan} has no milestone 'chatbto' (did you mean 'chatbot'?)")
    result = goalline("done", "nps", "--db", "store.db", "--plan", tiny_plan)
    refused(result, f"plan {tiny_plan} has no milestone 'nps'")
    assert leftovers(workdir, "store.db") == []


def test_done_twice_keeps_both_and_the_earliest_counts(workdir: Path) -> None:
    goalline("done", "chatbot", "--db", "store.db", "--on", "2026-05-20", "--note", "relaunch")
    goalline("done", "chatbot", "--db", "store.db", "--on", "2026-05-01", "--note", "first launch")
    assert query("store.db", "SELECT on_date, note FROM milestone_events ORDER BY id") == [
        ("2026-05-20", "relaunch"),
        ("2026-05-01", "first launch"),
    ]
    with Store.open("store.db") as store:
        completion = store.completions()["chatbot"]
    assert (completion.on.isoformat(), completion.note) == ("2026-05-01", "first launch")
