"""Progress goals and the plan's score, against hand-computed figures: the expected line,
pace and attainment (capped at one), the expected value of the current cycle, and the score
weighted over the goals that have a complete cycle."""

from __future__ import annotations

import pytest

from ...helpers import report_cycle
from .conftest import TICKETS, Env, month_end, plan_text, report_goal


def test_progress_goal_expected_line_pace_and_attainment(env: Env) -> None:
    resolved_per_day = {1: 27, 2: 3, 3: 1, 4: 20}  # month -> resolved tickets, May none
    rows = [{"created_at": "2025-12-31T12:00:00Z", "status": "resolved"}]  # before the period
    for month, n in resolved_per_day.items():
        rows += [
            {"created_at": f"2026-{month:02d}-{day:02d}T10:00:00Z", "status": "resolved"}
            for day in range(1, n + 1)
        ]
    rows += [{"created_at": "2026-01-05T11:00:00Z", "status": "open"}]
    rows += [{"created_at": "2026-03-31T23:59:59Z", "status": "open"}]
    rows += [{"created_at": "2026-05-12T08:00:00Z", "status": "open"}]
    env.table("tickets", "created_at", rows)
    text = plan_text(
        TICKETS
        + """
indicator resolved "Resolved" {
  kind result  unit "tickets"  better higher
  measure count(tickets where status = "resolved")
}
goal hundred "Resolve 100" {
  serves keep  indicator resolved  cycle monthly  owner ana  baseline 20
  target >= 100 by 2026-12-31  warn pace < 100  critical pace < 80
}
goal yearly_146 "Resolve 146" {
  serves keep  indicator resolved  cycle monthly  owner ana
  target >= 146 by 2026-12-31  warn pace < 110  critical pace < 80
}
""",
    )
    report = env.evaluate(text, "2026-06-01")
    total = 365  # 2026-01-01 .. end of 2026-12-31
    elapsed = [31, 59, 90, 120, 151]  # days from Jan 1 to the end of Jan .. May
    actual = [27, 30, 31, 51, 51]  # accumulated from the period start

    def check(ident: str, baseline: float, target: float, statuses: list[str]) -> None:
        g = report_goal(report, ident)
        assert len(g["cycles"]) == 6
        complete, current = g["cycles"][:5], g["cycles"][5]
        for c, days, value, status, month in zip(
            complete, elapsed, actual, statuses, range(1, 6), strict=True
        ):
            expected = baseline + (target - baseline) * days / total
            assert (c["start"], c["end"]) == (f"2026-{month:02d}-01", month_end(2026, month))
            assert c["complete"] is True
            assert c["value"] == value
            assert c["target"] == f">= {target} by 2026-12-31"
            assert c["expected"] == pytest.approx(expected, abs=2e-6)
            assert c["pace"] == pytest.approx(value / expected * 100, abs=2e-6)
            assert c["status"] == status, (ident, month)
        # June has started: listed, not complete, holding the total so far
        assert (current["start"], current["end"], current["complete"], current["value"]) == (
            "2026-06-01",
            "2026-06-30",
            False,
            51,
        )
        assert current["target"] == f">= {target} by 2026-12-31"

    # baseline 20: expected 26.79, 32.93, 39.73, 46.30, 53.10
    # pace 100.77 met, 91.10 breached, 78.03 critical, 110.15 met, 96.05 breached
    check("hundred", 20, 100, ["met", "breached", "critical", "met", "breached"])
    # baseline 0: expected 0.4 x days = 12.4, 23.6, 36, 48, 60.4
    # pace 217.74 met, 127.12 met, 86.11 breached, 106.25 warning, 84.44 breached
    check("yearly_146", 0, 146, ["met", "met", "breached", "warning", "breached"])
    assert report_goal(report, "yearly_146")["cycles"][3]["pace"] == 106.25
    assert report_goal(report, "yearly_146")["cycles"][2]["expected"] == 36
    # attainment: actual / target at the last complete cycle (May: 51)
    assert (
        report_goal(report, "hundred")["status"],
        report_goal(report, "hundred")["attainment"],
    ) == (
        "breached",
        0.51,
    )
    assert report_goal(report, "yearly_146")["attainment"] == round(51 / 146, 6) == 0.349315
    assert report["score"] == round((0.51 + 51 / 146) / 2, 6)


