"""One goal up close: its chart and definition, its cycles beside the explanation of the
selected one (in words; `s` shows the SQL behind it), its breakdown and escalation events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from dsl.api import (
    CycleResult,
    ExclusionNote,
    GoalResult,
    m,
    measure_text,
    target_in_force,
    value_text,
)

from .. import present
from ..messages import ExplainCycle, Explained
from ..state import Loaded
from ..widgets.goal_chart import GoalChart

CYCLE_COLUMNS = (
    ("mark", " "),  # ▶ on the cycle explained
    ("start", "Start"),
    ("end", "End"),
    ("value", "Value"),
    ("target", "Target in force"),
    ("status", "Status"),
    ("complete", "Complete"),
)


class GoalDetailScreen(Screen[None]):
    """Everything about one goal; `escape` goes back to the scorecard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "toggle_sql", "SQL"),
    ]
    # Below 110 columns the explanation goes under the cycles instead of beside them.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Textual types it so)

    def __init__(self, goal: str) -> None:
        super().__init__()
        self.goal = goal
        self.loaded: Loaded | None = None
        self.cycle_index: int | None = None
        self.sql_shown = False

    def open(self, goal: str) -> None:
        """Show another goal: the app keeps one detail screen, built once, for every goal
        (building a screen and applying its styles costs more than filling it)."""
        if goal != self.goal:
            self.goal, self.cycle_index = goal, None
            self.query_one("#explanation", Static).update("")
            self.query_one("#sql", Static).update("")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static("", id="heading")
            with Horizontal(id="cycles-row"):
                with Vertical(id="cycles-column"):
                    yield Static("Cycles", classes="section")
                    yield DataTable(id="cycles", cursor_type="row", zebra_stripes=True)
                with Vertical(id="why"):
                    yield Static("Why this status", id="why-title", classes="section")
                    yield Static("", id="explanation")
            yield Static("", id="sql")
            with Horizontal(id="chart-row"):
                yield GoalChart(id="chart")
                yield Static("", id="definition")
            yield Static("Breakdown", id="breakdown-title", classes="section")
            yield DataTable(id="breakdown", cursor_type="none")
            yield Static("Escalation events", classes="section")
            yield Static("", id="events")
        yield Footer()

    def on_mount(self) -> None:
        cycles = self.query_one("#cycles", DataTable)
        for key, label in CYCLE_COLUMNS:
            cycles.add_column(label, key=key)
        breakdown = self.query_one("#breakdown", DataTable)
        breakdown.add_column("Key", key="key")
        breakdown.add_column("Value", key="value")
        self.query_one("#sql").display = False
        cycles.focus()

    def show(self, loaded: Loaded) -> None:
        self.loaded = loaded
        report, plan = loaded.report, loaded.outcome.checked.plan if loaded.outcome else None
        result = next((g for g in report.goals if g.id == self.goal), None) if report else None
        declared = plan.get(self.goal) if plan else None
        if result is None or not isinstance(declared, m.Goal) or plan is None:
            reason = "; ".join(loaded.problems) or "it is no longer in the plan"
            self.query_one("#heading", Static).update(Text(f"Goal '{self.goal}': {reason}"))
            return
        self.query_one("#heading", Static).update(_heading(result))
        definition = _definition(plan, declared, result, report.exclusions if report else ())
        self.query_one("#definition", Static).update(definition)
        self.query_one(GoalChart).show(result, _target_lines(declared, result))
        self._fill_cycles(result)
        self.query_one("#events", Static).update(_events(loaded, self.goal))
        self._show_cycle(result)

    def _fill_cycles(self, result: GoalResult) -> None:
        table = self.query_one("#cycles", DataTable)
        table.clear()
        for cycle in result.cycles:
            table.add_row(
                _mark(cycle.index == self.cycle_index),
                Text(str(cycle.start)),
                Text(str(cycle.end)),
                present.literal(_value_and_sample(result, cycle)),
                present.literal(cycle.target, "-"),
                present.status(cycle.status),
                Text("yes" if cycle.complete else "not yet"),
                key=str(cycle.index),
            )
        if self.cycle_index is None:
            complete = [c for c in result.cycles if c.complete] or list(result.cycles)
            self.cycle_index = complete[-1].index if complete else None
            if self.cycle_index is not None:
                table.update_cell(str(self.cycle_index), "mark", _mark(True))
        if self.cycle_index is not None:
            row = next(
                (i for i, c in enumerate(result.cycles) if c.index == self.cycle_index), None
            )
            if row is not None:
                table.move_cursor(row=row, animate=False)

    @on(DataTable.RowHighlighted, "#cycles")
    def _cycle_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is None or self.loaded is None or self.loaded.report is None:
            return
        if event.cursor_row != event.data_table.cursor_row:
            return  # a highlight the table has moved past while being filled
        index = int(event.row_key.value)
        if index == self.cycle_index:
            return  # shown already (by show())
        table = event.data_table
        if self.cycle_index is not None and str(self.cycle_index) in table.rows:
            table.update_cell(str(self.cycle_index), "mark", _mark(False))
        table.update_cell(event.row_key, "mark", _mark(True))
        self.cycle_index = index
        result = next((g for g in self.loaded.report.goals if g.id == self.goal), None)
        if result is not None:
            self._show_cycle(result)

    def _show_cycle(self, result: GoalResult) -> None:
        cycle = next((c for c in result.cycles if c.index == self.cycle_index), None)
        self._fill_breakdown(result, cycle)
        if cycle is not None:
            self.query_one("#why-title", Static).update(
                f"Why {cycle.start} .. {cycle.end} is {cycle.status}"
            )
            self.query_one("#explanation", Static).update(Text("Explaining...", style="dim"))
            self.post_message(ExplainCycle(self.goal, cycle.index))

    def _fill_breakdown(self, result: GoalResult, cycle: CycleResult | None) -> None:
        table = self.query_one("#breakdown", DataTable)
        table.clear()
        shown = cycle is not None and cycle.breakdown is not None
        table.display = shown
        self.query_one("#breakdown-title").display = shown
        if cycle is None or cycle.breakdown is None:
            return
        for key, value in cycle.breakdown.items():
            table.add_row(present.literal(key), Text(value_text(result, value)))

    def on_explained(self, message: Explained) -> None:
        if message.goal == self.goal and message.cycle_index == self.cycle_index:
            told = message.explanation
            self.query_one("#explanation", Static).update(Text(told.words.rstrip()))
            sql = told.sql.rstrip() or "No query ran for this cycle."
            self.query_one("#sql", Static).update(Text(sql))

    def action_toggle_sql(self) -> None:
        """The SQL behind the explanation, for those who want to run it themselves."""
        self.sql_shown = not self.sql_shown
        self.query_one("#sql").display = self.sql_shown


