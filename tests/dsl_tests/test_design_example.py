"""The design page's example plan is the language's specification by example: it must parse,
check without errors, and mean exactly what the page says."""

from __future__ import annotations

from datetime import date

import pytest

from dsl.api import check_plan, check_text, format_plan
from dsl.language import model as m
from dsl.language.parse import parse_text

from ..helpers import DESIGN_EXAMPLE


@pytest.fixture(scope="module")
def design_plan() -> m.Plan:
    checked = check_plan(str(DESIGN_EXAMPLE))
    assert checked.errors == ()
    assert checked.plan is not None
    return checked.plan


def goal_in(plan: m.Plan, ident: str) -> m.Goal:
    found = plan.get(ident)
    assert isinstance(found, m.Goal)
    return found


def test_design_example_checks_with_only_the_warnings_its_text_invites() -> None:
    checked = check_plan(str(DESIGN_EXAMPLE))
    assert [(d.code, d.span.line, d.span.column) for d in checked.diagnostics] == [
        ("W402", 49, 11),  # nps has no unit
        ("W403", 84, 6),  # warn > 25 is looser than the July target <= 20
        ("W405", 98, 6),  # resolved_volume serves no objective
        ("W402", 108, 11),  # resolved_count has no unit
    ]
    assert checked.diagnostics[1].message == (
        "thresholds of goal 'quick_answer' are out of order: with 'better lower' expect"
        " warn ≤ target ≤ critical, but warn is 25 and the target from 2026-07-01 is 20"
    )


