"""Join a workshop's room: your checks and quiz answers go to the instructor's dashboard as you work.

Off by default: nothing leaves this machine until you run `join_room(...)` or RNN_LESSON_ROOM is set
for your kernel. A background thread sends batches, retrying with growing pauses; if the room can't be
reached you see one short note, answers wait in memory and go when it is back, counted once by the room.

What is sent, and when (the README's privacy line says the same): from joining until leave_room() or
the kernel stops, each quiz answer, exercise check and review card as you make it, and on joining the
ones you made before (so a late joiner's work counts). Each: a random id, the time (UTC, to the second),
kind, lesson, question/exercise/card id, outcome (correct, incorrect, got it, not yet) and the wrong-
answer message you were shown (it may quote what your answer gave, e.g. a shape). With them: your chosen
name (on a JupyterHub that sets RNN_LESSON_ROOM without one, your hub user name) and a random learner id
kept in your progress folder. Never your code, your files or anything else; the room sees your network
address, as with any web request.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from itertools import islice
from urllib.parse import parse_qsl, urlsplit

import rnn_lesson.course.progress_store as progress_store
from rnn_lesson.course.room.events import HEX32, MAX_BODY, MAX_EVENTS, MAX_ITEM, MAX_MESSAGE, MAX_NAME, validate_event

ENV_VAR = "RNN_LESSON_ROOM"
ID_SUFFIX = ".room-id"  # beside the progress store, named after it: one learner per progress file
TIMEOUT = 10.0  # seconds one POST may take before it is tried again
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 30.0  # seconds between tries while the room can't be reached (doubling)
JOIN_WAIT = 3.0  # how long join_room waits for the first reply, so its line says how it went
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters other than tab and newline
EMAIL = re.compile(r"\S+@\S+\.\w+")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed (one would carry the join code elsewhere): they come back as their status."""

    def redirect_request(self, *args: object) -> None:
        return None


DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect())  # no web proxy: the room is near


