"""Diagnostics: what the parser and the checker say about a plan, with a stable code each.

The checker yields `Diagnostic` values and knows nothing of printing; `render` turns one
into `FILE:LINE:COL: error: message [CODE]` followed by the source line and a caret.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .source import Span, excerpt, printable


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place. `code` is stable and documented in docs/language.md."""

    severity: Severity
    code: str
    message: str
    span: Span

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        where = str(self.span) if self.span.line else self.span.file
        return f"{where}: {self.severity}: {printable(self.message)} [{self.code}]"


def error(code: str, message: str, span: Span) -> Diagnostic:
    return Diagnostic(Severity.ERROR, code, message, span)


def warning(code: str, message: str, span: Span) -> Diagnostic:
    return Diagnostic(Severity.WARNING, code, message, span)


def render(diagnostic: Diagnostic, sources: Mapping[str, str]) -> str:
    """The headline, then the source line with a caret when the text is known."""
    text = sources.get(diagnostic.span.file)
    shown = excerpt(text, diagnostic.span.line, diagnostic.span.column) if text else ""
    return f"{diagnostic.headline()}\n{shown}" if shown else diagnostic.headline()


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    return (span.file, span.line, span.column, diagnostic.message)


def suggestion(
    word: str, candidates: Iterable[str], spelled: Callable[[str], str] = "'{}'".format
) -> str:
    """` (did you mean 'x'?)` for the closest candidate, or an empty string; `spelled` writes
    the candidate as the plan would."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {spelled(close[0])}?)" if close else ""
