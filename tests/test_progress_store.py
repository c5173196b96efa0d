"""The progress store cannot lose answers: concurrent kernels, crashes, corrupt or unreadable files, a full disk."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

from rnn_lesson.course import progress_store as progress
from rnn_lesson.course.lessons import NOTEBOOKS
from rnn_lesson.course.paths import ROOT


@pytest.fixture
def path(tmp_path, monkeypatch):
    target = tmp_path / "sub" / "progress.sqlite3"
    monkeypatch.setenv(progress.ENV_VAR, str(target))
    monkeypatch.setattr(progress, "_warned", False)
    monkeypatch.setattr(progress, "_pending", [])
    return target


def saved_rows(path):
    with sqlite3.connect(path) as connection:  # what a restarted kernel reads
        return connection.execute("SELECT kind, notebook, item, outcome FROM events ORDER BY id").fetchall()


def test_tests_never_use_the_learners_real_file():
    real = progress.progress_path()
    assert "rnn-lesson-test-progress-" in str(real) or "pytest" in str(real)


def test_default_location_is_the_user_data_folder_not_the_repo(monkeypatch):
    monkeypatch.delenv(progress.ENV_VAR)
    location = progress.progress_path()
    assert location.name == "progress.sqlite3" and "rnn-lesson" in str(location)
    assert not str(location).startswith(str(ROOT))


def test_answers_survive_a_new_session(path):
    progress.record_quiz_answer("01_input_shaping", "q-a", False)
    progress.record_quiz_answer("01_input_shaping", "q-b", True)
    progress.record_exercise("01_input_shaping", "ex.q1", True)
    assert saved_rows(path) == [("quiz", "01_input_shaping", "q-a", "incorrect"),
                                ("quiz", "01_input_shaping", "q-b", "correct"),
                                ("exercise", "01_input_shaping", "ex.q1", "correct")]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == progress.SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    table = progress.progress()
    assert table.to_dict("records")[0]["quiz"] == "1 right of 2 answered"
    assert table.to_dict("records")[0]["exercises"] == "1 solved of 1 tried"
    assert table["last visit"][0][:2] == "20"


def test_an_answer_once_right_stays_right_and_a_card_keeps_its_latest(path):
    progress.record_exercise("03_training", "ex.q1", True)
    progress.record_exercise("03_training", "ex.q1", False)
    progress.record_card("card-1", False)
    progress.record_card("card-1", True)
    state = progress.load_progress()
    assert state["notebooks"]["03_training"]["exercises"] == {"ex.q1": True}
    assert state["cards"] == {"card-1": "got it"}


WRITER = textwrap.dedent("""
    import sys
    from rnn_lesson.course import progress_store
    name, count = sys.argv[1], int(sys.argv[2])
    for i in range(count):
        progress_store.record_exercise("01_input_shaping", f"{name}-{i}", i % 2 == 0)
