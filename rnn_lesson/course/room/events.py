"""What a learner's kernel may send to the room, checked strictly before anything is stored.

A batch is one JSON object: {"learner": {"id": 32 hex, "name": pseudonym}, "events": [event, ...]}.
An event is {"event_id", "at", "kind", "notebook", "item", "outcome", "message"}, the columns of
the learner's progress store (progress_store.COLUMNS). `validate_batch` returns dataclasses or
raises ValueError naming the field that is wrong, what it expected and what came. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from rnn_lesson.course.lessons import NOTEBOOKS

MAX_BODY = 256 * 1024  # bytes in one POST
MAX_EVENTS = 200  # events in one batch
MAX_NAME = 40
MAX_ITEM = 80
MAX_MESSAGE = 500
KINDS = ("quiz", "exercise", "card")
OUTCOMES = ("correct", "incorrect", "got it", "not yet")
EVENT_FIELDS = ("event_id", "at", "kind", "notebook", "item", "outcome", "message")
HEX32 = re.compile(r"[0-9a-f]{32}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    """One answer a learner gave: a quiz answer, an exercise check or a review card."""

    event_id: str
    at: str  # ISO 8601 UTC to the second, e.g. "2025-05-01T10:15:00+00:00"
    kind: str
    notebook: str  # "" for a review card
    item: str
    outcome: str
    message: str  # the wrong-answer message the learner saw; "" when correct


@dataclass(frozen=True)
class Batch:
    """What one POST carries: who sent it (a random id and a pseudonym) and their events."""

    learner_id: str
    name: str
    events: list[Event]


def text(value: object, field: str, longest: int, empty: bool = False, lines: bool = False) -> str:
    """`value` if it is a string of at most `longest` characters (and no control characters unless `lines`)."""
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected a string, got {type(value).__name__}")
    if len(value) > longest:
        raise ValueError(f"{field}: expected at most {longest} characters, got {len(value)}; shorten it")
    if not empty and not value.strip():
        raise ValueError(f"{field}: expected a non-empty string, got {value!r}")
    bad = CONTROL.search(value.replace("\n", "").replace("\t", "") if lines else value)
    if bad:
        raise ValueError(f"{field}: expected printable text, got the control character {bad.group()!r}")
    return value


def hex_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not HEX32.fullmatch(value):
        raise ValueError(f"{field}: expected 32 lowercase hex characters (uuid4().hex), got {str(value)[:40]!r}")
    return value


def utc_time(value: object, field: str) -> str:
    """An ISO 8601 time in UTC, returned as `YYYY-MM-DDTHH:MM:SS+00:00`."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError(f"{field}: expected an ISO 8601 time in UTC such as '2025-05-01T10:15:00+00:00', "
                         f"got {str(value)[:40]!r}")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field}: expected an ISO 8601 time such as '2025-05-01T10:15:00+00:00', "
                         f"got {value!r}") from None
    if when.utcoffset() != timedelta(0):
        raise ValueError(f"{field}: expected a time in UTC (ending +00:00 or Z), got {value!r}")
    return when.replace(microsecond=0).isoformat()


def one_of(value: object, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{field}: expected one of {', '.join(map(repr, allowed))}, got {str(value)[:40]!r}")
    return str(value)


def validate_event(raw: object, where: str) -> Event:
    """One event, checked; `where` is its place in the batch for the messages (e.g. "events[3]")."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object with {', '.join(EVENT_FIELDS)}, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(EVENT_FIELDS))
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: not a field of an event; expected only {', '.join(EVENT_FIELDS)}")
    missing = [name for name in EVENT_FIELDS[:-1] if name not in raw]
    if missing:
        raise ValueError(f"{where}.{missing[0]}: missing; an event needs {', '.join(EVENT_FIELDS[:-1])}")
    kind = one_of(raw["kind"], f"{where}.kind", KINDS)
    notebooks = ("",) if kind == "card" else NOTEBOOKS
    return Event(event_id=hex_id(raw["event_id"], f"{where}.event_id"),
                 at=utc_time(raw["at"], f"{where}.at"),
                 kind=kind,
                 notebook=one_of(raw["notebook"], f"{where}.notebook", notebooks),
                 item=text(raw["item"], f"{where}.item", MAX_ITEM),
                 outcome=one_of(raw["outcome"], f"{where}.outcome",
                                OUTCOMES[2:] if kind == "card" else OUTCOMES[:2]),
                 message=text(raw.get("message", ""), f"{where}.message", MAX_MESSAGE, empty=True, lines=True))


def validate_batch(obj: object) -> Batch:
    """The batch in `obj` (parsed JSON), checked field by field; ValueError names the first field that is wrong."""
    if not isinstance(obj, dict):
        raise ValueError(f"body: expected a JSON object with 'learner' and 'events', got {type(obj).__name__}")
    unknown = sorted(set(obj) - {"learner", "events"})
    if unknown:
        raise ValueError(f"{unknown[0]}: not a field of a batch; expected only 'learner' and 'events'")
    learner = obj.get("learner")
    if not isinstance(learner, dict) or set(learner) != {"id", "name"}:
        raise ValueError(f"learner: expected an object with exactly 'id' and 'name', got {str(learner)[:60]!r}")
    events = obj.get("events")
    if not isinstance(events, list):
        raise ValueError(f"events: expected a list of events, got {type(events).__name__}")
    if len(events) > MAX_EVENTS:
        raise ValueError(f"events: expected at most {MAX_EVENTS} events in one batch, got {len(events)}; "
                         "send them in several batches")
    return Batch(learner_id=hex_id(learner["id"], "learner.id"),
                 name=text(learner["name"], "learner.name", MAX_NAME).strip(),
                 events=[validate_event(raw, f"events[{index}]") for index, raw in enumerate(events)])