@dataclass
class Room:
    """One joined room: where to send, as whom, and the answers waiting to go (oldest first)."""

    url: str
    code: str
    name: str
    learner: str
    waiting: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)  # the kernel adds while the thread sends
    wake: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    first_reply: threading.Event = field(default_factory=threading.Event)
    noted: set = field(default_factory=set)
    sent: int = 0
    heard: bool = False  # the room has answered once: a first, possibly empty, batch makes a learner "joined"
    limit: int = MAX_EVENTS
    thread: threading.Thread = field(default_factory=threading.Thread)  # replaced by the sending thread

    def add(self, event: dict) -> None:
        """Queue one event of the progress store (a dict of progress_store.COLUMNS) for sending."""
        wire = for_the_room(event)
        if wire is not None and not self.stopped.is_set():
            with self.lock:
                self.waiting.append(wire)
            self.wake.set()

    def take(self) -> list[dict]:
        """The oldest waiting events, as many as one batch may carry (MAX_EVENTS, MAX_BODY); still waiting."""
        with self.lock:
            batch = list(islice(self.waiting, self.limit))
        while len(batch) > 1 and len(batch_body(self, batch)) > MAX_BODY:
            batch = batch[:len(batch) // 2]
        return batch

    def done(self, count: int) -> None:
        """The oldest `count` waiting events have been stored by the room (or refused): they wait no more."""
        with self.lock:
            for _ in range(min(count, len(self.waiting))):
                self.waiting.popleft()

    def note(self, kind: str, text: str) -> None:
        """Print `text` once per kind of trouble for this room, never more."""
        if kind not in self.noted:
            self.noted.add(kind)
            print(text, flush=True)


_room: Room | None = None
_lock = threading.Lock()


def join_room(url: str, code: str | None = None, name: str | None = None) -> None:
    """Send your checks and quiz answers to the workshop's room, from now until `leave_room()`.

    url: the address the instructor gives, e.g. "http://192.168.1.20:8765" (its "#code=...&name=..."
    part, if you paste the whole join line, fills in `code` and `name`). code: the room's join code.
    name: a nickname of at most 40 characters, shown to the instructor; not your e-mail address.
    The answers you gave before joining (or before a kernel restart) are sent too; all stay saved here as well.
    """
    room = start(url, code, name)
    earlier = len(room.waiting)
    room.first_reply.wait(JOIN_WAIT)
    if room.noted:  # the room could not be reached, or refused the code: its note said so
        return
    before = f", starting with the {earlier} you gave before" if earlier else ""
    print(f"Joined the room at {room.url} as {room.name!r}: your checks and quiz answers are sent as you go"
          f"{before}. leave_room() stops.", flush=True)


def start(url: object, code: object, name: object) -> Room:
    """Join (leaving any room joined before): queue every answer so far, start the sending thread."""
    global _room
    room = Room(*checked(url, code, name), learner=learner_id())
    leave_room(quiet=True)
    with _lock:
        _room = room
        progress_store.listeners.append(send_to_room)
    for row in progress_store.read_events():
        room.add(dict(zip(progress_store.COLUMNS, row)))
    room.thread = threading.Thread(target=send_loop, args=(room,), name="rnn-lesson-room", daemon=True)
    room.thread.start()
    return room


def leave_room(quiet: bool = False) -> None:
    """Stop sending answers to the room. Answers not sent yet stay saved on this machine only."""
    room = _room
    if room is not None:
        stop(room)
        if room.thread.is_alive():
            room.thread.join(timeout=1.0)  # a reply it still waits for is not waited for longer
    if not quiet:
        print(f"Left the room at {room.url}: {room.sent} answers sent, {len(room.waiting)} not sent; nothing more is "
              "sent. Your answers stay saved on this machine." if room else "You are not in a room: nothing is sent.")


def stop(room: Room) -> None:
    """Stop `room`'s sending; if it is the room joined, no answers are queued for it any more."""
    global _room
    with _lock:
        if _room is room:
            _room = None
            progress_store.listeners[:] = [f for f in progress_store.listeners if f is not send_to_room]
    room.stopped.set()
    room.wake.set()


def send_to_room(event: dict) -> None:
    """The progress store's listener: queue each new answer for the room joined."""
    if (room := _room) is not None:
        room.add(event)


def join_from_environment(event: dict) -> None:
    """The progress store's listener while RNN_LESSON_ROOM is set: join on the first answer recorded (it is sent,
    with those before it); a value that can't be used gets one note, never an error. Where a JupyterHub sets the
    variable without code or name, the kernel's hub token stands for the code and the hub user name for the name."""
    progress_store.listeners[:] = [f for f in progress_store.listeners if f is not join_from_environment]
    value = os.environ.get(ENV_VAR, "")
    if not value or _room is not None:
        return
    given = dict(parse_qsl(urlsplit(value).fragment))
    try:
        room = start(value, given.get("code") or os.environ.get("JUPYTERHUB_API_TOKEN"),
                     given.get("name") or os.environ.get("JUPYTERHUB_USER"))
        print(f"Sending your checks and quiz answers to the room at {room.url} as {room.name!r} ({ENV_VAR} is set); "
              "leave_room() stops.", flush=True)  # no waiting for the room: this runs inside a check
    except ValueError as error:
        print(f"{ENV_VAR} is set to {value!r}, which can't be used ({error}); your work is saved here and not "
              f"sent. Expected e.g. {ENV_VAR}='http://192.168.1.20:8765#code=CODE&name=NICKNAME'.", flush=True)


def checked(url: object, code: object, name: object) -> tuple[str, str, str]:
    """The room's address, code and name, checked, with what a learner should do when one is wrong."""
    example = 'join_room("http://192.168.1.20:8765", code="CODE", name="NICKNAME")'
    parts = urlsplit(url.strip() if isinstance(url, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"url: expected the room's address, starting http:// or https://, as the instructor gave "
                         f"it, e.g. {example}; got {url!r}")
    given = dict(parse_qsl(parts.fragment))  # the whole join line, pasted
    code = code if code is not None else given.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 200 or re.search(r"\s", code.strip()):
        raise ValueError(f"code: expected the room's join code, as the instructor gave it (one word, e.g. "
                         f"code='tiger-42'), got {code!r}; {example}")
    name = name if name is not None else given.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"name: expected a nickname the instructor will see (at most {MAX_NAME} characters), "
                         f"got {name!r}; {example}")
    name = name.strip()
    if len(name) > MAX_NAME or CONTROL.search(name) or "\n" in name or "\t" in name:
        raise ValueError(f"name: expected at most {MAX_NAME} characters on one line, got {len(name)} "
                         f"({name[:50]!r}); choose a shorter nickname, e.g. name='blue-heron'")
    if EMAIL.search(name):
        raise ValueError(f"name: {name!r} looks like an e-mail address, and the room shows names on a shared "
                         "screen; choose a nickname instead, e.g. name='blue-heron'")
    base = parts._replace(fragment="", query="").geturl().rstrip("/")
    return base, code.strip(), name


def learner_id() -> str:
    """Your random learner id, kept beside your progress file, so a restarted kernel is the same learner."""
    path = progress_store.progress_path().with_suffix(ID_SUFFIX)
    try:
        kept = path.read_text(encoding="ascii").strip()
        if HEX32.fullmatch(kept):
            return kept
    except (OSError, UnicodeError):
        pass  # none yet, or damaged: a new one replaces it
    new = uuid.uuid4().hex
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new + "\n", encoding="ascii")
    except OSError:
        pass  # a folder that can't be written: this kernel keeps `new` while it runs
    return new


