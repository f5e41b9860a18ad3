"""The sample data generator (`dsl.sample_data`): deterministic, lazy, shaped like the tables
the sample plan's header comment describes, and telling the story its docstring tells.

The story tests compute the plan's indicators here, in plain Python, over the generated rows
grouped by local (Asia/Shanghai) calendar month, week or day, and judge them with the
targets and thresholds read from `sample-plans/customer-support.goal` itself, by the status
rules of the language design (first match wins: no value, critical, target missed, warn)."""

from __future__ import annotations

import bisect
import csv
import itertools
import math
import operator
import re
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dsl.api import check_plan
from dsl.demo import data as sd
from dsl.language import model as m

from ..helpers import REPO

PLAN_PATH = REPO / "sample-plans" / "customer-support.goal"
LOCAL = ZoneInfo("Asia/Shanghai")
MONTHS = tuple(f"2026-{n:02d}" for n in range(1, 13))

TICKET_STATUSES = {"open", "pending", "resolved", "closed"}
RESOLVED = {"resolved", "closed"}
PRESSING = {"urgent", "high"}
OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


# ---------------------------------------------------------------- the plan


@pytest.fixture(scope="module")
def sample_plan() -> m.Plan:
    checked = check_plan(str(PLAN_PATH))
    assert checked.plan is not None, checked.diagnostics
    return checked.plan


def header_columns() -> dict[str, list[str]]:
    """The tables and columns listed in the plan's header comment."""
    tables: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in PLAN_PATH.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if table := re.match(r"#   (\w+)  ", line):
            current = tables.setdefault(table.group(1), [])
        elif (column := re.match(r"#     (\w+)  ", line)) and current is not None:
            current.append(column.group(1))
    return tables


def status(plan: m.Plan, goal_id: str, value: float | None, cycle_start: date) -> str:
    """The status of one cycle of a level goal, as the language design defines it."""
    goal = plan.get(goal_id)
    assert isinstance(goal, m.Goal) and goal.critical and goal.warn
    if value is None:
        return "no_data"
    if OPS[goal.critical.cmp](value, goal.critical.value):
        return "critical"
    in_force = [t for t in goal.targets if t.start is None or t.start <= cycle_start]
    target = max(in_force, key=lambda t: t.start or date.min)
    assert target.cmp is not None and target.value is not None
    if not OPS[target.cmp](value, target.value):
        return "breached"
    if OPS[goal.warn.cmp](value, goal.warn.value):
        return "warning"
    return "met"


def at_least_breached(statuses: Iterable[str]) -> list[bool]:
    return [s in ("breached", "critical") for s in statuses]


def longest_run(flags: Sequence[bool]) -> int:
    return max((len(list(g)) for k, g in itertools.groupby(flags) if k), default=0)


# ---------------------------------------------------------------- indicators, computed here


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default, PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def local(stamp: object) -> datetime:
    assert isinstance(stamp, str)
    return datetime.fromisoformat(stamp).astimezone(LOCAL)


def csat(surveys: Sequence[dict[str, object]]) -> float | None:
    scores = [s["score"] for s in surveys]
    return 100 * sum(1 for s in scores if isinstance(s, int) and s >= 4) / len(scores)


def resolution_rate(tickets: Sequence[dict[str, object]]) -> float:
    return 100 * sum(t["status"] in RESOLVED for t in tickets) / len(tickets)


def reopen_rate(tickets: Sequence[dict[str, object]]) -> float:
    resolved = [t for t in tickets if t["resolved_at"] != ""]
    return 100 * sum(t["reopened"] == 1 for t in tickets) / len(resolved)


def number(value: object) -> float:
    assert isinstance(value, int | float)
    return float(value)


def first_response_p90(tickets: Iterable[dict[str, object]]) -> float | None:
    return percentile([number(t["first_response_min"]) for t in tickets], 90)


def resolution_hours_median(tickets: Iterable[dict[str, object]]) -> float | None:
    hours = [
        (local(t["resolved_at"]) - local(t["created_at"])).total_seconds() / 3600
        for t in tickets
        if t["resolved_at"] != ""
    ]
    return percentile(hours, 50)


