"""Formatting never changes what a plan means: for every sample plan and every fixture that
parses, parse → format → parse gives an equal model, and formatting twice changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.api import format_plan
from dsl.language.parse import parse_text

from ..helpers import REPO

PLANS = sorted([*REPO.glob("sample-plans/**/*.goal"), *REPO.glob("tests/fixtures/**/*.goal")])


def _parses(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return False
    return not parse_text(text, path.name).has_syntax_errors


PARSING = [p for p in PLANS if _parses(p)]


def test_there_is_something_to_round_trip() -> None:
    assert len([p for p in PARSING if "sample-plans" in p.parts]) >= 3
    assert len(PARSING) >= 10


@pytest.mark.parametrize("path", PARSING, ids=[str(p.relative_to(REPO)) for p in PARSING])
def test_format_keeps_the_model_and_is_idempotent(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_plan(text, path.name).text
    assert formatted is not None
    assert parse_text(formatted, path.name).items == parse_text(text, path.name).items
    assert format_plan(formatted, path.name).text == formatted
