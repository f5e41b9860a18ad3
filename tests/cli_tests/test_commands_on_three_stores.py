"""Every command on a SQLite file, a PostgreSQL database and a DuckDB file holding the bundled
sample year: the same words and figures from each. `record`, `done`, `evaluate`, `suggest`,
`next-round`, `diff --db`, `notify` (by command), `outbox`, `ack` and `digest`, as a team
runs them at the turn of the year; SQLite's output is the reference, and some of its figures
are checked by hand. A real PostgreSQL server answers (tests/postgres.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dsl.cli.demo import PLAN_NAME, write_demo

from ..helpers import goalline
from ..postgres import new_database

KINDS = ("sqlite", "postgres", "duckdb")
AS_OF = "2027-01-01"
RECEIVER = """\
import sys
data = sys.stdin.buffer.read()
with open(sys.argv[1], "ab") as out:
    out.write(data + b"\\n")
"""


@pytest.fixture(scope="module")
def folders(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> dict[str, tuple[Path, str]]:
    """Per kind of store: a folder with the sample plan, and what `--db` takes."""
    found = {}
    for kind in KINDS:
        folder = tmp_path_factory.mktemp(kind)
        if kind == "postgres":
            target = new_database(postgres_url, "commands")
        else:
            target = str(folder / ("support.db" if kind == "sqlite" else "support.duckdb"))
        write_demo(folder / PLAN_NAME, target)
        (folder / "receive.py").write_text(RECEIVER, encoding="utf-8")
        (folder / "goalline.toml").write_text(
            '[notify]\nmax_attempts = 3\nretry_after = "0s"\n\n[notify.command]\n'
            f"run = {json.dumps([sys.executable, 'receive.py', str(folder / 'got.jsonl')])}\n",
            encoding="utf-8",
        )
        found[kind] = (folder, target)
    return found


def each(
    folders: dict[str, tuple[Path, str]], monkeypatch: pytest.MonkeyPatch, *args: str
) -> dict[str, tuple[int, str, str]]:
    """The command in each store's folder: kind -> (exit code, output, errors), with the
    folder's own paths written the same way in each."""
    said = {}
    for kind, (folder, target) in folders.items():
        monkeypatch.chdir(folder)
        result = goalline(*(target if arg == "DB" else arg for arg in args))
        text = result.stdout.replace(target, "DB").replace(str(folder), "FOLDER")
        said[kind] = (int(result.exit_code), text, result.stderr.replace(target, "DB"))
    return said


def differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """Where two JSON documents differ: a number by more than 1e-9 (a value in full
    precision may differ in its last digit between databases), anything else at all."""
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        for key in a:
            yield from differences(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, f"{path}[{n}]")
    elif isinstance(a, float) and isinstance(b, float | int):
        if abs(a - b) > 1e-9:
            yield f"{path}: {a!r} against {b!r}"
    elif a != b:
        yield f"{path}: {a!r} against {b!r}"


def same(said: dict[str, tuple[int, str, str]]) -> tuple[int, str, str]:
    for kind in ("postgres", "duckdb"):
        assert said[kind][0] == said["sqlite"][0], said[kind][2]
        assert said[kind][1].splitlines() == said["sqlite"][1].splitlines(), kind
        assert said[kind][2] == said["sqlite"][2], kind
    return said["sqlite"]


