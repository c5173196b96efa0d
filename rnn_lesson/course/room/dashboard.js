// The room view's page: every few seconds it fetches api/summary (the JSON that room/summary.py makes)
// and fills the sections of dashboard.html in place. Every text from the server goes in with
// textContent, never as HTML: a learner's pseudonym or a message is shown as typed.
// ?every=SECONDS (1 to 60, default 5) sets how often it asks.
"use strict";

(() => {
  const every = Math.min(60, Math.max(1, Number(new URLSearchParams(location.search).get("every")) || 5));
  const EVERY_MS = every * 1000;
  const $ = (id) => document.getElementById(id);
  const shown = {};       // section -> the part of the summary it shows now (JSON), to redraw only what changed
  let lastUpdate = null;  // when the last summary came

  /** A new element with its text (as text, never HTML) and class. */
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function clock(date) {
    return [date.getHours(), date.getMinutes(), date.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
  }

  function minutes(n) {
    if (n < 1) return "under a minute";  // as room merge prints it
    const whole = Math.round(n);
    return whole === 1 ? "1 minute" : `${whole} minutes`;
  }

  function duration(total) {
    const m = Math.max(0, Math.floor(total || 0));
    return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min` : `${m} min`;
  }

  function paceText(behind) {
    if (behind === null || behind === undefined) return "not known yet (no answers)";
    const whole = Math.round(behind);
    if (whole >= 1) return `${minutes(whole)} behind`;
    if (whole <= -1) return `${minutes(-whole)} ahead`;
    return "on schedule";
  }

  function lessonName(lesson) {
    return lesson && lesson.number ? `Lesson ${lesson.number} · ${lesson.title || ""}` : null;
  }

  /** A table: headers, then rows of cells; a cell is text, [text, className], a Node or [Node, ...]. The cell at
   *  `rowHeader` in each row is its header (a th). */
  function table(headers, rows, { labelledBy = null, rowHeader = 0 } = {}) {
    const t = el("table");
    if (labelledBy) t.setAttribute("aria-labelledby", labelledBy);
    const head = el("tr");
    headers.forEach(([text, className]) => {
      const th = el("th", text, className);
      th.scope = "col";
      head.append(th);
    });
    t.append(el("thead"), el("tbody"));
    t.tHead.append(head);
    rows.forEach((cells) => {
      const tr = el("tr");
      cells.forEach((cell, i) => {
        const td = el(i === rowHeader ? "th" : "td");
        if (i === rowHeader) td.scope = "row";
        if (cell instanceof Node) td.append(cell);
        else if (Array.isArray(cell) && cell[0] instanceof Node) td.append(...cell);
        else if (Array.isArray(cell)) { td.textContent = String(cell[0]); td.className = cell[1]; }
        else td.textContent = String(cell);
        tr.append(td);
      });
      t.tBodies[0].append(tr);
    });
    return t;
  }

  /** notebook -> {number, labels: item -> label}, to say where a message or a stuck learner is. */
  function lessonIndex(lessons) {
    const index = new Map();
    lessons.forEach((l) => index.set(l.notebook,
      { number: l.number, labels: new Map((l.items || []).map((i) => [i.item, i.label])) }));
    return index;
  }

  function where(index, notebook, item) {
    const lesson = index.get(notebook);
    if (!lesson) return notebook ? `${notebook} · ${item}` : `card ${item}`;
    return `Lesson ${lesson.number} · ${lesson.labels.get(item) || item}`;
  }

  /** The three-part bar: patterned segments whose widths follow the counts (the numbers are in the cells beside it). */
  function bar(item) {
    const outer = el("div", null, "bar");
    outer.setAttribute("aria-hidden", "true");
    [["solved", item.solved], ["tried", item.tried], ["not-started", item.not_started]].forEach(([name, n]) => {
      const part = el("span", null, `segment ${name}`);
      part.style.flexGrow = String(n || 0);
      if (n) outer.append(part);
    });
    return outer;
  }

  function renderGlance(summary) {
    const pace = summary.pace || {};
    $("learners").textContent = String(summary.room.learners);
    $("elapsed").textContent = duration(pace.elapsed_minutes);
    $("pace").textContent = paceText(pace.behind_minutes);
    const count = pace.room ? pace.room.learners : undefined;
    const here = count === undefined ? "" : `${count} ${count === 1 ? "learner" : "learners"} there`;
    $("room-lesson").replaceChildren(lessonName(pace.room) || "no lesson started yet", el("span", here, "detail"));
    const slot = (pace.schedule || []).find((s) => pace.expected && s.number === pace.expected.number);
    $("expected-lesson").replaceChildren(lessonName(pace.expected) || "the schedule has ended",
      el("span", slot ? `minutes ${slot.start}–${slot.end} of the schedule` : "", "detail"));
  }

  function renderLessons(summary) {
    const pace = summary.pace || {};
    const blocks = summary.lessons.map((lesson) => {
      const block = el("div", null, "lesson");
      const heading = el("h3", `Lesson ${lesson.number} · ${lesson.title}`);
      heading.id = `lesson-${lesson.number}`;
      if (pace.room && pace.room.number === lesson.number) heading.append(" ", el("span", "the room is here", "tag"));
      if (pace.expected && pace.expected.number === lesson.number) {
        heading.append(" ", el("span", "the schedule expects this", "tag"));
      }
      const rows = lesson.items.map((item) => [item.label || item.item,
        [item.solved, "num"], [item.tried, "num"], [item.not_started, "num"], bar(item)]);
      block.append(heading, rows.length ? table([["Item"], ["Solved", "num"], ["Tried", "num"],
        ["Not started", "num"], ["Share of the room", "bar-head"]], rows, { labelledBy: heading.id })
        : el("p", "No questions or exercises in this lesson.", "empty"));
      return block;
    });
    $("lesson-list").replaceChildren(...(blocks.length ? blocks : [el("p", "No lessons in the summary.", "empty")]));
  }

  function renderMisconceptions(summary, index) {
    const rows = summary.misconceptions.map((m) => {
      const message = el("span", m.message, "message");
      return [[m.count, "num"], [m.learners, "num"], [message, el("span", where(index, m.notebook, m.item), "where")]];
    });
    $("misconception-list").replaceChildren(rows.length
      ? table([["Answers", "num"], ["Learners", "num"], ["Message they saw, and where"]], rows, { rowHeader: 2 })
      : el("p", "No wrong answers yet.", "empty"));
  }

  function renderStuck(summary, index) {
    const rows = summary.stuck.map((s) => [
      [s.learner, "learner"], where(index, s.notebook, s.item), [minutes(s.minutes), "num"], [s.tries, "num"]]);
    $("stuck-list").replaceChildren(rows.length
      ? table([["Learner"], ["Where"], ["Stuck for", "num"], ["Tries", "num"]], rows)
      : el("p", "No one is stuck.", "empty"));
  }

  /** Redraw a section only when its part of the summary changed: the rest of the page stays as it is. */
  function redraw(section, part, draw) {
    const key = JSON.stringify(part);
    if (shown[section] !== key) {
      draw();
      shown[section] = key;
    }
  }

  function render(summary) {
    const index = lessonIndex(summary.lessons);
    const pace = summary.pace || {};
    redraw("glance", [summary.room.learners, pace], () => renderGlance(summary));
    redraw("lessons", [summary.lessons, pace.room, pace.expected], () => renderLessons(summary));
    redraw("misconceptions", summary.misconceptions, () => renderMisconceptions(summary, index));
    redraw("stuck", summary.stuck, () => renderStuck(summary, index));
  }

  /** The note over the page when the last try failed: what went wrong, and how old the page is. */
  function showProblem(problem) {
    const age = lastUpdate ? `The page shows the room as it was at ${clock(lastUpdate)}.` : "Nothing to show yet.";
    $("offline").textContent = `${problem} (tried at ${clock(new Date())}). ${age} Retrying every ${every} s.`;
    $("offline").hidden = false;
    $("status").textContent = lastUpdate ? `Not live · last updated ${clock(lastUpdate)}` : "Not live · no update yet";
  }

  /** The summary's text, or an Error whose message says, for the instructor, what went wrong. */
  async function fetchSummary() {
    let response;
    try {
      // On a JupyterHub the sign-in cookie counts only with the hub's anti-forgery token beside it (room/hub.py).
      const xsrf = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]+)/);
      response = await fetch("api/summary", { cache: "no-store", credentials: "same-origin",
        headers: { Accept: "application/json", ...(xsrf && { "X-XSRFToken": xsrf[1] }) },
        signal: AbortSignal.timeout(10000) });
    } catch (error) {
      throw new Error(error.name === "TimeoutError" ? "Not connected: the room server did not answer within 10 s"
        : "Not connected: the room server cannot be reached");
    }
    if (response.status === 401 || response.status === 403) {
      throw new Error("Not allowed: the room server refused the dashboard token; open the dashboard address "
        + "that python -m rnn_lesson room printed (on a JupyterHub: reload this page to sign in again)");
    }
    if (!response.ok) throw new Error(`Not up to date: the room server answered HTTP ${response.status}`);
    return response.text();
  }

  async function refresh() {
    try {
      const text = await fetchSummary();
      try {
        render(JSON.parse(text));
      } catch (error) {
        throw new Error(`Not up to date: the summary from the room server could not be shown (${error.message})`);
      }
      lastUpdate = new Date();
      $("status").textContent = `Live · updated ${clock(lastUpdate)}`;
      $("offline").hidden = true;
    } catch (error) {
      showProblem(error.message);
    } finally {
      setTimeout(refresh, EVERY_MS);
    }
  }

  // A page that `room merge --out` wrote carries its summary inside it: show that, and fetch nothing.
  const saved = document.getElementById("room-data");
  if (saved) {
    render(JSON.parse(saved.textContent));
    $("status").textContent = "Merged from progress exports (not live)";
    // Time, pace and the export links belong to a live room: a merged page has none of them.
    for (const id of ["elapsed", "pace", "expected-lesson"]) $(id).parentElement.hidden = true;
    $("export").hidden = true;
    $("stuck-note").textContent = "Learners whose last answer in the exports was on an item they had not solved: "
      + "minutes from their first wrong attempt at it to the last answer in the exports.";
  } else {
    refresh();
  }
})();
