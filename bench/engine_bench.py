"""How fast goalline fills a store and evaluates a plan against it.

Run from the repository root: `.venv/bin/python bench/engine_bench.py`. It prints figures
beside their targets; it is not a test, and a missed target does not change its exit code
(a disagreement between goalline's values and the bare SQL's does: the figures would be
meaningless).

1. Data: a deterministic (seeded) tickets CSV of 1,000,000 rows over 2026, times with a
   +08:00 offset, and one of 100,000 rows for the growth check. Both are cached in
   /tmp/goalline-engine-bench between runs (the run says when it reuses them; delete the
   folder to write them afresh, about 5 s).
2. Import: `goalline import` of the 1M-row CSV as a process (wall time, and the peak RSS
   taken by a small launcher with `os.wait4`: Linux reports the larger of the import's two
   processes, the writer and the reader it forks, so the memory target is checked against
   twice that figure, a bound on the two together), against a bare import:
   plain sqlite3 in WAL mode, `csv.reader` streamed straight into one `executemany` in one
   transaction, no conversion. Interleaved, best of 2. A bare `executemany` of rows parsed
   beforehand is shown as a stricter reference.
3. Evaluate: a plan of 100 goals over 10 indicators (counts with conditions, ratios, means,
   p90s, an `hours_between`), half monthly, half weekly, in Asia/Shanghai. `goalline
   evaluate --format json` in-process through `dsl.api.run` (best of 3) and as a process
   (once), against the baseline: the best plain SQL for the same values, one query per
   cycle layout computing every indicator at once, p90 by a full sort in Python (a plain
   aggregate), in two shapes (grouped by the local month or week; the cycles in a table,
   joined through the time index), the faster of which counts (best of 3 each). Every
   goal cycle's value must equal the plain SQL's. goalline's own query per layout is timed
   again alone. DuckDB (a benchmark-only dependency: `pip install -e '.[bench]'`, which
   `make bench` does) computes the same values from the same CSV loaded into memory (the
   load timed apart), and they must agree too.
4. Growth: the same evaluation against the 100,000-row store.

About 110 seconds on a 2-core machine (with the CSVs cached).
"""

from __future__ import annotations

import csv
import gc
import json
import math
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dsl.api import check_plan, run  # noqa: E402
from dsl.engine.fetch import run as run_query  # noqa: E402
from dsl.engine.measure_sql import compile_layout  # noqa: E402
from dsl.engine.schedule import layout  # noqa: E402
from dsl.language.cycles import parse_as_of  # noqa: E402
from dsl.output.formats import to_json  # noqa: E402
from dsl.store.database import Store  # noqa: E402
from dsl.store.dialect import SQLITE  # noqa: E402

ROWS = 1_000_000
SMALL_ROWS = 100_000
SEED = 2026
GENERATOR = 2  # bump when the generator changes, so that cached files are not reused (2: shuffled)
CACHE = Path(tempfile.gettempdir()) / "goalline-engine-bench"
TIMEZONE = "Asia/Shanghai"
OFFSET = 8 * 3600  # Asia/Shanghai has no daylight-saving time
AS_OF = "2027-01-01"
REPEATS = 3  # best of N for in-process evaluations and the bare queries
IMPORT_REPEATS = 2  # best of N for the goalline and the bare import, interleaved

# Targets
MAX_EVALUATE = 3.0  # seconds, 1M shuffled rows, 100 goals
MAX_EVALUATE_RATIO = 1.2  # evaluate / the plain SQL baseline
MAX_IMPORT = 15.0  # seconds, 1M rows
MAX_IMPORT_RATIO = 2.0  # goalline import / bare csv.reader + executemany
MAX_IMPORT_MB = 300.0  # peak RSS of the import process
MAX_GROWTH = 10.0  # evaluate(1M rows) / evaluate(100k rows): no worse than linear

TOLERANCE = 1e-6

# ---------------------------------------------------------------- the generated tickets

COLUMNS = (
    "id",
    "created_at",
    "channel",
    "priority",
    "first_response_min",
    "status",
    "resolved_at",
    "reopened",
)
TIME_COLUMNS = ("created_at", "resolved_at")
# The types goalline's import detects; the bare import keeps the times as the text it read.
BARE_TYPES = ("TEXT", "TEXT", "TEXT", "TEXT", "FLOAT", "TEXT", "TEXT", "INTEGER")
CHANNELS = (("phone", 0.30), ("email", 0.60), ("chat", 0.85), ("wechat", 1.0))
PRIORITIES = (("urgent", 0.05), ("high", 0.20), ("normal", 0.80), ("low", 1.0))
MEDIAN_RESPONSE = {"urgent": 5.0, "high": 10.0, "normal": 20.0, "low": 40.0}  # minutes
BAD_MONTH, RECOVERING_MONTH = 8, 9  # August is bad, September recovers


def _pick(table: tuple[tuple[str, float], ...], draw: float) -> str:
    for name, upto in table:
        if draw < upto:
            return name
    return table[-1][0]


