"""Telling when files changed, for whatever re-evaluates on a change (the review session,
`goalline watch`): a stamp of each path is its modification time and size."""

from __future__ import annotations

import os

Stamps = tuple[tuple[str, int, int], ...]


def stamps(paths: tuple[str, ...]) -> Stamps:
    """What changes when a file is edited or a store written: modification time and size
    of each path (a store's write-ahead log included). A missing or empty file counts as
    (0, 0): SQLite creates an empty write-ahead log whenever a reader opens the store (the
    review session explaining a cycle, say) and removes it as the last one leaves; neither
    is a change of the data, and a write always leaves the log or the store larger or newer."""
    found = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            found.append((path, 0, 0))
            continue
        found.append((path, stat.st_mtime_ns, stat.st_size) if stat.st_size else (path, 0, 0))
    return tuple(found)
