"""Find the one grammar (`goal.lark`) and build its LALR parsers once per process.

Building the LALR tables costs about 150 ms, so the tables are cached in the user's cache
folder under a name keyed by the grammar's content; when that folder cannot be written,
the parser is simply built each time.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path

from lark import Lark

from .build import Builder

PARSER_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": True}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the garbage collector while parsing. A parse makes no reference cycles, but on
    large plans the collector walks the growing heap again and again (10,000 goals: 40%
    slower)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cache
def grammar_text() -> str:
    """The grammar: a copy inside the installed package, or `grammar/goal.lark` in a checkout."""
    packaged = resources.files(__package__).joinpath("goal.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "grammar" / "goal.lark").read_text(
        encoding="utf-8"
    )


def _cache_folder() -> Path:
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home()))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "goalline"


def _cache_file(kind: str) -> str | bool:
    digest = hashlib.sha256(grammar_text().encode()).hexdigest()[:16]
    folder = _cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not os.access(folder, os.W_OK):
        return False
    return str(folder / f"goal-{kind}-{digest}.lark-cache")


class Parsers:
    """The model parser (builds the plan while parsing) and its builder, created together."""

    def __init__(self) -> None:
        self.builder = Builder()
        self.model = Lark(
            grammar_text(), transformer=self.builder, cache=_cache_file("model"), **PARSER_OPTIONS
        )


@cache
def parsers() -> Parsers:
    return Parsers()


@cache
def tree_parser() -> Lark:
    """A parser that keeps every token in a tree: the formatter's view of a plan."""
    return Lark(grammar_text(), keep_all_tokens=True, cache=_cache_file("tree"), **PARSER_OPTIONS)


def bare_parser() -> Lark:
    """A plain LALR parser to a tree: the floor the benchmark compares the pipeline with."""
    return Lark(grammar_text(), cache=_cache_file("bare"), **PARSER_OPTIONS)
