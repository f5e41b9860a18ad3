"""What an escalation event says when it is delivered: the JSON a webhook or a command
receives (`payload`), who gets it on each channel (`queued`), and the e-mail one person
receives (`email_message`, plain text with a simple HTML part). Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Collection, Sequence
from datetime import datetime
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any, cast

from ..engine.report import EscalationEvent, GoalResult, MilestoneResult, Report, event_dict
from ..output.formats import short_target, value_text
from ..store.outbox import Queued

PAYLOAD_VERSION = 1


def payload(report: Report, event: EscalationEvent) -> dict[str, Any]:
    """The event as the JSON report has it, with its key, the plan, and where the goal or
    milestone stood when the rule fired."""
    subject: dict[str, Any] = {"id": event.subject, "title": None}
    goal = next((g for g in report.goals if g.id == event.subject), None)
    milestone = next((m for m in report.milestones if m.id == event.subject), None)
    if goal is not None:
        subject |= _goal_state(goal, event)
    elif milestone is not None:
        subject |= _milestone_state(milestone)
    return {
        "goalline_event": PAYLOAD_VERSION,
        "key": event.key,
        "plan": {"title": report.title, "file": report.file, "timezone": report.timezone},
        **event_dict(event),
        "about": subject,
    }


def _goal_state(goal: GoalResult, event: EscalationEvent) -> dict[str, Any]:
    cycle = next((c for c in goal.cycles if c.start == event.cycle_start), None)
    value = cycle.value if cycle else None
    return {
        "title": goal.title,
        "owner": goal.owner,
        "lead": goal.lead,
        "status": cycle.status if cycle else None,
        "value": value,
        "value_text": value_text(goal, value),
        "target": cycle.target if cycle else None,
        "unit": goal.unit,
    }


def _milestone_state(milestone: MilestoneResult) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "owner": milestone.owner,
        "due": str(milestone.due),
        "buffer_days": milestone.buffer_days,
        "status": milestone.status,
    }


def queued(
    report: Report,
    channels: Sequence[str],
    webhook: str | None,
    command: str | None,
    known: Collection[str] = (),
) -> tuple[list[Queued], list[str]]:
    """Every event of the report not `known` (in the outbox already), with its recipients
    on each channel: on `email` each person to notify, on `webhook` the URL, on `command`
    the program; and a warning for each person who cannot be e-mailed (the plan gives no
    address), said once, when the event is new."""
    items, warnings = [], []
    for event in report.escalations:
        if event.key in known:
            continue
        recipients: list[tuple[str, str]] = []
        if "email" in channels:
            # Those a rule notifies, then each runbook step's person, told of their step.
            steps = [s.person for r in event.runbooks for s in r.steps if s.person]
            for person in dict.fromkeys([*event.notify, *steps]):
                if person.email:
                    recipients.append(("email", person.email))
                else:
                    warnings.append(
                        f"{person.name} ({person.id}) has no e-mail address in the plan:"
                        f" '{event.key}' is not e-mailed to them"
                    )
        if "webhook" in channels and webhook:
            recipients.append(("webhook", webhook))
        if "command" in channels and command:
            recipients.append(("command", command))
        items.append(Queued(event.key, payload(report, event), tuple(dict.fromkeys(recipients))))
    return items, warnings


# ---------------------------------------------------------------- e-mail


def subject_line(data: dict[str, Any]) -> str:
    about = data["about"]
    state = about.get("status") or "escalation"
    if data.get("so_far"):
        state += " so far"
    cycle = data.get("cycle")
    when = f" ({cycle['start']} .. {cycle['end']})" if cycle else f" ({data['fired_on']})"
    return f"[goalline] {state.replace('_', ' ')}: {data['subject']} — {data['rule']}{when}"


def text_body(data: dict[str, Any], to_name: str | None = None, to: str | None = None) -> str:
    """The e-mail's words; the person at address `to` is told first of the runbook steps
    that are theirs, with their deadlines."""
    about = data["about"]
    lines = [f"Hello {to_name}," if to_name else "Hello,", ""]
    yours = [
        step
        for runbook in data["runbooks"]
        for step in runbook["steps"]
        if to and (step.get("person") or {}).get("email") == to
    ]
    if yours:
        lines.append("Yours to do, from the runbook below:")
        lines += [f"  - {step['step']}{_by(step).replace(':', ',', 1)}" for step in yours]
        lines.append("")
    title = f' ("{about["title"]}")' if about.get("title") else ""
    plan = data["plan"]["title"] or data["plan"]["file"]
    if data["kind"] == "goal":
        lines.append(f"Goal {data['subject']}{title} of {plan} needs attention.")
        cycle = data.get("cycle")
        if cycle:
            still = " (still open: the value so far)" if data.get("so_far") else ""
            lines.append(f"Cycle: {cycle['start']} .. {cycle['end']}{still}")
        target = short_target(about.get("target"))
        lines.append(f"Value: {about.get('value_text', '-')} against the target {target}")
        lines.append(f"Status: {(about.get('status') or '-').replace('_', ' ')}")
    else:
        lines.append(f"Milestone {data['subject']}{title} of {plan} needs attention.")
        lines.append(f"Due: {about.get('due')}, buffer {about.get('buffer_days')} days")
        lines.append(f"Status: {(about.get('status') or '-').replace('_', ' ')}")
    lines.append(f"Rule: {data['rule']}, fired on {data['fired_on']}")
    lines.append("Notified: " + ", ".join(p["name"] for p in data["notify"]))
    for runbook in data["runbooks"]:
        lines += [
            "",
            f"Runbook {runbook['id']}" + (f": {runbook['title']}" if runbook["title"] else ""),
        ]
        lines += [
            f"  {n}. {step['step']} ({_who(step)}, within {step['within']}{_by(step)})"
            for n, step in enumerate(runbook["steps"], start=1)
        ]
    lines += ["", f"Event {data['key']}: acknowledge it with `goalline ack` once it is handled."]
    return "\n".join(lines) + "\n"


def _by(step: dict[str, Any]) -> str:
    # Events queued by goalline before 2026-12 have no deadline in their payload.
    return f": by {step['due']}" if step.get("due") else ""


def _who(step: dict[str, Any]) -> str:
    """`support (Wang Fang)` for a team and its lead, the name alone for a person."""
    person = step.get("person")
    if person is None:
        return str(step["by"])
    return person["name"] if person["id"] == step["by"] else f"{step['by']} ({person['name']})"


def html_body(text: str) -> str:
    """The plain text, escaped, in a simple page: mail readers that prefer HTML show it
    with the same words."""
    return (
        "<!DOCTYPE html>\n<html><body>\n"
        f'<pre style="font-family: sans-serif; white-space: pre-wrap">{html.escape(text)}</pre>\n'
        "</body></html>\n"
    )


def email_message(
    data: dict[str, Any],
    to: str,
    sender: str,
    to_name: str | None = None,
    date: datetime | None = None,
) -> Message[str, str | Header]:
    """One person's e-mail about one event, written at `date` (aware; the Date header
    every message must have). Its Message-ID is the same every time it is made for that
    event and address, so a mail system can tell a repeat from a new one.
    ValueError: an address or sender with a line break, which no header may hold.

    Built with the standard library's MIME classes (the compat32 layer) rather than
    `EmailMessage`: its header objects parse every value and fold it again on the way out,
    2 ms a message against 0.8 ms here, which kept `notify` from sending 10,000 e-mails in
    30 s (bench/notify_bench.py). That layer does not refuse a line break in a header, so
    `_header` does."""
    # typeshed takes compat32's header values for text only; its generator folds a Header
    message = cast("Message[str, str | Header]", MIMEMultipart("alternative"))
    message["Subject"] = _header(subject_line(data))
    _header(sender)
    name, address = parseaddr(sender)  # `Équipe <desk@example.com>`: the name encoded alone
    message["From"] = formataddr((name, address), charset="utf-8") if name else sender
    if date is not None:
        message["Date"] = format_datetime(date)
    # A plan's name may hold a line break ("\n" in its string): no header may.
    display = " ".join(to_name.split()) if to_name else None
    _header(to)
    message["To"] = formataddr((display, to), charset="utf-8") if display else to
    digest = hashlib.sha256(f"{data['key']}\0{to}".encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{digest}@goalline>"
    message["X-Goalline-Event"] = _header(data["key"])
    text = text_body(data, to_name, to)
    message.attach(_text_part(text, "plain"))
    message.attach(_text_part(html_body(text), "html"))
    return message


def _text_part(text: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8)
    return part


_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP  # mostly ASCII text stays readable on the wire (not base64)


def _header(value: str) -> str | Header:
    """A header's value, refused with a line break (which would start another header), and
    encoded as RFC 2047 words when it is not ASCII."""
    if "\n" in value or "\r" in value:
        raise ValueError("header values may not contain linefeed or carriage return characters")
    return value if value.isascii() else Header(value, "utf-8")


def name_of(data: dict[str, Any], email: str) -> str | None:
    return next((p["name"] for p in data["notify"] if p["email"] == email), None)
