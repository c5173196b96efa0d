"""The dashboard's numbers, from the room's events: pure functions, no I/O but reading the course's items.

`summarise` returns the JSON the dashboard reads (GET /api/summary); `to_csv` and `to_json` are the
exports after the workshop. Events and learners are dicts with the columns of store.py. Definitions:
- solved: learners with a correct event on the item; tried: learners with events on it but none correct;
  not started: learners who joined and have no event on it.
- misconceptions: the wrong-answer messages learners saw, by how many learners saw each (top 10).
- stuck: a learner whose latest lesson event is on an item they have not solved since it first went
  wrong (minutes since that first wrong attempt; tries: wrong attempts since), longest first (top 10).
- pace: each learner's furthest lesson, the room's (lower) median of those, against the lesson the
  schedule expects after the elapsed time. behind_minutes > 0: the schedule left the room's lesson that
  long ago; < 0: the room is ahead; 0: on time.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
import textwrap
from collections import defaultdict
from datetime import datetime
from functools import lru_cache

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.workshop.schedule import lesson_times

TOP = 10
Catalogue = dict[str, list[tuple[str, str, str]]]  # notebook -> [(kind, item, label)]
EXPORT_COLUMNS = ("learner", "learner_id", "at", "received", "kind", "notebook", "item", "outcome", "message",
                  "event_id")
TITLES = {lesson.number: lesson.title for lesson in LESSONS}


@lru_cache(maxsize=1)
def course_items() -> Catalogue:
    """Every lesson's exercises (from rnn_lesson.course.exercises) and quiz questions (from its bank), in order."""
    from rnn_lesson.course.exercises import exercises_of
    from rnn_lesson.course.quiz.bank import load_bank

    items: Catalogue = {}
    for lesson in LESSONS:
        exercises = [("exercise", ex.id, f"Exercise {ex.id.removeprefix('ex.')}: {plain(ex.task)}")
                     for ex in exercises_of(lesson.notebook)]
        questions = [("quiz", q.id, f"Quiz question {number}: {plain(q.prompt)}")
                     for number, q in enumerate((q for q in load_bank(lesson.notebook).questions if q.type != "card"), 1)]
        items[lesson.notebook] = [(kind, item, textwrap.shorten(label, 110, placeholder=" …"))
                                  for kind, item, label in exercises + questions]
    return items


def plain(markdown: str) -> str:
    """Markdown as one line of plain text, as the dashboard shows it: no fences, backticks, bold or emphasis."""
    text = re.sub(r"```\w*", " ", markdown).replace("`", "").replace("**", "")
    text = re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"\2", text)  # *word*, _word_: D*H, h_n stay
    return " ".join(text.split())


def minutes_between(earlier: str | datetime, later: datetime) -> float:
    earlier = datetime.fromisoformat(earlier) if isinstance(earlier, str) else earlier
    return round(max(0.0, (later - earlier).total_seconds() / 60), 1)


def item_counts(events: list[dict], joined: int, catalogue: Catalogue) -> list[dict]:
    """Per lesson, per item: solved, tried, not started (items learners sent but the course lacks come last)."""
    solved: dict[tuple, dict[str, bool]] = defaultdict(dict)  # (notebook, kind, item) -> learner -> solved
    for event in events:
        states = solved[(event["notebook"], event["kind"], event["item"])]
        states[event["learner_id"]] = states.get(event["learner_id"], False) or event["outcome"] == "correct"
    lessons = []
    for lesson in LESSONS:
        known = catalogue.get(lesson.notebook, [])
        extra = sorted({(kind, item) for notebook, kind, item in solved if notebook == lesson.notebook}
                       - {(kind, item) for kind, item, _ in known})
        rows = []
        for kind, item, label in known + [(kind, item, item) for kind, item in extra]:
            states = solved.get((lesson.notebook, kind, item), {})
            done = sum(states.values())
            rows.append({"kind": kind, "item": item, "label": label, "solved": done, "tried": len(states) - done,
                         "not_started": max(0, joined - len(states))})
        lessons.append({"notebook": lesson.notebook, "number": lesson.number, "title": lesson.title, "items": rows})
    return lessons


def misconceptions(events: list[dict]) -> list[dict]:
    """The wrong-answer messages, by how many learners saw each, then how often (top 10)."""
    seen: dict[tuple, list[str]] = defaultdict(list)
    for event in events:
        if event["outcome"] == "incorrect" and event["message"].strip():
            seen[(event["message"], event["notebook"], event["item"])].append(event["learner_id"])
    rows = [{"message": message, "count": len(who), "learners": len(set(who)), "notebook": notebook, "item": item}
            for (message, notebook, item), who in seen.items()]
    return sorted(rows, key=lambda r: (-r["learners"], -r["count"], r["notebook"], r["item"], r["message"]))[:TOP]


