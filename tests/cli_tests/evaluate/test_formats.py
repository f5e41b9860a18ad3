"""`goalline evaluate --format json|toml|csv` on the help-desk plan: the whole JSON document
of interface.md, the same content in TOML without nulls, one CSV row per goal cycle, and
`--goal` narrowing the report. The plan, its rows and the expected report are in
conftest.py."""

from __future__ import annotations

import csv
import io
import json
import tomllib

from dsl.cli.main import Exit

from .conftest import AS_OF, BUSY, ESCALATION, KIOSK, QUICK, Desk, expected_report, without_nulls


def test_json_report_is_the_whole_document_of_interface_md(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == expected_report(str(desk.plan))
    assert result.stdout.endswith("}\n")


def test_as_of_given_in_utc_is_shown_with_the_plans_offset(desk: Desk) -> None:
    result = desk.evaluate("--as-of", "2026-03-31T16:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected_report(str(desk.plan))


def test_goal_option_narrows_goals_and_score(desk: Desk) -> None:
    quick = json.loads(
        desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "quick").stdout
    )
    assert quick["goals"] == [QUICK]
    assert quick["score"] == 0.666667  # quick's attainment alone
    assert quick["escalations"] == []  # busy's escalation goes with busy
    assert quick["milestones"] == [KIOSK]

    busy = json.loads(desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "busy").stdout)
    assert (busy["goals"], busy["score"], busy["escalations"]) == ([BUSY], 0.333333, [ESCALATION])

    both = desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "busy", "--goal", "quick")
    assert json.loads(both.stdout) == expected_report(str(desk.plan))


def test_unknown_goal_option_exits_2_with_did_you_mean(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--goal", "bussy")
    assert result.exit_code == Exit.CANNOT_RUN == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"goalline: error: plan {desk.plan} has no goal 'bussy' (did you mean 'busy'?)\n"
    )


def test_toml_parses_back_to_the_json_content_without_nulls(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "toml")
    assert (result.exit_code, result.stderr) == (0, "")
    parsed = tomllib.loads(result.stdout)
    assert parsed == without_nulls(expected_report(str(desk.plan)))
    # the nulls are left out, not written as empty strings or zeros
    assert "lead" not in parsed["goals"][1]
    assert "value" not in parsed["goals"][1]["cycles"][3]
    assert "expected" not in parsed["goals"][0]["cycles"][0]


def test_csv_has_one_row_per_goal_cycle(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "goal,indicator,cycle_start,cycle_end,complete,value,target,expected,pace,status,sample,unit\n"
        "busy,answered,2026-01-01,2026-01-31,true,3,>= 3,,,warning,,tickets\n"
        "busy,answered,2026-02-01,2026-02-28,true,2,>= 3,,,breached,,tickets\n"
        "busy,answered,2026-03-01,2026-03-31,true,1,>= 3,,,breached,,tickets\n"
        "busy,answered,2026-04-01,2026-04-30,false,0,>= 3,,,critical,,tickets\n"
        "quick,wait,2026-01-01,2026-01-31,true,6,<= 10,,,met,,min\n"
        "quick,wait,2026-02-01,2026-02-28,true,13,<= 10,,,breached,,min\n"
        "quick,wait,2026-03-01,2026-03-31,true,8,<= 10,,,met,,min\n"
        "quick,wait,2026-04-01,2026-04-30,false,,<= 10,,,no_data,,min\n"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(BUSY["cycles"]) + len(QUICK["cycles"])
