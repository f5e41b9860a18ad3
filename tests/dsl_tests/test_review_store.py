"""What the store keeps of a review: acknowledgements, sessions, notes, improvement actions and
proposed targets, written through `Store` and read back both through it and with plain
`sqlite3`, as another program would see them; and the move of a version 1 store to version 2."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from dsl.engine.report import EscalationEvent
from dsl.store.database import Store, StoreError
from dsl.store.imports.writing import ImportPlan
from dsl.store.outbox import OUTBOX_TABLES
from dsl.store.records import Acknowledgement, Action, Note, Proposal, ReviewRecord, ReviewSession
from dsl.store.reviews import REVIEW_TABLES

from ..helpers import goalline, query, snapshot

T1 = "2026-07-01T09:00:00+00:00"
T2 = "2026-07-01T10:30:00+00:00"
T3 = "2026-07-02T08:00:00+00:00"
PLAN = "plans/support.goal"
HOSTILE = (
    "'; DROP TABLE review_notes; --",
    'Robert"); DROP TABLE acknowledgements; --',
    "[bold]red[/bold] | pipe",
    "line one\nline two",
    "回电 ✓",
)


# ---------------------------------------------------------------- the event key


def event(subject: str, cycle_start: date | None, fired_on: date) -> EscalationEvent:
    return EscalationEvent(
        subject=subject,
        kind="goal" if cycle_start else "milestone",
        rule="when breached 2 times in a row" if cycle_start else "when in buffer",
        cycle_start=cycle_start,
        cycle_end=date(2026, 3, 31) if cycle_start else None,
        fired_on=fired_on,
        notify=(),
        runbooks=(),
    )


def test_an_event_key_is_subject_rule_and_cycle_start_or_the_day_it_fired() -> None:
    assert event("satisfied", date(2026, 3, 1), date(2026, 4, 1)).key == (
        "satisfied/when breached 2 times in a row/2026-03-01"
    )
    assert event("chatbot", None, date(2026, 5, 18)).key == "chatbot/when in buffer/2026-05-18"


# ---------------------------------------------------------------- acknowledgements


def test_an_acknowledgement_is_kept_by_event_and_acknowledging_again_replaces_it(
    store: Store, store_path: Path
) -> None:
    key = "satisfied/when breached 2 times in a row/2026-03-01"
    store.reviews.acknowledge(key, "mia", "calling the team lead", T1)
    store.reviews.acknowledge("chatbot/when in buffer/2026-05-18", "tom", None, T1)
    assert store.reviews.acknowledgements() == {
        "chatbot/when in buffer/2026-05-18": Acknowledgement(
            "chatbot/when in buffer/2026-05-18", "tom", None, T1
        ),
        key: Acknowledgement(key, "mia", "calling the team lead", T1),
    }
    store.reviews.acknowledge(key, "tom", "", T2)
    assert store.reviews.acknowledgements()[key] == Acknowledgement(key, "tom", None, T2)
    assert query(store_path, "SELECT * FROM acknowledgements ORDER BY event") == [
        ("chatbot/when in buffer/2026-05-18", "tom", None, T1),
        (key, "tom", None, T2),
    ]


def test_an_acknowledgement_needs_who_gave_it(store: Store, store_path: Path) -> None:
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        store.reviews.acknowledge("e/r/2026-01-01", "", "note", T1)
    assert str(raised.value) == "an acknowledgement needs who acknowledged it"
    assert snapshot(store_path) == before


# ---------------------------------------------------------------- sessions


def test_open_review_returns_the_session_as_stored(store: Store, store_path: Path) -> None:
    session = store.reviews.open_review(
        PLAN, "2026-07-01", ["Mia Novak", "", "张伟", "Mia Novak"], T1
    )
    assert session == ReviewSession(1, PLAN, "2026-07-01", T1, None, ("Mia Novak", "张伟"))
    assert store.reviews.unfinished_review(PLAN) == session
    # Attendees are a JSON array another program can read, with names as written.
    assert query(store_path, "SELECT * FROM review_sessions") == [
        (1, PLAN, "2026-07-01", '["Mia Novak", "张伟"]', T1, None)
    ]


def test_unfinished_review_resumes_the_latest_unfinished_session_of_that_plan_only(
    store: Store,
) -> None:
    first = store.reviews.open_review(PLAN, "2026-06-01", ["mia"], T1)
    second = store.reviews.open_review(PLAN, "2026-07-01", ["tom"], T2)
    other = store.reviews.open_review("plans/desk.goal", "2026-07-01", [], T3)
    assert store.reviews.unfinished_review(PLAN) == second
    store.reviews.finish_review(second.id, T3)
    assert store.reviews.unfinished_review(PLAN) == first
    assert store.reviews.unfinished_review("plans/desk.goal") == other
    assert store.reviews.unfinished_review("plans/none.goal") is None
    store.reviews.finish_review(first.id, T3)
    assert store.reviews.unfinished_review(PLAN) is None


def test_set_attendees_replaces_them_and_finishing_again_keeps_the_first_time(
    store: Store,
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", ["mia"], T1)
    store.reviews.set_attendees(session.id, ["tom", "  ", "mia", "tom"])
    store.reviews.finish_review(session.id, T2)
    store.reviews.finish_review(session.id, T3)
    assert store.reviews.review_record(session.id).session == ReviewSession(
        session.id, PLAN, "2026-07-01", T1, T2, ("tom", "mia")
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda s: s.reviews.set_attendees(7, ["mia"]),
        lambda s: s.reviews.finish_review(7, T1),
        lambda s: s.reviews.save_note(7, "satisfied", "goal", "cause", None),
        lambda s: s.reviews.add_action(7, "satisfied", "Hire", "mia", None, T1),
        lambda s: s.reviews.propose_target(7, "satisfied", ">= 92", None, None),
        lambda s: s.reviews.review_record(7),
    ],
)
def test_a_session_that_does_not_exist_is_refused_and_nothing_is_written(
    store: Store, store_path: Path, write: Callable[[Store], object]
) -> None:
    store.reviews.open_review(PLAN, "2026-07-01", [], T1)
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        write(store)
    assert str(raised.value) == "there is no review session 7"
    assert snapshot(store_path) == before


# ---------------------------------------------------------------- notes


def test_a_note_is_one_per_subject_and_saving_again_replaces_it_in_place(
    store: Store, store_path: Path
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    store.reviews.save_note(session, "satisfied", "goal", "Queue grew", None)
    store.reviews.save_note(session, "chatbot", "milestone", None, "Plan buffer")
    store.reviews.save_note(session, "satisfied", "goal", "Queue grew in March", "Staff earlier")
    assert store.reviews.review_record(session).notes == (
        Note("satisfied", "goal", "Queue grew in March", "Staff earlier"),
        Note("chatbot", "milestone", None, "Plan buffer"),
    )
    assert query(store_path, "SELECT count(*) FROM review_notes") == [(2,)]


def test_a_note_left_empty_is_removed(store: Store, store_path: Path) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    store.reviews.save_note(session, "satisfied", "goal", "Queue grew", "")
    assert query(store_path, "SELECT cause, lesson FROM review_notes") == [("Queue grew", None)]
    store.reviews.save_note(session, "satisfied", "goal", "", None)
    assert store.reviews.review_record(session).notes == ()
    assert query(store_path, "SELECT count(*) FROM review_notes") == [(0,)]


def test_notes_of_one_session_are_not_those_of_another(store: Store) -> None:
    first = store.reviews.open_review(PLAN, "2026-06-01", [], T1).id
    second = store.reviews.open_review(PLAN, "2026-07-01", [], T2).id
    store.reviews.save_note(first, "satisfied", "goal", "June", None)
    store.reviews.save_note(second, "satisfied", "goal", "July", None)
    assert store.reviews.review_record(first).notes == (Note("satisfied", "goal", "June", None),)
    assert store.reviews.review_record(second).notes == (Note("satisfied", "goal", "July", None),)


# ---------------------------------------------------------------- actions


def test_actions_are_added_open_and_listed_by_due_date_across_sessions(
    store: Store, store_path: Path
) -> None:
    first = store.reviews.open_review(PLAN, "2026-06-01", [], T1).id
    second = store.reviews.open_review("plans/desk.goal", "2026-07-01", [], T2).id
    hire = store.reviews.add_action(
        first, "satisfied", "Hire two agents", "mia", date(2026, 9, 1), T1
    )
    wiki = store.reviews.add_action(first, "chatbot", "Write the FAQ", "tom", None, T1)
    train = store.reviews.add_action(second, "reply_fast", "Train", "tom", date(2026, 8, 1), T2)
    assert hire == Action(1, "satisfied", "Hire two agents", "mia", date(2026, 9, 1), "open")
    assert store.reviews.open_actions() == (train, hire, wiki)
    store.reviews.set_action_status(train.id, "done")
    store.reviews.set_action_status(wiki.id, "dropped")
    assert store.reviews.open_actions() == (hire,)
    assert store.reviews.review_record(first).actions == (
        hire,
        Action(2, "chatbot", "Write the FAQ", "tom", None, "dropped"),
    )
    assert query(store_path, "SELECT * FROM review_actions ORDER BY id") == [
        (1, 1, "satisfied", "Hire two agents", "mia", "2026-09-01", "open", T1),
        (2, 1, "chatbot", "Write the FAQ", "tom", None, "dropped", T1),
        (3, 2, "reply_fast", "Train", "tom", "2026-08-01", "done", T2),
    ]


def test_a_status_other_than_open_done_or_dropped_is_refused(
    store: Store, store_path: Path
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    action = store.reviews.add_action(session, "satisfied", "Hire", "mia", None, T1)
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        store.reviews.set_action_status(action.id, "closed")
    assert str(raised.value) == (
        "'closed' is not a status of an improvement action; use open, done or dropped"
    )
    with pytest.raises(StoreError) as raised:
        store.reviews.set_action_status(99, "done")
    assert str(raised.value) == "there is no improvement action 99"
    assert snapshot(store_path) == before
    assert store.reviews.open_actions() == (action,)


@pytest.mark.parametrize(
    ("title", "owner", "message"),
    [
        ("", "mia", "an improvement action needs a title"),
        ("Hire", "", "an improvement action needs an owner"),
    ],
)
def test_an_action_needs_a_title_and_an_owner(
    store: Store, store_path: Path, title: str, owner: str, message: str
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        store.reviews.add_action(session, "satisfied", title, owner, None, T1)
    assert str(raised.value) == message
    assert snapshot(store_path) == before


# ---------------------------------------------------------------- proposals and the record


def test_a_proposal_is_one_per_goal_replaced_when_proposed_again_and_withdrawn_when_empty(
    store: Store, store_path: Path
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    store.reviews.propose_target(session, "satisfied", ">= 92", "91.2%", "")
    store.reviews.propose_target(session, "reply_fast", "<= 50", None, "the new tool helps")
    store.reviews.propose_target(session, "satisfied", ">= 91", "91.2%", "one step at a time")
    assert store.reviews.review_record(session).proposals == (
        Proposal("satisfied", ">= 91", "91.2%", "one step at a time"),
        Proposal("reply_fast", "<= 50", None, "the new tool helps"),
    )
    store.reviews.propose_target(session, "reply_fast", "", None, None)
    assert query(store_path, "SELECT * FROM review_proposals") == [
        (session, "satisfied", ">= 91", "91.2%", "one step at a time")
    ]


def test_the_review_record_holds_everything_written_in_the_session(store: Store) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", ["mia", "tom"], T1)
    store.reviews.save_note(session.id, "satisfied", "goal", "Queue grew", "Staff earlier")
    action = store.reviews.add_action(session.id, "satisfied", "Hire", "mia", date(2026, 9, 1), T2)
    store.reviews.propose_target(session.id, "satisfied", ">= 91", "91.2%", None)
    store.reviews.finish_review(session.id, T3)
    assert store.reviews.review_record(session.id) == ReviewRecord(
        session=ReviewSession(session.id, PLAN, "2026-07-01", T1, T3, ("mia", "tom")),
        notes=(Note("satisfied", "goal", "Queue grew", "Staff earlier"),),
        actions=(action,),
        proposals=(Proposal("satisfied", ">= 91", "91.2%", None),),
    )


def test_empty_strings_are_stored_as_null(store: Store, store_path: Path) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    store.reviews.acknowledge("e/r/2026-01-01", "mia", "", T1)
    store.reviews.save_note(session, "satisfied", "goal", "", "lesson")
    store.reviews.propose_target(session, "satisfied", ">= 91", "", "")
    assert query(store_path, "SELECT note FROM acknowledgements") == [(None,)]
    assert query(store_path, "SELECT cause, lesson FROM review_notes") == [(None, "lesson")]
    assert query(store_path, "SELECT suggestion, note FROM review_proposals") == [(None, None)]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_are_stored_and_read_back_literally(
    store: Store, store_path: Path, text: str
) -> None:
    session = store.reviews.open_review(text, text, [text], text)
    store.reviews.acknowledge(text, text, text, text)
    store.reviews.save_note(session.id, text, text, text, text)
    action = store.reviews.add_action(session.id, text, text, text, None, text)
    store.reviews.propose_target(session.id, text, text, text, text)
    assert store.reviews.acknowledgements() == {text: Acknowledgement(text, text, text, text)}
    assert store.reviews.unfinished_review(text) == session
    assert store.reviews.review_record(session.id) == ReviewRecord(
        ReviewSession(session.id, text, text, text, None, (text,)),
        (Note(text, text, text, text),),
        (Action(action.id, text, text, text, None, "open"),),
        (Proposal(text, text, text, text),),
    )
    tables = {
        r[0] for r in query(store_path, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert set(REVIEW_TABLES) <= tables


def test_a_write_that_fails_inside_its_transaction_leaves_the_store_unchanged(
    store: Store, store_path: Path
) -> None:
    session = store.reviews.open_review(PLAN, "2026-07-01", [], T1).id
    store.reviews.save_note(session, "satisfied", "goal", "before", None)
    connection = sqlite3.connect(store_path)
    connection.execute(
        "CREATE TRIGGER full AFTER UPDATE ON review_notes"
        " BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
    )
    connection.commit()
    connection.close()
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        store.reviews.save_note(session, "satisfied", "goal", "after", None)
    assert str(raised.value) == f"cannot write to {store_path}: the disk is full"
    assert snapshot(store_path) == before
    assert store.reviews.review_record(session).notes == (
        Note("satisfied", "goal", "before", None),
    )
    store.reviews.add_action(
        session, "satisfied", "Hire", "mia", None, T2
    )  # the store is still usable
    assert len(store.reviews.open_actions()) == 1


# ---------------------------------------------------------------- names and migration


def test_the_review_tables_are_names_goalline_keeps(store: Store) -> None:
    plan = ImportPlan("Review_Notes", ("id",), {"id": "integer"}, frozenset(), None, "x", "UTC", T1)
    with pytest.raises(StoreError) as raised:
        store.import_rows(plan, [[1]])
    assert str(raised.value) == "'Review_Notes' is a name goalline keeps for itself; choose another"
    assert store.table_names() == []


def as_version_1(path: Path) -> None:
    """Take a store back to schema version 1, as goalline 0.1 left it."""
    connection = sqlite3.connect(path)
    for table in (*OUTBOX_TABLES[::-1], *REVIEW_TABLES):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE time_columns DROP COLUMN format")
    connection.execute("DELETE FROM _sqlite_migrations WHERE name != 'm001_initial'")
    connection.commit()
    connection.close()


def test_a_version_1_store_moves_to_the_latest_version_on_open_and_keeps_its_data(
    store_path: Path,
) -> None:
    with Store.open(str(store_path)) as store:
        store.record("nps", 1772673267.0, 41.0, "survey", T1)
        store.done("chatbot", date(2026, 5, 28), None, T1)
    as_version_1(store_path)
    assert query(store_path, "SELECT name FROM _sqlite_migrations") == [("m001_initial",)]
    with Store.open(str(store_path)) as store:
        assert store.schema_version == 5
        assert store.fetch("SELECT indicator, value, note FROM measurements") == [
            ("nps", 41.0, "survey")
        ]
        assert [c.on for c in store.completions().values()] == [date(2026, 5, 28)]
        session = store.reviews.open_review(PLAN, "2026-07-01", ["mia"], T2)
        assert store.reviews.unfinished_review(PLAN) == session
    assert query(store_path, "SELECT name FROM _sqlite_migrations ORDER BY id") == [
        ("m001_initial",),
        ("m002_reviews",),
        ("m003_outbox",),
        ("m004_time_formats",),
        ("m005_time_order",),
    ]


TINY = """\
plan "Tiny" {
  period    2026-01-01 .. 2026-12-31
  timezone  "UTC"
}

