"""How fast the review session (`tui/`) answers on a large plan and a large store.

Run from the repository root: `.venv/bin/python bench/tui_bench.py`. It prints figures beside
their targets; it is not a test, and a missed target does not change its exit code.

1. Data: the 1,000,000-row tickets CSV of `engine_bench.py` (cached in
   /tmp/goalline-engine-bench), imported once with `goalline import` into a store in a
   temporary folder; a plan of 500 goals over the engine benchmark's 10 indicators (25
   monthly and 25 weekly goals to each, targets spread from lenient to strict so that the
   statuses vary), checked cleanly with `dsl.api.check_plan` before use.
2. Evaluation alone: `tui.state.evaluate_now(plan, db, as_of)` in this process, 3 times
   (the plan's check included).
3. Start-up: 3 child processes, each starting as `goalline review` does (the plan compiled,
   the first evaluation read from the store by two processes forked from it, each a share of
   the cycle layouts, and judged in it (`tui.state.evaluate_forked`), then Textual imported and
   `ReviewApp(plan, db, as_of, first, program)` run) headless with `App.run_test(size=(120, 40))`.
   Figures are wall clock (`time.monotonic`, which is CLOCK_MONOTONIC on Linux and so
   shared by the two processes) from the moment this process starts the child
   (interpreter start and every import included) to:
   - first paint: the first frame of the ScorecardScreen (its 'Evaluating...' line);
   - evaluated scorecard: the first frame of the ScorecardScreen whose goals table has rows.
   A frame is a call of `App._display` (the compositor's update for the terminal), hooked in
   a subclass of the app in the child. Headless, Textual composes each frame but skips
   turning it into terminal output; the hook does that work too (`render_segments`, the
   string a terminal would be sent), so only the write itself is missing.
4. Interactions: in one more child, once the evaluated scorecard is shown, 10 tries each of
   `down`, `s` (next sort order) and `enter` (open the goal under the cursor; `escape` and
   a `down` between tries, not timed). Each try is `await pilot.press(key)` then
   `await pilot.pause()` (which waits for the screen's pending messages and then until the
   process is idle: at least one 20 ms sleep of Textual's `wait_for_idle`). The answer is
   the time from just before `press` to the frame showing the result: for `down` and `s`
   the last frame composed before the pause returned; for `enter` the first frame of the
   goal detail screen whose cycles table has rows. The round trip of press + pause is shown
   beside it (it includes the pilot's own sleeps). The first `enter` also imports the goal
   detail screen and textual-plotext (about 0.15 s), as it does for a user.
   Beside it, where the time of each try goes on the main thread: the scorecard's
   `_fill_goals`, DataTable's `_update_dimensions` (it measures every new cell), CSS
   (`Stylesheet.apply`), frames (`Screen._compositor_refresh`, the chart's render within
   them), the app's `on_explain_cycle`, and the garbage collector's pauses (`gc.callbacks`).
5. For a missed target, where the time goes: for the evaluated scorecard, the start-up
   timeline against the evaluation alone and in a thread of this process; for an
   interaction, one more try under cProfile (main thread), its top entries by own time
   and goalline's functions by cumulative time.

About 110 seconds on a 2-core machine (the store is imported afresh each run, about 10 s).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import engine_bench as eb  # noqa: E402

from dsl.api import check_plan  # noqa: E402
from tui.state import evaluate_now  # noqa: E402

SIZE = (120, 40)
AS_OF = datetime(2027, 1, 1, tzinfo=ZoneInfo(eb.TIMEZONE))
GOALS_PER_KIND = 25  # per indicator: 10 indicators x 2 kinds x 25 = 500 goals
STARTS = 3  # child processes timed for start-up
TRIES = 10  # tries of each interaction
EVALUATIONS = 3  # in-process evaluations alone
CHILD_TIMEOUT = 180.0  # seconds

# Targets
MAX_FIRST_PAINT = 1.5  # seconds from process start
MAX_EVALUATED_EXTRA = 0.5  # evaluated scorecard within evaluation alone + this
MAX_INTERACTION = 0.100  # seconds, median and worst


# ---------------------------------------------------------------- the plan


def make_plan() -> str:
    """The engine benchmark's plan with 500 goals: the same header and indicators, and 25
    goals to each indicator and cycle, their targets from 20% lenient to 16% strict of a
    typical cycle's value, so that goals are met, warned, breached and critical."""
    header = eb.HEADER.replace(
        "# Generated by bench/engine_bench.py: 100 goals",
        "# Generated by bench/tui_bench.py: 500 goals",
    )
    return eb.make_plan(GOALS_PER_KIND, lambda j: 0.80 + 0.015 * j, header)


