"""What changed between two plans (`differences`): edited copies of the bundled sample plan
against the sample itself, each change as an exact `Change` and the line it reads as."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.api import check_plan, format_plan
from dsl.demo.plans import sample_plan
from dsl.language import model as m
from dsl.language.differences import Change, differences

SAMPLE = sample_plan()


def plan_of(path: Path) -> m.Plan:
    checked = check_plan(str(path))
    assert checked.errors == ()
    assert checked.plan is not None
    return checked.plan


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> m.Plan:
    path = tmp_path_factory.mktemp("differences") / "customer-support.goal"
    path.write_text(SAMPLE, encoding="utf-8")
    return plan_of(path)


def edited(folder: Path, *edits: tuple[str, str]) -> m.Plan:
    """The sample with each `(old, new)` text replaced (each old text is there once)."""
    text = SAMPLE
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "edited.goal"
    path.write_text(text, encoding="utf-8")
    return plan_of(path)


def texts(changes: tuple[Change, ...]) -> list[str]:
    return [change.text for change in changes]


def test_the_same_plan_reformatted_and_with_other_comments_has_no_differences(
    sample: m.Plan, tmp_path: Path
) -> None:
    formatted = format_plan(SAMPLE).text
    assert formatted is not None
    messy = formatted.replace("\n", "\n\n").replace("  ", "    ")
    messy = "# another opening comment\n" + messy.replace("# also reported", "# shown")
    assert messy != SAMPLE
    path = tmp_path / "messy.goal"
    path.write_text(messy, encoding="utf-8")
    assert differences(sample, plan_of(path)) == ()
    assert differences(sample, sample) == ()


def test_what_is_written_differently_but_means_the_same_is_no_difference(
    sample: m.Plan, tmp_path: Path
) -> None:
    new = edited(
        tmp_path,
        ("with        tech, quality", "with        quality, tech"),  # the order of a list
        ("  weight      3\n", "  weight      3.0\n"),
        ("target     >= 88\n", "target     >= 88\n  weight     1\n"),  # the default weight
        ("buffer      14d", "buffer      2w"),
        (
            "open    mon-fri 09:00-12:00, 13:30-18:00",
            "open    mon-wed 09:00-12:00, 13:30-18:00\n  open    thu-fri 09:00-12:00, 13:30-18:00",
        ),
        ("when breached 1 time            notify owner\n", ""),  # a rule moved to the end
        (
            "when no data 2 times in a row   notify owner\n",
            "when no data 2 times in a row   notify owner\n  when breached 1 time notify owner\n",
        ),
    )
    assert differences(sample, new) == ()


def test_a_changed_target(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(tmp_path, ("target      <= 30\n", "target      <= 25\n"))
    assert differences(sample, new) == (
        Change("changed", "goal", "quick_answer", "target", "<= 30 min", "<= 25 min"),
    )
    assert texts(differences(sample, new)) == ["goal quick_answer: target <= 30 min -> <= 25 min"]
    assert texts(differences(new, sample)) == ["goal quick_answer: target <= 25 min -> <= 30 min"]


def test_a_later_target_removed_and_one_added(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("  target      <= 20 from 2026-07-01\n", ""),
        ("target      >= 90\n", "target      >= 90\n  target      >= 92 from 2026-10-01\n"),
    )
    assert differences(sample, new) == (
        Change("changed", "goal", "satisfied", "target", None, ">= 92% from 2026-10-01"),
        Change("changed", "goal", "quick_answer", "target", "<= 20 min from 2026-07-01", None),
    )
    assert texts(differences(sample, new)) == [
        "goal satisfied: target >= 92% from 2026-10-01 added",
        "goal quick_answer: target <= 20 min from 2026-07-01 removed",
    ]


BACKLOG = """goal backlog "Keep the backlog small" {
  indicator  resolved_count
  target     >= 1000
  cycle      monthly
  owner      li_na
}