def write_tickets(path: Path, rows: int, seed: int) -> None:
    """`rows` tickets created in 2026 (local time, +08:00): fewer at weekends, a gentle
    seasonal wave, a bad August and a recovering September. The lines are shuffled, as real
    exports (and merged exports) are not in time order; the ids still follow creation."""
    rng = random.Random(seed)
    first = date(2026, 1, 1)
    days = [first + timedelta(days=d) for d in range(400)]  # resolutions run into 2027
    day_text = [d.isoformat() for d in days]
    clock = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08:00" for s in range(86400)]
    weights = [
        (0.6 if days[d].weekday() >= 5 else 1.0) * (1.0 + 0.15 * math.sin(2 * math.pi * d / 365))
        for d in range(365)
    ]
    picked = rng.choices(range(365), weights=weights, k=rows)
    stamps = sorted(d * 86400 + rng.randrange(86400) for d in picked)
    del picked
    partial = path.with_suffix(".part")
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(COLUMNS) + "\n")
        lines: list[str] = []
        for number, stamp in enumerate(stamps, start=1):
            day, second = divmod(stamp, 86400)
            month = days[day].month
            slow = 1.6 if month == BAD_MONTH else 1.2 if month == RECOVERING_MONTH else 1.0
            channel = _pick(CHANNELS, rng.random())
            priority = _pick(PRIORITIES, rng.random())
            response = rng.lognormvariate(math.log(MEDIAN_RESPONSE[priority] * slow), 0.8)
            draw = rng.random()
            unresolved = 0.08 * slow
            if draw < unresolved:
                status = "open" if draw < unresolved / 2 else "pending"
                resolved = reopened = ""
            else:
                status = "resolved" if draw < 0.55 else "closed"
                done = stamp + int(rng.expovariate(1.0 / (6 * 3600 * slow))) + 60
                resolved = day_text[done // 86400] + clock[done % 86400]
                reopened = "1" if rng.random() < 0.04 * slow else "0"
            lines.append(
                f"T{number:07d},{day_text[day]}{clock[second]},{channel},{priority},"
                f"{response:.1f},{status},{resolved},{reopened}\n"
            )
        rng.shuffle(lines)
        out.writelines(lines)
    partial.replace(path)


def tickets_file(rows: int, seed: int) -> tuple[Path, str]:
    """The cached CSV of `rows` tickets, written first if it is not there yet."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"tickets-{rows}-seed{seed}-v{GENERATOR}.csv"
    if path.exists():
        return path, f"reused the cached {path}"
    started = time.perf_counter()
    write_tickets(path, rows, seed)
    took = time.perf_counter() - started
    return path, f"wrote {path} in {took:.1f} s (cached for later runs)"


# ---------------------------------------------------------------- the generated plan

HEADER = """\
# Generated by bench/engine_bench.py: 100 goals over 10 indicators of one tickets table.
plan "Engine benchmark" {
  period    2026-01-01 .. 2026-12-31
  timezone  "Asia/Shanghai"
  owner     wang_fang
  review    monthly
}

person wang_fang "Wang Fang"        { email "wang.fang@example.com" }
person zhao_lei  "Zhao Lei"         { email "zhao.lei@example.com" }
person li_na     "Li Na"            { email "li.na@example.com" }
person chen_jie  "Chen Jie"         { email "chen.jie@example.com" }
person director  "Service Director" { email "director@example.com" }

team support "Customer Support" {
  lead     wang_fang
  members  chen_jie
}

team tech "Technical Services" {
  lead     zhao_lei
  members  li_na
}

objective solved "Every problem is solved, quickly and for good" { owner director }

source tickets "Helpdesk tickets" {
  table  tickets
  time   created_at
}

runbook response_plan "Response-time emergency" {
  step "Open the overflow queue"    by support  within 30m
  step "Page the on-call engineer"  by tech     within 1h
}

escalation standard "Standard escalation" {
  when breached 2 times in a row  notify owner, lead
  when critical                   notify director, run response_plan
}
"""

# id -> (title, unit, better, measure, the bare SQL aggregate computing the same value,
#        the monthly target around which the goals' targets are spread)
INDICATORS: dict[str, tuple[str, str, str, str, str, float]] = {
    "resolved": (
        "Problems resolved",
        "tickets",
        "higher",
        'count(tickets where status in ("resolved", "closed"))',
        "count(*) FILTER (WHERE status IN ('resolved', 'closed'))",
        76_000,
    ),
    "urgent_backlog": (
        "Urgent tickets still open",
        "tickets",
        "lower",
        'count(tickets where priority = "urgent" and status in ("open", "pending"))',
        "count(*) FILTER (WHERE priority = 'urgent' AND status IN ('open', 'pending'))",
        330,
    ),
    "voice": (
        "Tickets by phone or WeChat",
        "tickets",
        "lower",
        'count(tickets where channel = "phone" or channel = "wechat")',
        "count(*) FILTER (WHERE channel = 'phone' OR channel = 'wechat')",
        37_000,
    ),
    "resolution_rate": (
        "Problem resolution rate",
        "%",
        "higher",
        '100 * count(tickets where status in ("resolved", "closed")) / count(tickets)',
        "100.0 * count(*) FILTER (WHERE status IN ('resolved', 'closed')) / count(*)",
        92,
    ),
    "reopen_rate": (
        "Share of resolved tickets reopened",
        "%",
        "lower",
        "100 * count(tickets where reopened = 1) / count(tickets where resolved_at is not null)",
        "100.0 * count(*) FILTER (WHERE reopened = 1)"
        " / count(*) FILTER (WHERE resolved_at IS NOT NULL)",
        4,
    ),
    "chat_share": (
        "Share of tickets by chat",
        "%",
        "higher",
        '100 * count(tickets where channel = "chat") / count(tickets)',
        "100.0 * count(*) FILTER (WHERE channel = 'chat') / count(*)",
        25,
    ),
    "mean_response": (
        "Mean first response time",
        "min",
        "lower",
        "mean(tickets.first_response_min)",
        "avg(first_response_min)",
        28,
    ),
    "p90_response": (
        "First response time, 90th percentile",
        "min",
        "lower",
        "p90(tickets.first_response_min)",
        "goalline_p90(first_response_min)",
        60,
    ),
    "p90_urgent": (
        "First response to urgent and high-priority tickets, 90th percentile",
        "min",
        "lower",
        'p90(tickets.first_response_min where priority in ("urgent", "high"))',
        "goalline_p90(first_response_min) FILTER (WHERE priority IN ('urgent', 'high'))",
        22,
    ),
    "resolution_hours": (
        "Mean time to resolve",
        "h",
        "lower",
        "mean(hours_between(tickets.created_at, tickets.resolved_at)"
        " where resolved_at is not null)",
        "avg((resolved_at - created_at) / 3600.0) FILTER (WHERE resolved_at IS NOT NULL)",
        6.2,
    ),
}
KINDS = ("monthly", "weekly")
GOALS_PER_KIND = 5  # per indicator: 10 indicators x 2 kinds x 5 = 100 goals
COUNTS = ("resolved", "urgent_backlog", "voice")  # their targets scale with the cycle
OWNERS = ("wang_fang", "zhao_lei", "li_na", "chen_jie")
LEADS = ("support", "tech")


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def make_plan(
    goals_per_kind: int = GOALS_PER_KIND,
    strictness: Callable[[int], float] = lambda j: 0.94 + 0.03 * j,
    header: str = HEADER,
) -> str:
    """The plan: every indicator, then `goals_per_kind` goals to each indicator and cycle
    kind; goal j's target is `strictness(j)` of a typical cycle's value (above 1 is
    stricter)."""
    parts = [header]
    for ident, (title, unit, better, measure, _, _) in INDICATORS.items():
        parts.append(
            f'indicator {ident} "{title}" {{\n  kind     process\n  unit     "{unit}"\n'
            f"  better   {better}\n  measure  {measure}\n}}\n"
        )
    number = 0
    for ident, (title, _, better, _, _, base) in INDICATORS.items():
        for kind in KINDS:
            scale = 7 / 30.4 if kind == "weekly" and ident in COUNTS else 1.0
            for j in range(goals_per_kind):
                number += 1
                # Goals on one indicator and cycle differ in their targets, as teams' do.
                strict = strictness(j)
                target = base * scale * (strict if better == "higher" else 2 - strict)
                lines = [f"indicator   {ident}"]
                if better == "higher":
                    lines.append(f"target      >= {_number(target)}")
                    warn, critical = f"< {_number(target * 1.03)}", f"< {_number(target * 0.8)}"
                else:
                    lines.append(f"target      <= {_number(target)}")
                    warn, critical = f"> {_number(target * 0.97)}", f"> {_number(target * 1.3)}"
                if number % 25 == 0:  # four of the strictest goals tighten in July
                    tighter = target * (1.02 if better == "higher" else 0.98)
                    op = ">=" if better == "higher" else "<="
                    lines.append(f"target      {op} {_number(tighter)} from 2026-07-01")
                lines += [
                    f"cycle       {kind}",
                    f"owner       {OWNERS[number % len(OWNERS)]}",
                    f"lead        {LEADS[number % len(LEADS)]}",
                    "serves      solved",
                    f"weight      {1 + j % 3}",
                    f"warn        {warn}",
                    f"critical    {critical}",
                ]
                if j % 2 == 0:
                    lines.append("escalation  standard")
                body = "".join(f"  {line}\n" for line in lines)
                parts.append(
                    f'goal g{number:03d}_{ident}_{kind} "{title}, goal {number}" {{\n{body}}}\n'
                )
    return "\n".join(parts)


# ---------------------------------------------------------------- measuring

# Runs a command and writes its wall time, peak RSS and exit code to a file. Asking the
# kernel about a child forked from this process would count this process's own memory:
# Linux carries the peak RSS of a process over `exec`, and this one holds a million parsed
# rows for a while. A small launcher of its own (about 10 MB) keeps the figure honest.
LAUNCHER = """\
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
took = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    out.write(f"{took!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def goalline_command() -> str:
    beside = Path(sys.executable).parent / "goalline"
    return str(beside) if beside.exists() else (shutil.which("goalline") or "goalline")


def run_process(argv: list[str], stdout: Path) -> tuple[float, float, int, str]:
    """Run a command: its wall time, its own peak RSS in MB, its exit code and its stderr."""
    figures = stdout.with_suffix(".figures")
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        done = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, str(figures), *argv],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            check=False,
        )
        err.seek(0)
        message = err.read().decode(errors="replace").strip()
    if done.returncode != 0 or not figures.exists():
        return 0.0, 0.0, done.returncode or 1, message
    took, max_rss_kb, code = figures.read_text().split()
    return float(took), int(max_rss_kb) / 1024, int(code), message


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, Any]:
    """The fastest of `runs` runs, and the result of the last one."""
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def bare_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(fresh(path), isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")  # as goalline's store sets it
    columns = ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, BARE_TYPES, strict=True))
    connection.execute(f"CREATE TABLE tickets ({columns})")
    return connection


