"""Escalation triggers, against hand-computed figures: streaks that fire again after a
break, counts that fire once, recipients resolved to people, severities that count "that
bad or worse", no data breaking a streak, comparators and thresholds at their edges, and
`every N days/weeks` counted from the period's start."""

from __future__ import annotations

from .conftest import TICKETS, Env, brief, events, person, plan_text, report_goal


def test_streaks_fire_again_after_a_break_counts_fire_once_and_recipients_resolve(
    env: Env,
) -> None:
    values = {1: [6], 2: [4], 3: [3], 4: [2], 5: [7], 6: [0, 1], 7: [4]}  # Aug, Sep: nothing
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": f"2026-{m:02d}-{10 + i:02d}T00:00:00Z", "x": x}
            for m, xs in values.items()
            for i, x in enumerate(xs)
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure mean(tickets.x) }
runbook rb "Recovery" {
  step "Open the overflow queue" by ops within 30m
  step "Write the summary" by ana within 2d
}
escalation esc {
  when breached 2 times in a row   notify lead
  when breached 2 times            notify owner
  when breached 3 times in a row   notify di, run rb
  when critical                    notify owner, lead, team, sec, eve
  when no data 2 times in a row    notify owner
}
goal good "Good scores" {
  serves keep  indicator score  cycle monthly  owner ana  lead ops  with web
  target >= 5  critical < 1  escalation esc
}
""",
    )
    report = env.evaluate(text, "2026-10-01")
    g = report_goal(report, "good")
    assert [(c["start"], c["value"], c["status"], c["complete"]) for c in g["cycles"]] == [
        ("2026-01-01", 6, "met", True),
        ("2026-02-01", 4, "breached", True),
        ("2026-03-01", 3, "breached", True),
        ("2026-04-01", 2, "breached", True),
        ("2026-05-01", 7, "met", True),
        ("2026-06-01", 0.5, "critical", True),
        ("2026-07-01", 4, "breached", True),
        ("2026-08-01", None, "no_data", True),
        ("2026-09-01", None, "no_data", True),
        ("2026-10-01", None, "no_data", False),
    ]
    assert (g["status"], g["attainment"]) == ("no_data", round(2 / 9, 6))
    mar, apr = ("2026-03-01", "2026-03-31"), ("2026-04-01", "2026-04-30")
    jun = ("2026-06-01", "2026-06-30")
    jul, sep = ("2026-07-01", "2026-07-31"), ("2026-09-01", "2026-09-30")
    assert events(report) == [
        # Feb+Mar: the streak reaches 2 and the count over the period reaches 2
        ("2026-04-01", "good", "when breached 2 times", "goal", mar, ["ana"], None),
        ("2026-04-01", "good", "when breached 2 times in a row", "goal", mar, ["bo"], None),
        # Apr: the streak reaches 3 (2 in a row does not fire again at 3)
        ("2026-05-01", "good", "when breached 3 times in a row", "goal", apr, ["di"], "rb"),
        # owner ana, lead -> ops' lead bo, team -> leads of ops and web (bo, cy),
        # team sec -> its lead di, person eve; each person once
        (
            "2026-07-01",
            "good",
            "when critical",
            "goal",
            jun,
            ["ana", "bo", "cy", "di", "eve"],
            None,
        ),
        # May broke the streak; critical June counts as breached-or-worse, July makes 2 anew
        ("2026-08-01", "good", "when breached 2 times in a row", "goal", jul, ["bo"], None),
        # Aug+Sep without data; the current October does not count
        ("2026-10-01", "good", "when no data 2 times in a row", "goal", sep, ["ana"], None),
    ]
    (critical,) = [e for e in report["escalations"] if e["rule"] == "when critical"]
    assert sorted(critical["notify"], key=lambda p: p["id"]) == [
        person(p) for p in ("ana", "bo", "cy", "di", "eve")
    ]
    (with_runbook,) = [e for e in report["escalations"] if e["runbook"]]
    assert with_runbook["runbook"] == {
        "id": "rb",
        "title": "Recovery",
        "steps": [
            # ops is a team: its lead is told; fired at the start of 1 May (UTC), plus 30m
            {
                "step": "Open the overflow queue",
                "by": "ops",
                "within": "30m",
                "person": person("bo"),
                "due": "2026-05-01 00:30",
            },
            {
                "step": "Write the summary",
                "by": "ana",
                "within": "2d",
                "person": person("ana"),
                "due": "2026-05-03 00:00",
            },
        ],
    }


def test_triggers_count_that_severity_or_worse_and_no_data_breaks_a_streak(env: Env) -> None:
    # Jan 5.5 warning, Feb 4 breached, Mar no rows, Apr 0 critical, May 0 critical, Jun 9 met
    values = {1: 5.5, 2: 4, 4: 0, 5: 0, 6: 9}
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-{m:02d}-15T00:00:00Z", "x": x} for m, x in values.items()],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure mean(tickets.x) }
escalation esc {
  when warning                     notify sec
  when warning 2 times in a row    notify owner
  when breached 2 times in a row   notify lead
  when breached 3 times            notify di
  when critical 2 times in a row   notify cy
  when no data                     notify eve
}
goal good "Good scores" {
  serves keep  indicator score  cycle monthly  owner ana  lead ops
  target >= 5  warn < 6  critical < 1  escalation esc
}
""",
    )
    report = env.evaluate(text, "2026-07-01")
    g = report_goal(report, "good")
    assert [c["status"] for c in g["cycles"]] == [
        "warning",
        "breached",
        "no_data",
        "critical",
        "critical",
        "met",
        "no_data",  # July, current
    ]
    assert (g["status"], g["attainment"]) == ("met", round(2 / 6, 6))
    jan, feb = ("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")
    mar, apr = ("2026-03-01", "2026-03-31"), ("2026-04-01", "2026-04-30")
    may = ("2026-05-01", "2026-05-31")
    assert events(report) == [
        # a bare `when warning` fires at the first cycle of every run of warning or worse:
        # January (Jan-Feb), and April below, after March's no_data ended that run
        ("2026-02-01", "good", "when warning", "goal", jan, ["di"], None),
        # warning then breached: two warning-or-worse cycles in a row
        ("2026-03-01", "good", "when warning 2 times in a row", "goal", feb, ["ana"], None),
        # no data counts no_data cycles only (not the critical ones), once
        ("2026-04-01", "good", "when no data", "goal", mar, ["eve"], None),
        ("2026-05-01", "good", "when warning", "goal", apr, ["di"], None),
        # March's no_data broke the streaks: Apr, May make them anew
        ("2026-06-01", "good", "when breached 2 times in a row", "goal", may, ["bo"], None),
        # Feb, Apr, May: the count over the period reaches 3
        ("2026-06-01", "good", "when breached 3 times", "goal", may, ["di"], None),
        ("2026-06-01", "good", "when critical 2 times in a row", "goal", may, ["cy"], None),
        ("2026-06-01", "good", "when warning 2 times in a row", "goal", may, ["ana"], None),
    ]


