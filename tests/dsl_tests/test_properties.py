"""Properties of reading and formatting plans, for any input at all.

- Arbitrary text never makes `parse_text`, `check_plan` or `format_plan` raise, and every
  diagnostic they return is a `Diagnostic` with a code such as E101 or W402.
- The design example, mutated at random (a span or token deleted, a line duplicated, two
  lines swapped, a keyword or a punctuation mark inserted, the text truncated), never makes
  them raise either.
- Plans generated from the grammar itself never make them raise; when such a plan parses,
  it can be formatted, the formatted text means the same (equal items) and formatting it
  again changes nothing.
- Extreme inputs: empty, 1 MB of "(", 5,000 nested parentheses, 5,000 `not`, a 2 MB plan,
  and bytes that are not UTF-8 given to `goalline check`.

Inputs that once broke a property are kept below as tests with a minimal reproduction.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from dsl.api import check_plan, format_plan
from dsl.language.diagnostics import Diagnostic, render
from dsl.language.grammar import PARSER_OPTIONS, grammar_text
from dsl.language.parse import ParsedFile, parse_text

from ..helpers import DESIGN_EXAMPLE, GOALLINE

EXAMPLE = DESIGN_EXAMPLE.read_text(encoding="utf-8")
CODE = re.compile(r"[EW]\d{3}")


@pytest.fixture(scope="module")
def plan_name(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`x.goal` in an empty folder: a generated `include "..."` is resolved against it, so
    what the tests read never depends on where pytest runs. Not function-scoped: hypothesis
    runs many examples per test call."""
    return str(tmp_path_factory.mktemp("plans") / "x.goal")


def _valid(diagnostics: tuple[Diagnostic, ...], sources: dict[str, str] | None = None) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic), diagnostic
        assert CODE.fullmatch(diagnostic.code), diagnostic
        assert isinstance(diagnostic.message, str) and diagnostic.message
        if sources is not None:
            assert isinstance(render(diagnostic, sources), str)  # what the CLI prints


def _exercise(text: str, name: str) -> ParsedFile:
    """Run the three entry points on `text`; check what they return. Returns the parse."""
    parsed = parse_text(text, name)
    assert isinstance(parsed, ParsedFile)
    _valid(parsed.problems)
    checked = check_plan(name, text)
    _valid(checked.diagnostics, dict(checked.sources))
    assert (checked.plan is None) == bool(checked.errors)
    formatted = format_plan(text, name)
    _valid(formatted.diagnostics, dict(formatted.sources))
    assert (formatted.text is None) == bool(formatted.diagnostics)
    return parsed


def _round_trip(text: str, name: str, parsed: ParsedFile) -> None:
    """A plan that parses formats; the result means the same and is a fixed point."""
    if parsed.has_syntax_errors:
        return
    formatted = format_plan(text, name)
    assert formatted.text is not None, [d.headline() for d in formatted.diagnostics]
    assert parse_text(formatted.text, name).items == parsed.items
    again = format_plan(formatted.text, name)
    assert again.text == formatted.text


# ---------------------------------------------------------------- (a) arbitrary text


@settings(max_examples=500, deadline=None)
@given(text=st.text())  # any code point but surrogates, control characters included
def test_arbitrary_text_never_raises(text: str, plan_name: str) -> None:
    _exercise(text, plan_name)


KEYWORDS = sorted(
    terminal.pattern.value
    for terminal in Lark(grammar_text(), **PARSER_OPTIONS).terminals
    if terminal.pattern.type == "str" and terminal.pattern.value.isalpha()
)
PUNCTUATION = ["{", "}", "(", ")", ",", ".", "..", "<", "<=", ">", ">=", "=", "!=", "+", "-"]
PUNCTUATION += ["*", "/", '"', "#", "\\", "\n", "\t", "\r"]
LITERALS = ['"x"', '"a\\qb"', "1", "-3", "20_000", "99.5", "2026-01-01", "2026-02-30", "30m"]
LITERALS += ["0", "1e5", "x", "客服部", "wang_fang", "\x01", "\x1b[31m"]  # no NUL: see below


