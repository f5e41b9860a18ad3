"""The next round's plan, written from this round's plan text and what its review decided:
the period moved by its length, the proposed targets in force (the old ones kept as
comments, the warn lines moved by the same distance), the open improvement actions carried
over as milestones, the lessons as comments naming the review, and what belongs to the
round that ended (its holidays, one-off exclusions, finished milestones) left as comments.

Pure: it edits the lines of the plan in canonical layout (`goalline fmt`'s), found through
the spans of the plan built from that same text, so every comment and blank line of the
source survives; the caller formats, checks and writes the result."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..engine.backtest import final_target, warn_after
from ..engine.suggest import proposal_parts
from ..language import model as m
from ..store.records import Action, Proposal, ReviewRecord

BUFFER = "2w"  # a carried-over action's buffer: a fortnight, as the sample's milestones
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass(frozen=True, slots=True)
class Round:
    """What the next round is written from, besides the plan: `source` and `digest` name the
    plan file, `done` the milestones finished (by id, with the day), `open_actions` every
    improvement action still open."""

    source: str
    digest: str
    written_on: date
    review: ReviewRecord | None
    open_actions: tuple[Action, ...] = ()
    done: Mapping[str, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NextRound:
    text: str
    start: date
    end: date
    notes: tuple[str, ...]  # what changed beyond the dates, and what to look at


def next_period(start: date, end: date) -> tuple[date, date]:
    """The period after `start .. end`, as long: whole months move by months (a year to the
    next year, whatever its length), any other period by its number of days."""
    return _shift(start, start, end), _shift(end, start, end)


def _shift(day: date, start: date, end: date) -> date:
    """`day` moved as the period `start .. end` moves to the next."""
    if start.day == 1 and _last_day(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = day.year * 12 + day.month - 1 + months
        year, month = index // 12, index % 12 + 1
        last = calendar.monthrange(year, month)[1]
        return date(year, month, last if _last_day(day) else min(day.day, last))
    return day + timedelta(days=(end - start).days + 1)


def _last_day(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


class _Lines:
    """The plan's lines with edits keyed by their 1-based line number, applied at the end."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.replaced: dict[int, list[str]] = {}
        self.above: dict[int, list[str]] = {}

    def __getitem__(self, number: int) -> str:
        return self.lines[number - 1]

    def replace(self, number: int, *lines: str) -> None:
        self.replaced[number] = list(lines)

    def comment_out(self, number: int) -> None:
        line = self[number]
        indent = line[: len(line) - len(line.lstrip())]
        self.replace(number, f"{indent}# {line.lstrip()}" if line.strip() else line)

    def add_above(self, number: int, *lines: str) -> None:
        self.above.setdefault(number, []).extend(lines)

    def block(self, declaration: m.Declaration) -> range:
        """The lines of a declaration: to its closing brace, or its one line."""
        first = declaration.span.line
        if not self[first].rstrip().endswith("{"):
            return range(first, first + 1)
        last = next(i for i in range(first + 1, len(self.lines) + 1) if self[i].rstrip() == "}")
        return range(first, last + 1)

    def text(self) -> str:
        out: list[str] = []
        for number, line in enumerate(self.lines, start=1):
            out += self.above.get(number, [])
            out += self.replaced.get(number, [line])
        return "\n".join(out) + "\n"


@dataclass(frozen=True, slots=True)
class _Context:
    lines: _Lines
    plan: m.Plan
    decided: Round
    label: str  # "review 3", or "the last round"

    @property
    def start(self) -> date:
        assert self.plan.info.period_start is not None
        return self.plan.info.period_start

    @property
    def end(self) -> date:
        assert self.plan.info.period_end is not None
        return self.plan.info.period_end

    def moved(self, day: date) -> date:
        return _shift(day, self.start, self.end)

    def here(self, node: m.Declaration) -> bool:
        """Whether `node` is written in the plan file itself (not in an included one)."""
        return not self.plan.files or node.span.file == self.plan.files[0]


