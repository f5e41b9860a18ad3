"""The outputs the README and docs/commands.md show for the sample year are the ones goalline
prints: every `goalline evaluate`, `explain`, `suggest`, `backtest`, `next-round`, `diff` or
`digest` example on the sample plan is run on the store `goalline demo` writes (plus the
values the doc records on its way) and compared with the block that follows it; a block
followed by `*(...)*` says it was cut short, and must be the start of the output."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from ..helpers import REPO, copy_sample, goalline

README = REPO / "README.md"
COMMANDS = REPO / "docs" / "commands.md"

# a one-line ```sh block, then the block of what it prints, then whether it says "*(cut)*"
EXAMPLE = re.compile(
    r"```sh\n(goalline [^\n]+)\n```\n\n```(?:text|toml)\n(.*?)```\n\n?(\*\()?", re.S
)
RECORD = re.compile(r"^goalline record .*$", re.M)


def examples(document: Path) -> list[tuple[str, str, bool]]:
    found = EXAMPLE.findall(document.read_text(encoding="utf-8"))
    return [
        (command, shown, bool(cut))
        for command, shown, cut in found
        if re.match(
            r"goalline (evaluate|explain|suggest|backtest|next-round|diff|digest)"
            r" customer-support\.goal ",
            command,
        )
    ]


@pytest.fixture(scope="module")
def recorded_sample(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample with the values docs/commands.md records on its way."""
    folder = copy_sample(sample, tmp_path_factory.mktemp("docs") / "sample")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        for command in RECORD.findall(COMMANDS.read_text(encoding="utf-8")):
            goalline(*shlex.split(command)[1:])  # some show a refusal
        for command, _, _ in examples(COMMANDS):  # the plans the diff examples compare
            if command.startswith("goalline next-round "):
                goalline(*shlex.split(command)[1:], "--force")
    return folder


def printed(command: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the command prints in the sample's folder; the docs show the table a terminal
    gets, which is the default there."""
    words = shlex.split(command)[1:]
    if words[0] == "evaluate" and "--format" not in words:
        words += ["--format", "table"]
    if words[0] == "next-round":  # it never replaces a file unasked: the file goes first
        (folder / words[words.index("-o") + 1]).unlink(missing_ok=True)
    monkeypatch.chdir(folder)
    result = goalline(*words)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_the_docs_show_examples_of_evaluate_and_explain_on_the_sample() -> None:
    commands = [command.split()[1] for command, _, _ in examples(COMMANDS)]
    assert commands.count("evaluate") >= 3 and commands.count("explain") >= 2
    assert commands.count("digest") == 1


@pytest.mark.parametrize(
    ("command", "shown", "cut"),
    examples(COMMANDS),
    ids=[command.split(" --db")[0] for command, _, _ in examples(COMMANDS)],
)
def test_each_example_in_the_commands_doc_prints_what_it_shows(
    command: str, shown: str, cut: bool, recorded_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = printed(command, recorded_sample, monkeypatch)
    assert (output[: len(shown)] if cut else output) == shown


def test_the_readme_scorecard_is_the_start_of_what_evaluate_prints(
    recorded_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"```text\n(Customer Support 2026\n.*?)```", text, re.S)
    assert shown is not None
    command = "goalline evaluate customer-support.goal --db support.db --as-of 2027-01-01"
    output = printed(command, recorded_sample, monkeypatch)
    # the README cuts the list of escalations short
    assert output.startswith(shown.group(1))
    assert output.count("\n") > shown.group(1).count("\n")


def test_the_sample_year_ends_with_every_status_on_the_scorecard(
    recorded_sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = "goalline evaluate customer-support.goal --db support.db --as-of 2027-01-01"
    lines = printed(command, recorded_sample, monkeypatch).split("\n\n")[1].splitlines()[1:]
    assert [line.split()[0] for line in lines] == [
        "critical",
        "breached",
        "warning",
        "warning",
        "no_data",
        "insufficient",
        "met",
        "met",
        "met",
        "met",
        "met",
    ]
