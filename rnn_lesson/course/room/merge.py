"""`python -m rnn_lesson room merge exports/*.json`: the room view from learners' progress exports,
for rooms with no shared network.

Each learner writes `progress(export="ana.json")` and hands the file in; the file's name (without
.json) is their pseudonym. The events are checked as the room's server checks them, each stored
once (an export handed in twice counts once), and summarised as the live room is: the elapsed time
runs from the first event to the last. Prints a readable summary; --json, --csv and --out (a
stand-alone copy of the dashboard page, if installed) write the same view to files. It replaces only
a file an earlier merge wrote (its JSON or page), never another file, unless --overwrite says so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from rnn_lesson.course.room import summary
from rnn_lesson.course.room.events import MAX_NAME, validate_event
from rnn_lesson.course.workshop.schedule import SCHEDULES

FORMAT = "rnn-lesson progress"
HERE = Path(__file__).parent


class NotAnExport(ValueError):
    """The file is not a progress export (another file, another format, or unreadable)."""


def read_export(path: Path) -> tuple[dict, list[dict], int]:
    """(the learner, their valid events as store rows, how many events were not valid) from one export."""
    problem = f"{path} is not a progress export: expected the .json file that progress(export='name.json') writes"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise NotAnExport(f"{problem}; it could not be read as JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("events"), list):
        raise NotAnExport(f'{problem}, with "format": "{FORMAT}" and a list of events; ask the learner for that file')
    name = path.stem[:MAX_NAME]
    learner_id = hashlib.sha256(name.encode()).hexdigest()[:32]
    events, invalid = [], 0
    for index, raw in enumerate(data["events"]):
        try:
            event = validate_event(raw, f"{path.name}: events[{index}]")
        except ValueError:
            invalid += 1
            continue
        events.append({"learner_id": learner_id, "received": event.at, **vars(event)})
    times = [e["at"] for e in events] or [""]
    return {"id": learner_id, "name": name, "first_seen": min(times), "last_seen": max(times)}, events, invalid


def merge(paths: list[Path], schedule: str) -> tuple[list[dict], list[dict], dict, str]:
    """The events (each once), the learners, the summary and a line saying what was merged."""
    learners, events, seen, duplicates, invalid, repeats = {}, [], {}, 0, 0, []
    named = {}  # pseudonym (the file's name) -> its file: two files of one name are two learners, or a mistake
    for path in paths:
        other = named.setdefault(path.stem[:MAX_NAME], path.resolve())
        if other != path.resolve():
            raise NotAnExport(f"{path} and {other} have the same name, which the view uses as the learner's "
                              f"pseudonym; rename one (e.g. {path.stem}-2{path.suffix}) and merge again")
        learner, mine, bad = read_export(path)
        invalid += bad
        earlier = {seen[e["event_id"]] for e in mine if e["event_id"] in seen} - {learner["name"]}
        if mine and earlier and all(e["event_id"] in seen for e in mine):  # one learner's export, renamed
            repeats.append(f"{path.name} repeats {', '.join(sorted(earlier))}'s answers (counted once)")
            duplicates += len(mine)
            continue
        learners.setdefault(learner["id"], learner)
        for event in mine:
            if event["event_id"] in seen:
                duplicates += 1
            else:
                seen[event["event_id"]] = learner["name"]
                events.append(event)
    events.sort(key=lambda e: e["at"])  # stable: events of the same second keep the export's order
    times = [datetime.fromisoformat(e["at"]) for e in events] or [datetime.now().astimezone()]
    numbers = summary.summarise(events, list(learners.values()), max(times), min(times), schedule)
    # Exports made at different times have no workshop clock: no pace against the schedule (the lesson most
    # learners reached still shows).
    numbers["room"]["merged"] = True
    numbers["pace"].update(expected=None, behind_minutes=None, elapsed_minutes=None)
    line = (f"Merged {plural(len(paths), 'export')}: {plural(len(learners), 'learner')}, "
            f"{plural(len(events), 'event')}"
            f"{f', {duplicates} already counted' if duplicates else ''}"
            f"{f', {invalid} not valid and left out' if invalid else ''}"
            f"; {min(times):%Y-%m-%d %H:%M} to {max(times):%H:%M} UTC.{''.join(f' {r}.' for r in repeats)}")
    return events, list(learners.values()), numbers, line


def describe(numbers: dict) -> str:
    """The summary as text for a terminal: items, wrong answers, who was stuck, pace."""
    lines = []
    for lesson in numbers["lessons"]:
        if any(item["solved"] or item["tried"] for item in lesson["items"]):
            lines.append(f"{lesson['number']} {lesson['title']}")
            lines += [f"   {item['item']:<24} solved {item['solved']:>3}   tried {item['tried']:>3}   "
                      f"not started {item['not_started']:>3}" for item in lesson["items"]]
    lines.append("Most common wrong answers:" if numbers["misconceptions"] else "No wrong answers recorded.")
    lines += [f"   {plural(m['learners'], 'learner')} ({plural(m['count'], 'time')}), {m['notebook'][:2]} {m['item']}: "
              f"{m['message']}"
              for m in numbers["misconceptions"]]
    lines.append("Stuck at the last event:" if numbers["stuck"] else "Nobody stuck at the last event.")
    lines += [f"   {s['learner']}: {s['notebook'][:2]} {s['item']}, "
              f"{'under a minute' if s['minutes'] < 1 else plural(round(s['minutes']), 'minute')}, wrong {s['tries']}x"
              for s in numbers["stuck"]]
    if numbers["pace"]["room"]:
        room = numbers["pace"]["room"]
        lines.append(f"Most learners reached lesson {room['number']} ({room['title']}).")
    return "\n".join(lines)


def standalone_page(numbers: dict) -> str:
    """The dashboard page with its style sheet, the summary (as JSON in <script id="room-data">) and its script
    inside: one file that opens anywhere, without the room's server."""
    page = (HERE / "dashboard.html").read_text(encoding="utf-8")
    style, script = ((HERE / name).read_text(encoding="utf-8") for name in ("dashboard.css", "dashboard.js"))
    page = re.sub(r'<link[^>]*href="/?dashboard\.css"[^>]*>', lambda _: f"<style>{style}</style>", page)
    page = re.sub(r'<script[^>]*src="/?dashboard\.js"[^>]*>\s*</script>\n?', "", page)
    data = json.dumps(numbers, ensure_ascii=False).replace("<", "\\u003c")
    inline = script.replace("</script", "<\\/script")
    return page.replace("</body>", f'<script type="application/json" id="room-data">{data}</script>\n'
                                   f"<script>{inline}</script>\n</body>", 1)


