"""Keys handled one at a time, in the order they were typed, however fast they come.

Textual hands each key to the widget focused when the app reads it from its queue. A key
that widget does not take (Tab, PageDown, a binding of the screen) travels back up and is
queued again at the app, behind every key typed after it; and a key it does take may set
off a message (Enter: `Submitted`) that moves the focus a moment later. Keys that arrive
faster than that (pasted into the terminal, typed ahead of a slow screen) went to the old
field: "Email queue understaffedRoute email to chat agents" all in the cause, Tabs lost.

So the app hands the widgets one key at a time: the next waits until the one before it
has been taken by a widget, or has come back to the app and had its binding run, and the
widgets on its way have nothing left to handle (a `Changed`, a `Submitted`, a new screen's
first messages, the store's answer a screen asked for: the review it opens) and the focus,
if the key took it away, has come back to a field. A key is never held longer than
`KEY_WAIT`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App

KEY_WAIT = 1.0  # the longest a key waits for the one before it
LOOK_EVERY = 0.001  # how often the key in flight is looked at (a timer yields to the widgets)
QUIET_LOOKS = 2  # looks in a row with nothing left to handle: done with a key


class KeysInOrder:
    """The app's keys, handed to the widgets one at a time (`ReviewApp.on_event`)."""

    def __init__(self, app: App[Any], forward: Callable[[events.Key], Awaitable[None]]) -> None:
        """`forward` hands a key to the widgets (Textual's own `App.on_event`)."""
        self.app = app
        self.forward = forward
        self.in_flight: events.Key | None = None
        self.came_back = False
        self.since = 0.0
        self.quiet = 0
        self.waiting: deque[events.Key] = deque()
        self.replies_due = 0  # the store's answers the screens wait for (`ReviewApp`)
        self.had_focus = False  # a widget had the focus when the key in flight was handed on

    async def typed(self, key: events.Key) -> None:
        """A key read from the terminal: handed on now, or once the keys before it are."""
        if self.in_flight is None and not self.waiting:
            await self._hand_on(key)
        else:
            self.waiting.append(key)

    def back(self, key: events.Key) -> None:
        """A key no widget took, back at the app (its binding has just run)."""
        if key is self.in_flight:
            self.came_back = True

    async def _hand_on(self, key: events.Key) -> None:
        self.in_flight, self.came_back = key, False
        self.since, self.quiet = time.monotonic(), 0
        self.had_focus = self.app.screen.focused is not None
        await self.forward(key)
        # Not forwarded: a priority binding of the app or the screen took it on the way.
        self.came_back = self.came_back or not key.is_forwarded
        if self._ending():
            self.in_flight = None  # ctrl+q: nothing is waited for any more
            return
        self.app.set_timer(LOOK_EVERY, self._look)

    async def _look(self) -> None:
        key = self.in_flight
        if key is None or self._ending():
            return
        handled = self.came_back or key._stop_propagation
        self.quiet = self.quiet + 1 if handled and not self._busy() else 0
        if self.quiet < QUIET_LOOKS and time.monotonic() - self.since < KEY_WAIT:
            self.app.set_timer(LOOK_EVERY, self._look)
            return
        self.in_flight = None
        if self.waiting:
            await self._hand_on(self.waiting.popleft())

    def _ending(self) -> bool:
        """The session is closing: there are no screens to hand keys to any more."""
        app = self.app
        return bool(app._exit or app._closing or app._closed or not app.screen_stack)

    def _busy(self) -> bool:
        """Whether the store's answer to a screen is still to come, the key took the focus
        away (to a page not yet built) or hid the page that has it, or the app, the screen
        or a widget between it and the focus has messages waiting."""
        screen = self.app.screen
        focused = screen.focused
        if self.replies_due or (self.had_focus and focused is None):
            return True  # a page being built: the focus is on its way to its first field
        if focused is not None and not all(node.display for node in focused.ancestors_with_self):
            return True  # its page was just hidden: the focus is moving to the page shown
        focused = screen.focused
        path = list(focused.ancestors_with_self) if focused is not None else [screen, self.app]
        # The app's own queue too: a screen's request to the store goes through it.
        return any(node._message_queue.qsize() for node in path)
