// A text box for a typed answer, a shape or a number (AnswerBox in controls.py). The value goes to
// Python as you type, so feedback on an older answer is cleared at once; Enter checks the answer.
// Enter stops here, so it never reaches JupyterLab (where Shift+Enter would run the cell again).

function render({ model, el }) {
  const label = Object.assign(document.createElement("label"), { className: "rnn-quiz-answer" });
  const input = Object.assign(document.createElement("input"), {
    type: "text", value: model.get("value"), placeholder: model.get("placeholder"),
    autocomplete: "off", spellcheck: false,
  });
  label.append(Object.assign(document.createElement("span"), { textContent: model.get("label") }), input);

  input.addEventListener("input", () => {
    model.set("value", input.value);
    model.save_changes();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.stopPropagation();
    event.preventDefault();
    // The answer travels with the message: a state update still waiting to be sent may come later.
    model.send({ event: "submit", state: { value: input.value } });
  });
  model.on("change:value", () => {
    if (input.value !== model.get("value")) input.value = model.get("value");
  });
  el.append(label);
}

export default { render };