def weeks() -> list[tuple[date, date]]:
    """Weekly cycles (Monday to Sunday), clipped to the period: (first day, day after)."""
    cycles, day = [], date(2026, 1, 1)
    while day <= date(2026, 12, 31):
        following = day + timedelta(days=7 - day.weekday())
        cycles.append((day, min(following, date(2027, 1, 1))))
        day = following
    return cycles


# ---------------------------------------------------------------- one year at scale 1.0


class Year:
    """The default year (seed 2026, scale 1.0), grouped by local month, week and day."""

    def __init__(self) -> None:
        self.tickets = list(sd.tickets())
        self.surveys = list(sd.surveys())
        self.created = [local(t["created_at"]) for t in self.tickets]
        self.by_month: dict[str, list[dict[str, object]]] = defaultdict(list)
        self.by_day: dict[date, list[dict[str, object]]] = defaultdict(list)
        for ticket, created in zip(self.tickets, self.created, strict=True):
            self.by_month[created.strftime("%Y-%m")].append(ticket)
            self.by_day[created.date()].append(ticket)
        self.surveys_by_month: dict[str, list[dict[str, object]]] = defaultdict(list)
        for survey in self.surveys:
            self.surveys_by_month[local(survey["answered_at"]).strftime("%Y-%m")].append(survey)

    def between(self, first: date, after: date) -> list[dict[str, object]]:
        """Tickets created on local days first .. after - 1 (rows are in time order)."""
        start = datetime(first.year, first.month, first.day, tzinfo=LOCAL)
        end = datetime(after.year, after.month, after.day, tzinfo=LOCAL)
        return self.tickets[
            bisect.bisect_left(self.created, start) : bisect.bisect_left(self.created, end)
        ]

    def monthly(self, plan: m.Plan, goal_id: str) -> dict[str, str]:
        compute: dict[str, Callable[[str], float | None]] = {
            "satisfied": lambda month: csat(self.surveys_by_month[month]),
            "resolve_rate": lambda month: resolution_rate(self.by_month[month]),
            "solved_for_good": lambda month: reopen_rate(self.by_month[month]),
        }
        return {
            month: status(plan, goal_id, compute[goal_id](month), date.fromisoformat(month + "-01"))
            for month in MONTHS
        }

    def quick_answer(self, plan: m.Plan) -> list[tuple[date, float | None, str]]:
        """Weekly, each week's value over the trailing 28 days."""
        result = []
        for first, after in weeks():
            value = first_response_p90(self.between(after - timedelta(days=28), after))
            result.append((first, value, status(plan, "quick_answer", value, first)))
        return result

    def fast_resolution(self, plan: m.Plan) -> list[tuple[date, float | None, str]]:
        result = []
        for first, after in weeks():
            value = resolution_hours_median(self.between(first, after))
            result.append((first, value, status(plan, "fast_resolution", value, first)))
        return result

    def urgent_first(self, plan: m.Plan) -> list[tuple[date, str]]:
        result = []
        for n in range(365):
            day = date(2026, 1, 1) + timedelta(days=n)
            pressing = [t for t in self.by_day.get(day, []) if t["priority"] in PRESSING]
            result.append((day, status(plan, "urgent_first", first_response_p90(pressing), day)))
        return result


@pytest.fixture(scope="module")
def year() -> Year:
    return Year()


# ---------------------------------------------------------------- determinism and shape


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert list(sd.tickets(seed=7, scale=0.05)) == list(sd.tickets(seed=7, scale=0.05))
    assert list(sd.surveys(seed=7, scale=0.05)) == list(sd.surveys(seed=7, scale=0.05))
    assert list(sd.tickets(seed=7, scale=0.05)) != list(sd.tickets(seed=8, scale=0.05))
    assert list(sd.surveys(seed=7, scale=0.05)) != list(sd.surveys(seed=8, scale=0.05))
    assert sd.nps_values(7) == sd.nps_values(7) != sd.nps_values(8)


def test_row_counts(year: Year) -> None:
    assert 57_000 <= len(year.tickets) <= 63_000
    assert 0.30 <= len(year.surveys) / len(year.tickets) <= 0.37
    tenth = sum(1 for _ in sd.tickets(scale=0.1))
    assert 5_600 <= tenth <= 6_400


def test_columns_are_those_of_the_plan_header() -> None:
    assert header_columns() == {
        "tickets": list(sd.TICKET_COLUMNS),
        "surveys": list(sd.SURVEY_COLUMNS),
    }