BARE_INSERT = f"INSERT INTO tickets VALUES ({', '.join('?' for _ in COLUMNS)})"


def bare_import(csv_path: Path, db: Path) -> float:
    """csv.reader streamed into one executemany in one transaction: no conversion at all."""
    started = time.perf_counter()
    connection = bare_connection(db)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.execute("BEGIN")
        connection.executemany(BARE_INSERT, reader)
        connection.execute("COMMIT")
    connection.close()  # goalline's figure includes its close (the last WAL checkpoint) too
    return time.perf_counter() - started


def bare_indexes(db: Path) -> float:
    """The indexes goalline's import builds on the time columns, built on the bare table."""
    started = time.perf_counter()
    connection = sqlite3.connect(db, isolation_level=None)
    for column in TIME_COLUMNS:
        connection.execute(f"CREATE INDEX bare_{column} ON tickets ({column})")
    connection.close()
    return time.perf_counter() - started


def bare_insert_parsed(csv_path: Path, db: Path) -> float:
    """The stricter figure: the same rows, read beforehand, so only SQLite's insert is timed."""
    gc.disable()  # a million small lists would make the collector walk them repeatedly
    try:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        started = time.perf_counter()
        connection = bare_connection(db)
        connection.execute("BEGIN")
        connection.executemany(BARE_INSERT, rows)
        connection.execute("COMMIT")
        connection.close()
        took = time.perf_counter() - started
        del rows
    finally:
        gc.enable()
    return took


