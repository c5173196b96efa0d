"""Where you got to: quiz answers, solved exercises and review cards, kept in a local SQLite file.

`progress()` is the table a learner sees; the `record_…` functions are what the quiz,
the exercise checks and the review cards call after grading.

Why SQLite (Python's own `sqlite3`): each answer is one row added inside a transaction, so
two kernels saving at once wait their turn instead of overwriting each other's file, and a
crash or a full disk mid-write leaves the rows before it intact. The database runs in WAL
mode where the file system allows it, and its schema has a version (`PRAGMA user_version`).
Each wrong answer's message is kept in a table of its own (`messages`), added once to a store an
earlier version made: the `events` table is never altered, so a kernel still running that
version keeps using the store. `listeners` are told of each new answer (the room client is one).

The file lives in your user data folder (never in the course folder, never sent anywhere unless
you join a workshop's room: rnn_lesson.course.room.client);
set RNN_LESSON_PROGRESS to a file path to keep it elsewhere (the tests do). Nothing here stops
a lesson or destroys answers: a store that can't be read is left alone (answers wait in memory
and are saved once it can be), and a file that isn't a store is renamed aside, never deleted.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
import warnings
from datetime import datetime
from pathlib import Path
from typing import Callable

import pandas as pd
from platformdirs import user_data_dir

from rnn_lesson.course.progress_events import (check_export_path, event, fold, legacy_events, progress_table,
                                                why_not, writable_place, write_export)

ENV_VAR = "RNN_LESSON_PROGRESS"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,             -- a random id, so a copy of an event is never counted twice
    at TEXT NOT NULL,                          -- when, in UTC (ISO 8601)
    kind TEXT NOT NULL CHECK (kind IN ('quiz', 'exercise', 'card')),
    notebook TEXT NOT NULL,                    -- '' for a review card
    item TEXT NOT NULL,                        -- the question, exercise or card id
    outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'incorrect', 'got it', 'not yet'))
);
"""
# the wrong-answer message shown with each event (by its id in `events`), in a table of its own: see above
MESSAGES = "CREATE TABLE IF NOT EXISTS messages (event_id TEXT PRIMARY KEY, message TEXT NOT NULL DEFAULT '')"
COLUMNS = ["event_id", "at", "kind", "notebook", "item", "outcome", "message"]  # an event, as read and exported
SAVED = COLUMNS[:-1]  # the columns of the `events` table, the same since the first version
listeners: list[Callable[[dict], None]] = []  # each called with every new event, a dict of COLUMNS
_warned = _listener_warned = False
BUSY_SECONDS = 30  # how long a save waits for other kernels before the answers wait in memory instead
_pending: list[tuple] = []  # events not saved yet (the store could not be written): retried on the next save


class NotAStore(Exception):
    """The file exists but is not a progress store of this version (corrupt, or another schema)."""


def progress_path() -> Path:
    """The progress store: $RNN_LESSON_PROGRESS if set, else `progress.sqlite3` in the user data folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return Path(user_data_dir("rnn-lesson", appauthor=False)) / "progress.sqlite3"


def warn_once(message: str) -> None:
    """Warn about a progress problem the first time only, so a lesson is not flooded."""
    global _warned
    if not _warned:
        warnings.warn(message, stacklevel=3)
        _warned = True


def connect(path: Path) -> sqlite3.Connection:
    """Open the store (waiting up to 30 s for another kernel that is saving). Tests replace this to fake faults."""
    return sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)


def open_store(path: Path, create: bool) -> sqlite3.Connection | None:
    """A connection to a checked store; None if there is none yet and `create` is False.

    Raises NotAStore for a file that isn't one, and sqlite3.OperationalError or OSError when it
    can't be opened or written (permissions, a full disk, a lock held too long).
    """
    if not path.exists() and not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")  # falls back by itself where WAL is not possible
        if create:
            connection.execute("BEGIN IMMEDIATE")  # one kernel at a time makes the tables
            if connection.execute("PRAGMA user_version").fetchone()[0] == 0 and not has_tables(connection):
                connection.execute(SCHEMA)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if is_a_store(connection):  # an earlier version's store gains the messages table, once; others are left
                connection.execute(MESSAGES)
            connection.execute("COMMIT")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and not has_tables(connection):  # empty: another kernel is making it this moment
            connection.close()
            return None
        if not is_a_store(connection):
            raise NotAStore(f"schema version {version} with columns {columns_of(connection, 'events')} "
                            f"and messages {columns_of(connection, 'messages')}")
        return connection
    except sqlite3.OperationalError:
        connection.close()
        raise
    except (sqlite3.DatabaseError, NotAStore) as error:  # "file is not a database", "malformed", another schema
        connection.close()
        raise NotAStore(str(error)) from error


def has_tables(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def columns_of(connection: sqlite3.Connection, table: str) -> list[str]:
    """The column names of `table` ([] if there is no such table)."""
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def is_a_store(connection: sqlite3.Connection) -> bool:
    """This version's schema, or the first version's (no messages table yet)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    return (version == SCHEMA_VERSION and columns_of(connection, "events")[1:] == SAVED
            and columns_of(connection, "messages") in ([], ["event_id", "message"]))


