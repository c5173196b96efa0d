"""The room's numbers (room/summary.py), its exports, the offline merge (room/merge.py) and the schedules
the pace is measured against (workshop/schedule.py, checked against instructor/GUIDE.md's tables).

The small cases are worked out by hand in the comments: three learners, a handful of events."""

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import ROOT
from rnn_lesson.course.room import merge, summary
from rnn_lesson.course.workshop.schedule import GUIDE_HEADINGS, GUIDE_START, SCHEDULES, lesson_times

T0 = datetime(2025, 5, 1, 10, 0, tzinfo=timezone.utc)
ANA, BEN, CEM = "a" * 32, "b" * 32, "c" * 32
LEARNERS = [{"id": ANA, "name": "ana", "first_seen": "", "last_seen": ""},
            {"id": BEN, "name": "ben", "first_seen": "", "last_seen": ""},
            {"id": CEM, "name": "cem", "first_seen": "", "last_seen": ""}]  # cem joined and sent nothing
CATALOGUE = {"01_input_shaping": [("exercise", "ex.q1", "Exercise q1"), ("quiz", "01-a", "Quiz a")],
             "02_the_rnn_layer": [("exercise", "ex.q1", "Exercise q1 of 02")]}


def ev(learner: str, minute: int, notebook: str, item: str, outcome: str, message: str = "", kind: str = "") -> dict:
    kind = kind or ("quiz" if item.startswith("01-") else "card" if not notebook else "exercise")
    return {"event_id": f"{learner[0]}{minute:031x}", "learner_id": learner, "at": (T0 + timedelta(minutes=minute))
            .isoformat(), "received": "", "kind": kind, "notebook": notebook, "item": item, "outcome": outcome,
            "message": message}


EVENTS = [
    ev(BEN, 1, "01_input_shaping", "01-a", "correct"),
    ev(ANA, 0, "01_input_shaping", "ex.q1", "incorrect", "view scrambles the sequences"),
    ev(BEN, 2, "01_input_shaping", "ex.q1", "incorrect", "view scrambles the sequences"),
    ev(BEN, 4, "01_input_shaping", "ex.q1", "incorrect", "view scrambles the sequences"),
    ev(ANA, 5, "01_input_shaping", "ex.q1", "correct"),
    ev(ANA, 20, "02_the_rnn_layer", "ex.q1", "incorrect", "count both biases"),
    ev(ANA, 25, "02_the_rnn_layer", "ex.q1", "incorrect", "count both biases"),
    ev(ANA, 30, "", "card-1", "got it"),  # a review card: in the exports, not in the lesson numbers
]


def numbers(events=EVENTS, minutes=50, schedule="workshop") -> dict:
    return summary.summarise(events, LEARNERS, T0 + timedelta(minutes=minutes), T0, schedule, CATALOGUE)


def counts(result: dict, notebook: str) -> dict:
    lesson = next(lesson for lesson in result["lessons"] if lesson["notebook"] == notebook)
    return {(i["kind"], i["item"]): (i["solved"], i["tried"], i["not_started"]) for i in lesson["items"]}


def test_solved_tried_and_not_started_per_item():
    result = numbers()
    assert result["room"] == {"started": "2025-05-01T10:00:00+00:00", "now": "2025-05-01T10:50:00+00:00",
                              "learners": 3, "schedule": "workshop"}
    # 01 ex.q1: ana solved it after a wrong try, ben only tried, cem never; 01-a: ben solved it.
    assert counts(result, "01_input_shaping") == {("exercise", "ex.q1"): (1, 1, 1), ("quiz", "01-a"): (1, 0, 2)}
    assert counts(result, "02_the_rnn_layer") == {("exercise", "ex.q1"): (0, 1, 2)}
    assert [lesson["number"] for lesson in result["lessons"]] == [lesson.number for lesson in LESSONS]
    assert result["lessons"][0]["title"] == LESSONS[0].title and result["lessons"][0]["items"][1]["label"] == "Quiz a"


