"""`r`: record a value of an indicator measured by hand (one without a measure), as
`goalline record` does."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Select

from dsl.api import m, parse_as_of

from ..messages import RecordValue
from ..state import Loaded
from .form import FormDialog, Refused, labelled, now_iso

TIME_HINT = "now; or 2026-07-01, 2026-07-01T09:30, 2026-07-01T09:30+08:00"


class RecordDialog(FormDialog):
    """Which recorded indicator, the value, when it was measured (now unless told), a note."""

    def __init__(self, loaded: Loaded | None) -> None:
        """`loaded` is the evaluation on screen when the dialog opens (None: still under way)."""
        super().__init__()
        self.plan = loaded.outcome.checked.plan if loaded and loaded.outcome else None
        self.problems = loaded.problems if loaded else ("the plan is still being evaluated",)
        self.indicators: tuple[m.Indicator, ...] = ()
        self.zone = "UTC"
        if self.plan is not None:
            self.indicators = tuple(i for i in self.plan.indicators if i.recorded)
            self.zone = self.plan.info.timezone or "UTC"

    @property
    def can_save(self) -> bool:
        return bool(self.indicators)

    def heading(self) -> Text:
        return Text("Record a measurement")

    def context(self) -> Text:
        if self.plan is None:
            why = self.problems[0] if self.problems else "the plan does not check"
            return Text(f"The plan's indicators are not known: {why}")
        if not self.indicators:
            return Text(
                "No indicator of this plan is recorded by hand: every one has a measure,"
                " computed from imported data."
            )
        return Text(f"A time without an offset is read in {self.zone}.")

    def fields(self) -> ComposeResult:
        if not self.indicators:
            return
        options = [(Text(_choice(i)), i.id) for i in self.indicators]
        yield from labelled(
            "Indicator",
            Select(options, allow_blank=False, value=self.indicators[0].id, id="indicator"),
        )
        yield from labelled("Value", Input(placeholder="a number, e.g. 42.5", id="value"))
        yield from labelled("Measured at", Input(placeholder=TIME_HINT, id="at"))
        yield from labelled("Note", Input(placeholder="optional", id="note"))

    def on_mount(self) -> None:
        if self.indicators:
            self.query_one("#value", Input).focus()

    def save(self) -> None:
        indicator = str(self.query_one("#indicator", Select).value)
        typed = self.field("#value").strip()
        value = _number(typed)
        measured = self._measured_at().astimezone(ZoneInfo(self.zone))
        note = self.optional("#note")
        self.app.post_message(RecordValue(indicator, value, typed, measured, note, now_iso()))

    def _measured_at(self) -> datetime:
        """The time typed, read as `goalline record --at` reads it; nothing typed is now."""
        typed = self.field("#at").strip()
        if not typed:
            return datetime.now(UTC)
        try:
            return parse_as_of(typed, ZoneInfo(self.zone))
        except ValueError as problem:
            raise Refused(str(problem)) from None


def _choice(indicator: m.Indicator) -> str:
    title = f"  {indicator.title}" if indicator.title else ""
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"{indicator.id}{title}{unit}"


def _number(typed: str) -> float:
    if not typed:
        raise Refused("Type the value: a number, e.g. 42.5.")
    try:
        number = float(typed)
    except ValueError:
        raise Refused(f"'{typed}' is not a number.") from None
    if not math.isfinite(number):
        raise Refused(f"'{typed}' is not a finite number.")
    return number