def stuck(events: list[dict], names: dict[str, str], now: datetime) -> list[dict]:
    """Learners whose latest lesson event is on an item still wrong, by minutes since it first went wrong (top 10)."""
    by_learner: dict[str, list[dict]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e["at"]):
        by_learner[event["learner_id"]].append(event)
    rows = []
    for learner, mine in by_learner.items():
        latest = mine[-1]
        same = [e for e in mine if (e["notebook"], e["item"]) == (latest["notebook"], latest["item"])]
        last_right = max((i for i, e in enumerate(same) if e["outcome"] == "correct"), default=-1)
        wrong = same[last_right + 1:]
        if wrong:
            rows.append({"learner": names.get(learner, learner[:8]), "notebook": latest["notebook"],
                         "item": latest["item"], "minutes": minutes_between(wrong[0]["at"], now), "tries": len(wrong)})
    return sorted(rows, key=lambda r: (-r["minutes"], -r["tries"], r["learner"]))[:TOP]


def lesson_window(times: list[dict], number: str) -> tuple[float, float]:
    """When a schedule has a lesson: (start, end) in minutes. A lesson it leaves out takes no time, at the start
    of the next lesson it has, or at the end of its last."""
    for block in times:
        if block["number"] >= number:
            return (block["start"], block["end"]) if block["number"] == number else (block["start"], block["start"])
    return times[-1]["end"], times[-1]["end"]


def pace(events: list[dict], now: datetime, started: datetime, schedule: str) -> dict:
    """The room's median lesson against the lesson the schedule expects after the elapsed time."""
    times = lesson_times(schedule)
    elapsed = round((now - started).total_seconds() / 60, 1)
    expected = ([t for t in times if t["start"] <= elapsed] or times[:1])[-1]["number"]
    furthest: dict[str, str] = {}
    for event in events:
        number = event["notebook"][:2]
        furthest[event["learner_id"]] = max(furthest.get(event["learner_id"], number), number)
    result = {"elapsed_minutes": elapsed, "expected": {"number": expected, "title": TITLES[expected]},
              "room": None, "behind_minutes": None, "schedule": times}
    if furthest:
        number = statistics.median_low(furthest.values())
        start, end = lesson_window(times, number)
        behind = 0.0 if number == expected else elapsed - end if elapsed > end else elapsed - start if elapsed < start else 0.0
        result["room"] = {"number": number, "title": TITLES[number],
                          "learners": sum(n == number for n in furthest.values())}
        result["behind_minutes"] = round(behind, 1)
    return result


def shown_names(learners: list[dict]) -> dict[str, str]:
    """Each learner's name as the dashboard shows it: two who chose the same one read "heron" and "heron (2)", in
    the order they joined, so the instructor can tell them apart."""
    names: dict[str, str] = {}
    taken: dict[str, int] = defaultdict(int)
    for learner in learners:
        taken[learner["name"]] += 1
        number = taken[learner["name"]]
        names[learner["id"]] = learner["name"] if number == 1 else f"{learner['name']} ({number})"
    return names


def summarise(events: list[dict], learners: list[dict], now: datetime, started: datetime, schedule: str,
              catalogue: Catalogue | None = None) -> dict:
    """The dashboard's JSON (see the module's docstring); `catalogue` defaults to the course's own items."""
    names = shown_names(learners)
    lesson_events = [e for e in events if e["kind"] in ("quiz", "exercise") and e["notebook"]]
    joined = len(set(names) | {e["learner_id"] for e in events})
    return {"room": {"started": started.isoformat(timespec="seconds"), "now": now.isoformat(timespec="seconds"),
                     "learners": joined, "schedule": schedule},
            "lessons": item_counts(lesson_events, joined, course_items() if catalogue is None else catalogue),
            "misconceptions": misconceptions(lesson_events),
            "stuck": stuck(lesson_events, names, now),
            "pace": pace(lesson_events, now, started, schedule)}


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula (a leading =, +, -, @ gets a quote)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_rows(events: list[dict], learners: list[dict]) -> list[dict]:
    """One row per event, with the learner's pseudonym as the dashboard shows it, in the columns of EXPORT_COLUMNS."""
    names = shown_names(learners)
    return [{"learner": names.get(e["learner_id"], ""), **{c: e.get(c, "") for c in EXPORT_COLUMNS[1:]}}
            for e in events]


def to_csv(events: list[dict], learners: list[dict]) -> str:
    """Every event as CSV, one row each, with the learner's pseudonym (text cells safe to open in a spreadsheet)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in export_rows(events, learners):
        writer.writerow({key: safe_cell(value) if isinstance(value, str) else value for key, value in row.items()})
    return out.getvalue()


def to_json(events: list[dict], learners: list[dict], summary: dict) -> str:
    """The summary, the learners and every event (one record each, with the pseudonym) as one JSON document."""
    return json.dumps({"format": "rnn-lesson room", "summary": summary,
                       "learners": [{"name": l["name"], "first_seen": l["first_seen"], "last_seen": l["last_seen"]}
                                    for l in learners],
                       "events": export_rows(events, learners)}, indent=1, ensure_ascii=False)
