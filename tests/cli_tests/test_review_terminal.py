"""`goalline review` in a real (pseudo-)terminal, as a person starts it: the scorecard is
drawn and ctrl+q ends the session cleanly. Everything else is tested headless in
tests/tui_tests; this checks that the installed command, its styles and the terminal
driver work together."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME, write_demo

GOALLINE = Path(sys.executable).parent / "goalline"


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.skipif(not GOALLINE.exists(), reason="the goalline command is not installed")
def test_review_draws_the_scorecard_and_quits_on_ctrl_q(tmp_path: Path) -> None:
    write_demo(tmp_path / PLAN_NAME, tmp_path / STORE_NAME)
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    process = subprocess.Popen(
        [str(GOALLINE), "review", PLAN_NAME, "--db", STORE_NAME, "--as-of", "2027-01-01"],
        cwd=tmp_path,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,  # Textual draws on standard error, leaving standard output free
    )
    os.close(slave)
    try:
        shown = read_until(master, b"promoters", 60)
        os.write(master, b"\x11")  # ctrl+q
        # A terminal goes on reading what the app writes while it closes (a full pty would
        # keep its writer waiting).
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            read_until(master, b"\x00never", 0.1)
        code = process.wait(timeout=1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
        os.close(master)
    assert b"Customer Support 2026" in shown
    assert b"promoters" in shown
    assert code == 0
    assert b"Traceback" not in shown
