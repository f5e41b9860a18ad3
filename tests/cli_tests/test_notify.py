"""`goalline notify`, `outbox`, `ack` and `init` as a user sees them, against real servers on
loopback (tests/cli_tests/servers.py): an SMTP server, plain, with STARTTLS, with implicit
TLS and with a login; an HTTP server for the webhook; and a program for the command. What
is checked is what people notice: the messages that arrive, to whom, what they say, what
the commands print, their exit codes and what `goalline outbox` shows afterwards.

One small plan serves most tests: a recorded satisfaction score with a monthly target of
90 and a rule `when breached 1 time in a row notify owner, lead, run recover`. The store
holds January 80 (breached), February 95 (met) and March 70.5 (breached), so:

    --as-of 2026-03-01   one event, January's (fired Feb 1)             -> JAN
    --as-of 2026-04-01   January's and March's (fired Apr 1)            -> JAN, MAR
    (+ April 92, May 60)
    --as-of 2026-06-01   and May's (fired Jun 1)                        -> JAN, MAR, MAY

Each event goes to the owner ann (Ann Lee) and the lead of the team desk, bob (Bob Marsh).

Commands run in-process through CliRunner, in the test's own folder (its goalline.toml is
found there, as a user's is); the crash test runs the real executable, to kill it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from dsl.cli.demo import PLAN_NAME, STORE_NAME, write_demo
from dsl.cli.main import cli
from dsl.notify.config import EXAMPLE, Email, parse_config
from dsl.store.database import Store

from .servers import (
    WAIT,
    Mailbox,
    authority,
    free_port,
    password_check,
    smtp_server,
    wait_until,
    webhook_server,
)

GOALLINE = Path(sys.executable).parent / "goalline"

PLAN = """\
plan "Help desk 2026" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
  owner     ann
}

person ann "Ann Lee"   { email "ann@example.com" }
person bob "Bob Marsh" { email "bob@example.com" }

team desk "Help desk" { lead bob }

objective calm "Calm customers"

indicator csat "Customer satisfaction" {
  kind    kpi
  unit    "%"
  better  higher
}

runbook recover "Win customers back" {
  step "Call the unhappy customers"  by desk  within 1d
  step "Write down what went wrong"  by ann   within 2d
}

escalation slip "Slipping" {
  when breached 1 time in a row  notify owner, lead, run recover
}

goal happy "Keep customers happy" {
  serves      calm
  indicator   csat
  target      >= 90
  cycle       monthly
  owner       ann
  lead        desk
  escalation  slip
}
"""

RULE = "when breached 1 time in a row"
JAN = f"happy/{RULE}/2026-01-01"
MAR = f"happy/{RULE}/2026-03-01"
MAY = f"happy/{RULE}/2026-05-01"
ANN, BOB = "ann@example.com", "bob@example.com"
SENDER = "goalline@desk.example"
DB = "desk.db"

JAN_TEXT = f"""\
Hello Ann Lee,

Goal happy ("Keep customers happy") of Help desk 2026 needs attention.
Cycle: 2026-01-01 .. 2026-01-31
Value: 80% against the target >= 90
Status: breached
Rule: {RULE}, fired on 2026-02-01
Notified: Ann Lee, Bob Marsh

Runbook recover: Win customers back
  1. Call the unhappy customers (desk, within 1d)
  2. Write down what went wrong (ann, within 2d)