def test_ticket_values_have_the_right_types(year: Year) -> None:
    for number, ticket in enumerate(year.tickets, start=1):
        assert tuple(ticket) == sd.TICKET_COLUMNS
        assert ticket["id"] == f"T-{number:06d}"
        created = ticket["created_at"]
        assert isinstance(created, str) and created.endswith("+08:00")
        assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", created)
        assert ticket["channel"] in ("phone", "email", "chat", "wechat")
        assert ticket["priority"] in ("urgent", "high", "normal", "low")
        first_response = ticket["first_response_min"]
        assert type(first_response) is float and first_response > 0
        assert ticket["status"] in TICKET_STATUSES
        resolved = ticket["resolved_at"]
        assert isinstance(resolved, str)
        assert (resolved != "") == (ticket["status"] in RESOLVED)
        if resolved:
            assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", resolved)
            assert local(resolved) > local(created)
        assert type(ticket["reopened"]) is int and ticket["reopened"] in (0, 1)


def test_survey_values_have_the_right_types_and_point_at_real_tickets(year: Year) -> None:
    created = {t["id"]: t["created_at"] for t in year.tickets}
    for number, survey in enumerate(year.surveys, start=1):
        assert tuple(survey) == sd.SURVEY_COLUMNS
        assert survey["id"] == f"S-{number:06d}"
        answered = survey["answered_at"]
        assert isinstance(answered, str)
        assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", answered)
        assert survey["ticket_id"] in created
        assert local(answered) > local(created[survey["ticket_id"]])
        assert survey["channel"] in ("phone", "email", "chat", "wechat", "web")
        assert type(survey["score"]) is int and 1 <= survey["score"] <= 5
    assert len({s["ticket_id"] for s in year.surveys}) == len(year.surveys)


def test_rows_are_in_time_order_within_the_year(year: Year) -> None:
    assert year.created == sorted(year.created)
    answered = [local(s["answered_at"]) for s in year.surveys]
    assert answered == sorted(answered)
    assert year.created[0].date() >= date(2026, 1, 1)
    assert max(year.created[-1], answered[-1]).date() <= date(2026, 12, 31)


def test_plausible_shares(year: Year) -> None:
    def share(key: str, value: str) -> float:
        return sum(t[key] == value for t in year.tickets) / len(year.tickets)

    assert 0.35 <= share("channel", "chat") <= 0.50
    assert 0.25 <= share("channel", "phone") <= 0.40
    assert 0.03 <= share("channel", "wechat") <= 0.12  # only from mid-September
    assert share("priority", "urgent") < share("priority", "high") < share("priority", "normal")
    weekend = sum(c.weekday() >= 5 for c in year.created) / len(year.created)
    assert 0.15 <= weekend <= 2 / 7
    night = sum(c.hour < 7 for c in year.created) / len(year.created)
    assert night < 0.05
    responses = [number(t["first_response_min"]) for t in year.tickets]
    median = percentile(responses, 50)
    assert median is not None and 2 <= median <= 10 < (percentile(responses, 90) or 0)
    assert 0.02 <= sum(t["reopened"] == 1 for t in year.tickets) / len(year.tickets) <= 0.06


def test_seasonality(year: Year) -> None:
    per_day = {month: len(year.by_month[month]) for month in MONTHS}
    ordinary = (per_day["2026-04"] + per_day["2026-05"]) / 2
    assert per_day["2026-11"] > 1.6 * ordinary
    assert per_day["2026-06"] > 1.2 * ordinary
    peak = len(year.by_day[date(2026, 11, 11)])
    assert peak > 2.5 * len(year.by_day[date(2026, 4, 15)])


def test_scale_changes_the_volume_and_must_be_positive() -> None:
    assert sum(1 for _ in sd.tickets(scale=0.02)) < sum(1 for _ in sd.tickets(scale=0.05))
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="scale"):
            sd.tickets(scale=bad)
        with pytest.raises(ValueError, match="scale"):
            sd.surveys(scale=bad)