def test_strict_comparators_and_thresholds_at_their_edges(env: Env) -> None:
    values = {1: 5, 2: 7, 3: 6, 4: 2, 5: 2.5}
    env.table(
        "tickets",
        "created_at",
        [{"created_at": f"2026-{m:02d}-15T00:00:00Z", "x": x} for m, x in values.items()],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure max(tickets.x) }
goal edge "Edges" {
  serves keep  indicator score  cycle monthly  owner ana
  target > 5  warn < 7  critical <= 2
}
""",
    )
    g = report_goal(env.evaluate(text, "2026-06-01"), "edge")
    assert [(c["value"], c["target"], c["status"]) for c in g["cycles"]] == [
        (5, "> 5", "breached"),  # 5 > 5 does not hold
        (7, "> 5", "met"),  # 7 < 7 does not hold: no warning
        (6, "> 5", "warning"),
        (2, "> 5", "critical"),  # 2 <= 2 holds
        (2.5, "> 5", "breached"),
        (None, "> 5", "no_data"),  # June, current
    ]
    assert g["attainment"] == 0.4


def test_every_n_days_and_weeks_count_from_the_period_start(env: Env) -> None:
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-10T23:00:00Z", "n": 1},
            {"created_at": "2026-01-11T00:00:00Z", "n": 1},
            {"created_at": "2026-01-14T23:00:00Z", "n": 1},
            {"created_at": "2026-01-15T00:00:00Z", "n": 1},
            {"created_at": "2026-01-31T00:00:00Z", "n": 1},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator opened "Tickets opened" { kind result unit "tickets" better higher measure count(tickets) }
goal tens "Every ten days" { serves keep indicator opened target >= 1 cycle every 10 days owner ana }
goal fortnights "Every two weeks" { serves keep indicator opened target >= 2 cycle every 2 weeks owner ana }
""",
    )
    report = env.evaluate(text, "2026-02-01")
    assert brief(report_goal(report, "tens")["cycles"]) == [
        ("2026-01-01", "2026-01-10", True, 1, "met"),
        ("2026-01-11", "2026-01-20", True, 3, "met"),
        ("2026-01-21", "2026-01-30", True, 0, "breached"),
        ("2026-01-31", "2026-02-09", False, 1, "met"),
    ]
    # the period starts on a Thursday; `every 2 weeks` counts from it, not from Mondays
    assert brief(report_goal(report, "fortnights")["cycles"]) == [
        ("2026-01-01", "2026-01-14", True, 3, "met"),
        ("2026-01-15", "2026-01-28", True, 1, "breached"),
        ("2026-01-29", "2026-02-11", False, 1, "breached"),
    ]


def test_a_so_far_rule_fires_on_the_open_cycle_once_it_stands_that_badly(env: Env) -> None:
    # January's score is 6 (met); February so far 4 on the 15th (breached, not critical).
    env.table(
        "tickets",
        "created_at",
        [
            {"created_at": "2026-01-15T00:00:00Z", "x": 6},
            {"created_at": "2026-02-10T00:00:00Z", "x": 4},
        ],
    )
    text = plan_text(
        TICKETS
        + """
indicator score "Score" { kind kpi unit "pt" better higher measure mean(tickets.x) }
runbook rb "Recovery" { step "Open the overflow queue" by ops within 30m }
escalation esc {
  when breached so far  notify owner, run rb
  when critical so far  notify lead
  when breached         notify lead
}
goal good "Good scores" {
  serves keep  indicator score  cycle monthly  owner ana  lead ops
  target >= 5  critical < 1  escalation esc
}
""",
    )
    feb = ("2026-02-01", "2026-02-28")
    # Before February has a value (the 5th), nothing; on the 15th, the open February fires
    # the `breached so far` rule, dated that day, its runbook due 30 minutes after the run.
    assert events(env.evaluate(text, "2026-02-05")) == []
    mid = env.evaluate(text, "2026-02-15T09:00:00Z")
    assert events(mid) == [
        ("2026-02-15", "good", "when breached so far", "goal", feb, ["ana"], "rb")
    ]
    (event,) = mid["escalations"]
    assert (event["key"], event["so_far"]) == ("good/when breached so far/2026-02-01", True)
    assert event["runbook"]["steps"][0]["due"] == "2026-02-15 09:30"
    # Once February is complete, the complete-cycle rule speaks for it instead.
    assert events(env.evaluate(text, "2026-03-01")) == [
        ("2026-03-01", "good", "when breached", "goal", feb, ["bo"], None)
    ]
