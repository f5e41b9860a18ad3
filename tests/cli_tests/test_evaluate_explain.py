"""`goalline evaluate`, `goalline explain` and `goalline demo` as a user sees them: the whole
JSON report, TOML, CSV, the table (80 columns, colour only on a terminal), exit codes and
messages, hostile strings, and the sample folder that `demo` writes.

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
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from dsl.cli.main import Exit, cli

GOALLINE = Path(sys.executable).parent / "goalline"
REPO = Path(__file__).parent.parent.parent

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


def goalline(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run the CLI in-process, the way a user types it."""
    return CliRunner().invoke(cli, list(args), env=env)


def goalline_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real executable with standard output on a pipe (not a terminal)."""
    return subprocess.run(
        [str(GOALLINE), *args],
        cwd=cwd,
        env=env if env is not None else _env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


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


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def columns(line: str) -> int:
    """Terminal columns of a line: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


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


def cycle(
    start: str, end: str, value: Any, target: str, status: str, complete: bool = True
) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "complete": complete,
        "value": value,
        "target": target,
        "expected": None,
        "pace": None,
        "status": status,
    }


BUSY = {
    "id": "busy",
    "title": "Answer enough tickets",
    "indicator": "answered",
    "unit": "tickets",
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
        cycle("2026-01-01", "2026-01-31", 3, ">= 3", "warning"),  # ticket 4 is open
        cycle("2026-02-01", "2026-02-28", 2, ">= 3", "breached"),
        cycle("2026-03-01", "2026-03-31", 1, ">= 3", "breached"),  # 1 < 1 does not hold
        cycle("2026-04-01", "2026-04-30", 0, ">= 3", "critical", complete=False),
    ],
}

QUICK = {
    "id": "quick",
    "title": "Short waits",
    "indicator": "wait",
    "unit": "min",
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
        cycle("2026-01-01", "2026-01-31", 6, "<= 10", "met"),  # (5 + 7 + 9 + 3) / 4
        cycle("2026-02-01", "2026-02-28", 13, "<= 10", "breached"),  # (12 + 14) / 2
        cycle("2026-03-01", "2026-03-31", 8, "<= 10", "met"),
        cycle("2026-04-01", "2026-04-30", None, "<= 10", "no_data", complete=False),
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
    "steps": [{"step": "Open the overflow queue", "by": "desk", "within": "1h"}],
}

