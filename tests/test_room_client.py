"""The learner's side of the room: opt-in, sent in the background, never in the lesson's way, never counted twice.

Every test runs the room's real Tornado app (room/server.py's make_app) on 127.0.0.1 in a thread of
its own, and stops it and the client's thread in a `finally`, within a few seconds.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web

from rnn_lesson.course import progress_events, progress_store
from rnn_lesson.course.room import client, sender, store
from rnn_lesson.course.room.server import make_app

CODE, TOKEN = "right-code-42", "dashboard-token-0123456789"
WRONG = ("incorrect", "expected (1000, 10, 5), got (10, 1000, 5): the batch and time axes are swapped")


class Loop:
    """An event loop in a thread of its own, serving the room (and, where a test needs it, a lossy relay)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-room-server", daemon=True)
        self.thread.start()
        self.servers, self.relayed = [], {"connections": 0, "replies lost": 0}

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=5)

    def room(self, db, port=0, app=None):
        """Start the room's app (or `app`) on 127.0.0.1 (`port` 0: a free one); its port."""
        async def start():
            server = tornado.httpserver.HTTPServer(app or make_app(db, code=CODE, token=TOKEN))
            sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
            server.add_sockets(sockets)
            self.servers.append(server)
            return sockets[0].getsockname()[1]
        return self.run(start())

    def relay(self, port, lose):
        """A relay to the room on `port` that loses the room's first `lose` replies: the room has stored the
        batch, and the learner's kernel never hears so. Returns the relay's port."""
        async def connection(reader, writer):
            self.relayed["connections"] += 1
            lose_this = self.relayed["replies lost"] < lose
            room_reader, room_writer = await asyncio.open_connection("127.0.0.1", port)

            async def pipe(source, target, reply):
                try:
                    while data := await source.read(65536):
                        if reply and lose_this:
                            self.relayed["replies lost"] += 1
                            break
                        target.write(data)
                        await target.drain()
                finally:
                    target.close()
            await asyncio.gather(pipe(reader, room_writer, False), pipe(room_reader, writer, True))

        async def start():
            server = await asyncio.start_server(connection, "127.0.0.1", 0)
            self.servers.append(server)
            return server.sockets[0].getsockname()[1]
        return self.run(start())

    def stop_rooms(self):
        """Stop every room served so far (the relay's too): their port refuses connections until started again."""
        async def stop():
            for server in self.servers:
                if isinstance(server, tornado.httpserver.HTTPServer):
                    server.stop()
                    await server.close_all_connections()
        self.run(stop())
        self.servers = [s for s in self.servers if not isinstance(s, tornado.httpserver.HTTPServer)]

    def close(self):
        self.stop_rooms()
        for relay in self.servers:
            self.loop.call_soon_threadsafe(relay.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


@pytest.fixture
def learner(tmp_path, monkeypatch):
    """A learner's kernel with its own progress folder, quick retries, and no room joined when the test ends."""
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress" / "progress.sqlite3"))
    monkeypatch.delenv(client.ENV_VAR, raising=False)
    monkeypatch.setattr(progress_store, "_pending", [])
    monkeypatch.setattr(progress_store, "listeners", [])
    monkeypatch.setattr(client, "_stay_out", False)
    monkeypatch.setattr(sender, "FIRST_PAUSE", 0.05)
    monkeypatch.setattr(sender, "LONGEST_PAUSE", 0.2)
    monkeypatch.setattr(sender, "TIMEOUT", 1.0)
    try:
        yield tmp_path
    finally:
        client.leave_room(quiet=True)
        wait_for(lambda: not any(t.name == "rnn-lesson-room" for t in threading.enumerate()), 3)


@pytest.fixture
def loop():
    running = Loop()
    try:
        yield running
    finally:
        running.close()


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def stored(db):
    return [(e["item"], e["outcome"], e["message"]) for e in store.all_events(db)]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_answers_arrive_with_their_messages_and_earlier_answers_count(learner, loop, capsys):
    db = learner / "room.sqlite3"
    port = loop.room(db)
    last_week = (datetime.now(timezone.utc) - timedelta(days=7)).isoformat(timespec="seconds")
    progress_store.save(progress_events.event("exercise", "02_the_rnn_layer", "ex.q1", "incorrect", "old", last_week))
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, WRONG[1])  # before joining
    client.join_room(f"http://127.0.0.1:{port}", code=CODE, name="blue-heron")  # last week's answer stays here
    assert "Joined the room at http://127.0.0.1:" in capsys.readouterr().out
    progress_store.record_quiz_answer("01_input_shaping", "01-shape", False, "h_n is (layers, batch, hidden)")
    progress_store.record_exercise("01_input_shaping", "ex.q1", True)
    wait_for(lambda: len(store.all_events(db)) == 3 and client._room.sent == 3)
    assert sorted(stored(db)) == sorted([("ex.q1", *WRONG), ("01-shape", "incorrect", "h_n is (layers, batch, hidden)"),
                                         ("ex.q1", "correct", "")])
    [who] = store.learners(db)
    kept = progress_store.progress_path().with_suffix(client.ID_SUFFIX).read_text().strip()
    assert who["name"] == "blue-heron" and who["id"] == kept and len(kept) == 32
    client.leave_room()
    assert "3 answers sent, 0 not sent" in capsys.readouterr().out
    progress_store.record_exercise("01_input_shaping", "ex.q2", True)  # after leaving: not sent
    client.join_room(f"http://127.0.0.1:{port}#code={CODE}&name=blue-heron")  # a restarted kernel, the join line pasted
    wait_for(lambda: len(store.all_events(db)) == 4)
    assert [w["id"] for w in store.learners(db)] == [kept]  # the same learner, every answer counted once