# ---------------------------------------------------------------- the child process

# Runs the review session headless and prints its figures as JSON on its last line.
# argv: mode (start | interact), root, plan, db, as-of.
CHILD = r'''
import time
T0 = time.monotonic()
import sys
MODE, ROOT, PLAN, DB, AS_OF = sys.argv[1:6]
sys.path.insert(0, ROOT)
import asyncio, json, statistics
from pathlib import Path
from datetime import datetime

# As `goalline review` does: the plan is compiled, then the first evaluation starts in a
# forked process before Textual loads.
from dsl.api import compile
import tui.state as tui_state
PROGRAM = compile(PLAN)

EVALUATIONS = []  # (start, end, CPU seconds of its thread) of each evaluate_now


def timed_evaluate(*args):
    started, cpu = time.monotonic(), time.thread_time()
    loaded = tui_state.evaluate_now(*args)
    EVALUATIONS.append((started, time.monotonic(), time.thread_time() - cpu))
    return loaded


FIRST_STARTED = time.monotonic()
FIRST = tui_state.evaluate_forked(PLAN, DB, datetime.fromisoformat(AS_OF), PROGRAM)
# the first evaluation: from the forks to its result here (read, sent and judged), and its
# own time in the place of its thread's CPU time
FIRST.add_done_callback(
    lambda done: EVALUATIONS.insert(0, (FIRST_STARTED, time.monotonic(), done.result().took))
)

import tui.app as tui_app
from tui.app import ReviewApp
from textual._compositor import CompositorUpdate
IMPORTED = time.monotonic()

tui_app.evaluate_now = timed_evaluate  # the evaluations after the first
HANDLED = []  # (start, end) of each Evaluated message handled (the tables filled)
_on_evaluated = ReviewApp.on_evaluated


def on_evaluated(self, message):
    started = time.monotonic()
    _on_evaluated(self, message)
    HANDLED.append((started, time.monotonic()))


ReviewApp.on_evaluated = on_evaluated

# Where an interaction's time goes: seconds spent, during the current try, in a few places
# (outermost calls only) and in the garbage collector.
PARTS = {}


def part(cls, attribute, name):
    import functools

    original = getattr(cls, attribute)
    depth = [0]

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if depth[0]:
            return original(*args, **kwargs)
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth[0] -= 1
            PARTS[name] = PARTS.get(name, 0.0) + time.perf_counter() - started
            PARTS[name + " calls"] = PARTS.get(name + " calls", 0) + 1

    setattr(cls, attribute, wrapper)


_gc_started = [0.0]
GC_LOG = []  # (start, seconds, generation) of every collection


def gc_callback(phase, info):
    if phase == "start":
        _gc_started[0] = time.monotonic()
    else:
        took = time.monotonic() - _gc_started[0]
        GC_LOG.append((_gc_started[0], took, info["generation"]))
        PARTS["gc"] = PARTS.get("gc", 0.0) + took
        if info["generation"] == 2:
            PARTS["full gc"] = PARTS.get("full gc", 0) + 1


import gc

gc.callbacks.append(gc_callback)

if MODE == "interact":
    from textual.css.stylesheet import Stylesheet
    from textual.screen import Screen
    from textual.widgets import DataTable
    from tui.screens.scorecard import ScorecardScreen

    part(ScorecardScreen, "_fill_goals", "fill")
    part(DataTable, "_update_dimensions", "measure")
    part(Stylesheet, "apply", "css")
    part(Screen, "_compositor_refresh", "frames")
    part(ReviewApp, "on_explain_cycle", "explain")


class BenchApp(ReviewApp):
    """Notes the time of every frame: (time, screen class, rows of its main table)."""

    CSS_PATH = str(Path(tui_app.__file__).parent / ReviewApp.CSS_PATH)  # no file to be relative to

    def __init__(self, *args):
        super().__init__(*args)
        self.frames = []
        self.rows_shown = None  # asyncio.Event, made in the app's loop

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is None or self._batch_count:
            return
        if self.is_headless and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.console)  # what a terminal would be sent
        name = type(screen).__name__
        rows = 0
        table = {"ScorecardScreen": "#goals", "GoalDetailScreen": "#cycles"}.get(name)
        if table is not None:
            try:
                rows = screen.query_one(table).row_count
            except Exception:
                rows = 0
        self.frames.append((time.monotonic(), name, rows))
        if name == "ScorecardScreen" and rows and self.rows_shown is not None:
            self.rows_shown.set()


def first(frames, name, rows=False, since=0.0):
    for t, screen, count in frames:
        if t >= since and screen == name and (count > 0 or not rows):
            return t
    return None


def last_frame(frames, since, until):
    times = [t for t, _, _ in frames if since <= t <= until]
    return times[-1] if times else None


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def main():
    as_of = datetime.fromisoformat(AS_OF)
    app = BenchApp(PLAN, DB, as_of, FIRST, PROGRAM)
    figures = {"t0": T0, "imported": IMPORTED}
    async with app.run_test(size=(__WIDTH__, __HEIGHT__), notifications=False) as pilot:
        app.rows_shown = asyncio.Event()
        if any(n == "ScorecardScreen" and r for _, n, r in app.frames):
            app.rows_shown.set()
        await asyncio.wait_for(app.rows_shown.wait(), 120)
        figures["main_cpu"] = time.thread_time()  # the main thread's CPU time until now
        figures["first_paint"] = first(app.frames, "ScorecardScreen")
        figures["rows_paint"] = first(app.frames, "ScorecardScreen", rows=True)
        figures["evaluations"] = EVALUATIONS
        figures["handled"] = HANDLED
        figures["took"] = app.loaded.took if app.loaded else None
        evaluated = EVALUATIONS[0][1]
        figures["gc_after_eval"] = sum(
            took for started, took, _ in GC_LOG if evaluated <= started <= figures["rows_paint"]
        )
        report = app.loaded.report if app.loaded else None
        statuses = {}
        for goal in report.goals if report else ():
            statuses[goal.status] = statuses.get(goal.status, 0) + 1
        figures["statuses"] = statuses
        await settle(app, pilot)
        figures["settled"] = app.frames[-1][0]
        if MODE == "interact":
            figures.update(await interact(app, pilot))
    print(json.dumps(figures))


async def timed(app, pilot, key, profile=None):
    """One try: (answer, round trip) in seconds; answer None when no frame showed it."""
    PARTS.clear()
    if profile is not None:
        profile.enable()
    started = time.monotonic()
    await pilot.press(key)
    await pilot.pause()
    ended = time.monotonic()
    if profile is not None:
        profile.disable()
    if key == "enter":
        shown = first(app.frames, "GoalDetailScreen", rows=True, since=started)
    else:
        shown = last_frame(app.frames, started, ended)
    return (None if shown is None else shown - started), ended - started, dict(PARTS)


async def interact(app, pilot):
    """TRIES timed tries of each key, then one more of each under cProfile."""
    import cProfile, io, pstats

    results = {"down": [], "s": [], "enter": []}
    explained = []
    profiles = {}

    async def open_goal(profile=None):
        results["enter"].append(await timed(app, pilot, "enter", profile))
        started = time.monotonic()
        await settle(app, pilot)  # the explanation of the cycle, in a worker
        explained.append(time.monotonic() - started)
        if type(app.screen).__name__ != "GoalDetailScreen":
            raise SystemExit(f"enter did not open a goal: {type(app.screen).__name__}")
        await pilot.press("escape")
        await pilot.press("down")
        await settle(app, pilot)

    for key in ("down", "s"):
        for _ in range(__TRIES__):
            results[key].append(await timed(app, pilot, key))
        await settle(app, pilot)
    for attempt in range(__TRIES__):
        await open_goal()
        if attempt == 0:  # the first opening imported it
            from textual_plotext import PlotextPlot

            part(PlotextPlot, "render", "chart")
    for key in ("down", "s", "enter"):
        profile = cProfile.Profile()
        if key == "enter":
            await open_goal(profile)
            results["enter"].pop()
            explained.pop()
        else:
            await timed(app, pilot, key, profile)
            await settle(app, pilot)
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text)
        stats.sort_stats("tottime").print_stats(__TOP__)
        stats.sort_stats("cumulative").print_stats(r"/(tui|dsl)/", __TOP__)
        profiles[key] = text.getvalue()
    started = time.perf_counter()
    size = len(repr(app.loaded))
    took = time.perf_counter() - started
    return {
        "interactions": results,
        "explained": explained,
        "profiles": profiles,
        "loaded_repr": [took, size],
    }


asyncio.run(main())
'''