@settings(max_examples=500, deadline=None)
@given(words=st.lists(st.sampled_from(KEYWORDS + PUNCTUATION + LITERALS), max_size=80))
def test_token_soup_never_raises(words: list[str], plan_name: str) -> None:
    """Plan-like noise: it reaches far more parser states than arbitrary text does."""
    parsed = _exercise(" ".join(words), plan_name)
    _round_trip(" ".join(words), plan_name, parsed)


# ---------------------------------------------------------------- (b) mutated example

_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|\w+|\.\.|[<>!]=|\S')
_INSERTS = KEYWORDS + PUNCTUATION + LITERALS


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        operation = draw(st.sampled_from(["span", "token", "duplicate", "swap", "insert", "cut"]))
        if operation == "span" and text:
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start, min(len(text), start + 60)))
            text = text[:start] + text[end:]
        elif operation == "token":
            tokens = list(_TOKEN.finditer(text))
            if tokens:
                token = draw(st.sampled_from(tokens))
                text = text[: token.start()] + text[token.end() :]
        elif operation == "duplicate":
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            text = "\n".join(lines)
        elif operation == "swap":
            one, two = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[one], lines[two] = lines[two], lines[one]
            text = "\n".join(lines)
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            spaced = draw(st.sampled_from(["", " "]))
            word = draw(st.sampled_from(_INSERTS))
            text = f"{text[:at]}{spaced}{word}{spaced}{text[at:]}"
        elif operation == "cut":
            text = text[: draw(st.integers(0, len(text)))]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated_examples())
def test_mutated_example_never_raises(text: str, plan_name: str) -> None:
    parsed = _exercise(text, plan_name)
    _round_trip(text, plan_name, parsed)


def test_the_example_itself_round_trips(plan_name: str) -> None:
    _round_trip(EXAMPLE, plan_name, _exercise(EXAMPLE, plan_name))


# ---------------------------------------------------------------- (c) generated from the grammar


def _grammar_strategy() -> st.SearchStrategy[str]:
    """Plans from the grammar. Lark's terminals alone would fuse keywords and identifiers
    (`goal""{whereAin[]}`), so every word is followed by a space; identifiers are sometimes
    keywords (allowed where only an identifier can come); whitespace and comments, which
    hypothesis inserts between tokens now and then, include every kind Python's \\s knows."""
    grammar = Lark(grammar_text(), **PARSER_OPTIONS)
    keywords = {
        terminal.name: terminal.pattern.value
        for terminal in grammar.terminals
        if terminal.pattern.type == "str" and terminal.pattern.value.isalpha()
    }
    spaced = lambda word: word + " "  # noqa: E731
    names = st.from_regex(r"[^\W\d]\w{0,8}", fullmatch=True).filter(
        lambda name: name not in keywords.values()
    )
    # No NUL in strings: `include "<NUL>"` raises (see test_include_with_a_nul_character).
    string_body = r'(\\["\\nt]|\\[^\n\x00]|[^"\\\n\x00]){0,12}'
    explicit = {name: st.just(spaced(word)) for name, word in keywords.items()}
    explicit |= {
        "NAME": st.one_of(names, st.sampled_from(sorted(keywords.values()))).map(spaced),
        "STRING": st.from_regex(rf'"{string_body}"', fullmatch=True).map(spaced),
        "NUMBER": st.from_regex(r"-?\d{1,4}(_\d{1,3})?(\.\d{1,2})?", fullmatch=True).map(spaced),
        "DATE": st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True).map(spaced),
        "DURATION": st.from_regex(r"\d{1,3}[mhdw]", fullmatch=True).map(spaced),
        "COMMENT": st.from_regex(r"#[^\n]{0,20}", fullmatch=True).map(lambda c: c + "\n"),
    }
    whitespace = st.text(
        st.sampled_from(" \n\t\r\x0b\x0c\x1c\x85\xa0\u2028\u3000"), min_size=1, max_size=3
    )
    explicit |= {name: whitespace for name in grammar.ignore_tokens if name != "COMMENT"}

    def generated(start: str) -> st.SearchStrategy[str]:
        return from_lark(grammar, start=start, explicit=_only_used(grammar, start, explicit))

    whole = generated("start")
    # Whole plans come out small and seldom reach inside blocks. So also: runs of
    # declarations generated on their own, and blocks filled with attributes generated on
    # their own (the alternatives of `_goal_attr` and the like, read from the grammar).
    kinds = ("goal", "indicator", "escalation", "milestone", "runbook", "team", "plan")
    declaration = st.one_of([generated(kind) for kind in kinds])
    blocks = []
    for kind, attributes in (
        ("goal", _alternatives(grammar, "_goal_attr")),
        ("indicator", _alternatives(grammar, "_indicator_attr")),
        ("indicator", ["measure"]),  # measures and conditions: the deepest part
        ("milestone", _alternatives(grammar, "_milestone_attr")),
        ("escalation", ["rule", "note"]),
        ("plan", _alternatives(grammar, "_plan_attr")),
    ):
        header = (
            st.just(f"{kind} ") if kind == "plan" else generated("NAME").map(f"{kind} ".__add__)
        )
        body = st.lists(st.one_of([generated(a) for a in attributes]), min_size=1, max_size=8)
        blocks.append(st.builds(lambda h, b: h + "{\n" + "\n".join(b) + "\n}\n", header, body))
    filled = st.lists(st.one_of(blocks), min_size=1, max_size=4).map("\n".join)
    return st.one_of(whole, st.lists(declaration, min_size=1, max_size=6).map("\n".join), filled)


