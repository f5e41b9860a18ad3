"""`goalline record` as a user runs it: a number stored at a date or a time (naive times in
the plan's zone), now by default, what is not a number or not a time refused, indicators
the plan does not have or measures itself refused, and the confirmation in the user's
zone."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from dsl.cli.main import Exit

from ...helpers import goalline, query
from .conftest import leftovers, refused

# ---------------------------------------------------------------- record


@pytest.mark.parametrize(
    ("args", "given", "stored"),
    [
        (["nps", "42"], "42", 42.0),
        (["nps", "1e3"], "1e3", 1000.0),
        (["nps", "0"], "0", 0.0),
        (["nps", " 7 "], " 7 ", 7.0),
        (["--", "nps", "-3.5"], "-3.5", -3.5),
        (["nps", "-3.5"], "-3.5", -3.5),  # a net promoter score is often negative
        (["nps", "-12"], "-12", -12.0),
    ],
)
def test_record_stores_a_number(workdir: Path, args: list[str], given: str, stored: float) -> None:
    options = ["--db", "store.db", "--at", "2026-03-01T01:30Z", "--note", "Q1 survey"]
    result = goalline("record", *options, *args)
    assert result.exit_code == Exit.OK
    assert result.stdout == ""
    assert result.stderr == f"recorded nps = {given} at 2026-03-01T01:30:00+00:00\n"
    assert query(
        "store.db", "SELECT indicator, at, value, typeof(value), note FROM measurements"
    ) == [("nps", 1772328600.0, stored, "real", "Q1 survey")]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "'abc' is not a number"),
        ("", "'' is not a number"),
        ("4,5", "'4,5' is not a number"),
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        ("-Infinity", "'-Infinity' is not a finite number"),
    ],
)
def test_record_refuses_what_is_not_a_number(workdir: Path, given: str, message: str) -> None:
    result = goalline("record", "--db", "store.db", "--", "nps", given)
    refused(result, message)
    assert leftovers(workdir, "store.db") == []


@pytest.mark.parametrize(
    ("at", "seconds"),
    [
        ("2026-03-01", 1772294400.0),  # local midnight in Shanghai
        ("2026-03-01T09:30", 1772328600.0),
        ("2026-03-01T01:30Z", 1772328600.0),
        ("2026-03-01T09:30+08:00", 1772328600.0),
        ("2026-03-01T03:30+02:00", 1772328600.0),
    ],
)
def test_record_at_a_date_or_a_time(workdir: Path, at: str, seconds: float) -> None:
    result = goalline(
        "record", "nps", "31", "--db", "store.db", "--at", at, "--timezone", "Asia/Shanghai"
    )
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT at FROM measurements") == [(seconds,)]


def test_record_at_a_naive_time_in_the_plans_zone(workdir: Path, tiny_plan: str) -> None:
    result = goalline(
        "record", "nps", "31", "--db", "store.db", "--at", "2026-03-01", "--plan", tiny_plan
    )
    assert result.exit_code == Exit.OK
    assert query("store.db", "SELECT indicator, at, value FROM measurements") == [
        ("nps", 1772294400.0, 31.0)
    ]


def test_record_at_defaults_to_now(workdir: Path) -> None:
    before = time.time()
    result = goalline("record", "nps", "31", "--db", "store.db")
    after = time.time()
    assert result.exit_code == Exit.OK
    [(at, recorded_at)] = query("store.db", "SELECT at, recorded_at FROM measurements")
    assert isinstance(at, float)
    assert before - 1 <= at <= after + 1
    assert isinstance(recorded_at, str)
    assert before - 2 <= datetime.fromisoformat(recorded_at).timestamp() <= after + 1


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a valid date or date-time"),
        (
            "yesterday",
            "'yesterday' is not a date (2026-07-01) or a date-time (2026-07-01T09:30, 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)",
        ),
    ],
)
def test_record_refuses_a_bad_at(workdir: Path, at: str, message: str) -> None:
    result = goalline("record", "nps", "31", "--db", "store.db", "--at", at)
    refused(result, message)
    assert leftovers(workdir, "store.db") == []


def test_record_with_a_plan_refuses_an_unknown_indicator(workdir: Path, tiny_plan: str) -> None:
    result = goalline("record", "npx", "31", "--db", "store.db", "--plan", tiny_plan)
    refused(result, f"plan {tiny_plan} has no indicator 'npx' (did you mean 'nps'?)")
    result = goalline("record", "chatbot", "31", "--db", "store.db", "--plan", tiny_plan)
    refused(result, f"plan {tiny_plan} has no indicator 'chatbot'")
    assert leftovers(workdir, "store.db") == []


def test_record_with_a_plan_refuses_a_measured_indicator(workdir: Path, tiny_plan: str) -> None:
    result = goalline("record", "answered", "31", "--db", "store.db", "--plan", tiny_plan)
    refused(result, "indicator 'answered' is computed by its measure; it takes no values")
    assert leftovers(workdir, "store.db") == []


def test_record_confirms_in_the_zone_the_user_wrote_in(workdir: Path) -> None:
    result = goalline(
        "record",
        "nps",
        "31",
        "--db",
        "store.db",
        "--at",
        "2026-03-01",
        "--timezone",
        "Asia/Shanghai",
    )
    assert result.stderr == "recorded nps = 31 at 2026-03-01T00:00:00+08:00\n"
