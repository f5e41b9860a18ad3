"""The review session stays up for days, evaluating again at every import: the memory of
an evaluation is given back when the next one replaces it, however many there are."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from dsl.store.database import Store
from tui.app import ReviewApp

from .conftest import HOSTILE_PLAN, SIZE, settle

RELOADS = 30
MEASURED_FROM = 10  # Textual's caches fill during the first evaluations
GROWTH = 100_000  # bytes over the last 20 reloads; a leak of one report each is 100 KB


async def test_memory_stays_flat_over_many_reloads(tmp_path: Path) -> None:
    (tmp_path / "plan.goal").write_text(HOSTILE_PLAN, encoding="utf-8")
    db = tmp_path / "s.db"
    with Store.open(str(db), create=True) as store:
        at = datetime(2026, 3, 5, tzinfo=UTC).timestamp()
        store.record("nps", at, 41.0, None, "2026-03-05T00:00:00+00:00")
    app = ReviewApp(str(tmp_path / "plan.goal"), str(db), datetime(2026, 12, 31, tzinfo=UTC))
    tracemalloc.start()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for reload in range(RELOADS):
                if reload == MEASURED_FROM:
                    gc.collect()
                    before = tracemalloc.get_traced_memory()[0]
                app.reevaluate(compile_again=True)  # as when the plan is saved
                await settle(app, pilot)
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
            shown = app.loaded
    finally:
        tracemalloc.stop()
    assert shown is not None and shown.report is not None  # it did evaluate, every time
    assert after - before < GROWTH, f"{(after - before) / (RELOADS - MEASURED_FROM):.0f} B/reload"