""")


def test_two_kernels_saving_at_once_lose_nothing(path):
    """Two processes record 500 distinct answers each, as fast as they can, into one store."""
    path.parent.mkdir(parents=True)
    started = time.perf_counter()
    writers = [subprocess.Popen([sys.executable, "-W", "error", "-c", WRITER, name, "500"], stderr=subprocess.PIPE)
               for name in ("kernel-a", "kernel-b")]
    errors = [writer.communicate(timeout=300)[1].decode() for writer in writers]
    seconds = time.perf_counter() - started
    assert [w.returncode for w in writers] == [0, 0], errors  # -W error: a single warning fails a writer
    items = [row[2] for row in saved_rows(path)]
    print(f"2 x 500 records from two processes: {len(items)} kept in {seconds:.1f} s")
    assert sorted(items) == sorted(f"kernel-{k}-{i}" for k in "ab" for i in range(500))


def test_a_store_locked_in_a_race_is_tried_again_without_a_warning(path, monkeypatch):
    """SQLite answers "database is locked" at once (no waiting) when two kernels create the store together."""
    real_connect, refused = progress.connect, []

    def racing(target):
        if len(refused) < 3:
            refused.append(target)
            raise sqlite3.OperationalError("database is locked")
        return real_connect(target)

    monkeypatch.setattr(progress, "connect", racing)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        progress.record_exercise("01_input_shaping", "ex.q1", True)
    assert len(refused) == 3 and progress._pending == []
    assert saved_rows(path) == [("exercise", "01_input_shaping", "ex.q1", "correct")]


def test_a_store_locked_for_too_long_keeps_the_answer_waiting(path, monkeypatch):
    real_connect = progress.connect

    def locked(target):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(progress, "BUSY_SECONDS", 0.3)
    monkeypatch.setattr(progress, "connect", locked)
    started = time.perf_counter()
    with pytest.warns(UserWarning, match="database is locked"):
        progress.record_exercise("01_input_shaping", "ex.q1", True)
    assert time.perf_counter() - started < 5 and len(progress._pending) == 1
    monkeypatch.setattr(progress, "connect", real_connect)
    progress.record_exercise("01_input_shaping", "ex.q2", True)
    assert [row[2] for row in saved_rows(path)] == ["ex.q1", "ex.q2"]


def test_a_crash_in_the_middle_of_a_save_keeps_every_earlier_answer(path):
    progress.record_exercise("01_input_shaping", "before", True)
    crash = textwrap.dedent(f"""
        import os, sqlite3
        connection = sqlite3.connect({str(path)!r}, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO events (event_id, at, kind, notebook, item, outcome) "
                           "VALUES ('x', '2026', 'quiz', '01_input_shaping', 'half-saved', 'correct')")
        os._exit(9)  # the kernel dies before the transaction commits
    """)
    assert subprocess.run([sys.executable, "-c", crash]).returncode == 9
    progress.record_exercise("01_input_shaping", "after", True)
    assert [row[2] for row in saved_rows(path)] == ["before", "after"]


def test_a_corrupt_store_is_set_aside_with_a_warning_and_a_new_one_begins(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database at all, but maybe something precious")
    with pytest.warns(UserWarning, match="kept, renamed, as progress.sqlite3.set-aside-"):
        progress.record_exercise("01_input_shaping", "ex.q1", True)
    aside = list(path.parent.glob("progress.sqlite3.set-aside-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"not a database at all, but maybe something precious"
    assert saved_rows(path) == [("exercise", "01_input_shaping", "ex.q1", "correct")]


def test_two_corruptions_in_one_second_keep_both_files(path):
    path.parent.mkdir(parents=True)
    for number in (1, 2):
        path.write_bytes(f"corrupt file number {number}".encode())
        with pytest.warns(UserWarning, match="set-aside"):
            progress.record_exercise("01_input_shaping", f"ex.q{number}", True)
    kept = sorted(p.read_bytes() for p in path.parent.glob("progress.sqlite3.set-aside-*"))
    assert kept == [b"corrupt file number 1", b"corrupt file number 2"]


def test_a_database_of_another_shape_is_set_aside_not_used(path):
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE events (who TEXT, what TEXT)")
        connection.execute("INSERT INTO events VALUES ('someone', 'something')")
    with pytest.warns(UserWarning, match="not a progress store of this course"):
        assert progress.progress()["quiz"].tolist() == ["not started"] * len(NOTEBOOKS)
    [aside] = path.parent.glob("progress.sqlite3.set-aside-*")
    with sqlite3.connect(aside) as connection:
        assert connection.execute("SELECT * FROM events").fetchall() == [("someone", "something")]
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("events",)]  # not even the messages table was added to it


@pytest.mark.parametrize("content", [
    {"version": 1, "notebooks": [], "cards": {}},
    {"version": 1, "cards": {}},
    {"version": 1, "notebooks": {"01_input_shaping": "started"}},
    {"version": 1, "notebooks": {"01_input_shaping": {"quiz": {"q-a": "yes"}, "exercises": ["ex.q1"]}}},
    ["not", "a", "dict"],
], ids=["notebooks a list", "a missing key", "a string entry", "string values", "not a dict"])
def test_an_earlier_progress_json_of_the_wrong_structure_never_crashes_a_check(path, content):
    """An earlier version's progress.json is imported; what has the wrong structure is skipped, never a crash."""
    path.parent.mkdir(parents=True)
    (path.parent / "progress.json").write_text(json.dumps(content))
    progress.record_exercise("02_the_rnn_layer", "ex.q1", True)  # what a check does
    table = progress.progress()
    assert table["exercises"][1] == "1 solved of 1 tried"
    assert json.loads((path.parent / "progress.json").read_text()) == content  # left exactly as it was


