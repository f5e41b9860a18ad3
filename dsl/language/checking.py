"""A plan read, parsed and checked with its includes (`check_plan`), or one file formatted
(`format_plan`): the language's two whole-file operations, with their diagnostics sorted.
No store and no clock: `dsl.api` adds those."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .assemble import assemble
from .checks import run_checks
from .diagnostics import Diagnostic, error, sort_key
from .formatter import format_text
from .grammar import paused_gc
from .load import STDIN, load
from .model import Plan
from .parse import parse_text
from .source import Span, position_of


@dataclass(frozen=True)
class Checked:
    """A plan and what the checker said. `plan` is None when there is any error."""

    plan: Plan | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if not d.is_error)

    @property
    def ok(self) -> bool:
        return self.plan is not None


def check_plan(path: str, text: str | None = None) -> Checked:
    """Read, parse and check the plan at `path` (or `text`, named `path`) with its includes."""
    with paused_gc():  # checking makes no reference cycles either (see paused_gc)
        return _check(path, text)


def _check(path: str, text: str | None) -> Checked:
    loaded = load(path, text)
    problems = [*loaded.problems, *(p for f in loaded.files for p in f.problems)]
    if loaded.problems or any(f.has_syntax_errors for f in loaded.files):
        return Checked(None, sorted_diagnostics(problems), loaded.sources)
    plan, structure = assemble(loaded, path)
    try:
        found = run_checks(plan)
    except RecursionError:
        found = [_too_deep(loaded.sources, path)]
    diagnostics = sorted_diagnostics([*problems, *structure, *found])
    has_errors = any(d.is_error for d in diagnostics)
    return Checked(None if has_errors else plan, diagnostics, loaded.sources)


def check_text(text: str, name: str = STDIN) -> Checked:
    return check_plan(name, text)


def sorted_diagnostics(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(dict.fromkeys(diagnostics), key=sort_key))


def _too_deep(sources: Mapping[str, str], root: str) -> Diagnostic:
    """Point at the deepest parenthesis of the deepest-nested file."""
    best = (0, root, 0)
    for name, text in sources.items():
        depth = deepest = at = 0
        for index, char in enumerate(text):
            depth += (char == "(") - (char == ")")
            if depth > deepest:
                deepest, at = depth, index
        best = max(best, (deepest, name, at))
    _, name, at = best
    line, column = position_of(sources.get(name, ""), at)
    return error(
        "E101", "this expression is nested too deeply to be read", Span(name, line, column)
    )


@dataclass(frozen=True)
class Formatted:
    """The canonical text of one file, or why it could not be formatted."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str]


def format_plan(text: str, name: str = STDIN) -> Formatted:
    """Format one file (its includes are formatted on their own). Only syntax matters here:
    a plan that parses but does not check can still be formatted."""
    before = parse_text(text, name)
    if before.has_syntax_errors:
        return Formatted(None, sorted_diagnostics(list(before.problems)), {name: text})
    try:
        formatted = format_text(text)
        after = parse_text(formatted, name)
        changed = after.items != before.items or after.has_syntax_errors
    except RecursionError:
        return Formatted(None, (_too_deep({name: text}, name),), {name: text})
    if changed:
        # A formatter bug must never cost a user their plan: refuse rather than write.
        message = "the formatter would change what this plan means; the file is left as it is"
        return Formatted(None, (error("E900", message, Span(name, 0, 0)),), {name: text})
    return Formatted(formatted, (), {name: text})
