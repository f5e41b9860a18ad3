"""The LALR tables are cached in the user's cache folder; a cache that cannot be written or
read must never show: the parser is then built afresh, silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..helpers import DESIGN_EXAMPLE


def run_check(cache_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.run(
        [sys.executable, "-m", "dsl", "check", str(DESIGN_EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_cache_is_written_under_the_user_cache_folder(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.name.split("-")[1] for p in (tmp_path / "goalline").iterdir()) == ["model"]


def test_an_unwritable_cache_folder_is_silently_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    result = run_check(blocker)
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.endswith("ok (4 warnings)\n")


def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path) -> None:
    assert run_check(tmp_path).returncode == 0
    (cache,) = (tmp_path / "goalline").iterdir()
    cache.write_bytes(b"\x00garbage")
    result = run_check(tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    assert cache.stat().st_size > 1000


def test_help_does_not_load_the_parser() -> None:
    code = (
        "import sys; sys.argv = ['goalline', '--help']\n"
        "from dsl.cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('lark', 'textual', 'sqlite_utils') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "[]"
