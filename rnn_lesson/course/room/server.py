"""`python -m rnn_lesson room`: the room's web server (Tornado, which Jupyter already brings), bound only to --host.

Learners' kernels POST events to /api/events with the join code (`learner_auth`; room/hub.py asks JupyterHub instead);
the instructor opens the dashboard (/, /api/summary, /export.csv, /export.json) with a separate token: `?token=` once,
then an HttpOnly cookie, or `Authorization: Bearer <token>`. The join code never opens the dashboard.
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import json
import re
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

import tornado.httpserver
import tornado.ioloop
import tornado.netutil
import tornado.web

from rnn_lesson.course.room import store, summary
from rnn_lesson.course.room.events import MAX_BODY, validate_batch
from rnn_lesson.course.workshop.schedule import SCHEDULES, start_time

HERE = Path(__file__).parent
COOKIE = "rnn_lesson_room"
SECRET = re.compile(r"[A-Za-z0-9_-]{8,128}")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")  # data: only for the page's empty icon
HEADERS = {"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
           "X-Frame-Options": "DENY", "Cache-Control": "no-store"}
LearnerAuth = Callable[[tornado.web.RequestHandler], bool | Awaitable[bool]]


def bearer(handler: tornado.web.RequestHandler) -> str | None:
    """The credential in `Authorization: Bearer <credential>`, if there is one."""
    scheme, _, value = handler.request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def join_code_auth(code: str) -> LearnerAuth:
    """Learners may send events when they show the room's join code as a bearer credential."""
    return lambda handler: (given := bearer(handler)) is not None and same(given, code)


class RoomHandler(tornado.web.RequestHandler):
    """Every response carries the security headers; errors come back as JSON naming the problem."""

    def set_default_headers(self) -> None:
        for name, value in HEADERS.items():
            self.set_header(name, value)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish({"error": kwargs.get("message") or self._reason})

    def refuse(self, status: int, message: str) -> None:
        """Answer `status` with {"error": message}: what was expected, what came, and the fix."""
        self.send_error(status, message=message)


