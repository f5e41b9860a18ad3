"""`?`: what each key does, and where the rest is (the command palette, the footer)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP = """\
goalline review — keys

Everywhere
  ?          this help                 ctrl+p   every action, by name
  ctrl+r     evaluate again            ctrl+q   quit
  escape     back to the previous screen

Scorecard
  up/down    move between goals        enter    open the goal
  /          filter: status:breached owner:li_na team:support objective:fast
             or words from a goal's id, title or indicator; escape clears it
  s          next sort order (attention, goal, status, owner, team, attainment);
             clicking a column header sorts by it

Goal detail
  up/down    choose a cycle: its breakdown and the explanation of its status follow

The plan and the store are watched: edit the plan or import data in another window and
the screen is evaluated again within a second or two, keeping your place.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(Text(HELP))