def test_answers_in_an_earlier_progress_json_are_carried_over(path):
    path.parent.mkdir(parents=True)
    earlier = {"version": 1, "cards": {"c": "not yet"},
               "notebooks": {"01_input_shaping": {"quiz": {"q-a": True}, "exercises": {"ex.q1": False},
                                                  "last_visit": "2026-11-01T10:00:00+00:00"}}}
    (path.parent / "progress.json").write_text(json.dumps(earlier))
    progress.record_exercise("01_input_shaping", "ex.q2", True)
    state = progress.load_progress()
    assert state["notebooks"]["01_input_shaping"]["quiz"] == {"q-a": True}
    assert state["notebooks"]["01_input_shaping"]["exercises"] == {"ex.q1": False, "ex.q2": True}
    assert state["cards"] == {"c": "not yet"}


AS_ANOTHER_USER = textwrap.dedent("""
    import sys, warnings
    from rnn_lesson.course import progress_store
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        progress_store.record_exercise("01_input_shaping", "while-unreadable", True)
        table = progress_store.progress()
    print(table["exercises"][0])
    print(" | ".join(str(w.message) for w in caught))
""")


def test_an_unreadable_store_is_never_replaced(tmp_path):
    """A store the learner may not read: a warning with the real reason, the file untouched, answers kept."""
    folder = tmp_path
    store = folder / "progress.sqlite3"
    env = dict(os.environ, RNN_LESSON_PROGRESS=str(store))
    subprocess.run([sys.executable, "-c", WRITER, "earlier", "3"], env=env, check=True)
    before = store.read_bytes()
    store.chmod(0o000)
    # root reads any file: run the learner's kernel without root's power to ignore file permissions
    without_override = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    result = subprocess.run([*without_override, sys.executable, "-c", AS_ANOTHER_USER], env=env,
                            capture_output=True, text=True, cwd=folder, check=True)
    shown, warned = result.stdout.splitlines()
    assert shown == "1 solved of 1 tried"  # this session's answer, kept in memory
    assert "Could not save progress" in warned and "the file was not changed" in warned
    assert "os.environ['RNN_LESSON_PROGRESS']" in warned
    store.chmod(0o600)
    assert store.read_bytes() == before
    assert [row[2] for row in saved_rows(store)] == ["earlier-0", "earlier-1", "earlier-2"]


def test_a_full_disk_keeps_answers_waiting_and_saves_them_later(path, monkeypatch):
    progress.record_exercise("01_input_shaping", "before", True)
    real_connect = progress.connect

    def full_disk(target):
        connection = real_connect(target)
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        return connection

    monkeypatch.setattr(progress, "connect", full_disk)
    with pytest.warns(UserWarning, match="disk is full"):
        for i in range(200):
            progress.record_quiz_answer("01_input_shaping", f"q-{i}", True)
    assert len(progress._pending) > 0
    assert progress.progress()["quiz"][0] == "200 right of 200 answered"
    monkeypatch.setattr(progress, "connect", real_connect)
    progress.record_exercise("01_input_shaping", "after", True)
    assert progress._pending == [] and len(saved_rows(path)) == 202


def test_a_file_in_place_of_the_folder_warns_naming_a_writable_place(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    monkeypatch.setenv(progress.ENV_VAR, str(blocker / "progress.sqlite3"))
    monkeypatch.setattr(progress, "_warned", False)
    monkeypatch.setattr(progress, "_pending", [])
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match="Could not save") as caught:
        progress.record_exercise("01_input_shaping", "ex.q1", True)
    suggested = str(tmp_path / "rnn-lesson-progress.sqlite3")
    assert repr(suggested) in str(caught[0].message)
    monkeypatch.setenv(progress.ENV_VAR, suggested)  # the fix, followed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        progress.record_exercise("01_input_shaping", "ex.q2", True)
    assert [row[2] for row in saved_rows(suggested)] == ["ex.q1", "ex.q2"]


