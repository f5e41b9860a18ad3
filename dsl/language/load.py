"""Read a plan file and its includes: the only I/O the language side does.

Includes are resolved relative to the including file, each file is read once, and a cycle
of includes is reported at the `include` that closes it. Files are named in diagnostics as
the user named them (the root as given, includes joined to their includer's folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import model as m
from .diagnostics import Diagnostic, error
from .parse import ParsedFile, parse_text
from .source import Span, position_of

STDIN = "<stdin>"


@dataclass
class Loaded:
    """Every file of a plan, parsed, in the order they were read, and their texts."""

    files: list[ParsedFile] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    # (including file, index of the include among its items) -> the file it brought in
    included: dict[tuple[str, int], ParsedFile] = field(default_factory=dict)


def read_text(path: Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    """The UTF-8 text of a file, or the reason it cannot be had."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, error("E100", f"cannot read {shown}: {exc.strerror or exc}", Span(shown, 0, 0))
    except ValueError:  # a NUL character in the name
        return None, error("E100", f"cannot read {shown}: not a valid file name", Span(shown, 0, 0))
    return decode(data, shown)


def decode(data: bytes, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig", errors="replace")
        line, column = position_of(good, len(good))
        message = (
            f"this file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read):"
            " save it as UTF-8"
        )
        return None, error("E100", message, Span(shown, line, column))


def load(root: str, text: str | None = None) -> Loaded:
    """Parse `root` (or the given text, named `root`) and every file it includes."""
    loaded = Loaded()
    base = Path.cwd() if root == STDIN else Path(root).parent
    if text is None:
        text, problem = read_text(Path(root), root)
        if problem:
            loaded.problems.append(problem)
            return loaded
    key = str(Path(root).resolve()) if root != STDIN else STDIN
    assert text is not None
    _load_one(loaded, root, text, base, [key], {key})
    return loaded


def _load_one(
    loaded: Loaded, shown: str, text: str, folder: Path, stack: list[str], seen: set[str]
) -> ParsedFile:
    loaded.sources[shown] = text
    parsed = parse_text(text, shown)
    loaded.files.append(parsed)
    for index, item in enumerate(parsed.items):
        if isinstance(item, m.Include):
            child = _include(loaded, item, shown, folder, stack, seen)
            if child is not None:
                loaded.included[(shown, index)] = child
    return parsed


def _include(
    loaded: Loaded, item: m.Include, includer: str, folder: Path, stack: list[str], seen: set[str]
) -> ParsedFile | None:
    target = folder / item.path
    try:
        key = str(target.resolve())
    except (OSError, ValueError):
        key = str(target)  # cannot be resolved: reading it below reports why
    shown = os.path.normpath(os.path.join(os.path.dirname(includer), item.path))
    if includer == STDIN:
        shown = os.path.normpath(item.path)
    if key in stack:
        chain = " includes ".join(
            [*(os.path.basename(k) for k in stack[stack.index(key) :]), os.path.basename(key)]
        )
        loaded.problems.append(error("E103", f"include cycle: {chain}", item.span))
        return None
    if key in seen:
        return None  # already read through another include: its declarations are in once
    seen.add(key)
    text, problem = read_text(target, shown)
    if problem:
        message = problem.message.replace(f"cannot read {shown}", f"cannot include '{item.path}'")
        loaded.problems.append(
            error("E103", message, item.span) if not problem.span.line else problem
        )
        return None
    assert text is not None
    return _load_one(loaded, shown, text, target.parent, [*stack, key], seen)
