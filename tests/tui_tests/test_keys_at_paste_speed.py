"""Keys are never lost or misplaced, at any speed: a whole review sent to the terminal in
one burst, without waiting for the screen between keys (as a paste, or a fast typist
ahead of a slow screen), ends as it would typed slowly: each text in its field, each Tab
moving on, the action added, the next item's cause on the next item, the minutes written."""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

from textual import events
from textual.app import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from tui.app import ReviewApp

from .conftest import SIZE, review_app, settle
from .test_review import MINUTES_TOML


def burst(app: ReviewApp, *keys: str) -> None:
    """Every key into the app's input at once, as the terminal delivers a paste: what Pilot's
    `press` does for one key, without waiting for the app between keys."""
    assert app._driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        try:
            char: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
            )
        except KeyError:
            char = name if len(name) == 1 else None
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_a_whole_review_in_one_burst(demo: Path) -> None:
    app = review_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(
            app,
            "v", *"wang_fang, li_na", "enter",  # start the review: its first item opens
            *"Email queue understaffed", "tab",
            *"Route email to chat agents at peaks", "tab",
            *">= 35", "tab",
            *"after the outage", "tab",
            *"Hire two agents", "tab", "tab",  # the owner stays the goal's
            *"2027-01-31", "enter",  # added; the form is ready for the next
            "pagedown",
            *"Repeat contacts after fixes", "tab",
            *"Check the fix with the customer",
            "ctrl+f",  # finish: the minutes are written
        )  # fmt: skip
        for _ in range(20):
            await pilot.pause(0.1)
            await settle(app, pilot)
            if type(app.screen).__name__ == "NextRound" and (demo / MINUTES_TOML).exists():
                break  # finished: the next round's plan is offered
    minutes = tomllib.loads((demo / MINUTES_TOML).read_text(encoding="utf-8"))
    assert minutes["session"]["attendees"] == ["wang_fang", "li_na"]
    assert minutes["notes"] == [
        {
            "subject": "promoters",
            "kind": "goal",
            "cause": "Email queue understaffed",
            "lesson": "Route email to chat agents at peaks",
        },
        {
            "subject": "solved_for_good",
            "kind": "goal",
            "cause": "Repeat contacts after fixes",
            "lesson": "Check the fix with the customer",
        },
    ]
    (proposal,) = minutes["proposals"]
    assert (proposal["goal"], proposal["target"], proposal["note"]) == (
        "promoters",
        ">= 35",
        "after the outage",
    )
    assert [(a["title"], a["owner"], a["due"]) for a in minutes["actions"]] == [
        ("Hire two agents", "director", "2027-01-31")
    ]