def next_round(text: str, plan: m.Plan, decided: Round) -> NextRound:
    """The next round's plan from `text` (in canonical layout) and `plan`, built from it."""
    review = decided.review
    at = _Context(_Lines(text), plan, decided, f"review {review.session.id}" if review else "")
    new_start, new_end = next_period(at.start, at.end)
    notes: list[str] = []
    _period_and_title(at, new_start, new_end)
    proposals = {p.goal: p for p in review.proposals} if review else {}
    lessons = {n.subject: n.lesson for n in review.notes if n.lesson} if review else {}
    known = {g.id for g in plan.goals} | {ms.id for ms in plan.milestones}
    for subject in dict.fromkeys([*proposals, *lessons]):
        if subject not in known:  # a review of another version of the plan
            notes.append(f"{at.label} wrote about {subject}, which this plan does not have")
    for goal in plan.goals:
        if not at.here(goal):
            if goal.id in proposals:
                notes.append(f"goal {goal.id} is written in an included file: left as it is")
            continue
        if goal.id in lessons:
            at.lines.add_above(goal.span.line, *_comment(f"Lesson of {at.label}", lessons[goal.id]))
        notes += _targets(at, goal, proposals.get(goal.id))
    for milestone in plan.milestones:
        if at.here(milestone):
            if milestone.id in lessons:
                lesson = _comment(f"Lesson of {at.label}", lessons[milestone.id])
                at.lines.add_above(milestone.span.line, *lesson)
            notes += _milestone(at, milestone, new_start)
    for cal in plan.calendars:
        past = [c for c in cal.closed if c.end < new_start or c.start > new_end]
        if past and at.here(cal):
            for closed in past:
                at.lines.comment_out(closed.span.line)
            at.lines.add_above(
                past[0].span.line, "  # The last round's closed days: write this round's."
            )
            notes.append(
                f"calendar {cal.id}: {_count(len(past), 'closed day')} of the last round left as"
                " comments: write this round's"
            )
    for exclusion in plan.exclusions:
        ends = exclusion.end.on if exclusion.end else None
        if at.here(exclusion) and not exclusion.every and ends is not None and ends < new_start:
            for number in at.lines.block(exclusion):
                at.lines.comment_out(number)
            at.lines.add_above(
                exclusion.span.line, "# The last round's: it would leave out nothing."
            )
            notes.append(f"exclusion {exclusion.id} was the last round's: left as a comment")
    carried, said = _carried(at, new_start, new_end)
    body = _header(at) + at.lines.text() + carried
    return NextRound(body, new_start, new_end, (*notes, *said))


def _period_and_title(at: _Context, new_start: date, new_end: date) -> None:
    info = at.plan.info
    place = info.places.get("period")
    if place is not None:
        line = at.lines[place.line].replace(str(at.start), str(new_start), 1)
        at.lines.replace(place.line, line.replace(str(at.end), str(new_end), 1))
    title = info.title
    if title and new_start.year != at.start.year and str(at.start.year) in _YEAR.findall(title):
        # "Customer Support 2026" names its year: the next round's names the next one
        renamed = _YEAR.sub(
            lambda y: str(new_start.year) if y[1] == str(at.start.year) else y[1], title
        )
        line = at.lines[info.span.line]
        at.lines.replace(info.span.line, line.replace(_quoted(title), _quoted(renamed), 1))


def _targets(at: _Context, goal: m.Goal, proposal: Proposal | None) -> list[str]:
    """The goal's target for the next round: the proposed one, or else the one in force at
    the end of the last round (a target tightened in the year holds from the start)."""
    if not goal.targets:
        return []
    in_force = final_target(goal, at.end)
    assert in_force is not None
    parts = proposal_parts(proposal.target) if proposal else None
    notes = []
    if proposal and parts is None:
        notes.append(
            f"goal {goal.id}: '{proposal.target}' proposed in {at.label} is not a target such as"
            " >= 92: the target is kept"
        )
    new = f"{parts[0]} {parts[1]}" if parts else in_force.text
    if in_force.by is not None:
        new += f" by {at.moved(in_force.by)}"
    if parts is None and len(goal.targets) == 1 and in_force.start is None and in_force.by is None:
        return notes
    said = []
    if proposal and parts:
        why = f" (goalline suggested {proposal.suggestion})" if proposal.suggestion else ""
        said += _comment(f"{at.label.capitalize()} proposed {new}{why}", proposal.note or "")
    lines = at.lines
    first, *others = [t.span.line for t in goal.targets]
    lines.replace(
        first, *_indented(said), f"  # last round: {_plain(lines[first])}", f"  target {new}"
    )
    for number in others:
        lines.replace(number, f"  # last round: {_plain(lines[number])}")
    old_text = ", ".join(
        t.text + (f" from {t.start}" if t.start else "") + (f" by {t.by}" if t.by else "")
        for t in goal.targets
    )
    change = f"goal {goal.id}: target {old_text} -> {new}"
    moved = warn_after(goal, in_force, parts[1]) if parts else None
    if moved is not None and goal.warn is not None:
        line = lines[goal.warn.span.line]
        lines.replace(
            goal.warn.span.line, f"  # last round: {_plain(line)}", f"  warn {moved.text}"
        )
        change += f", warn {goal.warn.text} -> {moved.text}"
    return [*notes, change + (f" ({at.label})" if proposal and parts else "")]