def test_scale_20_streams_lazily() -> None:
    tracemalloc.start()
    try:
        first = list(itertools.islice(sd.tickets(scale=20), 4_000))
        answered = list(itertools.islice(sd.surveys(scale=20), 1_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40_000_000  # a whole year at this scale is over a million rows
    assert str(first[-1]["created_at"]) < "2026-01-03"
    assert str(answered[-1]["answered_at"]) < "2026-01-03"


def test_write_csv(tmp_path: Path) -> None:
    paths = sd.write_csv(tmp_path / "data", seed=3, scale=0.02)
    assert paths == (tmp_path / "data" / "tickets.csv", tmp_path / "data" / "surveys.csv")
    for path, rows, columns in (
        (paths[0], sd.tickets(seed=3, scale=0.02), sd.TICKET_COLUMNS),
        (paths[1], sd.surveys(seed=3, scale=0.02), sd.SURVEY_COLUMNS),
    ):
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            assert tuple(reader.fieldnames or ()) == columns
            read = list(reader)
        assert read == [{k: str(v) for k, v in row.items()} for row in rows]
    text = paths[0].read_text(encoding="utf-8")
    assert re.search(r",(open|pending),,[01]\r?\n", text)  # resolved_at empty when unresolved


def test_nps_values_tell_their_story(sample_plan: m.Plan) -> None:
    values = sd.nps_values()
    assert [local(stamp).month for stamp, _ in values] == [3, 6, 9, 12]
    assert all(stamp.endswith("+08:00") and isinstance(v, float) for stamp, v in values)
    statuses = [status(sample_plan, "promoters", v, local(s).date()) for s, v in values]
    assert statuses == ["breached", "warning", "met", "critical"]


def test_milestone_completions(sample_plan: m.Plan) -> None:
    """The knowledge base is late but inside its buffer; the others are done on time."""
    done = dict(sd.milestone_completions())
    milestones = {ms.id: ms for ms in sample_plan.milestones}
    assert set(done) == set(milestones)
    knowledge_base = milestones["knowledge_base"]
    assert knowledge_base.due is not None
    assert knowledge_base.due < done["knowledge_base"] <= knowledge_base.due + timedelta(weeks=2)
    for name in ("chatbot", "wechat_service"):
        due = milestones[name].due
        assert due is not None and done[name] <= due


# ---------------------------------------------------------------- the story


def test_satisfaction_story(year: Year, sample_plan: m.Plan) -> None:
    statuses = year.monthly(sample_plan, "satisfied")
    assert statuses["2026-11"] == "critical"  # Double 11
    assert statuses["2026-12"] == "warning"  # recovering
    assert statuses["2026-06"] == "breached"  # 618 and the new chatbot
    assert statuses["2026-02"] == statuses["2026-03"] == "warning"  # warning 2 times in a row
    others = [s for month, s in statuses.items() if month not in ("2026-02", "2026-03")]
    assert others.count("met") == 7  # January, April, May, July to October


def test_satisfaction_values(year: Year) -> None:
    """The same story in numbers, against the lines of the plan (90, warn 92, critical 85)."""
    value = {month: csat(year.surveys_by_month[month]) or 0.0 for month in MONTHS}
    assert value["2026-11"] < 85
    assert 90 <= value["2026-02"] < 92 and 90 <= value["2026-03"] < 92
    assert 90 <= value["2026-12"] < 92
    assert sum(v >= 92 for v in value.values()) >= 7


def test_resolution_rate_breached_three_months_in_a_row(year: Year, sample_plan: m.Plan) -> None:
    statuses = year.monthly(sample_plan, "resolve_rate")
    assert [statuses[f"2026-{n:02d}"] for n in range(6, 13)] == [
        "warning",  # June, 618
        "warning",  # July: the target tightens to 88
        "breached",
        "breached",
        "breached",  # breached 3 times in a row: the director and response_plan
        "critical",  # Double 11
        "warning",  # December recovers
    ]
    assert statuses["2026-02"] == "warning"
    assert [statuses[m] for m in ("2026-01", "2026-03", "2026-04", "2026-05")] == ["met"] * 4


def test_reopen_story(year: Year, sample_plan: m.Plan) -> None:
    """Reopened tickets creep up in the autumn; the target tightens from 5 % to 4 % in
    October, so the year ends breached three months in a row."""
    statuses = year.monthly(sample_plan, "solved_for_good")
    assert {statuses[m] for m in ("2026-02", "2026-09")} == {"warning"}
    assert [statuses[m] for m in ("2026-10", "2026-11", "2026-12")] == ["breached"] * 3
    assert list(statuses.values()).count("met") == 7


def test_callback_values_tell_their_story(sample_plan: m.Plan) -> None:
    """Recorded on the last day of each month from January to November; December's is not
    in yet, so the year ends without data for `called_back`."""
    values = sd.callback_values()
    assert [local(stamp).date() for stamp, _ in values] == [
        date(2026, n + 1, 1) - timedelta(days=1) for n in range(1, 12)
    ]
    statuses = [status(sample_plan, "called_back", v, local(s).date()) for s, v in values]
    assert statuses == [
        "met",
        "breached",  # the New Year holiday's skeleton crew
        "warning",
        "met",
        "met",
        "warning",  # 618
        "met",
        "met",
        "met",
        "warning",
        "breached",  # Double 11
    ]


def test_monthly_first_response(year: Year) -> None:
    """p90 first response per month: far over its target in November, warning in February."""
    value = {month: first_response_p90(year.by_month[month]) or 0.0 for month in MONTHS}
    assert value["2026-11"] > 60
    assert 18 < value["2026-02"] <= 30
    for month in ("2026-01", "2026-04", "2026-05", "2026-07", "2026-08", "2026-09", "2026-12"):
        assert value[month] <= 18, month


def test_quick_answer_breaches_weeks_in_a_row(year: Year, sample_plan: m.Plan) -> None:
    cycles = year.quick_answer(sample_plan)
    statuses = [s for _, _, s in cycles]
    before_november = [s for first, _, s in cycles if first < date(2026, 10, 26)]
    assert "breached" not in before_november and "critical" not in before_november
    assert "warning" in before_november
    autumn = [s for first, _, s in cycles if first >= date(2026, 10, 26)]
    assert longest_run(at_least_breached(autumn)) >= 3  # breached 3 times in a row
    assert "critical" in autumn and "breached" in autumn
    assert statuses[-1] == "met"  # recovered by the end of December
    assert statuses.count("met") > len(statuses) / 2


def test_urgent_first_daily(year: Year, sample_plan: m.Plan) -> None:
    days = year.urgent_first(sample_plan)
    no_data = [day for day, s in days if s == "no_data"]
    assert no_data == [date(2026, 8, 22), date(2026, 8, 23)]  # the server move
    november = [s for day, s in days if day.month == 11]
    assert longest_run(at_least_breached(november)) >= 3
    assert "critical" in november
    before = [s for day, s in days if day.month < 11]
    assert longest_run(at_least_breached(before)) < 3
    assert sum(at_least_breached(s for _, s in days)) >= 10  # breached 10 times
    assert [s for _, s in days].count("met") > 300


def test_fast_resolution_weekly(year: Year, sample_plan: m.Plan) -> None:
    cycles = year.fast_resolution(sample_plan)
    status_of = {first: s for first, _, s in cycles}
    assert status_of[date(2026, 11, 9)] == "critical"  # the Double 11 week
    assert status_of[date(2026, 11, 2)] == status_of[date(2026, 11, 16)] == "breached"
    february = [s for first, _, s in cycles if first.month == 2]
    assert "warning" in february and set(february) <= {"met", "warning"}
    assert [s for first, _, s in cycles if first.month == 1] == ["met"] * 5


def test_resolved_volume_is_ahead_of_pace(year: Year) -> None:
    """20,000 by 31 December: the straight line from 0 is passed at every month end."""
    resolved = 0
    for number, month in enumerate(MONTHS, start=1):
        resolved += sum(t["status"] in RESOLVED for t in year.by_month[month])
        last_day = date(2026, 12, 31) if number == 12 else date(2026, number + 1, 1) - timedelta(1)
        expected = 20_000 * ((last_day - date(2026, 1, 1)).days + 1) / 365
        assert resolved >= expected


def test_every_status_appears(year: Year, sample_plan: m.Plan) -> None:
    seen = {
        *year.monthly(sample_plan, "satisfied").values(),
        *year.monthly(sample_plan, "resolve_rate").values(),
        *year.monthly(sample_plan, "solved_for_good").values(),
        *(s for _, _, s in year.quick_answer(sample_plan)),
        *(s for _, _, s in year.fast_resolution(sample_plan)),
        *(s for _, s in year.urgent_first(sample_plan)),
    }
    assert seen == {"met", "warning", "breached", "critical", "no_data"}
