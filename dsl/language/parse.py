"""Text to plan items: the only module that sees Lark's exceptions.

A syntax error becomes a diagnostic (worded by `syntax_errors`). After an error the parser
resumes at the next line that starts a declaration, so one run reports every broken
declaration, not only the first.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from lark import UnexpectedInput
from lark.utils import TextSlice

from . import model as m
from .diagnostics import Diagnostic, error
from .grammar import Parsers, parsers, paused_gc
from .source import Span, position_of
from .syntax_errors import DECLARATION_KEYWORDS, describe, error_offset

MAX_SYNTAX_ERRORS = 50
_RESTART = re.compile(rf"^(?:{'|'.join(DECLARATION_KEYWORDS)})(?=[ \t\r\n\"{{]|$)", re.M)


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
    with paused_gc():
        return _parse(parsers(), text, file)


def _parse(chunks: Parsers, text: str, file: str) -> ParsedFile:
    with _lock:
        builder = chunks.builder
        builder.reset(file)
        try:
            items: list[m.Item] = chunks.model.parse(text)  # type: ignore[assignment]
            return ParsedFile(file, tuple(items), tuple(builder.problems))
        except UnexpectedInput as first:
            syntax = [describe(first, text, file, chunks.model)]
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
            line, column = position_of(text, restart.start())
            message = (
                f"stopped after {MAX_SYNTAX_ERRORS} syntax errors: fix these, then check again"
            )
            yield error("E101", message, Span(file, line, column))
            return
        try:
            parser.parse(TextSlice(text, restart.start(), len(text)))
            return
        except UnexpectedInput as err:
            count += 1
            yield describe(err, text, file, parser)
            offset = _line_end(text, err)


def _line_end(text: str, err: UnexpectedInput) -> int:
    at = error_offset(err, text)
    end = text.find("\n", at)
    return len(text) if end < 0 else end + 1
