"""The targets a goal's history supports (met in 90%, 80% and 60% of its usable cycles), and a
proposal tried on that history, worked out by hand here from hand-built results."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from dsl.engine.report import CycleResult, GoalResult
from dsl.engine.suggest import (
    ProposalCheck,
    Suggestion,
    Suggestions,
    check_proposal,
    format_value,
    suggest_target,
    suggestions,
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


TEN = [70.0, 75.0, 80.0, 85.0, 90.0, 95.0, 100.0, 105.0, 110.0, 120.0]


def levels(found: Suggestions) -> list[tuple[str, str, int, int]]:
    return [(p.level, p.target, p.met, p.of) for p in found.proposals]


def test_higher_is_better_proposes_what_90_80_and_60_percent_of_cycles_reached() -> None:
    # best first: 120 110 105 100 95 90 85 80 75 70; nine of ten reached 75, eight 80,
    # six 90
    found = suggestions(goal_result(TEN))
    assert levels(found) == [
        ("conservative", ">= 75", 9, 10),
        ("suggested", ">= 80", 8, 10),
        ("stretch", ">= 90", 6, 10),
    ]
    assert (found.worst and found.worst.value, found.best and found.best.value) == (70.0, 120.0)
    assert found.reason is None


def test_lower_is_better_proposes_what_the_cycles_stayed_under() -> None:
    # best first: 70 75 80 85 90 95 100 105 110 120; nine of ten stayed within 110,
    # eight within 105, six within 95
    found = suggestions(goal_result(TEN, better="lower", unit="min"))
    assert levels(found) == [
        ("conservative", "<= 110", 9, 10),
        ("suggested", "<= 105", 8, 10),
        ("stretch", "<= 95", 6, 10),
    ]
    assert (found.worst and found.worst.value, found.best and found.best.value) == (120.0, 70.0)


def test_the_suggested_share_and_the_lookback_can_be_chosen() -> None:
    # met in 70%: seven of ten reached 85
    assert levels(suggestions(goal_result(TEN), share=0.7))[1] == ("suggested", ">= 85", 7, 10)
    # the last six: 90 .. 120; 80% of six is 4.8, so five must reach it: 95
    assert levels(suggestions(goal_result(TEN), lookback=6))[1] == ("suggested", ">= 95", 5, 6)


def test_a_target_is_written_with_the_indicators_decimals_on_the_lenient_side() -> None:
    # nine of ten reached 74.6; with no decimals it is written 74, not 75, which the ninth
    # would miss; and lower-is-better rounds up: 105.2 within, written 106
    values = [70.0, 74.6, *TEN[2:]]
    assert levels(suggestions(goal_result(values, decimals=0)))[0] == (
        "conservative",
        ">= 74",
        9,
        10,
    )
    lower = [*TEN[:7], 105.2, 110.0, 120.0]
    found = suggestions(goal_result(lower, better="lower", decimals=0))
    assert levels(found)[1] == ("suggested", "<= 106", 8, 10)


def test_fewer_than_six_usable_cycles_are_not_enough_history() -> None:
    goal = goal_result([*TEN[:6], None], current=99.0)  # six with a value, one without
    thin = replace(goal.cycles[0], status="insufficient")  # too few answers: left out
    goal = replace(goal, cycles=(thin, *goal.cycles[1:]))
    found = suggestions(goal)
    assert found.proposals == ()
    assert found.reason == "not enough history: 5 usable complete cycles, 6 needed"
    assert suggest_target(goal) is None


def test_a_goal_without_better_or_with_a_running_total_gets_no_proposal() -> None:
    assert suggestions(goal_result(TEN, better=None)).reason == (
        "its indicator says neither side is better"
    )
    running = goal_result(TEN)
    cycles = tuple(
        cycle_result(c.index, c.value, expected=25.0 * (c.index + 1)) for c in running.cycles
    )
    assert suggestions(replace(running, cycles=cycles)).proposals == ()


def test_the_review_session_offers_the_same_suggested_figure() -> None:
    assert suggest_target(goal_result(TEN)) == Suggestion(
        80.0, "80%", "met in 8 of the last 10 complete monthly cycles"
    )
    found = suggest_target(goal_result(TEN, every="every 2 weeks", unit="tickets"))
    assert found is not None
    assert (found.text, found.how) == (
        "80 tickets",
        "met in 8 of the last 10 complete cycles of 2 weeks",
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
