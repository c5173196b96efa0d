// The options of one quiz question as a native form group (OptionGroup in controls.py).
// A <fieldset> with a <legend>; one <label> per option holding its input, its letter and its full
// text, which wraps. The radio buttons share one `name`, so the browser makes them one group: Tab
// reaches it once and the arrow keys move the choice. The keys the group handles stop here, so they
// never reach JupyterLab's shortcuts (which would move the notebook's active cell); Enter checks.
const LETTERS = "ABCDEFGH";
const OWN_KEYS = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", " ", "Enter"]);

function element(tag, properties) {
  return Object.assign(document.createElement(tag), properties);
}

function render({ model, el }) {
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

  function show() {
    const chosen = multiple ? model.get("indices") : [model.get("index")];
    inputs.forEach((input, i) => { input.checked = chosen.includes(i); });
  }
  function choose() {
    if (multiple) {
      model.set("indices", inputs.filter((input) => input.checked).map((input) => Number(input.value)));
    } else {
      model.set("index", inputs.findIndex((input) => input.checked));
    }
    model.save_changes();
  }
  fieldset.addEventListener("change", choose);
  fieldset.addEventListener("keydown", (event) => {
    if (!OWN_KEYS.has(event.key)) return;
    event.stopPropagation();
    if (event.key === "Enter") {
      event.preventDefault();
      // The answer travels with the message: a state update still waiting to be sent may come later.
      model.send({ event: "submit", state: { index: model.get("index"), indices: model.get("indices") } });
    }
  });
  model.on("change:index", show);
  model.on("change:indices", show);
  show();
  el.append(fieldset);
}

export default { render };
