"""The sending side of a joined room (client.py joins and leaves): a queue of answers, and the background
thread that posts them to the room in batches, retrying with growing pauses while it can't be reached.

Each answer waits until the room has stored it (or refused it for good); a batch sent again after a lost
reply is counted once, as the room keeps each event id once. Trouble is said once per kind through
`Room.say` (client.py shows it where a learner sees it); a room that is reachable again says so.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import islice

from rnn_lesson.course.room.events import MAX_BODY, MAX_EVENTS, MAX_ITEM, MAX_MESSAGE, validate_event

TIMEOUT = 10.0  # seconds one POST may take before it is tried again
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 30.0  # seconds between tries while the room can't be reached (doubling)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters other than tab and newline


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
    say: Callable[[str], None] = print  # how a note reaches the learner (client.say: under a cell they see)
    leave: Callable[[Room], None] = lambda room: room.stopped.set()  # a refused code leaves (client.refused)
    shared: bool = False  # the join is saved for the other lessons: leaving in one of them stops this one (client.py)
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
        """Say `text` once per kind of trouble, never more (until the trouble is over: see send_loop)."""
        if kind not in self.noted:
            self.noted.add(kind)
            self.say(text)


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
            if "unreachable" in room.noted:  # the outage is over: say so, and a later one gets its own note
                room.noted.discard("unreachable")
                room.say(f"The room at {room.url} is reachable again: your answers are being sent.")
        elif status in (401, 403):  # sending again can't help
            hub = room.code == os.environ.get("JUPYTERHUB_API_TOKEN")  # a secret: never printed
            what = "this JupyterHub's sign-in: ask your instructor to check the room" if hub else (
                f"the join code {room.code!r}. Check the code with your instructor, then run join_room again")
            room.note("code", f"The room at {room.url} did not accept {what}; your work is saved here.")
            room.leave(room)
        elif status in (400, 413) and len(batch) > 1:
            room.limit = len(batch) // 2  # find the one answer it refuses
        elif status in (400, 413):  # one answer (or, with none, the name it is sent with): given up
            room.done(1)
            room.heard = True
            room.note("refused", f"The room refused one of your answers ({status}: {detail}); it stays saved here.")
        else:  # not reachable, timed out, a reply lost, the room restarting: all mean "try again later"
            room.note("unreachable", f"Room not reachable ({detail}); your work is saved here and goes to the room "
                                     "once it is back.")
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
        reason = getattr(reason, "strerror", None) or reason  # "Connection refused", not "[Errno 111] ..."
        return 0, f"{room.url}: {reason or type(error).__name__}"


def batch_body(room: Room, events: list[dict]) -> bytes:
    return json.dumps({"learner": {"id": room.learner, "name": room.name}, "events": events},
                      ensure_ascii=False).encode("utf-8")