def test_plan_block(design_plan: m.Plan) -> None:
    info = design_plan.info
    assert info.title == "Customer Support 2026"
    assert (info.period_start, info.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert info.timezone == "Asia/Shanghai"
    assert info.owner == m.Ref(id="wang_fang")
    assert str(info.review) == "monthly"


def test_people_teams_and_sources(design_plan: m.Plan) -> None:
    assert [(p.id, p.title, p.email) for p in design_plan.people] == [
        ("wang_fang", "Wang Fang", "wang.fang@example.com"),
        ("zhao_lei", "Zhao Lei", "zhao.lei@example.com"),
        ("director", "Service Director", "director@example.com"),
    ]
    assert [(t.id, str(t.lead)) for t in design_plan.teams] == [
        ("support", "wang_fang"),
        ("tech", "zhao_lei"),
    ]
    assert [(s.id, s.table_name, str(s.time)) for s in design_plan.sources] == [
        ("tickets", "tickets", "created_at"),
        ("surveys", "surveys", "answered_at"),
    ]


def test_level_goal_with_weight_thresholds_and_collaborating_team(design_plan: m.Plan) -> None:
    satisfied = goal_in(design_plan, "satisfied")
    assert [t.text for t in satisfied.targets] == [">= 90"]
    assert (satisfied.baseline, satisfied.weight) == (86, 3)
    assert satisfied.warn == m.Threshold(cmp="<", value=m.Number("92"))
    assert satisfied.critical is not None and satisfied.critical.text == "< 85"
    assert [str(t) for t in satisfied.with_] == ["tech"]
    assert str(satisfied.serves) == "loyalty"
    assert str(satisfied.escalation) == "standard"
    assert satisfied.is_progress is False


def test_target_from_a_date_and_a_rolling_window(design_plan: m.Plan) -> None:
    quick = goal_in(design_plan, "quick_answer")
    assert [(t.text, t.start) for t in quick.targets] == [
        ("<= 30", None),
        ("<= 20", date(2026, 7, 1)),
    ]
    assert quick.window == m.Duration(amount=28, unit="d")
    assert quick.window.timedelta.days == 28
    assert str(quick.cycle) == "weekly"


def test_progress_goal_keeps_the_number_as_written(design_plan: m.Plan) -> None:
    volume = goal_in(design_plan, "resolved_volume")
    (target,) = volume.targets
    assert target.is_progress and target.by == date(2026, 12, 31)
    assert target.value == 20000 and target.text == ">= 20_000"
    assert volume.warn is not None and volume.warn.text == "pace < 100"
    assert volume.critical is not None and volume.critical.pace


def test_measures_are_expressions_not_text(design_plan: m.Plan) -> None:
    csat = design_plan.get("csat")
    assert isinstance(csat, m.Indicator)
    assert csat.measure == m.Arith(
        operands=(
            m.Value(value=m.Number("100")),
            m.Call(
                function="count",
                args=(m.Name(id="surveys"),),
                where=m.Compare(column="score", op=">=", value=m.Value(value=m.Number("4"))),
            ),
            m.Call(function="count", args=(m.Name(id="surveys"),)),
        ),
        operators=("*", "/"),
    )
    first_response = design_plan.get("first_response")
    assert isinstance(first_response, m.Indicator)
    assert first_response.measure == m.Call(
        function="p90", args=(m.Column(source="tickets", column="first_response_min"),)
    )


def test_recorded_indicator(design_plan: m.Plan) -> None:
    nps = design_plan.get("nps")
    assert isinstance(nps, m.Indicator)
    assert nps.recorded and str(nps.aggregate) == "last" and nps.kind == "kpi"


def test_escalation_rules_and_runbook(design_plan: m.Plan) -> None:
    standard = design_plan.get("standard")
    assert isinstance(standard, m.Escalation)
    assert [r.text for r in standard.rules] == [
        "when breached 1 time",
        "when breached 2 times in a row",
        "when breached 3 times in a row",
        "when critical",
        "when no data 2 times in a row",
    ]
    third = standard.rules[2]
    assert (third.trigger.count, third.trigger.in_a_row) == (3, True)
    assert [str(r) for r in third.notify] == ["director"]
    assert [str(r) for r in third.run] == ["response_plan"]
    assert [str(r) for r in standard.rules[3].notify] == ["owner", "lead"]
    runbook = design_plan.get("response_plan")
    assert isinstance(runbook, m.Runbook)
    assert [(s.text, str(s.by), s.within.minutes) for s in runbook.steps] == [
        ("Open the overflow queue", "support", 30),
        ("Page the on-call engineer", "tech", 60),
        ("Write the incident summary", "wang_fang", 2 * 24 * 60),
    ]


def test_milestone_and_its_escalation_declared_after_it(design_plan: m.Plan) -> None:
    chatbot = design_plan.get("chatbot")
    assert isinstance(chatbot, m.Milestone)
    assert chatbot.due == date(2026, 5, 31)
    assert chatbot.buffer == m.Duration(amount=14, unit="d")
    late = design_plan.get("late_delivery")
    assert isinstance(late, m.Escalation)
    assert [r.trigger.event for r in late.rules] == ["in_buffer", "overdue"]


def test_every_node_knows_where_it_was_written(design_plan: m.Plan) -> None:
    satisfied = goal_in(design_plan, "satisfied")
    assert (satisfied.span.line, satisfied.span.column) == (69, 6)
    assert satisfied.span.file == str(DESIGN_EXAMPLE)
    assert satisfied.owner is not None and satisfied.owner.span.line == 75
    assert satisfied.targets[0].span.line == 72


def test_spans_do_not_take_part_in_equality() -> None:
    text = DESIGN_EXAMPLE.read_text(encoding="utf-8")
    shifted = "\n\n# moved down\n" + text
    assert parse_text(text, "a.goal").items == parse_text(shifted, "b.goal").items


def test_format_round_trip_keeps_the_meaning_and_is_idempotent() -> None:
    text = DESIGN_EXAMPLE.read_text(encoding="utf-8")
    formatted = format_plan(text, "x.goal").text
    assert formatted is not None
    assert parse_text(formatted, "x.goal").items == parse_text(text, "x.goal").items
    assert format_plan(formatted, "x.goal").text == formatted


def test_unicode_identifiers_and_titles() -> None:
    checked = check_text(
        'plan "售后 2026" { period 2026-01-01 .. 2026-12-31 owner 李娜 }\n'
        'person 李娜 "李娜"\n'
        'team 售后部 "售后服务部" { lead 李娜 }\n'
        'objective 满意 "客户满意"\n'
        'indicator 满意度 "客户满意度" { kind kpi unit "%" better higher }\n'
        'goal 保持满意 "保持客户满意" {\n'
        "  indicator 满意度 target >= 90 cycle monthly owner 李娜 lead 售后部 serves 满意\n"
        "}\n"
    )
    assert checked.diagnostics == ()
    assert checked.plan is not None
    assert [g.id for g in checked.plan.goals] == ["保持满意"]


def test_keywords_are_usable_as_column_names_where_only_a_name_fits() -> None:
    checked = check_text(
        'plan "p" { period 2026-01-01 .. 2026-12-31 }\n'
        'source tickets "t" { time time }\n'
        'indicator busy "b" { kind kpi unit "n" better lower\n'
        '  measure count(tickets where kind = "x" and time is not null) }\n'
    )
    assert checked.errors == ()
    assert checked.plan is not None
    busy = checked.plan.get("busy")
    assert isinstance(busy, m.Indicator)
    assert isinstance(busy.measure, m.Call)
    assert busy.measure.where == m.AllOf(
        conditions=(
            m.Compare(column="kind", op="=", value=m.Value(value="x")),
            m.NullTest(column="time", negated=True),
        )
    )