def test_joining_before_any_answer_counts_the_learner_as_not_started(learner, loop, capsys):
    db = learner / "room.sqlite3"
    client.join_room(f"http://127.0.0.1:{loop.room(db)}", code=CODE, name="late-starter")
    assert "Joined the room" in capsys.readouterr().out
    wait_for(lambda: store.learners(db))
    assert [w["name"] for w in store.learners(db)] == ["late-starter"] and store.all_events(db) == []


def test_a_room_that_cannot_be_reached_gives_one_note_and_gets_the_answers_when_it_starts(learner, loop, capsys):
    port, db = free_port(), learner / "room.sqlite3"
    client.join_room(f"http://127.0.0.1:{port}", code=CODE, name="otter")
    started = time.perf_counter()
    for number in range(5):  # the lesson carries on
        progress_store.record_exercise("02_the_rnn_layer", f"ex.q{number}", False, f"wrong {number}")
    assert time.perf_counter() - started < 2
    time.sleep(0.5)  # several tries, each refused
    out = capsys.readouterr().out
    assert out.count("Room not reachable") == 1 and "your work is saved here and goes to the room once it is back." in out
    assert "Joined" not in out and len(out.splitlines()) == 1
    loop.room(db, port)
    wait_for(lambda: len(store.all_events(db)) == 5)
    assert sorted(stored(db)) == [(f"ex.q{n}", "incorrect", f"wrong {n}") for n in range(5)]
    assert capsys.readouterr().out == f"The room at http://127.0.0.1:{port} is reachable again: your answers are " \
                                      "being sent.\n"
    loop.stop_rooms()  # a second outage later in the workshop gets its own note, and its own line when it ends
    progress_store.record_exercise("02_the_rnn_layer", "ex.q5", False, "wrong 5")
    wait_for(lambda: "Room not reachable" in capsys.readouterr().out)
    loop.room(db, port)
    wait_for(lambda: len(store.all_events(db)) == 6)


def test_a_lost_reply_is_sent_again_and_counted_once(learner, loop, capsys):
    db = learner / "room.sqlite3"
    relay = loop.relay(loop.room(db), lose=2)
    progress_store.record_quiz_answer("03_training", "03-loss", False, "softmax before the loss")
    client.join_room(f"http://127.0.0.1:{relay}", code=CODE, name="otter")
    wait_for(lambda: loop.relayed["replies lost"] >= 1)
    assert len(store.all_events(db)) == 1  # the room stored it; the kernel never heard so
    wait_for(lambda: client._room.sent == 1)
    assert loop.relayed == {"connections": 3, "replies lost": 2}  # sent three times: two replies lost
    progress_store.record_quiz_answer("03_training", "03-loss", True)
    wait_for(lambda: client._room.sent == 2)
    assert stored(db) == [("03-loss", "incorrect", "softmax before the loss"), ("03-loss", "correct", "")]
    assert capsys.readouterr().out.count("Room not reachable") == 1


