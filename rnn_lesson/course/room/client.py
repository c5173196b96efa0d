"""Join a workshop's room: your checks and quiz answers go to the instructor's dashboard as you work.

Off by default: nothing leaves this machine until you run `join_room(...)` or RNN_LESSON_ROOM is set
for your kernel. Joining once counts for every lesson you open in the next JOIN_HOURS (each notebook
has its own kernel: each joins on its first answer) until `leave_room()`. A background thread
(sender.py) sends batches; if the room can't be reached you see one short note, answers wait and go
when it is back, counted once by the room. In a notebook a note shows under the cell you run next.

What is sent, and when (the README's privacy line says the same): from joining until leave_room(),
each quiz answer, exercise check and review card as you make it, and on joining the ones you made in
the JOIN_HOURS before (so a late joiner's work counts). Each: a random id, the time (UTC, to the second), kind,
lesson, question/exercise/card id, outcome (correct, incorrect, got it, not yet) and the wrong-answer
message you were shown (it may quote what your answer gave, e.g. a shape). With them: your chosen name
(on a JupyterHub that sets RNN_LESSON_ROOM without one, your hub user name) and a random learner id
kept in your progress folder. Never your code, your files or anything else; the room sees your network
address, as with any web request.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

from IPython import get_ipython

import rnn_lesson.course.progress_store as progress_store
from rnn_lesson.course.room.events import HEX32, MAX_NAME
from rnn_lesson.course.room.sender import Room, batch_body, for_the_room, send_loop  # noqa: F401 (batch_body)

ENV_VAR = "RNN_LESSON_ROOM"
ID_SUFFIX = ".room-id"  # beside the progress store, named after it: one learner per progress file
JOIN_SUFFIX = ".room.json"  # beside it too: the room joined, so the other lessons' kernels join it as well
JOIN_HOURS = 12  # how long one join_room counts for new kernels: a workshop day, not next week's lessons
JOIN_WAIT = 3.0  # how long join_room waits for the first reply, so its line says how it went
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # control characters other than tab and newline
EMAIL = re.compile(r"\S+@\S+\.\w+")
PLACEHOLDERS = ("your pseudonym", "your-pseudonym", "nickname", "your nickname")  # the join lines' own words
OWN_NAME = "say an animal and a number of your own choosing"  # no example name: the room would fill with it

_room: Room | None = None
_lock = threading.Lock()
_unsaid: list[str] = []  # notes waiting to be shown under the next cell that runs (in a notebook)
_stay_out = False  # this kernel left (leave_room) or was refused: it joins again only by join_room


def say(text: str) -> None:
    """Show a note where the learner sees it. In a notebook's kernel it waits for the end of the cell running
    now, or the next one run: printed from the sending thread or during a quiz click, it would go nowhere."""
    shell = get_ipython()
    if getattr(shell, "kernel", None) is None:
        print(text, flush=True)
        return
    with _lock:
        _unsaid.append(text)
    if show_notes not in shell.events.callbacks["post_run_cell"]:
        shell.events.register("post_run_cell", show_notes)


def show_notes(*_: object) -> None:
    """Print the notes waiting (IPython calls this after each cell, in the kernel's own thread)."""
    with _lock:
        notes, _unsaid[:] = list(_unsaid), []
    for text in notes:
        print(text, flush=True)


def join_room(url: str, code: str | None = None, name: str | None = None) -> None:
    """Send your checks and quiz answers to the workshop's room, from now until `leave_room()`.

    url: the address the instructor gives, e.g. "http://192.168.1.20:8765" (its "#code=...&name=..."
    part, if you paste the whole join line, fills in `code` and `name`). code: the room's join code.
    name: a nickname of at most 40 characters, shown to the instructor; not your e-mail address.
    The answers you gave in the 12 hours before joining are sent too; all stay saved here as well.
    The other lessons you open in the next 12 hours join the same room on their first answer.
    """
    room = start(url, code, name)
    earlier = len(room.waiting)
    room.first_reply.wait(JOIN_WAIT)
    show_notes()  # here, under this cell
    until = save_join(room) if "code" not in room.noted else None  # a refused code joins no lesson
    room.shared = until is not None
    if room.noted:  # the room could not be reached (its answers wait), or refused the code: its note said so
        return
    before = f", starting with the {earlier} you gave before" if earlier else ""
    others = f" The lessons you open until {until:%H:%M} join it too." if until else ""
    print(f"Joined the room at {room.url} as {room.name!r}: your checks and quiz answers are sent as you go"
          f"{before}.{others} leave_room() stops.", flush=True)


def start(url: object, code: object, name: object) -> Room:
    """Join (leaving any room joined before): queue every answer so far, start the sending thread."""
    global _room, _stay_out
    room = Room(*checked(url, code, name), learner=learner_id(), say=say, leave=refused)
    if _room is not None:
        stop(_room)
    with _lock:
        _room, _stay_out = room, False
        progress_store.listeners.append(send_to_room)
    since = (datetime.now(timezone.utc) - timedelta(hours=JOIN_HOURS)).isoformat(timespec="seconds")
    for row in progress_store.read_events():  # today's earlier answers count; last month's homework stays here
        if row[1] >= since:
            room.add(dict(zip(progress_store.COLUMNS, row)))
    room.thread = threading.Thread(target=send_loop, args=(room,), name="rnn-lesson-room", daemon=True)
    room.thread.start()
    return room


def leave_room(quiet: bool = False) -> None:
    """Stop sending answers to the room, from this lesson and the others. Answers not sent stay saved here."""
    global _stay_out
    room, saved, _stay_out = _room, saved_join(), True
    forget_join()
    if room is not None:
        stop(room)
        if room.thread.is_alive():
            room.thread.join(timeout=1.0)  # a reply it still waits for is not waited for longer
    if quiet:
        return
    if room is not None or saved is not None:
        counts = f": {room.sent} answers sent, {len(room.waiting)} not sent" if room else ""
        where = (f"this lesson. {ENV_VAR} is set for your Jupyter (by your instructor), so your other lessons "
                 "still send: run leave_room() in each of them" if os.environ.get(ENV_VAR) else "your lessons")
        print(f"Left the room at {room.url if room else saved['url']}{counts}; nothing more is sent from {where}. "
              "Your answers stay saved on this machine.")
    else:
        print("You are not in a room: nothing is sent.")


def stop(room: Room) -> None:
    """Stop `room`'s sending; if it is the room joined, no answers are queued for it any more."""
    global _room
    with _lock:
        if _room is room:
            _room = None
            progress_store.listeners[:] = [f for f in progress_store.listeners if f is not send_to_room]
    room.stopped.set()
    room.wake.set()


def refused(room: Room) -> None:
    """The room refused the code (sender.py): this kernel stops, and a join saved for the other lessons goes."""
    global _stay_out
    stop(room)
    _stay_out = True
    if (saved := saved_join()) is not None and (saved["url"], saved["code"]) == (room.url, room.code):
        forget_join()


def send_to_room(event: dict) -> None:
    """The progress store's listener: queue each new answer for the room joined. A join shared with the other
    lessons ends here too when one of them left it (or joined another room: then this answer goes there)."""
    if (room := _room) is None:
        return
    saved = saved_join() if room.shared else None
    if room.shared and (saved is None or (saved["url"], saved["code"], saved["name"]) != (room.url, room.code,
                                                                                           room.name)):
        stop(room)
        join_later(event)
        return
    room.add(event)


def join_later(event: dict) -> None:
    """The progress store's listener in every kernel: where RNN_LESSON_ROOM is set, or a join_room of the last
    JOIN_HOURS is saved (another lesson joined after this kernel started, say), join on the answer recorded (it is
    sent, with those before it); a value that can't be used gets one note, never an error. Where a JupyterHub sets
    the variable without code or name, the kernel's hub token stands for the code and the hub user name for the name.
    """
    global _stay_out
    if _room is not None or _stay_out:
        return
    value = os.environ.get(ENV_VAR, "")
    saved = None if value else saved_join()
    if not (value or saved):
        return
    given = dict(parse_qsl(urlsplit(value).fragment))
    try:
        if value:
            room = start(value, given.get("code") or os.environ.get("JUPYTERHUB_API_TOKEN"),
                         given.get("name") or os.environ.get("JUPYTERHUB_USER"))
            why = f"{ENV_VAR} is set"
        else:
            room = start(saved["url"], saved["code"], saved["name"])
            room.shared = True
            why = f"you joined it in another lesson; until {datetime.fromisoformat(saved['until']).astimezone():%H:%M}"
        say(f"Sending your checks and quiz answers to the room at {room.url} as {room.name!r} ({why}); "
            "leave_room() stops.")  # no waiting for the room: this runs inside a check
    except ValueError as error:
        _stay_out = True  # one note, not one per answer
        say(f"{ENV_VAR} is set to {value!r}, which can't be used ({error}); your work is saved here and not sent. "
            f"Expected e.g. {ENV_VAR}='http://192.168.1.20:8765#code=CODE&name=NICKNAME'." if value else
            f"The room you joined in another lesson can't be used ({error}); run the join line again.")


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
                         f"({name[:50]!r}); choose a shorter nickname, {OWN_NAME}")
    if EMAIL.search(name):
        raise ValueError(f"name: {name!r} looks like an e-mail address, and the room shows names on a shared "
                         f"screen; choose a nickname instead, {OWN_NAME}")
    if name.lower() in PLACEHOLDERS:
        raise ValueError(f"name: {name!r} is the join line's placeholder, and everyone who keeps it shares one name "
                         f"on the dashboard; put a nickname of your own there, {OWN_NAME}")
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


