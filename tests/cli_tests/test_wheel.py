"""The wheel works on its own: built from the checkout, installed in a fresh virtualenv with its
dependencies, and run from a folder that is not the checkout (so nothing is found by accident
in the source tree: the grammar must come from inside the package, as `dsl/goal.lark`).

Also: `goalline --help` must stay fast, so it must not import the review session (textual)
or the store (sqlite_utils); that is checked in the project's own environment and in the
installed one.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..helpers import DESIGN_EXAMPLE, REPO

HEAVY = ("textual", "sqlite_utils")

# Run `goalline --help` through dsl.cli.main in-process, then list the heavy modules it loaded.
HELP_IMPORTS = f"""\
import sys
from dsl.cli.main import main
sys.argv = ["goalline", "--help"]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
print("HEAVY-MODULES:" + ",".join(heavy))
"""


def _run(argv: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _heavy_modules(python: str, cwd: Path) -> list[str]:
    done = _run([python, "-c", HELP_IMPORTS], cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Usage:" in done.stdout, done.stdout
    line = next(x for x in done.stdout.splitlines() if x.startswith("HEAVY-MODULES:"))
    return [name for name in line.removeprefix("HEAVY-MODULES:").split(",") if name]


def _base_python() -> str:
    """`python3` if it is recent enough for the package, else the interpreter running us."""
    python3 = shutil.which("python3")
    if python3:
        probe = _run([python3, "-c", "import sys; print(sys.version_info >= (3, 11))"], REPO)
        if probe.stdout.strip() == "True":
            return python3
    return sys.executable


@dataclass
class Installed:
    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    python = _base_python()
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = _run([python, "-m", "venv", str(venv)], REPO, timeout=300)
    if made.returncode != 0 or not (venv / "bin" / "python").exists():
        pytest.skip(f"cannot create a virtualenv with `{python} -m venv`: {made.stderr.strip()}")

    wheels = tmp_path_factory.mktemp("wheels")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), "."],
        REPO,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    found = sorted(wheels.glob("goalline-*.whl"))
    assert len(found) == 1, list(wheels.iterdir())
    wheel = found[0]

    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    done = _run([*pip, "--disable-pip-version-check", str(wheel)], wheels)
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(wheel, venv)


def test_the_wheel_carries_the_grammar(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        assert "dsl/language/goal.lark" in names
        grammar = wheel.read("dsl/language/goal.lark").decode("utf-8")
    assert grammar == (REPO / "grammar" / "goal.lark").read_text(encoding="utf-8")
    assert "dsl/cli/main.py" in names
    assert any(name.startswith("tui/") for name in names)
    assert not any(name.startswith(("tests/", "bench/", "grammar/")) for name in names)


def test_installed_goalline_checks_a_plan_outside_the_checkout(
    installed: Installed, tmp_path: Path
) -> None:
    plan = tmp_path / "language-example.goal"
    shutil.copyfile(DESIGN_EXAMPLE, plan)
    done = _run([str(installed.bin / "goalline"), "check", plan.name], tmp_path, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "language-example.goal: ok" in output
    assert "Traceback" not in output


def test_installed_goalline_demo_writes_and_evaluates_the_sample(
    installed: Installed, tmp_path: Path
) -> None:
    goalline = str(installed.bin / "goalline")
    done = _run([goalline, "demo", "--no-ui", "--dir", "demo"], tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    plan, store = tmp_path / "demo" / "customer-support.goal", tmp_path / "demo" / "support.db"
    assert plan.read_text(encoding="utf-8") == (
        REPO / "sample-plans" / "customer-support.goal"
    ).read_text(encoding="utf-8")
    evaluated = _run(
        [goalline, "evaluate", str(plan), "--db", str(store), "--as-of", "2027-01-01",
         "--format", "csv"],
        tmp_path,
        timeout=120,
    )  # fmt: skip
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    statuses = {row["status"] for row in csv.DictReader(io.StringIO(evaluated.stdout))}
    assert {"critical", "met", "excluded", "insufficient"} <= statuses


def test_installed_goalline_reads_its_grammar_from_the_package(
    installed: Installed, tmp_path: Path
) -> None:
    code = (
        "from importlib import resources; import dsl.language.grammar as g; print(g.__file__);"
        " print(resources.files('dsl.language').joinpath('goal.lark').is_file());"
        " print(len(g.grammar_text()))"
    )
    done = _run([str(installed.bin / "python"), "-c", code], tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    module_file, packaged, size = done.stdout.split()
    assert Path(module_file).is_relative_to(installed.venv), module_file
    assert packaged == "True"
    assert int(size) > 0


def test_installed_goalline_help(installed: Installed, tmp_path: Path) -> None:
    done = _run([str(installed.bin / "goalline"), "--help"], tmp_path, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Usage: goalline" in done.stdout
    assert "check" in done.stdout


def test_installed_help_imports_no_heavy_module(installed: Installed, tmp_path: Path) -> None:
    assert _heavy_modules(str(installed.bin / "python"), tmp_path) == []


def test_help_imports_no_heavy_module_in_the_project_environment(tmp_path: Path) -> None:
    """The same check without the wheel: fast, and it runs even where a venv cannot be made."""
    assert _heavy_modules(sys.executable, REPO) == []
