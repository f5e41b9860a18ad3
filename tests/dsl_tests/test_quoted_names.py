"""Quoted names (language.md, "Additions for real service data"): a column or table name in
backquotes may hold any character but a backquote or a line break, wherever such a name goes;
`` `created_at` `` and `created_at` are one name; `fmt` writes backquotes only where needed;
a condition may compare two columns; a source may state how its export writes a time."""

from __future__ import annotations

import pytest

from dsl.api import format_plan
from dsl.language import model as m
from dsl.language.expressions import text, written_name
from dsl.language.parse import parse_text

HEAD = 'plan "Q" { period 2023-01-01 .. 2023-12-31 }\n'


def items(body: str) -> tuple[object, ...]:
    parsed = parse_text(HEAD + body, "q.goal")
    assert parsed.problems == (), [p.message for p in parsed.problems]
    return parsed.items[1:]


def measure(body: str) -> m.Expr:
    (indicator,) = items(f'indicator i {{ kind kpi unit "n" better higher measure {body} }}')
    assert isinstance(indicator, m.Indicator) and indicator.measure is not None
    return indicator.measure


def test_a_quoted_name_goes_wherever_a_column_or_table_name_goes() -> None:
    (source, indicator) = items(
        "source tickets {\n"
        "  table   `Customer Support Tickets`\n"
        "  time    `First Response Time`\n"
        '  format  `First Response Time` "%d-%m-%Y %H:%M"\n'
        "}\n"
        'indicator i { kind kpi unit "h" better lower breakdown `Ticket Channel`\n'
        "  measure p50(hours_between(tickets.`First Response Time`, tickets.`Time to Resolution`)"
        ' where `Ticket Status` = "Closed" and `Ticket Priority` in ("High", "Critical")'
        " and `Customer Satisfaction Rating` is not null) }\n"
    )
    assert isinstance(source, m.Source) and isinstance(indicator, m.Indicator)
    assert source.table_name == "Customer Support Tickets"
    assert source.time == m.Ref(id="First Response Time")
    assert source.formats == (
        m.TimeFormat(column=m.Ref(id="First Response Time"), format="%d-%m-%Y %H:%M"),
    )
    assert indicator.breakdown == m.Ref(id="Ticket Channel")
    assert indicator.measure == m.Call(
        function="p50",
        args=(
            m.Call(
                function="hours_between",
                args=(
                    m.Column(source="tickets", column="First Response Time"),
                    m.Column(source="tickets", column="Time to Resolution"),
                ),
            ),
        ),
        where=m.AllOf(
            conditions=(
                m.Compare(column="Ticket Status", op="=", value=m.Value(value="Closed")),
                m.MemberOf(
                    column="Ticket Priority",
                    values=(m.Value(value="High"), m.Value(value="Critical")),
                ),
                m.NullTest(column="Customer Satisfaction Rating", negated=True),
            )
        ),
    )


def test_a_name_in_backquotes_is_the_same_name_without_them() -> None:
    quoted = items(
        "source tickets { table `tickets` time `created_at` }\n"
        'indicator i { kind kpi unit "n" better higher breakdown `channel`'
        " measure count(tickets where `status` = 1 and `a` <= `b`) + sum(tickets.`minutes`) }\n"
    )
    bare = items(
        "source tickets { table tickets time created_at }\n"
        'indicator i { kind kpi unit "n" better higher breakdown channel'
        " measure count(tickets where status = 1 and a <= b) + sum(tickets.minutes) }\n"
    )
    assert quoted == bare


def test_a_condition_compares_a_column_with_a_column() -> None:
    assert measure("count(tickets where solved_at <= `due at`)") == m.Call(
        function="count",
        args=(m.Name(id="tickets"),),
        where=m.Compare(column="solved_at", op="<=", value=m.Field(column="due at")),
    )


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("created_at", "created_at"),
        ("客服部", "客服部"),
        ("table", "table"),  # keywords are names wherever only a name can come
        ("First Response Time", "`First Response Time`"),
        ("1st reply", "`1st reply`"),
        ("reply-time", "`reply-time`"),
        ("Satisfaction (1-5)", "`Satisfaction (1-5)`"),
        ("not", "`not`"),  # at the start of a condition it would be read as a negation
    ],
)
def test_names_are_written_in_backquotes_only_where_needed(name: str, written: str) -> None:
    assert written_name(name) == written


def test_fmt_drops_backquotes_that_are_not_needed_and_keeps_the_others() -> None:
    plan = (
        HEAD + "source tickets { table `tickets`  time `Created at` }\n"
        'indicator i { kind kpi unit "n" better higher measure'
        ' count(tickets where `status` = "x" and `not` = 1 and `Due at` >= `created_at`) }\n'
    )
    result = format_plan(plan, "q.goal")
    assert result.diagnostics == () and result.text is not None
    assert result.text.splitlines()[4:] == [
        "source tickets {",
        "  table  tickets",
        "  time   `Created at`",
        "}",
        "",
        "indicator i {",
        "  kind     kpi",
        '  unit     "n"',
        "  better   higher",
        '  measure  count(tickets where status = "x" and `not` = 1 and `Due at` >= created_at)',
        "}",
    ]
    assert parse_text(result.text, "q.goal").items == parse_text(plan, "q.goal").items


def test_a_measure_is_written_back_with_the_backquotes_it_needs() -> None:
    written = (
        "p90(hours_between(t.`Created at`, t.solved) where `Ticket Status` != t2 and `not` = 1)"
    )
    assert text(measure(written)) == written
    assert text(measure("count(t where `a b` in (1, 2) or `c d` is null)")) == (
        "count(t where `a b` in (1, 2) or `c d` is null)"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "count(tickets where `` = 1)",  # empty
        "count(tickets where `a`b` = 1)",  # a backquote inside
        "count(tickets where `a\nb` = 1)",  # a line break inside
    ],
)
def test_a_quoted_name_is_never_empty_and_holds_no_backquote_or_line_break(bad: str) -> None:
    body = f'indicator i {{ kind kpi unit "n" better higher measure {bad} }}'
    assert parse_text(HEAD + body, "q.goal").has_syntax_errors


def test_a_hash_inside_a_quoted_name_is_not_a_comment() -> None:
    plan = HEAD + 'indicator i { kind kpi unit "n" better higher measure sum(t.`Ticket #`) }  # n\n'
    result = format_plan(plan, "q.goal")
    assert result.text is not None
    assert result.text.splitlines()[4:] == [
        "indicator i {",
        "  kind     kpi",
        '  unit     "n"',
        "  better   higher",
        "  measure  sum(t.`Ticket #`)",
        "}  # n",
    ]
