"""Source text and places in it: spans, and the "source line plus caret" excerpt of a place.

Positions are 1-based lines and columns counted in characters, as Lark counts them.
"""

from __future__ import annotations

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


def excerpt(text: str, line: int, column: int, width: int = 100) -> str:
    """The source line at `line` and a caret under `column`, trimmed to about `width` columns."""
    source_line = line_of(text, line)
    if not source_line.strip():
        return ""
    caret_at = max(column - 1, 0)
    start = max(0, caret_at - width // 2) if len(source_line) > width else 0
    shown = source_line[start : start + width]
    prefix = "…" if start else ""
    shown_before = printable(prefix + source_line[start:caret_at])
    pad = "".join("\t" if ch == "\t" else " " for ch in shown_before)
    return f"  {printable(prefix + shown)}\n  {pad}^"


def position_of(text: str, offset: int) -> tuple[int, int]:
    """The (line, column) of a character offset in `text`."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
