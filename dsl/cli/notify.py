"""`goalline init`, `notify`, `outbox` and `ack`: escalation events delivered to people
through the channels of `goalline.toml`, and marked handled."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING, Any

import click

from ..errors import Exit
from ..files import write_file
from .common import db_option, load_program, moment, stop

if TYPE_CHECKING:
    from ..api import Program
    from ..notify.config import Config
    from ..notify.delivery import Tally
    from ..store.database import Store
    from ..store.outbox import Delivery, Queued


CONFIG_OPTION = click.option(
    "--config", "config_path", help="The configuration (default: goalline.toml here, if any)."
)
DB_OPTION = db_option("The store (default: `db` of the configuration).", required=False)


@click.command()
@click.option("--force", is_flag=True, help="Replace a goalline.toml that exists.")
def init(force: bool) -> None:
    """Write a commented goalline.toml here: the store and the notification channels."""
    from ..notify.config import CONFIG_NAME, EXAMPLE

    path = Path(CONFIG_NAME)
    if os.path.lexists(path) and not force:  # a link, even one that leads nowhere, is there
        stop(f"{CONFIG_NAME} exists already; --force replaces it")
    try:
        write_file(path, EXAMPLE)
    except OSError as exc:
        stop(f"cannot write {CONFIG_NAME}: {exc.strerror or exc}")
    click.echo(f"wrote {CONFIG_NAME}: set the channels, then run `goalline notify PLAN`")


@click.command()
@click.argument("plan")
@DB_OPTION
@CONFIG_OPTION
@click.option("--as-of", help="Evaluate as at this date or time (default: now).")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be delivered; write and send nothing."
)
def notify(
    plan: str, db: str | None, config_path: str | None, as_of: str | None, dry_run: bool
) -> None:
    """Evaluate PLAN, add new escalation events to the outbox and deliver what is due."""
    from ..notify.delivery import now_text

    config = load_config(config_path)
    program = load_program(plan)
    at = moment(as_of, program.zone.key)
    needs_channel(config)
    with open_store(db, config) as store:
        if dry_run:
            items = to_queue(program, store, config, at)
            _say_what_would_go(store, items, now_text())
            return
        round_ = notify_once(program, store, config, at)
    click.echo(round_.summary())
    if round_.tally.failed:
        raise SystemExit(Exit.FOUND)


@dataclass(frozen=True)
class Round:
    """One evaluation's events added to the outbox, and what was delivered after it."""

    added: int
    tally: Tally

    def summary(self) -> str:
        tally = self.tally
        sent = ", ".join(f"{n} by {channel}" for channel, n in sorted(tally.sent.items()))
        return (
            f"{self.added} new event{'s' if self.added != 1 else ''} in the outbox;"
            f" {tally.total_sent} deliver{'ies' if tally.total_sent != 1 else 'y'} sent"
            + (f" ({sent})" if sent else "")
            + (f", {len(tally.failed)} failed (see `goalline outbox`)" if tally.failed else "")
            + (f"; {tally.replayed} recorded from an interrupted run" if tally.replayed else "")
        )


def to_queue(program: Program, store: Store, config: Config, at: datetime) -> list[Queued]:
    """The plan's escalation events at `at`, with their recipients (warnings on stderr)."""
    from ..notify.notices import queued

    plan = program.path
    outcome = program.run(store, at)
    if outcome.report is None:
        problems = [diagnostic.message for diagnostic in outcome.errors]
        stop(
            "\n".join(
                [
                    *problems,
                    f"{plan} cannot be evaluated against {store.path};"
                    f" see `goalline check {plan} --db {store.path}`",
                ]
            )
        )
    notify_config = config.notify
    webhook = notify_config.webhook.url if notify_config.webhook else None
    command = notify_config.command.run[0] if notify_config.command else None
    known = store.outbox.event_keys()
    items, warnings = queued(outcome.report, notify_config.channels, webhook, command, known)
    for warning in warnings:
        click.echo(f"goalline: warning: {warning}", err=True)
    return items


def notify_once(
    program: Program, store: Store, config: Config, at: datetime, stop_event: Event | None = None
) -> Round:
    """Evaluate, add the new events to the outbox, deliver what is due: all of it holding
    the store's outbox, so that no other run adds or delivers meanwhile."""
    from ..notify.delivery import deliver, delivering, now_text

    with delivering(store) as journal:
        items = to_queue(program, store, config, at)
        added = store.outbox.enqueue(items, now_text())
        tally = deliver(store, config.notify, journal, stop=stop_event)
    for line in tally.failures():
        click.echo(f"goalline: warning: {line}", err=True)
    return Round(added, tally)