def test_a_wrong_join_code_gives_one_note_naming_it_and_sends_nothing_more(learner, loop, capsys):
    db = learner / "room.sqlite3"
    port = loop.room(db)
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, "wrong")
    client.join_room(f"http://127.0.0.1:{port}", code="wrong-code-41", name="otter")
    progress_store.record_exercise("01_input_shaping", "ex.q1", True)
    out = capsys.readouterr().out
    assert out.count("did not accept the join code 'wrong-code-41'") == 1 and "Joined" not in out
    assert "check the code with your instructor" in out.lower() and "your work is saved here" in out
    assert store.all_events(db) == [] and client._room is None
    assert client.send_to_room not in progress_store.listeners
    wait_for(lambda: not any(t.name == "rnn-lesson-room" for t in threading.enumerate()), 3)  # its thread ended


def test_nothing_leaves_the_machine_without_joining(learner, monkeypatch):
    opened = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: opened.append(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, address: opened.append(address))
    progress_store.listeners.append(client.join_later)  # what importing the course does, in every kernel
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, "wrong")
    progress_store.record_quiz_answer("01_input_shaping", "01-shape", True)
    progress_store.record_card("card-1", True)
    time.sleep(0.2)
    assert opened == [] and progress_store.listeners == [client.join_later] and client._room is None
    assert not any(t.name == "rnn-lesson-room" for t in threading.enumerate())


def test_rnn_lesson_room_joins_on_the_first_recorded_answer(learner, loop, monkeypatch, capsys):
    db = learner / "room.sqlite3"
    port = loop.room(db)
    monkeypatch.setenv(client.ENV_VAR, f"http://127.0.0.1:{port}#code={CODE}&name=blue heron")
    progress_store.listeners.append(client.join_later)  # what importing the client does
    progress_store.record_exercise("04_prediction", "ex.q1", False, "model.eval() was not called")
    wait_for(lambda: len(store.all_events(db)) == 1)
    assert store.learners(db)[0]["name"] == "blue heron"
    assert progress_store.listeners == [client.join_later, client.send_to_room]  # joined once
    client.leave_room()
    assert "nothing more is sent from this lesson. RNN_LESSON_ROOM is set for your Jupyter (by your instructor), so " \
           "your other lessons still send: run leave_room() in each of them." in capsys.readouterr().out
    progress_store.record_exercise("04_prediction", "ex.q2", False, "after leaving")  # this kernel left: stays out
    time.sleep(0.2)
    assert client._room is None and len(store.all_events(db)) == 1
    monkeypatch.setenv(client.ENV_VAR, "192.168.1.20:8765")
    monkeypatch.setattr(client, "_stay_out", False)  # a new kernel
    for _ in range(3):
        progress_store.record_exercise("04_prediction", "ex.q1", True)  # a value that can't be used: one note
    assert capsys.readouterr().out.count("RNN_LESSON_ROOM is set to '192.168.1.20:8765', which can't be used") == 1


def test_on_a_hub_the_kernels_token_stands_for_the_code_and_is_never_printed(learner, loop, monkeypatch, capsys):
    secret = "hub-token-of-this-kernel-0123"
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", secret)
    monkeypatch.setenv("JUPYTERHUB_USER", "learner-7")
    refusing = loop.room(learner / "refusing.sqlite3")  # its code is CODE: the hub token is refused
    monkeypatch.setenv(client.ENV_VAR, f"http://127.0.0.1:{refusing}")
    progress_store.listeners.append(client.join_later)
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, "wrong")
    wait_for(lambda: client._room is None)  # refused: it stopped
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, "wrong again")  # and stays out: no new note
    out = capsys.readouterr().out
    assert "as 'learner-7' (RNN_LESSON_ROOM is set)" in out and client._room is None
    assert out.count("did not accept this JupyterHub's sign-in") == 1 and secret not in out
    monkeypatch.setattr(client, "_stay_out", False)  # a new kernel

    async def hub_room():  # a room that takes the hub's token, as a hub-managed room does
        server = tornado.httpserver.HTTPServer(make_app(learner / "hub.sqlite3", code=secret, token=TOKEN))
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server.add_sockets(sockets)
        loop.servers.append(server)
        return sockets[0].getsockname()[1]
    monkeypatch.setenv(client.ENV_VAR, f"http://127.0.0.1:{loop.run(hub_room())}")
    progress_store.listeners.append(client.join_later)
    progress_store.record_exercise("01_input_shaping", "ex.q1", True)
    wait_for(lambda: len(store.all_events(learner / "hub.sqlite3")) == 3)
    assert store.learners(learner / "hub.sqlite3")[0]["name"] == "learner-7"