# ---------------------------------------------------------------- evaluating

# The cycle a row falls in, from its local time: the plan's months are the calendar months,
# and its weeks run from Monday; 2026 starts on a Thursday, so the clipped first week
# (1-4 January) is week 00 of %W, as it is cycle 0 of goalline's.
BUCKETS = {
    "monthly": f"CAST(strftime('%m', created_at + {OFFSET}, 'unixepoch') AS INTEGER) - 1",
    "weekly": f"CAST(strftime('%W', created_at + {OFFSET}, 'unixepoch') AS INTEGER)",
}
# The same in DuckDB, from the local time kept beside the instants (`duckdb_table`).
DUCK_BUCKETS = {
    "monthly": "month(local_created) - 1",
    "weekly": "CAST(strftime(local_created, '%W') AS INTEGER)",
}


class SortedPercentile:
    """The plain way to a p90 in SQLite, which has none: collect the cycle's values, sort
    them all, interpolate between the closest ranks (goalline's definition)."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.step = self.values.append

    def finalize(self) -> float | None:
        values = sorted(v for v in self.values if v is not None)
        if not values:
            return None
        rank = (len(values) - 1) * 0.9
        low = math.floor(rank)
        high = min(low + 1, len(values) - 1)
        return values[low] + (rank - low) * (values[high] - values[low])


def _plain_columns(engine: str) -> str:
    """Every indicator's value as one column, as a person writing the query by hand would:
    SQLite (and DuckDB) compute an aggregate written twice only once."""
    columns = []
    for ident, spec in INDICATORS.items():
        expression = spec[4].replace("goalline_p90", "plain_p90")
        if engine == "duckdb":
            expression = re.sub(r"plain_p90\(([^)]*)\)", r"quantile_cont(\1, 0.9)", expression)
        columns.append(f"{expression} AS {ident}")
    return ", ".join(columns)


def plain_queries(engine: str = "sqlite") -> dict[tuple[str, str], str]:
    """The baseline: one query per cycle layout computing every indicator at once, grouped
    by the cycle of each row's local time (for SQLite also `plain_joined`, of which the
    faster counts)."""
    buckets = DUCK_BUCKETS if engine == "duckdb" else BUCKETS
    return {
        (kind, "grouped"): (
            f"SELECT {bucket} AS idx, {_plain_columns(engine)} FROM tickets"
            " WHERE created_at >= ? AND created_at < ? GROUP BY idx ORDER BY idx"
        )
        for kind, bucket in buckets.items()
    }


def plain_joined() -> dict[tuple[str, str], str]:
    """The other plain shape: the cycles in a table of their own, each one's rows found
    through the time index (a range scan per cycle, no grouping sort)."""
    return {
        (kind, "joined"): (
            f"SELECT c.idx AS idx, {_plain_columns('sqlite')}"
            f" FROM temp.{kind} AS c CROSS JOIN tickets"
            " WHERE created_at >= c.lo AND created_at < c.hi GROUP BY c.idx"
        )
        for kind in BUCKETS
    }


def cycle_ranges(kind: str) -> list[tuple[int, float, float]]:
    """(index, start, end) of the plan's months or Monday weeks of 2026, in local time."""
    zone = timezone(timedelta(seconds=OFFSET))
    if kind == "monthly":
        starts = [datetime(2026, month, 1, tzinfo=zone) for month in range(1, 13)]
    else:
        first = datetime(2026, 1, 5, tzinfo=zone)  # the first Monday
        starts = [datetime(2026, 1, 1, tzinfo=zone)]
        starts += [first + timedelta(weeks=n) for n in range(52)]
    ends = [*starts[1:], datetime(2027, 1, 1, tzinfo=zone)]
    return [
        (n, a.timestamp(), b.timestamp()) for n, (a, b) in enumerate(zip(starts, ends, strict=True))
    ]


