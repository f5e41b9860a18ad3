"""`goalline explain`: the exact text for a chosen cycle (where the value comes from, the
measure, the target and thresholds in force, the status and why, the query that ran with
its parameters), the default cycle, and the cycles that cannot be explained."""

from __future__ import annotations

import pytest

from .conftest import APR_1, AS_OF, FEB_1, JAN_1, MAR_1, Desk


def sql_lines(aggregate: str, select: str, tallies: str, read: str) -> str:
    """The query block `explain` prints for one indicator of the help-desk plan: the
    aggregate, then what it read (`tallies`: the rows its condition kept, or those with a
    value; `read`, the same as the outer query returns them)."""
    return (
        "The query that ran (SQLite), once for every cycle of this layout:\n"
        f"  WITH s0 AS (SELECT c.idx AS idx, {aggregate} AS a0, count(*) AS n{tallies}"
        " FROM temp.goalline_cycles AS c"
        ' CROSS JOIN "tickets" AS t WHERE t."created_at" >= c.lo AND t."created_at" < c.hi'
        " GROUP BY c.idx)\n"
        f"  SELECT c.idx, {select}, coalesce(s0.n, 0), {read}, NULL\n"
        "  FROM (SELECT DISTINCT idx FROM temp.goalline_cycles) AS c\n"
        "  LEFT JOIN s0 ON s0.idx = c.idx\n"
        "  ORDER BY c.idx\n"
    )


# The cycle bounds of the help-desk plan as of 2026-04-01: January .. March, and April, which
# has started and is cut at the evaluation time (lo = hi).
BOUNDS = (
    "after loading the cycles into temp.goalline_cycles (idx, lo, hi; Asia/Shanghai):\n"
    f"  (0, {JAN_1}, {FEB_1})  2026-01-01 00:00 .. 2026-02-01 00:00\n"
    f"  (1, {FEB_1}, {MAR_1})  2026-02-01 00:00 .. 2026-03-01 00:00\n"
    f"  (2, {MAR_1}, {APR_1})  2026-03-01 00:00 .. 2026-04-01 00:00\n"
    f"  (3, {APR_1}, {APR_1})  2026-04-01 00:00 .. 2026-04-01 00:00\n"
)

EXPLAIN_BUSY_JANUARY = (
    "Goal 'busy' (\"Answer enough tickets\") is tracked monthly on indicator 'answered'"
    ' ("Tickets answered").\n'
    "This is the cycle 2026-01-01 .. 2026-01-31, which is complete.\n"
    "Its value comes from the rows whose time falls from 2026-01-01 00:00 to 2026-02-01 00:00"
    " (Asia/Shanghai): 4 rows of tickets.\n"
    'The measure is count(tickets where status = "answered"); count(tickets where status ='
    ' "answered") gave 3 (3 of 4 rows matched its condition); so the value is 3 tickets.\n'
    "The target in force is >= 3; the thresholds are warn < 4 and critical < 1.\n"
    "The status is warning: the value 3 meets warn < 4.\n"
    "\n"
    + sql_lines(
        'count(*) FILTER(WHERE t."status" = ?)',
        "coalesce(s0.a0, 0)",
        "",  # the count of the rows its condition kept is the value itself
        "coalesce(s0.a0, 0), coalesce(s0.a0, 0)",
    )
    + BOUNDS
    + "with the parameters ['answered']\n"
)