def test_export_for_the_instructor(path, tmp_path):
    progress.record_quiz_answer("02_the_rnn_layer", "02-seed-output-shape", True)
    progress.progress(export=tmp_path / "learner.json")
    exported = json.loads((tmp_path / "learner.json").read_text())
    assert exported["notebooks"]["02_the_rnn_layer"]["quiz"] == {"02-seed-output-shape": True}
    assert [e["item"] for e in exported["events"]] == ["02-seed-output-shape"]
    progress.progress(export=tmp_path / "learner.csv")
    assert (tmp_path / "learner.csv").read_text().startswith("lesson,quiz,exercises,last visit")
    progress.progress(export=tmp_path / "learner.json")  # writing over an earlier export is fine


def test_export_refuses_other_formats_and_other_peoples_files(path, tmp_path):
    with pytest.raises(ValueError, match=r"ending in .json .* or .csv .*got '.*x.xlsx'"):
        progress.progress(export=tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
    data = tmp_path / "my_data.csv"
    data.write_text("time,value\n1,2\n")
    with pytest.raises(FileExistsError, match="is not a progress export"):
        progress.progress(export=data)
    assert data.read_text() == "time,value\n1,2\n"


def test_the_table_lists_every_lesson_once_in_order(path):
    assert set(progress.progress()["quiz"]) == {"not started"}  # a fresh start reads sensibly
    progress.record_exercise("03_training", "ex.q2", True)
    progress.record_exercise("01_input_shaping", "ex.q1", False)
    progress.record_exercise("03_training", "ex.q1", False)
    table = progress.progress()
    assert table["lesson"].tolist() == list(NOTEBOOKS)
    assert table["exercises"].tolist()[:3] == ["0 solved of 1 tried", "not started", "1 solved of 2 tried"]
    assert table["last visit"][1] == "not yet"


# The first version's schema, exactly as it shipped: stores learners already have look like this.
FIRST_VERSION_SCHEMA = """
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
FIRST_VERSION_COLUMNS = ["id", "event_id", "at", "kind", "notebook", "item", "outcome"]


def first_version_store(path, answers):
    """A store as the first version wrote it, holding `answers` (kind, notebook, item, outcome)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(FIRST_VERSION_SCHEMA)
        connection.execute("PRAGMA user_version = 1")
        connection.executemany("INSERT INTO events (event_id, at, kind, notebook, item, outcome) "
                               "VALUES (?, ?, ?, ?, ?, ?)",
                               [(f"{i:032x}", f"2026-01-01T10:{i:02d}:00+00:00", *answer)
                                for i, answer in enumerate(answers)])
    connection.close()


def tables_and_version(path):
    with sqlite3.connect(path) as connection:
        tables = {name: [row[1] for row in connection.execute(f"PRAGMA table_info({name})")]
                  for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    connection.close()
    return tables, version


EARLIER_ANSWERS = [("quiz", "01_input_shaping", "q-a", "incorrect"),
                   ("exercise", "01_input_shaping", "ex.q1", "correct"),
                   ("card", "", "card-1", "not yet")]


def test_a_store_of_the_first_version_keeps_every_answer_and_gains_messages(path):
    first_version_store(path, EARLIER_ANSWERS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning, nothing set aside
        assert progress.progress()["quiz"][0] == "0 right of 1 answered"  # reading changes nothing in the file
        assert tables_and_version(path) == ({"events": FIRST_VERSION_COLUMNS}, 1)
        progress.record_exercise("01_input_shaping", "ex.q2", False, "expected (1000, 10, 5), got (10, 1000, 5)")
        progress.record_quiz_answer("01_input_shaping", "q-a", True, "ignored: a right answer has no message")
    events = progress.read_events()
    assert [e[2:] for e in events] == [(*answer, "") for answer in EARLIER_ANSWERS] + [
        ("exercise", "01_input_shaping", "ex.q2", "incorrect", "expected (1000, 10, 5), got (10, 1000, 5)"),
        ("quiz", "01_input_shaping", "q-a", "correct", "")]
    assert [e[0] for e in events[:3]] == [f"{i:032x}" for i in range(3)]  # the same events, ids and all
    assert not list(path.parent.glob("*set-aside*"))
    # events is untouched and the version unchanged, so a kernel still running the first version (which checks
    # exactly these) keeps saving into this store instead of setting it aside
    tables, version = tables_and_version(path)
    assert tables == {"events": FIRST_VERSION_COLUMNS, "messages": ["event_id", "message"]} and version == 1
    with sqlite3.connect(path) as connection:  # what the first version's save does
        connection.execute("INSERT INTO events (event_id, at, kind, notebook, item, outcome) "
                           "VALUES ('f' || hex(randomblob(15)) || 'f', '2026-01-02T09:00:00+00:00', 'quiz', "
                           "'02_the_rnn_layer', 'q-old-kernel', 'correct')")
    connection.close()
    assert progress.read_events()[-1][4:] == ("q-old-kernel", "correct", "")


def test_two_kernels_opening_a_first_version_store_at_once_lose_nothing(path):
    first_version_store(path, EARLIER_ANSWERS)
    writers = [subprocess.Popen([sys.executable, "-W", "error", "-c", WRITER, name, "100"], stderr=subprocess.PIPE)
               for name in ("kernel-a", "kernel-b")]
    errors = [writer.communicate(timeout=300)[1].decode() for writer in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    items = [row[2] for row in saved_rows(path)]
    expected = [a[2] for a in EARLIER_ANSWERS] + [f"kernel-{k}-{i}" for k in "ab" for i in range(100)]
    assert sorted(items) == sorted(expected)
    messages = {e[4]: e[6] for e in progress.read_events()}
    assert messages["kernel-a-1"] == "" and messages["q-a"] == ""  # WRITER's odd answers are wrong, without message


def test_the_message_travels_with_the_event_into_the_export(path, tmp_path):
    progress.record_exercise("03_training", "ex.q2", False, "softmax before CrossEntropyLoss: pass raw logits")
    progress.record_exercise("03_training", "ex.q2", True, "")
    progress.progress(export=tmp_path / "learner.json")
    exported = json.loads((tmp_path / "learner.json").read_text())
    assert [(e["outcome"], e["message"]) for e in exported["events"]] == [
        ("incorrect", "softmax before CrossEntropyLoss: pass raw logits"), ("correct", "")]
    assert list(exported["events"][0]) == progress.COLUMNS


def test_listeners_hear_each_new_event_after_it_is_kept(path, monkeypatch):
    heard = []
    monkeypatch.setattr(progress, "listeners", [lambda e: heard.append((e, [r[0] for r in progress.read_events()]))])
    progress.record_quiz_answer("02_the_rnn_layer", "q1", False, "h_n is (layers, batch, hidden)")
    (event, kept_by_then), = heard
    assert list(event) == progress.COLUMNS and event["message"] == "h_n is (layers, batch, hidden)"
    assert event["event_id"] in kept_by_then and len(event["event_id"]) == 32


def test_a_failing_listener_never_reaches_the_learner_and_warns_once(path, monkeypatch):
    heard = []

    def broken(event):
        raise ConnectionError("no route to the room")

    monkeypatch.setattr(progress, "_listener_warned", False)
    monkeypatch.setattr(progress, "listeners", [broken, heard.append])
    failure = r"broken failed \(ConnectionError: no route to the room\); the lesson carries on"
    with pytest.warns(UserWarning, match=failure):
        progress.record_exercise("01_input_shaping", "ex.q1", False, "wrong axis")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the second failure is silent
        progress.record_exercise("01_input_shaping", "ex.q1", True)
    assert [e["outcome"] for e in heard] == ["incorrect", "correct"]  # the next listener still hears every event
    assert [row[3] for row in saved_rows(path)] == ["incorrect", "correct"]


def test_listeners_hear_an_answer_that_waits_in_memory(path, monkeypatch):
    heard = []
    monkeypatch.setattr(progress, "listeners", [heard.append])
    monkeypatch.setattr(progress, "BUSY_SECONDS", 0.2)
    monkeypatch.setattr(progress, "connect", lambda target: (_ for _ in ()).throw(sqlite3.OperationalError("locked")))
    with pytest.warns(UserWarning, match="Could not save progress"):
        progress.record_exercise("01_input_shaping", "ex.q1", False, "wrong axis")
    assert [e["message"] for e in heard] == ["wrong axis"] and len(progress._pending) == 1
