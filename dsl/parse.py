"""Text to plan items: the only module that sees Lark's exceptions.

A syntax error becomes a diagnostic that says, in a service manager's words, what was found
and what was expected. After an error the parser resumes at the next line that starts a
declaration, so one run reports every broken declaration, not only the first.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from lark import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.utils import TextSlice

from . import model as m
from .diagnostics import Diagnostic, error, suggestion
from .grammar import Parsers, parsers
from .source import Span, position_of

MAX_SYNTAX_ERRORS = 50

DECLARATION_KEYWORDS = (
    "plan", "person", "team", "objective", "source", "indicator", "runbook", "escalation",
    "goal", "milestone", "include",
)  # fmt: skip
_RESTART = re.compile(rf"^(?:{'|'.join(DECLARATION_KEYWORDS)})(?=[ \t\r\n\"{{]|$)", re.M)

# What a terminal means, for people; keywords are described as themselves.
_DESCRIPTIONS = {
    "NAME": "an identifier",
    "STRING": 'a quoted text such as "Customer satisfaction"',
    "DATE": "a date such as 2026-01-01",
    "DURATION": "a duration such as 30m, 4h, 2d or 3w",
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
_OPERATORS = {"CMP", "EQ", "ADD_OP", "MUL_OP"}


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one file holds: its items in order, and the problems found while reading it."""

    file: str
    items: tuple[m.Item, ...]
    problems: tuple[Diagnostic, ...]

    @property
    def has_syntax_errors(self) -> bool:
        return any(p.code == "E101" for p in self.problems)


_lock = threading.Lock()  # the builder is shared by the one parser; parse one text at a time


def parse_text(text: str, file: str) -> ParsedFile:
    """Parse one file's text. Never raises for any input."""
    chunks = parsers()
    # A parse makes no reference cycles, but on large plans the collector would walk the
    # growing heap again and again (10,000 goals: 40% slower). Pause it for the parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(chunks, text, file)
    finally:
        if collecting:
            gc.enable()


def _parse(chunks: Parsers, text: str, file: str) -> ParsedFile:
    with _lock:
        builder = chunks.builder
        builder.reset(file)
        try:
            items: list[m.Item] = chunks.model.parse(text)  # type: ignore[assignment]
            return ParsedFile(file, tuple(items), tuple(builder.problems))
        except UnexpectedInput as first:
            syntax = [_describe(first, text, file)]
            syntax.extend(_later_errors(text, file, _line_end(text, first)))
    return ParsedFile(file, (), tuple(syntax))


def _later_errors(text: str, file: str, offset: int) -> Iterable[Diagnostic]:
    """Resume at each next declaration after an error, collecting one error per broken one."""
    parser = parsers().model
    count = 1
    for restart in _RESTART.finditer(text, offset):
        if restart.start() < offset:
            continue
        if count >= MAX_SYNTAX_ERRORS:
            return
        try:
            parser.parse(TextSlice(text, restart.start(), len(text)))
            return
        except UnexpectedInput as err:
            count += 1
            yield _describe(err, text, file)
            offset = _line_end(text, err)


def _line_end(text: str, err: UnexpectedInput) -> int:
    at = _offset(err, text)
    end = text.find("\n", at)
    return len(text) if end < 0 else end + 1


def _offset(err: UnexpectedInput, text: str) -> int:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        return len(text.rstrip())
    pos = getattr(err, "pos_in_stream", None)
    if pos is None and isinstance(err, UnexpectedToken):
        pos = err.token.start_pos
    return pos if isinstance(pos, int) and pos >= 0 else 0


# ---------------------------------------------------------------- messages


def _describe(err: UnexpectedInput, text: str, file: str) -> Diagnostic:
    offset = _offset(err, text)
    line, column = position_of(text, offset)
    span = Span(file, line, column)
    if isinstance(err, UnexpectedCharacters):
        return error("E101", _unexpected_characters(err, text, offset), span)
    assert isinstance(err, UnexpectedToken)
    expected = err.accepts or err.expected
    token = err.token
    if token.type == "$END":
        return error("E101", f"the file ends too early; expected {_expected(expected)}", span)
    value = str(token)
    if token.type in _OPERATORS:
        # `=>` is lexed as `=` then `>`: show the whole run of symbols the user typed.
        run = re.match(r"[^\s\w\"#]+", text[offset:])
        value = run.group(0) if run else value
    return error("E101", _unexpected_token(token.type, value, expected, text, offset), span)


