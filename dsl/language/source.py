"""Source text and places in it: spans, and the "source line plus caret" excerpt of a place.

Positions are 1-based lines and columns counted in characters, as Lark counts them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a plan file: the file as the user named it, a line and a column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NOWHERE = Span("", 0, 0)

# Control characters in a plan are shown escaped: a hostile file must not drive the terminal.
_SHOW = {i: f"\\x{i:02x}" for i in range(32) if i != 9} | {0x7F: "\\x7f"}


def printable(text: str) -> str:
    """`text` with control characters escaped (tabs kept), safe to print to a terminal."""
    return text.translate(_SHOW)


def width(text: str) -> int:
    """How many terminal columns `text` takes: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """`text` padded with spaces to `columns` terminal columns (like `ljust`, for CJK too)."""
    return text + " " * (columns - width(text))


def cut(text: str, columns: int) -> str:
    """`text` in at most `columns` terminal columns (wide characters take two), marked … if cut."""
    if width(text) <= columns:
        return text
    while width(text) > columns - 1:
        text = text[:-1]
    return text + "…"


def line_of(text: str, line: int) -> str:
    """The `line`-th line of `text` (1-based), without its line ending; empty if out of range."""
    if line < 1:
        return ""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end].rstrip("\r")


def excerpt(text: str, line: int, column: int, limit: int = 100) -> str:
    """The source line at `line` and a caret under `column`, trimmed to about `limit` characters."""
    source_line = line_of(text, line)
    if not source_line.strip():
        return ""
    caret_at = max(column - 1, 0)
    start = max(0, caret_at - limit // 2) if len(source_line) > limit else 0
    shown = source_line[start : start + limit]
    prefix = "…" if start else ""
    shown_before = printable(prefix + source_line[start:caret_at])
    indent = "".join("\t" if ch == "\t" else " " * width(ch) for ch in shown_before)
    return f"  {printable(prefix + shown)}\n  {indent}^"


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The (line, column) of a character offset in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
