"""The review's looks ahead, on the sample year at 2027-01-01: `ctrl+b` backtests the target
typed in a goal's proposal field, and finishing a review offers to write the next round's
plan, which it writes as `goalline next-round` does."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from dsl.cli.demo import PLAN_NAME
from tui.app import ReviewApp

from .conftest import SIZE, review_app, settle
from .test_review import open_review, type_into

NEXT = "customer-support-2027.goal"


def shown(app: ReviewApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def propose_for_satisfied(app: ReviewApp, pilot: object, target: str) -> None:
    """The review opened on its fourth item, satisfied, and `target` typed as proposed."""
    await open_review(app, pilot)
    await pilot.press("pagedown", "pagedown", "pagedown")  # type: ignore[attr-defined]
    await type_into(pilot, target, tabs=2)  # cause, lesson, then the proposed target
    await settle(app, pilot)


async def test_a_proposed_target_backtested_over_the_year(demo: Path, told: list[str]) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await propose_for_satisfied(app, pilot, "more")
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        not_yet = type(app.screen).__name__
        await pilot.press(*["backspace"] * 4, *">= 92", "ctrl+b")
        await settle(app, pilot)
        dialog = type(app.screen).__name__
        heading, lines = shown(app, "#form-heading"), shown(app, "#form-context").splitlines()
        await pilot.press("escape")
        await settle(app, pilot)
        back = type(app.screen).__name__
    assert not_yet == "ReviewScreen"
    assert "Write a proposed target first, such as >= 92 or <= 4" in told
    assert (dialog, back) == ("ProposalBacktest", "ReviewScreen")
    assert heading == "Backtest: satisfied with target >= 92"
    # The months of 2026: 94.95, 91.36, 91.55, 94.55, 94.67, 87.72, 93.67, 93.84, 93.76,
    # 94.20, 76.10, 90.77. At least 90 in 10 (83%), at least 92 in 7 (58%); the warn line
    # moves from < 92 to < 94 with the target: Feb, Mar and Dec fall from warning to
    # breached, Jul-Sep from met to warning.
    assert lines[:2] == [
        "2026-01-01 .. 2026-12-31 as of 2027-01-01 00:00; target now >= 90",
        "Attained:    83% now, 58% with the proposal (-25 pts)",
    ]
    assert lines[3:10] == [
        "Judged otherwise: 6 of 12 cycles",
        "  2026-02-01  warning -> breached",
        "  2026-03-01  warning -> breached",
        "  2026-07-01  met -> warning",
        "  2026-08-01  met -> warning",
        "  2026-09-01  met -> warning",
        "  2026-12-01  warning -> breached",
    ]
    # a rule fires as a cycle enters its state: "when breached" on Feb, Jun and Nov (not on
    # Mar and Dec, which follow a breach), "2 times in a row" of warning or worse on Mar,
    # Aug and Dec, "when critical" on Nov: 7 against 5
    assert lines[2] == "Rules fired: 5 now, 7 with the proposal"
    assert lines[10] == "Notified:    Wang Fang 4 -> 6, Li Na 2 -> 3, Zhao Lei 2 -> 3"


async def test_finishing_offers_the_next_rounds_plan_and_writes_it(
    demo: Path, told: list[str]
) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await propose_for_satisfied(app, pilot, ">= 92")
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        offered = app.screen.query_one("#next-round-path", Input).value
        (demo / NEXT).write_text("mine\n", encoding="utf-8")
        await pilot.press("enter")
        await settle(app, pilot)
        refused = shown(app, "#form-problem")
        (demo / NEXT).unlink()
        await pilot.press("enter")
        await settle(app, pilot)
        after = type(app.screen).__name__
    assert offered == str(demo / NEXT)
    assert refused == f"{demo / NEXT} exists: choose another name"
    assert after == "ScorecardScreen"
    text = (demo / NEXT).read_text(encoding="utf-8")
    assert "from review 1 (held " in text.splitlines()[1]
    assert "  # last round: target >= 90\n  target      >= 92\n" in text
    assert "  # last round: warn < 92\n  warn        < 94\n" in text
    assert any(m.startswith(f"{demo / NEXT}: 2027-01-01 .. 2027-12-31\n") for m in told)
    assert (demo / PLAN_NAME).read_text(encoding="utf-8").count("target      >= 92") == 0
