"""The minutes of a review, written next to the plan: Markdown for people, TOML for tools.

Runs in a worker thread (it writes files); a folder that refuses is a `MinutesError` with a
message for people, never a traceback."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..engine.report import Report
from ..files import write_file
from ..store.records import Acknowledgement, ReviewRecord
from .minutes import minutes_markdown, minutes_paths, minutes_toml


class MinutesError(Exception):
    """The minutes could not be written; the message says where and why."""


def export_minutes(
    plan: str,
    report: Report,
    record: ReviewRecord,
    acknowledgements: Mapping[str, Acknowledgement],
) -> tuple[Path, Path]:
    """Write the Markdown and TOML minutes of `record` beside `plan`; return both paths."""
    md_path, toml_path = (Path(p) for p in minutes_paths(plan, report.as_of.date()))
    markdown = minutes_markdown(report, record, acknowledgements)
    toml = minutes_toml(report, record, acknowledgements)
    for path, text in ((md_path, markdown), (toml_path, toml)):
        _write(path, text)
    return md_path, toml_path


def _write(path: Path, text: str) -> None:
    """Replace `path` in one step, so an interrupted export never leaves half a file (and
    earlier minutes stay whole when the new ones cannot be written); a link planted at its
    name is replaced, never written through (`files.write_file`)."""
    try:
        write_file(path, text)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise MinutesError(f"cannot write the minutes to {path}: {reason}") from None