def test_progress_attainment_is_capped_at_one(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-01-{d:02d}T00:00:00Z", "n": 1} for d in range(1, 6)],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal few "Three by June" {
  serves keep indicator opened target >= 3 by 2026-06-30 cycle monthly owner ana
}
""",
    )
    g = report_goal(env.evaluate(text, "2026-02-01"), "few")
    # Jan: 5 against 3 x 31/181; 5/3 of the target is capped to 1
    assert g["cycles"][0]["expected"] == round(3 * 31 / 181, 6)
    assert (g["status"], g["attainment"]) == ("met", 1)


def test_progress_expected_of_the_current_cycle_is_at_the_end_of_that_cycle(env: Env) -> None:
    env.table("tickets", "created_at", [{"created_at": "2026-01-10T00:00:00Z", "n": 1}])
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal days "One a day" {
  serves keep indicator opened target >= 365 by 2026-12-31 cycle monthly owner ana
}
""",
    )
    june = report_goal(env.evaluate(text, "2026-06-01"), "days")["cycles"][-1]
    # 365 by the end of the year: expected = elapsed days; June ends after 181 days
    assert (june["start"], june["complete"], june["value"]) == ("2026-06-01", False, 1)
    assert june["expected"] == 181
    assert june["pace"] == round(1 / 181 * 100, 6)


def test_plan_score_is_weighted_over_goals_with_a_complete_cycle(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-05T00:00:00Z", "n": 1},
            {"created_at": "2026-01-20T00:00:00Z", "n": 1},
            {"created_at": "2026-02-10T00:00:00Z", "n": 1},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal two   "Two a month"  { serves keep indicator opened target >= 2 cycle monthly owner ana weight 3 }
goal one   "One a month"  { serves keep indicator opened target >= 1 cycle monthly owner ana }
goal year  "One a year"   { serves keep indicator opened target >= 1 cycle yearly  owner ana weight 5 }
goal ten   "Ten by Dec"   { serves keep indicator opened target >= 10 by 2026-12-31 cycle monthly owner ana weight 2 }
""",
    )
    report = env.evaluate(text, "2026-03-01")
    got = {g["id"]: (g["weight"], g["status"], g["attainment"]) for g in report["goals"]}
    assert got == {
        "two": (3, "breached", 0.5),  # Jan 2 met, Feb 1 breached
        "one": (1, "met", 1),  # Jan, Feb met
        "year": (5, "no_data", None),  # its only cycle is not complete
        "ten": (2, "met", 0.3),  # 3 accumulated of 10
    }
    assert report_goal(report, "year")["cycles"] == [
        report_cycle("2026-01-01", "2026-12-31", 3, ">= 1", "met", complete=False)
    ]
    # progress "ten": Jan 2 vs 10*31/365 = 0.85, Feb 3 vs 10*59/365 = 1.62
    assert [c["expected"] for c in report_goal(report, "ten")["cycles"][:2]] == [
        round(10 * 31 / 365, 6),
        round(10 * 59 / 365, 6),
    ]
    # (3*0.5 + 1*1 + 2*0.3) / (3 + 1 + 2); "year" has no complete cycle and is left out
    assert report["score"] == round(3.1 / 6, 6) == 0.516667

    # before any cycle is complete there is no score
    early = env.evaluate(text, "2026-01-15")
    assert early["score"] is None
    assert {g["id"]: g["attainment"] for g in early["goals"]} == dict.fromkeys(
        ("two", "one", "year", "ten")
    )
