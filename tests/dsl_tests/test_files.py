"""Every file goalline writes goes through `files.write_file`: whole or not at all, never
through a symbolic link planted at the final name or at a temporary one, keeping the mode
and group of the file it replaces, and giving a new file the umask's permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dsl.files import write_file


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of the person writing, which nobody should be able to make goalline touch."""
    path = tmp_path / "elsewhere" / "bashrc"
    path.parent.mkdir()
    path.write_text("precious\n", encoding="utf-8")
    return path


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_a_link_planted_at_the_final_name_is_replaced_not_written_through(
    tmp_path: Path, victim: Path
) -> None:
    target = tmp_path / "plan-review-2027-01-01.md"
    target.symlink_to(victim)
    write_file(target, "# Minutes\n")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not target.is_symlink()
    assert target.read_text(encoding="utf-8") == "# Minutes\n"


def test_a_link_planted_at_the_old_temporary_name_is_never_opened(
    tmp_path: Path, victim: Path
) -> None:
    target = tmp_path / "plan-review-2027-01-01.md"
    planted = tmp_path / f".{target.name}.partial"  # the name goalline used to write first
    planted.symlink_to(victim)
    write_file(target, "# Minutes\n")
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert target.read_text(encoding="utf-8") == "# Minutes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f".{target.name}.partial",
        "elsewhere",
        target.name,
    ]  # nothing else left behind


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(
    tmp_path: Path, umask_022: None
) -> None:
    shared = tmp_path / "shared.goal"
    shared.write_text("old\n", encoding="utf-8")
    shared.chmod(0o664)
    group = shared.stat().st_gid
    write_file(shared, "new\n")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert shared.stat().st_gid == group
    fresh = tmp_path / "fresh.md"
    write_file(fresh, "text\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_a_write_that_fails_leaves_the_old_file_whole_and_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "minutes.md"
    target.write_text("earlier minutes\n", encoding="utf-8")

    def refuse(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_file(target, "new minutes\n")
    assert target.read_text(encoding="utf-8") == "earlier minutes\n"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.md"]


def test_text_is_written_as_utf_8_with_its_line_ends(tmp_path: Path) -> None:
    target = tmp_path / "plan.goal"
    write_file(target, 'plan "Café" {\r\n}\n')
    assert target.read_bytes() == 'plan "Café" {\r\n}\n'.encode()
