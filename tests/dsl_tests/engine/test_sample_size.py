"""`min_sample N` on an indicator (language.md, "Sample size"): a cycle whose sample is below
N is `insufficient`, its value still shown; it counts for neither attainment nor streaks,
and `when insufficient` is a trigger. The sample is the largest number of values any one
aggregate of the measure read; for a recorded indicator, the values recorded in the cycle."""

from __future__ import annotations

from .conftest import Env, events, plan_text, report_goal

SURVEYS = """
source surveys { table surveys  time answered_at }
indicator csat "Mean survey score" {
  kind kpi  unit "pt"  better higher  min_sample 5
  measure mean(surveys.score)
}
indicator nps "Net promoter score" { kind kpi unit "pt" better higher min_sample 2 }
escalation thin {
  when breached 2 times in a row      notify owner
  when insufficient 2 times in a row  notify eve
  when insufficient                   notify sec
}
goal happy "Happy customers" {
  serves keep  indicator csat  target >= 4  cycle weekly  owner ana  escalation thin
}
goal promoters "Promoters" { serves keep indicator nps target >= 30 cycle monthly owner ana }
"""

WEEKS = {  # Monday of the week -> the scores answered that Wednesday ("" is an empty score)
    "2026-01-05": [5, 4, 5, 3, 4, 5, ""],  # 6 values, mean 26 / 6
    "2026-01-12": [5, 5, 4],  # 3 values: too few
    "2026-01-19": [],  # none
    "2026-01-26": [2, 3, 3, 2, 3],  # 5: just enough, mean 2.6
    "2026-02-02": [1, 2],  # 2: too few, and low
    "2026-02-09": [3, 3, 3, 3, 3, 3],  # 6, mean 3
}


def test_too_small_a_sample_is_insufficient_and_judged_by_nothing(env: Env) -> None:
    rows = [
        {"answered_at": f"{monday[:8]}{int(monday[8:]) + 2:02d}T10:00:00Z", "score": score}
        for monday, scores in WEEKS.items()
        for score in scores
    ]
    env.table("surveys", "answered_at", rows)
    for value, at in (("30", "2026-01-10"), ("50", "2026-01-20"), ("10", "2026-02-03")):
        env.record("nps", value, at, "UTC")
    report = env.evaluate(plan_text(SURVEYS, period="2026-01-05 .. 2026-02-15"), "2026-02-16")
    happy = report_goal(report, "happy")
    assert [(c["value"], c["sample"], c["status"]) for c in happy["cycles"]] == [
        (4.333333, 6, "met"),
        (4.666667, 3, "insufficient"),  # its value is shown all the same
        (None, 0, "insufficient"),  # no answers at all: nobody asked enough to say
        (2.6, 5, "breached"),
        (1.5, 2, "insufficient"),
        (3, 6, "breached"),
    ]
    # Judged: the first, fourth and last weeks; one of them met.
    assert (happy["status"], happy["attainment"]) == ("breached", 0.333333)
    promoters = report_goal(report, "promoters")
    assert [(c["value"], c["sample"], c["status"]) for c in promoters["cycles"]] == [
        (40, 2, "met"),  # (30 + 50) / 2
        (10, 1, "insufficient"),
    ]
    jan_12, jan_19 = ("2026-01-12", "2026-01-18"), ("2026-01-19", "2026-01-25")
    feb_2, feb_9 = ("2026-02-02", "2026-02-08"), ("2026-02-09", "2026-02-15")
    assert events(report) == [
        ("2026-01-19", "happy", "when insufficient", "goal", jan_12, ["di"], None),
        # the weeks of 12 and 19 January, in a row
        (
            "2026-01-26",
            "happy",
            "when insufficient 2 times in a row",
            "goal",
            jan_19,
            ["eve"],
            None,
        ),
        ("2026-02-09", "happy", "when insufficient", "goal", feb_2, ["di"], None),
        # breached on 26 January and 9 February: the insufficient week between them does not
        # break the streak, nor count in it
        ("2026-02-16", "happy", "when breached 2 times in a row", "goal", feb_9, ["ana"], None),
    ]
    # What each aggregate read lists the measure's aggregates, not the counts of the sample.
    text = plan_text(SURVEYS, period="2026-01-05 .. 2026-02-15")
    counted = env.evaluate(text, "2026-02-16", rows=True)
    read = report_goal(counted, "happy")["cycles"][0]["rows"]
    assert [(r["aggregate"], r["read"], r["empty"]) for r in read] == [
        ("mean(surveys.score)", 7, 1)
    ]