@tornado.web.stream_request_body
class EventsHandler(RoomHandler):
    """POST /api/events: a learner's batch, checked, stored once; answers {"stored": n, "duplicates": m}."""

    def initialize(self, db: Path, learner_auth: LearnerAuth) -> None:
        self.db, self.learner_auth, self.body = db, learner_auth, bytearray()

    async def prepare(self) -> None:
        allowed = self.learner_auth(self)  # a hosted room's check asks the hub: a coroutine (room/hub.py)
        if not (await allowed if isinstance(allowed, Awaitable) else allowed):
            return self.refuse(401, "expected the room's join code (Authorization: Bearer <code>); ask the instructor")
        length = self.request.headers.get("Content-Length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            self.refuse(413, f"body: expected at most {MAX_BODY} bytes, got {length}; send fewer events at once")

    def data_received(self, chunk: bytes) -> None:
        if not self._finished:
            self.body += chunk[:MAX_BODY + 1 - len(self.body)]

    async def post(self) -> None:
        if len(self.body) > MAX_BODY:
            return self.refuse(413, f"body: expected at most {MAX_BODY} bytes; send fewer events at once")
        try:
            raw = json.loads(self.body)
        except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, or nested too deep
            return self.refuse(400, f"body: expected a JSON object, got text that is not JSON ({error})")
        try:
            batch = validate_batch(raw)
        except ValueError as error:
            return self.refuse(400, str(error))
        loop = tornado.ioloop.IOLoop.current()  # SQLite in a worker thread: measured 4x the throughput under load
        stored, duplicates = await loop.run_in_executor(None, store.add_batch, self.db, batch)
        self.finish({"stored": stored, "duplicates": duplicates})


class DashboardHandler(RoomHandler):
    """What only the instructor may open: the dashboard token as a bearer credential, as ?token= or as the cookie."""

    page = False  # the dashboard page itself: a ?token= there is dropped from the address

    def initialize(self, db: Path, token: str, schedule: str, started: datetime, prefix: str) -> None:
        self.db, self.token, self.schedule, self.started, self.prefix = db, token, schedule, started, prefix

    def prepare(self) -> None:
        from_query = self.get_query_argument("token", None)
        given = bearer(self) or from_query or self.get_cookie(COOKIE)
        if given is None:
            return self.refuse(401, "expected the dashboard token: open the dashboard address that "
                                    "`python -m rnn_lesson room` printed (it ends in ?token=...)")
        if not same(given, self.token):
            return self.refuse(403, "that is not this room's dashboard token; use the address the room printed")
        if from_query is not None:
            self.set_cookie(COOKIE, self.token, path=self.prefix, httponly=True, samesite="Strict")
            if self.page:
                self.redirect(self.request.path)  # the token leaves the address bar (and the browser's history)

    async def numbers(self) -> tuple[list[dict], list[dict], dict]:
        """The events, the learners and the summary, read in a worker thread so the room keeps answering."""
        def read() -> tuple[list[dict], list[dict], dict]:
            events, learners, now = store.all_events(self.db), store.learners(self.db), datetime.now(timezone.utc)
            return events, learners, summary.summarise(events, learners, now, self.started, self.schedule)

        return await tornado.ioloop.IOLoop.current().run_in_executor(None, read)


class PageHandler(DashboardHandler):
    page = True

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish((HERE / "dashboard.html").read_bytes())


class DataHandler(DashboardHandler):
    """GET api/summary (the dashboard's JSON), export.csv and export.json (every event, after the workshop)."""

    async def get(self, what: str) -> None:
        events, learners, numbers = await self.numbers()
        if what == "api/summary":
            return self.finish(numbers)
        day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        self.set_header("Content-Disposition", f'attachment; filename="room-{day}.{what.split(".")[1]}"')
        as_csv = what == "export.csv"
        self.set_header("Content-Type", "text/csv; charset=utf-8" if as_csv else "application/json")
        self.finish(summary.to_csv(events, learners) if as_csv else summary.to_json(events, learners, numbers))


class AssetHandler(RoomHandler, tornado.web.StaticFileHandler):
    """The dashboard's script and style sheet (no data in them, so no token), with the room's headers."""


class NotFoundHandler(RoomHandler):
    def prepare(self) -> None:
        self.refuse(404, f"no page {self.request.path}; the room serves /, /api/summary, /export.csv, /export.json "
                         "and POST /api/events")


def make_app(db_path: Path | str, code: str, token: str, schedule: str = "workshop", started: datetime | None = None,
             learner_auth: LearnerAuth | None = None, prefix: str = "/", page: type[PageHandler] = PageHandler,
             data: type[DataHandler] = DataHandler) -> tornado.web.Application:
    """The room's Tornado application on the store `db_path` (created if new). `learner_auth` replaces the
    join code check, `prefix` the root path, `page` and `data` the dashboard's handlers (a room hosted by
    JupyterHub: the hub's checks, /services/room/; room/hub.py); otherwise the dashboard needs `token`."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule: expected one of {', '.join(SCHEDULES)}, got {schedule!r}")
    db = Path(db_path)
    store.init(db)
    dashboard = {"db": db, "token": token, "schedule": schedule, "started": started or datetime.now(timezone.utc),
                 "prefix": prefix}
    root = re.escape(prefix)
    return tornado.web.Application([
        (rf"{root}api/events", EventsHandler, {"db": db, "learner_auth": learner_auth or join_code_auth(code)}),
        (rf"{root}", page, dashboard),
        (rf"{root}(api/summary|export\.csv|export\.json)", data, dashboard),
        (rf"{root}(dashboard\.(?:js|css))", AssetHandler, {"path": str(HERE)}),
    ], default_handler_class=NotFoundHandler)


def new_code() -> str:
    """A join code learners can type: 10 letters and digits without look-alikes (0/o, 1/l/i)."""
    return "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))


def lan_address() -> str:
    """This machine's address on its network (no packet is sent), for the join line; 127.0.0.1 if none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def add_room_options(parser: argparse.ArgumentParser) -> None:
    """The options every room has, here and hosted by a hub (room/hub.py): its file, schedule and start time."""
    parser.add_argument("--db", default="room.sqlite3", help="the room's file (default ./room.sqlite3); "
                        "start again with the same file to carry on")
    parser.add_argument("--schedule", choices=tuple(SCHEDULES), help="the instructor guide's schedule to pace the "
                        "room against (default: workshop, or the one kept in the --db file)")
    parser.add_argument("--started", type=start_time, help="when the workshop started, HH:MM (default: the first "
                        "time this --db file was served)")


def parser() -> argparse.ArgumentParser:
    room = argparse.ArgumentParser(prog="python -m rnn_lesson room", description="Serve the room view for a "
                                   "workshop. `python -m rnn_lesson room merge FILES` builds it from progress exports.")
    room.add_argument("--host", default="127.0.0.1", help="where to listen (default 127.0.0.1: this machine only; "
                      "0.0.0.0: every network this machine is on)")
    room.add_argument("--port", type=int, help="default: the port this --db file's room had (learners' kernels "
                      "send there), else 8765; 0 picks a free one")
    room.add_argument("--code", help="the learners' join code (default: random, kept in the --db file)")
    room.add_argument("--token", help="the dashboard's token (default: random, kept in the --db file)")
    add_room_options(room)
    return room


def main(argv: list[str]) -> int:
    """`python -m rnn_lesson room ...`: serve until Ctrl+C; `room merge ...` goes to merge.py."""
    if argv[:1] == ["merge"]:
        from rnn_lesson.course.room.merge import main as merge
        return merge(argv[1:])
    args = parser().parse_args(argv)
    for name, value in (("code", args.code), ("token", args.token)):
        if value is not None and not SECRET.fullmatch(value):
            print(f"not started: --{name} expected 8 to 128 letters, digits, - or _, got {value!r}")
            return 2
    if args.code is not None and args.code == args.token:
        print("not started: --code and --token are the same; the dashboard token must differ from the join code")
        return 2
    db = Path(args.db).expanduser().resolve()
    try:
        held, started, schedule = store.serve(db, args.started, args.schedule)
    except store.NotARoomFile as error:
        print(f"not started: {error}")
        return 1
    code = store.setting(db, "code", args.code or new_code(), replace=args.code is not None)
    token = store.setting(db, "token", args.token or secrets.token_urlsafe(24), replace=args.token is not None)
    if same(code, token):
        print(f"not started: the join code and the dashboard token kept in {db} are the same; give another --token")
        return 2
    summary.course_items()  # read the lessons' items now rather than on the dashboard's first request
    app = make_app(db, code, token, schedule, started)
    before = store.kept(db, "port")  # where learners who joined this room send: kept, like the code
    port = int(before or 8765) if args.port is None else args.port
    try:
        sockets = tornado.netutil.bind_sockets(port, args.host)
    except OSError as error:
        print(f"not started: could not listen on {args.host}:{port} ({error.strerror or error}); "
              "choose another --port, or stop the program using it")
        return 1
    port = sockets[0].getsockname()[1]
    if before is not None and int(before) != port:
        print(f"This room was on port {before} before, and learners who joined then still send there. To keep them, "
              f"stop this room and start it with --port {before}; otherwise give them the new join line below (their "
              f"other lessons follow it). Port {port} is kept for the next start.", flush=True)
    store.setting(db, "port", str(port), replace=True)
    server = tornado.httpserver.HTTPServer(app, max_body_size=4 * MAX_BODY, idle_connection_timeout=120, body_timeout=30)
    server.add_sockets(sockets)
    serve_until_stopped(db, announcement(args.host, port, code, token, db, schedule))
    held.release()
    return 0


def serve_until_stopped(db: Path, opening: str) -> None:
    """Print `opening` once the room can be stopped, run it until Ctrl+C or a service manager's or a hub's stop
    (SIGTERM), then say where everything is kept."""
    loop = tornado.ioloop.IOLoop.current()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows: Ctrl+C still works
        loop.asyncio_loop.add_signal_handler(signal.SIGTERM, loop.stop)
    print(opening, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        loop.start()
    print(f"Room closed. Everything is kept in {db}; start again with --db {db} to carry on.", flush=True)


def announcement(host: str, port: int, code: str, token: str, db: Path, schedule: str) -> str:
    """What the instructor reads at the start: the learners' join line and the dashboard's address."""
    shown = lan_address() if host in ("", "0.0.0.0", "::") else host
    url = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    local = (f"\nOnly this machine can reach {host}. For a room on a network start with --host 0.0.0.0 (or this "
             f"machine's address there, e.g. {lan_address()}).") if host in ("127.0.0.1", "localhost", "::1") else ""
    return (f"Room open at {url} (listening on {host or 'every address'}, port {port}; schedule {schedule}; "
            f"events kept in {db}).{local}\n"
            "Learners join with this line in a notebook (a pseudonym, never their real name):\n"
            f'    from rnn_lesson.course.room import join_room; join_room("{url}", code="{code}", name="your pseudonym")\n'
            f'  or, before starting Jupyter: export RNN_LESSON_ROOM="{url}#code={code}&name=YOUR-PSEUDONYM"\n'
            f"Dashboard, for you only (do not project this line): {url}/?token={token}\n"
            "Stop with Ctrl+C; start again with the same --db to carry on: port, code, token, schedule and start "
            "time are kept.")
