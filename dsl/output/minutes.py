"""The minutes of a review: Markdown for people and TOML for programs, with the same content
(the plan's standing as of the review, and what the review wrote down). Pure: values in, text
out. What people typed appears as typed, escaped only where it would break the Markdown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ..engine.report import EscalationEvent, GoalResult, Report, rounded
from ..engine.suggest import format_value, suggest_target
from ..store.records import Acknowledgement, Note, ReviewRecord
from .formats import sample_text, without_none

# CommonMark's raw HTML begins `<` then a letter, `/`, `!` or `?`; an entity `&name;`/`&#1;`.
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")
_NEWLINE = re.compile(r"\r\n|\r|\n")  # what ends a line in Markdown (CommonMark)


def minutes_paths(plan_path: str, as_of: date) -> tuple[Path, Path]:
    """Next to the plan: `<plan stem>-review-<YYYY-MM-DD>.md` and `.toml`."""
    plan = Path(plan_path)
    stem = f"{plan.stem}-review-{as_of.isoformat()}"
    return plan.with_name(f"{stem}.md"), plan.with_name(f"{stem}.toml")


# ---------------------------------------------------------------- TOML


def minutes_toml(
    report: Report, record: ReviewRecord, acknowledgements: Mapping[str, Acknowledgement]
) -> str:
    """The minutes for programs (TOML has no null: an absent key stands for it)."""
    import tomli_w

    return tomli_w.dumps(without_none(_content(report, record, acknowledgements)))


def _content(
    report: Report, record: ReviewRecord, acks: Mapping[str, Acknowledgement]
) -> dict[str, Any]:
    session = record.session
    return {
        "plan": {
            "title": report.title,
            "file": report.file,
            "period": {"start": str(report.period_start), "end": str(report.period_end)},
            "timezone": report.timezone,
            "as_of": report.as_of.isoformat(),
            "score": rounded(report.score),
        },
        "session": {
            "id": session.id,
            "started_at": session.started_at,
            "finished_at": session.finished_at,
            "attendees": list(session.attendees),
        },
        "goals": [_goal(g) for g in report.goals],
        "notes": [
            {"subject": n.subject, "kind": n.kind, "cause": n.cause, "lesson": n.lesson}
            for n in record.notes
        ],
        "actions": [
            {
                "id": a.id,
                "subject": a.subject,
                "title": a.title,
                "owner": a.owner,
                "due": _date(a.due),
                "status": a.status,
            }
            for a in record.actions
        ],
        "proposals": [
            {
                "goal": p.goal,
                "current_target": _current_target(report, p.goal),
                "target": p.target,
                "suggestion": p.suggestion,
                "how": _how(report, p.goal, p.suggestion),
                "note": p.note,
            }
            for p in record.proposals
        ],
        "milestones": [
            {
                "id": ms.id,
                "title": ms.title,
                "due": str(ms.due),
                "done_on": _date(ms.done_on),
                "status": ms.status,
                "owner": ms.owner,
            }
            for ms in report.milestones
        ],
        "escalations": [_escalation(e, acks.get(e.key)) for e in report.escalations],
        "exclusions": [x.to_dict() for x in report.exclusions],
    }


def _goal(goal: GoalResult) -> dict[str, Any]:
    latest = goal.latest_complete
    return {
        "id": goal.id,
        "title": goal.title,
        "status": goal.status,
        "latest": rounded(latest.value) if latest else None,
        "unit": goal.unit,
        "target": latest.target if latest else None,
        "attainment": rounded(goal.attainment),
    }


def _escalation(event: EscalationEvent, ack: Acknowledgement | None) -> dict[str, Any]:
    return {
        "key": event.key,
        "subject": event.subject,
        "kind": event.kind,
        "rule": event.rule,
        "fired_on": str(event.fired_on),
        "acknowledged_by": ack.by if ack else None,
        "acknowledged_at": ack.at if ack else None,
        "acknowledgement_note": ack.note if ack else None,
    }


def _date(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------- Markdown


def minutes_markdown(
    report: Report, record: ReviewRecord, acknowledgements: Mapping[str, Acknowledgement]
) -> str:
    """The minutes for people: the review, the scorecard, then what was decided."""
    parts = [
        _heading(report, record),
        _scorecard(report),
        *_exclusions(report),
        *_milestones(report),
        *_escalations(report, acknowledgements),
        _decisions(report, record.notes),
        _actions(record),
        _proposals(report, record),
    ]
    return "\n\n".join(parts) + "\n"


def _heading(report: Report, record: ReviewRecord) -> str:
    session = record.session
    title = _line(report.title or report.file)
    score = f"{report.score:.0%}" if report.score is not None else "no score yet"
    finished = f"finished {session.finished_at}" if session.finished_at else "not finished"
    attendees = ", ".join(_line(a) for a in session.attendees) or "none recorded"
    return "\n".join(
        [
            f"# Review of {title} — {report.as_of.date().isoformat()}",
            "",
            f"- Plan: {_line(report.file)}, period {report.period_start} .. {report.period_end}",
            f"- As of: {report.as_of:%Y-%m-%d %H:%M} ({report.timezone}), score {score}",
            f"- Session {session.id}: started {session.started_at}, {finished}",
            f"- Attendees: {attendees}",
        ]
    )


def _scorecard(report: Report) -> str:
    rows = []
    for goal in report.goals:
        latest = goal.latest_complete
        value = latest.value if latest else None
        rows.append(
            [
                goal.status,
                goal.id,
                goal.title,
                None if value is None else format_value(value, goal) + sample_text(latest),
                latest.target if latest else None,
                None if goal.attainment is None else f"{goal.attainment:.0%}",
            ]
        )
    header = ["Status", "Goal", "Title", "Latest", "Target", "Attained"]
    return "## Scorecard\n\n" + (_table(header, rows) if rows else "No goals.")


def _exclusions(report: Report) -> Iterator[str]:
    """What the numbers leave out, and why: a reader of the scorecard must know."""
    if report.exclusions:
        header = ["Exclusion", "Title", "When", "Goals", "Reason"]
        rows = [
            [x.id, x.title, x.when, ", ".join(x.goals) or "every goal", x.reason]
            for x in report.exclusions
        ]
        yield "## Exclusions\n\n" + _table(header, rows)


def _milestones(report: Report) -> Iterator[str]:
    if report.milestones:
        header = ["Status", "Milestone", "Title", "Due", "Done", "Owner"]
        rows = [
            [ms.status, ms.id, ms.title, str(ms.due), _date(ms.done_on), ms.owner]
            for ms in report.milestones
        ]
        yield "## Milestones\n\n" + _table(header, rows)


def _escalations(report: Report, acks: Mapping[str, Acknowledgement]) -> Iterator[str]:
    if report.escalations:
        header = ["Fired on", "Subject", "Rule", "Acknowledged by", "Note"]
        rows = []
        for event in report.escalations:
            ack = acks.get(event.key)
            by, note = (ack.by, ack.note) if ack else (None, None)
            rows.append([str(event.fired_on), event.subject, event.rule, by, note])
        yield "## Escalations\n\n" + _table(header, rows)


def _decisions(report: Report, notes: tuple[Note, ...]) -> str:
    titles = {g.id: g.title for g in report.goals} | {m.id: m.title for m in report.milestones}
    blocks = []
    for note in notes:
        title = titles.get(note.subject)
        heading = f"### {_line(note.subject)}" + (f" — {_line(title)}" if title else "")
        lines = [f"- {label}: {_indented(text)}" for label, text in _said(note)]
        blocks.append(heading + ("\n\n" + "\n".join(lines) if lines else ""))
    return "## Decisions\n\n" + ("\n\n".join(blocks) if blocks else "None recorded.")


def _said(note: Note) -> Iterator[tuple[str, str]]:
    if note.cause is not None:
        yield "Cause", note.cause
    if note.lesson is not None:
        yield "Lesson", note.lesson


def _actions(record: ReviewRecord) -> str:
    header = ["Action", "For", "Owner", "Due", "Status"]
    rows = [[a.title, a.subject, a.owner, _date(a.due), a.status] for a in record.actions]
    return "## Improvement actions\n\n" + (_table(header, rows) if rows else "None agreed.")


def _proposals(report: Report, record: ReviewRecord) -> str:
    header = ["Goal", "Current target", "Proposed", "Suggested", "How it was suggested", "Note"]
    rows = [
        [
            p.goal,
            _current_target(report, p.goal),
            p.target,
            p.suggestion,
            _how(report, p.goal, p.suggestion),
            p.note,
        ]
        for p in record.proposals
    ]
    return "## Proposed targets\n\n" + (_table(header, rows) if rows else "None proposed.")


def _table(header: list[str], rows: list[list[str | None]]) -> str:
    lines = [header, ["---"] * len(header), *([_cell(c) for c in row] for row in rows)]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _cell(text: str | None) -> str:
    """One table cell: `|` escaped and line breaks as `<br>`, so the row stays one row."""
    if text is None or not text.strip():
        return "-"
    return _NEWLINE.sub("<br>", _escaped(text).replace("|", "\\|"))


def _line(text: str) -> str:
    """Text on one line (a heading, a list item): its line breaks become spaces."""
    return _NEWLINE.sub(" ", _escaped(text))


def _indented(text: str) -> str:
    """Text inside a list item: its further lines indented to stay in the item."""
    return _NEWLINE.sub("\n  ", _escaped(text))


def _escaped(text: str) -> str:
    """Text from a plan, a store or a reviewer shown as written: a Markdown viewer renders
    raw HTML, so `<img src=x onerror=...>` in a note would run there. Only a `<` that can
    open a tag and an `&` that can start an entity are escaped, so `<= 30` still reads as
    itself in the file (the TOML minutes keep every text as it is)."""
    return _TAG_OPENING.sub("&lt;", _ENTITY_START.sub("&amp;", text))


# ---------------------------------------------------------------- shared


def _current_target(report: Report, goal_id: str) -> str | None:
    """The target in force in the goal's latest cycle, the one a proposal would replace."""
    goal = next((g for g in report.goals if g.id == goal_id), None)
    return goal.cycles[-1].target if goal and goal.cycles else None


def _how(report: Report, goal_id: str, suggestion: str | None) -> str | None:
    """How the suggestion was computed, when it is the one this report gives."""
    goal = next((g for g in report.goals if g.id == goal_id), None)
    computed = suggest_target(goal) if goal else None
    return computed.how if computed and computed.text == suggestion else None