def _milestone(at: _Context, milestone: m.Milestone, new_start: date) -> list[str]:
    """A milestone done in the last round goes (as a comment); one not done moves on with
    the period, and no longer waits for the milestones that are done."""
    done = at.decided.done
    if milestone.id in done:
        for number in at.lines.block(milestone):
            at.lines.comment_out(number)
        at.lines.add_above(
            milestone.span.line, f"# Done on {done[milestone.id]}, in the last round."
        )
        return [f"milestone {milestone.id} was done on {done[milestone.id]}: left as a comment"]
    if milestone.due is None or milestone.due >= new_start:
        return []
    due, place = at.moved(milestone.due), milestone.places["due"]
    at.lines.replace(
        place.line, f"  # not done in the last round: it was due {milestone.due}", f"  due {due}"
    )
    waiting = [r.id for r in milestone.after if r.id not in done]
    if len(waiting) < len(milestone.after):
        after = milestone.places["after"].line
        at.lines.replace(
            after,
            *([f"  after {', '.join(waiting)}"] if waiting else []),
        )
        at.lines.add_above(after, f"  # last round: {_plain(at.lines[after])}")
    return [f"milestone {milestone.id} was not done: due {milestone.due} -> {due}"]


def _carried(at: _Context, new_start: date, new_end: date) -> tuple[str, list[str]]:
    """Each improvement action still open, as a milestone of the next round (once: an action
    carried over before is a milestone of the plan already)."""
    out, notes = [], []
    people = {p.id for p in at.plan.people}
    for action in at.decided.open_actions:
        ident = f"action_{action.id}"
        if ident in at.plan.by_id:
            continue
        due = action.due
        if due is None or not new_start <= due <= new_end:
            due = new_start.replace(day=calendar.monthrange(new_start.year, new_start.month)[1])
        owner = action.owner
        subject = at.plan.get(action.subject)
        if owner not in people:  # a person the plan no longer has: the subject's owner takes it
            fallback = getattr(subject, "owner", None) or at.plan.info.owner
            owner = fallback.id if isinstance(fallback, m.Ref) else owner
            notes.append(
                f"improvement action {action.id} was {action.owner}'s, who is not in the plan:"
                f" {owner} owns it now"
            )
        agreed = f"Improvement action for {action.subject}" + (
            f"; first due {action.due}." if action.due else "."
        )
        out += [
            "",
            f"# Improvement action {action.id}, still open: carried over as a milestone.",
            f"milestone {ident} {_quoted(action.title)} {{",
            f"  due {due}",
            f"  buffer {BUFFER}",
            f"  owner {owner}",
            f"  note {_quoted(agreed)}",
            "}",
        ]
        notes.append(f"improvement action {action.id} is still open: milestone {ident}, due {due}")
    return ("\n".join(out) + "\n" if out else ""), notes


def _header(at: _Context) -> str:
    decided = at.decided
    review = decided.review
    source = f"{decided.source} (sha256 {decided.digest})"
    when = (
        f"from {at.label} (held {review.session.started_at[:10]})"
        if review
        else "; no review of it was recorded"
    )
    return (
        f"# The next round of {source},\n"
        f"# written by goalline next-round on {decided.written_on}{' ' if review else ''}{when}.\n"
    )


def _comment(head: str, text: str) -> list[str]:
    """Comment lines saying `head: text`, what people typed in a review kept as typed but
    for control characters (a terminal escape has no place in a plan), as spaces."""
    typed = "".join(c if c in "\n\t" or (31 < ord(c) != 127) else " " for c in text)
    first, *rest = [line.strip() for line in typed.strip().splitlines()] or [""]
    return [f"# {head}" + (f": {first}" if first else ""), *(f"#   {line}" for line in rest)]


def _plain(line: str) -> str:
    """An attribute line without the layout's column padding (it holds no text in quotes)."""
    return " ".join(line.split())


def _indented(lines: list[str]) -> list[str]:
    return [f"  {line}" for line in lines]


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _quoted(text: str) -> str:
    """`text` as a plan's string: the language's escapes, control characters as spaces."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in escaped) + '"'