ESCALATION = {
    "key": "busy/when breached 2 times in a row/2026-03-01",  # for `goalline ack`
    "subject": "busy",
    "kind": "goal",
    "rule": "when breached 2 times in a row",
    "cycle": {"start": "2026-03-01", "end": "2026-03-31"},
    "fired_on": "2026-04-01",  # the day after March ends
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


# ---------------------------------------------------------------- JSON, TOML, CSV


def test_json_report_is_the_whole_document_of_interface_md(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == expected_report(str(desk.plan))
    assert result.stdout.endswith("}\n")


def test_as_of_given_in_utc_is_shown_with_the_plans_offset(desk: Desk) -> None:
    result = desk.evaluate("--as-of", "2026-03-31T16:00:00Z", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == expected_report(str(desk.plan))


def test_goal_option_narrows_goals_and_score(desk: Desk) -> None:
    quick = json.loads(
        desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "quick").stdout
    )
    assert quick["goals"] == [QUICK]
    assert quick["score"] == 0.666667  # quick's attainment alone
    assert quick["escalations"] == []  # busy's escalation goes with busy
    assert quick["milestones"] == [KIOSK]

    busy = json.loads(desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "busy").stdout)
    assert (busy["goals"], busy["score"], busy["escalations"]) == ([BUSY], 0.333333, [ESCALATION])

    both = desk.evaluate("--as-of", AS_OF, "--format", "json", "--goal", "busy", "--goal", "quick")
    assert json.loads(both.stdout) == expected_report(str(desk.plan))


def test_unknown_goal_option_exits_2_with_did_you_mean(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--goal", "bussy")
    assert result.exit_code == Exit.CANNOT_RUN == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"goalline: error: plan {desk.plan} has no goal 'bussy' (did you mean 'busy'?)\n"
    )


def test_toml_parses_back_to_the_json_content_without_nulls(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "toml")
    assert (result.exit_code, result.stderr) == (0, "")
    parsed = tomllib.loads(result.stdout)
    assert parsed == without_nulls(expected_report(str(desk.plan)))
    # the nulls are left out, not written as empty strings or zeros
    assert "lead" not in parsed["goals"][1]
    assert "value" not in parsed["goals"][1]["cycles"][3]
    assert "expected" not in parsed["goals"][0]["cycles"][0]


def test_csv_has_one_row_per_goal_cycle(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "goal,indicator,cycle_start,cycle_end,complete,value,target,expected,pace,status\n"
        "busy,answered,2026-01-01,2026-01-31,true,3,>= 3,,,warning\n"
        "busy,answered,2026-02-01,2026-02-28,true,2,>= 3,,,breached\n"
        "busy,answered,2026-03-01,2026-03-31,true,1,>= 3,,,breached\n"
        "busy,answered,2026-04-01,2026-04-30,false,0,>= 3,,,critical\n"
        "quick,wait,2026-01-01,2026-01-31,true,6,<= 10,,,met\n"
        "quick,wait,2026-02-01,2026-02-28,true,13,<= 10,,,breached\n"
        "quick,wait,2026-03-01,2026-03-31,true,8,<= 10,,,met\n"
        "quick,wait,2026-04-01,2026-04-30,false,,<= 10,,,no_data\n"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(BUSY["cycles"]) + len(QUICK["cycles"])


# ---------------------------------------------------------------- the table


def test_table_exact_text(desk: Desk) -> None:
    result = desk.evaluate("--as-of", AS_OF, "--format", "table")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == TABLE


LONG_PLAN = (
    PLAN.replace(
        "goal busy ", "goal answer_a_remarkably_large_number_of_tickets_every_single_month "
    )
    .replace(
        '"Answer enough tickets"',
        '"Answer a remarkably large number of tickets every single month, whatever happens"',
    )
    .replace("milestone kiosk", "milestone open_the_self_service_kiosk_in_every_branch_office")
    .replace(
        'person bob "Bob Marsh"', 'person bob_with_a_long_identifier "Bob Marsh-Featherstonehaugh"'
    )
    .replace("lead bob", "lead bob_with_a_long_identifier")
    .replace("owner      bob", "owner      bob_with_a_long_identifier")
    .replace("owner   bob", "owner   bob_with_a_long_identifier")
)


def test_table_fits_80_columns_with_long_ids_and_titles(desk: Desk) -> None:
    plan = desk.variant("long.goal", LONG_PLAN)
    result = desk.evaluate("--as-of", AS_OF, "--format", "table", plan=plan)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert [line for line in lines if columns(line) > 80] == []
    # long cells are cut with an ellipsis, and the columns still line up
    assert lines[4:7] == [
        "STATUS    GOAL              LATEST     TARGET  ATTAINED  OWNER",
        "breached  answer_a_remark…  1 tickets  >= 3    33%       ann",
        "met       quick             8 min      <= 10   67%       bob_with_…",
    ]
    assert lines[-1].startswith("2026-04-01  answer_a_remarkably_large_number_of_tickets")
    assert lines[-1].endswith("…")


CJK_PLAN = (
    PLAN.replace("goal busy ", "goal 每个月都要回答足够多的客户工单并且保持服务质量 ")
    .replace("milestone kiosk", "milestone 在每一个分公司的营业厅开设自助服务终端")
    .replace('person bob "Bob Marsh"', 'person 鲍勃马什先生是一个名字非常长的人 "鲍勃"')
    .replace("lead bob", "lead 鲍勃马什先生是一个名字非常长的人")
    .replace("owner      bob", "owner      鲍勃马什先生是一个名字非常长的人")
    .replace("owner   bob", "owner   鲍勃马什先生是一个名字非常长的人")
)


@pytest.mark.parametrize(
    ("name", "text", "args"),
    [
        pytest.param(
            "long-title.goal",
            PLAN.replace(
                '"Help desk 2026"',
                '"The help desk of the north-western region: its service goals for the first half of 2026"',
            ),
            (),
            id="long-plan-title",
        ),
        pytest.param(
            "perfect.goal",
            PLAN,
            ("--goal", "quick", "--as-of", "2026-02-01"),
            id="score-100-percent",
        ),
        pytest.param(
            "cjk.goal",
            CJK_PLAN,
            (),
            id="cjk-ids",
        ),
    ],
)
def test_table_fits_80_columns_in_harder_cases(
    desk: Desk, name: str, text: str, args: tuple[str, ...]
) -> None:
    plan = desk.variant(name, text)
    result = desk.evaluate("--as-of", AS_OF, "--format", "table", *args, plan=plan)
    assert (result.exit_code, result.stderr) == (0, "")
    too_wide = [line for line in result.stdout.splitlines() if columns(line) > 80]
    assert too_wide == []


COLOURED = (
    TABLE.replace("breached  busy", "\x1b[31mbreached\x1b[0m  busy")
    .replace("met       quick", "\x1b[32mmet     \x1b[0m  quick")
    .replace("late    kiosk", "\x1b[33mlate  \x1b[0m  kiosk")
)


def test_table_is_the_default_on_a_terminal_and_coloured(desk: Desk) -> None:
    code, out, err = goalline_on_terminal(
        "evaluate", "plan.goal", "--db", "store.db", "--as-of", AS_OF, cwd=desk.folder, env=_env()
    )
    assert (code, err) == (0, "")
    assert out == COLOURED
    assert ANSI.sub("", out) == TABLE


def test_no_colour_on_a_terminal_when_NO_COLOR_is_set(desk: Desk) -> None:
    code, out, err = goalline_on_terminal(
        "evaluate",
        "plan.goal",
        "--db",
        "store.db",
        "--as-of",
        AS_OF,
        "--format",
        "table",
        cwd=desk.folder,
        env=_env(NO_COLOR="1"),
    )
    assert (code, err) == (0, "")
    assert out == TABLE


def test_no_ansi_escapes_when_not_a_terminal(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--as-of", AS_OF, "--format", "table",
        cwd=desk.folder,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == TABLE
    assert "\x1b" not in done.stdout


def test_default_format_is_json_when_stdout_is_not_a_terminal(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--as-of", AS_OF, cwd=desk.folder
    )
    assert (done.returncode, done.stderr) == (0, "")
    # the plan's file is named as the user gave it
    assert json.loads(done.stdout) == expected_report("plan.goal")
    # and in-process, where standard output is not a terminal either
    assert json.loads(desk.evaluate("--as-of", AS_OF).stdout) == expected_report(str(desk.plan))


# ---------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("as_of", "only", "expected"),
    [
        # nothing complete yet: January is current (busy 3 so far would be a warning)
        ("2026-01-15", (), {"warning": 0, "breached": 0, "critical": 0, "never": 0}),
        # latest complete: busy January warning, quick January met
        ("2026-02-01", (), {"warning": 1, "breached": 0, "critical": 0, "never": 0}),
        # busy March breached, quick March met
        ("2026-04-01", (), {"warning": 1, "breached": 1, "critical": 0, "never": 0}),
        # busy April 0 < 1 critical, quick April 4 met
        ("2026-05-01", (), {"warning": 1, "breached": 1, "critical": 1, "never": 0}),
        # the same, narrowed to quick
        ("2026-05-01", ("quick",), {"warning": 0, "breached": 0, "critical": 0, "never": 0}),
    ],
)
def test_fail_on_exits_1_when_a_latest_complete_cycle_is_that_bad(
    desk: Desk, as_of: str, only: tuple[str, ...], expected: dict[str, int]
) -> None:
    narrow = [arg for goal in only for arg in ("--goal", goal)]
    got = {}
    for level in expected:
        result = desk.evaluate("--as-of", as_of, "--format", "csv", "--fail-on", level, *narrow)
        assert result.stderr == ""
        assert result.stdout.startswith("goal,indicator,")  # the report is written either way
        got[level] = result.exit_code
    assert got == expected
    # the default is never
    assert desk.evaluate("--as-of", as_of, "--format", "csv", *narrow).exit_code == 0


@pytest.mark.parametrize("command", ["evaluate", "explain"])
def test_missing_store_exits_2_and_creates_nothing(
    desk: Desk, tmp_path: Path, command: str
) -> None:
    db = tmp_path / "missing.db"
    goal = ["busy"] if command == "explain" else []
    result = goalline(command, str(desk.plan), *goal, "--db", str(db), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"goalline: error: there is no store at {db}: import data or record a value first\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_store_exits_2_and_is_left_untouched(
    desk: Desk, tmp_path: Path
) -> None:
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n", encoding="utf-8")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE tickets (a)")
        conn.execute("INSERT INTO tickets VALUES (1)")
    conn.close()
    before = {p.name: digest(p) for p in (text, foreign)}

    for db, why in ((text, " (not a SQLite file)"), (foreign, "")):
        for command, goal in (("evaluate", []), ("explain", ["busy"])):
            result = goalline(command, str(desk.plan), *goal, "--db", str(db), "--as-of", AS_OF)
            assert result.exit_code == 2
            assert result.stdout == ""
            assert result.stderr == (
                f"goalline: error: {db} is not a goalline store{why}; it was left untouched\n"
            )
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before  # no -wal, no -journal


def test_plan_that_does_not_check_exits_2_with_its_diagnostics(desk: Desk) -> None:
    plan = desk.variant("bad.goal", PLAN.replace("owner       ann", "owner       anne"))
    for command, goal in (("evaluate", []), ("explain", ["busy"])):
        result = goalline(command, str(plan), *goal, "--db", str(desk.db), "--as-of", AS_OF)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"{plan}:45:15: error: unknown person 'anne' (did you mean 'ann'?) [E204]\n"
            "    owner       anne\n"
            "                ^\n"
            f"goalline: error: {plan} does not check; see `goalline check {plan}`\n"
        )


