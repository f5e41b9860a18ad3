"""`goalline evaluate` and `goalline explain` as a user sees them: the whole JSON report, TOML,
CSV, the table (80 columns, colour only on a terminal), exit codes and messages, hostile
strings, and the explanation of one cycle. (`goalline demo` is tested in
tests/cli_tests/test_demo.py.)

One small help-desk plan and an eight-row store serve most tests. Every expected value was
worked out by hand from the rows below (times are local, Asia/Shanghai, UTC+8):

    id  created_at (local)   status    wait_min   month
    1   2026-01-05 10:00     answered  5          Jan
    2   2026-01-06 10:00     answered  7          Jan
    3   2026-01-07 10:00     answered  9          Jan
    4   2026-01-31 23:59:59  open      3          Jan (last second of January)
    5   2026-02-10 10:00     answered  12         Feb
    6   2026-02-11 10:00     answered  14         Feb
    7   2026-03-02 10:00     answered  8          Mar
    8   2026-04-03 10:00     open      4          Apr

Goal `busy` (answered tickets, target >= 3, warn < 4, critical < 1):
    Jan 3 -> target holds, warn holds: warning; Feb 2 -> breached; Mar 1 -> breached
    (1 < 1 does not hold); Apr 0 -> critical.
Goal `quick` (mean wait, target <= 10, weight 2):
    Jan (5+7+9+3)/4 = 6 met; Feb (12+14)/2 = 13 breached; Mar 8 met; Apr 4 met.
Evaluated as of 2026-04-01 (local midnight): Jan..Mar complete, April current and empty
(ticket 8 is after the evaluation time), so busy's April is 0 (critical, not complete) and
quick's April has no value. Attainment: busy 1/3 (the warning counts), quick 2/3; score
(1 x 1/3 + 2 x 2/3) / 3 = 5/9. Milestone `kiosk` due Mar 15, done Mar 20: late. Feb and Mar
breached make `when breached 2 times in a row` fire on Apr 1 for busy: its lead team's lead
(bob) is notified and runbook `backlog` is attached.

Most commands run in-process through CliRunner with absolute paths (each test has its own
folder, so nothing one command remembers in the process leaks into another test); the
terminal, pipe and colour behaviour is checked against the real `goalline` executable.

This conftest holds what the tests of this folder share: the plan, its rows, the `desk`
fixture (a folder holding the plan and a store filled with the rows, built once per test
module and only read), the report, table and values expected of them, and ways to run the
real executable on a terminal and to read a store back.
"""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from ...helpers import GOALLINE, goalline, report_cycle, rows_read

PLAN = """\
plan "Help desk 2026" {
  period    2026-01-01 .. 2026-06-30
  timezone  "Asia/Shanghai"
  owner     ann
}

person ann "Ann Lee"   { email "ann@example.com" }
person bob "Bob Marsh" { email "bob@example.com" }

team desk "Help desk" { lead bob }

objective calm "Calm customers"

source tickets "Tickets" { time created_at }

indicator answered "Tickets answered" {
  kind     result
  unit     "tickets"
  better   higher
  measure  count(tickets where status = "answered")
}

indicator wait "Wait time" {
  kind     process
  unit     "min"
  better   lower
  measure  mean(tickets.wait_min)
}

runbook backlog "Clear the backlog" {
  step "Open the overflow queue" by desk within 1h
}

escalation slow {
  when breached 2 times in a row  notify lead, run backlog
}

goal busy "Answer enough tickets" {
  serves      calm
  indicator   answered
  target      >= 3
  warn        < 4
  critical    < 1
  cycle       monthly
  owner       ann
  lead        desk
  escalation  slow
}

goal quick "Short waits" {
  serves     calm
  indicator  wait
  target     <= 10
  cycle      monthly
  owner      bob
  weight     2
}

milestone kiosk "Open the kiosk" {
  due     2026-03-15
  buffer  7d
  owner   bob
  serves  calm
}
"""