def test_a_year_of_commands_says_the_same_on_every_store(
    folders: dict[str, tuple[Path, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = same(each(folders, monkeypatch, "record", "nps", "55", "--db", "DB",
                         "--at", "2026-12-31T23:00", "--timezone", "Asia/Shanghai"))  # fmt: skip
    assert recorded[0] == 0
    done = same(each(folders, monkeypatch, "done", "knowledge_base", "--db", "DB",
                     "--on", "2026-12-20"))  # fmt: skip
    assert done[0] == 0

    _, report, _ = same(each(folders, monkeypatch, "evaluate", PLAN_NAME, "--db", "DB",
                                "--as-of", AS_OF, "--format", "json"))  # fmt: skip
    goals = {g["id"]: g for g in json.loads(report)["goals"]}
    assert goals["promoters"]["cycles"][-1]["value"] == 55  # the value recorded above

    suggested = each(folders, monkeypatch, "suggest", PLAN_NAME, "--db", "DB",
                     "--as-of", AS_OF, "--format", "json")  # fmt: skip
    for kind in ("postgres", "duckdb"):
        found = json.loads(suggested[kind][1])
        assert list(differences(json.loads(suggested["sqlite"][1]), found)) == [], kind

    table = same(each(folders, monkeypatch, "evaluate", PLAN_NAME, "--db", "DB",
                      "--as-of", AS_OF, "--format", "table"))  # fmt: skip
    assert "promoters" in table[1]


def test_the_next_round_and_its_difference_are_the_same_on_every_store(
    folders: dict[str, tuple[Path, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    written = same(each(folders, monkeypatch, "next-round", PLAN_NAME, "--db", "DB",
                        "--as-of", AS_OF, "-o", "next.goal", "--force"))  # fmt: skip
    assert written[0] == 0
    texts = {kind: (folder / "next.goal").read_text(encoding="utf-8") for kind, (folder, _) in
             folders.items()}  # fmt: skip
    assert texts["postgres"] == texts["sqlite"] == texts["duckdb"]
    assert "period" in texts["sqlite"] and "2027-01-01 .. 2027-12-31" in texts["sqlite"]
    diff = same(each(folders, monkeypatch, "diff", PLAN_NAME, "next.goal", "--db", "DB",
                     "--as-of", AS_OF, "--format", "json"))  # fmt: skip
    assert diff[0] == 1  # the plans differ


def test_notify_outbox_ack_and_digest_are_the_same_on_every_store(
    folders: dict[str, tuple[Path, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = same(each(folders, monkeypatch, "notify", PLAN_NAME, "--db", "DB",
                     "--as-of", AS_OF))  # fmt: skip
    # the sample's 23 escalation events of the year, each once to the command
    assert sent[:2] == (0, "23 new events in the outbox; 23 deliveries sent (23 by command)\n")
    got = {kind: (folder / "got.jsonl").read_text(encoding="utf-8") for kind, (folder, _) in
           folders.items()}  # fmt: skip
    sqlite = [json.loads(line) for line in got["sqlite"].splitlines() if line]
    assert len(sqlite) == 23
    for kind in ("postgres", "duckdb"):
        theirs = [json.loads(line) for line in got[kind].splitlines() if line]
        # a value in full precision may differ in its last digit (99.39 against
        # 99.38999999999999): the same to 1e-9
        assert list(differences(sqlite, theirs)) == [], kind
    again = same(each(folders, monkeypatch, "notify", PLAN_NAME, "--db", "DB",
                      "--as-of", AS_OF))  # fmt: skip
    assert again[0] == 0 and "0 new events" in again[1]

    listings = each(folders, monkeypatch, "outbox", "--db", "DB", "--format", "json")
    states = {
        kind: [
            (e["id"], e["key"], d["recipient"], d["status"], d["attempts"])
            for e in json.loads(listing)
            for d in e["deliveries"]
        ]
        for kind, (_, listing, _) in listings.items()
    }  # when each was sent is the clock's
    assert states["postgres"] == states["sqlite"] == states["duckdb"]
    assert len(states["sqlite"]) == 23 and {s[3] for s in states["sqlite"]} == {"sent"}
    events = json.loads(listings["sqlite"][1])
    first = str(events[0]["key"])
    acked = same(each(folders, monkeypatch, "ack", first, "--db", "DB", "--by", "wang_fang",
                      "--note", "seen"))  # fmt: skip
    assert acked[0] == 0
    _, report, _ = same(each(folders, monkeypatch, "evaluate", PLAN_NAME, "--db", "DB",
                                "--as-of", AS_OF, "--format", "json"))  # fmt: skip
    acknowledged = [e for e in json.loads(report)["escalations"] if e["acknowledged"]]
    assert [e["key"] for e in acknowledged] == [first]

    digest = same(each(folders, monkeypatch, "digest", PLAN_NAME, "--db", "DB",
                       "--as-of", AS_OF))  # fmt: skip
    assert digest[0] == 0 and digest[1]
