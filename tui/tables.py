"""Keeping the user's place in a table whose rows are filled again (a new evaluation, a
filter): the key of the row under the cursor, and the cursor put back on it."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual.widgets import DataTable


def selected_key(table: DataTable[Text]) -> str | None:
    """The key of the row under the cursor, or None when the table is empty."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # the cursor is past the last row
        return None


def move_to(table: DataTable[Text], key: str | None) -> None:
    """Put the cursor back on the row `key` after a refill; stay put if it is gone."""
    if key is None:
        return
    with contextlib.suppress(Exception):
        table.move_cursor(row=table.get_row_index(key), animate=False)
