// The feedback line of a quiz question (FeedbackLine in controls.py): one live region
// (role="status") that stays in the page, so screen readers announce every new message.

function render({ model, el }) {
  const line = Object.assign(document.createElement("div"), { className: "rnn-quiz-feedback" });
  line.setAttribute("role", "status");
  const show = () => { line.innerHTML = model.get("value"); };
  model.on("change:value", show);
  show();
  el.append(line);
}

export default { render };
