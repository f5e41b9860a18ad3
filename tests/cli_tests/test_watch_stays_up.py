"""`goalline watch` is a service: what stops one round (another run delivering from the
store, a plan that checks but names a column the store lacks) is logged in one line and
tried again at the next round; the watch never exits for it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dsl.cli.demo import STORE_NAME
from dsl.notify.delivery import Journal

from ..helpers import REPO, goalline
from .test_digest_watch import _iso, received, start_watch, stop_watch, wait_for

HOLDS = "this round could not run, trying again at the next: "


def log_has(process_lines: list[str], text: str) -> bool:
    return any(text in line for line in process_lines)


def record(folder: Path, value: str) -> None:
    at = _iso(time.time() - 86_400)
    result = goalline("record", "nps", value, "--db", str(folder / STORE_NAME), "--at", at)
    assert result.exit_code == 0, result.output


def test_watch_waits_while_another_run_delivers_and_delivers_after(tmp_path: Path) -> None:
    store = str(tmp_path / STORE_NAME)
    held = None
    process = None
    try:
        held = Journal(f"{store}-outbox", store)  # a `notify` delivering, slowly
        process = start_watch(tmp_path, "1s")
        time.sleep(3)  # a few rounds, each turned away
        assert process.poll() is None
        record(tmp_path, "30")  # a breach, to be delivered once the other run has finished
        time.sleep(1.5)
        assert received(tmp_path) == []
        held.close()
        held = None
        wait_for(lambda: len(received(tmp_path)) == 1)
    finally:
        if held is not None:
            held.close()
        if process is not None:
            code, lines, err = stop_watch(process)
    assert code == 0, err
    turned_away = [line for line in lines if HOLDS in line]
    assert turned_away, lines
    assert turned_away[0].endswith(
        f"{HOLDS}another goalline is delivering from {store} (it holds {store}-outbox);"
        " try again when it has finished"
    )
    assert any(line.endswith(" 1 new event in the outbox; 1 delivery sent (1 by command)")
               for line in lines)  # fmt: skip
    assert lines[-1].endswith(" stopped")


TABLE_PLAN = """\
source tickets "Tickets" { time created_at }

indicator urgent "Urgent tickets" {
  kind     kpi
  unit     "tickets"
  better   lower
  measure  count(tickets where priorty = "urgent")
}

goal calm "Few urgent tickets" {
  indicator  urgent
  cycle      daily
  owner      boss
  serves     happy
  target     <= 5
}
"""


def test_watch_waits_for_a_plan_that_names_a_column_the_store_lacks(tmp_path: Path) -> None:
    log = tmp_path / "watch.log"

    def logged() -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []

    process = start_watch(tmp_path, "10m", log)
    try:
        wait_for(lambda: len(logged()) >= 2)  # the first round ran
        (tmp_path / "tickets.csv").write_text(
            f"id,created_at,priority\n1,{_iso(time.time() - 3600)},urgent\n", encoding="utf-8"
        )
        imported = goalline(
            "import", str(tmp_path / "tickets.csv"), "--db", str(tmp_path / STORE_NAME),
            "--table", "tickets", "--time", "created_at",
        )  # fmt: skip
        assert imported.exit_code == 0, imported.output
        plan = tmp_path / "plan.goal"
        good = plan.read_text(encoding="utf-8")
        plan.write_text(good + "\n" + TABLE_PLAN, encoding="utf-8")  # checks: no --db
        assert goalline("check", str(plan)).exit_code == 0
        wait_for(lambda: any(HOLDS in line for line in logged()))
        assert process.poll() is None  # it waits for the fix
        plan.write_text(good + "\n" + TABLE_PLAN.replace("priorty", "priority"), encoding="utf-8")
        wait_for(lambda: HOLDS not in logged()[-1])  # a round after the fix
        assert process.poll() is None
    finally:
        code, _, err = stop_watch(process)
    lines = logged()
    assert code == 0, err
    waiting = [line for line in lines if HOLDS in line]
    assert len(waiting) == 1, lines
    assert f"{HOLDS}table 'tickets' has no column 'priorty'" in waiting[0]
    after = lines[lines.index(waiting[0]) + 1]
    assert after.endswith(" 0 new events in the outbox; 0 deliveries sent"), lines
    assert lines[-1].endswith(" stopped")


COUNTING = """\
import sys

import dsl.api

real = dsl.api.check_plan
reads = sys.argv[1]


def counting(path, text=None):
    with open(reads, "a", encoding="utf-8") as out:
        out.write(path + "\\n")
    return real(path, text)


dsl.api.check_plan = counting
from dsl.cli.main import main

sys.argv = ["goalline", *sys.argv[2:]]
main()
"""


def test_watch_reads_the_plan_once_and_again_only_when_it_changes(tmp_path: Path) -> None:
    """A round evaluates the plan checked when it was read: never read apart from its check
    (a save in between would evaluate a plan nobody checked), and not read at all while it
    has not changed."""
    reads, log = tmp_path / "reads.txt", tmp_path / "watch.log"
    start_watch(tmp_path, "1s").kill()  # the plan, the store and goalline.toml, written
    driver = tmp_path / "counting.py"
    driver.write_text(COUNTING, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(driver), str(reads), "watch", "plan.goal", "--every", "1s",
         "--config", str(tmp_path / "goalline.toml")],
        cwd=tmp_path, stdout=log.open("w", encoding="utf-8"), stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip

    def rounds() -> int:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        return sum("in the outbox" in line for line in lines)

    try:
        wait_for(lambda: rounds() >= 3)
        read_while_unchanged = reads.read_text(encoding="utf-8").splitlines()
        plan = tmp_path / "plan.goal"
        plan.write_text(plan.read_text(encoding="utf-8").replace(">= 40", ">= 50"), "utf-8")
        seen = rounds()
        wait_for(lambda: rounds() >= seen + 3)
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert read_while_unchanged == ["plan.goal"]  # once, before the first round
    assert reads.read_text(encoding="utf-8").splitlines() == ["plan.goal", "plan.goal"]