TICKETS = """\
id,created_at,status,wait_min
1,2026-01-05T10:00:00+08:00,answered,5
2,2026-01-06T10:00:00+08:00,answered,7
3,2026-01-07T10:00:00+08:00,answered,9
4,2026-01-31T23:59:59+08:00,open,3
5,2026-02-10T10:00:00+08:00,answered,12
6,2026-02-11T10:00:00+08:00,answered,14
7,2026-03-02T10:00:00+08:00,answered,8
8,2026-04-03T10:00:00+08:00,open,4
"""

AS_OF = "2026-04-01"

# Local midnights (UTC+8) as seconds since 1970 UTC: 2026-01-01T00:00Z is 1767225600.
JAN_1 = 1767225600 - 8 * 3600  # 1767196800
FEB_1 = JAN_1 + 31 * 86400  # 1769875200
MAR_1 = FEB_1 + 28 * 86400  # 1772294400
APR_1 = MAR_1 + 31 * 86400  # 1774972800
assert (JAN_1, FEB_1, MAR_1, APR_1) == (1767196800, 1769875200, 1772294400, 1774972800)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ---------------------------------------------------------------- helpers


def goalline_on_terminal(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """Run the real executable with standard output on a pseudo-terminal; the terminal's
    CR LF line ends are turned back into LF."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(GOALLINE), *args], cwd=cwd, env=env, stdout=slave, stderr=subprocess.PIPE
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.stderr is not None
    err = process.stderr.read().decode()
    code = process.wait(timeout=60)
    return code, b"".join(chunks).decode().replace("\r\n", "\n"), err


def columns(line: str) -> int:
    """Terminal columns of a line: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def dump_tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the store and all its rows, read with plain sqlite3."""
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }


@dataclass(frozen=True)
class Desk:
    folder: Path
    plan: Path
    db: Path

    def evaluate(self, *args: str, plan: Path | None = None) -> Result:
        return goalline("evaluate", str(plan or self.plan), "--db", str(self.db), *args)

    def explain(self, goal: str, *args: str, plan: Path | None = None) -> Result:
        return goalline("explain", str(plan or self.plan), goal, "--db", str(self.db), *args)

    def variant(self, name: str, text: str) -> Path:
        """Another plan file next to the store (a fresh name for each content)."""
        path = self.folder / name
        assert not path.exists(), path
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    folder = tmp_path_factory.mktemp("desk")
    plan, db, rows = folder / "plan.goal", folder / "store.db", folder / "tickets.csv"
    plan.write_text(PLAN, encoding="utf-8")
    rows.write_text(TICKETS, encoding="utf-8")
    for args in (
        ["import", str(rows), "--db", str(db), "--table", "tickets", "--time", "created_at"],
        ["done", "kiosk", "--db", str(db), "--on", "2026-03-20"],
    ):
        result = goalline(*args)
        assert result.exit_code == 0, (args, result.output)
    return Desk(folder, plan, db)


def answered(read: int, matched: int) -> dict[str, Any]:
    return rows_read('count(tickets where status = "answered")', "tickets", read, matched)


def waits(read: int) -> dict[str, Any]:
    return rows_read("mean(tickets.wait_min)", "tickets", read, read)


BUSY = {
    "id": "busy",
    "title": "Answer enough tickets",
    "indicator": "answered",
    "unit": "tickets",
    "calendar": None,
    "better": "higher",
    "owner": "ann",
    "lead": "desk",
    "with": [],
    "serves": "calm",
    "weight": 1,
    "cycle": "monthly",
    "status": "breached",  # March, the latest complete cycle
    "attainment": 0.333333,  # January's warning of three complete months
    "cycles": [
        # ticket 4 is open: 4 rows read, 3 matched
        report_cycle("2026-01-01", "2026-01-31", 3, ">= 3", "warning", rows=[answered(4, 3)]),
        report_cycle("2026-02-01", "2026-02-28", 2, ">= 3", "breached", rows=[answered(2, 2)]),
        # 1 < 1 does not hold
        report_cycle("2026-03-01", "2026-03-31", 1, ">= 3", "breached", rows=[answered(1, 1)]),
        # ticket 8 (April 3) comes after the evaluation time
        report_cycle(
            "2026-04-01", "2026-04-30", 0, ">= 3", "critical", complete=False, rows=[answered(0, 0)]
        ),
    ],
}

QUICK = {
    "id": "quick",
    "title": "Short waits",
    "indicator": "wait",
    "unit": "min",
    "calendar": None,
    "better": "lower",
    "owner": "bob",
    "lead": None,
    "with": [],
    "serves": "calm",
    "weight": 2,
    "cycle": "monthly",
    "status": "met",
    "attainment": 0.666667,
    "cycles": [
        # (5 + 7 + 9 + 3) / 4
        report_cycle("2026-01-01", "2026-01-31", 6, "<= 10", "met", rows=[waits(4)]),
        # (12 + 14) / 2
        report_cycle("2026-02-01", "2026-02-28", 13, "<= 10", "breached", rows=[waits(2)]),
        report_cycle("2026-03-01", "2026-03-31", 8, "<= 10", "met", rows=[waits(1)]),
        report_cycle(
            "2026-04-01", "2026-04-30", None, "<= 10", "no_data", complete=False, rows=[waits(0)]
        ),
    ],
}

KIOSK = {
    "id": "kiosk",
    "title": "Open the kiosk",
    "due": "2026-03-15",
    "buffer_days": 7,
    "done_on": "2026-03-20",
    "status": "late",
    "owner": "bob",
}

BACKLOG = {
    "id": "backlog",
    "title": "Clear the backlog",
    "steps": [
        {
            "step": "Open the overflow queue",
            "by": "desk",
            "within": "1h",
            # the desk's lead; fired at the start of 1 April in Asia/Shanghai, plus an hour
            "person": {"id": "bob", "name": "Bob Marsh", "email": "bob@example.com"},
            "due": "2026-04-01 01:00",
        }
    ],
}

ESCALATION = {
    "key": "busy/when breached 2 times in a row/2026-03-01",  # for `goalline ack`
    "subject": "busy",
    "kind": "goal",
    "rule": "when breached 2 times in a row",
    "cycle": {"start": "2026-03-01", "end": "2026-03-31"},
    "fired_on": "2026-04-01",  # the day after March ends
    "so_far": False,  # a rule on complete cycles
    "notify": [{"id": "bob", "name": "Bob Marsh", "email": "bob@example.com"}],
    "runbook": BACKLOG,
    "runbooks": [BACKLOG],  # an addition to interface.md ("more fields may be added")
    "acknowledged": None,  # nobody has run `goalline ack` on it
}


def expected_report(file: str) -> dict[str, Any]:
    return {
        "goalline": "0.1.0",
        "plan": {
            "title": "Help desk 2026",
            "file": file,
            "period": {"start": "2026-01-01", "end": "2026-06-30"},
            "timezone": "Asia/Shanghai",
        },
        "as_of": "2026-04-01T00:00:00+08:00",
        "score": 0.555556,  # (1 x 1/3 + 2 x 2/3) / 3 = 5/9
        "goals": [BUSY, QUICK],
        "milestones": [KIOSK],
        "escalations": [ESCALATION],
        "exclusions": [],
    }


TABLE = """\
Help desk 2026
as of 2026-04-01 00:00 (Asia/Shanghai)
period 2026-01-01 .. 2026-06-30, score 56%

STATUS    GOAL   LATEST     TARGET  ATTAINED  OWNER
breached  busy   1 tickets  >= 3    33%       ann
met       quick  8 min      <= 10   67%       bob

MILESTONES
STATUS  MILESTONE  DUE         BUFFER  DONE        OWNER
late    kiosk      2026-03-15  7d      2026-03-20  bob

ESCALATIONS (1)
2026-04-01  busy: when breached 2 times in a row -> Bob Marsh, run backlog
"""
