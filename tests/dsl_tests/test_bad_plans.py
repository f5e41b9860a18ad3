"""Bad plans: one small plan per problem, and the exact diagnostics a service manager sees.

Each file in tests/fixtures/bad/ is a small valid plan with one thing broken (a few break
several things, to show that one run reports every error). The tables below give, for each
file, every diagnostic headline `FILE:LINE:COL: severity: message [CODE]` in the order the
checker reports them; paths are shown relative to tests/fixtures/bad/. `WANTED` holds the
cases where the checker's current answer is wrong or unhelpful (none at the moment): the
headlines written there are the ones it should give, and the tests are expected to fail
until it does.
"""

from __future__ import annotations

import re

import pytest

from dsl.api import Checked, check_plan
from dsl.language.diagnostics import render

from ..helpers import REPO, goalline_process

PREFIX = "tests/fixtures/bad/"
BAD = REPO / PREFIX

EXPECTED: dict[str, list[str]] = {
    "empty.goal": [
        'empty.goal:1:1: error: there is no plan block: add plan "Title" { period ... } [E206]',
    ],
    "no_plan_block.goal": [
        'no_plan_block.goal:1:1: error: there is no plan block: add plan "Title" { period ... } [E206]',
    ],
    "literal_bad_period_date.goal": [
        "literal_bad_period_date.goal:3:27: error: '2026-02-30' is not a date that exists [E102]",
    ],
    "syntax_unclosed_block.goal": [
        "syntax_unclosed_block.goal:9:1: error: unexpected 'person': person 'wang_fang' is not closed; add '}' before this line [E101]",
    ],
    "syntax_percent_sign.goal": [
        "syntax_percent_sign.goal:29:19: error: unexpected '%': write the number alone, such as target >= 90, and give the unit on the indicator, such as unit \"%\" [E101]",
    ],
    "syntax_fat_arrow_in_condition.goal": [
        "syntax_fat_arrow_in_condition.goal:23:44: error: unexpected '=>': did you mean '>='? [E101]",
    ],
    "syntax_missing_operator.goal": [
        "syntax_missing_operator.goal:23:50: error: an operator is missing before 'count(': join the parts of a measure with +, -, * or / [E101]",
    ],
    "measure_unknown_function.goal": [
        "measure_unknown_function.goal:23:12: error: unknown function 'avg' (did you mean 'mean'?) [E311]",
    ],
    "attribute_twice.goal": [
        "attribute_twice.goal:33:3: error: 'owner' is given twice in goal 'satisfied' (first on"
        " line 31) [E203]",
    ],
    "date_milestone_due_outside_period.goal": [
        "date_milestone_due_outside_period.goal:38:3: error: the due date of milestone 'chatbot',"
        " 2025-12-15, is outside the plan period 2026-01-01 .. 2026-12-31 [E301]",
    ],
    "date_target_from_outside_period.goal": [
        "date_target_from_outside_period.goal:30:3: error: the 'from' date of a target,"
        " 2027-03-01, is outside the plan period 2026-01-01 .. 2026-12-31 [E301]",
    ],
    "duplicate_across_kinds.goal": [
        "duplicate_across_kinds.goal:37:6: error: 'satisfied' is already declared: a goal at line"
        " 26 [E201]",
    ],
    "duplicate_person.goal": [
        "duplicate_person.goal:9:8: error: 'wang_fang' is already declared: a person at line 8"
        " [E201]",
    ],
    "include_cycle.goal": [
        "includes/back_and_forth.goal:2:1: error: include cycle: include_cycle.goal includes"
        " back_and_forth.goal includes include_cycle.goal [E103]",
    ],
    "include_duplicate.goal": [
        "include_duplicate.goal:10:8: error: 'wang_fang' is already declared: a person at"
        " tests/fixtures/bad/includes/duplicate_person.goal:2:8 [E201]",
    ],
    "include_itself.goal": [
        "include_itself.goal:8:1: error: include cycle: include_itself.goal includes"
        " include_itself.goal [E103]",
    ],
    "include_missing_file.goal": [
        "include_missing_file.goal:8:1: error: cannot include 'includes/shared-peopel.goal': No"
        " such file or directory [E103]",
    ],
    "include_not_utf8.goal": [
        "includes/latin1.goal:2:29: error: this file is not UTF-8 text (byte 0xe9 cannot be"
        " read): save it as UTF-8 [E100]",
    ],
    "include_with_syntax_error.goal": [
        "includes/syntax_error.goal:2:38: error: unknown attribute 'emial' in person 'director'"
        " (did you mean 'email'?); expected '}', 'email' or 'note' [E101]",
    ],
    "literal_bad_date.goal": [
        "literal_bad_date.goal:30:25: error: '2026-02-30' is not a date that exists [E102]",
    ],
    "literal_fractional_decimals.goal": [
        "literal_fractional_decimals.goal:22:12: error: decimals must be a whole number, not 1.5"
        " [E102]",
    ],
    "literal_unknown_escape.goal": [
        "literal_unknown_escape.goal:26:16: error: unknown escape '\\q' in a string;"
        ' use \\" \\\\ \\n or \\t [E102]',
    ],
    "measure_column_outside_aggregate.goal": [
        "measure_column_outside_aggregate.goal:23:12: error: surveys.score is a column: put it"
        " inside an aggregate, such as sum(surveys.score) [E310]",
    ],
    "measure_misspelt_function.goal": [
        "measure_misspelt_function.goal:23:12: error: unknown function 'medain'"
        " (did you mean 'median'?) [E311]",
    ],
    "measure_nested_aggregate.goal": [
        "measure_nested_aggregate.goal:23:16: error: an aggregate cannot contain another (count):"
        " compute each on its own and combine them, as in sum(tickets.minutes) / count(tickets)"
        " [E313]",
    ],
    "measure_two_sources.goal": [
        "measure_two_sources.goal:27:12: error: one aggregate reads one source, but this one reads"
        " 'surveys' and 'tickets' [E312]",
    ],
    "syntax_column_in_double_quotes.goal": [
        'syntax_column_in_double_quotes.goal:24:25: error: unexpected text "Satisfaction Score": a'
        " column or table name with spaces or other signs goes in backquotes, such as"
        " `Satisfaction Score` [E101]",
    ],
    "syntax_column_in_single_quotes.goal": [
        'syntax_column_in_single_quotes.goal:24:25: error: unexpected "\'": a column or table'
        " name with spaces or other signs goes in backquotes, such as `Satisfaction Score` [E101]",
    ],
    "format_unreadable.goal": [
        "format_unreadable.goal:17:3: error: the format of 'Answered at', \"%d/%m/%Y %Q\", cannot"
        " be read: it is not a strptime format ('Q' is a bad directive in format '%d/%m/%Y %Q')"
        " [E330]",
        "format_unreadable.goal:19:3: error: column 'answered at' is given two formats in source"
        " 'surveys' (first on line 17) [E203]",
    ],
    "measure_unknown_aggregate.goal": [
        "measure_unknown_aggregate.goal:23:13: error: unknown aggregate 'average'; recorded"
        " values combine with mean, sum, min, max, median, last, first, count [E311]",
    ],
    "measure_with_aggregate.goal": [
        "measure_with_aggregate.goal:23:13: error: indicator 'csat' has a measure: 'aggregate'"
        " only applies to recorded indicators (those without a measure) [E314]",
    ],
    "milestone_circle.goal": [
        "milestone_circle.goal:37:11: error: milestones depend on each other in a circle: design"
        " comes after launch comes after design [E322]",
    ],
    "milestone_rules_on_goal.goal": [
        "milestone_rules_on_goal.goal:39:3: error: 'when in buffer' applies to milestones, but"
        " escalation 'late_delivery' is used by goal 'satisfied' [E320]",
        "milestone_rules_on_goal.goal:40:3: error: 'when overdue' applies to milestones, but"
        " escalation 'late_delivery' is used by goal 'satisfied' [E320]",
    ],
    "missing_goal_owner.goal": [
        "missing_goal_owner.goal:26:6: error: goal 'satisfied' needs 'owner PERSON' [E202]",
    ],
    "missing_goal_target.goal": [
        "missing_goal_target.goal:26:6: error: goal 'satisfied' needs a target, such as target >="
        " 90 [E202]",
    ],
    "missing_indicator_better.goal": [
        "missing_indicator_better.goal:19:11: error: indicator 'csat' needs 'better higher|lower'"
        " [E202]",
    ],
    "missing_milestone_due.goal": [
        "missing_milestone_due.goal:37:11: error: milestone 'chatbot' needs 'due DATE' [E202]",
    ],
    "missing_period.goal": [
        "missing_period.goal:2:1: error: the plan has no period: add period 2026-01-01 .."
        " 2026-12-31 [E202]",
    ],
    "missing_runbook_step.goal": [
        "missing_runbook_step.goal:37:9: error: runbook 'response_plan' needs at least one step,"
        ' such as step "Open the overflow queue" by support within 30m [E202]',
    ],
    "missing_source_time.goal": [
        "missing_source_time.goal:15:8: error: source 'surveys' needs 'time COLUMN' [E202]",
    ],
    "not_utf8.goal": [
        "not_utf8.goal:8:25: error: this file is not UTF-8 text (byte 0xe4 cannot be read):"
        " save it as UTF-8 [E100]",
    ],
    "notify_lead_without_lead_team.goal": [
        "notify_lead_without_lead_team.goal:34:14: error: escalation 'standard' notifies the lead"
        " of goal 'satisfied', which has no lead team [E321]",
    ],
    "pace_on_level_goal.goal": [
        "pace_on_level_goal.goal:33:3: error: 'warn pace' applies to progress targets (target ..."
        " by DATE); goal 'satisfied' has a level target [E305]",
    ],
    "period_end_before_start.goal": [
        "period_end_before_start.goal:3:3: error: the period ends (2026-01-01) before it starts"
        " (2026-12-31) [E302]",
    ],
    "progress_and_level_targets.goal": [
        "progress_and_level_targets.goal:30:3: error: goal 'satisfied' mixes a progress target"
        " (with 'by') and level targets [E307]",
    ],
    "range_low_above_high.goal": [
        "range_low_above_high.goal:29:3: error: 'between 95 and 90': the low end is above the high"
        " end [E307]",
    ],
    "several_errors.goal": [
        "several_errors.goal:4:3: error: unknown time zone 'Asia/Shangai' (did you mean"
        " 'Asia/Shanghai'?) [E303]",
        "several_errors.goal:28:14: error: unknown indicator 'cast' (did you mean 'csat'?) [E204]",
        "several_errors.goal:31:14: error: 'support' is a team, but the owner of goal 'satisfied'"
        " must be a person [E205]",
        "several_errors.goal:33:3: error: 'warn pace' applies to progress targets (target ... by"
        " DATE); goal 'satisfied' has a level target [E305]",
    ],
    "syntax_binary_garbage.goal": [
        "syntax_binary_garbage.goal:8:1: error:"
        " unexpected '\\x00\\x01\\x02\\x7fELF\\x00\\x00'; expected 'calendar', 'escalation', 'exclude', 'goal',"
        " 'include', 'indicator', 'milestone', 'objective', 'person', 'plan', 'runbook',"
        " 'source' or 'team' [E101]",
    ],
    "syntax_fat_arrow.goal": [
        "syntax_fat_arrow.goal:29:14: error: unexpected '=>': did you mean '>='? [E101]",
    ],
    "syntax_missing_closing_brace.goal": [
        "syntax_missing_closing_brace.goal:34:18: error: the file ends inside goal 'satisfied': a"
        " closing '}' is missing [E101]",
    ],
    "syntax_missing_comparator.goal": [
        "syntax_missing_comparator.goal:29:14: error: unexpected number 90; expected a comparison"
        " such as >= 90 or 'between' [E101]",
    ],
    "syntax_misspelt_attribute.goal": [
        "syntax_misspelt_attribute.goal:31:3: error: unknown attribute 'ownr' in goal 'satisfied'"
        " (did you mean 'owner'?); expected '}', 'baseline', 'critical', 'cycle', 'escalation',"
        " 'indicator', 'lead', 'note', 'owner', 'serves', 'target', 'warn', 'weight', 'window' or"
        " 'with' [E101]",
    ],
    "syntax_misspelt_cycle.goal": [
        "syntax_misspelt_cycle.goal:30:14: error: unexpected 'montly' (did you mean 'monthly'?);"
        " expected 'daily', 'every', 'monthly', 'quarterly', 'weekly' or 'yearly' [E101]",
    ],
    "syntax_misspelt_declaration.goal": [
        "syntax_misspelt_declaration.goal:19:1: error: unknown declaration 'indicatr' (did you"
        " mean 'indicator'?); expected 'calendar', 'escalation', 'exclude', 'goal', 'include', 'indicator',"
        " 'milestone', 'objective', 'person', 'plan', 'runbook', 'source', 'team' or the end of the file [E101]",
    ],
    "syntax_month_duration.goal": [
        "syntax_month_duration.goal:31:14: error: '3mo' is not a duration; expected a duration"
        " such as 30m, 4h, 2d or 3w [E101]",
    ],
    "syntax_number_for_duration.goal": [
        "syntax_number_for_duration.goal:31:14: error: unexpected number 28: a duration is a"
        " number and its unit letter, such as 30m, 4h, 2d or 3w [E101]",
    ],
    "syntax_several_errors.goal": [
        "syntax_several_errors.goal:9:32: error: unknown attribute 'emial' in person 'zhao_lei'"
        " (did you mean 'email'?); expected '}', 'email' or 'note' [E101]",
        "syntax_several_errors.goal:22:12: error: unexpected 'hihger' (did you mean 'higher'?);"
        " expected 'higher' or 'lower' [E101]",
        "syntax_several_errors.goal:29:14: error: unexpected '=>': did you mean '>='? [E101]",
    ],
    "syntax_single_dot_period.goal": [
        "syntax_single_dot_period.goal:3:24: error: unexpected '.'; expected '..' [E101]",
    ],
    "syntax_text_for_number.goal": [
        'syntax_text_for_number.goal:29:17: error: unexpected text "90"; expected a number [E101]',
    ],
    "syntax_unclosed_string.goal": [
        "syntax_unclosed_string.goal:21:12: error: this text is not closed: a string needs a"
        ' closing " on the same line [E101]',
    ],
    "syntax_unknown_better.goal": [
        "syntax_unknown_better.goal:22:12: error: unexpected 'up'; expected 'higher' or 'lower'"
        " [E101]",
    ],
    "target_contradicts_better.goal": [
        "target_contradicts_better.goal:29:3: error: target <= 30 contradicts 'better higher' of"
        " indicator 'csat': use >= or > [E304]",
    ],
    "threshold_contradicts_better.goal": [
        "threshold_contradicts_better.goal:33:3: error: warn > 92 contradicts 'better higher' of"
        " indicator 'csat': a threshold fires on low values, so use < or <= [E304]",
    ],
    "two_plan_blocks.goal": [
        "two_plan_blocks.goal:37:1: error: a plan has one plan block; it is already declared at"
        " line 2 [E206]",
    ],
    "two_targets_same_start.goal": [
        "two_targets_same_start.goal:30:3: error: goal 'satisfied' has two targets from the period"
        " start [E307]",
    ],
    "unknown_in_measure.goal": [
        "unknown_in_measure.goal:23:58: error: unknown source 'survey' (did you mean 'surveys'?)"
        " [E204]",
    ],
    "unknown_indicator_did_you_mean.goal": [
        "unknown_indicator_did_you_mean.goal:28:14: error: unknown indicator 'cast' (did you mean"
        " 'csat'?) [E204]",
    ],
    "unknown_notify_role.goal": [
        "unknown_notify_role.goal:39:42: error: unknown person or team 'leed' (did you mean"
        " 'lead'?) [E204]",
    ],
    "unknown_owner_did_you_mean.goal": [
        "unknown_owner_did_you_mean.goal:31:14: error: unknown person 'wang_fnag' (did you mean"
        " 'wang_fang'?) [E204]",
    ],
    "unknown_team_no_suggestion.goal": [
        "unknown_team_no_suggestion.goal:32:14: error: unknown team 'marketing' [E204]",
    ],
    "calendar_hours.goal": [
        "calendar_hours.goal:17:3: error: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?) [E303]",
        "calendar_hours.goal:18:3: error: unknown day 'fir' (did you mean 'fri'?): days are mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri [E340]",
        "calendar_hours.goal:19:3: warning: the hours 12:00-18:00 overlap 09:00-12:30 on mon: they count once [W410]",
        "calendar_hours.goal:20:3: error: the hours 18:00-10:00 end before they start: hours run within one day, up to 24:00 (write a night shift as two lines) [E340]",
        "calendar_hours.goal:20:30: error: '25:00' is not a time of day [E102]",
        "calendar_hours.goal:21:3: warning: 2026-12-24 is both open and closed in calendar 'office': it is closed [W410]",
        "calendar_hours.goal:23:3: warning: calendar 'office' is closed 2027-05-01, outside the plan period 2026-01-01 .. 2026-12-31 (is the year right?) [W411]",
        "calendar_hours.goal:24:3: error: closed 2026-08-10 .. 2026-08-01 ends before it starts [E340]",
        "calendar_hours.goal:27:10: warning: calendar 'night' is never open, so business time in it is always 0: add hours, such as open mon-fri 09:00-17:00 [W412]",
        "calendar_hours.goal:33:85: error: unknown calendar 'ofice' (did you mean 'office'?) [E204]",
        "calendar_hours.goal:40:16: error: business_minutes_between(...) takes two columns and a calendar, such as business_minutes_between(tickets.created_at, tickets.first_reply_at, office) [E310]",
    ],
    "exclusions.goal": [
        "exclusions.goal:25:3: error: exclude 'migration' ends (2026-03-14 22:00) before it starts (2026-03-15 06:00) [E341]",
        "exclusions.goal:26:24: error: 'quick' is an objective, but what exclude 'migration' applies to must be a goal [E205]",
        "exclusions.goal:30:3: error: unknown day 'sunday' (did you mean 'sun'?): days are mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri [E341]",
        "exclusions.goal:31:3: error: the hours 23:00-01:00 end before they start: hours run within one day, up to 24:00 (write a window over midnight as two lines, such as every sat 22:00-24:00 and every sun 00:00-02:00) [E341]",
        "exclusions.goal:31:27: error: '24:00' is not a time of day [E102]",
        "exclusions.goal:34:9: error: exclude 'move' needs a window: from DATE HH:MM and to DATE HH:MM, or every DAYS HH:MM-HH:MM [E202]",
        "exclusions.goal:36:45: warning: exclude 'last_year' lies outside the plan period 2026-01-01 .. 2026-12-31, so it leaves out nothing (is the year right?) [W414]",
    ],
    "unknown_timezone.goal": [
        "unknown_timezone.goal:4:3: error: unknown time zone 'Asia/Shangai' (did you mean"
        " 'Asia/Shanghai'?) [E303]",
    ],
    "value_buffer_in_hours.goal": [
        "value_buffer_in_hours.goal:39:10: error: a buffer is whole days or weeks (such as 14d or"
        " 2w), not 36h [E330]",
    ],
    "value_decimals_out_of_range.goal": [
        "value_decimals_out_of_range.goal:22:3: error: decimals must be between 0 and 10, not 11"
        " [E330]",
    ],
    "value_every_zero_days.goal": [
        "value_every_zero_days.goal:30:14: error: 'every 0 days' must count at least 1 [E330]",
    ],
    "value_trigger_zero_times.goal": [
        "value_trigger_zero_times.goal:39:8: error: a trigger must count at least 1 time [E330]",
    ],
    "value_weight_zero.goal": [
        "value_weight_zero.goal:30:3: error: the weight of goal 'satisfied' must be more than 0"
        " [E330]",
    ],
    "warn_no_title_no_unit.goal": [
        "warn_no_title_no_unit.goal:19:11: warning: indicator 'csat' has no title: say in words"
        ' what it is, as in indicator csat "..." [W401]',
        "warn_no_title_no_unit.goal:19:11: warning: indicator 'csat' has no unit: add one, such as"
        ' unit "%" or unit "min" [W402]',
        "warn_no_title_no_unit.goal:25:6: warning: goal 'satisfied' has no title: say in words"
        ' what it is, as in goal satisfied "..." [W401]',
    ],
    "warn_nothing_served.goal": [
        "warn_nothing_served.goal:13:11: warning: no goal serves objective 'loyalty' [W406]",
        "warn_nothing_served.goal:26:6: warning: goal 'satisfied' serves no objective: add serves"
        " OBJECTIVE [W405]",
    ],
    "warn_thresholds_out_of_order.goal": [
        "warn_thresholds_out_of_order.goal:26:6: warning: thresholds of goal 'satisfied' are out"
        " of order: with 'better higher' expect critical ≤ target ≤ warn, but critical is 85 and"
        " warn is 80 [W403]",
        "warn_thresholds_out_of_order.goal:26:6: warning: thresholds of goal 'satisfied' are out"
        " of order: with 'better higher' expect critical ≤ target ≤ warn, but warn is 80 and the"
        " target is 90 [W403]",
    ],
    "wrong_kind_lead_is_person.goal": [
        "wrong_kind_lead_is_person.goal:32:14: error: 'zhao_lei' is a person, but the lead team of"
        " goal 'satisfied' must be a team [E205]",
    ],
    "wrong_kind_measure_reads_goal.goal": [
        "wrong_kind_measure_reads_goal.goal:23:58: error: 'satisfied' is a goal, but what"
        " count(...) reads must be a source [E205]",
    ],
    "wrong_kind_owner_is_team.goal": [
        "wrong_kind_owner_is_team.goal:31:14: error: 'support' is a team, but the owner of goal"
        " 'satisfied' must be a person [E205]",
    ],
}