Event {JAN}: acknowledge it with `goalline ack` once it is handled.
"""

RUNBOOK = {
    "id": "recover",
    "title": "Win customers back",
    "steps": [
        {"step": "Call the unhappy customers", "by": "desk", "within": "1d"},
        {"step": "Write down what went wrong", "by": "ann", "within": "2d"},
    ],
}

JAN_PAYLOAD = {
    "goalline_event": 1,
    "key": JAN,
    "plan": {"title": "Help desk 2026", "file": "plan.goal", "timezone": "UTC"},
    "subject": "happy",
    "kind": "goal",
    "rule": RULE,
    "cycle": {"start": "2026-01-01", "end": "2026-01-31"},
    "fired_on": "2026-02-01",
    "notify": [
        {"id": "ann", "name": "Ann Lee", "email": ANN},
        {"id": "bob", "name": "Bob Marsh", "email": BOB},
    ],
    "runbook": RUNBOOK,
    "runbooks": [RUNBOOK],
    "about": {
        "id": "happy",
        "title": "Keep customers happy",
        "owner": "ann",
        "lead": "desk",
        "status": "breached",
        "value": 80.0,
        "value_text": "80%",
        "target": ">= 90",
        "unit": "%",
    },
}

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


# ---------------------------------------------------------------- helpers


def goalline(*args: str) -> Result:
    """Run the CLI in-process, in the current folder, the way a user types it."""
    result = CliRunner().invoke(cli, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure whatever the test expected
    return result


def notify(as_of: str = "2026-04-01", *args: str) -> Result:
    return goalline("notify", "plan.goal", "--db", DB, "--as-of", as_of, *args)


def outbox(db: str = DB) -> list[dict[str, Any]]:
    result = goalline("outbox", "--db", db, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    listing: list[dict[str, Any]] = json.loads(result.stdout)
    return listing


def states(listing: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
    """(event key, recipient, status, attempts) of every delivery, in outbox order."""
    return [
        (event["key"], d["recipient"], d["status"], d["attempts"])
        for event in listing
        for d in event["deliveries"]
    ]


def errors(listing: list[dict[str, Any]]) -> set[str | None]:
    return {d["last_error"] for event in listing for d in event["deliveries"]}


def configure(*tables: str, max_attempts: int = 3, retry_after: str = "0s") -> None:
    """goalline.toml in the current folder: retries due at once unless told otherwise."""
    head = f'[notify]\nmax_attempts = {max_attempts}\nretry_after = "{retry_after}"\n\n'
    Path("goalline.toml").write_text(head + "\n".join(tables), encoding="utf-8")


def toml_table(name: str, **values: Any) -> str:
    # JSON strings, numbers and lists of strings are TOML too
    keys = "".join(f"{key} = {json.dumps(value)}\n" for key, value in values.items())
    return f"[{name}]\n{keys}"


def email_table(port: int, **values: Any) -> str:
    table = {"host": "127.0.0.1", "port": port, "from": SENDER, "timeout": "5s"}
    return toml_table("notify.email", **(table | values))


def snapshot(path: Path) -> dict[str, bytes | None]:
    """The bytes of a store and its write-ahead log (None where there is no such file)."""
    return {
        suffix: (Path(f"{path}{suffix}").read_bytes() if Path(f"{path}{suffix}").exists() else None)
        for suffix in ("", "-wal")
    }


def outbox_rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT e.key, d.recipient, d.status FROM outbox_deliveries AS d"
            " JOIN outbox_events AS e ON e.id = d.event ORDER BY d.rowid"
        ).fetchall()


def at(day: str) -> float:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The webhook is on loopback: a proxy from the environment must not get in between."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The plan and its store in a folder of their own, which is the current folder."""
    (tmp_path / "plan.goal").write_text(PLAN, encoding="utf-8")
    with Store.open(str(tmp_path / DB), create=True) as store:
        for day, value in (("2026-01-10", 80), ("2026-02-10", 95), ("2026-03-10", 70.5)):
            store.record("csat", at(day), value, None, "2026-04-01T00:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A plain SMTP server: what it received, and its port."""
    box = Mailbox()
    with smtp_server(box) as controller:
        yield box, controller.port


# ---------------------------------------------------------------- e-mail


def test_each_person_of_each_event_gets_one_email(desk: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    configure(email_table(port))
    result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "2 new events in the outbox; 4 deliveries sent (4 by email)\n"
    assert [(m.event, m.rcpt_tos, m.mail_from) for m in box.mails] == [
        (JAN, (ANN,), SENDER),
        (JAN, (BOB,), SENDER),
        (MAR, (ANN,), SENDER),
        (MAR, (BOB,), SENDER),
    ]
    assert [m.message["Subject"] for m in box.mails] == [
        f"[goalline] breached: happy — {RULE} (2026-01-01 .. 2026-01-31)",
        f"[goalline] breached: happy — {RULE} (2026-01-01 .. 2026-01-31)",
        f"[goalline] breached: happy — {RULE} (2026-03-01 .. 2026-03-31)",
        f"[goalline] breached: happy — {RULE} (2026-03-01 .. 2026-03-31)",
    ]
    assert [m.message["To"] for m in box.mails] == [
        "Ann Lee <ann@example.com>",
        "Bob Marsh <bob@example.com>",
    ] * 2
    assert all(m.message["From"] == SENDER for m in box.mails)
    for mail in box.mails:  # every message must carry the time it was written
        written = parsedate_to_datetime(mail.message["Date"])
        assert abs(written - datetime.now(UTC)) < timedelta(minutes=5)
    # one Message-ID per event and address, so that a repeat can be told from a new one
    assert len({m.message["Message-ID"] for m in box.mails}) == 4
    assert all(not m.tls and m.login is None for m in box.mails)

    assert states(outbox()) == [
        (JAN, ANN, "sent", 1),
        (JAN, BOB, "sent", 1),
        (MAR, ANN, "sent", 1),
        (MAR, BOB, "sent", 1),
    ]
    assert all(ISO_TIME.fullmatch(d["sent_at"]) for e in outbox() for d in e["deliveries"])


def test_the_email_says_what_slipped_how_far_and_what_to_do(
    desk: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    configure(email_table(port))
    assert notify().exit_code == 0
    to_ann = box.mails[0]
    assert to_ann.text == JAN_TEXT
    assert to_ann.message.get_content_type() == "multipart/alternative"
    html = to_ann.html
    assert html.startswith("<!DOCTYPE html>\n<html><body>\n<pre")
    assert "Goal happy (&quot;Keep customers happy&quot;) of Help desk 2026" in html
    assert "Value: 80% against the target &gt;= 90" in html
    assert "  2. Write down what went wrong (ann, within 2d)" in html

    to_bob = box.mails[3]  # March's, to the lead
    assert to_bob.text.startswith("Hello Bob Marsh,\n\n")
    assert "Cycle: 2026-03-01 .. 2026-03-31\nValue: 70.5% against the target >= 90\n" in (
        to_bob.text
    )
    assert f"Rule: {RULE}, fired on 2026-04-01\n" in to_bob.text
    assert "  1. Call the unhappy customers (desk, within 1d)\n" in to_bob.text


def test_starttls_with_the_company_authority_and_a_login(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = authority(desk)
    monkeypatch.setenv("DESK_SMTP_USER", "notifier")
    monkeypatch.setenv("DESK_SMTP_PASSWORD", "s3cret pass")
    box = Mailbox()
    with smtp_server(
        box,
        tls_context=ca.server_context(),
        require_starttls=True,
        authenticator=password_check("notifier", "s3cret pass"),
        auth_required=True,
    ) as controller:
        configure(
            email_table(
                controller.port,
                security="starttls",
                ca_file=str(ca.ca_file),
                user_env="DESK_SMTP_USER",
                password_env="DESK_SMTP_PASSWORD",
            )
        )
        result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "2 new events in the outbox; 4 deliveries sent (4 by email)\n"
    assert [(m.event, m.rcpt_tos, m.tls, m.login) for m in box.mails] == [
        (JAN, (ANN,), True, "notifier"),
        (JAN, (BOB,), True, "notifier"),
        (MAR, (ANN,), True, "notifier"),
        (MAR, (BOB,), True, "notifier"),
    ]
    assert box.mails[0].text == JAN_TEXT


def test_implicit_tls(desk: Path) -> None:
    ca = authority(desk)
    box = Mailbox()
    with smtp_server(box, ssl_context=ca.server_context()) as controller:
        configure(email_table(controller.port, security="tls", ca_file=str(ca.ca_file)))
        result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert [(m.event, m.rcpt_tos, m.tls) for m in box.mails] == [
        (JAN, (ANN,), True),
        (JAN, (BOB,), True),
        (MAR, (ANN,), True),
        (MAR, (BOB,), True),
    ]
    assert box.mails[0].text == JAN_TEXT


def test_a_certificate_from_an_unknown_authority_is_not_trusted(desk: Path) -> None:
    ca = authority(desk)
    box = Mailbox()
    with smtp_server(box, tls_context=ca.server_context(), require_starttls=True) as controller:
        configure(email_table(controller.port, security="starttls"))  # no ca_file
        result = notify()
        assert box.recipients_tried == 0
    assert result.exit_code == 1
    reason = (
        f"the certificate of the mail server at 127.0.0.1:{controller.port} is not trusted:"
        " unable to get local issuer certificate (ca_file names the authority to trust)"
    )
    assert result.stderr.splitlines() == [
        f"goalline: warning: email to {to} for '{key}': {reason}"
        for key in (JAN, MAR)
        for to in (ANN, BOB)
    ]
    assert result.stdout == (
        "2 new events in the outbox; 0 deliveries sent, 4 failed (see `goalline outbox`)\n"
    )
    listing = outbox()
    assert {d[2:] for d in states(listing)} == {("pending", 1)}
    assert errors(listing) == {reason}


def test_a_ca_file_that_cannot_be_used(desk: Path) -> None:
    port = free_port()  # it is not reached: the authority is read first
    configure(email_table(port, security="starttls", ca_file="missing-ca.pem"))
    assert notify("2026-03-01").exit_code == 1
    assert errors(outbox()) == {"cannot use ca_file missing-ca.pem: No such file or directory"}

    Path("not-a-cert.pem").write_text("hello\n", encoding="utf-8")
    configure(email_table(port, security="tls", ca_file="not-a-cert.pem"))
    assert notify("2026-03-01").exit_code == 1
    assert errors(outbox()) == {"cannot use ca_file not-a-cert.pem: it holds no certificate (PEM)"}
    assert [d[2:] for d in states(outbox())] == [("pending", 2)] * 2


def test_a_server_that_requires_starttls_refuses_plain_mail(desk: Path) -> None:
    ca = authority(desk)
    box = Mailbox()
    with smtp_server(box, tls_context=ca.server_context(), require_starttls=True) as controller:
        configure(email_table(controller.port))  # security = "none"
        result = notify()
    assert result.exit_code == 1
    assert box.mails == []
    assert errors(outbox()) == {"the mail server refused: 530 Must issue a STARTTLS command first"}


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("wrong", "the mail server refused: 535 5.7.8 Authentication credentials invalid"),
        (
            None,
            "the environment variable DESK_SMTP_PASSWORD ([notify.email] in goalline.toml)"
            " is not set",
        ),
    ],
)
def test_a_login_that_fails_sends_nothing_and_says_why(
    desk: Path, monkeypatch: pytest.MonkeyPatch, password: str | None, reason: str
) -> None:
    ca = authority(desk)
    monkeypatch.setenv("DESK_SMTP_USER", "notifier")
    if password is None:
        monkeypatch.delenv("DESK_SMTP_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DESK_SMTP_PASSWORD", password)
    box = Mailbox()
    with smtp_server(
        box,
        tls_context=ca.server_context(),
        authenticator=password_check("notifier", "s3cret pass"),
        auth_required=True,
    ) as controller:
        configure(
            email_table(
                controller.port,
                security="starttls",
                ca_file=str(ca.ca_file),
                user_env="DESK_SMTP_USER",
                password_env="DESK_SMTP_PASSWORD",
            )
        )
        result = notify()
    assert result.exit_code == 1
    assert box.mails == []
    assert result.stderr.splitlines()[0] == (
        f"goalline: warning: email to {ANN} for '{JAN}': {reason}"
    )
    assert errors(outbox()) == {reason}


def test_a_refused_recipient_is_tried_again_and_then_given_up(desk: Path) -> None:
    box = Mailbox(refuse_rcpt={BOB: "550 5.1.1 <bob@example.com>: no such user"})
    refused = "the mail server refused bob@example.com: 550 5.1.1 <bob@example.com>: no such user"
    with smtp_server(box) as controller:
        configure(email_table(controller.port), max_attempts=3)
        first = notify()
        assert first.exit_code == 1
        assert first.stdout == (
            "2 new events in the outbox; 2 deliveries sent (2 by email),"
            " 2 failed (see `goalline outbox`)\n"
        )
        assert first.stderr == (
            f"goalline: warning: email to {BOB} for '{JAN}': {refused}\n"
            f"goalline: warning: email to {BOB} for '{MAR}': {refused}\n"
        )
        assert [(m.event, m.rcpt_tos) for m in box.mails] == [(JAN, (ANN,)), (MAR, (ANN,))]
        listing = outbox()
        assert states(listing) == [
            (JAN, ANN, "sent", 1),
            (JAN, BOB, "pending", 1),
            (MAR, ANN, "sent", 1),
            (MAR, BOB, "pending", 1),
        ]
        bob = listing[0]["deliveries"][1]
        assert bob["last_error"] == refused
        assert ISO_TIME.fullmatch(bob["next_attempt_at"])

        table = goalline("outbox", "--db", DB)
        assert table.exit_code == 0
        lines = table.stdout.splitlines()
        assert lines[0] == f"   1  {JAN}"
        assert re.fullmatch(rf"      sent     email    {ANN}  sent {ISO_TIME.pattern}", lines[1])
        assert re.fullmatch(
            rf"      pending  email    {BOB}  1 tries, next {ISO_TIME.pattern}: {re.escape(refused)}",
            lines[2],
        )

        assert notify().exit_code == 1  # the second try
        assert [d[2:] for d in states(outbox())] == [
            ("sent", 1),
            ("pending", 2),
            ("sent", 1),
            ("pending", 2),
        ]
        third = notify()  # the last: max_attempts = 3
        assert third.exit_code == 1
        assert states(outbox()) == [
            (JAN, ANN, "sent", 1),
            (JAN, BOB, "failed", 3),
            (MAR, ANN, "sent", 1),
            (MAR, BOB, "failed", 3),
        ]
        given_up = outbox()[0]["deliveries"][1]
        assert (given_up["last_error"], given_up["next_attempt_at"]) == (refused, None)
        assert box.recipients_tried == 4 + 2 + 2

        fourth = notify()  # nothing is due any more
        assert (fourth.exit_code, fourth.stdout) == (
            0,
            "0 new events in the outbox; 0 deliveries sent\n",
        )
        assert box.recipients_tried == 8
    table = goalline("outbox", "--db", DB)
    assert f"      failed   email    {BOB}  3 tries: {refused}" in table.stdout.splitlines()


def test_a_refused_message_stays_pending_with_the_servers_answer(desk: Path) -> None:
    box = Mailbox(refuse_data="554 5.6.0 Message rejected: looks like spam")
    with smtp_server(box) as controller:
        configure(email_table(controller.port))
        result = notify("2026-03-01")
    assert result.exit_code == 1
    assert result.stdout == (
        "1 new event in the outbox; 0 deliveries sent, 2 failed (see `goalline outbox`)\n"
    )
    refused = "the mail server refused: 554 5.6.0 Message rejected: looks like spam"
    assert result.stderr == (
        f"goalline: warning: email to {ANN} for '{JAN}': {refused}\n"
        f"goalline: warning: email to {BOB} for '{JAN}': {refused}\n"
    )
    assert states(outbox()) == [(JAN, ANN, "pending", 1), (JAN, BOB, "pending", 1)]
    assert errors(outbox()) == {refused}


def test_a_server_that_is_down_loses_nothing(desk: Path) -> None:
    port = free_port()  # nothing listens there
    configure(email_table(port))
    down = notify()
    assert down.exit_code == 1
    reason = f"cannot reach the mail server at 127.0.0.1:{port}: Connection refused"
    assert down.stderr.splitlines() == [
        f"goalline: warning: email to {to} for '{key}': {reason}"
        for key in (JAN, MAR)
        for to in (ANN, BOB)
    ]
    assert down.stdout == (
        "2 new events in the outbox; 0 deliveries sent, 4 failed (see `goalline outbox`)\n"
    )
    assert [d[2:] for d in states(outbox())] == [("pending", 1)] * 4
    assert errors(outbox()) == {reason}

    box = Mailbox()
    with smtp_server(box, port=port):
        up = notify()
    assert (up.exit_code, up.stderr) == (0, "")
    assert up.stdout == "0 new events in the outbox; 4 deliveries sent (4 by email)\n"
    assert sorted((m.event, m.rcpt_tos) for m in box.mails) == [
        (JAN, (ANN,)),
        (JAN, (BOB,)),
        (MAR, (ANN,)),
        (MAR, (BOB,)),
    ]
    assert [d[2:] for d in states(outbox())] == [("sent", 2)] * 4


def test_a_server_that_never_answers_costs_one_timeout_per_run(desk: Path) -> None:
    # A TLS-only port spoken to in plain text: the server waits for a handshake, the client
    # for a greeting. Four deliveries must not cost four (or eight) timeouts.
    ca = authority(desk)
    box = Mailbox()
    with smtp_server(box, ssl_context=ca.server_context()) as controller:
        configure(email_table(controller.port, timeout="1s"))
        started = time.monotonic()
        result = notify()
        took = time.monotonic() - started
    assert result.exit_code == 1
    assert took < 2.5
    assert [d[2:] for d in states(outbox())] == [("pending", 1)] * 4
    (reason,) = errors(outbox())
    assert reason is not None
    assert reason.startswith(f"cannot reach the mail server at 127.0.0.1:{controller.port}:")
    assert "timed out" in reason


def test_a_person_without_an_address_is_named_in_a_warning(desk: Path) -> None:
    plan = PLAN.replace(
        'person bob "Bob Marsh" { email "bob@example.com" }', 'person bob "Bob Marsh"'
    )
    Path("plan.goal").write_text(plan, encoding="utf-8")
    box = Mailbox()
    with smtp_server(box) as controller:
        configure(email_table(controller.port))
        result = notify("2026-03-01")
    assert result.exit_code == 0
    assert result.stderr == (
        f"goalline: warning: Bob Marsh (bob) has no e-mail address in the plan: '{JAN}' is not"
        " e-mailed to them\n"
    )
    assert result.stdout == "1 new event in the outbox; 1 delivery sent (1 by email)\n"
    assert [(m.event, m.rcpt_tos) for m in box.mails] == [(JAN, (ANN,))]


def test_an_event_that_reaches_nobody_is_not_announced_again(desk: Path) -> None:
    plan = PLAN.replace('"Ann Lee"   { email "ann@example.com" }', '"Ann Lee"').replace(
        "notify owner, lead,", "notify owner,"
    )
    Path("plan.goal").write_text(plan, encoding="utf-8")
    configure(email_table(free_port()))
    first = notify()
    assert (first.exit_code, first.stdout) == (0, "2 new events in the outbox; 0 deliveries sent\n")
    dry = notify("2026-04-01", "--dry-run")
    assert (
        dry.stdout
        == "would add 0 new events to the outbox\nwould deliver 0 due from earlier runs\n"
    )
    assert "empty" not in goalline("outbox", "--db", DB).stdout


def test_a_line_break_in_a_name_or_an_address_does_not_stop_the_run(desk: Path) -> None:
    plan = PLAN.replace('"Ann Lee"', '"Ann\\nLee"').replace(
        '"bob@example.com"', '"bob@example.com\\nBcc: eve@example.com"'
    )
    Path("plan.goal").write_text(plan, encoding="utf-8")
    box = Mailbox()
    with smtp_server(box) as controller:
        configure(email_table(controller.port))
        result = notify("2026-03-01")
    assert result.exit_code == 1
    assert [(m.rcpt_tos, m.message["To"]) for m in box.mails] == [
        ((ANN,), "Ann Lee <ann@example.com>")
    ]
    assert box.mails[0].text.startswith("Hello Ann\nLee,")  # the body may break the line
    assert states(outbox())[1][2:] == ("pending", 1)
    assert errors(outbox()) == {
        None,
        "cannot write an e-mail to 'bob@example.com\\nBcc: eve@example.com':"
        " Header values may not contain linefeed or carriage return characters",
    }


# ---------------------------------------------------------------- webhook


def test_the_webhook_receives_each_event_as_json(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_HOOK_TOKEN", "t0ken")
    with webhook_server() as hook:
        configure(toml_table("notify.webhook", url=hook.url, token_env="DESK_HOOK_TOKEN"))
        result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "2 new events in the outbox; 2 deliveries sent (2 by webhook)\n"
    assert [r.path for r in hook.requests] == ["/hook", "/hook"]
    first, second = (r.json for r in hook.requests)
    assert first == JAN_PAYLOAD
    assert second["key"] == MAR
    assert (second["cycle"], second["fired_on"]) == (
        {"start": "2026-03-01", "end": "2026-03-31"},
        "2026-04-01",
    )
    assert (second["about"]["value"], second["about"]["value_text"]) == (70.5, "70.5%")
    headers = hook.requests[0].headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Authorization"] == "Bearer t0ken"
    assert headers["Idempotency-Key"] == JAN.encode().hex()
    assert states(outbox()) == [(JAN, hook.url, "sent", 1), (MAR, hook.url, "sent", 1)]


def test_a_webhook_that_fails_is_tried_again_by_the_next_run(desk: Path) -> None:
    with webhook_server(statuses=[500]) as hook:
        configure(toml_table("notify.webhook", url=hook.url))
        first = notify("2026-03-01")
        assert first.exit_code == 1
        assert first.stderr == (
            f"goalline: warning: webhook to {hook.url} for '{JAN}':"
            " the webhook answered 500 Internal Server Error\n"
        )
        assert first.stdout == (
            "1 new event in the outbox; 0 deliveries sent, 1 failed (see `goalline outbox`)\n"
        )
        assert states(outbox()) == [(JAN, hook.url, "pending", 1)]
        assert errors(outbox()) == {"the webhook answered 500 Internal Server Error"}

        second = notify("2026-03-01")
        assert (second.exit_code, second.stderr) == (0, "")
        assert second.stdout == "0 new events in the outbox; 1 delivery sent (1 by webhook)\n"
    assert [r.json["key"] for r in hook.requests] == [JAN, JAN]
    assert states(outbox()) == [(JAN, hook.url, "sent", 2)]


def test_a_webhook_that_redirects_is_not_counted_as_delivered(desk: Path) -> None:
    # Following a 301 to a POST means a GET without the event: nothing would arrive.
    with webhook_server(statuses=[301]) as hook:
        configure(toml_table("notify.webhook", url=hook.url))
        result = notify("2026-03-01")
    assert result.exit_code == 1
    assert [r.path for r in hook.requests] == ["/hook"]
    reason = (
        f"the webhook answered 301 Moved Permanently (to {hook.url}/moved:"
        " put that URL in goalline.toml)"
    )
    assert errors(outbox()) == {reason}
    assert states(outbox()) == [(JAN, hook.url, "pending", 1)]


def test_a_webhook_that_does_not_answer_in_time(desk: Path) -> None:
    with webhook_server(delay=5.0) as hook:
        configure(toml_table("notify.webhook", url=hook.url, timeout="1s"))
        started = time.monotonic()
        result = notify("2026-03-01")
        assert time.monotonic() - started < 4
    assert result.exit_code == 1
    reason = f"cannot reach the webhook {hook.url}: timed out"
    assert result.stderr == f"goalline: warning: webhook to {hook.url} for '{JAN}': {reason}\n"
    assert states(outbox()) == [(JAN, hook.url, "pending", 1)]
    assert errors(outbox()) == {reason}


def test_a_webhook_that_is_down_and_a_token_that_is_not_set(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    configure(toml_table("notify.webhook", url=url))
    assert notify("2026-03-01").exit_code == 1
    assert errors(outbox()) == {f"cannot reach the webhook {url}: Connection refused"}

    monkeypatch.delenv("DESK_HOOK_TOKEN", raising=False)
    with webhook_server(port=int(url.split(":")[2].split("/")[0])) as hook:
        configure(toml_table("notify.webhook", url=url, token_env="DESK_HOOK_TOKEN"))
        assert notify("2026-03-01").exit_code == 1
        assert hook.requests == []
    assert errors(outbox()) == {
        "the environment variable DESK_HOOK_TOKEN ([notify.webhook] in goalline.toml) is not set"
    }
    assert states(outbox()) == [(JAN, url, "pending", 2)]


# ---------------------------------------------------------------- command

RECEIVER = """\
import sys
data = sys.stdin.buffer.read()
with open(sys.argv[1], "ab") as out:
    out.write(data + b"\\n")
"""

FAILING = """\
import sys
sys.stdin.read()
print("paging the on-call engineer", file=sys.stderr)
print("pager is down", file=sys.stderr)
sys.exit(3)
"""


def test_the_command_gets_each_event_on_its_standard_input(desk: Path) -> None:
    Path("receive.py").write_text(RECEIVER, encoding="utf-8")
    received = desk / "received.jsonl"
    configure(toml_table("notify.command", run=[sys.executable, "receive.py", str(received)]))
    result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "2 new events in the outbox; 2 deliveries sent (2 by command)\n"
    payloads = [json.loads(line) for line in received.read_text(encoding="utf-8").splitlines()]
    assert payloads[0] == JAN_PAYLOAD
    assert [p["key"] for p in payloads] == [JAN, MAR]
    assert states(outbox()) == [(JAN, sys.executable, "sent", 1), (MAR, sys.executable, "sent", 1)]


def test_a_failing_command_is_reported_with_its_last_words(desk: Path) -> None:
    Path("page.py").write_text(FAILING, encoding="utf-8")
    configure(toml_table("notify.command", run=[sys.executable, "page.py"]))
    result = notify("2026-03-01")
    assert result.exit_code == 1
    reason = f"{sys.executable} exited with 3: pager is down"
    assert (
        result.stderr == f"goalline: warning: command to {sys.executable} for '{JAN}': {reason}\n"
    )
    assert states(outbox()) == [(JAN, sys.executable, "pending", 1)]
    assert errors(outbox()) == {reason}


def test_a_command_that_hangs_is_stopped_at_its_timeout(desk: Path) -> None:
    Path("hang.py").write_text("import time\ntime.sleep(30)\n", encoding="utf-8")
    configure(toml_table("notify.command", run=[sys.executable, "hang.py"], timeout="1s"))
    started = time.monotonic()
    result = notify("2026-03-01")
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    assert errors(outbox()) == {f"{sys.executable} did not finish within 1 s"}


def test_every_channel_at_once(desk: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    Path("receive.py").write_text(RECEIVER, encoding="utf-8")
    with webhook_server() as hook:
        configure(
            email_table(port),
            toml_table("notify.webhook", url=hook.url),
            toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]),
        )
        result = notify("2026-03-01")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "1 new event in the outbox; 4 deliveries sent (1 by command, 2 by email, 1 by webhook)\n"
    )
    assert [d[1:3] for d in states(outbox())] == [
        (ANN, "sent"),
        (BOB, "sent"),
        (hook.url, "sent"),
        (sys.executable, "sent"),
    ]
    assert [m.rcpt_tos for m in box.mails] == [(ANN,), (BOB,)]
    assert [r.json["key"] for r in hook.requests] == [JAN]
    assert [json.loads(line)["key"] for line in Path("got.jsonl").read_text().splitlines()] == [JAN]


# ---------------------------------------------------------------- each event once


def test_notify_again_sends_only_what_is_new(desk: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    configure(email_table(port))
    assert notify().stdout == "2 new events in the outbox; 4 deliveries sent (4 by email)\n"
    again = notify()
    assert (again.exit_code, again.stdout, again.stderr) == (
        0,
        "0 new events in the outbox; 0 deliveries sent\n",
        "",
    )
    assert len(box.mails) == 4

    for value, day in (("92", "2026-04-10"), ("60", "2026-05-10")):  # April met, May breached
        recorded = goalline("record", "csat", value, "--db", DB, "--at", day, "--plan", "plan.goal")
        assert recorded.exit_code == 0, recorded.output
    later = notify("2026-06-01")
    assert (later.exit_code, later.stderr) == (0, "")
    assert later.stdout == "1 new event in the outbox; 2 deliveries sent (2 by email)\n"
    assert [(m.event, m.rcpt_tos) for m in box.mails[4:]] == [(MAY, (ANN,)), (MAY, (BOB,))]
    assert "Value: 60% against the target >= 90" in box.mails[4].text
    assert [e["key"] for e in outbox()] == [JAN, MAR, MAY]


# ---------------------------------------------------------------- a run that is killed


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder / PLAN_NAME, folder / STORE_NAME)
    return folder


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo's plan and year of data (21 events as of 2027-01-01), here."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    monkeypatch.chdir(folder)
    return folder


def demo_pairs() -> set[tuple[str, str]]:
    """(event key, address) of every e-mail the demo's events call for."""
    result = goalline(
        "evaluate", PLAN_NAME, "--db", STORE_NAME, "--as-of", "2027-01-01", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["escalations"]
    assert len(events) == 21
    return {(e["key"], p["email"]) for e in events for p in e["notify"] if p["email"]}


def test_a_killed_run_loses_nothing_and_repeats_at_most_one_message(demo: Path) -> None:
    expected = demo_pairs()
    assert len(expected) == 26
    # the server takes the tenth message and then keeps the sender waiting for its answer
    box = Mailbox(hold_at=10)
    with smtp_server(box) as controller:
        configure(email_table(controller.port, timeout="30s"))
        args = ["notify", PLAN_NAME, "--db", STORE_NAME, "--as-of", "2027-01-01"]
        first = subprocess.Popen(
            [str(GOALLINE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            wait_until(lambda: len(box.mails) == 10 or first.poll() is not None, "10 messages")
            assert first.poll() is None, first.communicate()

            # meanwhile another run adds nothing and does not deliver alongside
            other = goalline(*args)
            assert other.exit_code == 2
            assert other.stderr == (
                f"goalline: error: another goalline is delivering from {STORE_NAME}"
                f" (it holds {STORE_NAME}-outbox); try again when it has finished\n"
            )
        finally:
            os.kill(first.pid, signal.SIGKILL)
            first.communicate(timeout=WAIT)
        assert first.returncode == -signal.SIGKILL
        box.release.set()
        assert len(box.mails) == 10

        second = goalline(*args)
    assert (second.exit_code, second.stderr) == (0, "")
    # nine were handed over and written down; the tenth was handed over, not confirmed
    found = re.fullmatch(
        r"0 new events in the outbox; 17 deliveries sent \(17 by email\)"
        r"(?:; (\d+) recorded from an interrupted run)?\n",
        second.stdout,
    )
    assert found, second.stdout
    assert int(found[1] or 0) <= 9

    received = Counter((m.event, m.rcpt_tos[0]) for m in box.mails)
    assert set(received) == expected
    assert sum(received.values()) == len(expected) + 1  # the tenth, twice
    (repeated,) = [pair for pair, n in received.items() if n == 2]
    copies = [m for m in box.mails if (m.event, m.rcpt_tos[0]) == repeated]
    assert copies[0].message["Message-ID"] == copies[1].message["Message-ID"]

    listing = outbox(STORE_NAME)
    assert {(d[0], d[1]) for d in states(listing)} == expected
    assert {d[2] for d in states(listing)} == {"sent"}
    assert Path(f"{STORE_NAME}-outbox").read_bytes() == b""  # nothing left to replay


def test_a_journal_left_by_a_killed_run_is_recorded_first(desk: Path) -> None:
    port = free_port()
    configure(email_table(port))
    assert notify().exit_code == 1  # the server is down: four deliveries wait
    # what a run killed after handing over January's e-mail to Ann left behind: its line,
    # and the start of the next one, cut short by the kill
    when = "2026-04-01T08:00:00+00:00"
    line = json.dumps([1, "email", ANN, when])
    Path(f"{DB}-outbox").write_text(f'{line}\n[1, "email", "bob@exa', encoding="utf-8")

    box = Mailbox()
    with smtp_server(box, port=port):
        result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "0 new events in the outbox; 3 deliveries sent (3 by email);"
        " 1 recorded from an interrupted run\n"
    )
    assert [(m.event, m.rcpt_tos) for m in box.mails] == [
        (JAN, (BOB,)),
        (MAR, (ANN,)),
        (MAR, (BOB,)),
    ]
    listing = outbox()
    assert [d[2:] for d in states(listing)] == [("sent", 2)] * 4
    assert listing[0]["deliveries"][0]["sent_at"] == when
    assert Path(f"{DB}-outbox").read_bytes() == b""


def test_the_demo_year_as_a_dry_run(demo: Path) -> None:
    configure(email_table(free_port()))
    before = snapshot(demo / STORE_NAME)
    result = goalline("notify", PLAN_NAME, "--db", STORE_NAME, "--as-of", "2027-01-01", "--dry-run")
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == "would add 21 new events to the outbox"
    assert len(lines) == 1 + 26 + 1
    assert lines[-1] == "would deliver 0 due from earlier runs"
    assert snapshot(demo / STORE_NAME) == before
    assert not Path(f"{STORE_NAME}-outbox").exists()


# ---------------------------------------------------------------- dry run


def test_a_dry_run_writes_nothing_and_sends_nothing(desk: Path) -> None:
    box = Mailbox(refuse_data="451 4.3.0 Try again later")
    with smtp_server(box) as controller:
        configure(email_table(controller.port))
        before = snapshot(desk / DB)
        dry = notify("2026-04-01", "--dry-run")
        assert (dry.exit_code, dry.stderr) == (0, "")
        assert dry.stdout == (
            "would add 2 new events to the outbox\n"
            f"  email    {ANN}  {JAN}\n"
            f"  email    {BOB}  {JAN}\n"
            f"  email    {ANN}  {MAR}\n"
            f"  email    {BOB}  {MAR}\n"
            "would deliver 0 due from earlier runs\n"
        )
        assert snapshot(desk / DB) == before
        assert outbox_rows(desk / DB) == []
        assert box.recipients_tried == 0

        assert notify("2026-03-01").exit_code == 1  # January's two wait for a retry
        tried = box.recipients_tried
        before = snapshot(desk / DB)
        dry = notify("2026-04-01", "--dry-run")
        assert (dry.exit_code, dry.stderr) == (0, "")
        assert dry.stdout == (
            "would add 1 new event to the outbox\n"
            f"  email    {ANN}  {MAR}\n"
            f"  email    {BOB}  {MAR}\n"
            "would deliver 2 due from earlier runs\n"
            f"  email    {ANN}  {JAN}\n"
            f"  email    {BOB}  {JAN}\n"
        )
        assert snapshot(desk / DB) == before
        assert box.recipients_tried == tried
    assert outbox_rows(desk / DB) == [(JAN, ANN, "pending"), (JAN, BOB, "pending")]


# ---------------------------------------------------------------- ack


def test_an_acknowledged_event_is_not_sent_and_evaluate_says_who_saw_it(desk: Path) -> None:
    port = free_port()
    configure(email_table(port))
    assert notify().exit_code == 1  # the server is down: four deliveries wait

    by_number = goalline("ack", "1", "--db", DB, "--by", "ann", "--note", "Called them back")
    assert (by_number.exit_code, by_number.stderr) == (0, "")
    assert by_number.stdout == f"acknowledged {JAN} (by ann)\n"
    table = goalline("outbox", "--db", DB).stdout.splitlines()
    assert table[0] == f"   1  {JAN}  acknowledged by ann"
    assert table[3] == f"   2  {MAR}"

    box = Mailbox()
    with smtp_server(box, port=port):
        result = notify()
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "0 new events in the outbox; 2 deliveries sent (2 by email)\n"
    assert [(m.event, m.rcpt_tos) for m in box.mails] == [(MAR, (ANN,)), (MAR, (BOB,))]
    listing = outbox()
    assert states(listing) == [
        (JAN, ANN, "pending", 1),
        (JAN, BOB, "pending", 1),
        (MAR, ANN, "sent", 2),
        (MAR, BOB, "sent", 2),
    ]
    seen = listing[0]["acknowledged"]
    assert (seen["by"], seen["note"]) == ("ann", "Called them back")
    assert ISO_TIME.fullmatch(seen["at"])
    assert listing[1]["acknowledged"] is None

    report = goalline(
        "evaluate", "plan.goal", "--db", DB, "--as-of", "2026-04-01", "--format", "json"
    )
    assert report.exit_code == 0
    escalations = json.loads(report.stdout)["escalations"]
    assert [(e["key"], e["acknowledged"]) for e in escalations] == [
        (JAN, {"by": "ann", "at": seen["at"], "note": "Called them back"}),
        (MAR, None),
    ]

    by_key = goalline("ack", MAR, "--db", DB, "--by", "bob")
    assert (by_key.exit_code, by_key.stdout) == (0, f"acknowledged {MAR} (by bob)\n")
    report = goalline(
        "evaluate", "plan.goal", "--db", DB, "--as-of", "2026-04-01", "--format", "json"
    )
    acknowledged = [e["acknowledged"] for e in json.loads(report.stdout)["escalations"]]
    assert acknowledged[1] is not None
    assert (acknowledged[1]["by"], acknowledged[1]["note"]) == ("bob", None)


@pytest.mark.parametrize("reference", ["7", "happy/when critical/2026-01-01"])
def test_acknowledging_an_event_that_is_not_in_the_outbox(desk: Path, reference: str) -> None:
    Path("receive.py").write_text(RECEIVER, encoding="utf-8")
    configure(toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]))
    assert notify().exit_code == 0
    result = goalline("ack", reference, "--db", DB, "--by", "ann")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"goalline: error: there is no event '{reference}' in the outbox;"
        " `goalline outbox` lists them\n"
    )
    assert goalline("outbox", "--db", DB).stdout.count("acknowledged") == 0


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            '[notify.email]\nhots = "127.0.0.1"\nport = 25\nfrom = "a@b.example"\n',
            [
                "[notify.email] unknown key 'hots' (did you mean 'host'?)",
                "[notify.email] host is required",
            ],
        ),
        (
            '[notify.email]\nhost = "127.0.0.1"\nport = "25"\nfrom = "a@b.example"\n'
            'security = "ssl"\n',
            [
                "[notify.email] port must be a whole number, not '25'",
                "[notify.email] security must be one of none, starttls, tls, not 'ssl'",
            ],
        ),
        (
            '[notify]\nretry_after = "soon"\n[notify.webhook]\nurl = "http://127.0.0.1/x"\n',
            ['[notify] retry_after must be a duration such as "30s", "5m", "2h", not \'soon\''],
        ),
        ('[notify.command]\ntimeout = "5s"\n', ["[notify.command] run is required"]),
    ],
)
def test_a_configuration_that_cannot_be_used(desk: Path, text: str, problems: list[str]) -> None:
    Path("goalline.toml").write_text(text, encoding="utf-8")
    for args in (("notify", "plan.goal", "--db", DB), ("outbox", "--db", DB)):
        result = goalline(*args)
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr.splitlines() == [
            f"goalline: error: goalline.toml: {p}" for p in problems
        ]
    assert outbox_rows(desk / DB) == []


