"""`goalline next-round`: the sample year's plan and a review recorded in its store give the
next year's plan, with the review's decisions in it and last year's one-off things left as
comments; the result passes `check --strict` and is in canonical layout; the plan itself is
never touched, and an existing file only replaced with --force."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.output.next_round import next_period
from dsl.store.database import Store

from ..helpers import goalline


@pytest.fixture
def reviewed(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample, in the current folder, with a finished review of its plan: two proposed
    targets, a lesson, two improvement actions still open (one owned by someone the plan does
    not have), and a lesson about a goal the plan does not have."""
    monkeypatch.chdir(sample_copy)
    with Store.open(STORE_NAME) as store:
        reviews = store.reviews
        session = reviews.open_review(PLAN_NAME, "2027-01-01", ["Wang Fang"], "2027-01-05T10:00")
        reviews.propose_target(session.id, "satisfied", ">= 92", ">= 91", "The callback line helps")
        reviews.propose_target(session.id, "quick_answer", "<= 18", None, None)
        reviews.save_note(
            session.id, "quick_answer", "goal", "November's backlog",
            "Staff the night shift before the sales peak\nand check the roster weekly",
        )  # fmt: skip
        reviews.add_action(
            session.id, "satisfied", 'Retrain "new" agents', "li_na", date(2026, 12, 20), "now"
        )
        reviews.add_action(session.id, "chatbot", "Tune the chatbot", "someone_gone", None, "now")
        reviews.save_note(session.id, "first_contact", "goal", None, "Measure it first")
        reviews.finish_review(session.id, "2027-01-05T11:00")
    return sample_copy


def test_the_next_year_from_the_review(reviewed: Path) -> None:
    before = (reviewed / PLAN_NAME).read_bytes()
    result = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", "next.goal")
    assert result.exit_code == 0, result.output
    assert (reviewed / PLAN_NAME).read_bytes() == before
    said = result.stdout.splitlines()
    assert said[:15] == [
        "Wrote next.goal: 2027-01-01 .. 2027-12-31, from customer-support.goal and review 1.",
        "  review 1 wrote about first_contact, which this plan does not have",
        # the target proposed moves its warn line by the same distance: 90 -> 92, 92 -> 94
        "  goal satisfied: target >= 90 -> >= 92, warn < 92 -> < 94 (review 1)",
        # the target in force at the end of the year was <= 20: 18 is 2 less, so 18 -> 16
        "  goal quick_answer: target <= 30, <= 20 from 2026-07-01 -> <= 18, warn > 18 -> > 16"
        " (review 1)",
        # no proposal: the target tightened in the year holds from the start of the next
        "  goal resolve_rate: target >= 85, >= 88 from 2026-07-01 -> >= 88",
        "  goal solved_for_good: target <= 5, <= 4 from 2026-10-01 -> <= 4",
        "  goal resolved_volume: target >= 20_000 by 2026-12-31 -> >= 20_000 by 2027-12-31",
        "  milestone knowledge_base was done on 2026-04-10: left as a comment",
        "  milestone chatbot was done on 2026-05-28: left as a comment",
        "  milestone wechat_service was done on 2026-09-14: left as a comment",
        "  calendar office: 2 closed days of the last round left as comments: write this round's",
        "  exclusion server_move was the last round's: left as a comment",
        "  improvement action 1 is still open: milestone action_1, due 2027-01-31",
        "  improvement action 2 was someone_gone's, who is not in the plan: zhao_lei owns it now",
        "  improvement action 2 is still open: milestone action_2, due 2027-01-31",
    ]
    assert "From customer-support.goal to next.goal: 20 changes" in said
    assert "  goal satisfied: target >= 90% -> >= 92%" in said
    assert (
        "The past cycles of 2026-01-01 .. 2026-12-31 judged under each plan (support.db):" in said
    )
    # satisfaction's 2026 months, as of the review: 94.95, 91.36, 91.55, 94.55, 94.67, 87.72,
    # 93.67, 93.84, 93.76, 94.20, 76.10, 90.77. At least 90 in 10 of 12 (83%); at least 92
    # in 7 (58%); judged otherwise (warn < 94 now): Feb, Mar and Dec breached, Jul-Sep warning
    row = next(line for line in said if line.startswith("satisfied "))
    assert row.split()[:4] + row.split()[-1:] == ["satisfied", "83%", "58%", "-25", "6"]

    text = (reviewed / "next.goal").read_text(encoding="utf-8")
    digest = hashlib.sha256(before).hexdigest()[:12]
    assert re.match(
        rf"# The next round of customer-support.goal \(sha256 {digest}\),\n"
        r"# written by goalline next-round on \d{4}-\d\d-\d\d from review 1 \(held 2027-01-05\)\.\n",
        text,
    )
    assert 'plan "Customer Support 2027" {\n  period    2027-01-01 .. 2027-12-31\n' in text
    assert (
        "  # Review 1 proposed >= 92 (goalline suggested >= 91): The callback line helps\n"
        "  # last round: target >= 90\n"
        "  target      >= 92\n"
    ) in text
    assert "  # last round: warn < 92\n  warn        < 94\n" in text
    assert (
        "# Lesson of review 1: Staff the night shift before the sales peak\n"
        "#   and check the roster weekly\n"
        'goal quick_answer "Answer quickly" {\n'
    ) in text
    assert '  # closed  2026-02-15 .. 2026-02-23 "Spring Festival"\n' in text
    assert "# Done on 2026-04-10, in the last round.\n# milestone knowledge_base" in text
    assert text.endswith(
        "# Improvement action 1, still open: carried over as a milestone.\n"
        'milestone action_1 "Retrain \\"new\\" agents" {\n'
        "  due     2027-01-31\n"
        "  buffer  2w\n"
        "  owner   li_na\n"
        '  note    "Improvement action for satisfied; first due 2026-12-20."\n'
        "}\n"
        "\n"
        "# Improvement action 2, still open: carried over as a milestone.\n"
        'milestone action_2 "Tune the chatbot" {\n'
        "  due     2027-01-31\n"
        "  buffer  2w\n"
        "  owner   zhao_lei\n"
        '  note    "Improvement action for chatbot."\n'
        "}\n"
    )
    assert goalline("check", "--strict", "next.goal").exit_code == 0
    assert goalline("fmt", "--check", "next.goal").exit_code == 0


