"""What a measure gives, against hand-computed figures: recorded indicators (`aggregate
last` by time, the mean by default), percentiles interpolated between closest ranks and
skipping empty cells, a breakdown by the values of a column, and conditions comparing two
columns."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.store.dialect import PERCENTS, SELECT_ABOVE, percentile

from ...helpers import report_cycle
from .conftest import TICKETS, Env, brief, plan_text, report_goal

# ---------------------------------------------------------------- recorded indicators


def test_recorded_indicators_aggregate_last_by_time_and_mean_by_default(env: Env) -> None:
    tz = "Asia/Shanghai"
    env.record("nps", "30", "2026-01-10T09:00:00+08:00", tz)
    env.record("nps", "42", "2026-01-31T23:00:00+08:00", tz)  # Jan 31 local: last of January
    env.record("nps", "10", "2026-02-15T12:00:00+08:00", tz)
    env.record("nps", "50", "2026-02-01T00:00:00+08:00", tz)  # recorded later, earlier in time
    env.record("nps", "99", "2026-02-28T16:30:00Z", tz)  # Mar 1 00:30 local
    env.record("nps", "20", "2026-03-31", tz)  # a date: local midnight, Mar 31
    for value, at in [("3", "2026-01-05"), ("4", "2026-01-06"), ("8", "2026-01-31T23:59:00")]:
        env.record("mood", value, at, tz)
    env.record("mood", "2", "2026-02-14", tz)
    env.record("mood", "6", "2026-03-01", tz)
    text = plan_text(
        """
indicator nps "Net promoter score" { kind kpi unit "pt" better higher aggregate last }
indicator mood "Team mood" { kind kpi unit "pt" better higher }
goal promoters "Promoters" { serves keep indicator nps  target >= 40 cycle monthly owner ana }
goal morale    "Morale"    { serves keep indicator mood target >= 4  cycle monthly owner ana }
""",
        tz=tz,
    )
    report = env.evaluate(text, "2026-04-01")
    assert report_goal(report, "promoters")["cycles"] == [
        report_cycle("2026-01-01", "2026-01-31", 42, ">= 40", "met"),
        report_cycle("2026-02-01", "2026-02-28", 10, ">= 40", "breached"),  # Feb 15 is the latest
        report_cycle("2026-03-01", "2026-03-31", 20, ">= 40", "breached"),  # Mar 31 after Mar 1
        report_cycle("2026-04-01", "2026-04-30", None, ">= 40", "no_data", complete=False),
    ]
    assert report_goal(report, "morale")["cycles"] == [
        report_cycle("2026-01-01", "2026-01-31", 5, ">= 4", "met"),  # (3 + 4 + 8) / 3
        report_cycle("2026-02-01", "2026-02-28", 2, ">= 4", "breached"),
        report_cycle("2026-03-01", "2026-03-31", 6, ">= 4", "met"),
        report_cycle("2026-04-01", "2026-04-30", None, ">= 4", "no_data", complete=False),
    ]


# ---------------------------------------------------------------- percentiles


def test_percentiles_interpolate_between_closest_ranks(env: Env) -> None:
    january = [7, 3, 10, 1, 9, 2, 8, 5, 4, 6]  # 1..10, shuffled
    february = [4, 1, 3, 10]
    rows = [{"created_at": f"2026-01-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(january)]
    rows += [
        {"created_at": f"2026-02-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(february)
    ]
    rows += [{"created_at": "2026-03-15T00:00:00Z", "v": 7}]
    env.table("tickets", "created_at", rows)
    measures = {
        "p90": "p90(tickets.v)",
        "p75": "p75(tickets.v)",
        "p95": "p95(tickets.v)",
        "p99": "p99(tickets.v)",
        "p50": "p50(tickets.v)",
        "med": "median(tickets.v)",
        "p90low": "p90(tickets.v where v <= 5)",
    }
    body = TICKETS
    for ident, measure in measures.items():
        body += (
            f'indicator i_{ident} "{ident}" {{ kind process unit "min" better lower measure {measure} }}\n'
            f'goal {ident} "{ident}" {{ serves keep indicator i_{ident} target <= 8 cycle monthly owner ana }}\n'
        )
    report = env.evaluate(plan_text(body), "2026-05-01")
    values = {
        ident: [c["value"] for c in report_goal(report, ident)["cycles"]] for ident in measures
    }
    # rank = q * (n - 1) over the sorted values, interpolated linearly
    assert values == {
        # Jan: 0.9*9 = 8.1 -> 9 + 0.1; Feb [1,3,4,10]: 0.9*3 = 2.7 -> 4 + 0.7*6
        "p90": [9.1, 8.2, 7, None, None],
        # Jan: 0.75*9 = 6.75 -> 7.75; Feb: 0.75*3 = 2.25 -> 4 + 0.25*6
        "p75": [7.75, 5.5, 7, None, None],
        # Jan: 0.95*9 = 8.55 -> 9.55; Feb: 0.95*3 = 2.85 -> 4 + 0.85*6
        "p95": [9.55, 9.1, 7, None, None],
        # Jan: 0.99*9 = 8.91 -> 9.91; Feb: 0.99*3 = 2.97 -> 4 + 0.97*6
        "p99": [9.91, 9.82, 7, None, None],
        # even counts: mean of the two middle values
        "p50": [5.5, 3.5, 7, None, None],
        "med": [5.5, 3.5, 7, None, None],
        # Jan rows with v <= 5 are 1..5: 0.9*4 = 3.6 -> 4.6; Feb [1,3,4]: 0.9*2 = 1.8 -> 3.8;
        # March's 7 is filtered out: no rows, no value
        "p90low": [4.6, 3.8, None, None, None],
    }
    assert [c["status"] for c in report_goal(report, "p90")["cycles"]] == [
        "breached",
        "breached",
        "met",
        "no_data",
        "no_data",
    ]


def test_percentiles_skip_empty_cells_and_a_cycle_of_only_empty_cells_has_no_value(
    env: Env,
) -> None:
    january = [7, None, 3, 10, 1, None, 9, 2, 8, 5, 4, 6]  # 1..10 and two empty cells
    rows = [{"created_at": f"2026-01-{i + 1:02d}T00:00:00Z", "v": v} for i, v in enumerate(january)]
    rows += [
        {"created_at": "2026-02-10T00:00:00Z", "v": None},
        {"created_at": "2026-03-10T00:00:00Z", "v": 2.5},
    ]
    env.table("tickets", "created_at", rows)
    body = TICKETS + (
        'indicator i_slow "p90" { kind process unit "min" better lower measure p90(tickets.v) }\n'
        'goal slow "p90" { serves keep indicator i_slow target <= 8 cycle monthly owner ana }\n'
    )
    report = env.evaluate(plan_text(body), "2026-04-01")
    cycles = report_goal(report, "slow")["cycles"]
    assert [(c["value"], c["status"]) for c in cycles[:3]] == [
        (9.1, "breached"),
        (None, "no_data"),  # February's one row is empty
        (2.5, "met"),
    ]


def sorted_percentile(values: list[float], percent: float) -> float:
    """The definition, by a full sort: linear interpolation between closest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30),
    st.integers(SELECT_ABOVE + 1, 4 * SELECT_ABOVE),
    st.sampled_from(PERCENTS),
    st.integers(0, 2**32),
    st.booleans(),
)
def test_a_percentile_of_many_values_sorts_only_those_near_it_and_is_exact(
    distinct: list[float], count: int, percent: float, seed: int, trend: bool
) -> None:
    # Few distinct values (many ties) and a trend through the list (as a bad month late in
    # the cycle) are what could mislead the sample that places the threshold.
    draw = random.Random(seed)
    values = [draw.choice(distinct) + (i / 100 if trend else 0.0) for i in range(count)]
    assert percentile(list(values), percent) == sorted_percentile(values, percent)


