"""Review mode on the sample year at 2027-01-01 (Asia/Shanghai): stepping through what needs
attention, writing causes, lessons, actions and targets, resuming, and the minutes."""

from __future__ import annotations

import os
import shutil
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static, TextArea

from dsl.cli.demo import PLAN_NAME, STORE_NAME
from dsl.engine.suggest import suggest_target
from dsl.store.database import Store
from tui.app import ReviewApp
from tui.screens.review import ReviewScreen
from tui.store_work import Drafts
from tui.widgets.item_panel import ItemPanel

from .conftest import AS_OF, HOSTILE_PLAN, SIZE, review_app, settle

MINUTES_MD = "customer-support-review-2027-01-01.md"
MINUTES_TOML = "customer-support-review-2027-01-01.toml"
HEADINGS = [
    "critical  promoters  Customers recommend us\n"
    "latest 23.9 points against >= 40  ·  owner director  ·  team quality",
    "breached  solved_for_good  Problems stay solved\n"
    "latest 4.5% against <= 4  ·  owner zhao_lei  ·  team tech",
    "warning  resolve_rate  Resolve what customers bring us\n"
    "latest 88.9% against >= 88  ·  owner wang_fang  ·  team support",
    "warning  satisfied  Keep customers satisfied\n"
    "latest 90.8% (n=1,798) against >= 90  ·  owner wang_fang  ·  team support",
    "no data  called_back  Call back every unhappy customer\n"
    "latest - (last 84.2%, 11-01) against >= 95  ·  owner li_na  ·  team quality",
    "late  knowledge_base  Publish the self-service knowledge base\n"
    "milestone due 2026-03-31, buffer 14d, done 10 days late, within its buffer (on 2026-04-10)"
    "  ·  owner li_na",
]


async def open_review(app: ReviewApp, pilot: object, attendees: str = "wang_fang, li_na") -> None:
    """From the scorecard: `v`, then the attendees when a new review is started."""
    await settle(app, pilot)
    await pilot.press("v")  # type: ignore[attr-defined]
    await settle(app, pilot)
    if attendees:
        await pilot.press(*attendees, "enter")  # type: ignore[attr-defined]
        await settle(app, pilot)


def screen(app: ReviewApp) -> ReviewScreen:
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def panel(app: ReviewApp) -> ItemPanel:
    pages = screen(app).pages
    return pages.panels[pages.items[pages.current].subject]


def text_of(widget: Static) -> str:
    return str(widget.render())


def title(app: ReviewApp) -> str:
    return text_of(app.screen.query_one("#review-title", Static))


def actions_listed(app: ReviewApp, which: str = "actions") -> str:
    """The lines of an item's actions list (`earlier-actions`: open from earlier reviews), or
    what the page says when this review has none."""
    options = panel(app).query_one(f"#{which}", OptionList).options
    if not options and which == "actions":
        return text_of(panel(app).query_one("#no-actions", Static))
    return "\n".join(str(option.prompt) for option in options)


def field(app: ReviewApp, name: str) -> str:
    widget = panel(app).query_one(f"#{name}")
    return widget.text if isinstance(widget, TextArea) else widget.value  # type: ignore[attr-defined]


async def type_into(pilot: object, text: str, *, tabs: int = 0) -> None:
    await pilot.press(*["tab"] * tabs, *text)  # type: ignore[attr-defined]


async def choose_owner(pilot: object, typed: str) -> None:
    """On the owner Select: open it, type to find the person, take it."""
    await pilot.press("enter", *typed, "enter")  # type: ignore[attr-defined]


# ---------------------------------------------------------------- stepping through


