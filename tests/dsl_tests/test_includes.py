"""Includes: resolved relative to the including file, read once, merged into one plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.api import check_plan

from ..helpers import FIXTURES

INCLUDES = FIXTURES / "includes"


def test_included_declarations_resolve_references_in_the_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(INCLUDES.parent)
    checked = check_plan("includes/main.goal")
    assert checked.diagnostics == ()
    assert checked.plan is not None
    assert [d.id for d in checked.plan.declarations] == [
        "usual", "ann", "desk", "calm", "wait", "calls", "short_waits",
    ]  # fmt: skip
    assert checked.plan.files == (
        "includes/main.goal",
        "includes/shared/people.goal",
        "includes/shared/escalations.goal",
    )


def test_included_file_names_appear_in_diagnostics_as_the_user_would_open_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "people.goal").write_text('person ann "Ann" { emial "a@x" }\n')
    (tmp_path / "main.goal").write_text(
        'include "shared/people.goal"\nplan "p" { period 2026-01-01 .. 2026-12-31 owner ann }\n'
    )
    monkeypatch.chdir(tmp_path)
    checked = check_plan("main.goal")
    assert [d.headline() for d in checked.diagnostics] == [
        "shared/people.goal:1:20: error: unknown attribute 'emial' in person 'ann'"
        " (did you mean 'email'?); expected '}', 'email' or 'note' [E101]"
    ]


def test_a_file_included_twice_counts_once(tmp_path: Path) -> None:
    (tmp_path / "people.goal").write_text('person ann "Ann"\n')
    (tmp_path / "teams.goal").write_text('include "people.goal"\nteam t "T" { lead ann }\n')
    (tmp_path / "main.goal").write_text(
        'include "people.goal"\ninclude "teams.goal"\n'
        'plan "p" { period 2026-01-01 .. 2026-12-31 owner ann }\n'
    )
    checked = check_plan(str(tmp_path / "main.goal"))
    assert checked.errors == ()
    assert checked.plan is not None
    assert [d.id for d in checked.plan.declarations] == ["ann", "t"]