def set_aside(path: Path, reason: str) -> None:
    """Rename a file that is not a progress store to a new, unique name beside it (never deleted), and say so."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.set-aside-{stamp}-{uuid.uuid4().hex[:8]}")
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):  # SQLite's own side files follow their database
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
    except OSError as error:
        warn_once(f"Progress store {path} is not readable as a progress store ({reason}) and could not be renamed "
                  f"aside ({error.strerror}). Your answers are kept until the kernel stops; set {ENV_VAR} to "
                  f"another file, e.g. os.environ[{ENV_VAR!r}] = {str(writable_place())!r}.")
        return
    legacy = import_legacy_json(aside, path)
    warnings.warn(f"Progress store {path} was not a progress store of this course ({reason}); it is kept, renamed, as "
              f"{aside.name}{legacy}, and a new store was started.")


def import_legacy_json(old: Path, path: Path) -> str:
    """If `old` is a progress.json from an earlier version of the course, copy its answers into `path`."""
    events = legacy_events(old)
    if events:
        save_events(path, events)
    return f" ({len(events)} answers from it were copied into the new store)" if events else ""


def save_events(path: Path, events: list[tuple]) -> None:
    """Add `events` to the store at `path` in one transaction (all or none). Raises what `open_store` raises.

    SQLite answers "database is locked" at once, without waiting, in a few races (two kernels
    creating the store, or switching it to WAL, at the same moment): those are tried again for
    up to 30 s, which is also how long one attempt waits for a kernel that is saving.
    """
    deadline = time.monotonic() + BUSY_SECONDS
    for attempt in range(1, 1000):
        try:
            save_events_once(path, events)
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "being created" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(min(0.01 * attempt, 0.5))


def save_events_once(path: Path, events: list[tuple]) -> None:
    connection = open_store(path, create=True)
    if connection is None:
        raise sqlite3.OperationalError("the store is being created by another kernel")
    try:
        with connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(f"INSERT OR IGNORE INTO events ({', '.join(SAVED)}) VALUES (?, ?, ?, ?, ?, ?)",
                                   [e[:6] for e in events])
            connection.executemany("INSERT OR IGNORE INTO messages (event_id, message) VALUES (?, ?)",
                                   [(e[0], e[6]) for e in events if e[6]])
    finally:
        connection.close()


def record(kind: str, notebook: str, item: str, outcome: str, message: str = "") -> None:
    """Save one event (`message`: the wrong-answer message shown, "" when correct), with any still waiting,
    then tell the `listeners`. On failure keep the events waiting and warn once; a listener's error is no
    learner's problem: it is warned about once, never raised."""
    global _listener_warned
    new = event(kind, notebook, item, outcome, message)
    save(new)
    for listener in list(listeners):
        try:
            listener(dict(zip(COLUMNS, new)))
        except Exception as error:  # a room that fails must never stop a lesson
            if not _listener_warned:
                warnings.warn(f"Your answer is kept, but {getattr(listener, '__name__', listener)} failed "
                              f"({type(error).__name__}: {error}); the lesson carries on.", stacklevel=3)
            _listener_warned = True