def test_a_configuration_that_is_not_toml(desk: Path) -> None:
    Path("settings.toml").write_text('[notify.email\nhost = "x"\n', encoding="utf-8")
    result = goalline("notify", "plan.goal", "--db", DB, "--config", "settings.toml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "goalline: error: settings.toml: not valid TOML:"
        " Expected ']' at the end of a table declaration (at line 1, column 14)\n"
    )
    missing = goalline("notify", "plan.goal", "--db", DB, "--config", "nowhere.toml")
    assert (missing.exit_code, missing.stderr) == (
        2,
        "goalline: error: cannot read nowhere.toml: No such file or directory\n",
    )


def test_notify_needs_a_channel(desk: Path) -> None:
    no_file = notify()
    message = (
        "goalline: error: no channel to deliver through: add [notify.email], [notify.webhook]"
        " or [notify.command] to goalline.toml (`goalline init` writes an example)\n"
    )
    assert (no_file.exit_code, no_file.stdout, no_file.stderr) == (2, "", message)
    configure()  # [notify] without a channel
    assert (notify().exit_code, notify().stderr) == (2, message)
    assert outbox_rows(desk / DB) == []
    empty = goalline("outbox", "--db", DB)
    assert (empty.exit_code, empty.stdout) == (
        0,
        "the outbox is empty: `goalline notify PLAN` fills it\n",
    )
    assert outbox() == []


