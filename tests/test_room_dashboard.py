"""The room's dashboard page (rnn_lesson/course/room/dashboard.html, .js, .css) in Chromium, as an instructor
projects it for a room of 30.

A small Tornado app here serves the page's three files, with the Content-Security-Policy the room server
sends (CSP below: 'self' only), and an /api/summary the test controls: a summary as room/summary.py makes it
(30 learners, 7 lessons, 8 items each, 10 long wrong-answer messages, 10 stuck learners, one named
`<img src=x onerror=alert(1)>`), whose clock moves on every call. The page asks every second (?every=1).
Checked: every section shows the summary's numbers; a changed summary shows within the polling interval,
without a reload and with the scroll position kept; with the server down a note says so and the page
keeps asking, and the note goes when it is back; axe-core finds nothing serious or critical and nothing
is cut off sideways at 900, 1280 and 1920 px; long messages wrap; the type is at least 20 px; the export
links are reached with Tab; text from the server is shown as text; no request leaves 127.0.0.1 and no
CSP violation is reported. A screenshot at 1280 px and the axe results land in test-artifacts/room/.
The last test runs room/server.py's make_app with its summary: an empty room shows its empty states, then
events posted with the join code show on the page opened with the dashboard token, and a later one within a poll.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
import tornado.httpserver
import tornado.web

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import ROOT
from rnn_lesson.course.room import server
from test_jupyterlab import free_port

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGE_DIR = ROOT / "rnn_lesson" / "course" / "room"
ARTIFACTS = ROOT / "test-artifacts" / "room"
CSP = server.CSP  # the room server's own policy: the page must need nothing more
EVERY = 1  # seconds between the page's requests (?every=1); the page's default is 5
WAIT_MS = 4 * EVERY * 1000  # a change must show within a poll or two
WIDTHS = (900, 1280, 1920)
HOSTILE = "<img src=x onerror=alert(1)>"
LONG_NAME = "Maximilian-Alexandra-Featherstonehaugh-X"  # 40 characters, no space to break at
MESSAGES = [
    "Your count leaves out the biases: nn.RNN(5, 8) learns two bias vectors, bias_ih_l0 and bias_hh_l0, "
    "each of length hidden_size = 8, so add 2 * hidden_size to the two weight matrices' sizes.",
    "The shape came out (10, 1000, 5) but the layer was made with batch_first=True, so it expects "
    "(batch, time, features) = (1000, 10, 5): transpose(0, 1) swaps the axes back, view would scramble them.",
    "Softmax before CrossEntropyLoss: the loss applies log-softmax itself, so the model should return the raw "
    "scores (logits). With a softmax in front the gradients shrink and training stalls near chance.",
    "expected_shape_(batch,sequence_length,features)_but_got_(sequence_length,batch,features)_from_the_loader"
    "_with_batch_first_False",
    "h_n has one row per layer and direction, not per time step: for 2 layers, bidirectional, it is "
    "(4, batch, hidden). output[:, -1] is the last step of the top layer only.",
    "Predicting without model.eval() leaves dropout on, so two runs on the same input disagree. "
    "Wrap prediction in torch.no_grad() as well, or the graph keeps growing.",
    "<script>alert('message')</script> is what the learner typed: the page must show this as text.",
    "The labels are floats (0.0 and 1.0) but CrossEntropyLoss wants class indices as a long tensor: "
    "y.long(), or keep the labels as integers when you build the data set.",
    "zero_grad() is missing: gradients add up across batches, so each step uses the sum of every earlier "
    "gradient and the loss jumps about instead of going down.",
    "The hidden state carried between chunks still holds the graph of the previous chunk: detach() it "
    "(truncated backpropagation through time) or backward() runs through every chunk so far.",
]


def summary_for(version: int) -> dict:
    """The summary the fake room serves: version 0, then version 1 with a late joiner, the room on schedule,
    a new most common message and other numbers."""
    joined = 30 + version
    lessons = []
    for i, lesson in enumerate(LESSONS):
        items = []
        for j in range(8):
            kind, name = ("exercise", f"ex.q{j + 1}") if j < 3 else ("quiz", f"{lesson.number}-question-{j - 2}")
            solved = max(0, 28 - 4 * i - 2 * j) + (3 if version and i == j == 0 else 0)
            tried = max(0, min(30 - solved, (i + 2 * j) % 6))
            label = (f"Exercise q{j + 1}: write the helper this section asks for, from the shapes in its docstring"
                     if kind == "exercise" else f"Quiz: which shape does the layer return for question {j - 2} of "
                     f"lesson {lesson.number}, with batch_first=True?")
            items.append({"kind": kind, "item": name, "label": label, "solved": solved, "tried": tried,
                          "not_started": joined - solved - tried})
        lessons.append({"notebook": lesson.notebook, "number": lesson.number, "title": lesson.title, "items": items})
    messages = MESSAGES[-1:] + MESSAGES[:-1] if version else MESSAGES
    misconceptions = [{"message": m, "count": 21 - 2 * k, "learners": 14 - k, "notebook": LESSONS[k % 4].notebook,
                       "item": "ex.q1" if k % 2 else f"{LESSONS[k % 4].number}-question-{k % 5 + 1}"}
                      for k, m in enumerate(messages)]
    names = [HOSTILE, LONG_NAME, "otter", "heron", "badger", "lynx", "puffin", "marten", "ibis", "wren"]
    stuck = [{"learner": name, "notebook": LESSONS[k % 3].notebook, "item": "ex.q2",
              "minutes": round(23.4 - 2.1 * k + 5 * version, 1), "tries": 7 - k // 2} for k, name in enumerate(names)]
    pace = {"elapsed_minutes": 83.6 + version, "expected": {"number": "03", "title": LESSONS[2].title},
            "room": {"number": "03" if version else "02", "title": LESSONS[2 if version else 1].title, "learners": 17},
            "behind_minutes": 0.3 if version else 13.6,
            "schedule": [{"number": "01", "start": 10, "end": 40}, {"number": "02", "start": 40, "end": 80},
                         {"number": "03", "start": 90, "end": 130}, {"number": "04", "start": 130, "end": 145}]}
    return {"room": {"started": "2025-05-06T09:00:00+00:00", "now": "2025-05-06T10:23:36+00:00", "learners": joined,
                     "schedule": "workshop"},
            "lessons": lessons, "misconceptions": misconceptions, "stuck": stuck, "pace": pace}


class Room:
    """What the fake room serves: the summary of `version` (its clock moved on by the number of calls), or 401."""

    def __init__(self) -> None:
        self.version, self.calls, self.refuse = 0, 0, False

    def summary(self) -> dict:
        self.calls += 1
        summary = copy.deepcopy(summary_for(self.version))
        summary["room"]["now"] = f"2025-05-06T10:{23 + self.calls // 60:02}:{self.calls % 60:02}+00:00"
        return summary


class PageFile(tornado.web.StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)


class Summary(tornado.web.RequestHandler):
    def initialize(self, room: Room) -> None:
        self.room = room

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)

    def get(self) -> None:
        if self.room.refuse:
            raise tornado.web.HTTPError(401)
        self.set_header("Cache-Control", "no-store")
        self.finish(self.room.summary())


class ServerThread:
    """A Tornado server on 127.0.0.1 in a thread of its own, which the test can take down and bring back."""

    def __init__(self, app: tornado.web.Application) -> None:
        self.app, self.port, self.server = app, free_port(), None
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.up()

    def run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def listen(self) -> None:
        self.server = tornado.httpserver.HTTPServer(self.app)
        self.server.listen(self.port, "127.0.0.1")

    async def close(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()

    def up(self) -> None:
        self.run(self.listen())

    def down(self) -> None:
        self.run(self.close())

    def stop(self) -> None:
        try:
            self.down()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def room():
    """The fake room server: yields (its Room, its ServerThread)."""
    state = Room()
    app = tornado.web.Application([
        (r"/api/summary", Summary, {"room": state}),
        (r"/()", PageFile, {"path": str(PAGE_DIR), "default_filename": "dashboard.html"}),
        (r"/(dashboard\.(?:js|css))", PageFile, {"path": str(PAGE_DIR)}),
    ])
    server = ServerThread(app)
    try:
        yield state, server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


@pytest.fixture(scope="module")
def seen(browser, room):
    """One page on the dashboard for the module, and what it did: requests, dialogs, console errors."""
    _, server = room
    log = {"requests": [], "outside": [], "dialogs": [], "console": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def guard(route):  # anything not for 127.0.0.1 is noted and never sent
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            log["outside"].append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("dialog", lambda dialog: (log["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: log["console"].append(message.text) if message.type == "error" else None)
    page.goto(f"http://127.0.0.1:{server.port}/?every={EVERY}")
    page.wait_for_function("() => document.querySelectorAll('#lesson-list table').length === 7", timeout=10_000)
    try:
        yield page, log
    finally:
        context.close()


def text(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


def table_rows(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(f"{selector} tbody tr",
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")


def wait_for_text(page, selector: str, expected: str) -> None:
    page.wait_for_function("([s, t]) => document.querySelector(s).textContent.includes(t)", arg=[selector, expected],
                           timeout=WAIT_MS)


def test_every_section_shows_the_summarys_numbers(seen, room):
    page, _ = seen
    summary = summary_for(room[0].version)
    assert page.evaluate("document.documentElement.lang") == "en" and "Room view" in page.title()
    # What needs the instructor's feet first comes first: who is stuck, then what the room gets wrong.
    assert page.locator("h2").all_inner_texts() == ["The room at a glance", "Stuck longest",
                                                    "The room's misconceptions", "Lessons, questions and exercises",
                                                    "Export after the workshop"]
    assert text(page, "#learners") == "30" and text(page, "#elapsed") == "1 h 23 min"
    assert text(page, "#pace") == "14 minutes behind"
    assert text(page, "#room-lesson").splitlines() == ["Lesson 02 · The RNN layer", "17 learners there"]
    assert text(page, "#expected-lesson").splitlines() == ["Lesson 03 · Training", "minutes 90–130 of the schedule"]
    assert page.locator("#lessons h3").all_inner_texts()[1] == "Lesson 02 · The RNN layer the room is here"
    for lesson, table in zip(summary["lessons"], page.locator("#lesson-list table").all(), strict=True):
        shown = table.evaluate("t => [...t.tBodies[0].rows].map(r => [...r.cells].slice(0, 4).map(c => c.textContent))")
        assert shown == [[i["label"], str(i["solved"]), str(i["tried"]), str(i["not_started"])] for i in lesson["items"]]
    titles = {lesson.notebook: lesson.number for lesson in LESSONS}
    labels = {(lesson["notebook"], i["item"]): i["label"] for lesson in summary["lessons"] for i in lesson["items"]}
    assert page.eval_on_selector_all("#misconception-list tbody tr", """rows => rows.map(r => [
        r.cells[0].textContent, r.cells[1].textContent, r.querySelector('.message').textContent,
        r.querySelector('.where').textContent])""") == [
        [str(m["count"]), str(m["learners"]), m["message"],
         f"Lesson {titles[m['notebook']]} · {labels[(m['notebook'], m['item'])]}"] for m in summary["misconceptions"]]
    stuck = table_rows(page, "#stuck-list")
    assert [row[0] for row in stuck] == [s["learner"] for s in summary["stuck"]]
    assert [row[2:] for row in stuck] == [[f"{math.floor(s['minutes'] + 0.5)} minutes", str(s["tries"])] for s in summary["stuck"]]
    assert page.eval_on_selector_all("#export a", "links => links.map(a => new URL(a.href).pathname)") == [
        "/export.csv", "/export.json"]
    assert "Live · updated" in text(page, "#status") and page.locator("#offline").is_hidden()


def test_the_bars_carry_patterns_and_a_legend_not_colour_alone(seen):
    page, _ = seen
    backgrounds = page.evaluate("""() => ['solved', 'tried', 'not-started'].map(name => {
        const s = getComputedStyle(document.querySelector('.legend .swatch.' + name));
        return s.backgroundImage + ' ' + s.backgroundColor; })""")
    assert len(set(backgrounds)) == 3 and sum("gradient" in b for b in backgrounds) == 2, backgrounds
    assert page.locator(".legend").inner_text().split() == ["In", "the", "bars:", "solved", "tried,", "not", "solved",
                                                            "yet", "not", "started"]
    second = page.locator("#lesson-list tbody tr").nth(1).locator(".segment")  # 26 solved, 2 tried, 2 not started
    widths = [box["width"] for box in (s.bounding_box() for s in second.all())]
    assert len(widths) == 3 and widths[0] > 10 * widths[1] > 0 and abs(widths[1] - widths[2]) < 1, widths
    first = page.locator("#lesson-list tbody tr").first.locator(".segment")  # 28 solved, none tried: no segment
    assert first.count() == 2


def test_a_change_shows_within_the_interval_without_reload_and_the_scroll_stays(seen, room):
    page, _ = seen
    state, _ = room
    page.evaluate("window.notReloaded = true")
    page.evaluate("window.scrollTo(0, document.querySelector('#lesson-04').getBoundingClientRect().top + scrollY - 150)")
    where = "document.querySelector('#lesson-04').getBoundingClientRect().top"  # what the instructor looks at
    before, calls = page.evaluate(where), state.calls
    state.version = 1
    try:
        started = time.monotonic()
        wait_for_text(page, "#learners", "31")
        took = time.monotonic() - started
        assert text(page, "#pace") == "on schedule" and text(page, "#room-lesson").startswith("Lesson 03")
        assert page.locator("#misconception-list tbody .message").first.inner_text() == MESSAGES[-1]
        assert table_rows(page, "#lesson-list table:first-of-type")[0][1:4] == ["31", "0", "0"]
        assert page.evaluate("window.notReloaded") is True, "the page reloaded"
        assert abs(page.evaluate(where) - before) <= 2, "the update moved what was in view"
        assert took <= 2 * EVERY + 1 and state.calls > calls
    finally:
        state.version = 0
        wait_for_text(page, "#learners", "30")


def test_server_down_shows_a_note_and_it_goes_when_the_server_is_back(seen, room):
    page, _ = seen
    state, server = room
    server.down()
    try:
        page.locator("#offline").wait_for(state="visible", timeout=WAIT_MS)
        note = text(page, "#offline")
        assert note.startswith("Not connected: the room server cannot be reached") and "Retrying every 1 s" in note
        assert text(page, "#learners") == "30", "the last numbers stay in view"
        assert text(page, "#status").startswith("Not live · last updated")
        calls = state.calls
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-offline.png"))
    finally:
        server.up()
    page.locator("#offline").wait_for(state="hidden", timeout=WAIT_MS)
    assert state.calls > calls and text(page, "#status").startswith("Live · updated")
    state.refuse = True
    try:
        wait_for_text(page, "#offline", "refused the dashboard token")
    finally:
        state.refuse = False
    page.locator("#offline").wait_for(state="hidden", timeout=WAIT_MS)


CUT_OFF = """() => {
    const width = document.documentElement.clientWidth, problems = [];
    if (document.documentElement.scrollWidth > width + 1)
        problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (!box.width || el.closest('[hidden]')) continue;
        const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 40)}"`;
        if (box.right > width + 1 || box.left < -1) problems.push(`${name} reaches ${box.left}..${box.right} px`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
            problems.push(`${name} shows ${el.clientWidth} of ${el.scrollWidth} px`);
    }
    return problems;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_projected_it_passes_axe_fits_the_width_and_wraps_long_text(seen, width):
    from axe_playwright_python.sync_playwright import Axe

    page, _ = seen
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    violations = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{width}.json").write_text(json.dumps(violations, indent=1))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"), full_page=True)
    assert [(v["id"], v["impact"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")] == []
    assert page.evaluate(CUT_OFF) == []
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('body *')]
        .filter(el => el.childNodes.length && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(el => parseFloat(getComputedStyle(el).fontSize)))""")
    assert smallest >= 20, f"text of {smallest} px: everything on a projected page should be 20 px or more"
    lines = page.eval_on_selector_all("#misconception-list .message", """cells => cells
        .filter(c => c.textContent.length > 150)
        .map(c => c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight))""")
    assert len(lines) == 8 and min(lines) >= 1.9, f"messages over 150 characters should wrap, lines: {lines}"
    if width == 1920:
        assert page.locator("#misconceptions").bounding_box()["x"] > page.locator("#lessons").bounding_box()["x"]
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_export_links_are_reached_with_the_keyboard(seen):
    page, _ = seen
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached = []
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const a = document.activeElement;
            return a && a.tagName === 'A' ? [new URL(a.href).pathname, getComputedStyle(a).outlineWidth] : null; }""")
        if focused:
            reached.append(focused[0])
            assert float(focused[1].removesuffix("px")) >= 3, "a focused link needs a visible outline"
    assert reached[:2] == ["/export.csv", "/export.json"]