async def test_the_items_needing_attention_come_in_order_with_their_headings(
    demo: Path,
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        seen = []
        for _ in HEADINGS:
            seen.append((title(app).splitlines()[1], text_of(panel(app).query_one("#heading"))))
            await pilot.press("pagedown")
        at_the_end = title(app).splitlines()[1]
        await pilot.press("pageup", "pageup")
        back = title(app).splitlines()[1]
        focused = app.focused
        app.screen.query_one("#next").focus()  # away from the fields, single letters move
        await pilot.press("n", "n", "p")
        by_letter = title(app).splitlines()[1]
    assert [progress.split("  ·  ")[0] for progress, _ in seen] == [
        f"item {n} of 6" for n in range(1, 7)
    ]
    assert [heading for _, heading in seen] == HEADINGS
    assert at_the_end.startswith("item 6 of 6")  # pagedown on the last item stays there
    assert back.startswith("item 4 of 6")
    assert by_letter.startswith("item 5 of 6")
    assert isinstance(focused, TextArea) and focused.id == "cause"  # ready to type


async def test_the_attendees_are_suggested_from_the_plans_people(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot, attendees="")
        people = text_of(app.screen.query_one("#people", Static))
        await pilot.press(*"wang_fang, zh")
        await pilot.pause(0.2)  # suggestions arrive from a task
        await pilot.press("right")  # at the end, right takes the suggestion
        typed = app.screen.query_one("#attendees", Input).value
    assert "zhao_lei (Zhao Lei)" in people
    assert typed == "wang_fang, zhao_lei"


async def test_a_whole_review_is_written_to_the_minutes_next_to_the_plan(
    demo: Path, told: list[str]
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "Outage in November")
        await type_into(pilot, "Warn before work", tabs=1)
        await type_into(pilot, ">= 35", tabs=1)
        await type_into(pilot, "Q4 survey ran after Double 11", tabs=1)
        await type_into(pilot, "Call detractors", tabs=1)  # owner: the goal's
        await type_into(pilot, "2027-01-31", tabs=2)
        await pilot.press("enter")
        await settle(app, pilot)
        await type_into(pilot, "Outage page")  # the form is ready for the next
        await pilot.press("tab")
        await choose_owner(pilot, "Li")
        await type_into(pilot, "2027-02-15", tabs=1)
        await pilot.press("enter")
        await settle(app, pilot)
        listed = actions_listed(app)
        report = app.loaded.report if app.loaded else None
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        offered = type(app.screen).__name__  # to write the next round's plan
        says = str(app.screen.query_one("#form-context", Static).render())
        await pilot.press("escape")  # not now
        await settle(app, pilot)
        after = type(app.screen).__name__
    assert report is not None
    # four quarters of history, six needed: no suggestion for promoters
    assert suggest_target(next(g for g in report.goals if g.id == "promoters")) is None
    assert listed == (
        "[open] Call detractors — director, due 2027-01-31\n"
        "[open] Outage page — li_na, due 2027-02-15"
    )
    assert (offered, after) == ("NextRound", "ScorecardScreen")
    assert f"Minutes written to {demo / MINUTES_MD} and {demo / MINUTES_TOML}." in " ".join(
        says.split()
    )
    assert sorted(p.name for p in demo.glob("*.goal")) == [PLAN_NAME]  # none was written

    markdown = (demo / MINUTES_MD).read_text(encoding="utf-8")
    assert "- Attendees: wang_fang, li_na" in markdown
    assert "- Cause: Outage in November" in markdown
    assert "- Lesson: Warn before work" in markdown
    assert "| Call detractors | promoters | director | 2027-01-31 | open |" in markdown
    assert "| Outage page | promoters | li_na | 2027-02-15 | open |" in markdown
    assert "| promoters | >= 40 | >= 35 | - | - | Q4 survey ran after Double 11 |" in markdown

    minutes = tomllib.loads((demo / MINUTES_TOML).read_text(encoding="utf-8"))
    assert minutes["session"]["attendees"] == ["wang_fang", "li_na"]
    assert minutes["session"]["finished_at"]
    assert minutes["notes"] == [
        {
            "subject": "promoters",
            "kind": "goal",
            "cause": "Outage in November",
            "lesson": "Warn before work",
        }
    ]
    assert [(a["title"], a["owner"], a["due"]) for a in minutes["actions"]] == [
        ("Call detractors", "director", "2027-01-31"),
        ("Outage page", "li_na", "2027-02-15"),
    ]
    (proposal,) = minutes["proposals"]
    assert (proposal["goal"], proposal["target"]) == ("promoters", ">= 35")
    assert "suggestion" not in proposal and "how" not in proposal
    assert proposal["note"] == "Q4 survey ran after Double 11"
    with Store.open(str(demo / STORE_NAME)) as store:
        assert store.reviews.unfinished_review(str((demo / PLAN_NAME).resolve())) is None


async def test_the_suggestion_is_shown_beside_the_proposed_target(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        none_for_promoters = text_of(panel(app).query_one("#suggestion", Static))
        await pilot.press("pagedown")  # solved_for_good: twelve months, lower is better
        await settle(app, pilot)
        beside = text_of(panel(app).query_one("#suggestion", Static))
        placeholder = panel(app).query_one("#target", Input).placeholder
    # the figures of `goalline suggest`: ten of twelve months must stay within it; the tenth
    # best, rounded up to the indicator's one decimal, is 4.6%, which eleven stayed within
    assert none_for_promoters == "no suggestion from history (fewer than 6 usable complete cycles)"
    assert beside == (
        "suggested from history: 4.6%\nmet in 11 of the last 12 complete monthly cycles\n"
        "conservative <= 4.6 (met in 11 of 12); stretch <= 4.5 (met in 9 of 12);"
        " worst 7.5%, best 3.0%"
    )
    assert placeholder == "e.g. <= 4.6"


async def test_a_proposal_pointing_the_wrong_way_is_warned_with_its_past_attainment(
    demo: Path,
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "<= 30", tabs=2)  # promoters: higher is better, >= 40
        await settle(app, pilot)
        wrong = text_of(panel(app).query_one("#proposal-check", Static))
        await pilot.press(*["backspace"] * 5, *">= 20")
        await settle(app, pilot)
        right = text_of(panel(app).query_one("#proposal-check", Static))
        report = app.loaded.report if app.loaded else None
    assert report is not None
    promoters = next(g for g in report.goals if g.id == "promoters")
    values = [c.value for c in promoters.cycles if c.complete and c.value is not None]
    assert values == [36.5, 43.0, 48.0, 23.9]  # four quarters: one at most 30, all at least 20
    assert wrong == (
        "⚠ points the wrong way: higher is better for this goal (its target is >= 40),"
        " so <= 30 would count worse values as met\n"
        "this proposal: met in 1 of the last 4 complete cycles (25%)"
    )
    assert right == "this proposal: met in 4 of the last 4 complete cycles (100%)"


async def test_a_review_left_open_is_resumed_with_everything_typed(
    demo: Path, told: list[str]
) -> None:
    first = review_app(demo)
    async with first.run_test(size=SIZE) as pilot:
        await open_review(first, pilot)
        await type_into(pilot, "Agents left")
        await type_into(pilot, "Hire early", tabs=1)
        await type_into(pilot, ">= 38", tabs=1)
        await type_into(pilot, "Hiring takes a quarter", tabs=1)
        await pilot.press("pagedown")  # stores the page it leaves
        await settle(first, pilot)
        await type_into(pilot, "Queue grew")
    # the app closed mid-review, straight after the typing; a new one on the same folder
    second = review_app(demo)
    async with second.run_test(size=SIZE) as pilot:
        await open_review(second, pilot, attendees="")
        asked = second.screen.query_one("#review-start").display
        promoters = tuple(field(second, f) for f in ("cause", "lesson", "target", "target-note"))
        attendees = second.screen.query_one("#session-attendees", Input).value
        heading = title(second)
        await pilot.press("pagedown")
        solved_for_good = field(second, "cause")
    assert not asked
    assert any(message.startswith("resumed the review started ") for message in told)
    assert "resumed the review started" in heading
    assert promoters == ("Agents left", "Hire early", ">= 38", "Hiring takes a quarter")
    assert solved_for_good == "Queue grew"
    assert attendees == "wang_fang, li_na"


async def test_escape_leaves_the_review_open_and_v_comes_back_to_it(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "Kept")
        await pilot.press("escape")
        await settle(app, pilot)
        left_to = type(app.screen).__name__
        await open_review(app, pilot, attendees="")
        cause = field(app, "cause")
    assert left_to == "ScorecardScreen"
    assert cause == "Kept"


# ---------------------------------------------------------------- refusing bad input


async def test_a_bad_due_date_is_refused_with_a_message(demo: Path, told: list[str]) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "Call detractors", tabs=4)
        await type_into(pilot, "2027-02-30", tabs=2)
        await pilot.press("enter")
        await settle(app, pilot)
        problem = text_of(panel(app).query_one("#action-problem", Static))
        listed = actions_listed(app)
        kept = field(app, "action-title")
        await pilot.press(*["backspace"] * 10, *"31/01/2027", "enter")
        await settle(app, pilot)
        second = text_of(panel(app).query_one("#action-problem", Static))
    assert "YYYY-MM-DD" in problem and "2027-02-30" in problem
    assert problem in told
    assert "YYYY-MM-DD" in second and "31/01/2027" in second
    assert listed == "none yet"
    assert kept == "Call detractors"  # nothing typed is lost
    with Store.open(str(demo / STORE_NAME)) as store:
        assert store.reviews.open_actions() == ()


async def test_an_action_needs_a_title(demo: Path, told: list[str]) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "2027-01-31", tabs=6)
        await pilot.press("enter")
        await settle(app, pilot)
    assert "an improvement action needs a title" in told