def test_explain_exact_text_for_a_chosen_cycle(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-01-20")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EXPLAIN_BUSY_JANUARY
    # any day of the cycle picks it, its first and its last included
    for day in ("2026-01-01", "2026-01-31"):
        assert desk.explain("busy", "--as-of", AS_OF, "--cycle", day).stdout == EXPLAIN_BUSY_JANUARY


def test_explain_a_mean_without_thresholds(desk: Desk) -> None:
    result = desk.explain("quick", "--as-of", AS_OF, "--cycle", "2026-02-14")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Goal 'quick' (\"Short waits\") is tracked monthly on indicator 'wait' (\"Wait time\").\n"
        "This is the cycle 2026-02-01 .. 2026-02-28, which is complete.\n"
        "Its value comes from the rows whose time falls from 2026-02-01 00:00 to 2026-03-01 00:00"
        " (Asia/Shanghai): 2 rows of tickets.\n"
        "The measure is mean(tickets.wait_min); mean(tickets.wait_min) gave 13;"
        " so the value is 13 min.\n"
        "The target in force is <= 10; there are no thresholds.\n"
        "The status is breached: the value 13 misses the target <= 10.\n"
        "\n"
        + sql_lines(
            'avg(t."wait_min")',
            "s0.a0",
            ', count(t."wait_min") AS v0',
            "coalesce(s0.n, 0), coalesce(s0.v0, 0)",
        )
        + BOUNDS
        + "with the parameters []\n"
    )


def test_explain_defaults_to_the_last_complete_cycle(desk: Desk) -> None:
    default = desk.explain("busy", "--as-of", AS_OF)
    assert (default.exit_code, default.stderr) == (0, "")
    assert "This is the cycle 2026-03-01 .. 2026-03-31, which is complete.\n" in default.stdout
    assert "The status is breached: the value 1 misses the target >= 3.\n" in default.stdout
    assert default.stdout == desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-03-09").stdout
    # the current cycle can be asked for by a date in it
    current = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-04-01")
    assert (
        "This is the cycle 2026-04-01 .. 2026-04-30, which is not complete yet.\n" in current.stdout
    )
    assert "The status is critical: the value 0 meets critical < 1.\n" in current.stdout


def test_explain_with_no_complete_cycle_shows_the_current_one(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", "2026-01-15")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:6] == [
        "This is the cycle 2026-01-01 .. 2026-01-31, which is not complete yet.",
        "Its value comes from the rows whose time falls from 2026-01-01 00:00 to 2026-01-15 00:00"
        " (Asia/Shanghai): 3 rows of tickets.",
        'The measure is count(tickets where status = "answered"); count(tickets where status ='
        ' "answered") gave 3; so the value is 3 tickets.',  # the 3 rows so far all matched
        "The target in force is >= 3; the thresholds are warn < 4 and critical < 1.",
        "The status is warning: the value 3 meets warn < 4.",
    ]
    jan_15 = JAN_1 + 14 * 86400
    assert result.stdout.endswith(
        "after loading the cycles into temp.goalline_cycles (idx, lo, hi; Asia/Shanghai):\n"
        f"  (0, {JAN_1}, {jan_15})  2026-01-01 00:00 .. 2026-01-15 00:00\n"
        "with the parameters ['answered']\n"
    )


def test_explain_says_one_row_in_the_singular(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-03-09")
    assert result.exit_code == 0
    assert "(Asia/Shanghai): 1 row of tickets.\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # after the evaluation time
        (
            ("--cycle", "2026-05-15"),
            "the cycle of goal 'busy' with 2026-05-15 has not started by the evaluation time",
        ),
        # before the plan's period
        (
            ("--cycle", "2025-12-15"),
            "2025-12-15 is outside the plan period 2026-01-01 .. 2026-06-30",
        ),
        (("--cycle", "2026-4-15"), "'2026-4-15' is not a date; write it as 2026-06-15"),
        (("--cycle", "soon"), "'soon' is not a date; write it as 2026-06-15"),
    ],
)
def test_explain_cycle_that_does_not_exist_exits_2(
    desk: Desk, args: tuple[str, ...], message: str
) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"goalline: error: {message}\n"


def test_explain_before_any_cycle_has_started_exits_2(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", "2025-12-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "goalline: error: no cycle of goal 'busy' has started by the evaluation time\n"
    )


def test_explain_unknown_goal_exits_2(desk: Desk) -> None:
    result = desk.explain("bussy", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"goalline: error: plan {desk.plan} has no goal 'bussy' (did you mean 'busy'?)\n"
    )
