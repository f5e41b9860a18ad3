"""The same plans over SQLite, PostgreSQL and DuckDB (issue 18): the bundled sample's year of
tickets, surveys, recorded values and milestones written into each kind of store (the demo's
own import, COPY on PostgreSQL, one CSV read on DuckDB), and then every report, explanation
and backtest read back identical: values to 1e-9, statuses, events. The review and outbox
tables work the same on each. A real PostgreSQL server answers (tests/postgres.py)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from dsl.api import compile, explanation
from dsl.cli.demo import write_demo
from dsl.output.formats import to_json
from dsl.store.database import Store, StoreError
from dsl.store.outbox import Attempt, Queued
from dsl.store.server import ServerStore

from ..helpers import goalline
from ..postgres import new_database

AS_OF = datetime(2027, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
KINDS = ("sqlite", "postgres", "duckdb")


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, postgres_url: str) -> dict[str, str]:
    """The sample written into a store of each kind: kind -> what `--db` takes."""
    folder = tmp_path_factory.mktemp("three")
    targets = {
        "sqlite": str(folder / "support.db"),
        "postgres": new_database(postgres_url, "three_stores"),
        "duckdb": str(folder / "support.duckdb"),
    }
    for kind, target in targets.items():
        write_demo(folder / f"{kind}.goal", target)
    (folder / "customer-support.goal").write_bytes((folder / "sqlite.goal").read_bytes())
    return targets | {"plan": str(folder / "customer-support.goal")}


@pytest.fixture(scope="module")
def reports(stores: dict[str, str]) -> dict[str, Any]:
    program = compile(stores["plan"])
    found = {}
    for kind in KINDS:
        with Store.open(stores[kind]) as store:
            outcome = program.run(store, AS_OF, rows=True)
            assert outcome.report is not None, [d.headline() for d in outcome.diagnostics]
            found[kind] = json.loads(to_json(outcome.report))
    return found


def _differences(a: Any, b: Any, path: str = "") -> Iterator[str]:
    """Where two JSON reports differ: a number by more than 1e-9, anything else at all."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield f"{path}/{key}: only in one"
            else:
                yield from _differences(a[key], b[key], f"{path}/{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items against {len(b)}"
        for n, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from _differences(x, y, f"{path}[{n}]")
    elif isinstance(a, float) and isinstance(b, float | int):
        if not math.isclose(a, b, rel_tol=0, abs_tol=1e-9):
            yield f"{path}: {a!r} against {b!r}"
    elif a != b:
        yield f"{path}: {a!r} against {b!r}"


@pytest.mark.parametrize("kind", ["postgres", "duckdb"])
def test_the_samples_report_is_the_same_on_every_store(reports: dict[str, Any], kind: str) -> None:
    assert list(_differences(reports["sqlite"], reports[kind])) == []
    goals = {g["id"]: g for g in reports[kind]["goals"]}
    # figures read off the SQLite report (and docs/commands.md), so that the comparison is
    # not of two empty reports: November's satisfaction, 1,942 of 2,552 surveys at 4 or 5
    assert reports[kind]["score"] == pytest.approx(0.816365)
    november = goals["satisfied"]["cycles"][10]
    assert (november["value"], november["status"]) == (pytest.approx(76.097179), "critical")
    assert [(r["read"], r["matched"]) for r in november["rows"]] == [(2552, 1942), (2552, 2552)]
    assert len(reports[kind]["escalations"]) == len(reports["sqlite"]["escalations"]) > 10
    assert [m["status"] for m in reports[kind]["milestones"]] == [
        m["status"] for m in reports["sqlite"]["milestones"]
    ]


def test_an_explanation_says_the_same_on_every_store_but_the_sql(stores: dict[str, str]) -> None:
    program = compile(stores["plan"])
    said = {}
    for kind in KINDS:
        with Store.open(stores[kind]) as store:
            outcome = program.run(store, AS_OF)
            said[kind] = explanation(outcome, store, "office_resolution_time", 40)
    assert said["postgres"].words == said["sqlite"].words == said["duckdb"].words
    assert "rows of tickets" in said["sqlite"].words
    assert said["postgres"].sql.startswith("The query that ran (PostgreSQL)")
    assert "percentile_cont(0.9) WITHIN GROUP" in said["postgres"].sql
    assert "quantile_cont(" in said["duckdb"].sql
    assert "goalline_p90(" in said["sqlite"].sql


def test_a_backtest_opens_each_store_read_only_and_agrees(stores: dict[str, str]) -> None:
    found = {}
    for kind in KINDS:
        result = goalline(
            "backtest", stores["plan"], "--db", stores[kind], "--period", "2026-04-01..2026-09-30",
            "--format", "json",
        )  # fmt: skip
        assert (result.exit_code, result.stderr) == (0, "")
        found[kind] = json.loads(result.stdout)
        opened = Store.open(stores[kind], read_only=True)
        with opened as store, pytest.raises(StoreError, match=r"readonly|read-only"):
            store.record("nps", 1.0e9, 1.0, None, "2026-12-06T00:00:00")
    assert found["postgres"] == found["sqlite"] == found["duckdb"]
    assert found["sqlite"]["goals"]


@pytest.mark.parametrize("kind", KINDS)
def test_reviews_and_the_outbox_work_alike_on_every_store(
    stores: dict[str, str], kind: str
) -> None:
    now = "2027-01-02T09:00:00+00:00"
    with Store.open(stores[kind]) as store:
        store.reviews.acknowledge("satisfied/2026-11", "wang_fang", "on it", now)
        session = store.reviews.open_review(stores["plan"], "2027-01-01", ["Wang Fang"], now)
        store.reviews.save_note(session.id, "satisfied", "goal", "a new tool", "train first")
        store.reviews.save_note(session.id, "first_response", "goal", "holidays", None)
        action = store.reviews.add_action(
            session.id, "satisfied", "Train the team", "wang_fang", date(2027, 2, 1), now
        )
        store.reviews.propose_target(session.id, "satisfied", ">= 88", ">= 86", "for now")
        store.reviews.set_action_status(action.id, "done")
        store.reviews.finish_review(session.id, now)
        record = store.reviews.review_record(session.id)
        added = store.outbox.enqueue(
            [Queued("satisfied/2026-12", {"goal": "satisfied"}, (("email", "a@b.cn"),))], now
        )
        due = store.outbox.due(now)
        store.outbox.record_attempts(
            [Attempt(due[0].event, "email", "a@b.cn", now, "refused")], 3, timedelta(minutes=5)
        )
        after = store.outbox.deliveries()
        with pytest.raises(StoreError, match="there is no review session 9999"):
            store.reviews.save_note(9999, "satisfied", "goal", "x", None)
    assert store.reviews is not None
    assert [(n.subject, n.cause, n.lesson) for n in record.notes] == [
        ("satisfied", "a new tool", "train first"),
        ("first_response", "holidays", None),
    ]
    assert [(a.title, a.status, a.due) for a in record.actions] == [
        ("Train the team", "done", date(2027, 2, 1))
    ]
    assert [(p.goal, p.target, p.suggestion, p.note) for p in record.proposals] == [
        ("satisfied", ">= 88", ">= 86", "for now")
    ]
    assert record.session.finished_at == now and record.session.attendees == ("Wang Fang",)
    assert added == 1 and len(due) == 1
    assert [(d.status, d.attempts, d.last_error) for d in after] == [("pending", 1, "refused")]


def test_a_file_that_is_not_duckdb_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("just some notes\n")
    with pytest.raises(StoreError, match=r"^cannot open .*notes\.duckdb: ") as caught:
        Store.open(str(path))
    assert "\n" not in str(caught.value)
    assert path.read_text() == "just some notes\n"


def test_a_server_that_does_not_answer_is_one_line_without_the_password() -> None:
    url = "postgresql://ops:s3cret@/nowhere?host=/nonexistent-socket-folder"
    with pytest.raises(StoreError) as caught:
        Store.open(url)
    said = str(caught.value)
    assert said.startswith("cannot open postgresql://ops:***@/nowhere?host=")
    assert "s3cret" not in said and "\n" not in said


def test_a_missing_duckdb_file_is_not_made_to_be_read_only(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"there is no store at .*missing\.duckdb"):
        Store.open(str(tmp_path / "missing.duckdb"), read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()
    Store.open(str(tmp_path / "missing.duckdb")).close()  # anything else makes it
    assert (tmp_path / "missing.duckdb").exists()


def test_a_review_session_and_watch_keep_their_server_connections(
    stores: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """They open the store for every read and write: with the pool (`share_connections`),
    the pool's few connections serve one opening after another (without it, six openings
    are six connections)."""
    monkeypatch.setattr(ServerStore, "shared", True)
    backends = []
    for _ in range(6):
        with Store.open(stores["postgres"]) as store:
            backends.append(store.tables.execute("SELECT pg_backend_pid()").fetchone()[0])
            assert store.completions()  # goalline's tables found through the search path
    assert len(set(backends)) <= 2
    # the server ends them (a restart, an administrator): the pool opens new ones
    with psycopg.connect(stores["postgres"], autocommit=True) as admin:
        for backend in set(backends):
            admin.execute("SELECT pg_terminate_backend(%s)", [backend])
    with Store.open(stores["postgres"]) as store:
        assert store.tables.execute("SELECT pg_backend_pid()").fetchone()[0] not in backends
        assert store.completions()
    monkeypatch.setattr(ServerStore, "shared", False)
    with Store.open(stores["postgres"]) as store:
        alone = store.tables.execute("SELECT pg_backend_pid()").fetchone()[0]
    assert alone not in backends
