"""The room's SQLite file (Python's own sqlite3): who joined, and every event they sent, each stored once.

The instructor names the file (default ./room.sqlite3); it survives a restart of the room, so a
room stopped mid-workshop and started again on the same file loses nothing. Each event keeps the
learner's random `event_id` as its primary key and is added with INSERT OR IGNORE: an event sent
again (a retry, a reconnect, a restart) is never counted twice. WAL mode lets the dashboard read
while learners write; every call opens its own short connection, so calls from several threads
are safe, and a writer waits up to BUSY_SECONDS for another instead of failing.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from rnn_lesson.course.room.events import Batch

BUSY_SECONDS = 10
APPLICATION_ID = 0x524E4E52  # "RNNR": marks a room file, so the room never writes into another database
SCHEMA = """
CREATE TABLE IF NOT EXISTS learners (
    id TEXT PRIMARY KEY,          -- random, kept in the learner's progress folder
    name TEXT NOT NULL,           -- the pseudonym they chose (the latest one they sent)
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id TEXT PRIMARY KEY,    -- the learner's random id for the event: a copy is never stored twice
    learner_id TEXT NOT NULL REFERENCES learners(id),
    at TEXT NOT NULL,             -- when the learner answered (their clock, UTC)
    received TEXT NOT NULL,       -- when the room got it (this machine's clock, UTC)
    kind TEXT NOT NULL,
    notebook TEXT NOT NULL,
    item TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
EVENT_COLUMNS = ("event_id", "learner_id", "at", "received", "kind", "notebook", "item", "outcome", "message")
LEARNER_COLUMNS = ("id", "name", "first_seen", "last_seen")


class NotARoomFile(Exception):
    """The file exists and is some other database (or not a database): the room leaves it alone."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: Path | str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    connection.execute("PRAGMA synchronous=NORMAL")  # with WAL: safe if the room's process dies; fast commits
    return connection


def init(path: Path | str) -> None:
    """Create the room's tables in `path` (kept if they are there). Raises NotARoomFile for any other file."""
    path = Path(path)
    if not path.parent.is_dir():
        raise NotARoomFile(f"there is no folder {path.parent} for {path.name}; create it, or choose another --db")
    fresh = not path.exists() or path.stat().st_size == 0
    connection = None
    try:
        connection = connect(path)
        found = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if not fresh and found != APPLICATION_ID and tables:
            raise NotARoomFile(f"{path} is another database (application_id {found}), not a room file; it is left "
                               "as it is: choose another --db, e.g. --db room.sqlite3")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(SCHEMA)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    except sqlite3.OperationalError as error:
        raise NotARoomFile(f"{path} could not be opened ({error}); check that you may write in its folder") from error
    except sqlite3.DatabaseError as error:
        raise NotARoomFile(f"{path} is not a database ({error}); it is left as it is: choose another --db, "
                           "e.g. --db room.sqlite3") from error
    finally:
        if connection is not None:
            connection.close()


def serve(path: Path, started: datetime | None, schedule: str | None) -> tuple[FileLock, datetime, str]:
    """Ready `path` for a room to serve (the laptop room and a hub's): made a room file if new, locked while this
    room serves it (`<file>.lock` beside it, released when the room's process ends: two rooms writing one file would
    confuse the instructor), with its start time and schedule, kept unless `started` or `schedule` replace them.
    Raises NotARoomFile for another file, or one another room is serving."""
    init(path)
    held = FileLock(f"{path}.lock")
    try:
        held.acquire(timeout=0)
    except Timeout:
        raise NotARoomFile(f"another room is serving {path} now; stop that one first, or choose another --db") from None
    kept = setting(path, "started", (started or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
                   replace=started is not None)
    return held, datetime.fromisoformat(kept), setting(path, "schedule", schedule or "workshop", replace=bool(schedule))


def add_batch(path: Path | str, batch: Batch, received: str | None = None) -> tuple[int, int]:
    """Store a checked batch in one transaction: (events stored, events already there and ignored)."""
    received = received or utc_now()
    rows = [(e.event_id, batch.learner_id, e.at, received, e.kind, e.notebook, e.item, e.outcome, e.message)
            for e in batch.events]
    connection = connect(path)
    try:
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO learners (id, name, first_seen, last_seen) VALUES (?, ?, ?, ?) "
                               "ON CONFLICT (id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen",
                               (batch.learner_id, batch.name, received, received))
            before = connection.total_changes
            connection.executemany(f"INSERT OR IGNORE INTO events ({', '.join(EVENT_COLUMNS)}) "
                                   f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})", rows)
            stored = connection.total_changes - before
    finally:
        connection.close()
    return stored, len(rows) - stored


def select(path: Path | str, query: str, parameters: tuple = ()) -> list[dict]:
    connection = connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(query, parameters)]
    finally:
        connection.close()


def all_events(path: Path | str) -> list[dict]:
    """Every event, oldest first (by the learner's time, then as they came), as dicts of EVENT_COLUMNS."""
    return select(path, f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY at, rowid")


def learners(path: Path | str) -> list[dict]:
    """Everyone who joined, in the order they first sent something, as dicts of LEARNER_COLUMNS."""
    return select(path, f"SELECT {', '.join(LEARNER_COLUMNS)} FROM learners ORDER BY first_seen, id")


def kept(path: Path | str, key: str) -> str | None:
    """A room setting kept in the file, or None."""
    rows = select(path, "SELECT value FROM meta WHERE key = ?", (key,))
    return rows[0]["value"] if rows else None


def setting(path: Path | str, key: str, value: str, replace: bool = False) -> str:
    """A room setting kept in the file (join code, dashboard token, start time), so a restart keeps it: the kept
    value, or `value` when none is kept yet or `replace` is True (then `value` is kept)."""
    connection = connect(path)
    try:
        with connection:
            connection.execute(f"INSERT OR {'REPLACE' if replace else 'IGNORE'} INTO meta (key, value) VALUES (?, ?)",
                               (key, value))
            return connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]
    finally:
        connection.close()
