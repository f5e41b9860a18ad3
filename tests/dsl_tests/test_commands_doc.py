"""docs/commands.md against the code: every command of `goalline --help` has its section, every
option of a command is named in that section, every example command line names a real
command and real options, and the JSON fields the page lists are exactly the ones
`Report.to_dict()` writes for the demo's report."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pytest

from dsl.api import check_plan, run
from dsl.cli.demo import AS_OF, PLAN_NAME, STORE_NAME
from dsl.cli.main import cli
from dsl.language.cycles import parse_as_of
from dsl.output.formats import CSV_COLUMNS
from dsl.store.database import Store

from ..helpers import REPO, copy_sample

COMMANDS = REPO / "docs" / "commands.md"
TEXT = COMMANDS.read_text(encoding="utf-8")

# A command's section runs from `## goalline NAME` to the next `## ` heading.
_SECTION = re.compile(r"^## goalline (\S+)\n(.*?)(?=^## |\Z)", re.M | re.S)
# A fenced block: its language and its text, up to the closing ``` line.
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
# A row of a field table: the first cell is one path in backticks.
_FIELD_ROW = re.compile(r"^\| `([^`]+)` \|", re.M)
TOP_LEVEL_OPTIONS = ("--help", "-h", "--version")


def sections() -> dict[str, str]:
    return {match.group(1): match.group(2) for match in _SECTION.finditer(TEXT)}


def section(title: str) -> str:
    """The text under `## title`, up to the next `## ` heading."""
    start = TEXT.index(f"\n## {title}\n")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start : end if end != -1 else len(TEXT)]


def blocks(*languages: str) -> list[str]:
    return [match.group(2) for match in _FENCE.finditer(TEXT) if match.group(1) in languages]


def example_lines() -> list[str]:
    """Every line of a ```sh or ```text block that starts with `goalline `."""
    return [
        line.strip()
        for block in blocks("sh", "text")
        for line in block.splitlines()
        if line.strip().startswith("goalline ")
    ]


def options_of(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def paths(value: Any, prefix: str = "") -> set[str]:
    """The path of every key, as `goals[].cycles[].value`; the keys of a `breakdown` are
    values of the data, not fields, so the walk stops there."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            if key != "breakdown":
                found |= paths(item, path)
    elif isinstance(value, list):
        for item in value:
            found |= paths(item, f"{prefix}[]")
    return found


def documented_fields() -> list[str]:
    return _FIELD_ROW.findall(section("The JSON report"))


# ---------------------------------------------------------------- commands and options


def test_every_command_has_its_section() -> None:
    assert sorted(sections()) == sorted(cli.commands)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_option_is_named_under_its_command(name: str) -> None:
    text = sections().get(name, "")
    options = sorted(options_of(cli.commands[name]) - {"--help", "-h"})
    missing = [
        option
        for option in options
        if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text)
    ]
    assert missing == [], f"## goalline {name} does not mention {missing}"


# ---------------------------------------------------------------- example command lines


def test_there_are_examples_of_every_command() -> None:
    named = {line.split()[1] for line in example_lines()}
    assert set(cli.commands) <= named


@pytest.mark.parametrize("line", example_lines())
def test_example_line_names_a_real_command_and_its_options(line: str) -> None:
    words = shlex.split(line, comments=True)
    name = words[1]
    if name.startswith("-"):
        assert name in TOP_LEVEL_OPTIONS
        return
    assert name in cli.commands, f"no command '{name}' in: {line}"
    known = options_of(cli.commands[name])
    for word in words[2:]:
        if word == "|":
            break  # the rest of the line is another program
        option = word.strip("[]").removesuffix("...").split("=")[0]
        if option.startswith("-") and option != "-":
            assert option in known, f"goalline {name} has no option {option}: {line}"


# ---------------------------------------------------------------- the JSON report


@pytest.fixture(scope="module")
def demo_report(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The report of the sample year, as `goalline demo` writes and evaluates it."""
    folder = copy_sample(sample, tmp_path_factory.mktemp("demo"))
    plan_path = str(folder / PLAN_NAME)
    plan = check_plan(plan_path).plan
    assert plan is not None
    as_of = parse_as_of(AS_OF, ZoneInfo(plan.info.timezone or "UTC"))
    with Store.open(str(folder / STORE_NAME)) as store:
        outcome = run(plan_path, store, as_of, rows=True)  # as `evaluate --format json`
        assert outcome.report is not None
        first = outcome.report.escalations[0].key
        store.reviews.acknowledge(first, "li_na", "called back", "2027-01-04T09:00:00+00:00")
        acknowledged = store.reviews.acknowledgements()
    return outcome.report.to_dict(acknowledged)


def test_the_json_fields_listed_are_the_ones_the_report_has(
    demo_report: dict[str, Any],
) -> None:
    listed = documented_fields()
    assert len(listed) == len(set(listed)), "a field is listed twice"
    produced = paths(demo_report)
    assert sorted(set(listed) - produced) == [], "listed, but not in the report"
    assert sorted(produced - set(listed)) == [], "in the report, but not listed"


def test_the_json_example_parses_and_uses_listed_fields_only() -> None:
    (example,) = blocks("json")
    assert paths(json.loads(example)) <= set(documented_fields())


def test_the_csv_header_is_the_one_goalline_writes() -> None:
    header = ",".join(CSV_COLUMNS)
    assert re.search(rf"^{re.escape(header)}$", section("TOML and CSV"), re.M)
