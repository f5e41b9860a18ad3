"""The grammar itself: it builds as a strict LALR(1) grammar, and every rule of it is used.

The coverage test parses the design example and a small plan written to reach the rest of
the language with the formatter's parser (`tree_parser`, which keeps every token), then
compares the rule names found in the trees with the rules of the grammar. A rule added to
`goal.lark` without an example here fails the test until an example is added.
"""

from __future__ import annotations

import pytest
from lark import Lark, Token, Tree

from dsl.language.grammar import PARSER_OPTIONS, grammar_text, tree_parser
from dsl.language.parse import parse_text

from ..helpers import DESIGN_EXAMPLE

pytest.importorskip("interegular", reason="strict mode needs interegular (a dev dependency)")


# What the design example does not show: every other rule, alternative and keyword.
REST_OF_THE_LANGUAGE = """\
include "shared.goal"

plan {
  period    2026-01-01 .. 2026-12-31
  note      "no title, a note instead"
}

person ana
person bo "Bo" { note "on call" }

team ops "Operations" {
  lead     ana
  members  ana, bo
  note     "second line"
}
team empty_team "Nobody yet" { }

objective speed "Fast answers" {
  owner  ana
  note   "from the board"
}
objective bare_objective

source calls
source chats "Chats" { table chat_log  time started_at  note "exported nightly" }
source kept "Kept by the help desk" { table support.tickets  time created_at }
source archive "Archived" { file "exports/*.parquet"  time created_at }
source export "Help desk export" {
  table   `Tickets (2026)`
  time    `Created at`
  format  `Created at` "%d-%m-%Y %H:%M"
}

calendar office "Office hours" {
  timezone  "Europe/Berlin"
  open      mon-fri 09:00-12:30, 13:30-18:00
  open      sat 10:00-14:00
  open      2026-12-31 09:00-13:00
  closed    2026-12-24 .. 2026-12-26 "Christmas"
  closed    2026-05-01
  note      "the Berlin desk"
}

exclude migration "Ticket system migration" {
  from    2026-03-14 22:00
  to      2026-03-15
  goals   reply_fast, solve_most
  reason  "the old system was read-only"
}

exclude maintenance { every sun 02:00-04:00, 23:00-24:00  every mon-fri 12:00-12:30 }

indicator office_reply "Reply in office time" {
  kind        process
  min_sample  20
  measure     p90(business_minutes_between(chats.started_at, chats.answered_at, office))
}

indicator handling "Handling time" {
  kind       process
  unit       "h"
  better     lower
  owner      ana
  decimals   1
  breakdown  channel
  note       "per channel"
  measure    (sum(calls.minutes where not (status = "dropped" or kind in ("test", "demo")))
              + 2 * max(hours_between(calls.start, calls.end)) - 1) / count(calls where
              agent is not null and not not team is null and score != 3 and a > -1.5)
              + mean(calls.minutes, calls.seconds) + answered
              + count(export where `Solved at` <= due_at and `Ticket status` = "Solved")
              + sum(export.`First reply (min)`)
}
indicator recorded_one { kind result  better higher  aggregate median }
indicator headless

runbook empty_runbook { }
runbook outage { note "call everyone"  step "Call" by ops within 4h }

escalation counts {
  when warning                        notify owner, team, bo
  when warning 2 times                run outage, notify lead
  when critical 1 time in a row       notify ops
  when no data 3 times                notify owner
  when breached                       run outage
  when no data                        notify bo
  when insufficient 2 times in a row  notify bo
  when breached so far                notify bo
  note "every trigger and count form"
}
escalation empty_escalation

goal fast "Fast" {
  indicator   handling
  cycle       every 2 days
  owner       ana
  target      between 1 and 4
  target      between 1 and 3 from 2026-06-01
  target      <= 2 by 2026-12-31
  warn        pace < 95
  critical    > 6
  note        "fast"
  escalation  counts
}
goal g_day     { indicator handling  cycle every 1 day     owner ana }
goal g_week    { indicator handling  cycle every 1 week    owner ana }
goal g_weeks   { indicator handling  cycle every 2 weeks   owner ana }
goal g_month   { indicator handling  cycle every 1 month   owner ana }
goal g_months  { indicator handling  cycle every 3 months  owner ana }
goal g_daily   { indicator handling  cycle daily           owner ana }
goal g_quarter { indicator handling  cycle quarterly       owner ana }
goal g_year    { indicator handling  cycle yearly          owner ana }
goal headless_goal
goal empty_goal { }

milestone launch "Launch" {
  due    2026-06-30
  after  design, build
  note   "the big one"
}
milestone design { due 2026-03-01 }
milestone build
milestone empty_milestone { }
"""


