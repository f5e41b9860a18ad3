"""The one error the store raises: a store that cannot be used as asked. Its message is for
people; the commands and the review session show it as it is."""

from __future__ import annotations


class StoreError(Exception):
    """A store that cannot be used as asked; the message is for people."""
