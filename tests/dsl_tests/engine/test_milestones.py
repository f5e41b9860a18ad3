"""Milestones, against hand-computed dates: done, late, open, in their buffer and overdue
as of the evaluation day, and the escalations each of those fires."""

from __future__ import annotations

from .conftest import Env, events, plan_text

MILESTONES = """
escalation late {
  when in buffer  notify owner
  when overdue    notify lead, di
}
milestone m_done      "Done on time"        { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_late      "Done late"           { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_open      "Not yet due"         { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_open_done "Done after as-of"    { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_today     "Done on as-of day"   { due 2026-06-30 owner ana lead ops serves keep escalation late }
milestone m_buffer    "In its buffer"       { due 2026-06-10 buffer 2w  owner ana lead ops serves keep escalation late }
milestone m_overdue   "Past its buffer"     { due 2026-05-31 buffer 14d owner ana lead ops serves keep escalation late }
milestone m_future    "Overdue, done later" { due 2026-06-10 buffer 7d  owner ana lead ops serves keep escalation late }
"""


def test_milestone_statuses_and_their_escalations(env: Env) -> None:
    env.done("m_done", "2026-05-31")
    env.done("m_late", "2026-06-05")
    env.done("m_open_done", "2026-06-25")  # after the evaluation date: not done yet
    env.done("m_today", "2026-06-20")  # on the evaluation date: counts
    env.done("m_future", "2026-06-25")  # after the evaluation date: not done yet
    report = env.evaluate(plan_text(MILESTONES, tz="Asia/Shanghai"), "2026-06-20")
    got = {
        m["id"]: (m["due"], m["buffer_days"], m["done_on"], m["status"])
        for m in report["milestones"]
    }
    assert got == {
        "m_done": ("2026-05-31", 14, "2026-05-31", "done"),
        "m_late": ("2026-05-31", 14, "2026-06-05", "late"),
        "m_open": ("2026-06-30", 0, None, "open"),
        "m_open_done": ("2026-06-30", 0, None, "open"),
        "m_today": ("2026-06-30", 0, "2026-06-20", "done"),
        "m_buffer": ("2026-06-10", 14, None, "in_buffer"),  # Jun 10 < Jun 20 <= Jun 24
        "m_overdue": ("2026-05-31", 14, None, "overdue"),  # Jun 20 > Jun 14
        "m_future": ("2026-06-10", 7, None, "overdue"),  # Jun 20 > Jun 17
    }
    (m_done,) = [m for m in report["milestones"] if m["id"] == "m_done"]
    assert m_done == {
        "id": "m_done",
        "title": "Done on time",
        "due": "2026-05-31",
        "buffer_days": 14,
        "done_on": "2026-05-31",
        "status": "done",
        "owner": "ana",
    }
    assert report["goals"] == []
    assert report["score"] is None
    assert events(report) == [
        # in buffer on the day after due; the later completion (Jun 5) does not undo it
        ("2026-06-01", "m_late", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-01", "m_overdue", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-11", "m_buffer", "when in buffer", "milestone", None, ["ana"], None),
        ("2026-06-11", "m_future", "when in buffer", "milestone", None, ["ana"], None),
        # overdue on the day after due + buffer: May 31 + 14 = Jun 14; Jun 10 + 7 = Jun 17
        ("2026-06-15", "m_overdue", "when overdue", "milestone", None, ["bo", "di"], None),
        ("2026-06-18", "m_future", "when overdue", "milestone", None, ["bo", "di"], None),
    ]


def test_milestone_without_buffer_is_overdue_the_day_after_due(env: Env) -> None:
    text = plan_text(
        """
escalation late {
  when in buffer  notify owner
  when overdue    notify lead
}
milestone ship "Ship" { due 2026-06-19 owner ana lead ops serves keep escalation late }
""",
    )
    on_due = env.evaluate(text, "2026-06-19")
    assert [m["status"] for m in on_due["milestones"]] == ["open"]
    assert on_due["escalations"] == []
    after = env.evaluate(text, "2026-06-20")
    assert [m["status"] for m in after["milestones"]] == ["overdue"]
    # no day is ever "in buffer"; overdue fires on its first day, the evaluation day itself
    assert events(after) == [
        ("2026-06-20", "ship", "when overdue", "milestone", None, ["bo"], None)
    ]