"""


def test_a_goal_added_and_one_removed(sample: m.Plan, tmp_path: Path) -> None:
    start = SAMPLE.index('goal called_back "Call back')
    end = SAMPLE.index("# ---", start)
    path = tmp_path / "edited.goal"
    path.write_text(SAMPLE[:start] + BACKLOG + SAMPLE[end:], encoding="utf-8")
    new = plan_of(path)
    assert differences(sample, new) == (
        Change("added", "goal", "backlog"),
        Change("removed", "goal", "called_back"),
    )
    assert texts(differences(sample, new)) == ["goal backlog added", "goal called_back removed"]
    assert texts(differences(new, sample)) == ["goal called_back added", "goal backlog removed"]


def test_a_warn_threshold_and_a_pace_threshold(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("warn        < 92\n", "warn        < 93\n"),
        ("warn        pace < 100\n", "warn        pace < 95\n"),
    )
    assert differences(sample, new) == (
        Change("changed", "goal", "satisfied", "warn", "< 92%", "< 93%"),
        Change("changed", "goal", "resolved_volume", "warn", "pace < 100", "pace < 95"),
    )
    assert texts(differences(sample, new)) == [
        "goal satisfied: warn < 92% -> < 93%",
        "goal resolved_volume: warn pace < 100 -> pace < 95",
    ]


def test_a_cycle(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("cycle      weekly\n  owner      li_na", "cycle      every 2 weeks\n  owner      li_na"),
    )
    assert differences(sample, new) == (
        Change("changed", "goal", "satisfied_weekly", "cycle", "weekly", "every 2 weeks"),
    )
    assert texts(differences(sample, new)) == [
        "goal satisfied_weekly: cycle weekly -> every 2 weeks"
    ]


def test_an_owner_and_a_weight_that_falls_back_to_its_default(
    sample: m.Plan, tmp_path: Path
) -> None:
    new = edited(
        tmp_path,
        (
            "  owner       zhao_lei\n  lead        support",
            "  owner       chen_jie\n  lead        support",
        ),
        ("  weight      2\n  warn        > 18", "  warn        > 18"),
    )
    assert differences(sample, new) == (
        Change("changed", "goal", "quick_answer", "owner", "zhao_lei", "chen_jie"),
        Change("changed", "goal", "quick_answer", "weight", "2", "1"),
    )
    assert texts(differences(sample, new)) == [
        "goal quick_answer: owner zhao_lei -> chen_jie",
        "goal quick_answer: weight 2 -> 1",
    ]


def test_an_escalation_rule_added(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        (
            "  when no data 2 times in a row   notify owner\n",
            "  when no data 2 times in a row   notify owner\n"
            "  when breached 5 times notify director, run response_plan\n",
        ),
    )
    rule = "when breached 5 times notify director, run response_plan"
    assert differences(sample, new) == (
        Change("changed", "escalation", "standard", "rules", None, rule),
    )
    assert texts(differences(sample, new)) == [f"escalation standard: rule {rule} added"]
    assert texts(differences(new, sample)) == [f"escalation standard: rule {rule} removed"]


def test_a_rule_whose_trigger_changed_reads_as_that_rule_changed(
    sample: m.Plan, tmp_path: Path
) -> None:
    new = edited(
        tmp_path,
        (
            "  when breached 2 times in a row  notify lead\n",
            "  when breached 3 times in a row  notify lead\n",
        ),
        (
            "  when critical                   notify owner, lead\n",
            "  when critical notify lead, owner, director\n",
        ),
    )
    assert texts(differences(sample, new)) == [
        "escalation standard: rule when breached 2 times in a row notify lead"
        " -> when breached 3 times in a row notify lead",
        "escalation standard: rule when critical notify owner, lead"
        " -> when critical notify lead, owner, director",
    ]


def test_a_calendars_hours_and_a_closed_day(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("open    sat 10:00-16:00", "open    sat 10:00-14:00"),
        (
            'closed  2026-10-01 .. 2026-10-07 "National Day"',
            'closed  2026-10-01 .. 2026-10-07 "National Day"\n  closed  2026-05-01 "Labour Day"',
        ),
    )
    assert differences(sample, new) == (
        Change("changed", "calendar", "office", "hours", "sat 10:00-16:00", "sat 10:00-14:00"),
        Change("changed", "calendar", "office", "closed", None, '2026-05-01 "Labour Day"'),
    )
    assert texts(differences(sample, new)) == [
        "calendar office: hours sat 10:00-16:00 -> sat 10:00-14:00",
        'calendar office: closed 2026-05-01 "Labour Day" added',
    ]


def test_a_closed_stretch_made_longer_and_a_time_zone(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("2026-02-15 .. 2026-02-23", "2026-02-14 .. 2026-02-23"),
        (
            'calendar office "Guangzhou office hours" {',
            'calendar office "Guangzhou office hours" {\n  timezone "Asia/Hong_Kong"',
        ),
    )
    assert texts(differences(sample, new)) == [
        'calendar office: closed 2026-02-15 .. 2026-02-23 "Spring Festival"'
        ' -> 2026-02-14 .. 2026-02-23 "Spring Festival"',
        'calendar office: timezone "Asia/Hong_Kong" added',
    ]


def test_an_exclusions_window_and_goals(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("to      2026-08-23", "to      2026-08-30 12:00"),
        ("  goals   fast_resolution, urgent_first\n", ""),
    )
    assert differences(sample, new) == (
        Change(
            "changed",
            "exclusion",
            "server_move",
            "window",
            "2026-08-17 .. 2026-08-23",
            "2026-08-17 .. 2026-08-30 12:00",
        ),
        Change(
            "changed",
            "exclusion",
            "server_move",
            "goals",
            "fast_resolution, urgent_first",
            "every goal",
        ),
    )
    assert texts(differences(sample, new)) == [
        "exclusion server_move: window 2026-08-17 .. 2026-08-23 -> 2026-08-17 .. 2026-08-30 12:00",
        "exclusion server_move: goals fast_resolution, urgent_first -> every goal",
    ]


def test_the_plan_period_moved_comes_first(sample: m.Plan, tmp_path: Path) -> None:
    new = edited(
        tmp_path,
        ("target      <= 30\n", "target      <= 25\n"),
        ("period    2026-01-01 .. 2026-12-31", "period    2026-01-01 .. 2027-03-31"),
        ('  timezone  "Asia/Shanghai"\n', ""),
    )
    assert differences(sample, new) == (
        Change(
            "changed", "plan", "", "period", "2026-01-01 .. 2026-12-31", "2026-01-01 .. 2027-03-31"
        ),
        Change("changed", "plan", "", "timezone", '"Asia/Shanghai"', '"UTC"'),
        Change("changed", "goal", "quick_answer", "target", "<= 30 min", "<= 25 min"),
    )
    assert texts(differences(sample, new))[:2] == [
        "plan: period 2026-01-01 .. 2026-12-31 -> 2026-01-01 .. 2027-03-31",
        'plan: timezone "Asia/Shanghai" -> "UTC"',
    ]


def test_a_measure_and_a_goals_note_after_its_target_in_the_plans_order(
    sample: m.Plan, tmp_path: Path
) -> None:
    new = edited(
        tmp_path,
        (
            "measure  count(tickets where status in",
            "measure  count(tickets where reopened = 0 and status in",
        ),
        ('note        "The target tightens in July', 'note        "The target tightens in August'),
        ("target      <= 20 from 2026-07-01", "target      <= 20 from 2026-08-01"),
    )
    assert texts(differences(sample, new)) == [
        'indicator resolved_count: measure count(tickets where status in ("resolved", "closed"))'
        ' -> count(tickets where reopened = 0 and status in ("resolved", "closed"))',
        "goal quick_answer: target <= 20 min from 2026-07-01 -> <= 20 min from 2026-08-01",
        'goal quick_answer: note "The target tightens in July, once the chatbot takes the simple'
        ' questions." -> "The target tightens in August, once the chatbot takes the simple'
        ' questions."',
    ]
