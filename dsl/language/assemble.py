"""Merge the parsed files of a plan into one `Plan`, reporting a missing or second plan
block and identifiers declared twice (the first declaration wins)."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from . import model as m
from .diagnostics import Diagnostic, error
from .load import Loaded
from .parse import ParsedFile
from .source import Span


def assemble(loaded: Loaded, root: str) -> tuple[m.Plan, list[Diagnostic]]:
    """One plan from the root file, each include's declarations spliced in where it stands."""
    problems: list[Diagnostic] = []
    infos: list[m.PlanInfo] = []
    declarations: list[m.Declaration] = []
    by_id: dict[str, m.Declaration] = {}
    for item in _items(loaded, loaded.files[0]) if loaded.files else ():
        if isinstance(item, m.PlanInfo):
            infos.append(item)
        else:
            declarations.append(item)
            first = by_id.setdefault(item.id, item)
            if first is not item:
                problems.append(_duplicate(item, first))
    if not infos:
        problems.append(
            error(
                "E206", 'there is no plan block: add plan "Title" { period ... }', Span(root, 1, 1)
            )
        )
    for extra in infos[1:]:
        problems.append(
            error(
                "E206",
                f"a plan has one plan block; it is already declared at {_place(infos[0], extra)}",
                extra.span,
            )
        )
    # Without a plan block, a blank one stands in (at line 0, so no check reports on it).
    info = infos[0] if infos else m.PlanInfo(span=Span(root, 0, 0))
    names = tuple(f.file for f in loaded.files)
    plan = m.Plan(
        info=info, declarations=tuple(declarations), files=names, by_id=MappingProxyType(by_id)
    )
    return plan, problems


def _items(loaded: Loaded, parsed: ParsedFile) -> Iterator[m.PlanInfo | m.Declaration]:
    for index, item in enumerate(parsed.items):
        if isinstance(item, m.Include):
            child = loaded.included.get((parsed.file, index))
            if child is not None:
                yield from _items(loaded, child)
        else:
            yield item


def _duplicate(item: m.Declaration, first: m.Declaration) -> Diagnostic:
    where = _place(first, item)
    return error(
        "E201",
        f"'{item.id}' is already declared: {_a(first.keyword)} {first.keyword} at {where}",
        item.span,
    )


def _place(first: m.Item, later: m.Item) -> str:
    """`line 12` in the same file, `shared/people.goal:3:8` in another."""
    same = first.span.file == later.span.file
    return f"line {first.span.line}" if same else str(first.span)


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
