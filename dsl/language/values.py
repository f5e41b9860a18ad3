"""The plan model's small values: numbers that remember how they were written, references,
durations, cycles, and the field helpers that keep spans out of equality."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from .source import NOWHERE, Span

# An impossible date in the text (2026-02-30) is reported when read and stands as this one.
INVALID_DATE = date.min


class Number(float):
    """A numeric literal: equal to its value, and remembering how it was written (`20_000`)."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text.replace("_", ""))
        number.text = str(text)
        return number

    def __reduce__(self) -> tuple[type[Number], tuple[str]]:
        return (Number, (self.text,))


def span_field() -> Span:
    return field(default=NOWHERE, compare=False, repr=False)


def places_field() -> Mapping[str, Span]:
    """Where each attribute of a declaration was written, by model field name."""
    return field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ref:
    """A reference to a declaration (or a role such as `owner`) by its identifier."""

    id: str
    span: Span = span_field()

    def __str__(self) -> str:
        return self.id


DURATION_UNITS = {"m": 1, "h": 60, "d": 60 * 24, "w": 60 * 24 * 7}


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:
    """`30m`, `4h`, `2d`, `3w`: minutes, hours, days or weeks."""

    amount: int
    unit: Literal["m", "h", "d", "w"]
    span: Span = span_field()

    @property
    def minutes(self) -> int:
        return self.amount * DURATION_UNITS[self.unit]

    @property
    def timedelta(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


CycleUnit = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "days", "weeks", "months"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycle:
    """A tracking cycle: a calendar unit, or `every N days|weeks|months` from the period start."""

    unit: CycleUnit
    every: int = 1
    span: Span = span_field()

    def __str__(self) -> str:
        if self.unit in ("days", "weeks", "months"):
            noun = self.unit if self.every != 1 else self.unit[:-1]
            return f"every {self.every} {noun}"
        return self.unit
