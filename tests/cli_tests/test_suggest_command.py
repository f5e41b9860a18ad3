"""`goalline suggest` on the sample year: the targets each goal's history supports, as a plan
fragment and as JSON, with the figures worked out by hand from the monthly values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME

from ..helpers import goalline

# satisfied, monthly, best first: 94.95 94.67 94.55 94.20 93.84 93.76 93.67 91.55 91.36
# 90.77 87.72 76.10; 80% of twelve is 9.6, so ten must reach it: December's 90.77, written
# 90.7 (one decimal, rounded down so that December still meets it); 90% asks eleven: 87.72,
# written 87.7; 60% asks eight: 91.55, written 91.5
SATISFIED = """\
# goal satisfied "Keep customers satisfied"
# 12 usable monthly cycles 2026-01..2026-12: worst 76.1% (2026-11-01), best 95.0% (2026-01-01)
# target >= 87.7  # conservative: met in 11 of 12 monthly cycles 2026-01..2026-12
target >= 90.7  # suggested: met in 10 of 12 monthly cycles 2026-01..2026-12
# target >= 91.5  # stretch: met in 8 of 12 monthly cycles 2026-01..2026-12
"""


def suggest(sample: Path, *args: str) -> tuple[int, str, str]:
    result = goalline(
        "suggest", str(sample / PLAN_NAME), "--db", str(sample / STORE_NAME),
        "--as-of", "2027-01-01", *args,
    )  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def test_a_plan_fragment_with_the_suggested_target_to_copy(sample: Path) -> None:
    assert suggest(sample, "--goal", "satisfied") == (0, SATISFIED, "")


def test_a_goal_with_too_little_history_gets_no_number(sample: Path) -> None:
    code, out, _ = suggest(sample, "--goal", "promoters")
    assert (code, out) == (
        0,
        '# goal promoters "Customers recommend us"\n'
        "# not enough history: 4 usable complete cycles, 6 needed: no target to suggest\n",
    )


def test_the_share_met_and_the_lookback_can_be_chosen(sample: Path) -> None:
    # 75% of twelve is 9: the ninth best, February's 91.362764, written 91.3, met by nine
    code, out, _ = suggest(sample, "--goal", "satisfied", "--met-in", "75%")
    assert code == 0
    assert "target >= 91.3  # suggested: met in 9 of 12 monthly cycles 2026-01..2026-12\n" in out
    # the last six months, best first: 94.20 93.84 93.76 93.67 90.77 76.10; 80% of six asks
    # five: 90.77, written 90.7
    code, out, _ = suggest(sample, "--goal", "satisfied", "--lookback", "6")
    assert "target >= 90.7  # suggested: met in 5 of 6 monthly cycles 2026-07..2026-12\n" in out


def test_json_for_tools(sample: Path) -> None:
    code, out, _ = suggest(sample, "--goal", "solved_for_good", "--format", "json")
    assert code == 0
    (found,) = json.loads(out)
    assert (found["goal"], found["better"], found["cycles"]) == ("solved_for_good", "lower", 12)
    assert (found["from"], found["to"], found["enough_history"]) == (
        "2026-01-01",
        "2026-12-31",
        True,
    )
    assert found["worst"]["start"] == "2026-11-01" and found["best"]["start"] == "2026-07-01"
    assert [(p["level"], p["target"], p["met"], p["of"]) for p in found["proposals"]] == [
        ("conservative", "<= 4.6", 11, 12),
        ("suggested", "<= 4.6", 11, 12),
        ("stretch", "<= 4.5", 9, 12),
    ]
    assert found["proposals"][1]["attainment"] == pytest.approx(11 / 12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--met-in", "120%"], "--met-in must be a share of cycles such as 80%, not '120%'"),
        (["--met-in", "most"], "--met-in must be a share of cycles such as 80%, not 'most'"),
        (["--lookback", "0"], "--lookback must be a number of cycles, 1 or more, not 0"),
        (["--goal", "satisfy"], None),
    ],
)
def test_bad_options_are_one_line(sample: Path, args: list[str], message: str | None) -> None:
    code, out, err = suggest(sample, *args)
    assert (code, out) == (2, "")
    if message is None:
        assert err.startswith("goalline: error: plan ") and "has no goal 'satisfy'" in err
        assert len(err.splitlines()) == 1
    else:
        assert err == f"goalline: error: {message}\n"
