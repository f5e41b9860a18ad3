"""`goalline notify` by command: each event on the program's standard input, a failing
program reported with its last words, one that hangs stopped at its timeout; and every
channel at once."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..servers import Mailbox, webhook_server
from .conftest import (
    ANN,
    BOB,
    JAN,
    JAN_PAYLOAD,
    MAR,
    RECEIVER,
    configure,
    email_table,
    errors,
    notify,
    outbox,
    states,
    toml_table,
)

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