# File -> (what is wrong with the current answer, the headlines the checker should give).
WANTED: dict[str, tuple[str, list[str]]] = {}

# Every code the checker has; each must be shown by at least one bad plan that passes.
CODES = {
    "E100", "E101", "E102", "E103", "E201", "E202", "E203", "E204", "E205", "E206",
    "E301", "E302", "E303", "E304", "E305", "E307", "E310", "E311", "E312", "E313", "E314",
    "E320", "E321", "E322", "E330", "E340", "W401", "W402", "W403", "W405", "W406", "W410",
    "W411", "W412", "E341", "W414",
}  # fmt: skip

# Lark's names for tokens: none of them may reach a user.
INTERNAL = re.compile(
    r"__ANON|\$END|\b(NAME|STRING|NUMBER|DURATION|HOURS|CMP|EQ|ADD_OP|MUL_OP|LBRACE|RBRACE|LPAR"
    r"|RPAR|COMMA|DOT|_AND|_OR)\b"
)


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def checked(name: str) -> Checked:
    return check_plan(PREFIX + name)


def headlines(result: Checked) -> list[str]:
    return [d.headline().removeprefix(PREFIX) for d in result.diagnostics]


def fixture_names() -> list[str]:
    return sorted(path.name for path in BAD.glob("*.goal"))


