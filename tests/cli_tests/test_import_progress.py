"""A large import shows a running count on a terminal, and nothing when its output goes to a
file or a pipe (scripts and CI logs stay clean)."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from ..helpers import GOALLINE


def big_csv(folder: Path, rows: int = 25_000) -> Path:
    path = folder / "big.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("id,created_at\n")
        out.writelines(f"{n},2026-04-01T08:00:00+08:00\n" for n in range(rows))
    return path


def test_a_terminal_sees_the_count_grow(tmp_path: Path) -> None:
    data = big_csv(tmp_path)
    leader, follower = pty.openpty()
    args = [
        str(GOALLINE),
        "import",
        str(data),
        "--db",
        "s.db",
        "--table",
        "t",
        "--time",
        "created_at",
    ]
    process = subprocess.Popen(args, cwd=tmp_path, stderr=follower, stdout=follower)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    text = seen.decode()
    assert "\rimported 10,000 rows" in text
    assert "\rimported 20,000 rows" in text
    assert text.endswith("imported 25,000 rows into t (s.db)\r\n")


def test_a_pipe_sees_only_the_last_line(tmp_path: Path) -> None:
    data = big_csv(tmp_path)
    args = [
        str(GOALLINE),
        "import",
        str(data),
        "--db",
        "s.db",
        "--table",
        "t",
        "--time",
        "created_at",
    ]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "imported 25,000 rows into t (s.db)\n"