async def test_markup_typed_in_a_note_is_shown_and_exported_literally(
    demo: Path, told: list[str]
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot, attendees="[b]Boss[/b], li_na")
        await type_into(pilot, "[bold]x[/]")
        await type_into(pilot, "[i]call[/i] them", tabs=4)
        await pilot.press("enter")
        await settle(app, pilot)
        cause = field(app, "cause")
        listed = actions_listed(app)
        await pilot.press("ctrl+o")  # export, and keep reviewing
        await settle(app, pilot)
        still = type(app.screen).__name__
    assert cause == "[bold]x[/]"
    assert listed.startswith("[open] [i]call[/i] them — director")
    assert still == "ReviewScreen"
    assert any(message.startswith("Minutes written to") for message in told)
    markdown = (demo / MINUTES_MD).read_text(encoding="utf-8")
    assert "- Cause: [bold]x[/]" in markdown
    assert "| [i]call[/i] them | promoters | director |" in markdown
    assert "- Attendees: [b]Boss[/b], li_na" in markdown
    with Store.open(str(demo / STORE_NAME)) as store:
        assert (
            store.reviews.unfinished_review(str((demo / PLAN_NAME).resolve())) is not None
        )  # not finished


async def test_minutes_are_never_written_through_a_planted_link(
    demo: Path, told: list[str], tmp_path: Path
) -> None:
    """Anyone who can write the plan's folder could plant links at the names the export
    writes: the temporary name it used to write first, and the minutes' own names."""
    victims = [tmp_path / f"victim-{n}" for n in range(3)]
    for victim in victims:
        victim.write_text("precious\n", encoding="utf-8")
    (demo / f".{MINUTES_MD}.partial").symlink_to(victims[0])
    (demo / MINUTES_MD).symlink_to(victims[1])
    (demo / MINUTES_TOML).symlink_to(victims[2])
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
    assert any(message.startswith("Minutes written to") for message in told)
    assert [v.read_text(encoding="utf-8") for v in victims] == ["precious\n"] * 3
    assert not (demo / MINUTES_MD).is_symlink()
    assert (demo / MINUTES_MD).read_text(encoding="utf-8").startswith("# ")
    assert tomllib.loads((demo / MINUTES_TOML).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- minutes that cannot be written


async def test_a_read_only_plan_folder_is_a_message(
    sample: Path, tmp_path: Path, told: list[str]
) -> None:
    plans, stores = tmp_path / "plans", tmp_path / "stores"
    plans.mkdir()
    stores.mkdir()
    shutil.copy(sample / PLAN_NAME, plans / PLAN_NAME)
    shutil.copy(sample / STORE_NAME, stores / STORE_NAME)
    app = ReviewApp(str(plans / PLAN_NAME), str(stores / STORE_NAME), AS_OF)
    plans.chmod(0o555)
    try:
        if os.access(plans, os.W_OK):  # root writes anyway: the check cannot fail
            pytest.skip("running as a user whom a read-only folder does not stop")
        async with app.run_test(size=SIZE) as pilot:
            await open_review(app, pilot)
            await type_into(pilot, "Kept in the store")
            await pilot.press("ctrl+f")
            await settle(app, pilot)
            still = type(app.screen).__name__
    finally:
        plans.chmod(0o755)
    assert any("cannot write the minutes to" in m and "ermission denied" in m for m in told)
    assert still == "ReviewScreen"
    assert not (plans / MINUTES_MD).exists()


async def test_a_minutes_file_that_cannot_be_written_is_a_message(
    demo: Path, told: list[str]
) -> None:
    (demo / MINUTES_MD).mkdir()  # in the way, whoever runs the test
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        await type_into(pilot, "Kept in the store")
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        stayed = type(app.screen).__name__
        (demo / MINUTES_MD).rmdir()
        await pilot.press("ctrl+o")  # try again once the way is clear
        await settle(app, pilot)
    assert stayed == "ReviewScreen"
    assert any(m.startswith(f"cannot write the minutes to {demo / MINUTES_MD}") for m in told)
    assert "Kept in the store" in (demo / MINUTES_MD).read_text(encoding="utf-8")
    assert not list(demo.glob(".*.partial"))


# ---------------------------------------------------------------- saving as typed


def test_drafts_store_only_the_newest_edit_of_each_field() -> None:
    saved: list[str] = []
    drafts = Drafts()
    drafts.put("cause", lambda _store: saved.append("A"))
    drafts.put("cause", lambda _store: saved.append("AB"))  # replaces the one not yet stored
    drafts.put("lesson", lambda _store: saved.append("L"))
    assert drafts.waiting
    drafts.save(None)  # type: ignore[arg-type]
    drafts.save(None)  # type: ignore[arg-type]  # a later write finds nothing left to do
    assert saved == ["AB", "L"]
    assert not drafts.waiting


# ---------------------------------------------------------------- other plans


def hostile_app(folder: Path, value: float) -> ReviewApp:
    (folder / "plan.goal").write_text(HOSTILE_PLAN, encoding="utf-8")
    with Store.open(str(folder / "store.db"), create=True) as store:
        store.record("nps", 1767225600.0, value, None, "2026-01-01T00:00:00+00:00")
    as_of = datetime(2026, 2, 1, tzinfo=UTC)  # January is complete
    return ReviewApp(str(folder / "plan.goal"), str(folder / "store.db"), as_of)


async def test_markup_in_plan_strings_is_shown_literally_in_review(tmp_path: Path) -> None:
    app = hostile_app(tmp_path, 30.0)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot, attendees="")
        people = text_of(app.screen.query_one("#people", Static))
        await pilot.press(*"boss", "enter")
        await settle(app, pilot)
        heading = text_of(panel(app).query_one("#heading", Static))
        review_title = title(app)
        await type_into(pilot, "Sign up", tabs=4)
        await pilot.press("enter")
        await settle(app, pilot)
        listed = actions_listed(app)
    assert people == "People in the plan: boss ([/]Boss)"
    assert heading == (
        "breached  promoters  [i]Promoters[/i]\nlatest 30 [dim]pts against >= 40"
        "  ·  owner boss  ·  team support"
    )
    assert review_title.startswith("Review  [bold red]Alarm[/]")
    assert listed == "[open] Sign up — boss, no due date"


