"""`goalline digest` (each person's goals, open actions and milestones due soon, printed or
sent) and `goalline watch` (notifying as the data changes, stopping cleanly on SIGTERM)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.store.database import Store

from ..helpers import REPO, goalline
from .servers import Mailbox, smtp_server

T0 = "2026-07-01T09:00:00+00:00"


def collector(folder: Path) -> list[str]:
    """A command channel whose program appends what it is given to `received.jsonl`."""
    script = (
        "import sys\n"
        f"with open({str(folder / 'received.jsonl')!r}, 'a', encoding='utf-8') as out:\n"
        "    out.write(sys.stdin.read().replace('\\n', ' ') + '\\n')\n"
    )
    return [sys.executable, "-c", script]


def write_config(folder: Path, run: list[str]) -> Path:
    path = folder / "goalline.toml"
    path.write_text(
        f'db = "{folder / STORE_NAME}"\n[notify.command]\nrun = {json.dumps(run)}\n',
        encoding="utf-8",
    )
    return path


def received(folder: Path) -> list[dict[str, object]]:
    path = folder / "received.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# ---------------------------------------------------------------- digest


def test_one_persons_digest_lists_their_goals_worst_first_with_trend(sample_copy: Path) -> None:
    plan, db = str(sample_copy / PLAN_NAME), str(sample_copy / STORE_NAME)
    result = goalline("digest", plan, "--db", db, "--as-of", "2027-01-01", "--to", "zhao_lei")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "To: Zhao Lei <zhao.lei@example.com>\n"
        "\n"
        "Hello Zhao Lei,\n"
        "\n"
        "Customer Support 2026, as of 2027-01-01 00:00.\n"
        "\n"
        "Your goals:\n"
        "  breached  solved_for_good (Problems stay solved)\n"
        "            4.5% against <= 4; better than the cycle before (7.5%)  [owner, lead of tech]\n"
        "  met       fast_resolution (Resolve within a working day)\n"
        "            3.566 h against <= 8; better than the cycle before (4.377 h)"
        "  [owner, lead of tech]\n"
        "  met       office_resolution_time (Resolve within one office day)\n"
        "            4.524 business hours (office) against <= 7.5; better than the cycle before"
        " (4.807 business hours (office))  [owner, lead of tech]\n"
        "  met       quick_answer (Answer quickly)\n"
        "            16 min against <= 20; better than the cycle before (17.3 min)  [owner]\n"
    )


def test_everyone_with_something_to_report_gets_a_digest_in_the_plans_order(
    sample_copy: Path,
) -> None:
    plan, db = str(sample_copy / PLAN_NAME), str(sample_copy / STORE_NAME)
    result = goalline("digest", plan, "--db", db, "--as-of", "2027-01-01")
    assert result.exit_code == 0
    to = [line for line in result.stdout.splitlines() if line.startswith("To: ")]
    # liu_yang owns no goal, leads no team, has no action: no digest
    assert to == [
        "To: Wang Fang <wang.fang@example.com>",
        "To: Zhao Lei <zhao.lei@example.com>",
        "To: Li Na <li.na@example.com>",
        "To: Chen Jie <chen.jie@example.com>",
        "To: Service Director <director@example.com>",
    ]
    assert (
        "  no data   called_back (Call back every unhappy customer)\n            - against >= 95"
        in (result.stdout)
    )


def test_open_actions_and_milestones_due_within_two_weeks_are_in_the_digest(
    sample_copy: Path,
) -> None:
    with Store.open(str(sample_copy / STORE_NAME)) as store:
        session = store.reviews.open_review(
            str(sample_copy / PLAN_NAME), "2026-05-20", ["zhao_lei"], T0
        )
        store.reviews.add_action(
            session.id, "quick_answer", "Hire two agents", "zhao_lei", date(2026, 6, 30), T0
        )
        done = store.reviews.add_action(session.id, "quick_answer", "Old one", "zhao_lei", None, T0)
        store.reviews.set_action_status(done.id, "done")
        store.reviews.add_action(session.id, "satisfied", "Not his", "li_na", None, T0)
    plan, db = str(sample_copy / PLAN_NAME), str(sample_copy / STORE_NAME)
    # 20 May: the chatbot (zhao_lei's) is due on 31 May and not done until 28 May
    result = goalline("digest", plan, "--db", db, "--as-of", "2026-05-20", "--to", "zhao_lei")
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "Your open improvement actions:\n"
        "  Hire two agents (quick_answer), due 2026-06-30\n"
        "\n"
        "Your milestones due within two weeks:\n"
        "  chatbot (Launch the self-service chatbot): due 2026-05-31, open\n"
    )


def test_an_unknown_person_is_refused(sample_copy: Path) -> None:
    plan, db = str(sample_copy / PLAN_NAME), str(sample_copy / STORE_NAME)
    result = goalline("digest", plan, "--db", db, "--to", "zhao_li")
    assert result.exit_code == 2
    assert result.stderr == f"goalline: error: plan {plan} has no person 'zhao_li'\n"


def test_send_delivers_each_digest_as_json_to_the_command(sample_copy: Path) -> None:
    config = write_config(sample_copy, collector(sample_copy))
    result = goalline(
        "digest",
        str(sample_copy / PLAN_NAME),
        "--config",
        str(config),
        "--as-of",
        "2027-01-01",
        "--send",
    )
    assert (result.exit_code, result.stdout) == (0, "sent 5 of 5 digests\n")
    got = received(sample_copy)
    assert [d["person"]["id"] for d in got] == [  # type: ignore[index]
        "wang_fang",
        "zhao_lei",
        "li_na",
        "chen_jie",
        "director",
    ]
    director = got[-1]
    assert director["goals"] == [
        {
            "id": "promoters",
            "title": "Customers recommend us",
            "status": "critical",
            "value": "23.9 points",
            "target": ">= 40",
            "trend": "worse than the cycle before (48 points)",
            "role": "owner",
        }
    ]


def test_a_digest_that_cannot_be_sent_fails_with_exit_1(sample_copy: Path) -> None:
    config = write_config(sample_copy, [sys.executable, "-c", "import sys; sys.exit('no pager')"])
    result = goalline(
        "digest",
        str(sample_copy / PLAN_NAME),
        "--config",
        str(config),
        "--to",
        "director",
        "--send",
    )
    assert result.exit_code == 1
    assert result.stdout == "sent 0 of 1 digests\n"
    assert f"goalline: error: digest for director: {sys.executable} exited with 1: no pager\n" in (
        result.stderr
    )


def test_send_e_mails_each_person_their_digest(sample_copy: Path) -> None:
    box = Mailbox()
    with smtp_server(box) as controller:
        (sample_copy / "goalline.toml").write_text(
            f'db = "{sample_copy / STORE_NAME}"\n[notify.email]\nhost = "127.0.0.1"\n'
            f'port = {controller.port}\nfrom = "goalline@example.com"\n',
            encoding="utf-8",
        )
        result = goalline(
            "digest",
            str(sample_copy / PLAN_NAME),
            "--config",
            str(sample_copy / "goalline.toml"),
            "--as-of",
            "2027-01-01",
            "--send",
        )
    assert (result.exit_code, result.stdout) == (0, "sent 5 of 5 digests\n")
    assert [mail.rcpt_tos for mail in box.mails] == [
        ("wang.fang@example.com",),
        ("zhao.lei@example.com",),
        ("li.na@example.com",),
        ("chen.jie@example.com",),
        ("director@example.com",),
    ]
    director = box.mails[-1]
    assert director.message["Subject"] == (
        "[goalline] Customer Support 2026: your 1 goal, worst critical"
    )
    assert director.message["Date"] is not None
    assert "  critical  promoters (Customers recommend us)\n" in director.text
    assert "23.9 points against &gt;= 40" in director.html


# ---------------------------------------------------------------- watch

WATCHED_PLAN = """\
plan "Watched" {
  period    2026-01-01 .. 2030-12-31
  timezone  "UTC"
}