def _say_what_would_go(store: Store, new: list[Queued], now: str) -> None:
    due = store.outbox.due(now)
    click.echo(f"would add {len(new)} new event{'s' if len(new) != 1 else ''} to the outbox")
    for item in new:
        for channel, recipient in item.recipients:
            click.echo(f"  {channel:8} {recipient}  {item.key}")
    click.echo(f"would deliver {len(due)} due from earlier runs")
    for delivery in due:
        click.echo(f"  {delivery.channel:8} {delivery.recipient}  {delivery.key}")


@click.command()
@DB_OPTION
@CONFIG_OPTION
@click.option(
    "--format",
    "format_",
    type=click.Choice(["table", "json"]),
    default="table",
    help="table (default) or json.",
)
def outbox(db: str | None, config_path: str | None, format_: str) -> None:
    """List the events of the outbox and the state of each delivery."""
    config = load_config(config_path)
    with open_store(db, config) as store:
        listing = _listing(
            store.outbox.events(), store.outbox.deliveries(), store.reviews.acknowledgements()
        )
    if format_ == "json":
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    if not listing:
        click.echo("the outbox is empty: `goalline notify PLAN` fills it")
        return
    for event in listing:
        seen = event["acknowledged"]
        state = f"  acknowledged by {seen['by']}" if seen else ""
        click.echo(f"{event['id']:>4}  {event['key']}{state}")
        if not event["deliveries"]:
            click.echo("      no recipient on any channel configured when it came")
        for d in event["deliveries"]:
            detail = f"sent {d['sent_at']}" if d["status"] == "sent" else f"{d['attempts']} tries"
            if d["status"] == "pending" and d["attempts"]:
                detail += f", next {d['next_attempt_at']}"
            error = f": {d['last_error']}" if d["last_error"] and d["status"] != "sent" else ""
            click.echo(f"      {d['status']:8} {d['channel']:8} {d['recipient']}  {detail}{error}")


def _listing(
    events: list[tuple[int, str]], deliveries: list[Delivery], acknowledged: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every event, oldest first, with who acknowledged it and its deliveries."""
    listed: dict[int, dict[str, Any]] = {}
    for number, key in events:
        seen = acknowledged.get(key)
        listed[number] = {
            "id": number,
            "key": key,
            "acknowledged": {"by": seen.by, "at": seen.at, "note": seen.note} if seen else None,
            "deliveries": [],
        }
    for d in deliveries:
        listed[d.event]["deliveries"].append(
            {
                "channel": d.channel,
                "recipient": d.recipient,
                "status": d.status,
                "attempts": d.attempts,
                "last_error": d.last_error,
                "next_attempt_at": d.next_attempt_at,
                "sent_at": d.sent_at,
            }
        )
    return list(listed.values())


@click.command()
@click.argument("event")
@DB_OPTION
@CONFIG_OPTION
@click.option("--by", required=True, help="Who acknowledges it.")
@click.option("--note", help="What was done about it.")
def ack(event: str, db: str | None, config_path: str | None, by: str, note: str | None) -> None:
    """Mark EVENT (its number in `goalline outbox`, or its key) as handled: it is not sent
    again, and `evaluate` reports it as acknowledged."""
    from ..notify.delivery import now_text

    config = load_config(config_path)
    with open_store(db, config) as store:
        key = store.outbox.event_key(event)
        store.reviews.acknowledge(key, by, note, now_text())
    click.echo(f"acknowledged {key} (by {by})")


# ---------------------------------------------------------------- shared


def needs_channel(config: Config) -> None:
    """A command that delivers: it needs a channel, and says what is unsafe about them."""
    for warning in config.warnings:
        click.echo(f"goalline: warning: {warning}", err=True)
    if not config.notify.channels:
        stop(
            "no channel to deliver through: add [notify.email], [notify.webhook] or"
            f" [notify.command] to {config.file or 'goalline.toml'}"
            " (`goalline init` writes an example)"
        )


def load_config(path: str | None) -> Config:
    """`goalline.toml` (or the file given); a `ConfigError` ends the command, one line per
    problem."""
    from ..notify import config

    return config.load_config(path)


def open_store(db: str | None, config: Config) -> Store:
    from ..store.database import Store

    path = db or config.db
    if path is None:
        stop("no store given: use --db DB, or set `db` in goalline.toml")
    return Store.open(path)