def period_bounds() -> tuple[float, float]:
    zone = timezone(timedelta(seconds=OFFSET))
    start = datetime(2026, 1, 1, tzinfo=zone).timestamp()
    return start, datetime(2027, 1, 1, tzinfo=zone).timestamp()


Values = dict[tuple[str, str], dict[int, Any]]  # (indicator, cycle kind) -> {cycle: value}


def run_plain(db: Path, runs: int) -> tuple[dict[tuple[str, str], float], Values]:
    """Each plain query `runs` times on a plain connection: its best time per (cycle kind,
    shape), and each indicator's values from the grouped one."""
    connection = sqlite3.connect(db)
    connection.create_aggregate("plain_p90", 1, SortedPercentile)  # type: ignore[arg-type]
    for kind in BUCKETS:
        connection.execute(f"CREATE TEMP TABLE {kind} (idx INTEGER PRIMARY KEY, lo, hi)")
        connection.executemany(f"INSERT INTO temp.{kind} VALUES (?, ?, ?)", cycle_ranges(kind))
    queries = plain_queries() | plain_joined()
    took: dict[tuple[str, str], float] = dict.fromkeys(queries, float("inf"))
    values: Values = {}
    for _ in range(runs):
        for (kind, shape), sql in queries.items():
            started = time.perf_counter()
            rows = connection.execute(sql, period_bounds() if shape == "grouped" else ()).fetchall()
            took[kind, shape] = min(took[kind, shape], time.perf_counter() - started)
            for number, ident in enumerate(INDICATORS, start=1):
                found = {row[0]: row[number] for row in rows}
                if values.setdefault((ident, kind), found) != found:
                    sys.exit(f"the two plain shapes disagree on {ident} ({kind})")
    connection.close()
    return took, values


def duckdb_figures(csv_path: Path, runs: int) -> tuple[str, float, dict[str, float], Values]:
    """DuckDB computing the same values from the same CSV, loaded into memory first (the
    load timed apart): its version, the load, the best time per cycle kind, the values.
    Empty figures when DuckDB is not installed (it is a benchmark-only dependency)."""
    try:
        import duckdb
    except ImportError:
        return "", 0.0, {}, {}
    connection = duckdb.connect()
    # Instants as seconds since 1970 as goalline stores them, and the local time beside them.
    local = "strptime(left({0}, 19), '%Y-%m-%dT%H:%M:%S')"
    instant = f"epoch({local}) - {OFFSET}"
    started = time.perf_counter()
    connection.execute(
        f"CREATE TABLE tickets AS SELECT id, {instant.format('created_at')} AS created_at,"
        f" {local.format('created_at')} AS local_created, channel, priority,"
        f" first_response_min, status, {instant.format('resolved_at')} AS resolved_at, reopened"
        f" FROM read_csv('{csv_path}', types = {{'created_at': 'VARCHAR',"
        " 'resolved_at': 'VARCHAR'})"
    )
    load = time.perf_counter() - started
    took: dict[str, float] = {}
    values: Values = {}
    for (kind, _), sql in plain_queries("duckdb").items():
        took[kind] = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            rows = connection.execute(sql, period_bounds()).fetchall()
            took[kind] = min(took[kind], time.perf_counter() - started)
        for number, ident in enumerate(INDICATORS, start=1):
            values[ident, kind] = {row[0]: row[number] for row in rows}
    connection.close()
    return duckdb.__version__, load, took, values


