"""Progress events: one row per answer, and the answers earlier versions kept in progress.json.

An event is `(event_id, at, kind, notebook, item, outcome, message)`, progress_store.COLUMNS;
`message` is the wrong-answer message the learner saw ("" when correct). The store copies an
earlier version's progress.json in once, when it first starts beside one, and leaves that file
as it was; what has the wrong structure is skipped.
Also the store's plain helpers: answers folded into the `progress()` table, a writable place to
suggest, why a store can't be written, and where an export may go.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from rnn_lesson.course.lessons import LESSONS


def now() -> str:
    """The time now, in UTC, to the second (ISO 8601)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def event(kind: str, notebook: str, item: str, outcome: str, message: str = "", at: str | None = None) -> tuple:
    """One answer as a row of the store, with a random id so that a copy of it is never counted twice."""
    return (uuid.uuid4().hex, at or now(), kind, notebook, item, outcome, message)


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
                    events.append(event(kind, str(notebook), str(item), "correct" if solved else "incorrect", at=at))
    cards = state.get("cards") if isinstance(state, dict) else None
    for card, seen in (cards.items() if isinstance(cards, dict) else []):
        if seen in ("got it", "not yet"):
            events.append(event("card", "", str(card), seen))
    return events


def fold(events: list[tuple]) -> dict:
    """Events folded: {"notebooks": {nb: {"quiz": {id: bool}, "exercises": {id: bool}, "last_visit"}},
    "cards": {id: "got it" | "not yet"}}. A question or exercise once right stays right; a card keeps its latest."""
    state: dict = {"notebooks": {}, "cards": {}}
    for _, at, kind, notebook, item, outcome, *_ in events:
        if kind == "card":
            state["cards"][item] = outcome
            continue
        entry = state["notebooks"].setdefault(notebook, {"quiz": {}, "exercises": {}})
        answers = entry["quiz" if kind == "quiz" else "exercises"]
        answers[item] = answers.get(item, False) or outcome == "correct"
        entry["last_visit"] = max(entry.get("last_visit", ""), at)
    return state


def progress_table(state: dict) -> pd.DataFrame:
    """The `progress()` table from folded answers: one row per lesson, "not started" where there are none."""
    rows = []
    for lesson in LESSONS:
        entry = state["notebooks"].get(lesson.notebook, {})
        quiz, exercises = entry.get("quiz", {}), entry.get("exercises", {})
        rows.append({"lesson": lesson.notebook,
                     "quiz": f"{sum(quiz.values())} right of {len(quiz)} answered" if quiz else "not started",
                     "exercises": f"{sum(exercises.values())} solved of {len(exercises)} tried"
                     if exercises else "not started",
                     "last visit": entry.get("last_visit", "")[:16].replace("T", " ") or "not yet"})
    return pd.DataFrame(rows, columns=["lesson", "quiz", "exercises", "last visit"])


def write_export(export: Path, table: pd.DataFrame, state: dict, events: list[dict]) -> None:
    """A `.csv` export is the table; a `.json` export is the folded state and every event, with its message."""
    if export.suffix == ".csv":
        table.to_csv(export, index=False)
    else:
        export.write_text(json.dumps({"format": "rnn-lesson progress", **state, "events": events}, indent=1),
                          encoding="utf-8")


def writable_place() -> Path:
    """A file path where progress can be saved: in the current folder if it is writable, else the temp folder."""
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        if os.access(folder, os.W_OK):
            return folder / "rnn-lesson-progress.sqlite3"
    return Path(tempfile.gettempdir()) / "rnn-lesson-progress.sqlite3"


def why_not(path: Path, error: Exception) -> str:
    """The reason a store could not be opened or written, in words, with what would fix it."""
    blocking = next((folder for folder in path.parents if folder.exists()), None)
    if blocking is not None and not blocking.is_dir():
        return f"{blocking} is a file, not a folder ({error}); move that file, or save elsewhere"
    if "full" in str(error):
        return f"the disk is full ({error}); free some space"
    return f"{error}; check that you may read and write it"


def check_export_path(export: str | Path) -> Path:
    """The export path, if it ends in .json or .csv, lies in an existing folder, and would not write over a
    file that isn't an earlier export."""
    if not isinstance(export, (str, Path)):
        raise TypeError(f"export: expected a file name, got {type(export).__name__} {export!r}; "
                        "e.g. progress(export='my-progress.json').")
    export = Path(export).expanduser()
    if export.suffix not in (".json", ".csv") or export.is_dir():
        raise ValueError(f"export: expected a file name ending in .json (every answer) or .csv (the table), "
                         f"got {str(export)!r}{' (a folder)' if export.is_dir() else ''}; "
                         f"e.g. progress(export='my-progress.json').")
    if not export.parent.is_dir():
        raise FileNotFoundError(f"export: expected a file in an existing folder, got {str(export)!r}, and there is "
                                f"no folder {str(export.parent)!r}; create it first: "
                                f"Path({str(export.parent)!r}).mkdir(parents=True).")
    if export.exists():
        head = export.read_text(encoding="utf-8", errors="replace")[:200]
        ours = '"format": "rnn-lesson progress"' in head or head.startswith("lesson,quiz,exercises,last visit")
        if not ours:
            raise FileExistsError(f"export: {export} already exists and is not a progress export, so it is left "
                                  f"alone; choose a new name, e.g. progress(export='my-progress{export.suffix}').")
    return export
