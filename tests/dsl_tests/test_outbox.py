"""The outbox in the store (events, their deliveries, retries with a doubling wait, giving
up, acknowledged events left alone) and what an event says when it is delivered: the JSON
payload, who gets it on which channel, and the e-mail one person receives."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

import pytest

from dsl.api import run
from dsl.engine.report import Report
from dsl.notify.notices import email_message, payload, queued, subject_line, text_body
from dsl.store.database import Store, StoreError
from dsl.store.outbox import LONGEST_WAIT, Attempt, Delivery, Queued

T0 = "2026-07-01T09:00:00+00:00"
T1 = "2026-07-01T09:05:00+00:00"
T2 = "2026-07-01T10:00:00+00:00"
URL = "http://127.0.0.1:9000/hook"
NOON = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)

PLAN = """\
plan "Help desk 2026" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
  owner     ann
}

person ann "Ann Lee"   { email "ann@example.com" }
person bob "Bob Marsh" { email "bob@example.com" }
person cy  "Cy Noaddr"

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
  when breached 1 time in a row  notify owner, lead, cy, run recover
}

escalation late "Late" {
  when in buffer  notify owner
  when overdue    notify owner, lead
}

goal happy "Keep customers <happy> & \\"calm\\"" {
  serves      calm
  indicator   csat
  target      >= 90
  cycle       monthly
  owner       ann
  lead        desk
  escalation  slip
}

milestone portal "Open the portal" {
  due         2026-03-15
  buffer      7d
  owner       ann
  lead        desk
  serves      calm
  escalation  late
}
"""

HAPPY_JAN = "happy/when breached 1 time in a row/2026-01-01"
IN_BUFFER = "portal/when in buffer/2026-03-16"
OVERDUE = "portal/when overdue/2026-03-23"
HAPPY_MAR = "happy/when breached 1 time in a row/2026-03-01"


def received(message: Message[str, str | Header]) -> EmailMessage:
    """The message as its recipient's mail reader sees it: the bytes sent, parsed again."""
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def item(key: str, *recipients: tuple[str, str]) -> Queued:
    return Queued(key, {"key": key, "about": {"id": key.split("/")[0]}}, recipients)


def table(store: Store) -> list[tuple[str, str, str, int, str | None, str | None, str | None]]:
    return [
        (d.key, d.recipient, d.status, d.attempts, d.last_error, d.next_attempt_at, d.sent_at)
        for d in store.outbox.deliveries()
    ]


def failed(delivery: Delivery, at: str, error: str = "the mail server refused: 451") -> Attempt:
    return Attempt(delivery.event, delivery.channel, delivery.recipient, at, error)


def sent(delivery: Delivery, at: str) -> Attempt:
    return Attempt(delivery.event, delivery.channel, delivery.recipient, at)


def later(at: str, wait: timedelta) -> str:
    return (datetime.fromisoformat(at) + wait).isoformat()


# ---------------------------------------------------------------- the store


def test_an_event_enters_once_with_a_pending_delivery_per_recipient(store: Store) -> None:
    first = item("a/when critical/2026-01-01", ("email", "ann@example.com"), ("webhook", URL))
    assert store.outbox.enqueue([first], T0) == 1
    assert table(store) == [
        ("a/when critical/2026-01-01", "ann@example.com", "pending", 0, None, T0, None),
        ("a/when critical/2026-01-01", URL, "pending", 0, None, T0, None),
    ]
    (delivery, _) = store.outbox.deliveries()
    assert (delivery.event, delivery.channel, delivery.payload) == (1, "email", first.payload)

    # evaluating the same data again adds nothing; a new event is added after the others
    second = item("b/when critical/2026-02-01", ("command", "/usr/bin/page"))
    assert store.outbox.enqueue([first, second], T1) == 1
    assert [(d.event, d.key, d.recipient) for d in store.outbox.deliveries()] == [
        (1, "a/when critical/2026-01-01", "ann@example.com"),
        (1, "a/when critical/2026-01-01", URL),
        (2, "b/when critical/2026-02-01", "/usr/bin/page"),
    ]
    assert store.outbox.enqueue([first, second], T2) == 0


def test_an_event_that_reaches_nobody_is_known_all_the_same(store: Store) -> None:
    assert store.outbox.enqueue([item("a/r/2026-01-01")], T0) == 1
    assert store.outbox.deliveries() == []
    assert store.outbox.event_keys() == {"a/r/2026-01-01"}
    assert store.outbox.enqueue([item("a/r/2026-01-01")], T1) == 0
    assert store.outbox.event_key("1") == "a/r/2026-01-01"