def merged_queries(plan_path: Path, db: Path) -> dict[str, float]:
    """goalline's own query per cycle layout (what evaluation runs), run again alone."""
    checked = check_plan(str(plan_path), plan_path.read_text(encoding="utf-8"))
    plan = checked.plan
    assert plan is not None
    as_of = parse_as_of(AS_OF, ZoneInfo(TIMEZONE))
    chosen: dict[tuple[Any, ...], list[Any]] = {}
    for goal in plan.goals:
        ranges = layout(plan, goal, as_of).ranges
        indicator = plan.get(goal.indicator.id if goal.indicator else "")
        if indicator not in chosen.setdefault(ranges, []):
            chosen[ranges].append(indicator)
    store = Store.open(str(db))
    took: dict[str, float] = {}
    for ranges, indicators in chosen.items():
        query, _ = compile_layout(indicators, plan, ranges, SQLITE)
        kind = "monthly" if len(ranges) <= 12 else "weekly"
        took[kind], _ = best_of(REPEATS, lambda q=query: run_query(store, q))
    store.close()
    return took


def evaluate_in_process(plan: Path, db: Path) -> Any:
    """What `goalline evaluate PLAN --db DB --as-of 2027-01-01 --format json` does."""
    as_of = parse_as_of(AS_OF, ZoneInfo(TIMEZONE))
    store = Store.open(str(db))
    try:
        outcome = run(str(plan), store, as_of)
        assert outcome.report is not None, [d.headline() for d in outcome.errors[:3]]
        to_json(outcome.report)
    finally:
        store.close()
    return outcome


def kind_of(goal_id: str) -> tuple[str, str]:
    """(indicator, cycle kind) of a generated goal, from its id (g001_resolved_monthly)."""
    _, rest = goal_id.split("_", 1)
    ident, kind = rest.rsplit("_", 1)
    return ident, kind


def compare(outcome: Any, bare: Values, who: str) -> int:
    """Every goal cycle's value against another's; stops the benchmark on a difference."""
    compared = 0
    for goal in outcome.report.goals:
        values = bare[kind_of(goal.id)]
        for cycle in goal.cycles:
            expected = values.get(cycle.index)
            ok = (
                cycle.value is None
                if expected is None
                else cycle.value is not None
                and math.isclose(cycle.value, expected, rel_tol=0, abs_tol=TOLERANCE)
            )
            if not ok:
                sys.exit(
                    f"goalline and {who} disagree: goal {goal.id}, cycle {cycle.index}"
                    f" ({cycle.start}): goalline {cycle.value!r}, {who} {expected!r}"
                )
            compared += 1
    return compared


def compare_json(text: str, outcome: Any) -> None:
    """The process's JSON report holds the in-process values (rounded to 6 decimals)."""
    report = json.loads(text)
    goals = {g.id: g for g in outcome.report.goals}
    if len(report["goals"]) != len(goals):
        sys.exit(f"the JSON report has {len(report['goals'])} goals, not {len(goals)}")
    for goal in report["goals"]:
        for cycle, mine in zip(goal["cycles"], goals[goal["id"]].cycles, strict=True):
            value, expected = cycle["value"], mine.value
            if (value is None) != (expected is None) or (
                value is not None and abs(value - expected) > TOLERANCE
            ):
                sys.exit(f"the JSON report differs in goal {goal['id']}: {value} / {expected}")


def goalline_import(
    csv_path: Path, db: Path, work: Path, times: tuple[str, ...] | None = None
) -> tuple[float, float, int, str]:
    """`goalline import` as a process; `times` replaces the --time options of both columns."""
    argv = [goalline_command(), "import", str(csv_path), "--db", str(fresh(db))]
    argv += ["--table", "tickets"]
    argv += times or tuple(arg for column in TIME_COLUMNS for arg in ("--time", column))
    return run_process(argv, work / "import.out")


DAY_FIRST = "%d-%m-%Y %H:%M:%S"
# created_at as a spreadsheet export writes it: day first, local time, no offset.
DAY_FIRST_TIMES = (
    "--time-format", f"created_at={DAY_FIRST}", "--time", "resolved_at",
    "--timezone", "Asia/Shanghai",
)  # fmt: skip


def day_first_file(csv_path: Path) -> Path:
    """The cached copy of `csv_path` whose created_at is written day first (05-03-2026
    09:14:27, the +08:00 dropped), for the import of a --time-format column."""
    path = csv_path.with_name(csv_path.stem + "-dmy.csv")
    if path.exists():
        return path
    partial = path.with_suffix(".part")
    with (
        csv_path.open(encoding="utf-8", newline="") as source,
        partial.open("w", encoding="utf-8", newline="") as out,
    ):
        out.write(source.readline())
        for line in source:
            ident, at, rest = line.split(",", 2)  # at: 2026-03-05T09:14:27+08:00
            out.write(f"{ident},{at[8:10]}-{at[5:7]}-{at[:4]} {at[11:19]},{rest}")
    partial.replace(path)
    return path