def _alternatives(grammar: Lark, rule: str) -> list[str]:
    """The rules that `rule: a | b | c` chooses from."""
    return [r.expansion[0].name for r in grammar.rules if r.origin.name == rule]


def _only_used(grammar: Lark, start: str, explicit: dict) -> dict:
    """from_lark refuses strategies for terminals that `start` cannot reach."""
    _terminals, rules, ignored = grammar.grammar.compile([start], ())
    used = {symbol.name for rule in rules for symbol in rule.expansion if symbol.is_term}
    return {name: strategy for name, strategy in explicit.items() if name in used | set(ignored)}


GENERATED = _grammar_strategy()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=GENERATED)
def test_generated_plans_never_raise_and_format_faithfully(text: str, plan_name: str) -> None:
    parsed = _exercise(text, plan_name)
    _round_trip(text, plan_name, parsed)


def test_generated_plans_mostly_parse(plan_name: str) -> None:
    """The generator is useful only if its plans parse: otherwise (c) tests nothing."""
    parsed = []

    @settings(max_examples=50, deadline=None, database=None, derandomize=True)  # a fixed sample
    @given(text=GENERATED)
    def collect(text: str) -> None:
        parsed.append(not parse_text(text, plan_name).has_syntax_errors)

    collect()
    assert sum(parsed) >= 0.9 * len(parsed), f"{sum(parsed)} of {len(parsed)} parse"


# ---------------------------------------------------------------- extreme inputs


def test_empty_text(plan_name: str) -> None:
    parsed = _exercise("", plan_name)
    assert parsed.items == () and not parsed.problems
    assert format_plan("", plan_name).text == ""


def test_a_megabyte_of_open_parentheses(plan_name: str) -> None:
    parsed = _exercise("(" * 2**20, plan_name)
    assert [p.code for p in parsed.problems] == ["E101"]


def _measure(expression: str) -> str:
    return f"indicator i {{\n  kind     kpi\n  better   higher\n  measure  {expression}\n}}\n"


def test_5000_nested_parentheses_in_a_measure(plan_name: str) -> None:
    text = _measure("(" * 5000 + "count(t)" + ")" * 5000)
    parsed = _exercise(text, plan_name)
    assert not parsed.has_syntax_errors
    _round_trip(text, plan_name, parsed)


NOTS = _measure("count(t where " + "not " * 5000 + "a = 1)")