def test_enqueue_adds_all_or_nothing(store: Store) -> None:
    good = item("a/when critical/2026-01-01", ("email", "ann@example.com"))
    twice = item(
        "b/when critical/2026-01-01", ("email", "bob@example.com"), ("email", "bob@example.com")
    )
    with pytest.raises(StoreError, match=r"^cannot write to .*store\.db: UNIQUE constraint failed"):
        store.outbox.enqueue([good, twice], T0)
    assert store.outbox.deliveries() == []
    assert store.outbox.enqueue([good], T0) == 1


def test_the_outbox_as_another_program_reads_it(store: Store) -> None:
    store.outbox.enqueue([item("a/when critical/2026-01-01", ("email", "李@例子.cn"))], T0)
    with sqlite3.connect(store.path) as connection:
        events = connection.execute(
            "SELECT id, key, payload, created_at FROM outbox_events"
        ).fetchall()
        deliveries = connection.execute("SELECT * FROM outbox_deliveries").fetchall()
    assert events == [
        (
            1,
            "a/when critical/2026-01-01",
            '{"key": "a/when critical/2026-01-01", "about": {"id": "a"}}',
            T0,
        )
    ]
    assert deliveries == [(1, "email", "李@例子.cn", "pending", 0, None, T0, None)]


def test_what_is_due(store: Store) -> None:
    store.outbox.enqueue([item("a/r/2026-01-01", ("email", "ann@example.com"))], T0)
    store.outbox.enqueue([item("b/r/2026-01-01", ("email", "ann@example.com"))], T2)
    assert [d.key for d in store.outbox.due(T0)] == ["a/r/2026-01-01"]
    assert [d.key for d in store.outbox.due(T2)] == ["a/r/2026-01-01", "b/r/2026-01-01"]
    assert store.outbox.due("2026-06-30T23:59:59+00:00") == []

    # an acknowledged event is not sent any more, its deliveries are left as they are
    store.reviews.acknowledge("a/r/2026-01-01", "ann", "seen", T1)
    assert [d.key for d in store.outbox.due(T2)] == ["b/r/2026-01-01"]
    assert [d.status for d in store.outbox.deliveries()] == ["pending", "pending"]


def test_a_failed_delivery_waits_twice_as_long_each_time_then_is_given_up(store: Store) -> None:
    store.outbox.enqueue([item("a/r/2026-01-01", ("email", "ann@example.com"))], T0)
    wait = timedelta(minutes=5)
    at = T0
    for tries, expected_wait in ((1, 5), (2, 10), (3, 20)):
        (delivery,) = store.outbox.due(at)
        store.outbox.record_attempts([failed(delivery, at, f"try {tries}")], 4, wait)
        after = later(at, timedelta(minutes=expected_wait))
        assert table(store) == [
            ("a/r/2026-01-01", "ann@example.com", "pending", tries, f"try {tries}", after, None)
        ]
        assert store.outbox.due(later(after, -timedelta(seconds=1))) == []  # not before its time
        at = after
    (delivery,) = store.outbox.due(at)
    store.outbox.record_attempts([failed(delivery, at, "try 4")], 4, wait)
    assert table(store) == [("a/r/2026-01-01", "ann@example.com", "failed", 4, "try 4", None, None)]
    assert store.outbox.due("2030-01-01T00:00:00+00:00") == []

    # a failure or a success reported for it later changes nothing
    store.outbox.record_attempts([failed(delivery, at, "again")], 4, wait)
    assert table(store)[0][2:5] == ("failed", 4, "try 4")


def test_the_wait_stops_growing_at_a_day(store: Store) -> None:
    store.outbox.enqueue([item("a/r/2026-01-01", ("email", "ann@example.com"))], T0)
    (delivery,) = store.outbox.deliveries()
    for _ in range(3):
        store.outbox.record_attempts([failed(delivery, T0)], 100, timedelta(hours=10))
    assert table(store)[0][3] == 3
    assert table(store)[0][5] == later(T0, LONGEST_WAIT)  # not 40 hours


def test_many_failures_do_not_overflow_the_wait(store: Store) -> None:
    store.outbox.enqueue([item("a/r/2026-01-01", ("email", "ann@example.com"))], T0)
    (delivery,) = store.outbox.deliveries()
    for _ in range(70):  # 2 ** 69 minutes is no timedelta
        store.outbox.record_attempts([failed(delivery, T0)], 1000, timedelta(minutes=1))
    assert table(store)[0][2:4] == ("pending", 70)
    assert table(store)[0][5] == later(T0, LONGEST_WAIT)