def count_rows(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT count(*) FROM tickets").fetchone()[0])
    finally:
        connection.close()


def target(label: str, figure: str, goal: str, ok: bool) -> None:
    print(f"  {label:<36} {figure:>9}   {goal:<9} {verdict(ok)}")


# ---------------------------------------------------------------- the benchmark


def main() -> None:
    began = time.perf_counter()
    plan_text = make_plan()
    checked = check_plan("engine-bench.goal", plan_text)
    if checked.diagnostics:  # the generator must produce a plan that checks cleanly
        for diagnostic in checked.diagnostics[:5]:
            print(diagnostic.headline())
        sys.exit("the generated plan does not check cleanly; fix make_plan()")
    assert checked.plan is not None

    print(
        f"goalline engine benchmark (Python {sys.version.split()[0]},"
        f" SQLite {sqlite3.sqlite_version})"
    )
    print()
    big, note_big = tickets_file(ROWS, SEED)
    small, note_small = tickets_file(SMALL_ROWS, SEED + 1)
    print(f"data: {note_big}")
    print(f"      {note_small}")

    with tempfile.TemporaryDirectory(prefix="goalline-bench-") as folder:
        work = Path(folder)
        plan = work / "engine-bench.goal"
        plan.write_text(plan_text, encoding="utf-8")
        store, small_store = work / "store.db", work / "small.db"

        # ------------------------------------------------------------ import
        # Interleaved, best of IMPORT_REPEATS each, so that a busy moment of the machine
        # does not land on one side only.
        import_s = bare_s = float("inf")
        import_mb = 0.0
        for _ in range(IMPORT_REPEATS):
            took, peak, code, message = goalline_import(big, store, work)
            if code != 0:
                sys.exit(f"goalline import failed (exit {code}): {message}")
            import_s, import_mb = min(import_s, took), max(import_mb, peak)
            bare_s = min(bare_s, bare_import(big, work / "bare.db"))
        if count_rows(store) != ROWS or count_rows(work / "bare.db") != ROWS:
            sys.exit("an import did not write every row")
        index_s = bare_indexes(work / "bare.db")
        parsed_s = bare_insert_parsed(big, work / "parsed.db")
        if goalline_import(small, small_store, work)[2] != 0:
            sys.exit(f"goalline import of the {SMALL_ROWS:,}-row file failed")
        # The same rows with created_at written day first, read by its --time-format.
        dmy = day_first_file(big)
        dmy_s = dmy_bare_s = float("inf")
        for _ in range(IMPORT_REPEATS):
            took, _, code, message = goalline_import(dmy, work / "dmy.db", work, DAY_FIRST_TIMES)
            if code != 0:
                sys.exit(f"goalline import --time-format failed (exit {code}): {message}")
            dmy_s = min(dmy_s, took)
            dmy_bare_s = min(dmy_bare_s, bare_import(dmy, work / "bare.db"))
        if count_rows(work / "dmy.db") != ROWS:
            sys.exit("the --time-format import did not write every row")
        for leftover in ("bare.db", "parsed.db", "dmy.db"):
            fresh(work / leftover)
        import_ratio = import_s / bare_s
        dmy_ratio = dmy_s / dmy_bare_s

        print()
        print(
            f"import: {ROWS:,} rows, {len(COLUMNS)} columns (2 of them times),"
            f" {big.stat().st_size / 2**20:.0f} MB of CSV; best of {IMPORT_REPEATS}"
        )
        print(
            f"  goalline import (a process)               {import_s:6.2f} s"
            f"   peak {import_mb:.0f} MB per process (writer, reader)"
        )
        print(f"  bare: csv.reader -> one executemany       {bare_s:6.2f} s   (in this process)")
        print(f"  ratio goalline / bare                     {import_ratio:6.2f}x")
        with_index_s = bare_s + index_s
        print(
            f"  for reference: bare, then the 2 indexes   {with_index_s:6.2f} s"
            f"   (goalline / this {import_s / with_index_s:.2f}x)"
        )
        print(
            f"  stricter: executemany of parsed rows      {parsed_s:6.2f} s"
            f"   (CSV read beforehand; goalline / this {import_s / parsed_s:.2f}x)"
        )
        print(f"  created_at day first, --time-format '{DAY_FIRST}' (no offset, in Asia/Shanghai):")
        print(f"  goalline import (a process)               {dmy_s:6.2f} s")
        print(f"  bare: csv.reader -> one executemany       {dmy_bare_s:6.2f} s")
        print(f"  ratio goalline / bare                     {dmy_ratio:6.2f}x")

        # ------------------------------------------------------------ evaluate
        eval_s, outcome = best_of(REPEATS, lambda: evaluate_in_process(plan, store))
        argv = [goalline_command(), "evaluate", str(plan), "--db", str(store)]
        process_s, process_mb, code, message = run_process(
            [*argv, "--as-of", AS_OF, "--format", "json"], work / "report.json"
        )
        if code != 0:
            sys.exit(f"goalline evaluate failed (exit {code}): {message}")
        compare_json((work / "report.json").read_text(encoding="utf-8"), outcome)
        merged_took = merged_queries(plan, store)
        plain_took, plain_values = run_plain(store, REPEATS)
        compared = compare(outcome, plain_values, "the plain SQL")
        duck_version, duck_load, duck_took, duck_values = duckdb_figures(big, REPEATS)
        if duck_values:
            compare(outcome, duck_values, "DuckDB")
        shapes = ("grouped", "joined")
        plain_s = {shape: sum(plain_took[k, shape] for k in KINDS) for shape in shapes}
        baseline_shape = min(shapes, key=lambda shape: plain_s[shape])
        baseline_s = plain_s[baseline_shape]
        eval_ratio = eval_s / baseline_s

        print()
        print(
            f"evaluate: {len(outcome.report.goals)} goals, {len(INDICATORS)} indicators,"
            f" {ROWS:,} rows; one query per cycle layout"
        )
        print(
            f"  {'query time (s), best of ' + str(REPEATS):<44}"
            f" {'monthly':>8} {'weekly':>8} {'both':>8}"
        )

        def row(label: str, figures: dict[str, float]) -> None:
            both = sum(figures.values())
            print(
                f"  {label:<44} {figures['monthly']:>8.3f} {figures['weekly']:>8.3f} {both:>8.3f}"
            )

        row("goalline's query (what evaluate runs), alone", merged_took)
        row(
            "plain SQL, GROUP BY the local month or week",
            {k: plain_took[k, "grouped"] for k in KINDS},
        )
        row(
            "plain SQL, the cycles joined via the index",
            {k: plain_took[k, "joined"] for k in KINDS},
        )
        if duck_took:
            row(f"DuckDB {duck_version}, the same GROUP BY, in memory", duck_took)
        print(
            "  (plain SQL: every indicator's aggregates in one query, p90 by a full sort in"
            " Python;"
            f"\n  DuckDB loaded the CSV in {duck_load:.2f} s first, not counted)"
            if duck_took
            else "  (plain SQL: every indicator's aggregates in one query, p90 by a full sort in"
            " Python;\n  DuckDB: not installed; `pip install -e '.[bench]'` adds it)"
        )
        agreed = "the plain SQL's and DuckDB's" if duck_values else "the plain SQL's"
        print(f"  values agree: all {compared:,} goal cycles equal {agreed} to {TOLERANCE:g}")
        print(f"  goalline evaluate, in-process (best of {REPEATS}) {eval_s:6.2f} s")
        print(
            f"  goalline evaluate, a process (once)       {process_s:6.2f} s"
            f"   peak {process_mb:.0f} MB"
        )
        print(f"  baseline: the faster plain SQL ({baseline_shape})   {baseline_s:6.2f} s")
        print(f"  ratio goalline / baseline                 {eval_ratio:6.2f}x")
        if duck_took:
            duck_s = sum(duck_took.values())
            print(
                f"  DuckDB, the same values                   {duck_s:6.2f} s"
                f"   (goalline / DuckDB {eval_s / duck_s:.0f}x)"
            )

        # ------------------------------------------------------------ growth
        small_s, _ = best_of(REPEATS, lambda: evaluate_in_process(plan, small_store))
        growth = eval_s / small_s
        print()
        print(f"growth: evaluate in-process, best of {REPEATS}")
        print(f"  {SMALL_ROWS:>9,} rows  {small_s:6.2f} s")
        print(f"  {ROWS:>9,} rows  {eval_s:6.2f} s   ({growth:.2f}x the time for 10x the rows)")

    print()
    print("targets")
    target(
        "evaluate, 1M rows, 100 goals",
        f"{eval_s:.2f} s",
        f"< {MAX_EVALUATE:g} s",
        eval_s < MAX_EVALUATE,
    )
    target(
        "evaluate / plain SQL baseline",
        f"{eval_ratio:.2f}x",
        f"<= {MAX_EVALUATE_RATIO:g}x",
        eval_ratio <= MAX_EVALUATE_RATIO,
    )
    target("import, 1M rows", f"{import_s:.2f} s", f"< {MAX_IMPORT:g} s", import_s < MAX_IMPORT)
    target(
        "import / bare executemany",
        f"{import_ratio:.2f}x",
        f"<= {MAX_IMPORT_RATIO:g}x",
        import_ratio <= MAX_IMPORT_RATIO,
    )
    target(
        "import --time-format / bare",
        f"{dmy_ratio:.2f}x",
        f"<= {MAX_IMPORT_RATIO:g}x",
        dmy_ratio <= MAX_IMPORT_RATIO,
    )
    target(
        "import peak memory, both processes",
        f"<= {2 * import_mb:.0f} MB",
        f"< {MAX_IMPORT_MB:g} MB",
        2 * import_mb < MAX_IMPORT_MB,
    )
    target(
        "evaluate growth, 100k -> 1M rows",
        f"{growth:.2f}x",
        f"<= {MAX_GROWTH:g}x",
        growth <= MAX_GROWTH,
    )
    print(f"\n(whole benchmark {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