async def test_with_nothing_needing_attention_the_review_can_still_be_finished(
    tmp_path: Path,
) -> None:
    app = hostile_app(tmp_path, 45.0)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot, attendees="boss")
        said = text_of(app.screen.query_one("#nothing", Static))
        progress = title(app).splitlines()[1]
        await pilot.press("pagedown", "ctrl+f")
        await settle(app, pilot)
        await pilot.press("escape")  # the next round's plan: not now
        await settle(app, pilot)
        after = type(app.screen).__name__
    assert said.startswith("Nothing needs attention")
    assert progress.startswith("no item needs attention")
    assert after == "ScorecardScreen"
    assert "None recorded." in (tmp_path / "plan-review-2026-02-01.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------- actions from earlier reviews


async def test_actions_open_from_an_earlier_review_are_listed_and_can_be_marked_done(
    demo: Path,
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        first = screen(app).session
        await type_into(pilot, "Call detractors", tabs=4)
        await type_into(pilot, "2027-01-31", tabs=2)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        await pilot.press("escape")  # the next round's plan: not now
        await settle(app, pilot)
        minutes = (demo / MINUTES_MD).read_text(encoding="utf-8")
        await open_review(app, pilot, attendees="zhao_lei")
        second = screen(app).session
        heading_shown = panel(app).query_one("#earlier-heading").display
        earlier = actions_listed(app, "earlier-actions")
        own = actions_listed(app)
        await pilot.press("pagedown")
        elsewhere = panel(app).query_one("#earlier-heading").display
        await pilot.press("pageup")
        panel(app).query_one("#earlier-actions", OptionList).focus()
        await pilot.press("enter")
        marked = actions_listed(app, "earlier-actions")  # at once, before the store has it
        await settle(app, pilot)
        with Store.open(str(demo / STORE_NAME)) as store:
            still_open = store.reviews.open_actions()
            assert first is not None
            status = store.reviews.review_record(first.id).actions[0].status
        after = (demo / MINUTES_MD).read_text(encoding="utf-8")
    assert first is not None and second is not None and second.id != first.id
    assert heading_shown
    assert earlier == "[open] Call detractors — director, due 2027-01-31"
    assert own == "none yet"  # the earlier action is not one of this review's
    assert not elsewhere  # only on the item it is about
    assert marked == "[done] Call detractors — director, due 2027-01-31"
    assert still_open == ()
    assert status == "done"
    assert "| Call detractors | promoters | director | 2027-01-31 | open |" in minutes
    assert after == minutes  # the first review's minutes stay as they were written


async def test_enter_cycles_an_actions_status_and_the_store_keeps_the_last(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        session = screen(app).session
        await type_into(pilot, "Sign up", tabs=4)
        await pilot.press("enter")
        await settle(app, pilot)
        panel(app).query_one("#actions", OptionList).focus()
        seen = []
        for _ in range(3):
            await pilot.press("enter")
            seen.append(actions_listed(app))
        await pilot.press("enter", "enter")  # quickly: done, then dropped
        await settle(app, pilot)
        last = actions_listed(app)
        with Store.open(str(demo / STORE_NAME)) as store:
            assert session is not None
            (action,) = store.reviews.review_record(session.id).actions
        listed = panel(app).query_one("#actions", OptionList)
        listed.scroll_visible(animate=False)  # below the form, as tabbing to it would
        await pilot.pause()
        await pilot.click(listed, offset=(4, 0))
        await settle(app, pilot)
        clicked = actions_listed(app)
        with Store.open(str(demo / STORE_NAME)) as store:
            reopened = store.reviews.open_actions()
    assert seen == [
        "[done] Sign up — director, no due date",
        "[dropped] Sign up — director, no due date",
        "[open] Sign up — director, no due date",
    ]
    assert last == "[dropped] Sign up — director, no due date"
    assert action.status == "dropped"
    assert clicked == "[open] Sign up — director, no due date"  # a click moves it on too
    assert [a.title for a in reopened] == ["Sign up"]


async def test_each_item_shows_one_heading_its_own(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await open_review(app, pilot)
        shown = []
        for _ in HEADINGS:
            headings = [
                text_of(h)
                for h in app.screen.query(".item-heading").results(Static)
                if h.region.height and all(node.display for node in h.ancestors_with_self)
            ]
            shown.append(headings)
            await pilot.press("pagedown")
            await settle(app, pilot)
    assert shown == [[heading] for heading in HEADINGS]