def test_5000_not_in_a_condition_are_refused_not_crashed_on(plan_name: str) -> None:
    parsed = parse_text(NOTS, plan_name)
    assert [d.message for d in parsed.problems] == [
        "this expression is nested more than 50 levels deep: simplify it"
    ]
    checked = check_plan(plan_name, NOTS)
    _valid(checked.diagnostics)
    assert checked.plan is None
    formatted = format_plan(NOTS, plan_name)
    _valid(formatted.diagnostics)
    assert formatted.text is None


def test_arithmetic_nested_300_deep_is_refused_by_check_and_fmt(plan_name: str) -> None:
    text = _measure("(1 + " * 300 + "1" + ")" * 300)
    assert {d.code for d in check_plan(plan_name, text).errors} == {"E101"}
    formatted = format_plan(text, plan_name)
    _valid(formatted.diagnostics)
    assert formatted.text is None


def test_nesting_up_to_the_limit_is_fine(plan_name: str) -> None:
    text = _measure("count(t where " + "not " * 48 + "a = 1) + " + "(1 + " * 48 + "1" + ")" * 48)
    assert not parse_text(text, plan_name).has_syntax_errors
    formatted = format_plan(text, plan_name)
    assert formatted.text is not None
    assert parse_text(formatted.text, plan_name).items == parse_text(text, plan_name).items


def _big_plan(goals: int) -> str:
    parts = [EXAMPLE]
    for i in range(goals):
        parts.append(
            f"""\
indicator csat_{i} "Customer satisfaction, queue {i}" {{
  kind     kpi
  unit     "%"
  better   higher
  measure  100 * count(surveys where score >= 4 and queue = {i}) / count(surveys)
}}

goal satisfied_{i} "Keep queue {i} satisfied" {{  # one of many
  serves      loyalty
  indicator   csat_{i}
  target      >= 90
  cycle       monthly
  owner       wang_fang
  lead        support
  warn        < 92
  critical    < 85
  escalation  standard
}}
"""
        )
    return "\n".join(parts)


def test_a_two_megabyte_plan(plan_name: str) -> None:
    text = _big_plan(4500)
    assert len(text.encode()) > 2_000_000
    checked = check_plan(plan_name, text)
    _valid(checked.diagnostics)
    assert checked.plan is not None, [d.headline() for d in checked.errors[:3]]
    formatted = format_plan(text, plan_name)
    assert formatted.text is not None, [d.headline() for d in formatted.diagnostics]


@pytest.mark.parametrize(
    "data",
    [
        b"plan \xff\xfe {\n}\n",
        EXAMPLE.encode()[:500] + b"\xc3\x28" + EXAMPLE.encode()[500:],
        b"\x80",
        "person ana".encode("utf-16"),
    ],
    ids=["bad-start-byte", "bad-continuation", "lone-continuation", "utf-16"],
)
def test_goalline_check_on_bytes_that_are_not_utf8(data: bytes, tmp_path: Path) -> None:
    plan = tmp_path / "broken.goal"
    plan.write_bytes(data)
    for argv, stdin in (([str(plan)], None), (["-"], data)):
        done = subprocess.run(
            [str(GOALLINE), "check", *argv],
            input=stdin,
            capture_output=True,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        output = (done.stdout + done.stderr).decode("utf-8", errors="replace")
        assert "Traceback" not in output
        assert done.returncode in (1, 2), output
        assert "UTF-8" in output or "E100" in output, output


# ---------------------------------------------------------------- found by the properties


def test_include_with_a_nul_character(plan_name: str) -> None:
    checked = check_plan(plan_name, 'include "\x00"\n')
    _valid(checked.diagnostics)
    assert [d.message for d in checked.errors] == ["cannot include '\x00': not a valid file name"]


def test_formatting_adds_no_blank_line_inside_a_block(plan_name: str) -> None:
    formatted = format_plan('\nteam t "T" { lead a  members a }\n', plan_name).text
    assert formatted == 'team t "T" {\n  lead     a\n  members  a\n}\n'
