"""The first screen: where every goal and milestone stands, goals needing attention first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from dsl.api import GoalResult, Report

from .. import present
from ..filtering import SORT_ORDER, arranged
from ..messages import OpenGoal
from ..state import Loaded
from ..tables import move_to, selected_key

GOAL_COLUMNS = (
    ("status", "Status"),
    ("goal", "Goal"),
    ("latest", "Latest"),
    ("target", "Target"),
    ("trend", "Trend"),
    ("attainment", "Attained"),
    ("owner", "Owner"),
    ("team", "Team"),
)
# Dropped in this order when the screen is too narrow for every column whole; then the
# latest value loses its sample and calendar. Status, goal, latest, target and attainment
# always stay.
OPTIONAL = ("trend", "team", "owner")
MILESTONE_COLUMNS = (
    ("status", "Status"),
    ("milestone", "Milestone"),
    ("due", "Due"),
    ("buffer", "Buffer"),
    ("done", "Done"),
    ("owner", "Owner"),
)


class ScorecardScreen(Screen[None]):
    """The plan's score, one row per goal and one per milestone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_goal", "Open goal", show=True),
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "next_sort", "Sort"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None
        self.sort = "attention"
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="summary")
        # Words, not Textual's LoadingIndicator: its animation redraws the screen many
        # times a second, and every frame takes the GIL from the evaluation in the worker
        # (0.1 s more to wait for the scorecard of a large plan).
        yield Static("Evaluating the plan against the store…", id="loading")
        yield Static("", id="problems")
        with Vertical(id="board"):
            yield Input(placeholder=filter_hint(None), id="filter")
            yield DataTable(id="goals", cursor_type="row", zebra_stripes=True)
            yield Static("Milestones", id="milestones-title", classes="section")
            yield DataTable(id="milestones", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        goals = self.query_one("#goals", DataTable)
        milestones = self.query_one("#milestones", DataTable)
        for key, label in MILESTONE_COLUMNS:
            milestones.add_column(label, key=key)
        self.query_one("#board").display = False
        self.query_one("#problems").display = False
        goals.focus()

    # ------------------------------------------------------------ showing

    def show(self, loaded: Loaded) -> None:
        """Show a new evaluation, keeping the cursor on the goal it was on."""
        self.loaded = loaded
        self.query_one("#loading").display = False
        report = loaded.report
        problems = self.query_one("#problems", Static)
        problems.display = report is None
        self.query_one("#board").display = report is not None
        if report is None:
            self.query_one("#summary", Static).update(Text("The plan cannot be evaluated:"))
            problems.update(Text("\n".join(loaded.problems)))
            return
        self.query_one("#summary", Static).update(self._summary(report, loaded))
        self.query_one("#filter", Input).placeholder = filter_hint(report)
        self._fill_goals(report)
        self._fill_milestones(report)
        if self.focused is None:  # the board was hidden while the plan did not check
            self.query_one("#goals", DataTable).focus()

    def _summary(self, report: Report, loaded: Loaded) -> Text:
        score = f"score {report.score:.0%}" if report.score is not None else "no score yet"
        waiting = len(loaded.unacknowledged())
        alerts = (
            f"{waiting} escalation{'s' if waiting != 1 else ''} to acknowledge"
            if waiting
            else "no escalation to acknowledge"
        )
        text = Text()
        text.append(report.title or report.file, style="bold")
        text.append(f"  {report.period_start} .. {report.period_end}")
        text.append(f"  as of {report.as_of:%Y-%m-%d %H:%M} ({report.timezone})")
        text.append(f"\n{score}  ·  {alerts}")
        if self.query_text or self.sort != "attention":
            text.append(f"  ·  sorted by {self.sort}")
        return text

    def _fill_goals(self, report: Report) -> None:
        table = self.query_one("#goals", DataTable)
        current = selected_key(table)
        goals = arranged(report.goals, self.query_text, self.sort)
        fit = fitted(goals, self.size.width - 2)  # 2: the table's scrollbar
        if [c.value for c in table.columns] != list(fit.columns):
            table.clear(columns=True)
            for key in fit.columns:
                table.add_column(dict(GOAL_COLUMNS)[key], key=key)
        else:
            table.clear()
        for goal in goals:
            cells = goal_cells(goal, short=fit.short, bars=fit.bars)
            table.add_row(*(cells[key] for key in fit.columns), key=goal.id)
        move_to(table, current)

    def on_resize(self) -> None:
        """A narrower or wider screen: the columns that fit whole."""
        if self.loaded is not None and self.loaded.report is not None:
            self._fill_goals(self.loaded.report)

    def _fill_milestones(self, report: Report) -> None:
        table = self.query_one("#milestones", DataTable)
        current = selected_key(table)
        table.clear()
        for ms in sorted(report.milestones, key=lambda m: (m.due, m.id)):
            table.add_row(
                present.status(ms.status),
                present.literal(ms.id),
                Text(str(ms.due)),
                Text(f"{ms.buffer_days}d"),
                Text(str(ms.done_on or "-")),
                present.literal(ms.owner),
                key=ms.id,
            )
        self.query_one("#milestones-title").display = bool(report.milestones)
        table.display = bool(report.milestones)
        move_to(table, current)

    # ------------------------------------------------------------ actions

    @property
    def selected_goal(self) -> str | None:
        return selected_key(self.query_one("#goals", DataTable))

    def action_open_goal(self) -> None:
        goal = self.selected_goal
        if goal is not None:
            self.post_message(OpenGoal(goal))

    @on(DataTable.RowSelected, "#goals")
    def _goal_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.post_message(OpenGoal(event.row_key.value))

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        self.query_one("#goals", DataTable).focus()

    def filter_to(self, query: str) -> None:
        self.query_one("#filter", Input).value = query  # the filter follows (Input.Changed)

    def action_next_sort(self) -> None:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self._refill()

    def sort_by(self, sort: str) -> None:
        self.sort = sort
        self._refill()

    @on(DataTable.HeaderSelected, "#goals")
    def _header_chosen(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value or ""
        self.sort_by(key if key in SORT_ORDER else "attention")

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._refill()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#goals", DataTable).focus()

    def _refill(self) -> None:
        if self.loaded is None or self.loaded.report is None:
            return
        report = self.loaded.report
        table = self.query_one("#goals", DataTable)
        order = [g.id for g in arranged(report.goals, self.query_text, self.sort)]
        if len(order) == table.row_count and set(order) == {k.value for k in table.rows}:
            self._reorder(table, order)  # the same rows: no need to build them again
        else:
            self._fill_goals(report)
        self.query_one("#summary", Static).update(self._summary(report, self.loaded))

    def _reorder(self, table: DataTable[Text], order: list[str]) -> None:
        """Put the rows in `order`, keeping the cursor on its goal. Moving rows costs
        little; adding them again makes the table measure every cell again."""
        current = selected_key(table)
        rank = {goal: place for place, goal in enumerate(order)}
        table.sort("goal", key=lambda goal: rank[goal.plain])
        move_to(table, current)


def goal_cells(goal: GoalResult, *, short: bool = False, bars: int = 12) -> dict[str, Text]:
    """One goal's row, by column: `short` the latest value alone, `bars` cycles of trend."""
    return {
        "status": present.status(goal.status),
        "goal": present.literal(goal.id),
        "latest": present.literal(present.latest_value(goal, short=short)),
        "target": present.literal(present.latest_target(goal)),
        "trend": Text(present.sparkline(goal.cycles, width=bars)),
        "attainment": Text(present.attainment(goal)),
        "owner": present.literal(goal.owner),
        "team": present.literal(goal.lead, "-"),
    }


class Fit(NamedTuple):
    """How the goals table fits the screen: its columns, the latest value short or not, and
    the cycles of trend."""

    columns: tuple[str, ...]
    short: bool = False
    bars: int = 12


def fitted(goals: Sequence[GoalResult], width: int) -> Fit:
    """The first layout, from the fullest, whose columns all fit whole in `width` cells
    (DataTable sizes a column to its widest cell, plus a cell of padding each side): the
    trend narrows, then goes, then the team, the owner, and the latest value's sample."""
    every = tuple(key for key, _ in GOAL_COLUMNS)
    fits = [Fit(every), Fit(every, bars=6)]
    kept = list(every)
    for dropped in OPTIONAL:
        kept.remove(dropped)
        fits.append(Fit(tuple(kept)))
    fits.append(Fit(tuple(kept), short=True))
    # Each column's width once per way of writing it: the rows are built once, not per fit.
    full = [goal_cells(goal) for goal in goals]
    narrow = [goal_cells(goal, short=True, bars=6) for goal in goals]
    labels = dict(GOAL_COLUMNS)

    def widest(rows: list[dict[str, Text]], key: str) -> int:
        return 2 + max([cell_len(labels[key])] + [row[key].cell_len for row in rows])

    widths = {key: widest(full, key) for key in every}
    latest_short, trend_short = widest(narrow, "latest"), widest(narrow, "trend")
    for fit in fits:
        needed = sum(
            latest_short
            if key == "latest" and fit.short
            else trend_short
            if key == "trend" and fit.bars == 6
            else widths[key]
            for key in fit.columns
        )
        if needed <= width:
            return fit
    return fits[-1]


def filter_hint(report: Report | None) -> str:
    """The filter's placeholder, with an owner and a team of this plan."""
    goal = next((g for g in report.goals if g.lead), None) if report else None
    if goal is None:
        return "/ to filter: status:breached owner:ID team:ID objective:ID or words"
    return f"/ to filter: status:breached owner:{goal.owner} team:{goal.lead} or words"
