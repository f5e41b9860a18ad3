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
4. Exclusions: the 100-goal plan of `engine_bench.py` evaluated as it is, and with one
   exclusion on every goal (`every sun 02:00-04:00`, which cuts every cycle in pieces), best
   of 3 each, in-process. Checked: one goal's monthly count, by hand in SQL with the Sunday
   windows left out, equals goalline's.

About 40 seconds on a 2-core machine, most of it the import.
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
MAX_EXCLUDED = 1.2  # the 100-goal plan with an exclusion on every goal / without
EXCLUSION = 'exclude maintenance "Sunday maintenance window" { every sun 02:00-04:00 }\n'

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


def excluded_by_hand(db: Path, month: int) -> int:
    """Tickets resolved or closed that were created in `month` of 2026 (Shanghai), less
    those created on a Sunday from 02:00 to 04:00 there (UTC+8 all year)."""
    lo = datetime(2026, month, 1, tzinfo=ZONE).timestamp()
    hi = datetime(2026 + month // 12, month % 12 + 1, 1, tzinfo=ZONE).timestamp()
    local = "(created_at + 8 * 3600)"
    sql = (
        "SELECT count(*) FROM tickets WHERE created_at >= ? AND created_at < ?"
        " AND status IN ('resolved', 'closed')"
        # 1970-01-01 was a Thursday: day 3 of a week counted from Monday is a Sunday
        f" AND NOT (CAST({local} / 86400 + 3 AS INTEGER) % 7 = 6"
        f" AND {local} % 86400 >= 2 * 3600 AND {local} % 86400 < 4 * 3600)"
    )
    connection = sqlite3.connect(db)
    (count,) = connection.execute(sql, (lo, hi)).fetchone()
    connection.close()
    return int(count)


def exclusion_figures(work: Path, db: Path) -> tuple[float, float, float, int]:
    """(without, with the exclusion, goalline's value of one goal's July, by hand)."""
    figures = []
    outcomes = []
    for excluded in (False, True):
        plan = work / f"plan-{'excluded' if excluded else 'plain'}.goal"
        plan.write_text(eb.make_plan() + (EXCLUSION if excluded else ""), encoding="utf-8")
        took, outcome = eb.best_of(REPEATS, lambda p=plan: eb.evaluate_in_process(p, db))
        figures.append(took)
        outcomes.append(outcome)
    goal = next(g for g in outcomes[1].report.goals if g.id.endswith("_resolved_monthly"))
    july = next(c for c in goal.cycles if c.start == date(2026, 7, 1))
    return figures[0], figures[1], july.value, excluded_by_hand(db, 7)


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
        plain, excluded, july, july_by_hand = exclusion_figures(work, db)
        if july != july_by_hand:
            sys.exit(f"goalline's July with the exclusion is {july}, by hand {july_by_hand}")
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
    cut = excluded / plain
    print()
    print(f"evaluate the 100-goal plan over {eb.ROWS:,} rows, best of {REPEATS}")
    print(f"  as it is                             {plain:6.2f} s")
    print(f"  with every sun 02:00-04:00 excluded  {excluded:6.2f} s")
    print(f"  ratio                                {cut:6.2f}x")
    print(f"  July of a monthly count: {july:,.0f} tickets, the same by hand in SQL")
    print()
    print("targets")
    eb.target("business / wall-clock time", f"{ratio:.2f}x", f"<= {MAX_RATIO:g}x", ratio <= 2)
    eb.target(
        "with an exclusion / without", f"{cut:.2f}x", f"<= {MAX_EXCLUDED:g}x", cut <= MAX_EXCLUDED
    )
    print(f"\n(whole benchmark {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