def test_an_answer_the_room_refuses_is_left_out_and_the_others_arrive(learner, loop, monkeypatch, capsys):
    """A room of another version may refuse what this one sends (here: a lesson it does not know)."""
    db = learner / "room.sqlite3"
    monkeypatch.setattr(sender, "for_the_room", dict)  # send every event as it is, unchecked
    for notebook in ("01_input_shaping", "02_the_rnn_layer", "99_not_a_lesson", "03_training"):
        progress_store.record_exercise(notebook, "ex.q1", False, f"wrong in {notebook}")
    client.join_room(f"http://127.0.0.1:{loop.room(db)}", code=CODE, name="otter")
    wait_for(lambda: len(store.all_events(db)) == 3 and not client._room.waiting)
    arrived = sorted(e["notebook"] for e in store.all_events(db))
    assert arrived == ["01_input_shaping", "02_the_rnn_layer", "03_training"]
    out = capsys.readouterr().out
    assert out.count("The room refused one of your answers (400: events[0].notebook: expected one of") == 1
    assert "it stays saved here" in out and len(progress_store.read_events()) == 4


class SignIn(tornado.web.RequestHandler):
    """What a web server in front of the room might do: send the request to a sign-in page elsewhere."""

    def post(self):
        self.redirect("http://127.0.0.1:9/login")  # port 9 (discard): nothing there may receive the join code


class Page(tornado.web.RequestHandler):
    """A web page where the room was expected (a wrong address): 200, but not the room's reply."""

    def post(self):
        self.finish("<html>Sign in</html>")


