"""`goalline evaluate --format table`: the exact text, 80 columns whatever the ids, titles
and scripts, colour only on a terminal (and never with NO_COLOR), and the default format on
a terminal and on a pipe. The plan, its rows and the expected table are in conftest.py."""

from __future__ import annotations

import json

import pytest

from ...helpers import clean_env, goalline_process
from .conftest import ANSI, AS_OF, PLAN, TABLE, Desk, columns, expected_report, goalline_on_terminal


def test_table_exact_text(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "table")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == TABLE


LONG_PLAN = (
    PLAN.replace(
        "goal busy ", "goal answer_a_remarkably_large_number_of_tickets_every_single_month "
    )
    .replace(
        '"Answer enough tickets"',
        '"Answer a remarkably large number of tickets every single month, whatever happens"',
    )
    .replace("milestone kiosk", "milestone open_the_self_service_kiosk_in_every_branch_office")
    .replace(
        'person bob "Bob Marsh"', 'person bob_with_a_long_identifier "Bob Marsh-Featherstonehaugh"'
    )
    .replace("lead bob", "lead bob_with_a_long_identifier")
    .replace("owner      bob", "owner      bob_with_a_long_identifier")
    .replace("owner   bob", "owner   bob_with_a_long_identifier")
)


def test_table_fits_80_columns_with_long_ids_and_titles(desk: Desk) -> None:
    plan = desk.variant("long.goal", LONG_PLAN)
    result = desk.evaluate("--as-of", AS_OF, "--format", "table", plan=plan)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert [line for line in lines if columns(line) > 80] == []
    # long cells are cut with an ellipsis, and the columns still line up
    assert lines[4:7] == [
        "STATUS    GOAL              LATEST     TARGET  ATTAINED  OWNER",
        "breached  answer_a_remark…  1 tickets  >= 3    33%       ann",
        "met       quick             8 min      <= 10   67%       bob_with_…",
    ]
    assert lines[-1].startswith("2026-04-01  answer_a_remarkably_large_number_of_tickets")
    assert lines[-1].endswith("…")


CJK_PLAN = (
    PLAN.replace("goal busy ", "goal 每个月都要回答足够多的客户工单并且保持服务质量 ")
    .replace("milestone kiosk", "milestone 在每一个分公司的营业厅开设自助服务终端")
    .replace('person bob "Bob Marsh"', 'person 鲍勃马什先生是一个名字非常长的人 "鲍勃"')
    .replace("lead bob", "lead 鲍勃马什先生是一个名字非常长的人")
    .replace("owner      bob", "owner      鲍勃马什先生是一个名字非常长的人")
    .replace("owner   bob", "owner   鲍勃马什先生是一个名字非常长的人")
)


@pytest.mark.parametrize(
    ("name", "text", "args"),
    [
        pytest.param(
            "long-title.goal",
            PLAN.replace(
                '"Help desk 2026"',
                '"The help desk of the north-western region: its service goals for the first half of 2026"',
            ),
            (),
            id="long-plan-title",
        ),
        pytest.param(
            "perfect.goal",
            PLAN,
            ("--goal", "quick", "--as-of", "2026-02-01"),
            id="score-100-percent",
        ),
        pytest.param(
            "cjk.goal",
            CJK_PLAN,
            (),
            id="cjk-ids",
        ),
    ],
)
def test_table_fits_80_columns_in_harder_cases(
    desk: Desk, name: str, text: str, args: tuple[str, ...]
) -> None:
    plan = desk.variant(name, text)
    result = desk.evaluate("--as-of", AS_OF, "--format", "table", *args, plan=plan)
    assert (result.exit_code, result.stderr) == (0, "")
    too_wide = [line for line in result.stdout.splitlines() if columns(line) > 80]
    assert too_wide == []


COLOURED = (
    TABLE.replace("breached  busy", "\x1b[31mbreached\x1b[0m  busy")
    .replace("met       quick", "\x1b[32mmet     \x1b[0m  quick")
    .replace("late    kiosk", "\x1b[33mlate  \x1b[0m  kiosk")
)


def test_table_is_the_default_on_a_terminal_and_coloured(desk: Desk) -> None:
    code, out, err = goalline_on_terminal(
        "evaluate",
        "plan.goal",
        "--db",
        "store.db",
        "--as-of",
        AS_OF,
        cwd=desk.folder,
        env=clean_env(),
    )
    assert (code, err) == (0, "")
    assert out == COLOURED
    assert ANSI.sub("", out) == TABLE


def test_no_colour_on_a_terminal_when_NO_COLOR_is_set(desk: Desk) -> None:
    code, out, err = goalline_on_terminal(
        "evaluate",
        "plan.goal",
        "--db",
        "store.db",
        "--as-of",
        AS_OF,
        "--format",
        "table",
        cwd=desk.folder,
        env=clean_env(NO_COLOR="1"),
    )
    assert (code, err) == (0, "")
    assert out == TABLE


def test_no_ansi_escapes_when_not_a_terminal(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--as-of", AS_OF, "--format", "table",
        cwd=desk.folder,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == TABLE
    assert "\x1b" not in done.stdout


def test_default_format_is_json_when_stdout_is_not_a_terminal(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--as-of", AS_OF, cwd=desk.folder
    )
    assert (done.returncode, done.stderr) == (0, "")
    # the plan's file is named as the user gave it
    assert json.loads(done.stdout) == expected_report("plan.goal")
    # and in-process, where standard output is not a terminal either
    assert json.loads(desk.evaluate("--as-of", AS_OF).stdout) == expected_report(str(desk.plan))


def test_a_goal_without_data_in_its_latest_cycle_shows_its_last_value(desk: Desk) -> None:
    """As of June 1, May has no ticket: quick's mean wait has no value, and the table says
    where the goal last stood (April: ticket 8 waited 4 minutes) rather than a bare "-".
    busy's May counts 0: the data had begun, so 0 is its value."""
    result = desk.evaluate("--as-of", "2026-06-01", "--format", "table")
    assert result.stdout.splitlines()[4:9] == [
        "STATUS    GOAL   LATEST     TARGET  ATTAINED  OWNER",
        "critical  busy   0 tickets  >= 3    20%       ann",
        "no_data   quick  -          <= 10   60%       bob",
        "",
        "quick: no data since 2026-05-01; last 4 min, met, cycle of 04-01",
    ]