person ann "Ann"

indicator nps "Net promoter score" {
  kind       kpi
  unit       "points"
  better     higher
  aggregate  last
}

goal promoters "Promoters" {
  indicator  nps
  target     >= 30
  cycle      quarterly
  owner      ann
}
"""


def test_a_reading_command_works_on_a_version_1_store_and_moves_it_forward(
    store_path: Path, tmp_path: Path
) -> None:
    with Store.open(str(store_path)) as store:
        store.record("nps", 1772673267.0, 41.0, None, T1)  # 2026-03-05, first quarter
    as_version_1(store_path)
    plan = tmp_path / "tiny.goal"
    plan.write_text(TINY, encoding="utf-8")
    result = goalline(
        "evaluate", str(plan), "--db", str(store_path), "--as-of", "2026-04-01", "--format", "json"
    )
    assert (result.exit_code, result.stderr) == (0, "")
    [cycle] = json.loads(result.stdout)["goals"][0]["cycles"][:1]
    assert (cycle["value"], cycle["status"]) == (41, "met")
    assert query(store_path, "SELECT count(*) FROM _sqlite_migrations") == [(5,)]


def test_a_version_1_store_with_a_table_of_a_new_name_is_refused_and_left_as_it_was(
    store_path: Path,
) -> None:
    as_version_1(store_path)
    connection = sqlite3.connect(store_path)
    connection.execute("CREATE TABLE review_notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.commit()
    connection.close()
    before = snapshot(store_path)
    with pytest.raises(StoreError) as raised:
        Store.open(str(store_path))
    assert str(raised.value) == (
        "the store has a table named 'review_notes', a name goalline now keeps for reviews;"
        " rename that table with a SQLite tool and open the store again"
    )
    assert snapshot(store_path) == before
    assert query(store_path, "SELECT count(*) FROM _sqlite_migrations") == [(1,)]
