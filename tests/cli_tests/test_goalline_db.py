"""`GOALLINE_DB` names the store for every command that needs one when `--db` is not given;
`--db` still wins, and a command without either says both ways in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME

from ..helpers import goalline

AS_OF = ("--as-of", "2027-01-01", "--format", "csv")


def test_the_environment_names_the_store(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    given = goalline("evaluate", PLAN_NAME, "--db", STORE_NAME, *AS_OF, env={"GOALLINE_DB": None})
    named = goalline("evaluate", PLAN_NAME, *AS_OF, env={"GOALLINE_DB": STORE_NAME})
    assert (named.exit_code, named.stdout) == (0, given.stdout)
    assert given.stdout.startswith("goal,indicator,cycle_start")


def test_db_wins_over_the_environment(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(sample)
    both = goalline(
        "suggest", PLAN_NAME, "--db", STORE_NAME, "--goal", "satisfied",
        env={"GOALLINE_DB": "elsewhere.db"},
    )  # fmt: skip
    assert both.exit_code == 0, both.output
    assert not (sample / "elsewhere.db").exists()


@pytest.mark.parametrize(
    "command",
    [("evaluate", PLAN_NAME), ("import", "tickets.csv", "--table", "t"), ("review", PLAN_NAME)],
)
def test_neither_is_one_line_naming_both(
    command: tuple[str, ...], sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample)
    result = goalline(*command, env={"GOALLINE_DB": None})
    assert result.exit_code == 2  # the console script words it `goalline: error: ...`
    assert result.stderr.splitlines()[-1].endswith(
        "Missing option '--db' (env var: 'GOALLINE_DB')."
    )


def test_the_environment_comes_before_the_configuration(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_copy)
    (sample_copy / "goalline.toml").write_text('db = "missing.db"\n', encoding="utf-8")
    listed = goalline("outbox", env={"GOALLINE_DB": STORE_NAME})
    assert listed.exit_code == 0, listed.output
    assert not (sample_copy / "missing.db").exists()
