"""The edge cases the language design page decided (language.md, "Edge cases, decided"; the
project's docs/language.md states each with an example): each rule against a few rows
whose every figure was worked out by hand, as the report shows it.

Rules, or parts of rules, that another test already shows with a worked example are not
repeated here:

- Windows: `Nd` is local calendar days and `Nh` exact hours, across both daylight-saving
  changes in New York: test_targets.py::
  test_a_window_of_days_is_local_calendar_days_and_one_of_hours_is_exact. Here: the
  window of the current cycle, and `Nm`.
- Boundaries: start <= time < end at local midnight:
  test_cycles.py::test_row_at_local_midnight_belongs_to_the_day_that_starts_there and
  test_cycles.py::test_utc_timestamps_fall_into_shanghai_months_and_whole_report_shape.
  Here: nothing at or after the evaluation time counts.
- Empty values in a column-against-column comparison:
  test_measures.py::test_a_condition_may_compare_two_columns_of_its_source. Here: against
  a literal, with `not` and `or ... is null`.
- A percentile of only empty values has no value: test_measures.py::
  test_percentiles_skip_empty_cells_and_a_cycle_of_only_empty_cells_has_no_value. Here:
  `count`, `distinct` and the other aggregates.
- A division by zero between aggregates (0 / 0): test_targets.py::
  test_between_target_is_inclusive_and_empty_cycles_count_zero_but_ratios_have_no_data.
  Here: inside an aggregate's argument, and 4 / 0 between aggregates.
- Before the data begins:
  test_cycles.py::test_cycles_that_end_before_the_data_begins_have_no_value_count_included.

Berlin changes to summer time on Sunday 29 March 2026 (02:00 CET becomes 03:00 CEST, UTC+1
to UTC+2, at 01:00Z) and back on Sunday 25 October (03:00 CEST becomes 02:00 CET, at
01:00Z): on 29 March 02:30 never happens, on 25 October it happens twice (00:30Z, then
01:30Z).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

from ...helpers import goalline, report_cycle
from .conftest import TICKETS, Env, brief, plan_text, report_goal

BERLIN = "Europe/Berlin"


def counted(measures: Mapping[str, str], unit: str = "n", target: str = ">= 0") -> str:
    """A monthly goal, and its indicator `i_ID`, for each measure `ID`."""
    body = TICKETS
    for ident, measure in measures.items():
        body += (
            f'indicator i_{ident} "{ident}" {{ kind kpi unit "{unit}" better higher\n'
            f"  measure {measure} }}\n"
            f'goal {ident} "{ident}" {{ serves keep indicator i_{ident} target {target}'
            " cycle monthly owner ana }\n"
        )
    return body


def values(report: dict[str, Any], idents: Iterable[str], cycles: int) -> dict[str, list[Any]]:
    return {
        ident: [c["value"] for c in report_goal(report, ident)["cycles"][:cycles]]
        for ident in idents
    }


# ---------------------------------------------------------------- windows


def test_the_current_cycles_window_ends_at_the_evaluation_time(env: Env) -> None:
    """Evaluated on Monday 30 March 2026 at 10:00 CEST (08:00Z), the current daily cycle's
    `2d` window starts at the same local time two days before, Saturday 28 March 10:00 CET
    (09:00Z): 47 hours, since the clocks went forward in between. `48h` starts at 08:00Z
    on 28 March, `90m` at 06:30Z on 30 March.

    The complete cycle of Sunday 29 March ends at Monday 00:00 CEST (29 March 22:00Z): its
    `2d` window starts on Saturday 00:00 CET (27 March 23:00Z), its `48h` window at 27 March
    22:00Z, its `90m` window at 29 March 20:30Z."""
    rows = [
        "2026-03-28T08:30:00Z",  # a: 09:30 CET, in 48h only
        "2026-03-28T09:00:00Z",  # b: 10:00 CET, the first instant of the 2d window
        "2026-03-30T06:29:00Z",  # c: 08:29 CEST, a minute before the 90m window
        "2026-03-30T06:30:00Z",  # d: the first instant of the 90m window
        "2026-03-30T07:59:59Z",  # e
        "2026-03-30T08:00:00Z",  # f: the evaluation time itself: not yet
        "2026-03-30T15:00:00Z",  # g: later that day: not yet
    ]
    env.table("tickets", "created_at", [{"created_at": t} for t in rows])
    body = TICKETS + (
        'indicator n "Tickets" { kind result unit "tickets" better higher measure count(tickets) }\n'
    )
    for ident, window in (("days", "2d"), ("hours", "48h"), ("minutes", "90m")):
        body += (
            f'goal {ident} "{window}" {{ serves keep indicator n target >= 0 cycle daily'
            f" window {window} owner ana }}\n"
        )
    text = plan_text(body, tz=BERLIN, period="2026-03-01 .. 2026-04-30")
    report = env.evaluate(text, "2026-03-30T10:00")
    assert report["as_of"] == "2026-03-30T10:00:00+02:00"
    last_two = {
        g: brief(report_goal(report, g)["cycles"][-2:]) for g in ("days", "hours", "minutes")
    }
    assert last_two == {
        # 29 March: a, b in both 2d and 48h, none in the last 90 minutes of the day;
        # 30 March so far: b c d e in 2d, a b c d e in 48h, d e in 90m
        "days": [
            ("2026-03-29", "2026-03-29", True, 2, "met"),
            ("2026-03-30", "2026-03-30", False, 4, "met"),
        ],
        "hours": [
            ("2026-03-29", "2026-03-29", True, 2, "met"),
            ("2026-03-30", "2026-03-30", False, 5, "met"),
        ],
        "minutes": [
            ("2026-03-29", "2026-03-29", True, 0, "met"),
            ("2026-03-30", "2026-03-30", False, 2, "met"),
        ],
    }


# ---------------------------------------------------------------- boundaries


def test_nothing_at_or_after_the_evaluation_time_counts_yet(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-03-03T23:59:59Z"},  # 3 March
            {"created_at": "2026-03-04T00:00:00Z"},  # the first instant of 4 March
            {"created_at": "2026-03-04T11:59:59Z"},  # a second before the evaluation
            {"created_at": "2026-03-04T12:00:00Z"},  # at the evaluation time: not yet
            {"created_at": "2026-03-04T18:00:00Z"},  # after it: not yet
        ],
    )
    env.record("mood", "3", "2026-03-04T09:00:00Z", "UTC")
    env.record("mood", "9", "2026-03-04T12:00:00Z", "UTC")  # at the evaluation time
    text = plan_text(
        TICKETS
        + """
