"""`ItemPages`, the items of a review session and stepping through them: one `ItemPanel` per
item needing attention (or written about), one shown at a time. What is typed on a page is
handed to the app as store requests (drafts, saved as typing pauses); nothing here opens the
store."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import VerticalScroll

from dsl.api import Action, Report, ReviewRecord, m

from ...messages import AddAction, ProposeTarget, SaveDrafts, SaveNote, SetActionStatus
from ...review_items import Item, now_text, review_items, written_about
from ...widgets.item_panel import (
    ActionStatusWanted,
    ActionWanted,
    ItemPanel,
    NoteEdited,
    TargetEdited,
)


class ItemPages(VerticalScroll):
    """The pages of one session (`begin`), laid out for each evaluation (`lay_out`), the one
    looked at kept across evaluations; `move` steps to another."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.record: ReviewRecord | None = None  # the session, as it was when it began here
        self.items: list[Item] = []
        self.current = 0
        self.panels: dict[str, ItemPanel] = {}
        self.written: set[str] = set()  # subjects with something typed: they stay listed
        # actions still open from earlier reviews, by subject: read once the session begins
        self.earlier: dict[str, list[Action]] = {}

    def begin(self, record: ReviewRecord) -> None:
        self.record = record
        self.written = written_about(record)

    @property
    def subject(self) -> str | None:
        """The subject of the page shown, if any."""
        return self.items[self.current].subject if self.items else None

    def lay_out(self, report: Report, people: Sequence[m.Person]) -> bool:
        """Lay out the items of an evaluation, keeping the one being looked at; True when
        none was (the first arrangement), so the first page is ready to type on."""
        assert self.record is not None
        looking_at = self.subject
        self.items = review_items(report, self.written)
        results = {g.id: g for g in report.goals} | {ms.id: ms for ms in report.milestones}
        for item in self.items:
            panel = self.panels.get(item.subject)
            if panel is None:
                earlier = self.earlier.get(item.subject, ())
                panel = ItemPanel(item, results[item.subject], people, self.record, earlier)
                self.panels[item.subject] = panel
                self.mount(panel)
            else:
                panel.show(results[item.subject])
        subjects = [item.subject for item in self.items]
        self.current = (
            subjects.index(looking_at)
            if looking_at in subjects
            else min(self.current, max(len(subjects) - 1, 0))
        )
        return looking_at is None

    def show_current(self, *, focus: bool = False) -> None:
        """Show the current page alone, from its top (`focus`: in its first field)."""
        current = self.subject
        for subject, panel in self.panels.items():
            panel.display = subject == current
        self.scroll_home(animate=False)
        if focus and current is not None:
            self.call_after_refresh(self.panels[current].start_typing)  # once it is mounted

    def move(self, step: int) -> bool:
        """Step `step` pages on (or back), staying within the items; True if it moved. The
        page left is stored at once."""
        if not self.items:
            return False
        moved = min(max(self.current + step, 0), len(self.items) - 1)
        if moved == self.current:
            return False
        self.app.post_message(SaveDrafts())
        self.current = moved
        return True

    def show_earlier(self, earlier: dict[str, list[Action]]) -> None:
        """The actions still open from earlier reviews, read once the session began."""
        self.earlier = earlier
        for subject, panel in self.panels.items():
            panel.show_earlier(earlier.get(subject, ()))

    # ------------------------------------------------------------ what is typed

    def on_note_edited(self, message: NoteEdited) -> None:
        if self.record is not None:
            self.written.add(message.subject)
            session = self.record.session.id
            note = SaveNote(session, message.subject, message.kind, message.cause, message.lesson)
            self.app.post_message(note)

    def on_target_edited(self, message: TargetEdited) -> None:
        if self.record is not None:
            self.written.add(message.goal)
            session = self.record.session.id
            self.app.post_message(
                ProposeTarget(
                    session, message.goal, message.target, message.suggestion, message.note
                )
            )

    def on_action_wanted(self, message: ActionWanted) -> None:
        panel = self.panels.get(message.subject)
        if self.record is None or panel is None:
            return
        self.written.add(message.subject)
        session = self.record.session.id
        self.app.post_message(
            AddAction(
                session,
                message.subject,
                message.title,
                message.owner,
                message.due,
                now_text(),
                reply=panel.show_added,
            )
        )

    def on_action_status_wanted(self, message: ActionStatusWanted) -> None:
        """Stored at once, through the drafts: of quick changes, the last one stays."""
        self.app.post_message(SetActionStatus(message.action, message.status))
        self.app.post_message(SaveDrafts())
