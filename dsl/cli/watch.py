"""`goalline watch` and `goalline digest`: notifying on its own as the data changes, and
each person's digest of the goals they answer for."""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import click

from ..errors import Exit, GoallineError
from ..store.changes import Stamps, stamps
from .common import fail, load_program, moment, stop
from .notify import CONFIG_OPTION, DB_OPTION, load_config, needs_channel, notify_once, open_store

if TYPE_CHECKING:
    from ..api import Program
    from ..engine.report import Report
    from ..notify.config import Config
    from ..output.digest import Digest

LOOK_SECONDS = 1.0  # how often the plan and the store are looked at for changes


@click.command()
@click.argument("plan")
@DB_OPTION
@CONFIG_OPTION
@click.option("--every", default="5m", show_default=True, help="Evaluate at least this often.")
def watch(plan: str, db: str | None, config_path: str | None, every: str) -> None:
    """Notify whenever PLAN or the store changes, and at least every interval, until
    stopped (Ctrl-C or SIGTERM: the delivery in hand is finished first)."""
    from ..notify.config import ConfigError, parse_duration

    config = load_config(config_path)
    try:
        interval = parse_duration(every)
    except ConfigError as problem:
        stop(f"--every: {problem}")
    needs_channel(config)
    program = load_program(plan)  # a plan that does not check stops here, before the loop
    from ..store.server import share_connections

    share_connections()  # each round opens the store: a server's connection stays open
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    _log(f"watching {plan} and {db or config.db} (every {every}; Ctrl-C stops)")
    compiled = stamps(program.files)
    while not stopping.is_set():
        if stamps(program.files) != compiled:  # the plan changed: compile it again
            compiled, program = stamps(program.files), _compile(plan)
        seen = _round(program, db, config, stopping)
        _wait(seen, interval, stopping)
    _log("stopped")


def _compile(plan: str) -> Program:
    from ..api import compile

    return compile(plan)


def _round(program: Program, db: str | None, config: Config, stopping: threading.Event) -> Stamps:
    """One evaluation and its deliveries, logged in one line; what the files looked like
    after it (its own writes are not a change to react to)."""
    from ..language.diagnostics import render

    checked = program.checked
    if checked.plan is None:
        first = render(checked.errors[0], checked.sources).splitlines()[0]
        _log(f"the plan does not check, waiting for a fix: {first}")
        return stamps((*program.files, db or config.db or ""))
    path = db or config.db or ""
    try:
        with open_store(db, config) as store:
            at = moment(None, program.zone.key)
            _log(notify_once(program, store, config, at, stopping).summary())
    except GoallineError as problem:
        # A service stays up: another run delivering, a column the store lacks, a store
        # being replaced all pass; the next round (or the fix, which wakes it) tries again.
        first = (str(problem).splitlines() or [type(problem).__name__])[0]
        _log(f"this round could not run, trying again at the next: {first}")
    return stamps((*program.files, path, f"{path}-wal"))


def _wait(seen: Stamps, interval: timedelta, stopping: threading.Event) -> None:
    """Until a watched file changes, the interval is over, or a signal stops the watch."""
    deadline = time.monotonic() + interval.total_seconds()
    while not stopping.wait(min(LOOK_SECONDS, max(deadline - time.monotonic(), 0))):
        if time.monotonic() >= deadline or stamps(tuple(p for p, _, _ in seen)) != seen:
            return


def _log(line: str) -> None:
    click.echo(f"{datetime.now(UTC).isoformat(timespec='seconds')} {line}")


@click.command()
@click.argument("plan")
@DB_OPTION
@CONFIG_OPTION
@click.option("--to", "person", help="Only this person's digest (an identifier of the plan).")
@click.option("--as-of", help="Evaluate as at this date or time (default: now).")
@click.option("--send", is_flag=True, help="Send through the configured channels, not print.")
def digest(
    plan: str,
    db: str | None,
    config_path: str | None,
    person: str | None,
    as_of: str | None,
    send: bool,
) -> None:
    """Each person's digest: the goals they own or lead, their open improvement actions,
    their milestones due within two weeks."""
    from ..output.digest import digest_text, digests

    config = load_config(config_path)
    program = load_program(plan)
    assert program.plan is not None  # load_program stops otherwise
    if person is not None and person not in {p.id for p in program.plan.people}:
        stop(f"plan {plan} has no person '{person}'")
    at = moment(as_of, program.zone.key)
    if send:
        needs_channel(config)
    with open_store(db, config) as store:
        outcome = program.run(store, at)
        actions = store.reviews.open_actions()
    report = outcome.report
    if report is None or outcome.checked.plan is None:
        stop(f"{plan} cannot be evaluated; see `goalline check {plan}`")
    everyone = digests(outcome.checked.plan, report, actions, report.as_of.date())
    # one person asked for gets theirs even when empty; otherwise those with something in it
    chosen = [d for d in everyone if d.person == person or (person is None and not d.empty)]
    if not send:
        click.echo("\n".join(f"To: {_to(d)}\n\n{digest_text(d, report)}" for d in chosen), nl=False)
        return
    failed = _send(chosen, report, config)
    click.echo(f"sent {len(chosen) - failed} of {len(chosen)} digests")
    if failed:
        raise SystemExit(Exit.FOUND)


def _to(found: Digest) -> str:
    return f"{found.name} <{found.email}>" if found.email else f"{found.name} (no e-mail address)"


def _send(chosen: list[Digest], report: Report, config: Config) -> int:
    """Each digest through every channel (an e-mail to its person, the JSON to the webhook
    and the command); the number that failed somewhere."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    from ..notify import channels
    from ..notify.notices import html_body
    from ..output.digest import digest_dict, digest_subject, digest_text

    notify_config = config.notify
    mailer = channels.Mailer(notify_config.email) if notify_config.email else None
    failed = 0
    try:
        for found in chosen:
            problems = []
            if mailer is not None and notify_config.email is not None:
                if found.email:
                    message = EmailMessage()
                    message["Subject"] = digest_subject(found, report)
                    message["From"] = notify_config.email.sender
                    message["To"] = found.email
                    message["Date"] = format_datetime(datetime.now(UTC))
                    text = digest_text(found, report)
                    message.set_content(text)
                    message.add_alternative(html_body(text), subtype="html")
                    problems.append(mailer.send(message))
                else:
                    problems.append(f"{found.name} has no e-mail address in the plan")
            data = digest_dict(found, report)
            if notify_config.webhook is not None:
                problems.append(channels.post(notify_config.webhook, data))
            if notify_config.command is not None:
                problems.append(channels.run(notify_config.command, data))
            for problem in filter(None, problems):
                fail(f"digest for {found.person}: {problem}")
            failed += any(problems)
    finally:
        if mailer is not None:
            mailer.close()
    return failed
