"""`ListScreen`, what the escalations and milestones screens share: a summary line, a table
with one row per item of the evaluation (the cursor kept on its item when an evaluation
refills it), the selected item in full below, and the problems instead when the plan cannot
be evaluated. A subclass says which items, how each one reads, and what its key does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from dsl.api import Report

from ..state import Loaded
from ..tables import move_to, selected_key

Item = TypeVar("Item")


class ListScreen(Screen[None], Generic[Item]):
    """The items of an evaluation as table rows (`#{NAME}-...` ids: summary, table, detail).
    What a subclass provides: `COLUMNS`, `items`, `key`, `cells`, `summary` and `detail`."""

    NAME: ClassVar[str]  # the screen's ids: #<NAME>-summary and the table's TABLE
    TABLE: ClassVar[str]
    COLUMNS: ClassVar[Sequence[tuple[str, str]]]  # (key, label) of each column

    def __init__(self) -> None:
        super().__init__()
        self.loaded: Loaded | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id=f"{self.NAME}-summary")
        yield DataTable(id=self.TABLE, cursor_type="row", zebra_stripes=True)
        yield from self.below()
        yield Footer()

    def below(self) -> Iterable[Widget]:
        """The pane under the table, where the selected item is shown."""
        raise NotImplementedError

    def on_mount(self) -> None:
        table = self.table
        for key, label in self.COLUMNS:
            table.add_column(label, key=key)
        table.focus()

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one(f"#{self.TABLE}", DataTable)

    @property
    def report(self) -> Report | None:
        return self.loaded.report if self.loaded else None

    # ------------------------------------------------------------ showing

    def show(self, loaded: Loaded) -> None:
        """Show a new evaluation, keeping the cursor on the item it was on."""
        self.loaded = loaded
        self.refill()

    def refill(self) -> None:
        report = self.report
        summary = self.query_one(f"#{self.NAME}-summary", Static)
        table = self.table
        current = selected_key(table)
        table.clear()
        if report is None:
            problems = self.loaded.problems if self.loaded else ()
            summary.update(Text("\n".join(("The plan cannot be evaluated:", *problems))))
            self.show_detail(None)
            return
        summary.update(self.summary(report))
        for item in self.items():
            table.add_row(*self.cells(item, report), key=self.key(item))
        move_to(table, current)
        self.show_detail(self.selected)

    @property
    def selected(self) -> Item | None:
        """The item under the cursor, if any."""
        key = selected_key(self.table)
        return next((item for item in self.items() if self.key(item) == key), None)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self) -> None:
        self.show_detail(self.selected)

    # ------------------------------------------------------------ what a subclass says

    def items(self) -> list[Item]:
        """The rows of the table, in order (none while there is no report)."""
        raise NotImplementedError

    def key(self, item: Item) -> str:
        raise NotImplementedError

    def cells(self, item: Item, report: Report) -> Iterable[Text]:
        raise NotImplementedError

    def summary(self, report: Report) -> Text:
        raise NotImplementedError

    def show_detail(self, item: Item | None) -> None:
        """Show the selected item in the pane below (None: there is none to show)."""
        raise NotImplementedError
