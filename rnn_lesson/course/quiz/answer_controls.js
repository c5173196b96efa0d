// The answer to one quiz question, with its Check and Show answer buttons (OptionGroup and AnswerBox
// in controls.py). The answer goes to Python with every Check, in the same message: a choice made just
// before is sent by ipywidgets as a state update that may wait for the previous one, and a button of
// its own (a separate widget) could overtake it, so Python would check an older answer.
const LETTERS = "ABCDEFGH";
// Keys the options handle stop here, so they never reach JupyterLab's shortcuts (which would move the
// notebook's active cell). Enter checks.
const OWN_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", " ", "Enter"]);

function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}

// Check (primary) and Show answer; each click sends {event, state: the answer as the page shows it}.
function buttons(model, answer) {
  const row = element("div", { className: "rnn-quiz-buttons" });
  const kinds = [["Check", "Check my answer (Enter does it too)", "submit"],
                 ["Show answer", "Show the answer and why", "reveal"]];
  for (const [text, title, event] of kinds) {
    const button = element("button", { type: "button", textContent: text, title,
                                       className: `rnn-quiz-button${event === "submit" ? " mod-primary" : ""}` });
    button.addEventListener("click", () => model.send({ event, state: answer() }));
    button.addEventListener("keydown", (key) => {
      if (key.key === "Enter" || key.key === " ") key.stopPropagation();  // the button's, not JupyterLab's
    });
    row.append(button);
  }
  return row;
}

// The options as a native form group: a <fieldset> with a <legend>, one <label> per option holding
// its input, its letter and its full text, which wraps. Radio buttons share one `name`, so the browser
// makes them one group: Tab reaches it once and the arrow keys move the choice.
function renderOptions(model, el) {
  const multiple = model.get("multiple");
  // A `name` of its own for every view (anywidget may load this module afresh for each widget, so a
  // counter here would start again at 1): two questions, or two views of one, are never one group.
  const name = `rnn-quiz-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const fieldset = element("fieldset", { className: "rnn-quiz-options" });
  fieldset.append(element("legend", { textContent: model.get("legend") }));
  const inputs = model.get("options").map((text, i) => {
    const input = element("input", { type: multiple ? "checkbox" : "radio", name, value: String(i) });
    const label = element("label");
    label.append(input, element("span", { className: "rnn-quiz-letter", textContent: LETTERS[i] }),
                 element("span", { className: "rnn-quiz-text", textContent: text }));
    fieldset.append(label);
    return input;
  });
  const chosen = () => inputs.filter((input) => input.checked).map((input) => Number(input.value));
  const answer = () => (multiple ? { indices: chosen() } : { index: chosen()[0] ?? null });

  function show() {
    const wanted = multiple ? model.get("indices") : [model.get("index")];
    inputs.forEach((input, i) => { input.checked = wanted.includes(i); });
  }
  fieldset.addEventListener("change", () => {
    for (const [trait, value] of Object.entries(answer())) model.set(trait, value);
    model.save_changes();
  });
  fieldset.addEventListener("keydown", (event) => {
    if (!OWN_KEYS.has(event.key)) return;
    event.stopPropagation();
    if (event.key === "Enter") {
      event.preventDefault();
      model.send({ event: "submit", state: answer() });
    }
  });
  model.on("change:index", show);
  model.on("change:indices", show);
  show();
  el.append(fieldset, buttons(model, answer));
}

// A text box for a typed answer, a shape or a number. The value goes to Python as you type, so
// feedback on an older answer is cleared at once; Enter checks the answer. Enter stops here, so it
// never reaches JupyterLab (where Shift+Enter would run the cell again).
function renderTextBox(model, el) {
  const label = element("label", { className: "rnn-quiz-answer" });
  const input = element("input", { type: "text", value: model.get("value"), placeholder: model.get("placeholder"),
                                   autocomplete: "off", spellcheck: false });
  label.append(element("span", { textContent: model.get("label") }), input);
  const answer = () => ({ value: input.value });

  input.addEventListener("input", () => {
    model.set("value", input.value);
    model.save_changes();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.stopPropagation();
    event.preventDefault();
    model.send({ event: "submit", state: answer() });
  });
  model.on("change:value", () => {
    if (input.value !== model.get("value")) input.value = model.get("value");
  });
  el.append(label, buttons(model, answer));
}

function render({ model, el }) {
  if (model.get("kind") === "options") renderOptions(model, el); else renderTextBox(model, el);
}

export default { render };