def save_join(room: Room) -> datetime | None:
    """Keep the room joined beside the progress file for JOIN_HOURS, for the other lessons' kernels: until when
    (local time), or None where the folder can't be written (this lesson still sends)."""
    until = datetime.now(timezone.utc) + timedelta(hours=JOIN_HOURS)
    kept = {"url": room.url, "code": room.code, "name": room.name, "until": until.isoformat(timespec="seconds")}
    try:
        progress_store.progress_path().with_suffix(JOIN_SUFFIX).write_text(json.dumps(kept), encoding="utf-8")
        return until.astimezone()
    except OSError:
        return None


def saved_join() -> dict | None:
    """The room joined in the last JOIN_HOURS ({"url", "code", "name", "until"}), or None (none, expired, damaged)."""
    try:
        kept = json.loads(progress_store.progress_path().with_suffix(JOIN_SUFFIX).read_text(encoding="utf-8"))
        until = datetime.fromisoformat(kept["until"])
        fresh = datetime.now(timezone.utc) < until <= datetime.now(timezone.utc) + timedelta(hours=JOIN_HOURS)
        return kept if fresh and all(isinstance(kept.get(k), str) for k in ("url", "code", "name")) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def forget_join() -> None:
    try:
        progress_store.progress_path().with_suffix(JOIN_SUFFIX).unlink(missing_ok=True)
    except OSError:
        pass  # a folder that can't be written kept nothing


# Joins only where the instructor set RNN_LESSON_ROOM or you ran join_room (in this lesson or another): it reads a
# small file beside your progress on an answer, and sends nothing otherwise.
progress_store.listeners.append(join_later)
