"""`goalline ack`: an acknowledged event is not sent and `evaluate` says who saw it; an event
that is not in the outbox is refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ...helpers import goalline
from ..servers import Mailbox, free_port, smtp_server
from .conftest import (
    ANN,
    BOB,
    DB,
    ISO_TIME,
    JAN,
    MAR,
    RECEIVER,
    configure,
    email_table,
    notify,
    outbox,
    states,
    toml_table,
)


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
