"""The room's server side: what a learner may send (room/events.py), the store that keeps each event once
(room/store.py), and `python -m rnn_lesson room` itself, run in a subprocess on a free loopback port:
join code and dashboard token kept apart, malformed, oversized and unauthenticated events refused, and a
room restarted mid-workshop losing nothing and counting nothing twice."""

import http.client
import json
import queue
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rnn_lesson.course.paths import ROOT
from rnn_lesson.course.room import server, store
from rnn_lesson.course.room.events import MAX_BODY, MAX_EVENTS, validate_batch

CODE, TOKEN = "join-code-1234", "dashboard-token-5678"
PAGES = ("/", "/api/summary", "/export.csv", "/export.json")


def event(item: str = "ex.q1", outcome: str = "incorrect", **change) -> dict:
    return {"event_id": uuid.uuid4().hex, "at": "2025-05-01T10:00:00+00:00", "kind": "exercise",
            "notebook": "01_input_shaping", "item": item, "outcome": outcome,
            "message": "" if outcome == "correct" else "view scrambles the sequences", **change}


def batch(events: list[dict], name: str = "ana", learner: str = "a" * 32) -> dict:
    return {"learner": {"id": learner, "name": name}, "events": events}


def test_a_valid_batch_passes_and_its_times_are_read_as_utc_to_the_second():
    checked = validate_batch(batch([event(at="2025-05-01T10:00:00.123Z"), event(kind="card", notebook="",
                                                                               item="c1", outcome="got it")]))
    assert checked.learner_id == "a" * 32 and checked.name == "ana" and len(checked.events) == 2
    assert checked.events[0].at == "2025-05-01T10:00:00+00:00"
    no_message = event()
    del no_message["message"]  # an event from a store older than the message column
    assert validate_batch(batch([no_message])).events[0].message == ""


@pytest.mark.parametrize("field, change", [
    ("body", lambda b: [b]),
    ("learner", lambda b: {**b, "learner": "ana"}),
    ("learner.id", lambda b: {**b, "learner": {"id": "A" * 32, "name": "ana"}}),
    ("learner.name", lambda b: {**b, "learner": {"id": "a" * 32, "name": "x" * 41}}),
    ("learner.name", lambda b: {**b, "learner": {"id": "a" * 32, "name": "  "}}),
    ("learner.name", lambda b: {**b, "learner": {"id": "a" * 32, "name": "ana\x1b[2J"}}),
    ("events", lambda b: {**b, "events": {"0": b["events"][0]}}),
    ("events", lambda b: {**b, "events": b["events"] * (MAX_EVENTS + 1)}),
    ("extra", lambda b: {**b, "extra": 1}),
    ("events[0]", lambda b: {**b, "events": ["quiz"]}),
    ("events[0].event_id", lambda b: {**b, "events": [event(event_id="f" * 31)]}),
    ("events[0].event_id", lambda b: {**b, "events": [event(event_id="g" * 32)]}),
    ("events[0].at", lambda b: {**b, "events": [event(at="2025-05-01T12:00:00+02:00")]}),
    ("events[0].at", lambda b: {**b, "events": [event(at="2025-05-01T10:00:00")]}),
    ("events[0].at", lambda b: {**b, "events": [event(at="yesterday")]}),
    ("events[0].kind", lambda b: {**b, "events": [event(kind="homework")]}),
    ("events[0].notebook", lambda b: {**b, "events": [event(notebook="08_transformers")]}),
    ("events[0].notebook", lambda b: {**b, "events": [event(kind="card", outcome="got it")]}),
    ("events[0].item", lambda b: {**b, "events": [event(item="x" * 81)]}),
    ("events[0].item", lambda b: {**b, "events": [event(item="")]}),
    ("events[0].outcome", lambda b: {**b, "events": [event(outcome="got it")]}),
    ("events[0].outcome", lambda b: {**b, "events": [event(outcome=True)]}),
    ("events[0].message", lambda b: {**b, "events": [event(message="m" * 501)]}),
    ("events[0].message", lambda b: {**b, "events": [event(message=None)]}),
    ("events[0].score", lambda b: {**b, "events": [event(score=1)]}),
    ("events[1].item", lambda b: {**b, "events": [event(), {k: v for k, v in event().items() if k != "item"}]}),
])
def test_a_malformed_batch_is_refused_naming_the_field(field, change):
    with pytest.raises(ValueError) as error:
        validate_batch(change(batch([event()])))
    assert str(error.value).startswith(f"{field}:"), str(error.value)