def test_a_percentile_whose_sample_misjudges_still_sorts_every_value() -> None:
    # Every sampled value is 100 (the stride lands on them), the rest are small: the
    # threshold lands above the quantile, and the full sort gives the exact answer.
    count = 8 * SELECT_ABOVE
    stride = count // 1024
    values = [100.0 if i % stride == 0 else float(i % 7) for i in range(count)]
    assert percentile(list(values), 90) == sorted_percentile(values, 90) == 6.0


# ---------------------------------------------------------------- breakdown


def test_breakdown_reports_the_value_per_value_of_the_column(env: Env) -> None:
    rows = [
        {"created_at": "2026-01-05T00:00:00Z", "channel": "phone", "score": 5},
        {"created_at": "2026-01-06T00:00:00Z", "channel": "phone", "score": 2},
        {"created_at": "2026-01-07T00:00:00Z", "channel": "email", "score": 4},
        {"created_at": "2026-01-08T00:00:00Z", "channel": "", "score": 1},
        {"created_at": "2026-02-03T00:00:00Z", "channel": "email", "score": 3},
    ]
    env.table("tickets", "created_at", rows)
    body = TICKETS + (
        'indicator happy "Happy" { kind kpi unit "%" better higher breakdown channel\n'
        "  measure 100 * count(tickets where score >= 4) / count(tickets) }\n"
        'goal g "G" { serves keep indicator happy target >= 50 cycle monthly owner ana }\n'
        'goal plain "P" { serves keep indicator i target >= 0 cycle monthly owner ana }\n'
        'indicator i "I" { kind kpi unit "n" better higher measure count(tickets) }\n'
    )
    report = env.evaluate(plan_text(body), "2026-03-01")
    cycles = report_goal(report, "g")["cycles"]
    # January: 2 of 4 happy overall; phone 1 of 2, email 1 of 1, no channel 0 of 1.
    assert [(c["value"], c["breakdown"]) for c in cycles] == [
        (50, {"(none)": 0, "email": 100, "phone": 50}),
        (0, {"email": 0}),
        (None, {}),
    ]
    assert "breakdown" not in report_goal(report, "plain")["cycles"][0]


