"""What every subcommand shares: reading the plan, --as-of and --timezone, and `stop()`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..errors import CannotRun

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from ..api import Checked, Program
    from ..language.model import Plan

STDIN = "-"
DB_ENV = "GOALLINE_DB"  # the store, for every command that needs one, when --db is not given


def db_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    """`--db`, which the environment's GOALLINE_DB stands for when not given."""
    return click.option("--db", required=required, envvar=DB_ENV, show_envvar=True, help=help)


def fail(message: str) -> None:
    click.echo(f"goalline: error: {message}", err=True)


def stop(message: str) -> NoReturn:
    """End the command with `Exit.CANNOT_RUN`, saying why (told by `main.Goalline`)."""
    raise CannotRun(message)


def load_plan(path: str) -> Plan:
    """The checked plan at `path`; its errors end the command, as it cannot run without it."""
    from ..api import check_plan

    checked = check_plan(path)
    _stop_unless_checked(path, checked)
    assert checked.plan is not None
    return checked.plan


def load_program(path: str) -> Program:
    """The plan at `path`, checked once and compiled for evaluation; its errors end the
    command."""
    from ..api import compile

    program = compile(path)
    _stop_unless_checked(path, program.checked)
    return program


def _stop_unless_checked(path: str, checked: Checked) -> None:
    from ..language.diagnostics import render

    unreadable = [d for d in checked.errors if d.code == "E100"]
    if unreadable:
        where = f"{unreadable[0].span}: " if unreadable[0].span.line else ""
        stop(f"{where}{unreadable[0].message}")
    if checked.plan is None:
        for diagnostic in checked.errors:
            click.echo(render(diagnostic, checked.sources), err=True)
        stop(f"{path} does not check; see `goalline check {path}`")


def moment(text: str | None, timezone: str) -> datetime:
    """An --as-of or --at: a date is local midnight in `timezone`; nothing means now."""
    from zoneinfo import ZoneInfo

    from ..language.cycles import parse_as_of

    if text is None:
        return datetime.now(UTC)
    try:
        return parse_as_of(text, ZoneInfo(timezone))
    except ValueError as exc:
        stop(str(exc))


def zone_of(timezone: str | None, plan: Plan | None) -> str:
    """The time zone a command works in: --timezone, else the plan's, else UTC."""
    from ..language.checks.calendar import valid_timezone

    if timezone:
        if not valid_timezone(timezone):
            stop(f"unknown time zone '{timezone}'; use an IANA name such as Asia/Shanghai")
        return timezone
    if plan:
        return plan.info.timezone or "UTC"
    return "UTC"
