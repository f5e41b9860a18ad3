"""Which texts can be time formats (`--time-format`, a source's `format`): strptime codes such
as `%d-%m-%Y %H:%M`, or `epoch` and `epoch_ms` for Unix times. The import reads with them
(`store.imports.times`); the checker only needs to know that they can be read."""

from __future__ import annotations

import re
from datetime import UTC, datetime

EPOCHS = {"epoch": 1.0, "epoch_ms": 1000.0}
_CODE = re.compile(r"%(.)")


def check_format(fmt: str) -> str | None:
    """Why `fmt` cannot be a time format, or None when it can."""
    if fmt in EPOCHS:
        return None
    if not _CODE.search(fmt):
        return "it has no % code; use strptime codes such as %d-%m-%Y %H:%M, or epoch, epoch_ms"
    try:
        datetime.strptime(datetime(2026, 3, 5, 9, 14, 27, tzinfo=UTC).strftime(fmt), fmt)
    except ValueError as exc:
        return f"it is not a strptime format ({exc})"
    return None