def test_the_store_keeps_each_event_once(tmp_path):
    db = tmp_path / "room.sqlite3"
    store.init(db)
    first = [event(), event("ex.q2")]
    assert store.add_batch(db, validate_batch(batch(first))) == (2, 0)
    assert store.add_batch(db, validate_batch(batch(first))) == (0, 2)
    assert store.add_batch(db, validate_batch(batch(first + [event("ex.q3")], name="ana b"))) == (1, 2)
    store.init(db)  # a restart: the tables and the events stay
    assert [e["item"] for e in store.all_events(db)] == ["ex.q1", "ex.q2", "ex.q3"]
    assert [(l["id"], l["name"]) for l in store.learners(db)] == [("a" * 32, "ana b")]  # the latest pseudonym
    assert store.setting(db, "code", "first") == "first" and store.setting(db, "code", "second") == "first"
    assert store.setting(db, "code", "third", replace=True) == "third"


def test_the_room_never_writes_into_another_file(tmp_path, capsys):
    progress = tmp_path / "progress.sqlite3"
    with sqlite3.connect(progress) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, event_id TEXT)")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes " * 100)
    for path in (progress, notes):
        before = path.read_bytes()
        with pytest.raises(store.NotARoomFile):
            store.init(path)
        assert server.main(["--db", str(path), "--port", "0"]) == 1
        assert "not started:" in capsys.readouterr().out and path.read_bytes() == before
    assert server.main(["--db", str(tmp_path / "r.sqlite3"), "--code", "same-secret", "--token", "same-secret"]) == 2
    assert server.main(["--db", str(tmp_path / "r.sqlite3"), "--code", "short"]) == 2
    assert "--code expected 8 to 128 letters" in capsys.readouterr().out


