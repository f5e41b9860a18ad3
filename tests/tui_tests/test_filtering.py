"""The scorecard's filter words, sort orders and trend bars, on hand-built goal results."""

from __future__ import annotations

from datetime import date

import pytest

from dsl.engine.report import CycleResult, GoalResult
from tui.filtering import arranged, matches
from tui.present import sparkline


def cycle(index: int, value: float | None) -> CycleResult:
    day = date(2026, index + 1, 1)
    return CycleResult(index, day, day, True, value, ">= 90", None, None, "met", "")


def goal(
    id: str, status: str, owner: str, lead: str | None, serves: str | None, attainment: float | None
) -> GoalResult:
    return GoalResult(
        id=id,
        title=f"The {id} goal",
        indicator=f"{id}_rate",
        unit="%",
        better="higher",
        owner=owner,
        lead=lead,
        with_=("tech",) if id == "c" else (),
        serves=serves,
        weight=1.0,
        cycle="monthly",
        status=status,
        attainment=attainment,
        cycles=(),
    )


GOALS = [
    goal("a", "met", "li_na", "support", "fast", 1.0),
    goal("b", "critical", "zhao_lei", "support", "happy", 0.5),
    goal("c", "warning", "li_na", "quality", "happy", None),
    goal("d", "no_data", "chen_jie", None, None, 0.75),
]


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("", ["b", "c", "d", "a"]),
        ("status:warning", ["c"]),
        ("status:WAR", ["c"]),
        ("owner:li", ["c", "a"]),
        ("team:tech", ["c"]),  # a team working with the lead counts
        ("team:support owner:li_na", ["a"]),
        ("objective:happy", ["b", "c"]),
        ("b_rate", ["b"]),
        ("THE", ["b", "c", "d", "a"]),
        ("unknown:x", []),  # not a field: a word that no goal has
    ],
)
def test_filter_words_must_all_hold(query: str, kept: list[str]) -> None:
    assert [g.id for g in arranged(GOALS, query, "attention")] == kept


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("attention", ["b", "c", "d", "a"]),
        ("goal", ["a", "b", "c", "d"]),
        ("owner", ["d", "c", "a", "b"]),
        ("team", ["c", "b", "a", "d"]),  # no team last
        ("attainment", ["b", "d", "a", "c"]),  # no attainment last
    ],
)
def test_sort_orders(sort: str, order: list[str]) -> None:
    assert [g.id for g in arranged(GOALS, "", sort)] == order


def test_matches_is_case_blind() -> None:
    assert matches(GOALS[0], "STATUS:MET OWNER:LI_NA")


def test_sparkline_scales_from_lowest_to_highest_and_leaves_gaps() -> None:
    cycles = tuple(cycle(i, v) for i, v in enumerate([80, 90, None, 100, 85]))
    assert sparkline(cycles) == "▁▅ █▃"


def test_sparkline_of_equal_values_and_of_nothing() -> None:
    assert sparkline(tuple(cycle(i, 5.0) for i in range(3))) == "▁▁▁"
    assert sparkline(tuple(cycle(i, None) for i in range(3))) == ""


def test_sparkline_shows_the_last_twelve_cycles() -> None:
    cycles = tuple(cycle(i % 12, float(i)) for i in range(20))
    assert len(sparkline(cycles)) == 12