TOP = 10  # profile entries shown
PARTS = ("fill", "measure", "css", "frames", "chart", "explain", "gc")


def child_source() -> str:
    return (
        CHILD.replace("__WIDTH__", str(SIZE[0]))
        .replace("__HEIGHT__", str(SIZE[1]))
        .replace("__TRIES__", str(TRIES))
        .replace("__TOP__", str(TOP))
    )


def run_child(mode: str, plan: Path, db: Path) -> dict[str, Any]:
    """Start the child and return its figures, times made relative to its start."""
    argv = [sys.executable, "-c", child_source(), mode, str(ROOT), str(plan), str(db)]
    argv.append(AS_OF.isoformat())
    spawned = time.monotonic()
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=CHILD_TIMEOUT, check=False
    )
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"the review session failed ({mode}, exit {done.returncode}):\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["spawned"] = spawned
    return figures


def evaluate_in_thread(plan: Path, db: Path) -> tuple[float, float]:
    """evaluate_now in a thread of this process while the main thread only waits: wall time
    and the thread's CPU time."""
    out: list[tuple[float, float]] = []

    def work() -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        evaluate_now(str(plan), str(db), AS_OF)
        out.append((time.perf_counter() - started, time.thread_time() - cpu))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return out[0]


# ---------------------------------------------------------------- printing


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"