def test_plan_naming_a_missing_column_exits_2_with_E402(desk: Desk) -> None:
    plan = desk.variant("e402.goal", PLAN.replace("tickets.wait_min", "tickets.wait_mins"))
    for command, goal in (("evaluate", []), ("explain", ["quick"])):
        result = goalline(command, str(plan), *goal, "--db", str(desk.db), "--as-of", AS_OF)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            f"{plan}:27:17: error: table 'tickets' has no column 'wait_mins'"
            " (did you mean 'wait_min'?) [E402]\n"
            "    measure  mean(tickets.wait_mins)\n"
            "                  ^\n"
            f"goalline: error: {plan} does not fit the store {desk.db}; see the errors above\n"
        )


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2026-13-01", "'2026-13-01' is not a valid date or date-time"),
        ("2026-02-30", "'2026-02-30' is not a valid date or date-time"),
        (
            "yesterday",
            "'yesterday' is not a date (2026-07-01) or a date-time (2026-07-01T09:30,"
            " 2026-07-01T09:30+08:00, 2026-07-01T01:30Z)",
        ),
    ],
)
def test_bad_as_of_exits_2(desk: Desk, as_of: str, message: str) -> None:
    for result in (desk.evaluate("--as-of", as_of), desk.explain("busy", "--as-of", as_of)):
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == f"goalline: error: {message}\n"