indicator n "Tickets" { kind result unit "tickets" better higher measure count(tickets) }
indicator mood "Team mood" { kind kpi unit "pt" better higher }
goal daily "Tickets a day" { serves keep indicator n target >= 3 cycle daily owner ana }
goal morale "Morale" { serves keep indicator mood target >= 5 cycle daily owner ana }
""",
        period="2026-03-03 .. 2026-03-31",
    )
    at_noon = env.evaluate(text, "2026-03-04T12:00Z")
    assert brief(report_goal(at_noon, "daily")["cycles"]) == [
        ("2026-03-03", "2026-03-03", True, 1, "breached"),
        ("2026-03-04", "2026-03-04", False, 2, "breached"),  # 00:00:00 and 11:59:59
    ]
    assert brief(report_goal(at_noon, "morale")["cycles"])[-1] == (
        "2026-03-04",
        "2026-03-04",
        False,
        3,  # the 9 of 12:00 is not in yet
        "breached",
    )
    next_day = env.evaluate(text, "2026-03-05")
    assert brief(report_goal(next_day, "daily")["cycles"])[1] == (
        "2026-03-04",
        "2026-03-04",
        True,
        4,
        "met",
    )
    # (3 + 9) / 2
    assert brief(report_goal(next_day, "morale")["cycles"])[1][3:] == (6, "met")


# ---------------------------------------------------------------- empty values in conditions


def test_a_comparison_with_an_empty_value_is_not_true(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T10:00:00Z", "channel": "email"},
            {"created_at": "2026-01-06T10:00:00Z", "channel": "phone"},
            {"created_at": "2026-01-07T10:00:00Z", "channel": ""},
            {"created_at": "2026-01-08T10:00:00Z", "channel": "web"},
        ],
    )
    measures = {
        "all": "count(tickets)",
        "not_email": 'count(tickets where channel != "email")',
        "negated": 'count(tickets where not (channel = "email"))',
        "with_empty": 'count(tickets where channel != "email" or channel is null)',
        "empty": "count(tickets where channel is null)",
    }
    report = env.evaluate(plan_text(counted(measures)), "2026-02-01")
    # The ticket without a channel is neither "email" nor not "email": phone and web only.
    assert values(report, measures, 1) == {
        "all": [4],
        "not_email": [2],
        "negated": [2],
        "with_empty": [3],
        "empty": [1],
    }


# ---------------------------------------------------------------- first and last


def test_first_and_last_take_the_earliest_and_latest_row_with_a_value(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T10:00:00Z", "score": ""},  # earliest, empty
            {"created_at": "2026-01-06T10:00:00Z", "score": 3},
            {"created_at": "2026-01-20T10:00:00Z", "score": 5},
            {"created_at": "2026-01-28T10:00:00Z", "score": ""},  # latest, empty
            {"created_at": "2026-02-10T10:00:00Z", "score": ""},  # February: only empty
            {"created_at": "2026-03-10T10:00:00Z", "score": 7},
        ],
    )
    measures = {"first": "first(tickets.score)", "last": "last(tickets.score)"}
    report = env.evaluate(plan_text(counted(measures, target=">= 4")), "2026-04-01")
    assert values(report, measures, 3) == {"first": [3, None, 7], "last": [5, None, 7]}
    assert [c["status"] for c in report_goal(report, "first")["cycles"][:3]] == [
        "breached",  # 3 < 4
        "no_data",
        "met",
    ]


# ---------------------------------------------------------------- aggregates of empty values


def test_aggregates_of_empty_values(env: Env) -> None:
    """`count` counts rows, empty or not; `distinct` of rows whose value is always empty is
    0, of no rows it has no value; any other aggregate of only empty values has none."""
    env.table(
        "tickets",
        "created_at",
        [
            # January: v = 2, (empty), 4; tag always empty
            {"created_at": "2026-01-05T10:00:00Z", "v": 2, "tag": ""},
            {"created_at": "2026-01-06T10:00:00Z", "v": "", "tag": ""},
            {"created_at": "2026-01-07T10:00:00Z", "v": 4, "tag": ""},
            # February: two rows, every value empty
            {"created_at": "2026-02-05T10:00:00Z", "v": "", "tag": ""},
            {"created_at": "2026-02-06T10:00:00Z", "v": "", "tag": ""},
            # March: no rows at all (inside the data: the data began in January)
            {"created_at": "2026-04-05T10:00:00Z", "v": 1, "tag": "a"},
        ],
    )
    measures = {
        "rows": "count(tickets)",
        "with_v": "count(tickets where v is not null)",
        "tags": "distinct(tickets.tag)",
        "vs": "distinct(tickets.v)",
        "total": "sum(tickets.v)",
        "average": "mean(tickets.v)",
        "least": "min(tickets.v)",
        "most": "max(tickets.v)",
        "middle": "median(tickets.v)",
    }
    report = env.evaluate(plan_text(counted(measures, target=">= 1")), "2026-05-01")
    assert values(report, measures, 4) == {
        "rows": [3, 2, 0, 1],
        "with_v": [2, 0, 0, 1],
        "tags": [0, 0, None, 1],
        "vs": [2, 0, None, 1],
        "total": [6, None, None, 1],
        "average": [3, None, None, 1],  # (2 + 4) / 2: the empty value is not a 0
        "least": [2, None, None, 1],
        "most": [4, None, None, 1],
        "middle": [3, None, None, 1],
    }
    assert [c["status"] for c in report_goal(report, "tags")["cycles"][:4]] == [
        "breached",  # 0 < 1
        "breached",
        "no_data",
        "met",
    ]


# ---------------------------------------------------------------- division by zero


def test_a_division_by_zero_empties_a_row_inside_an_aggregate_and_a_cycle_between_them(
    env: Env,
) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T10:00:00Z", "a": 6, "b": 2},  # 6 / 2 = 3
            {"created_at": "2026-01-06T10:00:00Z", "a": 5, "b": 0},  # 5 / 0: no value
            {"created_at": "2026-01-07T10:00:00Z", "a": 9, "b": 3},  # 9 / 3 = 3
            {"created_at": "2026-02-05T10:00:00Z", "a": 4, "b": 0},  # 4 / 0: no value
        ],
    )
    measures = {
        "mean_ratio": "mean(tickets.a / tickets.b)",
        "sum_ratio": "sum(tickets.a / tickets.b)",
        "ratio_of_sums": "sum(tickets.a) / sum(tickets.b)",
        "rows": "count(tickets)",
    }
    report = env.evaluate(plan_text(counted(measures, target=">= 1")), "2026-03-01")
    assert values(report, measures, 2) == {
        "mean_ratio": [3, None],  # January (3 + 3) / 2: the 5 / 0 row has no value
        "sum_ratio": [6, None],
        "ratio_of_sums": [4, None],  # January (6 + 5 + 9) / (2 + 0 + 3) = 20 / 5; Feb 4 / 0
        "rows": [3, 1],  # the rows are still there
    }
    assert [c["status"] for c in report_goal(report, "ratio_of_sums")["cycles"][:2]] == [
        "met",
        "no_data",
    ]


# ---------------------------------------------------------------- elapsed time


def test_between_functions_are_elapsed_time_across_daylight_saving(env: Env) -> None:
    """Noon to noon the next day is 24 hours, but 23 across the spring change and 25 across
    the autumn one; `days_between` is seconds / 86400, not the number of calendar days."""
    env.table(
        "tickets",
        "opened_at",
        [
            {"opened_at": "2026-01-10T00:00:00+01:00", "closed_at": "2026-01-12T00:00:00+01:00"},
            {"opened_at": "2026-03-28T12:00:00+01:00", "closed_at": "2026-03-29T12:00:00+02:00"},
            {"opened_at": "2026-10-24T12:00:00+02:00", "closed_at": "2026-10-25T12:00:00+01:00"},
        ],
        "closed_at",
    )
    source = "source tickets { table tickets  time opened_at }\n"
    body = source
    for ident in ("days", "hours", "minutes"):
        body += (
            f'indicator i_{ident} "{ident}" {{ kind process unit "{ident}" better lower\n'
            f"  measure sum({ident}_between(tickets.opened_at, tickets.closed_at)) }}\n"
            f'goal {ident} "{ident}" {{ serves keep indicator i_{ident} target <= 10000'
            " cycle monthly owner ana }\n"
        )
    report = env.evaluate(plan_text(body, tz=BERLIN), "2026-11-01")
    found = {
        ident: [report_goal(report, ident)["cycles"][m - 1]["value"] for m in (1, 3, 10)]
        for ident in ("days", "hours", "minutes")
    }
    assert found == {
        # January 48 h; March 23 h; October 25 h
        "days": [2, 0.958333, 1.041667],  # 23 / 24, 25 / 24
        "hours": [48, 23, 25],
        "minutes": [2880, 1380, 1500],
    }


# ---------------------------------------------------------------- a literal of the other type


LITERAL_ROWS = [
    {"created_at": "2026-01-05T10:00:00Z", "code": "42", "score": 4},
    {"created_at": "2026-01-06T10:00:00Z", "code": "A7", "score": 9},
    {"created_at": "2026-01-07T10:00:00Z", "code": "042", "score": 10},
    {"created_at": "2026-01-08T10:00:00Z", "code": "", "score": 4},
]  # `code` is a text column (A7), `score` a whole-number one


def test_a_text_literal_on_a_number_column_is_read_as_a_number(env: Env) -> None:
    env.table("tickets", "created_at", LITERAL_ROWS)
    measures = {
        "fours": 'count(tickets where score = "4")',
        # As numbers 4, 9 < 10: one row. As texts "4", "9" and "10" are all >= "10".
        "tens": 'count(tickets where score >= "10")',
    }
    report = env.evaluate(plan_text(counted(measures)), "2026-02-01")
    assert values(report, measures, 1) == {"fours": [2], "tens": [1]}


def test_a_number_literal_on_a_text_column_is_read_as_text(env: Env) -> None:
    """42 becomes the text "42": it matches "42", not "042". (The design page also wants
    `check --db` to warn where a literal is converted; goalline has no such warning.)"""
    env.table("tickets", "created_at", LITERAL_ROWS)
    measures = {
        "answer": "count(tickets where code = 42)",
        "listed": "count(tickets where code in (42, 7))",
        "other": "count(tickets where code != 42)",  # A7 and 042; the empty code matches not
    }
    report = env.evaluate(plan_text(counted(measures)), "2026-02-01")
    assert values(report, measures, 1) == {"answer": [1], "listed": [1], "other": [2]}


# ---------------------------------------------------------------- progress after `by`


def test_progress_after_by_expects_n_and_counts_local_calendar_days(env: Env) -> None:
    """31 by 31 March from 1 March in Berlin: expected = 31 × elapsed_days / 31, where
    elapsed_days counts local days: 29 at the end of Sunday 29 March, though that day had
    23 hours (by hours it would be 31 × 695 / 743 = 28.9973). After 31 March the expected
    value stays at 31. One ticket a day in March, none in April."""
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-03-{day:02d}T10:00:00Z"} for day in range(1, 32)],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets" { kind result unit "tickets" better higher measure count(tickets) }
goal month "31 by the end of March" {
  serves keep  indicator opened  cycle weekly  owner ana
  target >= 31 by 2026-03-31  warn pace < 100
}
""",
        tz=BERLIN,
        period="2026-03-01 .. 2026-04-30",
    )
    report = env.evaluate(text, "2026-04-13")
    goal = report_goal(report, "month")
    target = ">= 31 by 2026-03-31"

    def week(start: str, end: str, value: int, expected: int, complete: bool = True) -> Any:
        return report_cycle(start, end, value, target, "met", complete, expected=expected, pace=100)

    assert goal["cycles"] == [
        week("2026-03-01", "2026-03-01", 1, 1),  # the period starts on a Sunday
        week("2026-03-02", "2026-03-08", 8, 8),
        week("2026-03-09", "2026-03-15", 15, 15),
        week("2026-03-16", "2026-03-22", 22, 22),
        week("2026-03-23", "2026-03-29", 29, 29),  # 29 local days, one of 23 hours
        week("2026-03-30", "2026-04-05", 31, 31),  # not 31 × 36 / 31 = 36
        week("2026-04-06", "2026-04-12", 31, 31),  # reached by its date: stays met
        week("2026-04-13", "2026-04-19", 31, 31, complete=False),
    ]
    assert (goal["status"], goal["attainment"]) == ("met", 1)