@contextmanager
def running_room(db: Path, *options: str, timeout: float = 60, port: str | None = "0") -> Iterator[tuple[str, list[str]]]:
    """`python -m rnn_lesson room` on a free loopback port (or `port`; None: no --port): (its address, the lines it
    printed); stopped after."""
    ports = ["--port", port] if port is not None else []
    process = subprocess.Popen([sys.executable, "-m", "rnn_lesson", "room", "--db", str(db), *ports, *options],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout] + [lines.put(None)],
                     daemon=True).start()
    try:
        printed, deadline = [], time.monotonic() + timeout
        while not (printed and printed[-1].startswith("Stop with Ctrl+C")):  # the announcement's last line
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "the room stopped at start:\n" + "".join(printed)
            printed.append(line.rstrip("\n"))
        opened = next(line for line in printed if line.startswith("Room open at"))
        yield re.search(r"Room open at (http://127\.0\.0\.1:\d+)", opened).group(1), printed
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def call(url: str, method: str, path: str, body: bytes | None = None, **headers: str):
    """One request: (status, headers, body as text)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=15)
    try:
        connection.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def post(url: str, payload: object, code: str = CODE):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return call(url, "POST", "/api/events", body, Authorization=f"Bearer {code}", Content_Type="application/json")


def read(url: str, path: str = "/api/summary", token: str = TOKEN):
    return call(url, "GET", path, Authorization=f"Bearer {token}")


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    with running_room(tmp_path_factory.mktemp("room") / "room.sqlite3", "--code", CODE, "--token", TOKEN) as started:
        yield started


def test_the_room_prints_the_join_line_and_the_dashboard_address(room):
    url, printed = room
    assert (f'    from rnn_lesson.course.room import join_room; join_room("{url}", code="{CODE}", '
            f'name="your pseudonym")') in printed  # a line a learner pastes into any lesson as it is
    assert any(line.endswith(f"{url}/?token={TOKEN}") for line in printed)
    assert any("Only this machine can reach 127.0.0.1" in line for line in printed)


def test_a_learner_with_the_join_code_sends_events_once(room):
    url, _ = room
    events = [event(), event("ex.q2", "correct")]
    status, headers, body = post(url, batch(events, name="send-once", learner="1" * 32))
    assert (status, json.loads(body)) == (200, {"stored": 2, "duplicates": 0})
    assert json.loads(post(url, batch(events, name="send-once", learner="1" * 32))[2]) == {"stored": 0, "duplicates": 2}


def test_events_without_the_join_code_are_refused_and_not_stored(room):
    url, _ = room
    learners = json.loads(read(url)[2])["room"]["learners"]
    payload = json.dumps(batch([event()], learner="2" * 32)).encode()
    assert call(url, "POST", "/api/events", payload)[0] == 401
    for wrong in ("wrong-code-000", TOKEN, CODE.upper()):
        status, _, body = post(url, payload, code=wrong)
        assert status == 401 and "join code" in json.loads(body)["error"]
    assert call(url, "POST", "/api/events", payload, Authorization=CODE)[0] == 401  # no "Bearer"
    assert json.loads(read(url)[2])["room"]["learners"] == learners


def test_malformed_events_are_refused_naming_the_field(room):
    url, _ = room
    assert post(url, b"{not json")[:1] == (400,) and "body:" in json.loads(post(url, b"{not json")[2])["error"]
    status, _, body = post(url, batch([event(event_id="xyz")]))
    assert status == 400 and json.loads(body)["error"].startswith("events[0].event_id: expected 32 lowercase hex")
    status, _, body = post(url, batch([event()] * (MAX_EVENTS + 1)))
    assert status == 400 and json.loads(body)["error"].startswith("events: expected at most 200 events")
    assert post(url, b"\xff\xfe")[0] == 400


def test_an_oversized_body_is_refused_before_it_is_read(room):
    url, _ = room
    huge = json.dumps(batch([event(message="m" * 500) for _ in range(150)] * 4)).encode()
    assert len(huge) > MAX_BODY
    status, _, body = post(url, huge)
    assert status == 413 and f"at most {MAX_BODY} bytes" in json.loads(body)["error"]
    assert post(url, batch([event()], learner="3" * 32))[0] == 200  # the room still answers


def test_only_the_dashboard_token_opens_the_dashboard_and_the_exports(room):
    url, _ = room
    post(url, batch([event()], name="secret-ana", learner="4" * 32))
    for page in PAGES:
        assert call(url, "GET", page)[0] == 401
        for credential in (CODE, "not-the-token", TOKEN[:-1]):
            for how in ({"Authorization": f"Bearer {credential}"}, {"Cookie": f"rnn_lesson_room={credential}"}):
                status, _, body = call(url, "GET", page, **how)
                assert status == 403 and "secret-ana" not in body, (page, credential, how)
            assert call(url, "GET", f"{page}?token={credential}")[0] == 403
        assert read(url, page)[0] == 200
    assert call(url, "GET", "/api/events", Authorization=f"Bearer {CODE}")[0] == 405  # nothing to read there
    assert "secret-ana" in read(url, "/export.csv")[2]


def test_the_token_in_the_address_becomes_an_httponly_strict_cookie(room):
    url, _ = room
    status, headers, _ = call(url, "GET", f"/?token={TOKEN}")
    assert status == 302 and headers["Location"] == "/"  # the token leaves the address bar
    cookie = headers["Set-Cookie"]
    assert cookie.startswith(f"rnn_lesson_room={TOKEN};") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, headers, body = call(url, "GET", "/api/summary", Cookie=cookie.split(";")[0])
    assert status == 200 and json.loads(body)["room"]["schedule"] == "workshop"
    assert headers["Content-Type"].startswith("application/json")


def test_every_answer_carries_the_security_headers(room):
    url, _ = room
    for status, headers, _ in (read(url, "/"), call(url, "GET", "/api/summary"), post(url, b"[]"),
                               call(url, "GET", "/nowhere")):
        assert headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self'")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "no-referrer" and headers["X-Content-Type-Options"] == "nosniff"
    assert call(url, "GET", "/nowhere")[0] == 404


def test_the_exports_hold_every_event_with_its_pseudonym(room):
    url, _ = room
    mine = [event("ex.q3", "correct"), event("ex.q3", "incorrect", message="=1+1")]
    post(url, batch(mine, name="export-eve", learner="5" * 32))
    status, headers, text = read(url, "/export.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="room-' in headers["Content-Disposition"]
    rows = [line for line in text.splitlines() if line.startswith("export-eve,")]
    assert len(rows) == 2 and any(",'=1+1," in row for row in rows)
    data = json.loads(read(url, "/export.json")[2])
    assert {e["event_id"] for e in data["events"]} >= {e["event_id"] for e in mine}
    assert data["summary"]["room"]["learners"] == len(data["learners"])


def test_a_room_restarted_mid_workshop_loses_nothing_and_counts_nothing_twice(tmp_path):
    db = tmp_path / "room.sqlite3"
    learners = {f"{i:032x}": f"learner-{i}" for i in range(1, 4)}
    first = {lid: [event("ex.q1"), event("ex.q2", "correct")] for lid in learners}
    with running_room(db, "--code", CODE, "--token", TOKEN, "--schedule", "short") as (url, _):
        for lid, name in learners.items():
            assert json.loads(post(url, batch(first[lid], name, lid))[2]) == {"stored": 2, "duplicates": 0}
        before = json.loads(read(url)[2])
    with running_room(db, port=None) as (again, printed):  # no --port, --code, --token, --schedule: those kept
        assert again == url and f'code="{CODE}"' in "\n".join(printed)  # where the learners' kernels send
        for lid, name in learners.items():  # a client re-sends what it is not sure arrived, plus new events
            again = first[lid] + [event("ex.q1", "correct"), event("ex.q3")]
            assert json.loads(post(url, batch(again, name, lid))[2]) == {"stored": 2, "duplicates": 2}
        after = json.loads(read(url)[2])
        rows = read(url, "/export.csv")[2].splitlines()
    assert after["room"]["started"] == before["room"]["started"] and after["room"]["schedule"] == "short"
    assert after["room"]["learners"] == 3
    assert len(rows) == 1 + 3 * 4
    items = {i["item"]: i for i in after["lessons"][0]["items"] if i["kind"] == "exercise"}
    assert [(items[q]["solved"], items[q]["tried"], items[q]["not_started"]) for q in ("ex.q1", "ex.q2", "ex.q3")] == [
        (3, 0, 0), (3, 0, 0), (0, 3, 0)]
    assert [(m["item"], m["count"], m["learners"]) for m in after["misconceptions"]] == [
        ("ex.q1", 3, 3), ("ex.q3", 3, 3)]


def test_the_page_and_its_script_and_style_sheet(room):
    url, _ = room
    status, headers, body = read(url, "/")
    assert status == 200 and body == (server.HERE / "dashboard.html").read_text(encoding="utf-8")
    for name, kind in (("dashboard.js", "javascript"), ("dashboard.css", "css")):
        status, headers, body = call(url, "GET", f"/{name}")  # no data in them: no token needed
        assert status == 200 and kind in headers["Content-Type"] and headers["X-Content-Type-Options"] == "nosniff"
    assert call(url, "GET", "/server.py")[0] == 404 and call(url, "GET", "/store.py")[0] == 404


@contextmanager
def app_in_thread(app) -> Iterator[str]:
    """A Tornado app on a free loopback port, served by its own IOLoop in a thread; stopped after."""
    import asyncio

    import tornado.httpserver
    import tornado.ioloop
    import tornado.netutil

    ready, state = threading.Event(), {}

    def serve() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        http = tornado.httpserver.HTTPServer(app)
        http.add_sockets(sockets)
        state.update(loop=tornado.ioloop.IOLoop.current(), port=sockets[0].getsockname()[1])
        ready.set()
        state["loop"].start()
        http.stop()
        state["loop"].close(all_fds=True)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(timeout=10), "the app did not start"
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        state["loop"].add_callback(state["loop"].stop)
        thread.join(timeout=10)


def test_a_hosted_room_can_bring_its_own_check_and_path(tmp_path):
    """The hook a JupyterHub room uses: another learner check instead of the join code, under a path prefix."""
    hub = lambda handler: handler.request.headers.get("X-Test-Hub-User") == "ana"  # noqa: E731
    app = server.make_app(tmp_path / "room.sqlite3", CODE, TOKEN, "short", learner_auth=hub, prefix="/services/room/")
    with app_in_thread(app) as url:
        payload = json.dumps(batch([event()])).encode()
        assert call(url, "POST", "/services/room/api/events", payload, X_Test_Hub_User="ana")[0] == 200
        assert post(url, payload)[0] == 404  # nothing at /api/events outside the prefix
        assert call(url, "POST", "/services/room/api/events", payload, Authorization=f"Bearer {CODE}")[0] == 401
        status, headers, _ = call(url, "GET", f"/services/room/?token={TOKEN}")
        assert status == 302 and headers["Location"] == "/services/room/"
        assert "Path=/services/room/" in headers["Set-Cookie"]
        assert json.loads(read(url, "/services/room/api/summary")[2])["room"]["schedule"] == "short"


def test_a_service_managers_stop_closes_the_room_as_ctrl_c_does(tmp_path):
    """SIGTERM (systemd, a hub, `kill`) ends the room with its closing line, and everything stays in the file."""
    db = tmp_path / "room.sqlite3"
    process = subprocess.Popen([sys.executable, "-m", "rnn_lesson", "room", "--db", str(db), "--port", "0",
                                "--code", CODE, "--token", TOKEN], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        for line in process.stdout:
            if line.startswith("Stop with Ctrl+C"):
                break
        process.terminate()
        rest, _ = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0 and f"Room closed. Everything is kept in {db}" in rest


def test_a_room_restarted_on_another_port_says_where_the_learners_still_send(tmp_path, capsys):
    db = tmp_path / "room.sqlite3"
    with running_room(db) as (url, printed):
        first = url.rsplit(":", 1)[1]
    other = next(p for p in iter(free_port, None) if p != first)
    with running_room(db, port=other) as (url, printed):
        assert url.endswith(f":{other}")
        assert printed[0] == (f"This room was on port {first} before, and learners who joined then still send there. "
                              f"To keep them, stop this room and start it with --port {first}; otherwise give them "
                              f"the new join line below (their other lessons follow it). Port {other} is kept for "
                              "the next start.")
        assert server.main(["--db", str(db)]) == 1  # a second room on the same file, by mistake
        assert "not started: another room is serving" in capsys.readouterr().out
    with running_room(db, port=None) as (url, printed):  # started again with no --port: the latest port is kept
        assert url.endswith(f":{other}") and not printed[0].startswith("This room was on port")