def test_text_from_the_server_is_shown_as_text_and_nothing_leaves_loopback(seen):
    page, log = seen
    assert text(page, "#stuck-list tbody tr:first-child th") == HOSTILE
    assert MESSAGES[6] in page.locator("#misconception-list").inner_text()
    assert page.locator("img, script:not([src])").count() == 0 and log["dialogs"] == []
    assert log["outside"] == [] and all(urlparse(u).hostname == "127.0.0.1" for u in log["requests"])
    paths = {urlparse(u).path for u in log["requests"]}
    assert paths <= {"/", "/dashboard.js", "/dashboard.css", "/api/summary", "/favicon.ico"}, paths
    assert not [m for m in log["console"] if "Content Security Policy" in m], log["console"]


def post_events(url: str, code: str, learner: str, name: str, events: list[tuple[str, str, str, str]]) -> dict:
    """POST a batch to the room as a learner's kernel does: events are (notebook, item, outcome, message)."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    batch = {"learner": {"id": learner, "name": name},
             "events": [{"event_id": uuid.uuid4().hex, "at": now, "kind": "exercise", "notebook": notebook,
                         "item": item, "outcome": outcome, "message": message}
                        for notebook, item, outcome, message in events]}
    request = urllib.request.Request(f"{url}/api/events", data=json.dumps(batch).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def lesson_row(page, lesson: str, label_start: str) -> list[str]:
    return page.evaluate("""([lesson, start]) => [...document.querySelectorAll(`#lesson-${lesson} ~ table tbody tr`)]
        .map(r => [...r.cells].slice(0, 4).map(c => c.textContent)).find(cells => cells[0].startsWith(start))""",
                         [lesson, label_start])


def test_the_real_room_server_shows_posted_events_on_the_dashboard(browser, tmp_path):
    """room/server.py's make_app, its summary and this page together: events posted with the join code show up."""
    from rnn_lesson.course.room.server import make_app

    code, token, message = "join-code-13", "dashboard-token-13", ("MSG-13: the axes are swapped; " * 6).strip()
    started = datetime.now(timezone.utc) - timedelta(minutes=50)
    server = ServerThread(make_app(tmp_path / "room.sqlite3", code, token, "workshop", started))
    url = f"http://127.0.0.1:{server.port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{url}/?token={token}")  # the server sets its cookie and drops the token from the address
        page.wait_for_function("() => document.querySelector('#learners').textContent === '0'", timeout=10_000)
        assert "token" not in page.url
        assert [text(page, s) for s in ("#pace", "#room-lesson", "#misconception-list", "#stuck-list")] == [
            "not known yet (no answers)", "no lesson started yet", "No wrong answers yet.", "No one is stuck."]
        learners = [uuid.uuid4().hex for _ in range(3)]
        assert post_events(url, code, learners[0], "otter", [("01_input_shaping", "ex.q1", "correct", "")]) == {
            "stored": 1, "duplicates": 0}
        post_events(url, code, learners[1], "heron", [("01_input_shaping", "ex.q1", "incorrect", message)])
        post_events(url, code, learners[2], HOSTILE, [("01_input_shaping", "ex.q1", "incorrect", message)] * 2)
        page.wait_for_function("() => document.querySelector('#learners').textContent === '3'", timeout=12_000)
        assert text(page, "#pace").endswith(("behind", "ahead", "on schedule"))
        assert text(page, "#room-lesson").startswith("Lesson 01")
        assert lesson_row(page, "01", "Exercise q1:")[1:] == ["1", "2", "0"]
        assert lesson_row(page, "01", "Exercise q2:")[1:] == ["0", "0", "3"]
        assert table_rows(page, "#misconception-list") == [["3", "2", message + "Lesson 01 · " + lesson_row(
            page, "01", "Exercise q1:")[0]]]  # three answers from two learners
        assert HOSTILE in page.locator("#stuck-list").inner_text() and page.locator("img").count() == 0
        post_events(url, code, learners[1], "heron", [("01_input_shaping", "ex.q1", "correct", "")])
        page.wait_for_function("""() => [...document.querySelectorAll('#lesson-01 ~ table tbody tr')]
            .some(r => r.cells[0].textContent.startsWith('Exercise q1:') && r.cells[1].textContent === '2')""",
                               timeout=12_000)  # the page asks every 5 s
        assert "heron" not in page.locator("#stuck-list").inner_text()
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
        server.stop()


