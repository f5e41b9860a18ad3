"""`goalline demo` as a user runs it: the sample plan and a generated year of its data in a
folder of their own, every status in that year, the review session opened on them unless
`--no-ui`, and nothing of a user's overwritten."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result

from ..helpers import REPO, goalline, sha256_of


@dataclass(frozen=True)
class Demo:
    folder: Path
    result: Result

    @property
    def plan(self) -> Path:
        return self.folder / "customer-support.goal"

    @property
    def db(self) -> Path:
        return self.folder / "support.db"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    folder = tmp_path_factory.mktemp("demo") / "sample"
    return Demo(folder, goalline("demo", "--no-ui", "--dir", str(folder)))


def test_demo_writes_the_plan_and_the_store_and_prints_their_paths(demo: Demo) -> None:
    assert (demo.result.exit_code, demo.result.stderr) == (0, "")
    assert demo.result.stdout == (
        f"plan:  {demo.plan}\n"
        f"store: {demo.db}\n"
        f"try:   goalline review {demo.plan} --db {demo.db} --as-of 2027-01-01\n"
        f"or:    goalline evaluate {demo.plan} --db {demo.db} --as-of 2027-01-01\n"
    )
    sample = REPO / "sample-plans" / "customer-support.goal"
    assert demo.plan.read_text(encoding="utf-8") == sample.read_text(encoding="utf-8")
    strict = goalline("check", "--strict", str(demo.plan))
    assert (strict.exit_code, strict.stdout) == (0, f"{demo.plan}: ok\n")


def test_demo_data_shows_every_status(demo: Demo) -> None:
    result = goalline(
        "evaluate",
        str(demo.plan),
        "--db",
        str(demo.db),
        "--as-of",
        "2027-01-01",
        "--format",
        "json",
    )
    assert (result.exit_code, result.stderr) == (0, "")
    report = json.loads(result.stdout)
    statuses = {c["status"] for g in report["goals"] for c in g["cycles"]}
    assert statuses == {
        "met",
        "warning",
        "breached",
        "critical",
        "no_data",
        "insufficient",
        "excluded",
    }
    goals = {g["id"]: g for g in report["goals"]}
    # the server move's week is left out, and the year's thinnest survey weeks say too little
    moved = [c for c in goals["fast_resolution"]["cycles"] if c["start"] == "2026-08-17"]
    assert [(c["value"], c["status"], c["excluded"]) for c in moved] == [
        (None, "excluded", ["server_move"])
    ]
    thin = [
        (c["start"], c["sample"])
        for c in goals["satisfied_weekly"]["cycles"]
        if c["status"] == "insufficient"
    ]
    assert thin == [
        ("2026-01-01", 132),
        ("2026-02-16", 239),
        ("2026-08-17", 245),
        ("2026-12-28", 229),
    ]
    # resolution counted in the second line's office hours
    assert goals["office_resolution_time"]["calendar"] == "office"
    assert all(c["complete"] for g in report["goals"] for c in g["cycles"])  # the year is over
    # as the generated completions say (dsl/sample_data.milestone_completions): the knowledge
    # base Apr 10, after its due Mar 31; the chatbot May 28 and WeChat Sep 14, both on time
    assert [(m["id"], m["due"], m["done_on"], m["status"]) for m in report["milestones"]] == [
        ("knowledge_base", "2026-03-31", "2026-04-10", "late"),
        ("chatbot", "2026-05-31", "2026-05-28", "done"),
        ("wechat_service", "2026-09-30", "2026-09-14", "done"),
    ]
    assert report["escalations"] != []


def test_demo_again_into_the_same_folder_exits_2_and_touches_nothing(demo: Demo) -> None:
    before = {p.name: (sha256_of(p), p.stat().st_mtime_ns) for p in demo.folder.iterdir()}
    again = goalline("demo", "--no-ui", "--dir", str(demo.folder))
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr == (
        f"goalline: error: {demo.plan} exists already; choose another folder with --dir\n"
    )
    assert {p.name: (sha256_of(p), p.stat().st_mtime_ns) for p in demo.folder.iterdir()} == before


def test_demo_without_no_ui_opens_the_review_session_on_its_files(
    demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import ReviewApp

    opened: list[tuple[str, str, datetime | None]] = []

    def run(app: ReviewApp) -> None:  # the session itself is tested in tests/tui_tests
        opened.append((app.plan, app.db, app.as_of))

    monkeypatch.setattr(ReviewApp, "run", run)
    folder = tmp_path / "shown"
    shown = goalline("demo", "--dir", str(folder))
    plan, db = folder / "customer-support.goal", folder / "support.db"
    assert (shown.exit_code, shown.stderr) == (0, "")
    assert shown.stdout == f"plan:  {plan}\nstore: {db}\n"
    midnight = datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))  # the year is complete
    assert opened == [(str(plan), str(db), midnight)]
    # the same generator, the same data: the same report as the --no-ui folder
    evaluated = [
        goalline("evaluate", str(p), "--db", str(d), "--as-of", "2027-01-01", "--format", "json")
        for p, d in ((plan, db), (demo.plan, demo.db))
    ]
    first, second = (json.loads(r.stdout) for r in evaluated)
    first["plan"]["file"] = second["plan"]["file"]
    assert first == second


def test_demo_does_not_overwrite_a_users_files(tmp_path: Path) -> None:
    mine = tmp_path / "customer-support.goal"
    mine.write_text("# my own plan\n", encoding="utf-8")
    data = tmp_path / "tickets.csv"
    data.write_text("id,mine\n1,precious\n", encoding="utf-8")
    result = goalline("demo", "--no-ui", "--dir", str(tmp_path))
    assert mine.read_text(encoding="utf-8") == "# my own plan\n"
    assert data.read_text(encoding="utf-8") == "id,mine\n1,precious\n"
    assert result.exit_code == 2


def test_the_csv_gives_the_sample_and_says_business_hours(demo: Demo) -> None:
    args = ["evaluate", str(demo.plan), "--db", str(demo.db), "--as-of", "2027-01-01"]
    weekly = ["--goal", "satisfied_weekly", "--goal", "office_resolution_time"]
    result = goalline(*args, *weekly, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(",status,sample,unit")
    assert lines[1].startswith("satisfied_weekly,csat,2026-01-01,2026-01-04,true,96.")
    assert lines[1].endswith(",>= 88,,,insufficient,132,%")
    office = [line for line in lines if line.startswith("office_resolution_time,")]
    assert office[-1].endswith(",<= 7.5,,,met,,business hours (office)")


@pytest.mark.parametrize("keep", [False, True])
def test_the_temporary_folder_goes_when_the_session_ends_unless_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: bool
) -> None:
    from tui.app import ReviewApp

    seen: list[bool] = []

    def run(app: ReviewApp) -> None:
        seen.append(Path(app.plan).is_file() and Path(app.db).is_file())

    monkeypatch.setattr(ReviewApp, "run", run)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shown = goalline("demo", *(["--keep"] if keep else []))
    assert (shown.exit_code, shown.stderr, seen) == (0, "", [True])
    (folder,) = tmp_path.glob("goalline-demo-*") if keep else (None,)
    assert list(tmp_path.glob("goalline-demo-*")) == ([folder] if keep else [])
    lines = shown.stdout.splitlines()
    assert lines[-1] == (f"kept: {folder}" if keep else f"store: {lines[1].split()[-1]}")