CASES = [
    *(pytest.param(name, EXPECTED[name], id=name) for name in sorted(EXPECTED)),
    *(
        pytest.param(name, wanted, id=name, marks=pytest.mark.xfail(reason=why, strict=True))
        for name, (why, wanted) in sorted(WANTED.items())
    ),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_bad_plan_gives_exactly_these_diagnostics(name: str, expected: list[str]) -> None:
    result = checked(name)
    assert headlines(result) == expected
    refused = any(": error: " in line for line in expected)
    assert (result.plan is None) == refused


def test_every_bad_plan_is_in_a_table() -> None:
    assert fixture_names() == sorted([*EXPECTED, *WANTED])
    assert len(fixture_names()) >= 40


def test_every_code_is_shown_by_a_bad_plan() -> None:
    shown = {re.search(r"\[(\w+)\]$", line)[1] for lines in EXPECTED.values() for line in lines}
    assert shown == CODES


def test_all_errors_of_a_plan_are_reported_in_one_run() -> None:
    codes = [d.code for d in checked("several_errors.goal").errors]
    assert codes == ["E303", "E204", "E205", "E305"]


def test_syntax_errors_in_several_declarations_are_all_reported() -> None:
    lines = [d.span.line for d in checked("syntax_several_errors.goal").errors]
    assert lines == [9, 22, 29]


@pytest.mark.parametrize("name", fixture_names())
def test_messages_use_no_internal_token_names(name: str) -> None:
    for diagnostic in checked(name).diagnostics:
        assert not INTERNAL.search(diagnostic.message), diagnostic.message


@pytest.mark.parametrize("name", fixture_names())
def test_rendered_diagnostics_show_the_source_line_and_a_caret(name: str) -> None:
    result = checked(name)
    for diagnostic in result.diagnostics:
        text = result.sources.get(diagnostic.span.file)
        lines = text.splitlines() if text is not None else []
        if (
            not 0 < diagnostic.span.line <= len(lines)
            or not lines[diagnostic.span.line - 1].strip()
        ):
            continue  # unreadable file, or no line to show (an empty file)
        headline, source, caret = render(diagnostic, result.sources).split("\n")
        assert headline == diagnostic.headline()
        assert caret.strip() == "^"
        assert len(caret) - 1 - 2 == diagnostic.span.column - 1 or "\t" in source


def test_rendered_syntax_error_points_under_the_mistake() -> None:
    result = checked("syntax_fat_arrow.goal")
    (diagnostic,) = result.errors
    assert render(diagnostic, result.sources) == (
        f"{PREFIX}syntax_fat_arrow.goal:29:14: error: unexpected '=>': did you mean '>='?"
        " [E101]\n"
        "    target     => 90\n"
        "               ^"
    )


def test_rendered_binary_garbage_is_escaped() -> None:
    result = checked("syntax_binary_garbage.goal")
    (diagnostic,) = result.errors
    shown = render(diagnostic, result.sources).split("\n")
    assert shown[1:] == ["  \\x00\\x01\\x02\\x7fELF\\x00\\x00", "  ^"]
    assert "\x00" not in render(diagnostic, result.sources)


# ---------------------------------------------------------------- through the command line


def test_cli_exits_1_for_a_plan_with_errors_and_shows_the_caret() -> None:
    run = goalline_process("check", PREFIX + "unknown_timezone.goal", cwd=REPO)
    assert run.returncode == 1
    assert run.stdout == (
        f"{PREFIX}unknown_timezone.goal:4:3: error: unknown time zone 'Asia/Shangai'"
        " (did you mean 'Asia/Shanghai'?) [E303]\n"
        '    timezone  "Asia/Shangai"\n'
        "    ^\n"
        f"{PREFIX}unknown_timezone.goal: 1 error\n"
    )
    assert "Traceback" not in run.stdout + run.stderr


def test_cli_exits_2_for_a_missing_file() -> None:
    run = goalline_process("check", PREFIX + "no_such_plan.goal", cwd=REPO)
    assert run.returncode == 2
    assert "cannot read tests/fixtures/bad/no_such_plan.goal" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_cli_checks_every_bad_plan_without_a_traceback() -> None:
    readable = [
        PREFIX + n for n in fixture_names() if n not in ("not_utf8.goal", "include_not_utf8.goal")
    ]
    run = goalline_process("check", *readable, cwd=REPO)
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert "internal error" not in run.stderr
    for name in readable:
        assert f"{name}: " in run.stdout


def test_cli_exits_2_for_a_file_that_is_not_utf8() -> None:
    run = goalline_process("check", PREFIX + "not_utf8.goal", cwd=REPO)
    assert run.returncode == 2
    assert "not UTF-8" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