def target(label: str, figure: str, goal: str, ok: bool) -> None:
    print(f"  {label:<44} {figure:>17}   {goal:<16} {eb.verdict(ok)}")


def show_profile(title: str, text: str) -> None:
    print()
    print(
        f"profile: {title} (cProfile, main thread; top {TOP} by own time, then top {TOP}"
        " of tui/ and dsl/ by cumulative time; a collector pause counts in the own time of"
        " whichever function's allocation set it off)"
    )
    for line in text.splitlines():
        if line.strip() and not line.startswith(("   Ordered by", "   List reduced")):
            print("  " + line.rstrip()[:150])


# ---------------------------------------------------------------- the benchmark


def main() -> None:
    began = time.perf_counter()
    plan_text = make_plan()
    checked = check_plan("tui-bench.goal", plan_text)
    if checked.diagnostics:
        for diagnostic in checked.diagnostics[:5]:
            print(diagnostic.headline())
        sys.exit("the generated plan does not check cleanly; fix make_plan()")
    assert checked.plan is not None

    print(
        f"goalline review-session benchmark (Python {sys.version.split()[0]}, headless;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    print()
    csv_path, note = eb.tickets_file(eb.ROWS, eb.SEED)
    print(f"data: {note}")

    with tempfile.TemporaryDirectory(prefix="goalline-tui-bench-") as folder:
        work = Path(folder)
        plan = work / "tui-bench.goal"
        plan.write_text(plan_text, encoding="utf-8")
        db = work / "store.db"
        took, _, code, message = eb.goalline_import(csv_path, db, work)
        if code != 0:
            sys.exit(f"goalline import failed (exit {code}): {message}")
        print(f"store: {eb.ROWS:,} rows imported with `goalline import` in {took:.1f} s")

        # ------------------------------------------------------------ evaluation alone
        alone: list[float] = []
        alone_cpu: list[float] = []
        loaded = None
        for _ in range(EVALUATIONS):
            started, cpu = time.perf_counter(), time.thread_time()
            loaded = evaluate_now(str(plan), str(db), AS_OF)
            alone.append(time.perf_counter() - started)
            alone_cpu.append(time.thread_time() - cpu)
        assert loaded is not None and loaded.report is not None, loaded and loaded.problems
        goals = len(loaded.report.goals)
        cycles = sum(len(g.cycles) for g in loaded.report.goals)
        eval_best, eval_median = min(alone), statistics.median(alone)
        print(
            f"plan: {goals} goals ({cycles:,} goal cycles) over {len(eb.INDICATORS)} indicators,"
            f" as of {AS_OF:%Y-%m-%d}"
        )
        print()
        print(f"evaluation alone: tui.state.evaluate_now in this process, {EVALUATIONS} runs")
        print(
            f"  {'  '.join(f'{t:.2f} s' for t in alone)}   best {eval_best:.2f} s,"
            f" median {eval_median:.2f} s   (CPU median {statistics.median(alone_cpu):.2f} s)"
        )

        # ------------------------------------------------------------ start-up
        starts = [run_child("start", plan, db) for _ in range(STARTS)]
        print()
        print(
            f"start-up: {STARTS} child processes, ReviewApp headless, run_test(size={SIZE}),"
            " times from the child's start"
        )
        header = (
            f"{'run':<4}{'imports':>9}{'1st paint':>11}{'eval':>16}{'fill':>8}{'rows':>8}"
            f"{'settled':>9}{'eval wall/cpu':>15}{'UI cpu':>8}"
        )
        print("  " + header)
        print("  " + "-" * len(header))
        first_paint: list[float] = []
        rows_paint: list[float] = []
        for number, fig in enumerate(starts, start=1):
            base = fig["spawned"]
            ev_start, ev_end, ev_cpu = fig["evaluations"][0]
            fill_start, fill_end = fig["handled"][0]
            first_paint.append(fig["first_paint"] - base)
            rows_paint.append(fig["rows_paint"] - base)
            print(
                f"  {number:<4}{fig['imported'] - base:>7.2f} s{fig['first_paint'] - base:>9.2f} s"
                f"{ev_start - base:>7.2f} -{ev_end - base:>5.2f} s"
                f"{(fill_end - fill_start) * 1000:>5.0f} ms{fig['rows_paint'] - base:>6.2f} s"
                f"{fig['settled'] - base:>7.2f} s{ev_end - ev_start:>6.2f} /{ev_cpu:>5.2f} s"
                f"{fig['main_cpu']:>6.2f} s"
            )
        print(
            "  (imports: `import tui.app` done; 1st paint: first ScorecardScreen frame; eval: the"
            "\n  worker's evaluate_now; fill: the Evaluated handler filling the tables; rows: first"
            "\n  frame with the goals; settled: last frame once idle; eval wall/cpu: the worker's"
            "\n  evaluation, wall and its thread's CPU; UI cpu: the main thread's CPU until rows;"
            "\n  interpreter start to the child's first line:"
            f" {statistics.median(f['t0'] - f['spawned'] for f in starts) * 1000:.0f} ms, median)"
        )
        print(f"  statuses shown: {starts[0]['statuses']}")
        paint_best, paint_median = min(first_paint), statistics.median(first_paint)
        rows_best, rows_median = min(rows_paint), statistics.median(rows_paint)
        print(f"  first paint        best {paint_best:.2f} s, median {paint_median:.2f} s")
        print(
            f"  evaluated rows     best {rows_best:.2f} s, median {rows_median:.2f} s"
            f"   (evaluation alone + {rows_median - eval_median:.2f} s, medians)"
        )
        around = [
            f["rows_paint"] - f["spawned"] - (f["evaluations"][0][1] - f["evaluations"][0][0])
            for f in starts
        ]
        print(
            f"  the same less the app's own evaluation: best {min(around):.2f} s, median"
            f" {statistics.median(around):.2f} s (start to its start, its end to the rows)"
        )

        # ------------------------------------------------------------ interactions
        session = run_child("interact", plan, db)
        tries = session["interactions"]
        print()
        print(
            f"interactions: {TRIES} tries each in one session, {SIZE[0]}x{SIZE[1]}, after the"
            " evaluated scorecard"
        )
        print("  answer: key press to the frame showing the result; round trip: press + pause")
        header = (
            f"{'key':<8}{'median':>9}{'worst':>9}{'first':>9}   {'round trip median / worst':>26}"
        )
        print("  " + header)
        print("  " + "-" * len(header))
        answers: dict[str, list[float]] = {}
        for key, values in tries.items():
            shown = [a for a, _, _ in values if a is not None]
            trips = [r for _, r, _ in values]
            missing = len(values) - len(shown)
            answers[key] = shown or [float("inf")]
            print(
                f"  {key:<8}{ms(statistics.median(answers[key])):>9}{ms(max(answers[key])):>9}"
                f"{ms(values[0][0]):>9}   {ms(statistics.median(trips)):>12} /"
                f" {ms(max(trips)):>8}" + (f"   ({missing} without a frame)" if missing else "")
            )
        explained = session["explained"]
        print(
            f"  (after enter, the cycle's explanation from its worker: median"
            f" {ms(statistics.median(explained))}, worst {ms(max(explained))}; not a target)"
        )
        print()
        print("  where the time of a try goes, median (worst) over the tries, main thread:")
        header = "".join(f"{name:>13}" for name in PARTS)
        print(f"  {'key':<8}{header}{'full gcs':>10}")
        for key, values in tries.items():
            cells = []
            for name in PARTS:
                spent = [parts.get(name, 0.0) for _, _, parts in values]
                cells.append(f"{statistics.median(spent) * 1000:>6.0f} ({max(spent) * 1000:>4.0f})")
            full = sum(parts.get("full gc", 0) for _, _, parts in values)
            print(f"  {key:<8}{''.join(f'{c:>13}' for c in cells)}{full:>10}")
        calls = [parts.get("explain calls", 0) for _, _, parts in tries["enter"]]
        repr_took, repr_chars = session["loaded_repr"]
        print(
            f"  enter: on_explain_cycle ran {statistics.median(calls):g} times per opening"
            f" (median); repr() of the app's Loaded takes {ms(repr_took)} ({repr_chars:,}"
            "\n  characters): Textual's @work builds a worker's description from repr() of"
            " its arguments"
        )
        print(
            "  (ms within press + pause; fill: ScorecardScreen._fill_goals; measure: DataTable"
            "\n  _update_dimensions, which measures every new cell; css: Stylesheet.apply; frames:"
            "\n  Screen._compositor_refresh with the terminal output; chart: PlotextPlot.render,"
            "\n  within frames (from the second opening); explain: the app's on_explain_cycle,"
            "\n  which starts the explanation worker; gc: collector pauses, which also count in"
            "\n  the part they interrupt)"
        )

        # ------------------------------------------------------------ targets
        print()
        print(f"targets (screen {SIZE[0]}x{SIZE[1]}, 500 goals, {eb.ROWS:,} rows)")
        paint_ok = paint_median < MAX_FIRST_PAINT
        target(
            "first paint after process start (median)",
            f"{paint_median:.2f} s",
            f"< {MAX_FIRST_PAINT:g} s",
            paint_ok,
        )
        limit = eval_median + MAX_EVALUATED_EXTRA
        rows_ok = rows_median < limit
        target(
            "evaluated scorecard (median)",
            f"{rows_median:.2f} s",
            f"< {eval_median:.2f} + {MAX_EVALUATED_EXTRA:g} s",
            rows_ok,
        )
        missed: list[str] = []
        for key, label in (("down", "cursor down"), ("s", "sort (s)"), ("enter", "open goal")):
            median, worst = statistics.median(answers[key]), max(answers[key])
            ok = median < MAX_INTERACTION and worst < MAX_INTERACTION
            if not ok:
                missed.append(key)
            target(
                f"{label}, median / worst",
                f"{ms(median)} / {ms(worst)}",
                f"< {MAX_INTERACTION * 1000:.0f} ms both",
                ok,
            )

        # ------------------------------------------------------------ where the time goes
        if not rows_ok:
            print()
            print("evaluated scorecard: where the time goes (medians of the start-up runs)")
            before = statistics.median(f["evaluations"][0][0] - f["spawned"] for f in starts)
            in_app = statistics.median(
                f["evaluations"][0][1] - f["evaluations"][0][0] for f in starts
            )
            in_app_cpu = statistics.median(f["evaluations"][0][2] for f in starts)
            after = statistics.median(f["rows_paint"] - f["evaluations"][0][1] for f in starts)
            thread_s, thread_cpu = evaluate_in_thread(plan, db)
            print(f"  process start to the evaluation's start      {before:6.2f} s")
            print(
                f"  the evaluation in the app's worker           {in_app:6.2f} s"
                f"   (its thread's CPU {in_app_cpu:.2f} s)"
            )
            gc_after = statistics.median(f["gc_after_eval"] for f in starts)
            print(
                f"  its end to the first frame with the rows     {after:6.2f} s"
                f"   (collector pauses in it {gc_after:.2f} s)"
            )
            print(f"  evaluation alone, in this process            {eval_median:6.2f} s")
            print(
                f"  evaluation alone, in a thread, main idle     {thread_s:6.2f} s"
                f"   (its thread's CPU {thread_cpu:.2f} s; once)"
            )
        for key in missed:
            show_profile(
                f"one more '{key}' after the timed tries, press + pause", session["profiles"][key]
            )

    print(
        f"\n(whole benchmark {time.perf_counter() - began:.0f} s;"
        f" load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
