"""`goalline check` and `goalline fmt`: the plan language from the command line."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..store.database import Store

from ..errors import Exit
from ..files import resolved, write_file
from .common import STDIN, fail, moment

UNREADABLE = "E100"  # the diagnostic code of a plan file that cannot be read or decoded


@click.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--summary", is_flag=True, help="Also print an overview of each plan that checks.")
@click.option("--db", help="Also check names and targets against this store's data.")
@click.option("--as-of", help="With --db: judge history as at this date or time (default: now).")
def check(
    plans: tuple[str, ...], strict: bool, summary: bool, db: str | None, as_of: str | None
) -> None:
    """Parse and check PLANS; print every error and warning with its place."""
    store = _open_store(db) if db else None
    try:
        worst = _check_each(plans, strict, summary, store, as_of)
    finally:
        if store is not None:
            store.close()  # a server's connection too, not only when the process ends
    sys.exit(worst)


def _check_each(
    plans: tuple[str, ...], strict: bool, summary: bool, store: Store | None, as_of: str | None
) -> Exit:
    from ..api import check_plan
    from ..language.diagnostics import render
    from ..language.summary import overview

    worst = Exit.OK
    for name in plans:
        path, text = _plan_source(name)
        if store is None:
            checked = check_plan(path, text)
        else:
            from ..api import check_against  # the engine and SQLGlot: only with a store

            checked = check_against(path, store, moment(as_of, "UTC"), text)
        unreadable = [d for d in checked.errors if d.code == UNREADABLE]
        for diagnostic in unreadable:
            where = f"{diagnostic.span}: " if diagnostic.span.line else ""
            fail(f"{where}{diagnostic.message}")
        if unreadable:
            worst = Exit.CANNOT_RUN
            continue
        for diagnostic in checked.diagnostics:
            click.echo(render(diagnostic, checked.sources))
        found = bool(checked.errors) or (strict and bool(checked.warnings))
        click.echo(_verdict(_shown(name), checked.errors, checked.warnings, strict))
        if found and worst is Exit.OK:
            worst = Exit.FOUND
        if summary and checked.plan is not None:
            click.echo(overview(checked.plan), nl=False)
    return worst


def _open_store(path: str) -> Store:
    from ..store.database import Store

    return Store.open(path)


def _verdict(name: str, errors: Sequence[object], warnings: Sequence[object], strict: bool) -> str:
    counts = [_count(len(errors), "error"), _count(len(warnings), "warning")]
    said = ", ".join(c for c in counts if c)
    if errors or (strict and warnings):
        return f"{name}: {said}"
    return f"{name}: ok" + (f" ({said})" if said else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}" if n else ""


@click.command()
@click.argument("plans", nargs=-1, required=True)
@click.option("--check", "check_only", is_flag=True, help="Only report files that would change.")
@click.option("--diff", is_flag=True, help="Print the change instead of writing it.")
def fmt(plans: tuple[str, ...], check_only: bool, diff: bool) -> None:
    """Rewrite PLANS in the canonical layout, keeping every comment."""
    from ..api import format_plan
    from ..language.diagnostics import render

    worst = Exit.OK
    for name in plans:
        path, text = _plan_source(name)
        if text is None:
            text = _read(path)
            if text is None:
                worst = Exit.CANNOT_RUN
                continue
        result = format_plan(text, path)
        if result.text is None:
            for diagnostic in result.diagnostics:
                click.echo(render(diagnostic, result.sources), err=True)
            worst = Exit.CANNOT_RUN
            continue
        formatted = result.text
        if name == STDIN and not (check_only or diff):
            click.echo(formatted, nl=False)
            continue
        if formatted == text:
            continue
        if diff:
            click.echo("".join(_unified_diff(text, formatted, path)), nl=False)
        if check_only or diff:
            click.echo(f"would reformat {path}", err=diff)
            worst = max(worst, Exit.FOUND)
        else:
            try:  # a plan that is a link stays one: its target is formatted
                write_file(resolved(path), formatted)
            except OSError as exc:
                fail(f"cannot write {path}: {exc.strerror or exc}")
                worst = Exit.CANNOT_RUN
                continue
            click.echo(f"reformatted {path}", err=True)
    sys.exit(worst)


def _unified_diff(before: str, after: str, path: str) -> list[str]:
    return list(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=path,
            tofile=f"{path} (formatted)",
        )
    )


def _plan_source(name: str) -> tuple[str, str | None]:
    """The name to show and, for standard input, the text already read."""
    if name != STDIN:
        return name, None
    from ..language.load import STDIN as STDIN_NAME
    from ..language.load import decode

    text, problem = decode(sys.stdin.buffer.read(), STDIN_NAME)
    if problem is not None:
        fail(problem.headline())
        sys.exit(Exit.CANNOT_RUN)
    return STDIN_NAME, text


def _read(path: str) -> str | None:
    from ..language.load import read_text

    text, problem = read_text(Path(path), path)
    if problem is not None:
        where = f"{problem.span}: " if problem.span.line else ""
        fail(f"{where}{problem.message}")
    return text


def _shown(name: str) -> str:
    return "<stdin>" if name == STDIN else name