def test_a_redirect_or_a_page_that_is_not_the_rooms_reply_keeps_the_answers_waiting(learner, loop, capsys):
    port = loop.room(None, app=tornado.web.Application([(r"/api/events", SignIn), (r"/page/api/events", Page)]))
    for url in (f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/page"):
        client.join_room(url, code=CODE, name="otter")
        progress_store.record_exercise("01_input_shaping", "ex.q1", False, "wrong")
        time.sleep(0.3)
        assert client._room.sent == 0 and len(client._room.waiting) >= 1  # nothing counted as sent
    out = capsys.readouterr().out
    assert "answered 302 Found" in out and "that is not the room's reply" in out and "Joined" not in out


LESSON_WITH_THE_VARIABLE = textwrap.dedent("""
    import sys, time
    from rnn_lesson.course.exercises import lesson01 as ex   # what a lesson imports; nothing about rooms
    from rnn_lesson.course import progress_store
    progress_store.record_exercise("01_input_shaping", "ex.q1", False, "set by the instructor's variable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # a kernel lives on after a check: give the thread time to send
        client = sys.modules.get("rnn_lesson.course.room.client")
        if client is None or (client._room is not None and client._room.sent):
            break
        time.sleep(0.05)
    print("the room client was", "loaded" if client else "never loaded: nothing in the lesson imports it")
""")


def test_the_variable_alone_joins_a_lesson_kernel(learner, loop):
    db = learner / "room.sqlite3"
    port = loop.room(db)
    env = dict(os.environ, RNN_LESSON_ROOM=f"http://127.0.0.1:{port}#code={CODE}&name=kernel")
    kernel = subprocess.run([sys.executable, "-c", LESSON_WITH_THE_VARIABLE], env=env, capture_output=True,
                            text=True, timeout=60)
    assert stored(db) == [("ex.q1", "incorrect", "set by the instructor's variable")], kernel.stdout + kernel.stderr
    assert "Sending your checks and quiz answers to the room" in kernel.stdout


@pytest.mark.parametrize("url, code, name, expected", [
    ("192.168.1.20:8765", CODE, "otter", "url: expected the room's address, starting http:// or https://"),
    (None, CODE, "otter", "url: expected the room's address, .* got None"),
    ("http://127.0.0.1:8765", "", "otter", "code: expected the room's join code"),
    ("http://127.0.0.1:8765", "two words", "otter", "code: expected the room's join code"),
    ("http://127.0.0.1:8765", CODE, "", "name: expected a nickname"),
    ("http://127.0.0.1:8765", CODE, "x" * 41, "name: expected at most 40 characters on one line, got 41"),
    ("http://127.0.0.1:8765", CODE, "ada.lovelace@uni.example.org", "looks like an e-mail address.*choose a nickname"),
    ("http://127.0.0.1:8765", CODE, "your pseudonym", "'your pseudonym' is the join line's placeholder"),
    ("http://127.0.0.1:8765#code=c0de-1234&name=YOUR-PSEUDONYM", None, None, "'YOUR-PSEUDONYM' is the join line's"),
])
def test_join_room_says_what_it_expected(learner, url, code, name, expected, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    with pytest.raises(ValueError, match=expected):
        client.join_room(url, code=code, name=name)
    assert client._room is None and progress_store.listeners == []


def test_two_progress_files_in_one_folder_are_two_learners(tmp_path, monkeypatch):
    """Two learners sharing a folder (a lab machine) keep their own progress files, and so their own ids."""
    ids = []
    for name in ("ann.sqlite3", "bob.sqlite3"):
        monkeypatch.setenv("RNN_LESSON_PROGRESS", str(tmp_path / name))
        ids += [client.learner_id(), client.learner_id()]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]


def test_the_readmes_privacy_paragraph_names_everything_a_batch_carries(tmp_path, monkeypatch):
    """What is sent is a batch (client.batch_body): if a field is added there, the README's privacy line must say so."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    privacy = " ".join(readme.split("**Privacy.**", 1)[1].split("\n\n", 1)[0].split())
    said = {"event_id": "a random id", "at": "the time (UTC", "kind": "its kind", "notebook": "the lesson",
            "item": "card id", "outcome": "the outcome (correct, incorrect, got it, not yet)",
            "message": "the wrong-answer message", "learner.id": "a random learner id", "learner.name": "nickname"}
    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.sqlite3"))
    room = client.Room("http://127.0.0.1:9", CODE, "ann", client.learner_id())
    wire = client.for_the_room({"event_id": "0" * 32, "at": "2025-05-01T10:00:00+00:00", "kind": "exercise",
                                "notebook": "01_input_shaping", "item": "ex.q1", "outcome": WRONG[0],
                                "message": WRONG[1]})
    body = json.loads(client.batch_body(room, [wire]))
    sent = {f"learner.{key}" for key in body["learner"]} | set(body["events"][0])
    assert set(body) == {"learner", "events"} and sent == set(said)
    assert [field for field, words in said.items() if words not in privacy] == []
    assert "until `leave_room()`" in privacy and "Never your code" in privacy


def run_cell(kc, code: str) -> str:
    """Run `code` in the kernel; the text it printed under its own cell (stream output whose parent is this cell)."""
    msg_id = kc.execute(code)
    printed = []
    while True:
        message = kc.get_iopub_msg(timeout=30)
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))
        elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return "".join(printed)


def test_in_a_notebook_a_note_made_during_a_quiz_click_shows_under_the_next_cell(learner, loop):
    """Output made while the kernel handles a widget's click belongs to no cell: JupyterLab shows it nowhere. A note
    from the sending thread then waits, and shows under the next cell the learner runs."""
    from jupyter_client.manager import start_new_kernel

    db = learner / "room.sqlite3"
    port = loop.room(db)
    env = {**os.environ, progress_store.ENV_VAR: os.environ[progress_store.ENV_VAR]}
    env.pop(client.ENV_VAR, None)
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        assert "Joined the room" in run_cell(kc, f'from rnn_lesson.course.room import join_room\n'
                                                 f'join_room("http://127.0.0.1:{port}", code="{CODE}", name="otter")')
        button = run_cell(kc, "import ipywidgets\nfrom rnn_lesson.course import progress_store\n"
                              "button = ipywidgets.Button()\nbutton.on_click(lambda _: progress_store.record_quiz_answer("
                              "'01_input_shaping', '01-layout-default', False, 'wrong'))\nprint(button.model_id)")
        loop.stop_rooms()
        kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": button.strip(), "data": {
            "method": "custom", "content": {"event": "click"}}}))  # what JupyterLab sends when the button is clicked
        time.sleep(1.5)  # the click's answer is tried, and refused, while the learner reads
        shown = run_cell(kc, "1")
        assert shown.count("Room not reachable") == 1 and "goes to the room once it is back" in shown
        assert run_cell(kc, "1 + 1") == ""  # shown once
        loop.room(db, port)
        wait_for(lambda: len(store.all_events(db)) == 1, 10)
        time.sleep(0.3)
        assert run_cell(kc, "2 + 2") == (f"The room at http://127.0.0.1:{port} is reachable again: your answers "
                                         "are being sent.\n")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


LATER_LESSON = textwrap.dedent("""
    import sys, time
    from rnn_lesson.course.exercises import lesson02 as ex   # another lesson's kernel: no join line in it
    from rnn_lesson.course import progress_store
    progress_store.record_exercise("02_the_rnn_layer", "ex.q1", False, "a later lesson's answer")
    client = sys.modules["rnn_lesson.course.room.client"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (client._room is not None and client._room.sent):
        time.sleep(0.05)
""")


def test_joining_once_counts_for_the_other_lessons_until_leave_room(learner, loop, capsys):
    """Each notebook has its own kernel: the other lessons a learner opens that day join the same room."""
    db = learner / "room.sqlite3"
    port = loop.room(db)
    with pytest.raises(ValueError, match="placeholder"):
        client.join_room(f"http://127.0.0.1:{port}", code=CODE, name="your pseudonym")
    client.join_room(f"http://127.0.0.1:{port}", code=CODE, name="otter")  # the fix: a nickname of one's own
    assert "The lessons you open until " in capsys.readouterr().out
    lesson = subprocess.run([sys.executable, "-c", LATER_LESSON], env=dict(os.environ), capture_output=True,
                            text=True, timeout=60)
    assert "as 'otter' (you joined it in another lesson; until " in lesson.stdout, lesson.stdout + lesson.stderr
    assert stored(db) == [("ex.q1", "incorrect", "a later lesson's answer")]
    assert len(store.learners(db)) == 1  # the same learner from both kernels

    client.leave_room()
    assert "nothing more is sent from your lessons" in capsys.readouterr().out
    lesson = subprocess.run([sys.executable, "-c", LATER_LESSON.replace("< deadline", "< deadline - 9")],
                            env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert lesson.stdout == "" and len(store.all_events(db)) == 1  # left: the next lesson sends nothing


def test_a_saved_join_expires_and_a_refused_code_saves_none(learner, loop, capsys):
    port = loop.room(learner / "room.sqlite3")
    saved = progress_store.progress_path().with_suffix(client.JOIN_SUFFIX)
    client.join_room(f"http://127.0.0.1:{port}", code="wrong-code-41", name="otter")
    assert not saved.exists() and client.saved_join() is None
    client.join_room(f"http://127.0.0.1:{port}", code=CODE, name="otter")
    assert client.saved_join()["name"] == "otter"
    kept = json.loads(saved.read_text())
    for until in ("2020-01-01T09:00:00+00:00", "2999-01-01T09:00:00+00:00", "not a time"):
        saved.write_text(json.dumps({**kept, "until": until}))
        assert client.saved_join() is None  # yesterday's workshop, a file edited by hand, a damaged file
    saved.write_text("{")
    assert client.saved_join() is None


def another_lesson(code: str) -> str:
    """Run `code` in a kernel of another lesson (a process with the same progress folder): what it printed."""
    lesson = subprocess.run([sys.executable, "-c", "from rnn_lesson.course.room import join_room, leave_room\n" + code],
                            env=dict(os.environ), capture_output=True, text=True, timeout=60)
    assert lesson.returncode == 0, lesson.stderr
    return lesson.stdout


def test_a_lesson_open_before_the_join_follows_the_join_and_the_leave_made_in_another(learner, loop, capsys):
    rooms = {name: learner / f"{name}.sqlite3" for name in ("morning", "afternoon")}
    url = {name: f"http://127.0.0.1:{loop.room(db)}" for name, db in rooms.items()}
    progress_store.listeners.append(client.join_later)  # this kernel imported the course before anyone joined
    progress_store.record_exercise("02_the_rnn_layer", "ex.q1", False, "before joining")
    assert client._room is None
    assert "Joined the room" in another_lesson(f'join_room("{url["morning"]}", code="{CODE}", name="otter")')
    progress_store.record_exercise("02_the_rnn_layer", "ex.q1", True)
    wait_for(lambda: len(store.all_events(rooms["morning"])) == 2)  # both answers of this kernel, the earlier too
    assert "you joined it in another lesson" in capsys.readouterr().out

    another_lesson(f'join_room("{url["afternoon"]}", code="{CODE}", name="otter")')  # another room, joined there
    progress_store.record_exercise("02_the_rnn_layer", "ex.q2", False, "after the switch")
    wait_for(lambda: len(store.all_events(rooms["afternoon"])) == 3)  # this answer went to the room joined last
    assert len(store.all_events(rooms["morning"])) == 2

    assert "Left the room at" in another_lesson("leave_room()")
    progress_store.record_exercise("02_the_rnn_layer", "ex.q2", True)  # left in another lesson: not sent from here
    time.sleep(0.3)
    assert client._room is None and len(store.all_events(rooms["afternoon"])) == 3
    assert len(progress_store.read_events()) == 4  # and still saved here