def _trees() -> list[Tree]:
    parser = tree_parser()
    return [
        parser.parse(DESIGN_EXAMPLE.read_text(encoding="utf-8")),
        parser.parse(REST_OF_THE_LANGUAGE),
    ]


def _grammar_rule_names() -> set[str]:
    """Names that must show up as `tree.data`: every rule and alias, except `_` rules (always
    inlined) and `?` rules whose unaliased alternatives all have one child (always inlined)."""
    names: set[str] = set()
    for rule in tree_parser().rules:
        name = rule.alias or rule.origin.name
        if name.startswith("_"):
            continue
        if rule.options.expand1 and rule.alias is None and len(rule.expansion) < 2:
            continue
        names.add(name)
    return names


# ---------------------------------------------------------------- building


def test_grammar_builds_strict_lalr_without_conflicts():
    """Strict mode refuses shift/reduce conflicts and terminals whose regexes collide."""
    Lark(grammar_text(), parser="lalr", strict=True)


def test_grammar_builds_strict_with_the_projects_options():
    Lark(grammar_text(), strict=True, **PARSER_OPTIONS)


# ---------------------------------------------------------------- coverage


def test_coverage_examples_parse_cleanly():
    """The examples are valid syntax for the model parser too (no syntax errors)."""
    for text in (DESIGN_EXAMPLE.read_text(encoding="utf-8"), REST_OF_THE_LANGUAGE):
        parsed = parse_text(text, "coverage.goal")
        assert not parsed.has_syntax_errors, [p.message for p in parsed.problems]


def test_every_rule_of_the_grammar_is_exercised():
    used = {sub.data for tree in _trees() for sub in tree.iter_subtrees()}
    expected = _grammar_rule_names()
    assert expected, "no rules found in the grammar"
    missing = expected - used
    assert not missing, f"rules no example reaches: {sorted(missing)}"
    unknown = used - expected - {"negation"}
    assert not unknown, f"tree nodes that are not rules of the grammar: {sorted(unknown)}"


def test_every_terminal_of_the_grammar_is_exercised():
    """Every keyword and punctuation mark appears in some example (comments and whitespace
    are ignored by the parser and are not in the tree)."""
    used = {
        token.type
        for tree in _trees()
        for token in tree.scan_values(lambda value: isinstance(value, Token))
    }
    ignored = set(tree_parser().lexer_conf.ignore)
    expected = {terminal.name for terminal in tree_parser().terminals} - ignored
    missing = expected - used
    assert not missing, f"terminals no example reaches: {sorted(missing)}"


def test_the_alternatives_of_rules_that_mean_different_things_are_exercised():
    """A rule name can be reached while one of its alternatives is not (`no data` but never
    `in buffer`); the alternatives that the model builder tells apart are listed here, each
    as the kinds of its children (tokens and rules)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for tree in _trees():
        for sub in tree.iter_subtrees():
            seen.add((sub.data, _shape(sub.children)))
    wanted = {
        ("trigger", ("WARNING",)),
        ("trigger", ("WARNING", "occurrences")),
        ("trigger", ("BREACHED",)),
        ("trigger", ("BREACHED", "occurrences")),
        ("trigger", ("CRITICAL",)),
        ("trigger", ("CRITICAL", "occurrences")),
        ("trigger", ("NO", "DATA")),
        ("trigger", ("NO", "DATA", "occurrences")),
        ("trigger", ("IN", "BUFFER")),
        ("trigger", ("OVERDUE",)),
        ("occurrences", ("NUMBER", "TIME")),
        ("occurrences", ("NUMBER", "TIMES")),
        ("occurrences", ("NUMBER", "TIME", "IN", "A", "ROW")),
        ("occurrences", ("NUMBER", "TIMES", "IN", "A", "ROW")),
        ("null_test", ("NAME", "IS", "NULL")),
        ("null_test", ("NAME", "IS", "NOT", "NULL")),
        ("compare", ("NAME", "CMP", "number")),
        ("compare", ("NAME", "EQ", "text_literal")),
        ("compare", ("NAME", "EQ", "number")),
        ("plan", ("PLAN", "LBRACE", "period", "note", "RBRACE")),
        ("person", ("PERSON", "NAME")),
        ("target_date", ("FROM", "DATE")),
        ("target_date", ("BY", "DATE")),
        ("warn", ("WARN", "PACE", "CMP", "NUMBER")),
        ("critical", ("CRITICAL", "CMP", "NUMBER")),
    }
    missing = wanted - seen
    assert not missing, f"alternatives no example reaches: {sorted(missing)}"


def _shape(children: list) -> tuple[str, ...]:
    return tuple(
        child.type if isinstance(child, Token) else child.data
        for child in children
        if child is not None
    )
