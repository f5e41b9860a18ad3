"""Evaluation reads each table once per cycle layout, for every indicator at once (the
merged query of `engine.measure_sql.compile_layout`), while `explain` shows each indicator's
own query, which a user can run by hand. Both must give the same report: values to 1e-9,
statuses, attainment, the score and the escalation events; and the same report as goalline
computed before it read each table once (`tests/fixtures/reports/reports.json.gz`)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dsl.api import compile, parse_as_of
from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.engine.aggregate_sql import TALLY
from dsl.engine.fetch import own_query, run
from dsl.store.database import Store

from ..helpers import goalline

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "tests" / "fixtures" / "reports"


def reports(folder: Path, as_of: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report without and with what each aggregate read (the JSON report's), the
    latter with those counts left out: counting must not change a figure."""
    program = compile(str(folder / PLAN_NAME))
    at = parse_as_of(as_of, program.zone)
    with Store.open(str(folder / STORE_NAME)) as store:
        merged = program.run(store, at)
        single = program.run(store, at, rows=True)
    assert merged.report is not None and single.report is not None
    one = single.report.to_dict()
    for goal in one["goals"]:
        for cycle in goal["cycles"]:
            cycle.pop("rows", None)
    return merged.report.to_dict(), one


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_the_merged_queries_give_the_sample_year_the_same_report(sample: Path) -> None:
    for as_of in ("2026-03-15", "2026-08-01", "2027-01-01"):
        merged, single = reports(sample, as_of)
        assert same(merged, single), as_of
        assert merged["escalations"] == single["escalations"]


@pytest.mark.parametrize("rows", [False, True])
def test_explain_shows_each_indicators_own_query_and_its_values(sample: Path, rows: bool) -> None:
    program = compile(str(sample / PLAN_NAME))
    at = parse_as_of("2027-01-01", program.zone)
    with Store.open(str(sample / STORE_NAME)) as store:
        outcome = program.run(store, at, rows=rows)
        assert len(outcome.queries) == 11  # one for each goal's indicator and layout
        for ran in outcome.queries:
            # the query shown is the indicator's alone (its aggregates, no other's), and run
            # by hand it gives the rows the merged query gave for that indicator
            indicator = program.plan.get(ran.indicator) if program.plan else None
            width = len(ran.query.aggregates) * (1 + TALLY * rows)
            assert len(ran.rows[0]) == 1 + width, indicator
            by_hand = run(store, own_query(ran, program.plan, store.dialect))
            assert len(by_hand) == len(ran.rows)
            for mine, theirs in zip(by_hand, ran.rows, strict=True):
                assert same(list(mine), list(theirs)), ran.indicator


@pytest.mark.parametrize("shares", [2, 3])
def test_shares_of_an_evaluation_judged_together_are_the_evaluation(
    sample: Path, shares: int
) -> None:
    """The review session reads its first evaluation in shares of the cycle layouts, side by
    side (`Program.fetch`), and judges them together (`Program.judge`): the same report."""
    program = compile(str(sample / PLAN_NAME))
    at = parse_as_of("2027-01-01", program.zone)
    with Store.open(str(sample / STORE_NAME)) as store:
        whole = program.run(store, at, rows=True)
        parts = [program.fetch(store, at, rows=True, share=(k, shares)) for k in range(shares)]
    assert all(part.values for part in parts)  # each share read some layouts
    judged = program.judge(parts)
    assert judged.report == whole.report
    assert sorted(judged.queries, key=repr) == sorted(whole.queries, key=repr)


def module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    found = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(found)
    return found


def assert_same_reports(now: dict[str, Any], before: dict[str, Any]) -> None:
    """Values, statuses, attainment and score equal; so are the escalation events, but for
    bare triggers (`when critical`), which since issue 15 fire at every run of their severity
    rather than once: they fire where they fired before, and maybe again."""
    for at, report in now.items():
        old = before[at]
        for event in report["escalations"]:  # since issue 15 a step names its person and due
            assert event.pop("so_far") is False  # (and an event may be of a `so far` rule)
            for step in [s for r in event["runbooks"] for s in r["steps"]] + [
                s for s in (event["runbook"] or {}).get("steps", [])
            ]:
                step.pop("person", None)
                step.pop("due", None)
        assert same(report["goals"], old["goals"]), at
        assert report["score"] == old["score"], at
        counted = [e for e in report["escalations"] if " time" in e["rule"]]
        assert counted == [e for e in old["escalations"] if " time" in e["rule"]], at
        bare = [e for e in report["escalations"] if " time" not in e["rule"]]
        assert all(e in bare for e in old["escalations"] if " time" not in e["rule"]), at


def test_the_reports_are_those_goalline_gave_before_it_read_each_table_once(
    sample: Path, workdir: Path
) -> None:
    # Written by commit d0023e5, before evaluation merged its queries, put the rows in time
    # order, shared aggregates and selected percentiles (write_reports.py says how).
    before = json.loads(gzip.decompress((REPORTS / "reports.json.gz").read_bytes()))
    writer = module(REPORTS / "write_reports.py")
    bench = module(ROOT / "bench" / "engine_bench.py")
    assert bench.GENERATOR == 2, "the benchmark's tickets changed: write the reports again"

    # The sample plan as it was then: the data is the same, the plan has grown since.
    plan = REPORTS / "customer-support.goal"
    now = writer.reports(plan, sample / STORE_NAME, writer.SAMPLE_DATES)
    assert_same_reports(json.loads(json.dumps(now)), before["sample"])

    bench.write_tickets(workdir / "tickets.csv", writer.BENCH_ROWS, writer.BENCH_SEED)
    (workdir / "bench.goal").write_text(bench.make_plan(), encoding="utf-8")
    times = ("--time", "created_at", "--time", "resolved_at")
    imported = goalline("import", "tickets.csv", "--db", "bench.db", "--table", "tickets", *times)
    assert imported.exit_code == 0, imported.output
    now = writer.reports(workdir / "bench.goal", workdir / "bench.db", writer.BENCH_DATES)
    assert_same_reports(json.loads(json.dumps(now)), before["bench"])
    cycles = [c for r in now.values() for g in r["goals"].values() for c in g["cycles"]]
    assert len(cycles) > 3000 and sum(c[1] is not None for c in cycles) > 3000
