"""Review mode: the team steps through what needs attention, one item at a time, and writes
down causes, lessons, improvement actions and next round's targets; the minutes come last.
Everything typed is saved as it is typed (a closed terminal loses nothing), and an unfinished
review of the plan is resumed where it was left.

One module per job: `screen` (the session found, resumed or started, and its title),
`start` (who takes part), `pages` (stepping through the items, and what is typed on them)
and `minutes` (export and finish)."""

from __future__ import annotations

from .screen import ReviewScreen

__all__ = ["ReviewScreen"]