def test_breakdowns_sharing_cycles_share_a_query_and_each_sees_only_its_own_tables_keys(
    env: Env,
) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T00:00:00Z", "channel": "phone", "score": 5},
            {"created_at": "2026-01-06T00:00:00Z", "channel": "email", "score": 2},
            {"created_at": "2026-01-07T00:00:00Z", "channel": "email", "score": 4},
        ],
    )
    env.table(
        "calls",
        "at",
        [
            {"at": "2026-01-05T00:00:00Z", "channel": "phone", "minutes": 3},
            {"at": "2026-01-09T00:00:00Z", "channel": "fax", "minutes": 9},
        ],
    )
    body = TICKETS + (
        "source calls { time at }\n"
        'indicator happy "Happy" { kind kpi unit "%" better higher breakdown channel\n'
        "  measure 100 * count(tickets where score >= 4) / count(tickets) }\n"
        'indicator best "Best" { kind kpi unit "pt" better higher breakdown channel\n'
        "  measure max(tickets.score) }\n"
        'indicator talk "Talk" { kind kpi unit "min" better lower breakdown channel\n'
        "  measure sum(calls.minutes) }\n"
        'goal g1 "G1" { serves keep indicator happy target >= 50 cycle monthly owner ana }\n'
        'goal g2 "G2" { serves keep indicator best target >= 4 cycle monthly owner ana }\n'
        'goal g3 "G3" { serves keep indicator talk target <= 60 cycle monthly owner ana }\n'
    )
    report = env.evaluate(plan_text(body), "2026-02-01")
    january = {g: report_goal(report, g)["cycles"][0]["breakdown"] for g in ("g1", "g2", "g3")}
    assert january == {
        "g1": {"email": 50, "phone": 100},  # no "fax": that key is only in calls
        "g2": {"email": 4, "phone": 5},
        "g3": {"fax": 9, "phone": 3},
    }


def test_a_condition_may_compare_two_columns_of_its_source(env: Env) -> None:
    env.table(
        "Help desk export",
        "Created at",
        [
            {"Created at": "2026-01-05T09:00:00Z", "First reply (min)": 10, "promised": 30},
            {"Created at": "2026-01-06T09:00:00Z", "First reply (min)": 45, "promised": 30},
            {"Created at": "2026-01-07T09:00:00Z", "First reply (min)": 30, "promised": 30},
            {"Created at": "2026-01-08T09:00:00Z", "First reply (min)": "", "promised": 20},
            {"Created at": "2026-02-02T09:00:00Z", "First reply (min)": 5, "promised": ""},
        ],
    )
    text = plan_text(
        """
source tickets { table `Help desk export`  time `Created at` }
indicator kept "Promises kept" { kind kpi unit "%" better higher
  measure 100 * count(tickets where `First reply (min)` <= promised)
              / count(tickets where `First reply (min)` is not null and promised is not null) }
goal keep_promises "Keep promises" { serves keep indicator kept target >= 90 cycle monthly owner ana }
"""
    )
    report = env.evaluate(text, "2026-03-01")
    assert brief(report_goal(report, "keep_promises")["cycles"][:2]) == [
        # January: 10 <= 30 and 30 <= 30 of the three with both values; the empty reply compares
        # as neither true nor false, so it is left out of both counts.
        ("2026-01-01", "2026-01-31", True, 66.666667, "breached"),
        # February: the one ticket has no promise, so no ticket had both: 0 / 0 has no value.
        ("2026-02-01", "2026-02-28", True, None, "no_data"),
    ]


def test_aggregates_of_two_sources_combine_in_the_order_the_measure_names_them(
    env: Env,
) -> None:
    """count(a) + 10 * count(b) + 100 * count(a where x = 1): a's two aggregates are computed
    together, but each value goes where the measure names it (2 + 10 x 3 + 100 x 1 = 132;
    they once came in the order of the sources, 2 + 10 x 1 + 100 x 3 = 312)."""
    env.table(
        "a", "at", [{"at": "2026-01-05T00:00:00Z", "x": 1}, {"at": "2026-01-06T00:00:00Z", "x": 0}]
    )
    env.table("b", "at", [{"at": f"2026-01-0{d}T00:00:00Z", "n": d} for d in (5, 6, 7)])
    text = plan_text(
        """
source a { time at }
source b { time at }
indicator v "V" { kind kpi unit "n" better higher
  measure count(a) + 10 * count(b) + 100 * count(a where x = 1) }
goal g "G" { serves keep indicator v target >= 1 cycle monthly owner ana }
"""
    )
    report = env.evaluate(text, "2026-02-01")
    assert report_goal(report, "g")["cycles"][0]["value"] == 132
