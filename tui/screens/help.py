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
  ?          this help              ctrl+p   every action, by name
  ctrl+r     evaluate again         ctrl+q   quit
  escape     back to the previous screen

Scorecard
  up/down    move between goals     enter    open the goal
  /          filter: status:breached owner:ID team:ID objective:ID
             or words of a goal's id, title or indicator;
             escape clears it
  s          next sort order (attention, goal, status, owner, team,
             attainment); a click on a column header sorts by it
  e          escalations            m        milestones
  v          review mode            r        record a value by hand

Goal detail
  up/down    choose a cycle (marked ▶): why it has its status, in
             words, and its breakdown follow
  s          show or hide the SQL behind the explanation

Escalations (e)
  up/down    choose an event: its people, runbook steps and
             acknowledgement below
  a          acknowledge it: your name (the plan's people are
             suggested) and a note

Milestones (m)
  up/down    choose a milestone: the timeline ········|===|········
             has | at the due date and at the end of the buffer (=),
             ● today and ✓ the day it was done
  d          mark it done on a date (default: the evaluation day)

Record (r)
  an indicator recorded by hand, a number, when it was measured
  (a date or a time; empty: now) and a note; enter saves, escape
  cancels

Review mode (v)
  first who takes part (comma separated; the plan's people are
  suggested), or the unfinished review of this plan is resumed
  pagedown   next item              pageup   previous item
             (n and p, outside a field)
  tab        next field: cause, lesson, proposed target, a new
             action (title, owner, due date; enter adds it), then
             the actions of the item and those open from earlier
             reviews: enter moves one open -> done -> dropped -> open
  ctrl+b     backtest the proposed target: the past cycles judged
             with it, beside how the plan judges them
  ctrl+o     export the minutes     ctrl+f   finish: export, close,
             then offer to write the next round's plan
  escape     back to the scorecard (the review stays open; v
             resumes it)
  Everything typed is saved as you type. The items: goals critical,
  breached, warning or without data, then milestones overdue, in
  their buffer or late.

The plan and the store are watched: edit the plan or import data in
another window and the screen is evaluated again within a second or
two, keeping your place.
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