def test_usage_errors_from_the_real_executable_exit_2(desk: Desk) -> None:
    done = goalline_process(
        "evaluate", "plan.goal", "--db", "store.db", "--fail-on", "sometimes", cwd=desk.folder
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "Usage: goalline evaluate [OPTIONS] PLAN\n"
        "goalline: error: Invalid value for '--fail-on': 'sometimes' is not one of"
        " 'warning', 'breached', 'critical', 'never'.\n"
    )


# ---------------------------------------------------------------- hostile input

DROP = "'; DROP TABLE tickets; --"
QUOTE = '" OR 1=1 --'
SLASH = '\\" OR 1=1 --'
TICKS = "`tickets`; DELETE FROM `tickets`"


def plan_string(value: str) -> str:
    """`value` as a string literal of the plan language (escapes: \\" and \\\\)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


HOSTILE_PLAN = f"""\
plan "Hostile" {{
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
  owner     ann
}}
person ann "Ann"
objective calm "Calm"
source tickets "Tickets" {{ time created_at }}
indicator drops   "Drops"   {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(DROP)}) }}
indicator quotes  "Quotes"  {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(QUOTE)}) }}
indicator slashes "Slashes" {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(SLASH)}) }}
indicator ticks   "Ticks"   {{ kind result unit "rows" better lower measure count(tickets where note = {plan_string(TICKS)}) }}
indicator either  "Either"  {{ kind result unit "rows" better lower measure count(tickets where note in ({plan_string(DROP)}, {plan_string(TICKS)})) }}
indicator others  "Others"  {{ kind result unit "rows" better lower measure count(tickets where note != {plan_string(DROP)}) }}
goal g_drops   "Drops"   {{ serves calm indicator drops   target <= 100 cycle yearly owner ann }}
goal g_quotes  "Quotes"  {{ serves calm indicator quotes  target <= 100 cycle yearly owner ann }}
goal g_slashes "Slashes" {{ serves calm indicator slashes target <= 100 cycle yearly owner ann }}
goal g_ticks   "Ticks"   {{ serves calm indicator ticks   target <= 100 cycle yearly owner ann }}
goal g_either  "Either"  {{ serves calm indicator either  target <= 100 cycle yearly owner ann }}
goal g_others  "Others"  {{ serves calm indicator others  target <= 100 cycle yearly owner ann }}
"""


def test_hostile_strings_in_plan_and_data_are_taken_literally(tmp_path: Path) -> None:
    notes = (
        [DROP] * 2
        + [QUOTE] * 3
        + [SLASH]
        + [TICKS] * 4
        + ["plain", "' OR '1'='1", DROP + " "]  # near misses count for nothing but `others`
    )
    data = tmp_path / "tickets.csv"
    with data.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "created_at", "note"])
        for i, note in enumerate(notes, start=1):
            writer.writerow([i, f"2026-03-{i:02d}T10:00:00Z", note])
    db, plan = tmp_path / "store.db", tmp_path / "hostile.goal"
    plan.write_text(HOSTILE_PLAN, encoding="utf-8")
    imported = goalline(
        "import", str(data), "--db", str(db), "--table", "tickets", "--time", "created_at"
    )
    assert imported.exit_code == 0, imported.output
    assert goalline("check", str(plan), "--db", str(db)).exit_code == 0
    before = dump_tables(db)
    assert sorted(row[2] for row in before["tickets"]) == sorted(notes)

    result = goalline(
        "evaluate", str(plan), "--db", str(db), "--as-of", "2027-01-01", "--format", "csv"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    values = {row["goal"]: row["value"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert values == {
        "g_drops": "2",
        "g_quotes": "3",
        "g_slashes": "1",
        "g_ticks": "4",
        "g_either": "6",  # 2 + 4
        "g_others": "11",  # 13 rows, of which 2 are exactly DROP
    }

    explained = goalline("explain", str(plan), "g_drops", "--db", str(db), "--as-of", "2027-01-01")
    assert explained.exit_code == 0, explained.output
    assert "gave 2; so the value is 2 rows." in explained.stdout
    # the string travels as a bound parameter, never inside the SQL text
    assert explained.stdout.endswith(f"with the parameters [{DROP!r}]\n")
    sql = explained.stdout.split("once for every cycle of this layout:\n", 1)[1]
    assert "DROP" not in sql.rsplit("with the parameters", 1)[0]

    assert dump_tables(db) == before
    assert {"tickets", "measurements", "milestone_events"} <= set(before)


def test_hostile_identifiers_do_not_parse_and_the_store_is_intact(tmp_path: Path) -> None:
    data = tmp_path / "tickets.csv"
    data.write_text("id,created_at,note\n1,2026-03-01T10:00:00Z,x\n", encoding="utf-8")
    db = tmp_path / "store.db"
    imported = goalline(
        "import", str(data), "--db", str(db), "--table", "tickets", "--time", "created_at"
    )
    assert imported.exit_code == 0, imported.output
    before = digest(db), dump_tables(db)
    plan = tmp_path / "evil.goal"
    plan.write_text(
        HOSTILE_PLAN.replace(
            'source tickets "Tickets" { time created_at }',
            'source tickets "Tickets" { table "tickets; DROP TABLE tickets" time created_at }',
        ),
        encoding="utf-8",
    )
    result = goalline("evaluate", str(plan), "--db", str(db), "--as-of", "2027-01-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"{plan}:8:34: error: unexpected text" in result.stderr
    assert result.stderr.endswith(
        f"goalline: error: {plan} does not check; see `goalline check {plan}`\n"
    )
    assert (digest(db), dump_tables(db)) == before


# ---------------------------------------------------------------- explain


def sql_lines(aggregate: str, select: str) -> str:
    """The query block `explain` prints for one indicator of the help-desk plan."""
    return (
        "The query that ran (SQLite), once for every cycle of this layout:\n"
        f"  WITH s0 AS (SELECT c.idx AS idx, {aggregate} AS a0 FROM temp.goalline_cycles AS c"
        ' CROSS JOIN "tickets" AS t WHERE t."created_at" >= c.lo AND t."created_at" < c.hi'
        " GROUP BY c.idx)\n"
        f"  SELECT c.idx, {select}\n"
        "  FROM temp.goalline_cycles AS c\n"
        "  LEFT JOIN s0 ON s0.idx = c.idx\n"
        "  ORDER BY c.idx\n"
    )


# The cycle bounds of the help-desk plan as of 2026-04-01: January .. March, and April, which
# has started and is cut at the evaluation time (lo = hi).
BOUNDS = (
    f"after loading the cycles (idx, lo, hi) [(0, {JAN_1}.0, {FEB_1}.0), (1, {FEB_1}.0,"
    f" {MAR_1}.0), (2, {MAR_1}.0, {APR_1}.0), (3, {APR_1}.0, {APR_1}.0)]\n"
)

EXPLAIN_BUSY_JANUARY = (
    "Goal 'busy' (\"Answer enough tickets\") is tracked monthly on indicator 'answered'"
    ' ("Tickets answered").\n'
    "This is the cycle 2026-01-01 .. 2026-01-31, which is complete.\n"
    "Its value comes from the rows whose time falls from 2026-01-01 00:00 to 2026-02-01 00:00"
    " (Asia/Shanghai): 4 rows of tickets.\n"
    'The measure is count(tickets where status = "answered"); count(tickets where status ='
    ' "answered") gave 3; so the value is 3 tickets.\n'
    "The target in force is >= 3; the thresholds are warn < 4 and critical < 1.\n"
    "The status is warning: the value 3 meets warn < 4.\n"
    "\n"
    + sql_lines('count(*) FILTER (WHERE t."status" = ?)', "coalesce(s0.a0, 0)")
    + BOUNDS
    + "with the parameters ['answered']\n"
)


def test_explain_exact_text_for_a_chosen_cycle(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-01-20")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == EXPLAIN_BUSY_JANUARY
    # any day of the cycle picks it, its first and its last included
    for day in ("2026-01-01", "2026-01-31"):
        assert desk.explain("busy", "--as-of", AS_OF, "--cycle", day).stdout == EXPLAIN_BUSY_JANUARY


def test_explain_a_mean_without_thresholds(desk: Desk) -> None:
    result = desk.explain("quick", "--as-of", AS_OF, "--cycle", "2026-02-14")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "Goal 'quick' (\"Short waits\") is tracked monthly on indicator 'wait' (\"Wait time\").\n"
        "This is the cycle 2026-02-01 .. 2026-02-28, which is complete.\n"
        "Its value comes from the rows whose time falls from 2026-02-01 00:00 to 2026-03-01 00:00"
        " (Asia/Shanghai): 2 rows of tickets.\n"
        "The measure is mean(tickets.wait_min); mean(tickets.wait_min) gave 13;"
        " so the value is 13 min.\n"
        "The target in force is <= 10; there are no thresholds.\n"
        "The status is breached: the value 13 misses the target <= 10.\n"
        "\n" + sql_lines('avg(t."wait_min")', "s0.a0") + BOUNDS + "with the parameters []\n"
    )


def test_explain_defaults_to_the_last_complete_cycle(desk: Desk) -> None:
    default = desk.explain("busy", "--as-of", AS_OF)
    assert (default.exit_code, default.stderr) == (0, "")
    assert "This is the cycle 2026-03-01 .. 2026-03-31, which is complete.\n" in default.stdout
    assert "The status is breached: the value 1 misses the target >= 3.\n" in default.stdout
    assert default.stdout == desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-03-09").stdout
    # the current cycle can be asked for by a date in it
    current = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-04-01")
    assert (
        "This is the cycle 2026-04-01 .. 2026-04-30, which is not complete yet.\n" in current.stdout
    )
    assert "The status is critical: the value 0 meets critical < 1.\n" in current.stdout


def test_explain_with_no_complete_cycle_shows_the_current_one(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", "2026-01-15")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1:6] == [
        "This is the cycle 2026-01-01 .. 2026-01-31, which is not complete yet.",
        "Its value comes from the rows whose time falls from 2026-01-01 00:00 to 2026-01-15 00:00"
        " (Asia/Shanghai): 3 rows of tickets.",
        'The measure is count(tickets where status = "answered"); count(tickets where status ='
        ' "answered") gave 3; so the value is 3 tickets.',
        "The target in force is >= 3; the thresholds are warn < 4 and critical < 1.",
        "The status is warning: the value 3 meets warn < 4.",
    ]
    jan_15 = JAN_1 + 14 * 86400
    assert result.stdout.endswith(
        f"after loading the cycles (idx, lo, hi) [(0, {JAN_1}.0, {jan_15}.0)]\n"
        "with the parameters ['answered']\n"
    )


def test_explain_says_one_row_in_the_singular(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, "--cycle", "2026-03-09")
    assert result.exit_code == 0
    assert "(Asia/Shanghai): 1 row of tickets.\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # after the evaluation time
        (
            ("--cycle", "2026-05-15"),
            "the cycle of goal 'busy' with 2026-05-15 has not started by the evaluation time",
        ),
        # before the plan's period
        (
            ("--cycle", "2025-12-15"),
            "2025-12-15 is outside the plan period 2026-01-01 .. 2026-06-30",
        ),
        (("--cycle", "2026-4-15"), "'2026-4-15' is not a date; write it as 2026-06-15"),
        (("--cycle", "soon"), "'soon' is not a date; write it as 2026-06-15"),
    ],
)
def test_explain_cycle_that_does_not_exist_exits_2(
    desk: Desk, args: tuple[str, ...], message: str
) -> None:
    result = desk.explain("busy", "--as-of", AS_OF, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"goalline: error: {message}\n"


def test_explain_before_any_cycle_has_started_exits_2(desk: Desk) -> None:
    result = desk.explain("busy", "--as-of", "2025-12-01")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "goalline: error: no cycle of goal 'busy' has started by the evaluation time\n"
    )


def test_explain_unknown_goal_exits_2(desk: Desk) -> None:
    result = desk.explain("bussy", "--as-of", AS_OF)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"goalline: error: plan {desk.plan} has no goal 'bussy' (did you mean 'busy'?)\n"
    )


# ---------------------------------------------------------------- demo


@dataclass(frozen=True)
class Demo:
    folder: Path
    result: Result

    @property
    def plan(self) -> Path:
        return self.folder / "customer-support.goal"

    @property
    def db(self) -> Path:
        return self.folder / "support.db"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo") / "sample"
    return Demo(folder, goalline("demo", "--no-ui", "--dir", str(folder)))


def test_demo_writes_the_plan_and_the_store_and_prints_their_paths(demo: Demo) -> None:
    assert (demo.result.exit_code, demo.result.stderr) == (0, "")
    assert demo.result.stdout == (
        f"plan:  {demo.plan}\n"
        f"store: {demo.db}\n"
        f"try:   goalline review {demo.plan} --db {demo.db} --as-of 2027-01-01\n"
        f"or:    goalline evaluate {demo.plan} --db {demo.db} --as-of 2027-01-01\n"
    )
    sample = REPO / "sample-plans" / "customer-support.goal"
    assert demo.plan.read_text(encoding="utf-8") == sample.read_text(encoding="utf-8")
    strict = goalline("check", "--strict", str(demo.plan))
    assert (strict.exit_code, strict.stdout) == (0, f"{demo.plan}: ok\n")


def test_demo_data_shows_every_status(demo: Demo) -> None:
    result = goalline(
        "evaluate",
        str(demo.plan),
        "--db",
        str(demo.db),
        "--as-of",
        "2027-01-01",
        "--format",
        "json",
    )
    assert (result.exit_code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    statuses = {c["status"] for g in report["goals"] for c in g["cycles"]}
    assert statuses == {"met", "warning", "breached", "critical", "no_data"}
    assert all(c["complete"] for g in report["goals"] for c in g["cycles"])  # the year is over
    # as the generated completions say (dsl/sample_data.milestone_completions): the knowledge
    # base Apr 10, after its due Mar 31; the chatbot May 28 and WeChat Sep 14, both on time
    assert [(m["id"], m["due"], m["done_on"], m["status"]) for m in report["milestones"]] == [
        ("knowledge_base", "2026-03-31", "2026-04-10", "late"),
        ("chatbot", "2026-05-31", "2026-05-28", "done"),
        ("wechat_service", "2026-09-30", "2026-09-14", "done"),
    ]
    assert report["escalations"] != []


def test_demo_again_into_the_same_folder_exits_2_and_touches_nothing(demo: Demo) -> None:
    before = {p.name: (digest(p), p.stat().st_mtime_ns) for p in demo.folder.iterdir()}
    again = goalline("demo", "--no-ui", "--dir", str(demo.folder))
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr == (
        f"goalline: error: {demo.plan} exists already; choose another folder with --dir\n"
    )
    assert {p.name: (digest(p), p.stat().st_mtime_ns) for p in demo.folder.iterdir()} == before


def test_demo_without_no_ui_opens_the_review_session_on_its_files(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import ReviewApp

    opened: list[tuple[str, str, datetime | None]] = []

    def run(app: ReviewApp) -> None:  # the session itself is tested in tests/tui_tests
        opened.append((app.plan, app.db, app.as_of))

    monkeypatch.setattr(ReviewApp, "run", run)
    folder = tmp_path / "shown"
    shown = goalline("demo", "--dir", str(folder))
    plan, db = folder / "customer-support.goal", folder / "support.db"
    assert (shown.exit_code, shown.stderr) == (0, "")
    assert shown.stdout == f"plan:  {plan}\nstore: {db}\n"
    midnight = datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))  # the year is complete
    assert opened == [(str(plan), str(db), midnight)]
    # the same generator, the same data: the same report as the --no-ui folder
    evaluated = [
        goalline("evaluate", str(p), "--db", str(d), "--as-of", "2027-01-01", "--format", "json")
        for p, d in ((plan, db), (demo.plan, demo.db))
    ]
    first, second = (json.loads(r.stdout) for r in evaluated)
    first["plan"]["file"] = second["plan"]["file"]
    assert first == second


def test_demo_does_not_overwrite_a_users_files(tmp_path: Path) -> None:
    mine = tmp_path / "customer-support.goal"
    mine.write_text("# my own plan\n", encoding="utf-8")
    data = tmp_path / "tickets.csv"
    data.write_text("id,mine\n1,precious\n", encoding="utf-8")
    result = goalline("demo", "--no-ui", "--dir", str(tmp_path))
    assert mine.read_text(encoding="utf-8") == "# my own plan\n"
    assert data.read_text(encoding="utf-8") == "id,mine\n1,precious\n"
    assert result.exit_code == 2