def test_an_item_the_course_does_not_list_still_counts_after_the_known_ones():
    result = numbers(EVENTS + [ev(BEN, 6, "02_the_rnn_layer", "shape_drill", "correct")])
    assert list(counts(result, "02_the_rnn_layer")) == [("exercise", "ex.q1"), ("exercise", "shape_drill")]
    assert counts(result, "02_the_rnn_layer")[("exercise", "shape_drill")] == (1, 0, 2)


def test_misconceptions_rank_messages_by_learners_then_count():
    assert numbers()["misconceptions"] == [
        {"message": "view scrambles the sequences", "count": 3, "learners": 2, "notebook": "01_input_shaping",
         "item": "ex.q1"},
        {"message": "count both biases", "count": 2, "learners": 1, "notebook": "02_the_rnn_layer", "item": "ex.q1"}]


def test_stuck_is_the_latest_item_still_wrong_since_its_first_wrong_try():
    # ben: wrong on 01 ex.q1 at 10:02 and 10:04, nothing after: 48 min at 10:50. ana: solved 01 ex.q1, then
    # wrong on 02 ex.q1 at 10:20 and 10:25 (her card at 10:30 is no lesson event): 30 min. cem sent nothing.
    assert numbers()["stuck"] == [
        {"learner": "ben", "notebook": "01_input_shaping", "item": "ex.q1", "minutes": 48.0, "tries": 2},
        {"learner": "ana", "notebook": "02_the_rnn_layer", "item": "ex.q1", "minutes": 30.0, "tries": 2}]
    solved_later = EVENTS + [ev(BEN, 45, "01_input_shaping", "ex.q1", "correct")]
    assert [row["learner"] for row in numbers(solved_later)["stuck"]] == ["ana"]
    wrong_again = solved_later + [ev(BEN, 46, "01_input_shaping", "ex.q1", "incorrect")]
    assert numbers(wrong_again)["stuck"][1] == {"learner": "ben", "notebook": "01_input_shaping", "item": "ex.q1",
                                                "minutes": 4.0, "tries": 1}


def test_pace_compares_the_rooms_median_lesson_with_the_schedule():
    # workshop: 01 runs 10-40 min, 02 40-80. Furthest lessons: ana 02, ben 01 -> lower median 01.
    pace = numbers(minutes=50)["pace"]
    assert pace["elapsed_minutes"] == 50.0 and pace["expected"] == {"number": "02", "title": LESSONS[1].title}
    assert pace["room"] == {"number": "01", "title": LESSONS[0].title, "learners": 1}
    assert pace["behind_minutes"] == 10.0  # the schedule left 01 at 40 min
    assert pace["schedule"][:2] == [{"number": "01", "start": 10, "end": 40}, {"number": "02", "start": 40, "end": 80}]
    assert numbers(minutes=30)["pace"]["behind_minutes"] == 0.0  # inside 01's block: on time
    assert numbers(minutes=5)["pace"]["expected"]["number"] == "01"  # during the welcome, 01 is next
    ahead = [ev(ANA, 1, "03_training", "ex.q1", "correct"), ev(BEN, 2, "03_training", "ex.q1", "correct")]
    assert numbers(ahead, minutes=20)["pace"]["behind_minutes"] == -70.0  # 03 starts at 90
    beyond = [ev(ANA, 1, "05_beyond_rnn", "ex.q1", "correct")]  # 05 is homework: after 04 ends at 145
    assert numbers(beyond, minutes=100)["pace"]["behind_minutes"] == -45.0
    assert numbers([], minutes=20)["pace"]["room"] is None
    # During the welcome the schedule already expects 01: a room that started it is on time, not "ahead".
    early = [ev(ANA, 0, "01_input_shaping", "ex.q1", "correct"), ev(BEN, 0, "01_input_shaping", "01-a", "correct")]
    assert numbers(early, minutes=1)["pace"]["behind_minutes"] == 0.0


