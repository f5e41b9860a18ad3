"""The suggested next target: the level a goal reached in three cycles out of four over its last
twelve complete cycles with a value, computed by hand here from hand-built results."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from dsl.engine.report import CycleResult, GoalResult
from dsl.engine.suggest import (
    ProposalCheck,
    Suggestion,
    check_proposal,
    format_value,
    suggest_target,
)


def cycle_result(
    index: int, value: float | None, complete: bool = True, expected: float | None = None
) -> CycleResult:
    start = date(2025, 1, 1) + timedelta(days=31 * index)
    return CycleResult(
        index=index,
        start=start,
        end=start + timedelta(days=30),
        complete=complete,
        value=value,
        target=">= 90",
        expected=expected,
        pace=None,
        status="met",
        reason="",
    )


def goal_result(
    values: list[float | None],
    *,
    better: str | None = "higher",
    unit: str | None = "%",
    decimals: int | None = None,
    every: str = "monthly",
    current: float | None = None,
) -> GoalResult:
    cycles = [cycle_result(i, v) for i, v in enumerate(values)]
    if current is not None:  # the cycle under way, not complete
        cycles.append(cycle_result(len(cycles), current, complete=False))
    return GoalResult(
        id="satisfied",
        title="Keep customers satisfied",
        indicator="csat",
        unit=unit,
        better=better,
        owner="mia",
        lead=None,
        with_=(),
        serves=None,
        weight=1.0,
        cycle=every,
        status="met",
        attainment=1.0,
        cycles=tuple(cycles),
        decimals=decimals,
    )


def test_higher_is_better_suggests_the_25th_percentile() -> None:
    # sorted 70 80 90 100; rank (4 - 1) * 0.25 = 0.75: 70 + 0.75 * (80 - 70)
    assert suggest_target(goal_result([90, 80, 100, 70])) == Suggestion(
        77.5,
        "77.5%",
        "reached in 3 of 4 of the last 4 complete monthly cycles"
        " (the 25th percentile of their values)",
    )


def test_lower_is_better_suggests_the_75th_percentile() -> None:
    # sorted 70 80 90 100; rank (4 - 1) * 0.75 = 2.25: 90 + 0.25 * (100 - 90)
    found = suggest_target(
        goal_result([90, 80, 100, 70], better="lower", unit="min", every="weekly")
    )
    assert found == Suggestion(
        92.5,
        "92.5 min",
        "reached in 3 of 4 of the last 4 complete weekly cycles"
        " (the 75th percentile of their values)",
    )


def test_only_the_last_twelve_complete_cycles_with_a_value_count() -> None:
    # 1..14, a cycle with no value and the current cycle: the last twelve with a value are
    # 3..14; rank 11 * 0.25 = 2.75 over 3 4 5 6 ...: 5 + 0.75 * (6 - 5) = 5.75
    found = suggest_target(
        goal_result([*range(1, 9), None, *range(9, 15)], unit="tickets", decimals=0, current=100)
    )
    assert found == Suggestion(
        5.75,
        "6 tickets",
        "reached in 3 of 4 of the last 12 complete monthly cycles"
        " (the 25th percentile of their values)",
    )


def test_three_cycles_are_enough_and_two_are_not() -> None:
    found = suggest_target(goal_result([30, 10, 20]))  # rank 0.5: 10 + 0.5 * (20 - 10)
    assert found is not None and (found.value, found.text) == (15.0, "15%")
    assert suggest_target(goal_result([30, 10, None], current=20)) is None
    assert suggest_target(goal_result([])) is None


def test_a_goal_without_better_gets_no_suggestion() -> None:
    assert suggest_target(goal_result([90, 80, 100, 70], better=None)) is None


def test_a_running_total_gets_no_suggestion() -> None:
    running = goal_result([10, 20, 30, 40])
    cycles = tuple(
        cycle_result(c.index, c.value, expected=25.0 * (c.index + 1)) for c in running.cycles
    )
    assert suggest_target(replace(running, cycles=cycles)) is None


def test_cycles_of_several_units_are_named_by_their_length() -> None:
    found = suggest_target(goal_result([1, 2, 3], every="every 2 weeks"))
    assert found is not None
    assert found.how == (
        "reached in 3 of 4 of the last 3 complete cycles of 2 weeks"
        " (the 25th percentile of their values)"
    )


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (92.0, "%", None, "92%"),
        (91.213952, "%", None, "91.21%"),
        (20000.456, "tickets", None, "20000.46 tickets"),
        (4.45, "h", 3, "4.450 h"),
        (-0.001, None, None, "0"),
        (-0.4, "points", 0, "0 points"),
        (-12.5, "points", None, "-12.5 points"),
    ],
)
def test_a_value_is_shown_with_the_indicators_decimals_or_up_to_two_and_its_unit(
    value: float, unit: str | None, decimals: int | None, text: str
) -> None:
    assert format_value(value, goal_result([], unit=unit, decimals=decimals)) == text


# ---------------------------------------------------------------- a proposal tried on the past


def test_a_proposal_is_tried_on_the_complete_cycles_that_count() -> None:
    goal = goal_result([80.0, 92.0, 95.0, None, 91.0, 89.5], current=99.0)
    thin = replace(goal.cycles[5], status="insufficient")  # too few answers: left out
    goal = replace(goal, cycles=(*goal.cycles[:5], thin, goal.cycles[6]))
    check = check_proposal(goal, ">= 91")
    assert check == ProposalCheck(None, 3, 4)  # 92, 95, 91 of 80, 92, 95, 91
    assert check.text == "met in 3 of the last 4 complete cycles (75%)"
    assert check_proposal(goal, ">91") == ProposalCheck(None, 2, 4)
    assert check_proposal(goal, "  ") is None


def test_a_proposal_that_points_the_wrong_way_is_a_warning() -> None:
    goal = goal_result([3.5, 4.5, 4.0, 5.0], better="lower")
    goal = replace(goal, cycles=tuple(replace(c, target="<= 4") for c in goal.cycles))
    check = check_proposal(goal, ">= 90")
    assert check is not None
    assert check.warning == (
        "points the wrong way: lower is better for this goal (its target is <= 4),"
        " so >= 90 would count worse values as met"
    )
    assert (check.met, check.cycles) == (0, 4)
    assert check_proposal(goal, "<= 4.5 h") == ProposalCheck(None, 3, 4)


def test_text_that_is_not_a_target_is_said() -> None:
    check = check_proposal(goal_result([90.0, 91.0, 92.0]), "about 92")
    assert check == ProposalCheck(
        "not a target: write it as a comparison, such as >= 92 or <= 4", 0, 0
    )
    assert check.text == "no complete cycle to try it on"