def test_a_merged_page_shows_the_exports_without_live_only_numbers(browser, tmp_path):
    """`room merge --out`: one page, nothing fetched; no clock, pace or export links, which a live room has."""
    from rnn_lesson.course.room import merge
    from test_room_summary import ANA, BEN, EVENTS, export

    export(tmp_path / "ana.json", [e for e in EVENTS if e["learner_id"] == ANA])
    export(tmp_path / "ben.json", [e for e in EVENTS if e["learner_id"] == BEN])
    assert merge.main([str(tmp_path / "ana.json"), str(tmp_path / "ben.json"), "--out", str(tmp_path / "room.html")]) == 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto((tmp_path / "room.html").as_uri())
        assert page.locator("#status").inner_text() == "Merged from progress exports (not live)"
        assert page.locator("#learners").inner_text() == "2"
        assert not page.locator("#pace").is_visible() and not page.locator("#elapsed").is_visible()
        assert not page.locator("#export").is_visible()
        assert "view scrambles the sequences" in page.locator("#misconceptions").inner_text()
        assert page.locator("#room-lesson .detail").inner_text() == "1 learner there"  # ana reached 02, ben 01
        assert "to the last answer in the exports" in page.locator("#stuck-note").inner_text()  # no "now" in exports
        assert errors == []
    finally:
        page.close()
