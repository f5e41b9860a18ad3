"""The house rules of the code base, as docs/architecture.md states them: the headless
package never loads Textual, no module imports itself round a circle, the rooms of `dsl`
depend one way, the review session uses only `dsl.api`, and no module outgrows 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("dsl", "tui")
LONGEST = 400

# The rooms of `dsl`, each allowed to import only the rooms before it (and itself).
ROOMS = ("errors", "files", "language", "store", "engine", "output", "notify", "demo", "api", "cli")


def modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((REPO / package).rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


ALL = {**modules("dsl"), **modules("tui")}


def imports_of(name: str, path: Path) -> set[str]:
    """Every project module `name` imports, wherever the import stands (at the top, inside
    a function, under TYPE_CHECKING): a circle through any of them is still a circle."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            targets = [f"{module}.{alias.name}" for alias in node.names] + [module]
        else:
            continue
        found.update(t for t in targets if t in ALL and t != name)
    return found


GRAPH = {name: imports_of(name, path) for name, path in ALL.items()}


def test_no_module_imports_itself_round_a_circle() -> None:
    circles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert circles == []


def room(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "dsl" and len(parts) > 1 else None


def test_each_room_of_dsl_imports_only_the_rooms_below_it() -> None:
    wrong = []
    for name, targets in GRAPH.items():
        here = room(name)
        if here is None or here == "__main__":
            continue
        for target in targets:
            there = room(target)
            if there is not None and ROOMS.index(there) > ROOMS.index(here):
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_the_review_session_reaches_dsl_only_through_its_api() -> None:
    outside = sorted(
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.startswith("tui")
        for target in targets
        if target.startswith("dsl") and target != "dsl.api"
    )
    assert outside == []


def test_no_screen_imports_the_app() -> None:
    assert [n for n, targets in GRAPH.items() if "tui.app" in targets] == []


def test_the_headless_package_imports_nothing_of_the_ui() -> None:
    """The one declared exception, `goalline review`, imports the UI inside the command."""
    headless = [n for n in ALL if n.startswith("dsl")]
    assert [n for n in headless if any(t.startswith("tui") for t in GRAPH[n])] == []
    code = (
        "import importlib, sys\n"
        f"for name in {headless!r}:\n"
        "    if name != 'dsl.__main__':\n"
        "        importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_module_is_short_and_says_what_it_is_for(name: str) -> None:
    path = ALL[name]
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= LONGEST, f"{path.relative_to(REPO)} is over {LONGEST} lines"
    assert ast.get_docstring(ast.parse(text)), f"{path.relative_to(REPO)} has no docstring"
