"""Lark's syntax errors, told in a service manager's words.

`describe` turns an `UnexpectedInput` into one diagnostic saying what was found, where, and
what could come there instead ("expected a comparison such as >= 90"), with "did you mean"
for misspelt keywords and plain advice for the usual slips (a missing `}`, `=>` for `>=`,
a unit typed after a number, two parts of a measure without an operator between them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lark import Lark, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .diagnostics import Diagnostic, error, suggestion
from .source import Span, position_of

DECLARATION_KEYWORDS = (
    "plan", "person", "team", "objective", "source", "calendar", "exclude", "indicator", "runbook",
    "escalation", "goal", "milestone", "include",
)  # fmt: skip
DECLARATION_TERMINALS = frozenset(name.upper() for name in DECLARATION_KEYWORDS)

# What a terminal means, for people; keywords are described as themselves.
_DESCRIPTIONS = {
    "NAME": "an identifier",
    "QUOTED": "a name in backquotes such as `Created at`",
    "STRING": 'a quoted text such as "Customer satisfaction"',
    "DATE": "a date such as 2026-01-01",
    "DURATION": "a duration such as 30m, 4h, 2d or 3w",
    "HOURS": "hours such as 09:00-17:30",
    "CLOCK": "a time of day such as 22:00",
    "NUMBER": "a number",
    "CMP": "a comparison such as >= 90",
    "EQ": 'a comparison such as = "resolved"',
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "DOT": "'.'",
    "$END": "the end of the file",
}
_OPERATORS = frozenset(("CMP", "EQ", "ADD_OP", "MUL_OP"))
_SWAPPED = {"=>": ">=", "=<": "<=", "==": "=", "<>": "!="}
_HEADER = re.compile(rf"^({'|'.join(DECLARATION_KEYWORDS)})[ \t]+([^\W\d]\w*)", re.M)


def describe(err: UnexpectedInput, text: str, file: str, parser: Lark) -> Diagnostic:
    """One diagnostic for one syntax error."""
    names = _Terminals(parser)
    offset = error_offset(err, text)
    if isinstance(err, UnexpectedCharacters):
        return _at(text, file, offset, _characters(err, text, offset, names))
    assert isinstance(err, UnexpectedToken)
    expected = set(err.accepts or err.expected)
    token = err.token
    if token.type == "$END":
        return _at(text, file, offset, _end_of_file(expected, text, offset, names))
    if token.type in _OPERATORS:
        # `=>` arrives as `=` then `>`, and the error may fall on either: show the whole run.
        start = offset
        while start > 0 and text[start - 1] in "=!<>":
            start -= 1
        run = re.match(r"[=!<>]+", text[start:])
        if run and len(run.group(0)) > 1:
            typed = run.group(0)
            if typed in _SWAPPED:
                message = f"unexpected '{typed}': did you mean '{_SWAPPED[typed]}'?"
            else:
                message = f"unexpected '{typed}'; expected {names.expected(expected)}"
            return _at(text, file, start, message)
    return _at(text, file, offset, _token(token.type, str(token), expected, text, offset, names))


def error_offset(err: UnexpectedInput, text: str) -> int:
    """Where the error is, as a character offset (the end of the text for a missing end)."""
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        return len(text.rstrip())
    pos = getattr(err, "pos_in_stream", None)
    if pos is None and isinstance(err, UnexpectedToken):
        pos = err.token.start_pos
    return pos if isinstance(pos, int) and pos >= 0 else 0


def _at(text: str, file: str, offset: int, message: str) -> Diagnostic:
    line, column = position_of(text, offset)
    return error("E101", message, Span(file, line, column))


def _end_of_file(expected: set[str], text: str, offset: int, names: _Terminals) -> str:
    if "RBRACE" in expected:
        inside = enclosing(text, offset) or "a block"
        return f"the file ends inside {inside}: a closing '}}' is missing"
    return f"the file ends too early; expected {names.expected(expected)}"


def _token(
    kind: str, value: str, expected: set[str], text: str, offset: int, names: _Terminals
) -> str:
    advice = _advice(kind, value, expected, text, offset)
    if advice:
        return advice
    keywords = sorted(k for k in map(names.keyword, expected) if k)
    word = kind == "NAME" or bool(names.keyword(kind))
    if kind in DECLARATION_TERMINALS and "RBRACE" in expected:
        inside = enclosing(text, offset) or "the block above"
        return f"unexpected '{value}': {inside} is not closed; add '}}' before this line"
    if word and keywords and expected <= DECLARATION_TERMINALS | {"$END"}:
        hint = suggestion(value, keywords)
        return f"unknown declaration '{value}'{hint}; expected {names.expected(expected)}"
    called = text[offset + len(value) :].startswith("(")
    if kind == "NAME" and expected & {"ADD_OP", "MUL_OP"} and called:
        return (
            f"an operator is missing before '{value}(': join the parts of a measure with"
            " +, -, * or /"
        )
    if word and "RBRACE" in expected and keywords:
        inside = enclosing(text, offset)
        where = f" in {inside}" if inside else ""
        hint = suggestion(value, keywords)
        owners = _declarations_taking(value, names)
        if owners and not hint:
            block = inside or "this block"
            return f"'{value}' is not an attribute of {block}; it belongs to {owners}"
        return f"unknown attribute '{value}'{where}{hint}; expected {names.expected(expected)}"
    hint = suggestion(value, keywords) if word else ""
    return f"unexpected {_words(kind, value)}{hint}; expected {names.expected(expected)}"


def _advice(kind: str, value: str, expected: set[str], text: str, offset: int) -> str:
    """Plain advice for slips that people make often, or an empty string."""
    written = re.match(r"\S+", text[offset:])
    run = written.group(0) if written else value
    if kind == "NAME" and {"STRING", "NUMBER"} <= expected and "NAME" not in expected:
        return (
            f"unexpected '{value}': a condition compares a column with a number or a quoted"
            f' text, such as "{value}"'
        )
    if kind == "NUMBER" and "DATE" in expected:
        return f"'{run}' is not a date; write dates as year-month-day, such as 2026-05-31"
    if kind == "NUMBER" and "DURATION" in expected:
        return (
            f"unexpected number {value}: a duration is a number and its unit letter,"
            " such as 30m, 4h, 2d or 3w"
        )
    if kind in ("STRING", "QUOTED") and "QUOTED" in expected:
        return (
            f"unexpected text {value}: a column or table name with spaces or other signs goes"
            f" in backquotes, such as `{value[1:-1]}`"
        )
    if kind == "STRING" and expected == {"NAME"}:
        return (
            f"unexpected text {value}: refer to a person, team or other declaration by its"
            " identifier, without quotes"
        )
    before, after = text[offset - 1 : offset], text[offset + 1 : offset + 2]
    if value == "-" and (before.isalnum() or before == "_") and (after.isalpha() or after == "_"):
        return "an identifier cannot contain '-': use '_' instead, as in wang_fang"
    return ""


def _characters(err: UnexpectedCharacters, text: str, offset: int, names: _Terminals) -> str:
    word = re.match(r"\S{1,20}", text[offset:])
    found = word.group(0) if word else text[offset : offset + 1]
    if found.startswith('"'):
        return 'this text is not closed: a string needs a closing " on the same line'
    if found.startswith("%"):
        return (
            "unexpected '%': write the number alone, such as target >= 90, and give the unit"
            ' on the indicator, such as unit "%"'
        )
    allowed = set(err.allowed or ())
    if found.startswith("'") and "QUOTED" in allowed:
        name = re.match(r"'([^'\n]*)'?", text[offset:])
        written = name.group(1) if name else ""
        return (
            'unexpected "\'": a column or table name with spaces or other signs goes in'
            f" backquotes, such as `{written}`"
        )
    if "DURATION" in allowed and re.match(r"\d+", found):
        return f"'{found}' is not a duration; expected {_DESCRIPTIONS['DURATION']}"
    if "DATE" in allowed and re.match(r"\d", found):
        return f"'{found}' is not a date; expected {_DESCRIPTIONS['DATE']}"
    return f"unexpected '{found}'; expected {names.expected(allowed)}"


def _words(kind: str, value: str) -> str:
    if kind == "STRING":
        return f"text {value}"
    if kind in ("NUMBER", "DATE", "DURATION"):
        return f"{kind.lower()} {value}"
    return f"'{value}'"


def enclosing(text: str, offset: int) -> str:
    """`goal 'x'`: the declaration an offset falls in, found by its header line."""
    header = None
    for header in _HEADER.finditer(text, 0, offset):  # noqa: B007 - the last one is wanted
        continue
    return f"{header.group(1)} '{header.group(2)}'" if header else ""


def _declarations_taking(keyword: str, names: _Terminals) -> str:
    """`milestones`: the kinds of declaration whose block takes this attribute keyword."""
    kinds = [kind for kind, attributes in names.attributes().items() if keyword in attributes]
    return " and ".join(f"{kind}s" if kind != "plan" else "the plan" for kind in kinds)


class _Terminals:
    """What the grammar's terminals are called, read from the parser itself."""

    def __init__(self, parser: Lark) -> None:
        self.parser = parser
        self.patterns = _patterns(parser)

    def keyword(self, terminal: str) -> str:
        pattern = self.patterns.get(terminal, "")
        return pattern if pattern.isalpha() else ""

    def expected(self, terminals: Iterable[str]) -> str:
        words: set[str] = set()
        keywords: set[str] = set()
        for name in terminals:
            keyword = self.keyword(name)
            if keyword:
                keywords.add(f"'{keyword}'")
            elif name != "$END":
                pattern = self.patterns.get(name)
                words.add(_DESCRIPTIONS.get(name) or (f"'{pattern}'" if pattern else name.lower()))
        ordered = sorted(words, key=lambda w: (w.startswith("'"), w)) + sorted(keywords)
        if "$END" in terminals:
            ordered.append("the end of the file")
        if not ordered:
            return "something else"
        return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " or " + ordered[-1]

    def attributes(self) -> dict[str, frozenset[str]]:
        return _attributes(self.parser)


@cache
def _patterns(parser: Lark) -> dict[str, str]:
    """Terminal name to its literal text, for string terminals (keywords and punctuation)."""
    return {t.name: t.pattern.value for t in parser.terminals if t.pattern.type == "str"}


@cache
def _attributes(parser: Lark) -> dict[str, frozenset[str]]:
    """The attribute keywords each kind of block takes, asked of the parser itself."""
    patterns = _patterns(parser)
    found: dict[str, frozenset[str]] = {}
    for kind in DECLARATION_KEYWORDS:
        opening = f'{kind} "x" {{' if kind == "plan" else f"{kind} x {{"
        if kind == "include":
            continue
        interactive = parser.parse_interactive(opening)
        interactive.exhaust_lexer()
        accepted = {patterns.get(t, "") for t in interactive.accepts()}  # type: ignore[no-untyped-call]
        found[kind] = frozenset(a for a in accepted if a.isalpha())
    return found