def for_the_room(event: dict) -> dict | None:
    """An event as the room takes it (no control characters, clipped to the room's lengths), or None where the room
    would refuse it (an answer from a lesson the room does not know, a time that is not one): it stays here only."""
    wire = {**event, "item": str(event.get("item", ""))[:MAX_ITEM],
            "message": CONTROL.sub(" ", str(event.get("message") or ""))[:MAX_MESSAGE]}
    try:
        return asdict(validate_event(wire, "event"))
    except ValueError:
        return None


def send_loop(room: Room) -> None:
    """Send what waits, batch by batch, until the room is left; never raises (this runs beside the lesson)."""
    pause = FIRST_PAUSE
    while not room.stopped.is_set():
        room.wake.clear()
        batch = room.take()
        if not batch and room.heard:
            room.wake.wait()
            continue
        status, detail = post(room, batch)
        if status == 200:
            room.done(len(batch))
            room.sent, room.limit, pause, room.heard = room.sent + len(batch), MAX_EVENTS, FIRST_PAUSE, True
        elif status in (401, 403):  # sending again can't help
            hub = room.code == os.environ.get("JUPYTERHUB_API_TOKEN")  # a secret: never printed
            what = "this JupyterHub's sign-in: ask your instructor to check the room" if hub else (
                f"the join code {room.code!r}. Check the code with your instructor, then run join_room again")
            room.note("code", f"The room at {room.url} did not accept {what}; your work is saved here.")
            stop(room)
        elif status in (400, 413) and len(batch) > 1:
            room.limit = len(batch) // 2  # find the one answer it refuses
        elif status in (400, 413):  # one answer (or, with none, the name it is sent with): given up
            room.done(1)
            room.heard = True
            room.note("refused", f"The room refused one of your answers ({status}: {detail}); it stays saved here.")
        else:  # not reachable, timed out, a reply lost, the room restarting: all mean "try again later"
            room.note("unreachable", f"Room not reachable ({detail}); your work is saved and will be sent when it is.")
        room.first_reply.set()  # after any note, so join_room's own line never contradicts it
        if status not in (200, 400, 401, 403, 413):
            room.stopped.wait(pause * random.uniform(0.5, 1.0))  # spread out a room of kernels retrying
            pause = min(2 * pause, LONGEST_PAUSE)


def post(room: Room, events: list[dict]) -> tuple[int, str]:
    """POST one batch to the room: its HTTP status and what it said (status 0: no reply, or not the room's)."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {room.code}"}
    request = urllib.request.Request(f"{room.url}/api/events", batch_body(room, events), headers, method="POST")
    try:
        with DIRECT.open(request, timeout=TIMEOUT) as reply:
            answer = reply.read(1000)  # the room's is {"stored": n, "duplicates": m}
        return (200, "") if b'"stored"' in answer else (0, f"{room.url}: that is not the room's reply")
    except urllib.error.HTTPError as error:  # the room answers {"error": what was wrong}
        try:
            return error.code, str(json.loads(error.read(2000))["error"])
        except (ValueError, KeyError, TypeError, OSError):
            return error.code, f"{room.url} answered {error.code} {error.reason}"
    except Exception as error:  # refused, reset, timed out, a reply cut short: no reply came
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        return 0, f"{room.url}: {reason or type(error).__name__}"


def batch_body(room: Room, events: list[dict]) -> bytes:
    return json.dumps({"learner": {"id": room.learner, "name": room.name}, "events": events},
                      ensure_ascii=False).encode("utf-8")


if os.environ.get(ENV_VAR):  # the instructor set the room for this kernel: join on the first answer recorded
    progress_store.listeners.append(join_from_environment)