def test_the_course_catalogue_lists_every_lessons_exercises_and_quiz_questions():
    from rnn_lesson.course.exercises import exercises_of
    from rnn_lesson.course.quiz.bank import load_bank

    result = summary.summarise([], LEARNERS, T0, T0, "day")
    for lesson, shown in zip(LESSONS, result["lessons"]):
        expected = [("exercise", ex.id) for ex in exercises_of(lesson.notebook)] + [
            ("quiz", q.id) for q in load_bank(lesson.notebook).questions if q.type != "card"]
        assert [(item["kind"], item["item"]) for item in shown["items"]] == expected
        assert all(item["not_started"] == 3 and len(item["label"]) <= 110 for item in shown["items"])


def test_csv_export_has_one_row_per_event_with_the_pseudonym_and_no_formulas():
    events = EVENTS + [ev(CEM, 7, "01_input_shaping", "ex.q1", "incorrect", "=HYPERLINK(\"http://x\")")]
    rows = list(csv.DictReader(io.StringIO(summary.to_csv(events, LEARNERS))))
    assert len(rows) == len(events) and list(rows[0]) == list(summary.EXPORT_COLUMNS)
    assert [row["learner"] for row in rows[:3]] == ["ben", "ana", "ben"]
    assert rows[-1]["message"] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it, never runs it


def test_json_export_holds_the_summary_the_learners_and_every_event():
    result = numbers()
    data = json.loads(summary.to_json(EVENTS, LEARNERS, result))
    assert data["format"] == "rnn-lesson room" and data["summary"] == result
    assert [learner["name"] for learner in data["learners"]] == ["ana", "ben", "cem"]
    assert len(data["events"]) == len(EVENTS) and data["events"][1]["learner"] == "ana"
    assert data["events"][1]["message"] == "view scrambles the sequences"


def guide_rows(heading: str) -> list[tuple[str, int, str]]:
    """(clock, minutes, lesson number or "") for each row of the guide's table under `## heading`."""
    text = (ROOT / "instructor" / "GUIDE.md").read_text(encoding="utf-8")
    assert f"## {heading}\n" in text, f"instructor/GUIDE.md has no section '## {heading}' (schedule.GUIDE_HEADINGS)"
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if re.fullmatch(r"\d{1,2}:\d\d", cells[0]):
            lesson = re.match(r"\**(0\d)\b", cells[2])
            rows.append((cells[0], int(cells[1]), lesson.group(1) if lesson else ""))
    return rows


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_the_guides_schedule_tables_agree_with_schedule_py(name):
    hours, minutes = map(int, GUIDE_START[name].split(":"))
    clock, expected = hours * 60 + minutes, []
    for block in SCHEDULES[name]:
        expected.append((f"{clock // 60}:{clock % 60:02d}", block.minutes, block.lesson))
        clock += block.minutes
    assert guide_rows(GUIDE_HEADINGS[name]) == expected
    assert [t["number"] for t in lesson_times(name)] == sorted(t["number"] for t in lesson_times(name))


def export(path, events: list[dict]) -> None:
    """A progress export as progress(export=...) writes it."""
    rows = [{key: e[key] for key in ("event_id", "at", "kind", "notebook", "item", "outcome", "message") if key in e}
            for e in events]
    path.write_text(json.dumps({"format": "rnn-lesson progress", "version": 1, "notebooks": {}, "cards": {},
                                "events": rows}), encoding="utf-8")