person boss "Boss" { email "boss@example.com" }
objective happy "Happy"

indicator nps "NPS" {
  kind       kpi
  unit       "pts"
  better     higher
  aggregate  last
}

escalation loud "Loud" {
  when breached  notify owner
}

goal promoters "Promoters" {
  indicator   nps
  cycle       daily
  owner       boss
  serves      happy
  target      >= 40
  escalation  loud
}
"""


def start_watch(folder: Path, every: str, log: Path | None = None) -> subprocess.Popen[str]:
    """`goalline watch` on WATCHED_PLAN in `folder`; its log on a pipe, or in `log` for a
    test that reads it while the watch runs."""
    (folder / "plan.goal").write_text(WATCHED_PLAN, encoding="utf-8")
    with Store.open(str(folder / STORE_NAME), create=True):
        pass
    config = write_config(folder, collector(folder))
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dsl",
            "watch",
            "plan.goal",
            "--config",
            str(config),
            "--every",
            every,
        ],
        cwd=folder,
        stdout=subprocess.PIPE if log is None else log.open("w", encoding="utf-8"),
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def wait_for(check: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("waited in vain")


def stop_watch(process: subprocess.Popen[str]) -> tuple[int, list[str], str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    return process.returncode, (out or "").splitlines(), err  # no `out`: it went to a log


def test_watch_delivers_a_new_event_soon_after_an_import_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    log = tmp_path / "watch.log"
    process = start_watch(tmp_path, "10m", log)  # only a change can wake it within the test
    try:
        # the first round has ended (its log line): a record made during a round is part
        # of what that round's end looked like, and waits for the interval
        wait_for(lambda: "in the outbox" in log.read_text(encoding="utf-8"))
        yesterday = time.time() - 86_400
        recorded = goalline(
            "record", "nps", "30", "--db", str(tmp_path / STORE_NAME), "--at", _iso(yesterday)
        )
        assert recorded.exit_code == 0
        wait_for(lambda: len(received(tmp_path)) == 1)
    finally:
        code, _, err = stop_watch(process)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert code == 0, err
    assert lines[0].endswith(
        " watching plan.goal and " + str(tmp_path / STORE_NAME) + " (every 10m; Ctrl-C stops)"
    )
    assert lines[1].endswith(" 0 new events in the outbox; 0 deliveries sent")
    assert lines[2].endswith(" 1 new event in the outbox; 1 delivery sent (1 by command)")
    assert lines[-1].endswith(" stopped")
    (event,) = received(tmp_path)
    assert event["subject"] == "promoters" and event["rule"] == "when breached"


def test_watch_picks_up_a_plan_edit(tmp_path: Path) -> None:
    log = tmp_path / "watch.log"
    process = start_watch(tmp_path, "10m", log)
    try:
        wait_for(lambda: "in the outbox" in log.read_text(encoding="utf-8"))  # a round ended
        recorded = goalline(
            "record",
            "nps",
            "45",
            "--db",
            str(tmp_path / STORE_NAME),
            "--at",
            _iso(time.time() - 86_400),
        )
        assert recorded.exit_code == 0
        time.sleep(1.5)  # that round finds nothing to say: 45 meets >= 40
        plan = tmp_path / "plan.goal"
        plan.write_text(
            plan.read_text(encoding="utf-8").replace(">= 40", ">= 50"), encoding="utf-8"
        )
        wait_for(lambda: len(received(tmp_path)) == 1)
    finally:
        code, _, err = stop_watch(process)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert code == 0, err
    assert any(
        line.endswith(" 1 new event in the outbox; 1 delivery sent (1 by command)")
        for line in lines
    )


def test_watch_refuses_a_bad_interval(tmp_path: Path) -> None:
    (tmp_path / "plan.goal").write_text(WATCHED_PLAN, encoding="utf-8")
    config = write_config(tmp_path, collector(tmp_path))
    result = goalline(
        "watch", str(tmp_path / "plan.goal"), "--config", str(config), "--every", "soon"
    )
    assert result.exit_code == 2
    assert result.stderr == (
        'goalline: error: --every: must be a duration such as "30s", "5m", "2h", not \'soon\'\n'
    )


def _iso(seconds: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