def _mark(explained: bool) -> Text:
    return Text("▶" if explained else " ", style="bold")


def _heading(result: GoalResult) -> Text:
    text = Text()
    text.append(result.id, style="bold")
    if result.title:
        text.append(f"  {result.title}")
    text.append("\n")
    text.append_text(present.status(result.status))
    text.append(f"  ·  latest {present.latest_value(result)}")
    text.append(f" against {present.latest_target(result)}")
    text.append(f"  ·  attained {present.attainment(result)}")
    text.append(f"\nowner {result.owner}  ·  team {result.lead or '-'}")
    if result.with_:
        text.append(f" with {', '.join(result.with_)}")
    text.append(f"  ·  {result.cycle}  ·  weight {result.weight:g}")
    return text


def _definition(
    plan: m.Plan, goal: m.Goal, result: GoalResult, exclusions: Sequence[ExclusionNote]
) -> Text:
    indicator = plan.get(goal.indicator)
    lines = []
    if isinstance(indicator, m.Indicator):
        lines.append(
            f"indicator {indicator.id}" + (f" ({indicator.title})" if indicator.title else "")
        )
        facts = [indicator.kind, indicator.unit and f"in {indicator.unit}"]
        facts.append(indicator.better and f"{indicator.better} is better")
        lines.append(", ".join(f for f in facts if f))
        if indicator.measure is not None:
            lines.append(f"measure {measure_text(indicator.measure)}")
        else:
            lines.append("recorded by hand (goalline record)")
        if indicator.breakdown is not None:
            lines.append(f"broken down by {indicator.breakdown.id}")
    if goal.window is not None:
        lines.append(f"over a rolling window of {goal.window.amount}{goal.window.unit}")
    for target in goal.targets:
        since = f" from {target.start}" if target.start else ""
        lines.append(f"target {_target_words(target)}{since}")
    for name, threshold in (("warn", goal.warn), ("critical", goal.critical)):
        if threshold is not None:
            pace = "pace " if threshold.pace else ""
            lines.append(f"{name} when {pace}{threshold.cmp} {threshold.value.text}")
    for exclusion in exclusions:
        if not exclusion.goals or goal.id in exclusion.goals:
            title = f' "{exclusion.title}"' if exclusion.title else ""
            reason = f": {exclusion.reason}" if exclusion.reason else ""
            lines.append(f"leaves out {exclusion.id}{title}, {exclusion.when}{reason}")
    if goal.note:
        lines.append(goal.note)
    return Text("\n".join(lines))


def _target_words(target: m.Target) -> str:
    if target.low is not None and target.high is not None:
        return f"between {target.low.text} and {target.high.text}"
    words = f"{target.cmp} {target.value.text}" if target.value is not None else ""
    return f"{words} by {target.by}" if target.by else words


def _target_lines(goal: m.Goal, result: GoalResult) -> dict[str, list[float | None]]:
    """The lines the chart draws beside the values, one point per cycle: the target in
    force (or the expected running total of a progress goal) and the thresholds."""
    target: list[float | None] = []
    for cycle in result.cycles:
        if cycle.expected is not None:
            target.append(cycle.expected)
            continue
        held = target_in_force(goal, cycle.start)
        target.append(float(held.value) if held and held.value is not None else None)
    lines: dict[str, list[float | None]] = {"target": target}
    for name, threshold in (("warn", goal.warn), ("critical", goal.critical)):
        if threshold is not None and not threshold.pace:
            lines[name] = [float(threshold.value)] * len(result.cycles)
    return lines


def _events(loaded: Loaded, goal: str) -> Text:
    report = loaded.report
    events = [e for e in report.escalations if e.subject == goal] if report else []
    if not events:
        return Text("none", style="dim")
    text = Text()
    for event in events:
        held = loaded.acknowledged.get(event.key)
        state = f"acknowledged by {held.by}" if held else "to acknowledge"
        who = ", ".join(p.name for p in event.notify) or "nobody"
        text.append(f"{event.fired_on}  {event.rule}  -> {who}  ({state})\n")
        for runbook in event.runbooks:
            for step in runbook.steps:
                text.append(f"    {runbook.id}: {step.text} ({step.by}, within {step.within})\n")
    return text


def _value_and_sample(result: GoalResult, cycle: CycleResult) -> str:
    """The value, and the sample it rests on where the indicator has a `min_sample`."""
    value = value_text(result, cycle.value)
    return value if cycle.sample is None else f"{value}  (n={cycle.sample:,})"
