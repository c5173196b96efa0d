"""Progress events: one row per answer, and the answers earlier versions kept in progress.json.

An event is `(event_id, at, kind, notebook, item, outcome)`, the columns of the store's table
(progress_store.py). The store copies an earlier version's progress.json in once, when it
first starts beside one, and leaves that file as it was; what has the wrong structure is skipped.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path


def now() -> str:
    """The time now, in UTC, to the second (ISO 8601)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def event(kind: str, notebook: str, item: str, outcome: str, at: str | None = None) -> tuple:
    """One answer as a row of the store, with a random id so that a copy of it is never counted twice."""
    return (uuid.uuid4().hex, at or now(), kind, notebook, item, outcome)


def legacy_events(old: Path) -> list[tuple]:
    """The answers in an earlier version's progress.json, as events; whatever has the wrong shape is skipped."""
    try:
        state = json.loads(old.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    events = []
    notebooks = state.get("notebooks") if isinstance(state, dict) else None
    for notebook, entry in (notebooks.items() if isinstance(notebooks, dict) else []):
        at = entry.get("last_visit") if isinstance(entry, dict) and isinstance(entry.get("last_visit"), str) else now()
        for kind, key in (("quiz", "quiz"), ("exercise", "exercises")):
            answers = entry.get(key) if isinstance(entry, dict) else None
            for item, solved in (answers.items() if isinstance(answers, dict) else []):
                if isinstance(solved, bool):
                    events.append(event(kind, str(notebook), str(item), "correct" if solved else "incorrect", at))
    cards = state.get("cards") if isinstance(state, dict) else None
    for card, seen in (cards.items() if isinstance(cards, dict) else []):
        if seen in ("got it", "not yet"):
            events.append(event("card", "", str(card), seen, now()))
    return events
