"""How fast `goalline backtest` replays a plan, against `goalline evaluate` of the same plan
on the same store, measured in the same run.

Run from the repository root: `.venv/bin/python bench/backtest_bench.py`. It prints figures
beside their target; it is not a test, and a missed target does not change its exit code
(a disagreement between the backtest's values and evaluate's does: the figures would then
mean nothing).

1. Data: the 1,000,000-row tickets CSV of `engine_bench.py` (rows in random time order,
   cached in /tmp/goalline-engine-bench), imported by `goalline import` into a fresh store.
2. The plan: engine_bench's 100 goals over 10 indicators, half monthly, half weekly, period
   2026-01-01 .. 2026-12-31 in Asia/Shanghai.
3. The commands as processes, as a user runs them, interleaved, best of 3 each: `evaluate
   --as-of 2027-01-01`, as JSON and as CSV (JSON also says what each aggregate read, which
   costs time: CSV is the stricter baseline, and the faster of the two counts), and
   `backtest --period 2026-01-01..2026-12-31 --as-of 2027-01-01 --format json` (the plan's
   own period: the same cycles, so the same work, plus the replay of the escalation rules
   and the store opened read-only). Every goal cycle's value and status must be the same in
   the backtest as in evaluate's JSON. A backtest over another period (the first half of
   the year, its cycles re-anchored there) is timed too, for reference.

Target (issue 17): the backtest within 1.5x of evaluate. About 60 seconds on a 2-core
machine with the CSV cached.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import engine_bench as eb  # noqa: E402

REPEATS = 3
TARGET = 1.5


def values(text: str) -> list[tuple[str, str, Any, str]]:
    """Each goal cycle's (goal, start, value, status) from a JSON report or backtest."""
    found = json.loads(text)
    return [
        (g["id"], c["start"], c["value"], c["status"]) for g in found["goals"] for c in g["cycles"]
    ]


def main() -> None:
    print("goalline backtest benchmark: backtest against evaluate on the same store")
    print()
    big, note = eb.tickets_file(eb.ROWS, eb.SEED)
    print(f"data: {note}")
    with tempfile.TemporaryDirectory(prefix="goalline-backtest-bench-") as folder:
        work = Path(folder)
        plan, store = work / "engine-bench.goal", work / "store.db"
        plan.write_text(eb.make_plan(), encoding="utf-8")
        took, _, code, message = eb.goalline_import(big, store, work)
        if code != 0:
            sys.exit(f"goalline import failed (exit {code}): {message}")
        print(f"      imported {eb.ROWS:,} rows in {took:.1f} s")
        print()

        common = [str(plan), "--db", str(store), "--as-of", eb.AS_OF, "--format", "json"]
        commands = {
            "evaluate": ["evaluate", *common],
            # JSON says what each aggregate read, which costs time; CSV does not, nor does
            # the backtest: the stricter baseline.
            "evaluate csv": ["evaluate", *common[:-1], "csv"],
            "backtest": ["backtest", *common, "--period", "2026-01-01..2026-12-31"],
            "backtest H1": ["backtest", *common, "--period", "2026-01-01..2026-06-30"],
        }
        best = dict.fromkeys(commands, float("inf"))
        outputs: dict[str, str] = {}
        for _ in range(REPEATS):  # interleaved: a busy moment lands on every side
            for name, argv in commands.items():
                out = work / f"{name.replace(' ', '-')}.json"
                took, _, code, message = eb.run_process([eb.goalline_command(), *argv], out)
                if code != 0:
                    sys.exit(f"goalline {name} failed (exit {code}): {message}")
                best[name] = min(best[name], took)
                outputs[name] = out.read_text(encoding="utf-8")

        evaluated, replayed = values(outputs["evaluate"]), values(outputs["backtest"])
        if evaluated != replayed:
            differing = [(a, b) for a, b in zip(evaluated, replayed, strict=False) if a != b]
            sys.exit(f"the backtest's values differ from evaluate's: {differing[:3]}")
        cycles = len(evaluated)
        first_half = len(values(outputs["backtest H1"]))

    baseline = min(best["evaluate"], best["evaluate csv"])
    ratio = best["backtest"] / baseline
    print(f"{'':<44}{'best of ' + str(REPEATS):>12}")
    print(f"{'evaluate --format json':<44}{best['evaluate']:>10.2f} s  {cycles:,} goal cycles")
    print(f"{'evaluate --format csv':<44}{best['evaluate csv']:>10.2f} s  (no rows-read counts)")
    print(
        f"{'backtest --period 2026-01-01..2026-12-31':<44}{best['backtest']:>10.2f} s  same values"
    )
    print(
        f"{'backtest --period 2026-01-01..2026-06-30':<44}{best['backtest H1']:>10.2f} s"
        f"  {first_half:,} goal cycles"
    )
    print()
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(f"backtest / the faster evaluate: {ratio:.2f}x (target <= {TARGET}x): {verdict}")


if __name__ == "__main__":
    main()
