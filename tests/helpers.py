"""Plain helpers every suite uses: where the checkout and the `goalline` executable are, the
one way to run the CLI in-process, and reading a store back as another program would.

Test modules import them relatively (`from ..helpers import goalline`, one dot more per
folder level): pytest runs with `--import-mode=importlib`, so `tests` is not on sys.path.
The fixtures are in tests/conftest.py."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
# The example plan of the language design page, the language's specification by example.
DESIGN_EXAMPLE = FIXTURES / "design" / "language-example.goal"
# The console script of this environment, for tests that need a real process (a terminal,
# a pipe, a signal, a second process at the same time).
GOALLINE = Path(sys.executable).parent / "goalline"


def goalline(
    *args: str,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    """Run the CLI in-process, the way a user types it, in the current folder.

    A traceback is a failure whatever the test expected: an exception other than the
    command's own exit is raised here, not kept in the result."""
    return CliRunner().invoke(cli, list(args), input=input, env=env, catch_exceptions=False)


def clean_env(**changes: str | None) -> dict[str, str]:
    """This process's environment without NO_COLOR and FORCE_COLOR (the test decides about
    colour), with `changes` made: a value sets a variable, None removes it."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def goalline_process(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real executable with standard output on a pipe (not a terminal) and wait for
    it; the environment is `clean_env()` unless told."""
    return subprocess.run(
        [str(GOALLINE), *args],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def copy_sample(sample: Path, folder: Path) -> Path:
    """The sample's plan and store, copied into `folder` (made if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (PLAN_NAME, STORE_NAME):
        shutil.copy(sample / name, folder / name)
    return folder


def query(db: Path | str, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a store read with plain `sqlite3`, as another program would see them."""
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, to show that it was left as it was."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(path: Path) -> dict[str, bytes | None]:
    """The bytes of a store and its write-ahead log (None where there is no such file)."""
    return {
        suffix: (Path(f"{path}{suffix}").read_bytes() if Path(f"{path}{suffix}").exists() else None)
        for suffix in ("", "-wal")
    }


def report_cycle(
    start: str,
    end: str,
    value: Any,
    target: str | None,
    status: str,
    complete: bool = True,
    *,
    expected: Any = None,
    pace: Any = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One cycle of a goal as the JSON report shows it (complete unless told); `rows`, what
    its aggregates read, as `rows_read` writes each."""
    found = {
        "start": start,
        "end": end,
        "complete": complete,
        "value": value,
        "target": target,
        "expected": expected,
        "pace": pace,
        "status": status,
    }
    return found if rows is None else found | {"rows": rows}


def rows_read(
    aggregate: str, table: str, read: int, matched: int, empty: int = 0, negative: int | None = None
) -> dict[str, Any]:
    """What one aggregate read in a cycle, as the JSON report's `cycles[].rows[]` says it."""
    return {
        "aggregate": aggregate,
        "table": table,
        "read": read,
        "matched": matched,
        "empty": empty,
        "negative": negative,
    }