def test_a_retry_after_zero_is_due_at_once(store: Store) -> None:
    store.outbox.enqueue([item("a/r/2026-01-01", ("email", "ann@example.com"))], T0)
    (delivery,) = store.outbox.due(T0)
    store.outbox.record_attempts([failed(delivery, T1)], 3, timedelta(0))
    assert [d.attempts for d in store.outbox.due(T1)] == [1]


def test_a_delivery_is_recorded_as_sent_once(store: Store) -> None:
    store.outbox.enqueue(
        [item("a/r/2026-01-01", ("email", "ann@example.com"), ("webhook", URL))], T0
    )
    email, hook = store.outbox.due(T0)
    store.outbox.record_attempts([failed(email, T0), sent(hook, T0)], 5, timedelta(minutes=1))
    store.outbox.record_attempts([sent(email, T1)], 5, timedelta(minutes=1))
    assert table(store) == [
        ("a/r/2026-01-01", "ann@example.com", "sent", 2, "the mail server refused: 451", None, T1),
        ("a/r/2026-01-01", URL, "sent", 1, None, None, T0),
    ]
    # a journal replayed after a kill reports them again: nothing changes
    store.outbox.record_attempts(
        [sent(email, T2), sent(hook, T2), failed(hook, T2)], 5, timedelta(0)
    )
    assert [row[2:4] + row[6:] for row in table(store)] == [("sent", 2, T1), ("sent", 1, T0)]
    assert store.outbox.due(T2) == []
    store.outbox.record_attempts([], 5, timedelta(0))  # an empty batch writes nothing


def test_an_event_is_named_by_its_number_or_its_key(store: Store) -> None:
    store.outbox.enqueue(
        [
            item("a/r/2026-01-01", ("email", "a@x.example")),
            item("b/r/2026-01-01", ("email", "b@x.example")),
        ],
        T0,
    )
    assert store.outbox.event_key("2") == "b/r/2026-01-01"
    assert store.outbox.event_key("a/r/2026-01-01") == "a/r/2026-01-01"
    for unknown in ("3", "c/r/2026-01-01", "'; DROP TABLE outbox_events; --"):
        with pytest.raises(StoreError) as caught:
            store.outbox.event_key(unknown)
        assert str(caught.value) == (
            f"there is no event '{unknown}' in the outbox; `goalline outbox` lists them"
        )
    assert len(store.outbox.deliveries()) == 2


