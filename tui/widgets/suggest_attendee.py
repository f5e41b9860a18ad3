"""`SuggestAttendee`: completes the attendee name being typed after the last comma, from the
plan's people, skipping names already listed."""

from __future__ import annotations

from textual.suggester import SuggestFromList

from ..review_items import split_names


class SuggestAttendee(SuggestFromList):
    """Completes the name being typed after the last comma, from the plan's people."""

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        taken = set(split_names(head))
        for name in self._suggestions:
            if name.startswith(typed) and name not in taken:
                return value + name[len(typed) :]
        return None
