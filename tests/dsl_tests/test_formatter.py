"""`goalline fmt`: one canonical layout, every comment kept, meaning unchanged, idempotent."""

from __future__ import annotations

import pytest

from dsl.api import format_plan
from dsl.language.parse import parse_text

from ..helpers import FIXTURES

FORMAT = FIXTURES / "format"


def fmt(text: str) -> str:
    result = format_plan(text, "t.goal")
    assert result.diagnostics == ()
    assert result.text is not None
    return result.text


def test_messy_plan_gets_the_canonical_layout() -> None:
    messy = (FORMAT / "messy.goal").read_text(encoding="utf-8")
    expected = (FORMAT / "messy.expected.goal").read_text(encoding="utf-8")
    assert fmt(messy) == expected
    assert fmt(expected) == expected
    assert parse_text(expected, "t.goal").items == parse_text(messy, "t.goal").items


def test_every_comment_survives() -> None:
    messy = (FORMAT / "messy.goal").read_text(encoding="utf-8")
    comments = [line[line.index("#") :] for line in messy.splitlines() if "#" in line]
    formatted = fmt(messy)
    assert [line[line.index("#") :] for line in formatted.splitlines() if "#" in line] == comments


def test_one_attribute_blocks_go_on_one_line_and_align_with_their_neighbours() -> None:
    text = 'person a "Ann" {\n  email "a@x.org"\n}\nperson bertrand "Bertrand Russell" {\n  email "b@x.org"\n}\n'
    assert fmt(text) == (
        'person a        "Ann"              { email "a@x.org" }\n'
        'person bertrand "Bertrand Russell" { email "b@x.org" }\n'
    )


def test_a_comment_inside_a_one_attribute_block_keeps_it_on_several_lines() -> None:
    text = 'person a "Ann" { email "a@x.org"  # work address\n}\n'
    assert fmt(text) == 'person a "Ann" {\n  email  "a@x.org"  # work address\n}\n'


def test_comment_after_the_opening_brace_stays_there() -> None:
    text = 'team ops "Ops" {  # night shift too\n lead ann members ann }\n'
    assert fmt(text) == 'team ops "Ops" {  # night shift too\n  lead     ann\n  members  ann\n}\n'


def test_empty_block_and_declaration_without_block() -> None:
    assert fmt('person a "A" {   }\nobjective o   "O"\n') == 'person a "A" {}\nobjective o "O"\n'


def test_blank_lines_collapse_to_one_and_none_lead_the_file() -> None:
    text = '\n\n\nperson a "A"\n\n\n\nperson b "B"\n'
    assert fmt(text) == 'person a "A"\n\nperson b "B"\n'


def test_include_is_kept_as_written() -> None:
    assert fmt('include   "shared/people.goal"\n') == 'include "shared/people.goal"\n'


def test_rules_and_steps_align_in_columns() -> None:
    text = (
        "escalation e {\n when critical notify owner, lead\n"
        " when breached 2 times in a row notify lead, run r }\n"
        'runbook r { step "Call" by ops within 30m step "Write it up" by ann within 2d }\n'
    )
    assert fmt(text) == (
        "escalation e {\n"
        "  when critical                   notify owner, lead\n"
        "  when breached 2 times in a row  notify lead, run r\n"
        "}\n"
        "\n"
        "runbook r {\n"
        '  step "Call"         by ops  within 30m\n'
        '  step "Write it up"  by ann  within 2d\n'
        "}\n"
    )


def test_a_calendar_lists_its_hours_aligned_with_day_ranges_written_tight() -> None:
    text = (
        'calendar office "Office" { timezone "Europe/Berlin" open mon - fri 09:00-12:30 ,'
        ' 13:30-18:00\n open sat 10:00-14:00 closed 2026-12-24..2026-12-26 "Christmas" }\n'
    )
    expected = (
        'calendar office "Office" {\n'
        '  timezone  "Europe/Berlin"\n'
        "  open      mon-fri 09:00-12:30, 13:30-18:00\n"
        "  open      sat 10:00-14:00\n"
        '  closed    2026-12-24 .. 2026-12-26 "Christmas"\n'
        "}\n"
    )
    assert fmt(text) == expected
    assert parse_text(expected, "t.goal").items == parse_text(text, "t.goal").items


def test_numbers_strings_and_unicode_are_kept_exactly() -> None:
    text = 'goal 目标 "满意 \\"高\\"" { target >= 20_000 by 2026-12-31 baseline -3.5 }\n'
    assert (
        fmt(text)
        == 'goal 目标 "满意 \\"高\\"" {\n  target    >= 20_000 by 2026-12-31\n  baseline  -3.5\n}\n'
    )


def test_a_plan_with_a_syntax_error_is_not_formatted() -> None:
    result = format_plan("goal g { target => 90 }\n", "bad.goal")
    assert result.text is None
    assert [d.headline() for d in result.diagnostics] == [
        "bad.goal:1:17: error: unexpected '=>': did you mean '>='? [E101]"
    ]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\n\n"])
def test_nearly_empty_files(text: str) -> None:
    assert fmt(text) == text.strip() + ("\n" if text.strip() else "")


def test_a_long_measure_breaks_before_operators_outside_parentheses() -> None:
    text = (
        'indicator fcr "First-contact resolution" { kind result unit "%" better higher\n'
        "measure 100 * count(tickets where first_contact = 1 and status in"
        ' ("resolved", "closed", "archived")) / count(tickets where status != "spam") }\n'
    )
    assert fmt(text) == (
        'indicator fcr "First-contact resolution" {\n'
        "  kind     result\n"
        '  unit     "%"\n'
        "  better   higher\n"
        '  measure  100 * count(tickets where first_contact = 1 and status in ("resolved", "closed", "archived"))\n'
        '           / count(tickets where status != "spam")\n'
        "}\n"
    )