def test_the_store_can_come_from_the_configuration(desk: Path) -> None:
    Path("receive.py").write_text(RECEIVER, encoding="utf-8")
    Path("goalline.toml").write_text(
        f'db = "{DB}"\n\n'
        + toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]),
        encoding="utf-8",
    )
    result = goalline("notify", "plan.goal", "--as-of", "2026-03-01")
    assert (result.exit_code, result.stdout) == (
        0,
        "1 new event in the outbox; 1 delivery sent (1 by command)\n",
    )
    assert [e["key"] for e in outbox()] == [JAN]

    Path("goalline.toml").write_text(
        toml_table("notify.command", run=[sys.executable, "receive.py", "got.jsonl"]),
        encoding="utf-8",
    )
    nowhere = goalline("notify", "plan.goal")
    assert (nowhere.exit_code, nowhere.stderr) == (
        2,
        "goalline: error: no store given: use --db DB, or set `db` in goalline.toml\n",
    )


def test_init_writes_a_configuration_that_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = goalline("init")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout == "wrote goalline.toml: set the channels, then run `goalline notify PLAN`\n"
    )
    text = (tmp_path / "goalline.toml").read_text(encoding="utf-8")
    assert text == EXAMPLE
    config = parse_config(text)
    assert config.notify.email == Email(host="127.0.0.1", port=8025, sender="goalline@example.com")
    assert config.notify.channels == ("email",)

    (tmp_path / "goalline.toml").write_text("db = 'mine.db'\n", encoding="utf-8")
    again = goalline("init")
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr == "goalline: error: goalline.toml exists already; --force replaces it\n"
    assert (tmp_path / "goalline.toml").read_text(encoding="utf-8") == "db = 'mine.db'\n"

    forced = goalline("init", "--force")
    assert forced.exit_code == 0
    assert (tmp_path / "goalline.toml").read_text(encoding="utf-8") == EXAMPLE


def test_the_written_configuration_delivers(desk: Path, mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    assert goalline("init").exit_code == 0
    text = (
        Path("goalline.toml").read_text(encoding="utf-8").replace("port = 8025", f"port = {port}")
    )
    Path("goalline.toml").write_text(text, encoding="utf-8")
    result = notify("2026-03-01")
    assert (result.exit_code, result.stdout) == (
        0,
        "1 new event in the outbox; 2 deliveries sent (2 by email)\n",
    )
    assert {m.mail_from for m in box.mails} == {"goalline@example.com"}
