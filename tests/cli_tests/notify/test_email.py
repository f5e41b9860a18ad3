"""`goalline notify` by e-mail, against a real SMTP server on loopback: one message per
person and event, what it says, STARTTLS, implicit TLS and logins, certificates that are not
trusted, refusals, retries and giving up, a server that is down or never answers, and
people without an address. The plan and the fixtures are in conftest.py."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from ...helpers import goalline
from ..servers import Mailbox, authority, free_port, password_check, smtp_server
from .conftest import (
    ANN,
    BOB,
    DB,
    ISO_TIME,
    JAN,
    JAN_TEXT,
    MAR,
    PLAN,
    RULE,
    SENDER,
    configure,
    email_table,
    errors,
    notify,
    outbox,
    states,
)


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
    assert "  2. Write down what went wrong (Ann Lee, within 2d: by 2026-02-03 00:00)" in html

    to_bob = box.mails[3]  # March's, to the lead
    # Bob leads the desk, whose step of the runbook is his: his message begins with it.
    assert to_bob.text.startswith(
        "Hello Bob Marsh,\n\nYours to do, from the runbook below:\n"
        "  - Call the unhappy customers, by 2026-04-02 00:00\n\n"
    )
    assert "Cycle: 2026-03-01 .. 2026-03-31\nValue: 70.5% against the target >= 90\n" in (
        to_bob.text
    )
    assert f"Rule: {RULE}, fired on 2026-04-01\n" in to_bob.text
    assert (
        "  1. Call the unhappy customers (desk (Bob Marsh), within 1d: by 2026-04-02 00:00)\n"
        in (to_bob.text)
    )


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
    assert result.stderr == f"goalline: warning: email: 4 deliveries failed: {reason}\n"
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
    assert result.stderr == f"goalline: warning: email: 4 deliveries failed: {reason}\n"
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
        assert first.stderr == f"goalline: warning: email: 2 deliveries failed: {refused}\n"
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
    assert result.stderr == f"goalline: warning: email: 2 deliveries failed: {refused}\n"
    assert states(outbox()) == [(JAN, ANN, "pending", 1), (JAN, BOB, "pending", 1)]
    assert errors(outbox()) == {refused}


def test_a_server_that_is_down_loses_nothing(desk: Path) -> None:
    port = free_port()  # nothing listens there
    configure(email_table(port))
    down = notify()
    assert down.exit_code == 1
    reason = f"cannot reach the mail server at 127.0.0.1:{port}: Connection refused"
    assert down.stderr == f"goalline: warning: email: 4 deliveries failed: {reason}\n"
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
    # Neither the rule (the owner, without an address) nor its runbook reaches anybody.
    plan = PLAN.replace('"Ann Lee"   { email "ann@example.com" }', '"Ann Lee"').replace(
        "notify owner, lead, run recover", "notify owner"
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
        " header values may not contain linefeed or carriage return characters",
    }