# ---------------------------------------------------------------- naive local times: fold=0


def test_import_reads_a_skipped_or_repeated_local_time_with_the_earlier_offset(env: Env) -> None:
    """Naive times imported with `--timezone Europe/Berlin`: 29 March 02:30 takes CET
    (01:30Z, which reads 03:30 CEST), 25 October 02:30 takes CEST (00:30Z, the first of the
    two). Measured from midnight UTC of that day, given with Z: 90 and 30 minutes."""
    path = env.dir / "tickets.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["created_at", "midnight"])
        writer.writerow(["2026-03-29 02:30:00", "2026-03-29T00:00:00Z"])
        writer.writerow(["2026-10-25 02:30:00", "2026-10-25T00:00:00Z"])
    result = goalline(
        "import", str(path), "--db", env.db, "--table", "tickets",
        "--time", "created_at", "--time", "midnight", "--timezone", BERLIN,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = TICKETS + (
        'indicator since "Since midnight UTC" { kind process unit "min" better lower\n'
        "  measure sum(minutes_between(tickets.midnight, tickets.created_at)) }\n"
        'goal g "G" { serves keep indicator since target <= 1000 cycle monthly owner ana }\n'
    )
    report = env.evaluate(plan_text(body, tz=BERLIN), "2026-11-01")
    cycles = report_goal(report, "g")["cycles"]
    # 60 and 90 would be the jump (03:00 CEST) and the second 02:30 (CET)
    assert (cycles[2]["value"], cycles[9]["value"]) == (90, 30)


def test_record_at_a_skipped_or_repeated_local_time_takes_the_earlier_offset(env: Env) -> None:
    """`record --at 2026-03-29T02:30 --timezone Europe/Berlin` is 01:30Z (03:30 CEST);
    `--at 2026-10-25T02:30` is 00:30Z (02:30 CEST, the first of the two)."""
    spring = goalline(
        "record", "nps", "7", "--db", env.db, "--at", "2026-03-29T02:30", "--timezone", BERLIN
    )
    autumn = goalline(
        "record", "nps", "5", "--db", env.db, "--at", "2026-10-25T02:30", "--timezone", BERLIN
    )
    assert (spring.exit_code, autumn.exit_code) == (0, 0)
    assert (spring.stderr, autumn.stderr) == (
        "recorded nps = 7 at 2026-03-29T03:30:00+02:00\n",
        "recorded nps = 5 at 2026-10-25T02:30:00+02:00\n",
    )
    text = plan_text(
        """
indicator nps "Net promoter score" { kind kpi unit "pt" better higher }
goal promoters "Promoters" { serves keep indicator nps target >= 0 cycle daily owner ana }
""",
        tz=BERLIN,
    )
    # At 01:15Z (03:15 CEST) on 29 March the value of 03:30 CEST is not in yet;
    # at 00:45Z on 25 October the one of 00:30Z is.
    spring_day = report_goal(env.evaluate(text, "2026-03-29T01:15Z"), "promoters")["cycles"][-1]
    autumn_day = report_goal(env.evaluate(text, "2026-10-25T00:45Z"), "promoters")["cycles"][-1]
    assert brief([spring_day, autumn_day]) == [
        ("2026-03-29", "2026-03-29", False, None, "no_data"),
        ("2026-10-25", "2026-10-25", False, 5, "met"),
    ]


def test_as_of_a_skipped_or_repeated_local_time_takes_the_earlier_offset(env: Env) -> None:
    """`--as-of 2026-03-29T02:30` in Berlin is 01:30Z (03:30 CEST): a ticket of 01:15Z is
    in. `--as-of 2026-10-25T02:30` is 00:30Z: a ticket of 00:15Z is in, one of 01:00Z
    (02:00 CET, the second time round) is not yet."""
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-03-29T01:15:00Z"},  # 03:15 CEST
            {"created_at": "2026-10-25T00:15:00Z"},  # 02:15 CEST
            {"created_at": "2026-10-25T01:00:00Z"},  # 02:00 CET
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator n "Tickets" { kind result unit "tickets" better higher measure count(tickets) }
goal daily "Tickets a day" { serves keep indicator n target >= 0 cycle daily owner ana }
""",
        tz=BERLIN,
    )
    spring = env.evaluate(text, "2026-03-29T02:30")
    autumn = env.evaluate(text, "2026-10-25T02:30")
    assert (spring["as_of"], autumn["as_of"]) == (
        "2026-03-29T03:30:00+02:00",
        "2026-10-25T02:30:00+02:00",
    )
    assert brief([report_goal(r, "daily")["cycles"][-1] for r in (spring, autumn)]) == [
        ("2026-03-29", "2026-03-29", False, 1, "met"),
        ("2026-10-25", "2026-10-25", False, 1, "met"),
    ]