def test_merge_builds_the_same_view_from_exports_and_counts_a_file_given_twice_once(tmp_path, capsys):
    export(tmp_path / "ana.json", [e for e in EVENTS if e["learner_id"] == ANA])
    ben = [e for e in EVENTS if e["learner_id"] == BEN]
    export(tmp_path / "ben.json", [{k: v for k, v in e.items() if k != "message"} for e in ben])  # an older export
    files = [str(tmp_path / name) for name in ("ana.json", "ben.json", "ana.json")]
    assert merge.main(files + ["--json", str(tmp_path / "room.json"), "--csv", str(tmp_path / "room.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Merged 3 exports: 2 learners, 8 events, 5 already counted; 2025-05-01 10:00 to 10:30 UTC.")
    assert "ben: 01 ex.q1, 28 minutes, wrong 2x" in out
    assert "ben: 01 ex.q1" in out and "1 learner (2 times), 02 ex.q1: count both biases" in out
    data = json.loads((tmp_path / "room.json").read_text())
    assert counts(data["summary"], "01_input_shaping")[("exercise", "ex.q1")] == (1, 1, 0)
    assert data["summary"]["misconceptions"][0]["count"] == 2  # ben's export had no messages: none counted
    assert data["summary"]["stuck"][0] == {"learner": "ben", "notebook": "01_input_shaping", "item": "ex.q1",
                                           "minutes": 28.0, "tries": 2}  # merged: "now" is the last event, 10:30
    assert len((tmp_path / "room.csv").read_text().splitlines()) == 1 + 8


def test_merge_refuses_a_file_that_is_not_a_progress_export(tmp_path, capsys):
    export(tmp_path / "ana.json", EVENTS[:2])
    (tmp_path / "notes.json").write_text('{"lesson": 1}')
    (tmp_path / "table.csv").write_text("lesson,quiz\n")
    for other in ("notes.json", "table.csv"):
        assert merge.main([str(tmp_path / "ana.json"), str(tmp_path / other), "--json", str(tmp_path / "o.json")]) == 1
        assert capsys.readouterr().out.startswith(f"not merged: {tmp_path / other} is not a progress export")
    assert not (tmp_path / "o.json").exists()
    assert merge.main([str(tmp_path / "ana.json"), "--csv", str(tmp_path / "ana.json")]) == 1
    assert "is one of the exports to read" in capsys.readouterr().out and "rnn-lesson progress" in (
        tmp_path / "ana.json").read_text()


def test_merge_reads_what_the_progress_store_exports(tmp_path, monkeypatch, capsys):
    from rnn_lesson.course import progress_store

    monkeypatch.setenv(progress_store.ENV_VAR, str(tmp_path / "progress.sqlite3"))
    progress_store.record_exercise("01_input_shaping", "ex.q1", False)
    progress_store.record_exercise("01_input_shaping", "ex.q1", True)
    progress_store.record_card("card-1", True)
    progress_store.progress(export=tmp_path / "dana.json")
    assert merge.main([str(tmp_path / "dana.json")]) == 0
    out = capsys.readouterr().out
    assert f"Your progress is exported to {tmp_path / 'dana.json'}." in out
    assert "Merged 1 export: 1 learner, 3 events;" in out
    result = merge.merge([tmp_path / "dana.json"], "short")[2]
    assert counts(result, "01_input_shaping")[("exercise", "ex.q1")] == (1, 0, 0)


def test_merge_out_writes_one_page_with_the_summary_inside(tmp_path, capsys):
    hostile = "</script><img src=x onerror=alert(1)>"
    export(tmp_path / "ana.json", [ev(ANA, 0, "01_input_shaping", "ex.q1", "incorrect", hostile)])
    page = tmp_path / "room.html"
    code = merge.main([str(tmp_path / "ana.json"), "--out", str(page)])
    if not (merge.HERE / "dashboard.html").exists():
        assert code == 1 and "--out needs the dashboard page" in capsys.readouterr().out
        return
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert 'src="dashboard.js"' not in html and 'href="dashboard.css"' not in html  # nothing to fetch
    assert (merge.HERE / "dashboard.css").read_text(encoding="utf-8")[:200] in html
    island = re.search(r'<script type="application/json" id="room-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in island  # a message can't close the script element
    assert json.loads(island)["misconceptions"][0]["message"] == hostile


def test_quiz_items_are_numbered_as_learners_see_them_and_read_as_plain_text():
    items = summary.course_items()["02_the_rnn_layer"]
    quiz = [label for kind, _, label in items if kind == "quiz"]
    assert quiz[0].startswith("Quiz question 1: ") and quiz[1].startswith("Quiz question 2: ")
    assert not any("`" in label or "**" in label for label in quiz)
    assert summary.plain("Shape of `output`?\n\n```python\nh_n = x\n```\n**(N, L, D*H)**") == \
        "Shape of output? h_n = x (N, L, D*H)"
    assert summary.plain("a *rising* or _falling_ x_t, a * b, W_hh h_{t-1}") == "a rising or falling x_t, a * b, W_hh h_{t-1}"
    labels = [label for items in summary.course_items().values() for _, _, label in items]
    assert not [label for label in labels if re.search(r"[`]|\*\*|(?<![\w*])\*\w", label)]  # exercises' too


def test_merge_refuses_two_exports_of_one_name_from_different_folders(tmp_path, capsys):
    """The file's name is the learner's pseudonym: two ann.json from two folders would be one learner."""
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        export(tmp_path / folder / "ann.json", [e for e in EVENTS if e["learner_id"] == ANA])
    files = [str(tmp_path / "monday" / "ann.json"), str(tmp_path / "tuesday" / "ann.json")]
    assert merge.main(files + ["--json", str(tmp_path / "room.json")]) == 1
    out = capsys.readouterr().out
    assert "have the same name" in out and "rename one (e.g. ann-2.json)" in out
    assert not (tmp_path / "room.json").exists()


def test_merge_replaces_only_its_own_output_unless_told_to(tmp_path, capsys):
    """A second merge (one more export came in) replaces the first one's files; another file is left as it is."""
    export(tmp_path / "ana.json", [e for e in EVENTS if e["learner_id"] == ANA])
    ben = [e for e in EVENTS if e["learner_id"] == BEN]
    export(tmp_path / "ben.json", ben)
    result = tmp_path / "room.json"
    assert merge.main([str(tmp_path / "ana.json"), "--json", str(result)]) == 0
    assert merge.main([str(tmp_path / "ana.json"), str(tmp_path / "ben.json"), "--json", str(result)]) == 0
    assert json.loads(result.read_text())["summary"]["room"]["learners"] == 2
    live = tmp_path / "room-2025-05-01.json"  # the live room's export: the same format, but not merged
    live.write_text(json.dumps({"format": "rnn-lesson room", "summary": {"room": {"learners": 30}}, "events": []}))
    notes, table = tmp_path / "notes.html", tmp_path / "room.csv"
    notes.write_text("<p>my notes</p>")
    table.write_text("learner,event_id\n")
    capsys.readouterr()
    for flag, path in (("--json", live), ("--out", notes), ("--csv", table)):
        before = path.read_text()
        assert merge.main([str(tmp_path / "ana.json"), flag, str(path)]) == 1
        assert capsys.readouterr().out == (f"not merged: {path} already exists, and room merge did not write it, so "
                                           "it is left as it is; give another name, or add --overwrite to replace "
                                           "it\n")
        assert path.read_text() == before
    assert merge.main([str(tmp_path / "ana.json"), "--csv", str(table), "--overwrite"]) == 0  # the fix works
    assert len(table.read_text().splitlines()) == 1 + len([e for e in EVENTS if e["learner_id"] == ANA])
    if (merge.HERE / "dashboard.html").exists():
        page = tmp_path / "room.html"
        assert merge.main([str(tmp_path / "ana.json"), "--out", str(page)]) == 0
        assert merge.main([str(tmp_path / "ana.json"), str(tmp_path / "ben.json"), "--out", str(page)]) == 0
    assert merge.main([str(tmp_path / "ana.json"), "--json", str(tmp_path / "no" / "room.json")]) == 1
    assert "not written: " in capsys.readouterr().out.splitlines()[-1]


def test_one_export_handed_in_under_two_names_is_one_learner(tmp_path, capsys):
    ana = [e for e in EVENTS if e["learner_id"] == ANA]
    export(tmp_path / "ana.json", ana)
    export(tmp_path / "bob.json", ana)  # ana's file, copied and renamed
    events, learners, numbers, line = merge.merge([tmp_path / "ana.json", tmp_path / "bob.json"], "workshop")
    assert [learner["name"] for learner in learners] == ["ana"] and numbers["room"]["learners"] == 1
    assert len(events) == len(ana) and line.endswith("bob.json repeats ana's answers (counted once).")


def test_two_learners_of_one_name_are_told_apart():
    learners = [{"id": "a" * 32, "name": "heron"}, {"id": "b" * 32, "name": "otter"}, {"id": "c" * 32, "name": "heron"}]
    assert summary.shown_names(learners) == {"a" * 32: "heron", "b" * 32: "otter", "c" * 32: "heron (2)"}
