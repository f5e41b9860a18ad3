"""What every subcommand shares: exit codes and how a problem is told."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import IntEnum
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from ..language.model import Plan

STDIN = "-"


class Exit(IntEnum):
    """Exit codes, shared by every subcommand."""

    OK = 0
    """Success; for `check`, no errors (and no warnings under --strict)."""
    FOUND = 1
    """The command ran and found something: errors, a file `fmt --check` would change, a
    goal at or above `evaluate --fail-on`."""
    CANNOT_RUN = 2
    """Bad usage, a file that cannot be read, a plan that does not parse or check where one
    must, a store that is not a goalline store, data that cannot be imported."""


def fail(message: str) -> None:
    click.echo(f"goalline: error: {message}", err=True)


def stop(message: str) -> NoReturn:
    """Say why the command cannot run, and end it with `Exit.CANNOT_RUN`."""
    fail(message)
    sys.exit(Exit.CANNOT_RUN)


def load_plan(path: str) -> Plan:
    """The checked plan at `path`; its errors end the command, as it cannot run without it."""
    from ..api import check_plan
    from ..language.diagnostics import render

    checked = check_plan(path)
    unreadable = [d for d in checked.errors if d.code == "E100"]
    if unreadable:
        where = f"{unreadable[0].span}: " if unreadable[0].span.line else ""
        stop(f"{where}{unreadable[0].message}")
    if checked.plan is None:
        for diagnostic in checked.errors:
            click.echo(render(diagnostic, checked.sources), err=True)
        stop(f"{path} does not check; see `goalline check {path}`")
    return checked.plan


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