def _unexpected_token(kind: str, value: str, expected: set[str], text: str, offset: int) -> str:
    keywords = sorted(_keyword(name) for name in expected if _keyword(name))
    looks_like_word = kind == "NAME" or bool(_keyword(kind))
    if looks_like_word and keywords and expected <= _DECLARATION_TERMINALS | {"$END"}:
        hint = suggestion(value, keywords)
        return f"unknown declaration '{value}'{hint}; expected {_expected(expected)}"
    if looks_like_word and "RBRACE" in expected and keywords:
        where = _enclosing(text, offset)
        hint = suggestion(value, keywords)
        return f"unknown attribute '{value}'{where}{hint}; expected {_expected(expected)}"
    hint = suggestion(value, keywords) if looks_like_word else ""
    return f"unexpected {_token_words(kind, value)}{hint}; expected {_expected(expected)}"


def _unexpected_characters(err: UnexpectedCharacters, text: str, offset: int) -> str:
    word = re.match(r"\S{1,20}", text[offset:])
    found = word.group(0) if word else text[offset : offset + 1]
    if found.startswith('"'):
        return 'this text is not closed: a string needs a closing " on the same line'
    allowed = set(err.allowed or ())
    if "DURATION" in allowed and re.match(r"\d+", found):
        return f"'{found}' is not a duration; expected {_DESCRIPTIONS['DURATION']}"
    if "DATE" in allowed and re.match(r"\d", found):
        return f"'{found}' is not a date; expected {_DESCRIPTIONS['DATE']}"
    return f"unexpected '{found}'; expected {_expected(allowed)}"


def _token_words(kind: str, value: str) -> str:
    if kind == "STRING":
        return f"text {value}"
    if kind in ("NUMBER", "DATE", "DURATION"):
        return f"{kind.lower()} {value}"
    return f"'{value}'"


def _keyword(terminal: str) -> str:
    pattern = _patterns().get(terminal)
    return pattern if pattern and pattern.isalpha() else ""


def _expected(terminals: Iterable[str]) -> str:
    words: list[str] = []
    keywords: list[str] = []
    for name in terminals:
        keyword = _keyword(name)
        if keyword:
            keywords.append(f"'{keyword}'")
        else:
            words.append(_DESCRIPTIONS.get(name) or _literal(name))
    ordered = sorted(set(words), key=lambda w: (w.startswith("'"), w)) + sorted(keywords)
    if "the end of the file" in ordered:
        ordered.remove("the end of the file")
        ordered.append("the end of the file")
    if not ordered:
        return "something else"
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " or " + ordered[-1]


def _literal(terminal: str) -> str:
    pattern = _patterns().get(terminal)
    return f"'{pattern}'" if pattern else terminal.lower()


def _enclosing(text: str, offset: int) -> str:
    """` in goal 'x'`: the declaration that the error falls in, found by its header line."""
    header = None
    for header in _HEADER.finditer(text, 0, offset):  # noqa: B007 - the last one is wanted
        continue
    return f" in {header.group(1)} '{header.group(2)}'" if header else ""


_HEADER = re.compile(rf"^({'|'.join(DECLARATION_KEYWORDS)})[ \t]+([^\W\d]\w*)", re.M)
_pattern_cache: dict[str, str] = {}


def _patterns() -> dict[str, str]:
    """Terminal name to its literal text, for string terminals (keywords and punctuation)."""
    if not _pattern_cache:
        for terminal in parsers().model.terminals:
            if terminal.pattern.type == "str":
                _pattern_cache[terminal.name] = terminal.pattern.value
    return _pattern_cache


_DECLARATION_TERMINALS = {name.upper() for name in DECLARATION_KEYWORDS}