# ---------------------------------------------------------------- what an event says


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The plan as of 2026-04-01 with January 80, February 95 and March 70.5 recorded."""
    path = tmp_path_factory.mktemp("notices") / "store.db"
    with Store.open(str(path), create=True) as store:
        for day, value in (("2026-01-10", 80), ("2026-02-10", 95), ("2026-03-10", 70.5)):
            at = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()
            store.record("csat", at, value, None, T0)
        outcome = run("plan.goal", store, datetime(2026, 4, 1, tzinfo=UTC), text=PLAN)
    assert outcome.report is not None, outcome.errors
    return outcome.report


def data(report: Report, key: str) -> dict[str, Any]:
    event = next(e for e in report.escalations if e.key == key)
    return payload(report, event)


def test_who_gets_each_event_on_each_channel(report: Report) -> None:
    items, warnings = queued(report, ("email", "webhook", "command"), URL, "/usr/bin/page")
    assert [(i.key, i.recipients) for i in items] == [
        (
            HAPPY_JAN,
            (
                ("email", "ann@example.com"),
                ("email", "bob@example.com"),
                ("webhook", URL),
                ("command", "/usr/bin/page"),
            ),
        ),
        (IN_BUFFER, (("email", "ann@example.com"), ("webhook", URL), ("command", "/usr/bin/page"))),
        (
            OVERDUE,
            (
                ("email", "ann@example.com"),
                ("email", "bob@example.com"),
                ("webhook", URL),
                ("command", "/usr/bin/page"),
            ),
        ),
        (
            HAPPY_MAR,
            (
                ("email", "ann@example.com"),
                ("email", "bob@example.com"),
                ("webhook", URL),
                ("command", "/usr/bin/page"),
            ),
        ),
    ]
    assert warnings == [
        f"Cy Noaddr (cy) has no e-mail address in the plan: '{key}' is not e-mailed to them"
        for key in (HAPPY_JAN, HAPPY_MAR)
    ]
    assert [i.payload for i in items] == [payload(report, e) for e in report.escalations]

    only_hook, quiet = queued(report, ("webhook",), URL, None)
    assert [i.recipients for i in only_hook] == [(("webhook", URL),)] * 4
    assert quiet == []  # no e-mail channel, nobody to warn about


def test_a_runbook_steps_people_are_emailed_even_when_the_rule_names_others(
    tmp_path: Path,
) -> None:
    # The rule notifies only Cy (no address); its runbook's steps fall to the desk's lead
    # (Bob) and to Ann, who each get the event with their own step first.
    text = PLAN.replace("notify owner, lead, cy, run recover", "notify cy, run recover")
    with Store.open(str(tmp_path / "store.db"), create=True) as store:
        at = datetime(2026, 1, 10, tzinfo=UTC).timestamp()
        store.record("csat", at, 80, None, T0)
        outcome = run("plan.goal", store, datetime(2026, 2, 2, tzinfo=UTC), text=text)
    assert outcome.report is not None
    items, warnings = queued(outcome.report, ("email",), None, None)
    assert [(i.key, i.recipients) for i in items] == [
        (HAPPY_JAN, (("email", "bob@example.com"), ("email", "ann@example.com")))
    ]
    assert warnings == [
        f"Cy Noaddr (cy) has no e-mail address in the plan: '{HAPPY_JAN}' is not e-mailed to them"
    ]
    ann = received(email_message(items[0].payload, "ann@example.com", "g@x.example", "Ann Lee"))
    assert (
        ann.get_body(("plain",))
        .get_content()
        .startswith(  # type: ignore[union-attr]
            "Hello Ann Lee,\n\nYours to do, from the runbook below:\n"
            "  - Write down what went wrong, by 2026-02-03 00:00\n\n"
        )
    )


def test_an_event_queued_before_steps_had_deadlines_is_still_delivered(report: Report) -> None:
    body = data(report, HAPPY_JAN)
    for step in body["runbook"]["steps"] + body["runbooks"][0]["steps"]:
        step.pop("person", None)
        step.pop("due", None)
    assert "  1. Call the unhappy customers (desk, within 1d)\n" in text_body(body, None, "x@y")


def test_the_payload_of_a_goal_event(report: Report) -> None:
    body = data(report, HAPPY_MAR)
    assert body["goalline_event"] == 1
    assert body["key"] == HAPPY_MAR
    assert body["plan"] == {"title": "Help desk 2026", "file": "plan.goal", "timezone": "UTC"}
    assert (body["subject"], body["kind"], body["rule"], body["fired_on"]) == (
        "happy",
        "goal",
        "when breached 1 time in a row",
        "2026-04-01",
    )
    assert body["cycle"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert [p["id"] for p in body["notify"]] == ["ann", "bob", "cy"]
    # Each step names who is told to do it (a team: its lead) and by when: the firing (the
    # start of 1 April, UTC) plus `within`.
    assert body["runbook"]["steps"] == [
        {
            "step": "Call the unhappy customers",
            "by": "desk",
            "within": "1d",
            "person": {"id": "bob", "name": "Bob Marsh", "email": "bob@example.com"},
            "due": "2026-04-02 00:00",
        },
        {
            "step": "Write down what went wrong",
            "by": "ann",
            "within": "2d",
            "person": {"id": "ann", "name": "Ann Lee", "email": "ann@example.com"},
            "due": "2026-04-03 00:00",
        },
    ]
    assert body["about"] == {
        "id": "happy",
        "title": 'Keep customers <happy> & "calm"',
        "owner": "ann",
        "lead": "desk",
        "status": "breached",
        "value": 70.5,
        "value_text": "70.5%",
        "target": ">= 90",
        "unit": "%",
    }
    assert json.loads(json.dumps(body)) == body  # plain JSON all the way down


def test_the_payload_of_a_milestone_event(report: Report) -> None:
    body = data(report, IN_BUFFER)
    assert (body["kind"], body["cycle"], body["fired_on"], body["runbooks"]) == (
        "milestone",
        None,
        "2026-03-16",
        [],
    )
    assert body["about"] == {
        "id": "portal",
        "title": "Open the portal",
        "owner": "ann",
        "due": "2026-03-15",
        "buffer_days": 7,
        "status": "overdue",  # where it stands now, a week after the rule fired
    }


def test_the_email_about_a_goal(report: Report) -> None:
    message = received(
        email_message(
            data(report, HAPPY_JAN), "bob@example.com", "goalline@desk.example", "Bob Marsh"
        )
    )
    assert message["Subject"] == (
        "[goalline] breached: happy — when breached 1 time in a row (2026-01-01 .. 2026-01-31)"
    )
    assert (message["From"], message["To"]) == (
        "goalline@desk.example",
        "Bob Marsh <bob@example.com>",
    )
    assert message["X-Goalline-Event"] == HAPPY_JAN
    assert message["Date"] is None  # written at no particular time
    dated = received(
        email_message(data(report, HAPPY_JAN), "bob@example.com", "g@x.example", None, NOON)
    )
    assert dated["Date"] == "Wed, 01 Jul 2026 12:00:00 +0000"
    assert dated["To"] == "bob@example.com"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content() == (
        "Hello Bob Marsh,\n"
        "\n"
        "Yours to do, from the runbook below:\n"
        "  - Call the unhappy customers, by 2026-02-02 00:00\n"
        "\n"
        'Goal happy ("Keep customers <happy> & "calm"") of Help desk 2026 needs attention.\n'
        "Cycle: 2026-01-01 .. 2026-01-31\n"
        "Value: 80% against the target >= 90\n"
        "Status: breached\n"
        "Rule: when breached 1 time in a row, fired on 2026-02-01\n"
        "Notified: Ann Lee, Bob Marsh, Cy Noaddr\n"
        "\n"
        "Runbook recover: Win customers back\n"
        "  1. Call the unhappy customers (desk (Bob Marsh), within 1d: by 2026-02-02 00:00)\n"
        "  2. Write down what went wrong (Ann Lee, within 2d: by 2026-02-03 00:00)\n"
        "\n"
        f"Event {HAPPY_JAN}: acknowledge it with `goalline ack` once it is handled.\n"
    )
    assert html.get_content_type() == "text/html"
    page = html.get_content()
    assert "Goal happy (&quot;Keep customers &lt;happy&gt; &amp; &quot;calm&quot;&quot;)" in page
    assert "<happy>" not in page


def test_the_email_about_a_milestone(report: Report) -> None:
    body = data(report, OVERDUE)
    assert subject_line(body) == "[goalline] overdue: portal — when overdue (2026-03-23)"
    assert text_body(body) == (
        "Hello,\n"
        "\n"
        'Milestone portal ("Open the portal") of Help desk 2026 needs attention.\n'
        "Due: 2026-03-15, buffer 7 days\n"
        "Status: overdue\n"
        "Rule: when overdue, fired on 2026-03-23\n"
        "Notified: Ann Lee, Bob Marsh\n"
        "\n"
        f"Event {OVERDUE}: acknowledge it with `goalline ack` once it is handled.\n"
    )


def test_the_message_id_names_the_event_and_the_address(report: Report) -> None:
    jan, mar = data(report, HAPPY_JAN), data(report, HAPPY_MAR)

    def message_id(body: dict[str, Any], to: str) -> str:
        return str(email_message(body, to, "g@x.example")["Message-ID"])

    assert message_id(jan, "ann@example.com") == message_id(jan, "ann@example.com")
    ids = {message_id(b, to) for b in (jan, mar) for to in ("ann@example.com", "bob@example.com")}
    assert len(ids) == 4
    assert all(i.startswith("<") and i.endswith("@goalline>") for i in ids)


def test_no_line_break_gets_into_a_header(report: Report) -> None:
    body = data(report, HAPPY_JAN)
    message = received(email_message(body, "ann@example.com", "g@x.example", "Ann\nLee \t Senior"))
    assert message["To"] == "Ann Lee Senior <ann@example.com>"
    with pytest.raises(ValueError, match="linefeed"):
        email_message(body, "ann@example.com\nBcc: eve@example.com", "g@x.example")


def test_the_email_about_an_open_cycle_says_it_is_still_open(report: Report) -> None:
    body = data(report, HAPPY_MAR) | {"so_far": True}
    assert subject_line(body) == (
        "[goalline] breached so far: happy — when breached 1 time in a row"
        " (2026-03-01 .. 2026-03-31)"
    )
    assert "Cycle: 2026-03-01 .. 2026-03-31 (still open: the value so far)\n" in text_body(body)


def test_names_that_are_not_ascii_reach_the_reader_whole(report: Report) -> None:
    message = received(
        email_message(
            data(report, HAPPY_JAN), "li@example.com", "Équipe Qualité <desk@example.com>",
            "李娜",
        )
    )  # fmt: skip
    assert message["From"] == "Équipe Qualité <desk@example.com>"
    assert message["From"].addresses[0].addr_spec == "desk@example.com"
    assert message["To"] == "李娜 <li@example.com>"
    assert message.get_body(("plain",)).get_content().startswith("Hello 李娜,\n")  # type: ignore[union-attr]
