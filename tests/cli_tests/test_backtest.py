"""`goalline backtest` on the sample year: over the plan's own period it says what `evaluate`
says (the same statuses and values per cycle, the same escalation events), it writes
nothing to the store, it counts each person's notifications, and it says where history
cannot answer."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.output.formats import without_none

from ..helpers import goalline


def run(sample: Path, *args: str) -> tuple[int, str, str]:
    result = goalline("backtest", str(sample / PLAN_NAME), "--db", str(sample / STORE_NAME), *args)
    return result.exit_code, result.stdout, result.stderr


def evaluated(sample: Path) -> dict[str, Any]:
    result = goalline(
        "evaluate", str(sample / PLAN_NAME), "--db", str(sample / STORE_NAME),
        "--as-of", "2027-01-01", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def summary(found: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Per goal, each cycle's start, value (to 1e-6, as the JSON report writes it) and
    status, and the attainment."""
    return [
        (
            g["id"],
            [
                (c["start"], None if c["value"] is None else round(c["value"], 6), c["status"])
                for c in g["cycles"]
            ],
            None if g["attainment"] is None else round(g["attainment"], 6),
        )
        for g in found["goals"]
    ]


def test_over_the_plans_own_period_it_says_what_evaluate_says(sample: Path) -> None:
    code, out, err = run(
        sample, "--period", "2026-01-01..2026-12-31", "--as-of", "2027-01-01", "--format", "json"
    )
    assert (code, err) == (0, "")
    replayed = json.loads(out)
    report = evaluated(sample)
    assert replayed["as_of"] == report["as_of"] == "2027-01-01T00:00:00+08:00"
    assert summary(replayed) == summary(report)
    fired = sorted(
        (g["id"], f["rule"], day) for g in replayed["goals"] for f in g["firings"]
        for day in f["fired_on"]
    )  # fmt: skip
    events = [e for e in report["escalations"] if e["kind"] == "goal"]
    assert fired == sorted((e["subject"], e["rule"], e["fired_on"]) for e in events)
    people = Counter(p["name"] for e in events for p in e["notify"])
    assert {(n["person"], n["count"]) for n in replayed["notifications"]} == set(people.items())
    assert replayed["notifications"][0] == {"person": "Wang Fang", "count": 13}


def test_it_writes_nothing_to_the_store(sample_copy: Path) -> None:
    store = sample_copy / STORE_NAME
    before = store.read_bytes()
    code, _, _ = run(sample_copy, "--period", "2026-01-01..2026-12-31")
    assert code == 0
    assert store.read_bytes() == before
    wal = Path(f"{store}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_table_and_what_history_cannot_say(sample: Path) -> None:
    code, out, _ = run(sample, "--period", "2025-01-01..2025-12-31")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Backtest of Customer Support 2026 over 2025-01-01 .. 2025-12-31"
        " (as of 2026-01-01 00:00, Asia/Shanghai)"
    )
    assert lines[-3:] == [
        "Note: milestones are left out: they have no past, only the completions recorded"
        " for this plan's dates",
        "Note: indicator nps is recorded by hand, first on 2026-03-16: the 4 cycles before"
        " have no value, which says nothing of how they went",
        "Note: indicator callback_rate is recorded by hand, first on 2026-01-31: the 12"
        " cycles before have no value, which says nothing of how they went",
    ]


@pytest.mark.parametrize(("most", "code"), [("12", 1), ("13", 0)])
def test_ci_can_refuse_a_plan_that_would_notify_someone_too_often(
    sample: Path, most: str, code: int
) -> None:
    found, _, _ = run(
        sample, "--period", "2026-01-01..2026-12-31", "--as-of", "2027-01-01",
        "--fail-if-notifications-over", most,
    )  # fmt: skip
    assert found == code  # Wang Fang: 13 notifications


@pytest.mark.parametrize("period", ["2026", "2026-12-31..2026-01-01", "2026-02-30..2026-03-01"])
def test_a_period_that_is_not_one_is_one_line(sample: Path, period: str) -> None:
    assert run(sample, "--period", period) == (
        2,
        "",
        "goalline: error: --period must be FROM..TO, two dates such as"
        f" 2025-01-01..2025-12-31, not '{period}'\n",
    )


