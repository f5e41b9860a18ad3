"""Merge the parsed files of a plan into one `Plan`, reporting a missing or second plan
block and identifiers declared twice (the first declaration wins)."""

from __future__ import annotations

from collections.abc import Iterable

from . import model as m
from .diagnostics import Diagnostic, error
from .parse import ParsedFile
from .source import Span


def assemble(files: Iterable[ParsedFile], root: str) -> tuple[m.Plan, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    infos: list[m.PlanInfo] = []
    declarations: list[m.Declaration] = []
    by_id: dict[str, m.Declaration] = {}
    names: list[str] = []
    for parsed in files:
        names.append(parsed.file)
        for item in parsed.items:
            if isinstance(item, m.PlanInfo):
                infos.append(item)
            elif not isinstance(item, m.Include):
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
                "E206", f"a second plan block; the plan is declared at {infos[0].span}", extra.span
            )
        )
    info = infos[0] if infos else m.PlanInfo(span=Span(root, 1, 1))
    plan = m.Plan(info=info, declarations=tuple(declarations), files=tuple(names), by_id=by_id)
    return plan, problems


def _duplicate(item: m.Declaration, first: m.Declaration) -> Diagnostic:
    where = first.span if first.span.file != item.span.file else f"line {first.span.line}"
    return error(
        "E201",
        f"'{item.id}' is already declared: {_a(first.keyword)} {first.keyword} at {where}",
        item.span,
    )


def _a(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"