def test_the_round_after_carries_what_is_still_open_once(reviewed: Path) -> None:
    assert goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", "next.goal").exit_code == 0
    # no review of next.goal yet: the period moves, and the actions still open are in it
    # already as milestones, which move with it as milestones not done
    result = goalline("next-round", "next.goal", "--db", STORE_NAME, "-o", "after.goal")
    assert result.exit_code == 0, result.output
    said = result.stdout.splitlines()
    assert said[0] == (
        "Wrote after.goal: 2028-01-01 .. 2028-12-31, from next.goal and no review"
        " (none is recorded for it)."
    )
    assert "  milestone action_1 was not done: due 2027-01-31 -> 2028-01-31" in said
    text = (reviewed / "after.goal").read_text(encoding="utf-8")
    assert "; no review of it was recorded.\n" in text.splitlines(keepends=True)[1]
    assert text.count("milestone action_1 ") == 1
    assert 'plan "Customer Support 2028" {' in text
    assert goalline("check", "--strict", "after.goal").exit_code == 0


def test_it_never_replaces_a_file_unasked_nor_the_plan_itself(reviewed: Path) -> None:
    (reviewed / "next.goal").write_text("mine\n", encoding="utf-8")
    refused = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", "next.goal")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "goalline: error: next.goal exists; add --force to replace it\n",
    )
    assert (reviewed / "next.goal").read_text(encoding="utf-8") == "mine\n"
    forced = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", "next.goal", "--force")
    assert forced.exit_code == 0
    assert "Customer Support 2027" in (reviewed / "next.goal").read_text(encoding="utf-8")
    itself = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", PLAN_NAME, "--force")
    assert (itself.exit_code, itself.stderr) == (
        2,
        "goalline: error: customer-support.goal is the plan itself: next-round never edits a"
        " plan in place; name another file\n",
    )


def test_a_review_that_is_not_there_is_one_line(reviewed: Path) -> None:
    result = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "--review", "9", "-o", "n.goal")
    assert (result.exit_code, result.stderr) == (
        2,
        "goalline: error: there is no review session 9\n",
    )
    assert not (reviewed / "n.goal").exists()


@pytest.mark.parametrize(
    ("start", "end", "after"),
    [
        ("2026-01-01", "2026-12-31", ("2027-01-01", "2027-12-31")),
        ("2027-01-01", "2027-12-31", ("2028-01-01", "2028-12-31")),  # a leap year: by months
        ("2026-01-01", "2026-03-31", ("2026-04-01", "2026-06-30")),
        ("2026-02-01", "2026-02-28", ("2026-03-01", "2026-03-31")),
        ("2026-07-01", "2027-06-30", ("2027-07-01", "2028-06-30")),
        ("2026-01-05", "2026-01-18", ("2026-01-19", "2026-02-01")),  # 14 days: by days
    ],
)
def test_the_next_period_is_as_long(start: str, end: str, after: tuple[str, str]) -> None:
    found = next_period(date.fromisoformat(start), date.fromisoformat(end))
    assert found == (date.fromisoformat(after[0]), date.fromisoformat(after[1]))


def test_a_store_that_does_not_fit_the_plan_writes_nothing(reviewed: Path) -> None:
    with Store.open("other.db", create=True):
        pass
    result = goalline("next-round", PLAN_NAME, "--db", "other.db", "-o", "next.goal")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "goalline: error: customer-support.goal does not fit other.db; next.goal was not written"
    )
    assert "the store has no table 'tickets'" in result.stderr
    assert not (reviewed / "next.goal").exists()


def test_what_people_typed_reaches_the_plan_without_control_characters(reviewed: Path) -> None:
    with Store.open(STORE_NAME) as store:
        store.reviews.save_note(1, "satisfied", "goal", None, "Call \x1b[31mback\x1b[0m\x07 fast")
    result = goalline("next-round", PLAN_NAME, "--db", STORE_NAME, "-o", "next.goal")
    assert result.exit_code == 0, result.output
    text = (reviewed / "next.goal").read_text(encoding="utf-8")
    assert "# Lesson of review 1: Call  [31mback [0m  fast\n" in text
    assert not any(ord(c) < 32 and c not in "\n" for c in text)
