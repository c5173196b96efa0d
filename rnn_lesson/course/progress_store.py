"""Where you got to: quiz answers, solved exercises and review cards, kept in a local JSON file.

`progress()` is the table a learner sees; the `record_…` functions are what the quiz,
the exercise checks and the review cards call after grading.

The file lives in your user data folder (never in the course folder, never sent anywhere).
Set the environment variable RNN_LESSON_PROGRESS to a file path to keep it elsewhere; the
tests do that so they never touch your real progress. A missing, broken or unwritable file
never stops a lesson: you get one warning and the lesson carries on.
"""

from __future__ import annotations

import json
import os
import warnings
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from platformdirs import user_data_dir

from rnn_lesson.course.lessons import LESSONS

ENV_VAR = "RNN_LESSON_PROGRESS"
_warned = False


def progress_path() -> Path:
    """The progress file: $RNN_LESSON_PROGRESS if set, else `progress.json` in the user data folder."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return Path(user_data_dir("rnn-lesson", appauthor=False)) / "progress.json"


def warn_once(message: str) -> None:
    """Warn about a progress problem the first time only, so a lesson is not flooded."""
    global _warned
    if not _warned:
        warnings.warn(f"{message} Your answers still work; they just may not be remembered.", stacklevel=3)
        _warned = True


def empty() -> dict:
    return {"version": 1, "notebooks": {}, "cards": {}}


def load_progress() -> dict:
    """Read the progress file; a broken one is moved aside (renamed, never deleted) and a fresh one begins."""
    path = progress_path()
    if not path.exists():
        return empty()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(state, dict) or "notebooks" not in state:
            raise ValueError("not a progress file")
        return state
    except (ValueError, UnicodeDecodeError):
        aside = path.with_name(f"{path.name}.broken-{datetime.now():%Y%m%d-%H%M%S}")
        try:
            path.rename(aside)
            warn_once(f"Progress file {path} was unreadable; moved it aside to {aside.name} and started afresh.")
        except OSError:
            warn_once(f"Progress file {path} is unreadable and could not be moved aside.")
        return empty()
    except OSError as error:
        warn_once(f"Could not read the progress file {path} ({error}).")
        return empty()


def save_progress(state: dict) -> None:
    """Write the progress file (through a temporary file, so a crash never leaves half a file)."""
    path = progress_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        warn_once(f"Could not save progress to {path} ({error}); set {ENV_VAR} to a writable file path.")


def notebook_entry(state: dict, notebook: str) -> dict:
    entry = state["notebooks"].setdefault(notebook, {"quiz": {}, "exercises": {}})
    entry["last_visit"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return entry


def record_quiz_answer(notebook: str, question_id: str, correct: bool) -> None:
    """Remember a quiz answer; a question once answered correctly stays correct."""
    state = load_progress()
    quiz = notebook_entry(state, notebook)["quiz"]
    quiz[question_id] = bool(correct) or quiz.get(question_id, False)
    save_progress(state)


def record_exercise(notebook: str, exercise_id: str, solved: bool) -> None:
    """Remember an exercise check; once solved stays solved."""
    state = load_progress()
    exercises = notebook_entry(state, notebook)["exercises"]
    exercises[exercise_id] = bool(solved) or exercises.get(exercise_id, False)
    save_progress(state)


def record_card(card_id: str, got_it: bool) -> None:
    """Remember how a review card went: 'got it' or 'not yet' (not-yet cards come back first)."""
    state = load_progress()
    state.setdefault("cards", {})[card_id] = "got it" if got_it else "not yet"
    save_progress(state)


def progress(export: str | Path | None = None) -> pd.DataFrame:
    """Your progress per lesson: quiz answers, exercises, last visit. Every lesson has a row,
    so a fresh start reads "not started" for each rather than an empty table.

    export: a `.json` path writes the whole record (every answer) for an instructor to
    review; a `.csv` path writes this table.
    """
    state = load_progress()
    rows = []
    for lesson in LESSONS:
        entry = state["notebooks"].get(lesson.notebook, {})
        quiz, exercises = entry.get("quiz", {}), entry.get("exercises", {})
        rows.append({"lesson": lesson.notebook,
                     "quiz": f"{sum(quiz.values())} right of {len(quiz)} answered" if quiz else "not started",
                     "exercises": f"{sum(exercises.values())} solved of {len(exercises)} tried"
                     if exercises else "not started",
                     "last visit": entry.get("last_visit", "")[:16].replace("T", " ") or "not yet"})
    table = pd.DataFrame(rows, columns=["lesson", "quiz", "exercises", "last visit"])
    if export is not None:
        export = Path(export)
        if export.suffix == ".csv":
            table.to_csv(export, index=False)
        else:
            export.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
    return table
