"""One store, one delivery at a time, whatever name reaches it: a run through a symbolic
link to the store is turned away while another delivers, and finds the journal a killed run
left under the other name; a store with a second hard link is refused before anything is
read or written (SQLite would keep a log per name). A server that is down makes one warning
per channel, not one per message."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from dsl.notify.delivery import Tally
from dsl.store.outbox import Delivery

from ...helpers import GOALLINE, goalline, snapshot
from ..servers import WAIT, Mailbox, free_port, smtp_server, wait_until
from .conftest import ANN, BOB, DB, JAN, MAR, configure, email_table, notify, outbox, states


def link(kind: str) -> str:
    """Another name for the store, `link.db`, of the kind asked for."""
    if kind == "symlink":
        os.symlink(DB, "link.db")
    else:
        os.link(DB, "link.db")
    return "link.db"


def test_a_run_through_a_link_to_the_store_does_not_deliver_alongside(desk: Path) -> None:
    other_name = link("symlink")
    box = Mailbox(hold_at=1)  # the server takes the first message, then keeps the run waiting
    with smtp_server(box) as controller:
        configure(email_table(controller.port, timeout="30s"))
        args = ["notify", "plan.goal", "--as-of", "2026-04-01"]
        first = subprocess.Popen(
            [str(GOALLINE), *args, "--db", DB],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until(lambda: len(box.mails) == 1 or first.poll() is not None, "one message")
            assert first.poll() is None, first.communicate()
            second = goalline(*args, "--db", other_name)
        finally:
            box.release.set()
            out, err = first.communicate(timeout=WAIT)
    assert (first.returncode, err) == (0, "")
    assert out == "2 new events in the outbox; 4 deliveries sent (4 by email)\n"
    assert second.exit_code == 2, (second.stdout, second.stderr)
    assert second.stderr == (  # the link leads to the same journal, which is held
        f"goalline: error: another goalline is delivering from {other_name}"
        f" (it holds {Path(DB).resolve()}-outbox); try again when it has finished\n"
    )
    assert sorted((m.event, m.rcpt_tos) for m in box.mails) == [
        (JAN, (ANN,)),
        (JAN, (BOB,)),
        (MAR, (ANN,)),
        (MAR, (BOB,)),
    ]


def test_a_store_with_a_second_hard_link_is_refused_before_anything_is_written(
    desk: Path, mailbox: tuple[Mailbox, int]
) -> None:
    configure(email_table(mailbox[1]))
    other_name = link("hardlink")
    before = snapshot(desk / DB)
    for name in (DB, other_name):
        result = goalline("notify", "plan.goal", "--db", name, "--as-of", "2026-04-01")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            f"goalline: error: {name} has 2 names (hard links); SQLite keeps a log per"
            " name and runs through different names would damage it: keep one name (a"
            " symbolic link is fine)\n"
        )
    assert snapshot(desk / DB) == before
    assert mailbox[0].mails == []
    os.unlink(other_name)
    assert notify().stdout == "2 new events in the outbox; 4 deliveries sent (4 by email)\n"


def test_a_journal_left_through_the_other_name_is_found_and_recorded(desk: Path) -> None:
    port = free_port()
    configure(email_table(port))
    assert notify().exit_code == 1  # the server is down: four deliveries wait
    other_name = link("symlink")
    # what a run through desk.db, killed after handing over January's e-mail to Ann, left
    Path(f"{Path(DB).resolve()}-outbox").write_text(
        json.dumps([1, "email", ANN, "2026-04-01T08:00:00+00:00"]) + "\n", encoding="utf-8"
    )
    box = Mailbox()
    with smtp_server(box, port=port):
        result = goalline("notify", "plan.goal", "--db", other_name, "--as-of", "2026-04-01")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "0 new events in the outbox; 3 deliveries sent (3 by email);"
        " 1 recorded from an interrupted run\n"
    )
    assert (JAN, (ANN,)) not in [(m.event, m.rcpt_tos) for m in box.mails]
    assert {d[2] for d in states(outbox())} == {"sent"}
    assert Path(f"{Path(DB).resolve()}-outbox").read_bytes() == b""


def test_a_server_that_is_down_is_one_warning_with_the_count(desk: Path) -> None:
    port = free_port()  # nothing listens there
    configure(email_table(port))
    result = notify()
    assert result.exit_code == 1
    reason = f"cannot reach the mail server at 127.0.0.1:{port}: Connection refused"
    assert result.stderr == f"goalline: warning: email: 4 deliveries failed: {reason}\n"
    assert result.stdout == (
        "2 new events in the outbox; 0 deliveries sent, 4 failed (see `goalline outbox`)\n"
    )


def test_one_refusal_for_two_messages_is_one_line(desk: Path) -> None:
    refused = "550 5.1.1 <bob@example.com>: no such user"
    box = Mailbox(refuse_rcpt={BOB: refused})
    with smtp_server(box) as controller:
        configure(email_table(controller.port))
        result = notify()
    assert result.exit_code == 1
    assert result.stderr == (
        "goalline: warning: email: 2 deliveries failed:"
        f" the mail server refused bob@example.com: {refused}\n"
    )


def test_several_reasons_on_one_channel_are_counted_in_its_one_line() -> None:
    def failed(channel: str, to: str, key: str) -> Delivery:
        return Delivery(1, key, channel, to, "pending", 1, None, None, None, {})

    tally = Tally()
    tally.failed += [
        (failed("email", ANN, JAN), "timed out"),
        (failed("email", BOB, JAN), "refused"),
        (failed("email", BOB, MAR), "timed out"),
        (failed("webhook", "http://hook", JAN), "the webhook answered 500"),
    ]
    assert tally.failures() == [
        "email: 3 deliveries failed: timed out (2); refused (1)",
        f"webhook to http://hook for '{JAN}': the webhook answered 500",
    ]
