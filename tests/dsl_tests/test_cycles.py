"""Cycles of a plan period: calendar alignment, clipping, `every N` counting, local midnight
across daylight-saving changes and midnight jumps, and `--as-of` parsing."""

from __future__ import annotations

import itertools
import re
import time
from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.language.cycles import CycleSpan, cycle_spans, local_date, local_midnight, parse_as_of
from dsl.language.model import Cycle, CycleUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
UTC_ZONE = ZoneInfo("UTC")
HOUR = timedelta(hours=1)
D = date.fromisoformat


def at(text: str) -> datetime:
    """An instant written in UTC, as `2025-12-31T16:00`."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def dates(spans: tuple[CycleSpan, ...]) -> list[tuple[str, str]]:
    return [(s.start.isoformat(), s.end.isoformat()) for s in spans]


def spans(
    unit: CycleUnit, start: str, end: str, tz: ZoneInfo = UTC_ZONE, every: int = 1
) -> tuple[CycleSpan, ...]:
    return cycle_spans(Cycle(unit=unit, every=every), D(start), D(end), tz)


# ---------------------------------------------------------------- calendar cycles


def test_monthly_in_shanghai_has_twelve_cycles_from_local_midnight_to_local_midnight() -> None:
    result = spans("monthly", "2026-01-01", "2026-12-31", SHANGHAI)
    assert len(result) == 12
    assert [s.index for s in result] == list(range(12))
    assert [s.start for s in result] == [date(2026, m, 1) for m in range(1, 13)]
    assert result[1].end == D("2026-02-28")
    assert result[0].starts_at == at("2025-12-31T16:00")
    assert result[0].ends_at == at("2026-01-31T16:00")
    assert result[-1].start == D("2026-12-01")
    assert result[-1].end == D("2026-12-31")
    assert result[-1].ends_at == at("2026-12-31T16:00")
    assert all(s.starts_at.tzinfo is UTC and s.ends_at.tzinfo is UTC for s in result)


def test_weekly_starts_on_monday_and_clips_the_first_and_last_weeks() -> None:
    result = spans("weekly", "2026-01-01", "2026-12-31")  # a Thursday to a Thursday
    assert dates(result)[:3] == [
        ("2026-01-01", "2026-01-04"),
        ("2026-01-05", "2026-01-11"),
        ("2026-01-12", "2026-01-18"),
    ]
    assert dates(result)[-2:] == [("2026-12-21", "2026-12-27"), ("2026-12-28", "2026-12-31")]
    assert len(result) == 53
    assert all(s.start.weekday() == 0 for s in result[1:])


def test_weekly_period_starting_on_monday_has_no_stub_week() -> None:
    assert dates(spans("weekly", "2026-01-05", "2026-01-18")) == [
        ("2026-01-05", "2026-01-11"),
        ("2026-01-12", "2026-01-18"),
    ]


def test_quarterly_is_calendar_aligned_and_clipped_to_the_period() -> None:
    assert dates(spans("quarterly", "2026-02-15", "2026-11-10")) == [
        ("2026-02-15", "2026-03-31"),
        ("2026-04-01", "2026-06-30"),
        ("2026-07-01", "2026-09-30"),
        ("2026-10-01", "2026-11-10"),
    ]


def test_yearly_is_clipped_to_the_period() -> None:
    assert dates(spans("yearly", "2026-02-15", "2026-11-10")) == [("2026-02-15", "2026-11-10")]
    assert dates(spans("yearly", "2025-07-01", "2027-03-31")) == [
        ("2025-07-01", "2025-12-31"),
        ("2026-01-01", "2026-12-31"),
        ("2027-01-01", "2027-03-31"),
    ]


def test_monthly_clipped_at_both_ends() -> None:
    assert dates(spans("monthly", "2026-02-15", "2026-04-10")) == [
        ("2026-02-15", "2026-02-28"),
        ("2026-03-01", "2026-03-31"),
        ("2026-04-01", "2026-04-10"),
    ]


# ---------------------------------------------------------------- every N units


def test_every_two_weeks_counts_from_the_period_start_not_from_monday() -> None:
    assert dates(spans("weeks", "2026-01-01", "2026-03-01", every=2)) == [
        ("2026-01-01", "2026-01-14"),
        ("2026-01-15", "2026-01-28"),
        ("2026-01-29", "2026-02-11"),
        ("2026-02-12", "2026-02-25"),
        ("2026-02-26", "2026-03-01"),
    ]


def test_every_three_days_clips_the_last_cycle() -> None:
    assert dates(spans("days", "2026-01-01", "2026-01-10", every=3)) == [
        ("2026-01-01", "2026-01-03"),
        ("2026-01-04", "2026-01-06"),
        ("2026-01-07", "2026-01-09"),
        ("2026-01-10", "2026-01-10"),
    ]


def test_every_month_from_the_31st_clamps_to_short_months_without_drifting() -> None:
    # Each start is counted from Jan 31, so after Feb 28 comes Mar 31, not Mar 28.
    assert dates(spans("months", "2026-01-31", "2026-06-15")) == [
        ("2026-01-31", "2026-02-27"),
        ("2026-02-28", "2026-03-30"),
        ("2026-03-31", "2026-04-29"),
        ("2026-04-30", "2026-05-30"),
        ("2026-05-31", "2026-06-15"),
    ]


def test_every_month_from_the_31st_clamps_to_february_29_in_a_leap_year() -> None:
    assert dates(spans("months", "2028-01-31", "2028-03-31")) == [
        ("2028-01-31", "2028-02-28"),
        ("2028-02-29", "2028-03-30"),
        ("2028-03-31", "2028-03-31"),
    ]


def test_every_two_months_from_the_31st() -> None:
    assert dates(spans("months", "2026-01-31", "2026-12-31", every=2)) == [
        ("2026-01-31", "2026-03-30"),
        ("2026-03-31", "2026-05-30"),
        ("2026-05-31", "2026-07-30"),
        ("2026-07-31", "2026-09-29"),
        ("2026-09-30", "2026-11-29"),
        ("2026-11-30", "2026-12-31"),
    ]


@pytest.mark.parametrize(
    ("unit", "every"),
    [
        ("daily", 1),
        ("weekly", 1),
        ("monthly", 1),
        ("quarterly", 1),
        ("yearly", 1),
        ("days", 5),
        ("weeks", 3),
        ("months", 2),
    ],
)
def test_one_day_period_has_one_cycle_of_that_day(unit: CycleUnit, every: int) -> None:
    result = spans(unit, "2026-03-08", "2026-03-08", NEW_YORK, every=every)
    assert result == (
        CycleSpan(
            index=0,
            start=D("2026-03-08"),
            end=D("2026-03-08"),
            starts_at=at("2026-03-08T05:00"),
            ends_at=at("2026-03-09T04:00"),
        ),
    )


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"the period ends \(2026-01-01\) before it starts"):
        spans("daily", "2026-01-02", "2026-01-01")


def test_every_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="'every 0 days' must count at least 1"):
        spans("days", "2026-01-01", "2026-01-31", every=0)


# ---------------------------------------------------------------- local midnight


def test_daily_in_new_york_runs_midnight_to_midnight_across_both_dst_changes() -> None:
    result = spans("daily", "2026-01-01", "2026-12-31", NEW_YORK)
    assert len(result) == 365
    by_day = {s.start: s for s in result}
    assert all(s.start == s.end for s in result)

    spring = by_day[D("2026-03-08")]
    assert (spring.starts_at, spring.ends_at) == (at("2026-03-08T05:00"), at("2026-03-09T04:00"))
    assert spring.ends_at - spring.starts_at == 23 * HOUR
    assert by_day[D("2026-03-09")].starts_at == at("2026-03-09T04:00")

    autumn = by_day[D("2026-11-01")]
    assert (autumn.starts_at, autumn.ends_at) == (at("2026-11-01T04:00"), at("2026-11-02T05:00"))
    assert autumn.ends_at - autumn.starts_at == 25 * HOUR
    assert by_day[D("2026-11-02")].starts_at == at("2026-11-02T05:00")

    lengths = {s.ends_at - s.starts_at for s in result}
    assert lengths == {23 * HOUR, 24 * HOUR, 25 * HOUR}


def test_a_day_whose_midnight_is_skipped_starts_at_the_jump() -> None:
    # São Paulo, 2018-11-04: at 00:00 -03 the clock jumped to 01:00 -02.
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    result = spans("daily", "2018-11-03", "2018-11-05", sao_paulo)
    assert [(s.starts_at, s.ends_at) for s in result] == [
        (at("2018-11-03T03:00"), at("2018-11-04T03:00")),
        (at("2018-11-04T03:00"), at("2018-11-05T02:00")),
        (at("2018-11-05T02:00"), at("2018-11-06T02:00")),
    ]
    assert local_midnight(D("2018-11-04"), sao_paulo).astimezone(sao_paulo).isoformat() == (
        "2018-11-04T01:00:00-02:00"
    )


def test_havana_skipped_midnight_and_repeated_midnight() -> None:
    havana = ZoneInfo("America/Havana")
    # 2026-03-08: 00:00 -05 jumps to 01:00 -04; the day starts at the jump.
    assert local_midnight(D("2026-03-08"), havana) == at("2026-03-08T05:00")
    # 2026-11-01: 01:00 -04 goes back to 00:00 -05; the day starts at the first 00:00.
    assert local_midnight(D("2026-11-01"), havana) == at("2026-11-01T04:00")
    autumn = spans("daily", "2026-10-31", "2026-11-01", havana)
    assert [s.ends_at - s.starts_at for s in autumn] == [24 * HOUR, 25 * HOUR]


def test_a_day_the_zone_skipped_entirely_has_no_length() -> None:
    # Samoa skipped 2011-12-30: 2011-12-29 24:00 -10 became 2011-12-31 00:00 +14.
    apia = ZoneInfo("Pacific/Apia")
    jump = at("2011-12-30T10:00")
    assert local_midnight(D("2011-12-30"), apia) == jump
    assert local_midnight(D("2011-12-31"), apia) == jump
    assert local_midnight(D("2012-01-01"), apia) == at("2011-12-31T10:00")


def test_local_midnight_in_a_half_hour_zone() -> None:
    lord_howe = ZoneInfo("Australia/Lord_Howe")  # +10:30 in winter, +11 in summer
    assert local_midnight(D("2026-07-01"), lord_howe) == at("2026-06-30T13:30")
    assert local_midnight(D("2026-01-01"), lord_howe) == at("2025-12-31T13:00")


def test_local_date_of_an_instant() -> None:
    assert local_date(at("2026-06-30T16:00"), SHANGHAI) == D("2026-07-01")
    assert local_date(at("2026-06-30T15:59:59"), SHANGHAI) == D("2026-06-30")
    assert local_date(at("2026-11-01T05:30"), NEW_YORK) == D("2026-11-01")


def test_local_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="has no time zone"):
        local_date(datetime(2026, 7, 1), SHANGHAI)


def test_a_daily_year_builds_in_well_under_ten_milliseconds() -> None:
    cycle = Cycle(unit="daily")
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        cycle_spans(cycle, D("2026-01-01"), D("2026-12-31"), NEW_YORK)
        best = min(best, time.perf_counter() - began)
    assert best < 0.010


# ---------------------------------------------------------------- --as-of


def test_as_of_a_date_is_local_midnight_at_the_start_of_that_day() -> None:
    assert parse_as_of("2026-07-01", SHANGHAI) == at("2026-06-30T16:00")
    assert parse_as_of("2026-03-08", NEW_YORK) == at("2026-03-08T05:00")


def test_as_of_with_an_offset_is_taken_as_is() -> None:
    assert parse_as_of("2026-07-01T09:30+08:00", NEW_YORK) == at("2026-07-01T01:30")
    assert parse_as_of("2026-07-01T09:30:15-03:00", SHANGHAI) == at("2026-07-01T12:30:15")


def test_as_of_with_z_is_utc() -> None:
    result = parse_as_of("2026-07-01T01:30Z", SHANGHAI)
    assert result == at("2026-07-01T01:30")
    assert result.tzinfo is UTC


def test_as_of_naive_date_time_is_local_time_in_the_plan_zone() -> None:
    assert parse_as_of("2026-07-01T09:30", SHANGHAI) == at("2026-07-01T01:30")
    assert parse_as_of("2026-07-01 09:30:00", SHANGHAI) == at("2026-07-01T01:30")


def test_as_of_naive_time_skipped_or_repeated_by_dst() -> None:
    # 02:30 never happened on 2026-03-08 in New York: read with the offset before the jump
    # (fold=0, EST), 07:30 UTC, which the clock showed as 03:30 EDT.
    assert parse_as_of("2026-03-08T02:30", NEW_YORK) == at("2026-03-08T07:30")
    # 01:30 happened twice on 2026-11-01: the first time, still on daylight time.
    assert parse_as_of("2026-11-01T01:30", NEW_YORK) == at("2026-11-01T05:30")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026-7-1",
        "20260701",
        "2026-W27-3",
        "2026-02-30",
        "2026-07-01T25:00",
        "2026-07-01T09:30+25:00",
        "2026-07-01T09:30 Asia/Shanghai",
    ],
)
def test_as_of_garbage_is_refused_with_a_plain_message(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(repr(text))} is not a"):
        parse_as_of(text, SHANGHAI)


# ---------------------------------------------------------------- properties

ZONES = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
]
UNITS: list[CycleUnit] = [
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "days",
    "weeks",
    "months",
]
LAST = date(2040, 12, 31)


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date]:
    start = draw(st.dates(date(2000, 1, 1), LAST))
    # Mostly short periods (many edge cases per second), sometimes a few years.
    length = draw(st.one_of(st.integers(0, 70), st.integers(0, 3 * 366)))
    return start, min(start + timedelta(days=length), LAST)


@settings(max_examples=300, deadline=None)
@given(
    period=periods(),
    zone=st.sampled_from(ZONES),
    unit=st.sampled_from(UNITS),
    every=st.integers(1, 6),
)
def test_cycles_tile_the_period_from_local_midnight_to_local_midnight(
    period: tuple[date, date], zone: str, unit: CycleUnit, every: int
) -> None:
    tz = ZoneInfo(zone)
    start, end = period
    cycle = Cycle(unit=unit, every=every if unit in ("days", "weeks", "months") else 1)
    result = cycle_spans(cycle, start, end, tz)

    assert result[0].start == start
    assert result[-1].end == end
    assert [s.index for s in result] == list(range(len(result)))
    for span, following in itertools.pairwise(result):
        assert span.ends_at == following.starts_at
        assert span.end + timedelta(days=1) == following.start
    for span in result:
        assert span.start <= span.end
        assert span.starts_at < span.ends_at
        assert span.starts_at == local_midnight(span.start, tz)
        assert span.ends_at == local_midnight(span.end + timedelta(days=1), tz)
        assert local_date(span.starts_at, tz) == span.start
        assert local_date(span.ends_at - timedelta(microseconds=1), tz) == span.end
    for span in result:
        assert in_one_calendar_unit(cycle, span)
    for span in result[1:]:
        assert aligned(cycle, start, span)


def in_one_calendar_unit(cycle: Cycle, span: CycleSpan) -> bool:
    """Whether a calendar cycle stays inside one week, month, quarter or year (none is skipped)."""
    first, last = span.start, span.end
    match cycle.unit:
        case "weekly":
            return first.isocalendar()[:2] == last.isocalendar()[:2]
        case "monthly":
            return (first.year, first.month) == (last.year, last.month)
        case "quarterly":
            return (first.year, (first.month - 1) // 3) == (last.year, (last.month - 1) // 3)
        case "yearly":
            return first.year == last.year
    return True


def aligned(cycle: Cycle, period_start: date, span: CycleSpan) -> bool:
    """Whether a cycle after the first starts where its kind says cycles start."""
    day, k = span.start, span.index
    match cycle.unit:
        case "daily":
            return day == period_start + timedelta(days=k)
        case "weekly":
            return day.weekday() == 0
        case "monthly":
            return day.day == 1
        case "quarterly":
            return day.day == 1 and day.month in (1, 4, 7, 10)
        case "yearly":
            return (day.month, day.day) == (1, 1)
        case "days":
            return day == period_start + timedelta(days=k * cycle.every)
        case "weeks":
            return day == period_start + timedelta(weeks=k * cycle.every)
        case "months":
            year, month = divmod(period_start.month - 1 + k * cycle.every, 12)
            year, month = period_start.year + year, month + 1
            return day == date(year, month, min(period_start.day, monthrange(year, month)[1]))
    return False
