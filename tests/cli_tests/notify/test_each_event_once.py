"""Each event is delivered once: `goalline notify` again sends only what is new, a run that
is killed loses nothing and repeats at most one message (and a second run meanwhile is
turned away), the journal a killed run left is recorded first, and a dry run writes and
sends nothing."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME

from ...helpers import GOALLINE, goalline, snapshot
from ..servers import WAIT, Mailbox, free_port, smtp_server, wait_until
from .conftest import (
    ANN,
    BOB,
    DB,
    JAN,
    MAR,
    MAY,
    configure,
    email_table,
    notify,
    outbox,
    outbox_rows,
    states,
)

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


@pytest.fixture
def demo(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo's plan and year of data (23 events as of 2027-01-01), here."""
    monkeypatch.chdir(sample_copy)
    return sample_copy


def demo_pairs() -> set[tuple[str, str]]:
    """(event key, address) of every e-mail the demo's events call for."""
    result = goalline(
        "evaluate", PLAN_NAME, "--db", STORE_NAME, "--as-of", "2027-01-01", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["escalations"]
    assert len(events) == 23
    # those each rule notifies, and each runbook step's person (told of their step)
    steps = [(e, s["person"]) for e in events for r in e["runbooks"] for s in r["steps"]]
    people = [(e, p) for e in events for p in e["notify"]] + steps
    return {(e["key"], p["email"]) for e, p in people if p and p["email"]}


def test_a_killed_run_loses_nothing_and_repeats_at_most_one_message(demo: Path) -> None:
    expected = demo_pairs()
    assert len(expected) == 45
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
        r"0 new events in the outbox; 36 deliveries sent \(36 by email\)"
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
    assert lines[0] == "would add 23 new events to the outbox"
    assert len(lines) == 1 + 45 + 1
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
