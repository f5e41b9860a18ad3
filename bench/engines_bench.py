"""The same plan on SQLite, PostgreSQL and DuckDB, each against SQL written by hand there.

Run from the repository root: `.venv/bin/python bench/engines_bench.py` (`make bench` runs
it). It prints figures beside their targets; it is not a test, and a missed target does not
change its exit code (a disagreement between goalline's values and the hand-written SQL's
does: the figures would be meaningless).

The data and plan are bench/engine_bench.py's: 1,000,000 tickets of 2026 in random time
order (cached in /tmp/goalline-engine-bench), imported with `goalline import` into a SQLite
file, a DuckDB file and a throwaway PostgreSQL cluster (tests/postgres.py: the system's
PostgreSQL, a Unix socket in a temporary folder); then the 100-goal plan (10 indicators,
monthly and weekly, Asia/Shanghai) evaluated in-process on each (`dsl.api.run`, best of 3),
against the values computed by hand in the same database, one query per cycle layout with
every indicator at once, the cycles as a VALUES list joined on the time column (best of 3).
Every goal cycle's value must equal the hand-written SQL's.

Targets (issue 18): DuckDB within 1.5x of DuckDB by hand; PostgreSQL within 1.5x of the
same hand-written SQL there. About three minutes on a 2-core machine.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dsl.api import run  # noqa: E402
from dsl.language.cycles import parse_as_of  # noqa: E402
from dsl.store.database import Store  # noqa: E402
from tests.postgres import cluster  # noqa: E402

_spec = importlib.util.spec_from_file_location("engine_bench", ROOT / "bench" / "engine_bench.py")
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

REPEATS = 3
MAX_RATIO = 1.5


def hand_written(engine: str) -> dict[str, str]:
    """Per cycle kind, the query a person would write in `engine`: the cycles as a VALUES
    list of parameters, joined on the time column, every indicator a column (p90 by the
    database's own exact percentile)."""
    columns = []
    for ident, spec in bench.INDICATORS.items():
        expression = spec[4]
        if engine == "postgres":
            expression = re.sub(
                r"goalline_p90\(([^)]*)\)",
                r"percentile_cont(0.9) WITHIN GROUP (ORDER BY \1)",
                expression,
            )
        else:
            expression = re.sub(r"goalline_p90\(([^)]*)\)", r"quantile_cont(\1, 0.9)", expression)
        columns.append(f"{expression} AS {ident}")
    mark = "%s" if engine == "postgres" else "?"
    queries = {}
    for kind in bench.BUCKETS:
        count = len(bench.cycle_ranges(kind))
        values = ", ".join(f"({mark}, {mark}, {mark})" for _ in range(count))
        queries[kind] = (
            f"SELECT c.idx, {', '.join(columns)}"
            f" FROM (VALUES {values}) AS c(idx, lo, hi)"
            " JOIN goalline.tickets AS t ON t.created_at >= c.lo AND t.created_at < c.hi"
            " GROUP BY c.idx ORDER BY c.idx"
        )
    return queries


def by_hand(engine: str, target: str) -> tuple[dict[str, float], Any]:
    """The hand-written queries' best time per cycle kind, and their values."""
    if engine == "postgres":
        import psycopg

        connection: Any = psycopg.connect(target, autocommit=True)
    else:
        import duckdb

        connection = duckdb.connect(target, read_only=True)
    took: dict[str, float] = {}
    values: Any = {}
    for kind, sql in hand_written(engine).items():
        params = [float(v) for r in bench.cycle_ranges(kind) for v in r]
        took[kind] = float("inf")
        for _ in range(REPEATS):
            started = time.perf_counter()
            rows = connection.execute(sql, params).fetchall()
            took[kind] = min(took[kind], time.perf_counter() - started)
        for number, ident in enumerate(bench.INDICATORS, start=1):
            values[ident, kind] = {
                int(row[0]): None if row[number] is None else float(row[number]) for row in rows
            }
    connection.close()
    return took, values


def evaluate(plan: Path, target: str) -> tuple[float, Any]:
    as_of = parse_as_of(bench.AS_OF, ZoneInfo(bench.TIMEZONE))

    def once() -> Any:
        with Store.open(target) as store:
            outcome = run(str(plan), store, as_of)
        assert outcome.report is not None, [d.headline() for d in outcome.errors[:3]]
        return outcome

    return bench.best_of(REPEATS, once)


def goalline_import(csv_path: Path, target: str, work: Path) -> float:
    argv = [bench.goalline_command(), "import", str(csv_path), "--db", target]
    argv += ["--table", "tickets", "--time", "created_at", "--time", "resolved_at"]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=work, check=False)
    if done.returncode != 0:
        sys.exit(f"goalline import into {target} failed: {done.stderr}")
    return time.perf_counter() - started


def main() -> None:
    csv_path, how = bench.tickets_file(bench.ROWS, bench.SEED)
    print(f"data: {bench.ROWS:,} tickets in random time order ({how})")
    work = bench.CACHE / "engines"
    work.mkdir(parents=True, exist_ok=True)
    plan = work / "plan.goal"
    plan.write_text(bench.make_plan(), encoding="utf-8")
    results: dict[str, tuple[float, float, dict[str, float]]] = {}
    with cluster() as url:
        stores = {
            "sqlite": str(bench.fresh(work / "store.db")),
            "duckdb": str(bench.fresh(work / "store.duckdb")),
            "postgres": url,
        }
        for engine, target in stores.items():
            loaded = goalline_import(csv_path, target, work)
            took, outcome = evaluate(plan, target)
            hand: dict[str, float] = {}
            if engine != "sqlite":
                hand, values = by_hand(engine, target)
                compared = bench.compare(outcome, values, f"{engine} by hand")
                print(f"{engine}: {compared:,} goal cycles equal the hand-written SQL's")
            results[engine] = (loaded, took, hand)
    print()
    print(f"{'':10}{'import':>10}{'evaluate':>10}{'by hand':>10}{'ratio':>8}  target")
    for engine, (loaded, took, hand) in results.items():
        if not hand:
            print(f"{engine:10}{loaded:9.2f}s{took:9.2f}s{'':>10}{'':>8}  (the default store)")
            continue
        total = sum(hand.values())
        ratio = took / total
        ok = "ok" if ratio <= MAX_RATIO else "MISSED"
        print(
            f"{engine:10}{loaded:9.2f}s{took:9.2f}s{total:9.2f}s{ratio:7.2f}x"
            f"  <= {MAX_RATIO}x: {ok}"
        )


if __name__ == "__main__":
    main()