def merged_before(path: Path) -> bool:
    """Whether `path` is a file an earlier merge wrote: its JSON (summary marked merged) or its page (the summary
    inside). A CSV can't tell: the live room's export.csv has the same columns."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json.loads(text)["summary"]["room"]["merged"] is True
        return '<script type="application/json" id="room-data">' in text and '"merged": true' in text
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return False


def main(argv: list[str]) -> int:
    """`python -m rnn_lesson room merge FILES [--schedule S] [--json F] [--csv F] [--out F.html] [--overwrite]`."""
    parser = argparse.ArgumentParser(prog="python -m rnn_lesson room merge", description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="learners' progress exports (.json)")
    parser.add_argument("--schedule", choices=tuple(SCHEDULES), default="workshop")
    parser.add_argument("--json", type=Path, help="write the summary and every event as JSON")
    parser.add_argument("--csv", type=Path, help="write every event as CSV")
    parser.add_argument("--out", type=Path, help="write the dashboard page with the summary inside (.html)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --json, --csv or --out file "
                        "that an earlier merge did not write (by default only a merge's own JSON or page is replaced)")
    args = parser.parse_args(argv)
    outputs = [path for path in (args.json, args.csv, args.out) if path is not None]
    clash = [path for path in outputs if path.resolve() in {p.resolve() for p in args.files}]
    if clash:
        print(f"not merged: {clash[0]} is one of the exports to read; write the result to another file")
        return 1
    taken = [path for path in outputs if path.exists() and not args.overwrite and not merged_before(path)]
    if taken:
        print(f"not merged: {taken[0]} already exists, and room merge did not write it, so it is left as it is; "
              "give another name, or add --overwrite to replace it")
        return 1
    if args.out is not None and not (HERE / "dashboard.html").exists():
        print("not merged: --out needs the dashboard page, which is not installed; use --json or --csv")
        return 1
    try:
        events, learners, numbers, line = merge(args.files, args.schedule)
    except NotAnExport as error:
        print(f"not merged: {error}")
        return 1
    print(line, describe(numbers), sep="\n")
    for path, text in ((args.json, lambda: summary.to_json(events, learners, numbers)),
                       (args.csv, lambda: summary.to_csv(events, learners)),
                       (args.out, lambda: standalone_page(numbers))):
        if path is not None:
            try:
                path.write_text(text(), encoding="utf-8")
            except OSError as error:
                print(f"not written: {path} ({error.strerror or error}); check that its folder exists and may be "
                      "written, or give another path")
                return 1
            print(f"wrote {path}")
    return 0


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
