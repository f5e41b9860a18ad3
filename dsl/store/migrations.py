"""The store's schema: the names goalline keeps for its own tables, and the migrations that
create them, applied in order (sqlite-utils' `Migrations`); their count is the schema version.

A migration runs inside the store's write transaction: one that fails leaves the store as it
was, and an older store moves forward the first time a newer goalline opens it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database, Migrations

from .dialect import quote
from .errors import StoreError
from .outbox import OUTBOX_DELIVERIES, OUTBOX_EVENTS, OUTBOX_TABLES
from .reviews import (
    ACKNOWLEDGEMENTS,
    REVIEW_ACTIONS,
    REVIEW_NOTES,
    REVIEW_PROPOSALS,
    REVIEW_SESSIONS,
    REVIEW_TABLES,
)

MEASUREMENTS = "measurements"
MILESTONE_EVENTS = "milestone_events"
TIME_COLUMNS = "time_columns"
IMPORTS = "imports"
RESERVED = frozenset(
    (MEASUREMENTS, MILESTONE_EVENTS, TIME_COLUMNS, IMPORTS, *REVIEW_TABLES, *OUTBOX_TABLES)
)


migrations = Migrations("goalline")
MIGRATION_NAMES: list[str] = []  # in order; their count is the schema version


def migration(step: Callable[[Database], None]) -> Callable[[Database], None]:
    MIGRATION_NAMES.append(step.__name__)
    return migrations()(step)


@migration
def m001_initial(db: Database) -> None:
    db.table(MEASUREMENTS).create(
        {"id": int, "indicator": str, "at": float, "value": float, "note": str, "recorded_at": str},
        pk="id",
        not_null={"indicator", "at", "value", "recorded_at"},
    )
    db.table(MEASUREMENTS).create_index(["indicator", "at"])
    db.table(MILESTONE_EVENTS).create(
        {"id": int, "milestone": str, "on_date": str, "note": str, "recorded_at": str},
        pk="id",
        not_null={"milestone", "on_date", "recorded_at"},
    )
    db.table(TIME_COLUMNS).create(
        {"table_name": str, "column_name": str, "timezone": str}, pk=("table_name", "column_name")
    )
    db.table(IMPORTS).create(
        {"id": int, "table_name": str, "source": str, "rows": int, "imported_at": str}, pk="id"
    )


def _refuse_taken(db: Database, names: tuple[str, ...], purpose: str) -> None:
    """A table imported by an older goalline, which did not keep these names yet."""
    taken = [t for t in db.table_names() if t.lower() in names]
    if taken:
        raise StoreError(
            f"the store has a table named '{taken[0]}', a name goalline now keeps for"
            f" {purpose}; rename that table with a SQLite tool and open the store again"
        )


@migration
def m002_reviews(db: Database) -> None:
    _refuse_taken(db, REVIEW_TABLES, "reviews")
    db.table(ACKNOWLEDGEMENTS).create(
        {"event": str, "acknowledged_by": str, "note": str, "acknowledged_at": str},
        pk="event",
        not_null={"acknowledged_by", "acknowledged_at"},
    )
    db.table(REVIEW_SESSIONS).create(
        {
            "id": int,
            "plan": str,
            "as_of": str,
            "attendees": str,  # a JSON array of names
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"plan", "as_of", "attendees", "started_at"},
    )
    db.table(REVIEW_SESSIONS).create_index(["plan", "finished_at"])
    session = [("session", REVIEW_SESSIONS, "id")]
    db.table(REVIEW_NOTES).create(
        {"session": int, "subject": str, "kind": str, "cause": str, "lesson": str},
        pk=("session", "subject"),
        not_null={"session", "subject", "kind"},
        foreign_keys=session,
    )
    db.table(REVIEW_ACTIONS).create(
        {
            "id": int,
            "session": int,
            "subject": str,
            "title": str,
            "owner": str,
            "due": str,
            "status": str,
            "created_at": str,
        },
        pk="id",
        not_null={"session", "subject", "title", "owner", "status", "created_at"},
        foreign_keys=session,
    )
    db.table(REVIEW_ACTIONS).create_index(["status"])
    db.table(REVIEW_PROPOSALS).create(
        {"session": int, "goal": str, "target": str, "suggestion": str, "note": str},
        pk=("session", "goal"),
        not_null={"session", "goal", "target"},
        foreign_keys=session,
    )


@migration
def m003_outbox(db: Database) -> None:
    _refuse_taken(db, OUTBOX_TABLES, "the outbox")
    db.table(OUTBOX_EVENTS).create(
        {"id": int, "key": str, "payload": str, "created_at": str},
        pk="id",
        not_null={"key", "payload", "created_at"},
    )
    db.table(OUTBOX_EVENTS).create_index(["key"], unique=True)
    db.table(OUTBOX_DELIVERIES).create(
        {
            "event": int,
            "channel": str,
            "recipient": str,
            "status": str,  # pending | sent | failed
            "attempts": int,
            "last_error": str,
            "next_attempt_at": str,  # ISO time, UTC; NULL once sent or given up
            "sent_at": str,
        },
        pk=("event", "channel", "recipient"),
        not_null={"event", "channel", "recipient", "status", "attempts"},
        foreign_keys=[("event", OUTBOX_EVENTS, "id")],
    )
    db.table(OUTBOX_DELIVERIES).create_index(["status", "next_attempt_at"])


@migration
def m004_time_formats(db: Database) -> None:
    """The format each time column was read with (NULL: ISO 8601), so that the next import
    of the table reads it the same way without `--time-format`."""
    db.table(TIME_COLUMNS).add_column("format", str)


@migration
def m005_time_order(db: Database) -> None:
    """Imported tables in the order of their first time column, as imports now write them:
    evaluation reads each cycle's rows through the time index, and in file order every row
    costs a random read. A table keyed by an integer primary key (the rowid, so ordered by
    key) gets the key as a unique index instead. Tables already in order are left alone."""
    tables = [r[0] for r in db.execute(f"SELECT DISTINCT table_name FROM {TIME_COLUMNS}")]
    for name in tables:
        table = db.table(name)
        if not table.exists():
            continue
        times = {
            r[0]
            for r in db.execute(
                f"SELECT column_name FROM {TIME_COLUMNS} WHERE table_name = ?", [name]
            )
        }
        cluster = next((c.name for c in table.columns if c.name in times), None)
        if cluster is None:
            continue
        keys = table.pks
        if keys != ["rowid"] and len(keys) == 1 and table.columns_dict[keys[0]] is int:
            table.transform(pk=None)
            table.create_index(keys, unique=True, if_not_exists=True)
        _reorder(db, name, cluster)


def _reorder(db: Database, table: str, cluster: str) -> None:
    column = quote(cluster)
    unordered = db.execute(
        f"SELECT 1 FROM (SELECT {column} AS t, lag({column}) OVER (ORDER BY rowid) AS p"
        f" FROM {quote(table)}) WHERE t < p OR (t IS NULL AND p IS NOT NULL) LIMIT 1"
    ).fetchone()
    if unordered is None:
        return
    names = ", ".join(quote(c.name) for c in db.table(table).columns)
    db.execute(f"CREATE TEMP TABLE goalline_reorder AS SELECT {names} FROM {quote(table)}")
    db.execute(f"DELETE FROM {quote(table)}")
    db.execute(
        f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM temp.goalline_reorder"
        f" ORDER BY {column}"
    )
    db.execute("DROP TABLE temp.goalline_reorder")


SCHEMA_VERSION = len(MIGRATION_NAMES)
