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

This conftest holds what the tests of this folder share: the plan and what is expected of
its events, the `desk` fixture (the plan and its store in the current folder), a plain
SMTP server (`mailbox`), ways to write goalline.toml and to read the outbox, and, for every
test here, no proxy between goalline and the servers on loopback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dsl.store.database import Store

from ...helpers import goalline, query
from ..servers import Mailbox, smtp_server

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

Yours to do, from the runbook below:
  - Write down what went wrong, by 2026-02-03 00:00

Goal happy ("Keep customers happy") of Help desk 2026 needs attention.
Cycle: 2026-01-01 .. 2026-01-31
Value: 80% against the target >= 90
Status: breached
Rule: {RULE}, fired on 2026-02-01
Notified: Ann Lee, Bob Marsh

Runbook recover: Win customers back
  1. Call the unhappy customers (desk (Bob Marsh), within 1d: by 2026-02-02 00:00)
  2. Write down what went wrong (Ann Lee, within 2d: by 2026-02-03 00:00)

Event {JAN}: acknowledge it with `goalline ack` once it is handled.
"""

RUNBOOK = {
    "id": "recover",
    "title": "Win customers back",
    "steps": [
        {
            "step": "Call the unhappy customers",
            "by": "desk",
            "within": "1d",
            "person": {"id": "bob", "name": "Bob Marsh", "email": "bob@example.com"},
            "due": "2026-02-02 00:00",  # fired at the start of 1 February (UTC), plus a day
        },
        {
            "step": "Write down what went wrong",
            "by": "ann",
            "within": "2d",
            "person": {"id": "ann", "name": "Ann Lee", "email": "ann@example.com"},
            "due": "2026-02-03 00:00",
        },
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
    "so_far": False,
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

# A program for the command channel: appends what it is given to the file it is told.
RECEIVER = """\
import sys
data = sys.stdin.buffer.read()
with open(sys.argv[1], "ab") as out:
    out.write(data + b"\\n")
"""


# ---------------------------------------------------------------- helpers


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


def outbox_rows(path: Path) -> list[tuple[Any, ...]]:
    return query(
        path,
        "SELECT e.key, d.recipient, d.status FROM outbox_deliveries AS d"
        " JOIN outbox_events AS e ON e.id = d.event ORDER BY d.rowid",
    )


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
def desk(workdir: Path) -> Path:
    """The plan and its store in a folder of their own, which is the current folder."""
    (workdir / "plan.goal").write_text(PLAN, encoding="utf-8")
    with Store.open(str(workdir / DB), create=True) as store:
        for day, value in (("2026-01-10", 80), ("2026-02-10", 95), ("2026-03-10", 70.5)):
            store.record("csat", at(day), value, None, "2026-04-01T00:00:00+00:00")
    return workdir


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A plain SMTP server: what it received, and its port."""
    box = Mailbox()
    with smtp_server(box) as controller:
        yield box, controller.port
