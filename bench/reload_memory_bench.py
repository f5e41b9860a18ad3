"""Does the review session keep its memory flat when it evaluates again and again, as it does
for days beside a help desk that imports every few minutes?

Run from the repository root: `.venv/bin/python bench/reload_memory_bench.py [RELOADS]`
(1,000 reloads by default, about three minutes on a 2-core machine). It prints figures
beside their target; it is not a test (tests/tui_tests/test_memory.py is), and never fails.

The app runs headless (`App.run_test`) on a small plan with one recorded value, and the
plan is compiled and evaluated again RELOADS times, as when its file is saved. The memory
Python holds (`tracemalloc`, after a full collection) is read after a quarter of the reloads
(Textual's caches have filled by then) and at the end: the growth per reload is what a
session would keep for ever. The baseline, measured in the same run, is the session as it
was before issue 16: the long-lived report frozen out of the collector without collecting
first, which froze each evaluation's garbage in reference cycles for ever.

Target: under 1 KB a reload (a report kept by mistake is about 100 KB).
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsl.store.database import Store
from tui import app as app_module
from tui.app import ReviewApp

PLAN = """\
plan "Reloaded" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
}

person boss "Boss"
objective happy "Happy"

indicator nps "NPS" {
  kind       kpi
  unit       "pts"
  better     higher
  aggregate  last
}

goal promoters "Promoters" {
  indicator  nps
  cycle      monthly
  owner      boss
  serves     happy
  target     >= 40
}
"""
TARGET = 1_000  # bytes a reload


def freeze_only() -> None:
    """What the session did before: freeze the heap, garbage in cycles included."""
    gc.unfreeze()
    gc.freeze()


async def measure(folder: Path, reloads: int) -> tuple[float, float]:
    """(bytes kept per reload, seconds per reload)."""
    app = ReviewApp(
        str(folder / "plan.goal"), str(folder / "s.db"), datetime(2026, 12, 31, tzinfo=UTC)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        tracemalloc.start()
        started = time.perf_counter()
        marks = {}
        for reload in range(reloads):
            if reload in (reloads // 4, reloads - 1):
                gc.collect()
                marks[reload] = tracemalloc.get_traced_memory()[0]
            app.reevaluate(compile_again=True)
            await app.workers.wait_for_complete()
            await pilot.pause()
        took = time.perf_counter() - started
        tracemalloc.stop()
    gc.unfreeze()
    first, last = reloads // 4, reloads - 1
    return (marks[last] - marks[first]) / (last - first), took / reloads


def main() -> None:
    reloads = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "plan.goal").write_text(PLAN, encoding="utf-8")
        with Store.open(str(folder / "s.db"), create=True) as store:
            store.record("nps", datetime(2026, 3, 5, tzinfo=UTC).timestamp(), 41.0, None, "now")
        current = app_module._keep_long_lived
        app_module._keep_long_lived = freeze_only  # type: ignore[assignment]
        baseline, _ = asyncio.run(measure(folder, max(reloads // 5, 40)))
        app_module._keep_long_lived = current  # type: ignore[assignment]
        kept, pace = asyncio.run(measure(folder, reloads))
    print(f"reloads: {reloads:,} (baseline: {max(reloads // 5, 40):,}), {pace * 1000:.0f} ms each")
    print(f"baseline (freeze without collecting): {baseline:,.0f} B kept a reload")
    print(f"now (collect, then freeze):           {kept:,.0f} B kept a reload")
    verdict = "ok" if kept < TARGET else "MISSED"
    print(f"target: under {TARGET:,} B a reload   {verdict}")


if __name__ == "__main__":
    main()