def save(new: tuple) -> None:
    """Save `new` and the events still waiting; keep them waiting (warning once) if the store can't be written."""
    path = progress_path()
    earlier = path.with_name("progress.json")  # where an earlier version of the course kept answers
    if not path.exists() and earlier.exists() and earlier != path:
        _pending.extend(legacy_events(earlier))
    _pending.append(new)
    try:
        save_events(path, list(_pending))
    except NotAStore as error:
        set_aside(path, str(error))
        try:
            save_events(path, list(_pending))
        except (NotAStore, sqlite3.Error, OSError):
            return
    except (sqlite3.Error, OSError) as error:
        warn_once(f"Could not save progress to {path}: {why_not(path, error)}. Your answers are kept until the kernel "
                  f"stops and saved as soon as the store can be written; the file was not changed. Or save "
                  f"elsewhere: os.environ[{ENV_VAR!r}] = {str(writable_place())!r}.")
        return
    _pending.clear()


def read_events() -> list[tuple]:
    """Every event, saved and waiting, oldest first: tuples in the order of COLUMNS."""
    path = progress_path()
    try:
        connection = open_store(path, create=False)
    except NotAStore as error:
        set_aside(path, str(error))
        connection = None
    except (sqlite3.Error, OSError) as error:
        warn_once(f"Could not read the progress store {path}: {why_not(path, error)}; it was left as it is. The table shows "
                  f"this session's answers only; fix its permissions, or save elsewhere: "
                  f"os.environ[{ENV_VAR!r}] = {str(writable_place())!r}.")
        connection = None
    saved = []
    if connection is not None:
        with connection:  # events saved before messages were kept (or by an earlier version) read message ''
            joined = "LEFT JOIN messages USING (event_id)" if columns_of(connection, "messages") else ""
            message = "coalesce(message, '')" if joined else "''"
            saved = connection.execute(f"SELECT {', '.join(SAVED)}, {message} FROM events {joined} "
                                       "ORDER BY id").fetchall()
        connection.close()
    known = {row[0] for row in saved}
    return saved + [e for e in _pending if e[0] not in known]


def load_progress() -> dict:
    """Every answer, folded: {"notebooks": {nb: {"quiz": {id: bool}, "exercises": {id: bool}, "last_visit"}},
    "cards": {id: "got it" | "not yet"}}. A question or exercise once right stays right; a card keeps its latest."""
    return {"version": SCHEMA_VERSION, **fold(read_events())}


def record_quiz_answer(notebook: str, question_id: str, correct: bool, message: str = "") -> None:
    """Remember a quiz answer and the message shown if it was wrong; once answered correctly stays correct."""
    record("quiz", notebook, question_id, "correct" if correct else "incorrect", "" if correct else message)


def record_exercise(notebook: str, exercise_id: str, solved: bool, message: str = "") -> None:
    """Remember an exercise check and the message shown if it failed; once solved stays solved."""
    record("exercise", notebook, exercise_id, "correct" if solved else "incorrect", "" if solved else message)


def record_card(card_id: str, got_it: bool) -> None:
    """Remember how a review card went: 'got it' or 'not yet' (not-yet cards come back first)."""
    record("card", "", card_id, "got it" if got_it else "not yet")


def progress(export: str | Path | None = None) -> pd.DataFrame:
    """Your progress per lesson: quiz answers, exercises, last visit. Every lesson has a row,
    so a fresh start reads "not started" for each rather than an empty table.

    export: a `.json` path writes every answer (one record per event) for an instructor to
    review; a `.csv` path writes this table. Any other name, or an existing file that is not
    an earlier export, is refused, so an export never writes over your own files.
    """
    if export is not None:
        export = check_export_path(export)
    state = load_progress()
    table = progress_table(state)
    if export is not None:
        write_export(export, table, state, [dict(zip(COLUMNS, row)) for row in read_events()])
        print(f"Your progress is exported to {export.resolve()}.")
    return table