def lenient_plan(sample: Path, tmp_path: Path) -> Path:
    """The sample with satisfaction's warn line moved from < 92 to < 89, and one goal renamed."""
    text = (sample / PLAN_NAME).read_text(encoding="utf-8")
    changed = text.replace("  warn        < 92\n", "  warn        < 89\n", 1)
    changed = changed.replace("goal promoters ", "goal recommend ", 1)
    assert changed.count("< 89") == 1 and "goal recommend " in changed
    path = tmp_path / "lenient.goal"
    path.write_text(changed, encoding="utf-8")
    return path


YEAR = ("--period", "2026-01-01..2026-12-31", "--as-of", "2027-01-01")


def test_two_plans_side_by_side_with_their_differences(sample: Path, tmp_path: Path) -> None:
    b = lenient_plan(sample, tmp_path)
    code, out, err = run(sample, *YEAR, "--plan-b", str(b))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "Backtest over 2026-01-01 .. 2026-12-31",
        f"Plan A: Customer Support 2026 ({sample / PLAN_NAME}), as of 2027-01-01 00:00,"
        " Asia/Shanghai",
        f"Plan B: Customer Support 2026 ({b}), as of 2027-01-01 00:00, Asia/Shanghai",
    ]
    # Satisfaction's three months between 89 and 92 (A: 7 met, 3 warning) are met under B,
    # so "when warning 2 times in a row" (A: 2026-04-01 and 2027-01-01) never fires, and
    # its owner Wang Fang hears 2 times less.
    plan_b = lines[lines.index("PLAN B") :]
    assert next(x for x in plan_b if x.startswith("satisfied ")).split() == [
        "satisfied", "12", "10", "0", "1", "1", "0", "0", "0", "83%", "3",
    ]  # fmt: skip
    differences = lines[lines.index("B AGAINST A") :]
    assert differences[1:3] == [
        "GOAL                    ATTAINED A  ATTAINED B     CHANGE  FIRED A  FIRED B"
        "  JUDGED OTHERWISE",
        "satisfied                      83%         83%      0 pts        5        3"
        "                 3",
    ]
    assert differences[11:13] == [
        "promoters                      50%           -  only in A        0        -"
        "                 -",
        "called_back                    75%         75%      0 pts        1        1"
        "                 0",
    ]
    assert differences[13].split() == ["recommend", "-", "50%", "only", "in", "B", "-", "0", "-"]
    assert differences[15:17] == [
        "NOTIFIED           A   B  CHANGE",
        "Wang Fang         13  11      -2",
    ]


def test_the_differences_as_json_and_toml(sample: Path, tmp_path: Path) -> None:
    import tomllib

    b = lenient_plan(sample, tmp_path)
    _, out, _ = run(sample, *YEAR, "--plan-b", str(b), "--format", "json")
    found = json.loads(out)
    assert found["differences"]["goals"][0] == {
        "id": "satisfied",
        "a": {"attainment": 0.833333, "fired": 5},
        "b": {"attainment": 0.833333, "fired": 3},
        "attainment_change": 0,
        "judged_otherwise": 3,
    }
    assert found["differences"]["notifications"][0] == {"person": "Wang Fang", "a": 13, "b": 11}
    assert [g["id"] for g in found["b"]["goals"]][-2:] == ["recommend", "called_back"]
    _, toml, _ = run(sample, *YEAR, "--plan-b", str(b), "--format", "toml")
    # TOML has no null: the same content with the absent values left out
    assert tomllib.loads(toml)["differences"]["goals"][9] == {
        "id": "promoters", "a": {"attainment": 0.5, "fired": 0}, "judged_otherwise": 0,
    }  # fmt: skip
    assert tomllib.loads(toml)["a"]["goals"] == without_none(found["a"]["goals"])


def test_one_row_per_goal_cycle_as_csv(sample: Path) -> None:
    import csv
    import io

    _, out, _ = run(sample, *YEAR, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12 + 53 + 53 + 365 + 12 + 12 + 53 + 53 + 12 + 4 + 12
    march = next(r for r in rows if r["goal"] == "satisfied" and r["cycle_start"] == "2026-03-01")
    assert march == {
        "plan": str(sample / PLAN_NAME), "goal": "satisfied", "cycle_start": "2026-03-01",
        "cycle_end": "2026-03-31", "complete": "true", "value": "91.546763", "target": ">= 90",
        "status": "warning", "rules_fired": "when warning 2 times in a row",
        "notified": "Wang Fang",
    }  # fmt: skip
    told = Counter(p for r in rows for p in r["notified"].split("; ") if p)
    # a row names each person once: of Wang Fang's 13 notifications, two are for the same
    # cycle (two rules of one escalation fired on it)
    assert told["Wang Fang"] == 12
