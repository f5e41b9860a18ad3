"""How much business time costs: a weekly p90 of business minutes against the same with
wall-clock minutes, over the engine benchmark's million tickets.

Run from the repository root: `.venv/bin/python bench/service_time_bench.py`. It prints
figures beside their targets; it is not a test, and a missed target does not change its exit
code.

1. Data: the 1,000,000-row tickets CSV of `engine_bench.py` (its lines in random time order,
   cached in /tmp/goalline-engine-bench), imported with `goalline import` into a temporary
   store (created_at and resolved_at as times).
2. Two plans of one weekly goal each over 2026 in Asia/Shanghai: `p90(minutes_between(
   tickets.created_at, tickets.resolved_at))`, and the same with `business_minutes_between(
   ..., office)`, where the office is open mon-fri 09:00-12:30, 13:30-18:00 and sat
   10:00-14:00, closed for the National Day week. Each evaluated in-process through
   `dsl.api.run` as `goalline evaluate` does, best of 3.
3. A check of the figures: the business p90 of one week worked out in Python from the same
   rows (the calendar walked interval by interval) must equal goalline's.

About 15 seconds on a 2-core machine, most of it the import.
"""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import engine_bench as eb  # noqa: E402

from dsl.api import run  # noqa: E402
from dsl.language.cycles import parse_as_of  # noqa: E402
from dsl.store.database import Store  # noqa: E402
from dsl.store.dialect import percentile  # noqa: E402

REPEATS = 3
MAX_RATIO = 2.0  # business time / wall-clock time, the same goal

PLAN = """\
plan "Service time benchmark" {{
  period    2026-01-01 .. 2026-12-31
  timezone  "Asia/Shanghai"
  owner     ana
}}
person ana "Ana" {{ email "ana@example.com" }}
objective fast "Fast answers"
source tickets {{ table tickets  time created_at }}
calendar office "Shanghai office hours" {{
  open    mon-fri 09:00-12:30, 13:30-18:00
  open    sat 10:00-14:00
  closed  2026-10-01 .. 2026-10-07 "National Day"
}}
indicator solve "Time to resolve, p90" {{ kind process unit "min" better lower
  measure p90({function}(tickets.created_at, tickets.resolved_at{calendar})) }}
goal solve_fast "Resolve fast" {{
  serves fast  indicator solve  target <= 600  cycle weekly  owner ana
}}
"""

WEEKLY_HOURS = {d: ((540, 750), (810, 1080)) for d in range(5)} | {5: ((600, 840),)}
CLOSED = {date(2026, 10, d) for d in range(1, 8)}
ZONE = ZoneInfo("Asia/Shanghai")


def plan_text(business: bool) -> str:
    if business:
        return PLAN.format(function="business_minutes_between", calendar=", office")
    return PLAN.format(function="minutes_between", calendar="")


def evaluate(plan: Path, db: Path) -> dict[int, float | None]:
    store = Store.open(str(db))
    try:
        outcome = run(str(plan), store, parse_as_of(eb.AS_OF, ZONE))
    finally:
        store.close()
    assert outcome.report is not None, [d.headline() for d in outcome.errors[:3]]
    (goal,) = outcome.report.goals
    return {c.index: c.value for c in goal.cycles}


def open_seconds(start: float, end: float) -> float:
    """Business seconds from `start` to `end` (start <= end), walking the local days."""
    total = 0.0
    day = datetime.fromtimestamp(start, ZONE).date()
    last = datetime.fromtimestamp(end, ZONE).date()
    while day <= last:
        if day not in CLOSED:
            for a, b in WEEKLY_HOURS.get(day.weekday(), ()):
                lo = datetime(day.year, day.month, day.day, a // 60, a % 60, tzinfo=ZONE)
                hi = datetime(day.year, day.month, day.day, b // 60, b % 60, tzinfo=ZONE)
                total += max(0.0, min(end, hi.timestamp()) - max(start, lo.timestamp()))
        day += timedelta(days=1)
    return total


def by_hand(db: Path, week: int) -> float | None:
    """The business p90 of one week of 2026 (its index as goalline counts weeks)."""
    first_monday = datetime(2026, 1, 5, tzinfo=ZONE)
    lo = (
        datetime(2026, 1, 1, tzinfo=ZONE) if week == 0 else first_monday + timedelta(weeks=week - 1)
    )
    hi = first_monday + timedelta(weeks=week)
    connection = sqlite3.connect(db)
    rows = connection.execute(
        "SELECT created_at, resolved_at FROM tickets WHERE created_at >= ? AND created_at < ?",
        (lo.timestamp(), hi.timestamp()),
    ).fetchall()
    connection.close()
    values = []
    for created, resolved in rows:
        if resolved is None:
            continue
        if resolved >= created:
            values.append(open_seconds(created, resolved) / 60)
        else:
            values.append(-open_seconds(resolved, created) / 60)
    return percentile(values, 90.0)


def main() -> None:
    began = time.perf_counter()
    big, note = eb.tickets_file(eb.ROWS, eb.SEED)
    print(f"goalline service-time benchmark (Python {sys.version.split()[0]})")
    print(f"data: {note}")
    with tempfile.TemporaryDirectory(prefix="goalline-service-time-") as folder:
        work = Path(folder)
        db = work / "store.db"
        started = time.perf_counter()
        command = [eb.goalline_command(), "import", str(big), "--db", str(db)]
        command += ["--table", "tickets", "--time", "created_at", "--time", "resolved_at"]
        subprocess.run(command, check=True, capture_output=True)
        print(f"store: {eb.ROWS:,} rows imported in {time.perf_counter() - started:.1f} s")
        figures: dict[bool, float] = {}
        values: dict[bool, dict[int, float | None]] = {}
        for business in (False, True):
            plan = work / f"{'business' if business else 'wall'}.goal"
            plan.write_text(plan_text(business), encoding="utf-8")
            figures[business], values[business] = eb.best_of(
                REPEATS, lambda p=plan: evaluate(p, db)
            )
        week = 30  # a week of July, answered within the week and over weekends
        expected = by_hand(db, week)
        got = values[True][week]
        if expected is None or got is None or not math.isclose(got, expected, abs_tol=1e-6):
            sys.exit(f"goalline's business p90 of week {week} is {got}, by hand {expected}")
    ratio = figures[True] / figures[False]
    print()
    print(f"evaluate one weekly goal, p90 over {eb.ROWS:,} rows, best of {REPEATS}")
    print(f"  minutes_between                      {figures[False]:6.2f} s")
    print(f"  business_minutes_between (office)    {figures[True]:6.2f} s")
    print(f"  ratio                                {ratio:6.2f}x")
    print(
        f"  week {week}: business p90 {got:.3f} min, the same by hand in Python; wall-clock"
        f" p90 {values[False][week]:.1f} min"
    )
    print()
    print("targets")
    eb.target("business / wall-clock time", f"{ratio:.2f}x", f"<= {MAX_RATIO:g}x", ratio <= 2)
    print(f"\n(whole benchmark {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
