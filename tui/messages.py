"""Messages that carry work done in threads back to the screens ("attributes down,
messages up")."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from .state import Loaded


@dataclass
class Evaluated(Message):
    """A new evaluation of the plan against the store is ready (or its problems are)."""

    loaded: Loaded


@dataclass
class Explained(Message):
    """The explanation of one cycle of one goal, for the goal detail screen."""

    goal: str
    cycle_index: int
    text: str


@dataclass
class OpenGoal(Message):
    """The user chose a goal to look at closely."""

    goal: str


@dataclass
class ExplainCycle(Message):
    """A screen wants the explanation of one cycle of one goal (computed in a worker)."""

    goal: str
    cycle_index: int
