"""What a learner does in tests/test_jupyterlab.py's page: answer a quiz with the keyboard alone or with
the mouse, and move the course's sliders. Each function takes the page with its notebook already run.
"""

from __future__ import annotations

import re

import pytest

from browser_checks import ARTIFACTS


def active_cell(page) -> tuple[int, int]:
    """(index of JupyterLab's active cell, number of cells): arrow keys in a quiz must change neither."""
    return page.evaluate("""() => { const notebook = window.jupyterapp.shell.currentWidget.content;
                                   return [notebook.activeCellIndex, notebook.widgets.length]; }""")


def focus_of(page) -> dict:
    """The element with the keyboard focus: tag, input type, text, and how its focus is drawn."""
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.textContent || '').trim(),
                outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
                shadow: style.boxShadow !== 'none'};
    }""")


def has_focus(element) -> bool:
    return element.evaluate("el => el === document.activeElement")


def start_keyboard_at(element) -> None:
    """Give `element` the focus (made focusable for this, outside the Tab order): the next Tab goes to
    the first focusable element inside it. Clicking a cell's output would focus the cell instead."""
    element.evaluate("el => { el.tabIndex = -1; el.focus(); }")


def walk_quiz_by_keyboard(page) -> None:
    """The first single-choice question with the keyboard alone, from the start of its options: Tab into
    the option group (one Tab stop), arrow keys choose, Tab to Check, Enter checks, feedback shows; a new
    choice clears it, Space checks again. Then, from the start of the first typed-answer question, Tab to
    its text box, type, Enter checks, typing again clears the feedback. JupyterLab's active cell never moves."""
    question = page.locator(".rnn-quiz-question").filter(has=page.locator("input[type=radio]")).first
    question.scroll_into_view_if_needed()
    radios = question.locator("fieldset input[type=radio]")
    texts = [t.strip() for t in question.locator("fieldset label").all_inner_texts()]
    assert len(set(radios.evaluate_all("els => els.map(el => el.name)"))) == 1, "one radio group per question"
    assert [t[:1] for t in texts] == [chr(ord("A") + i) for i in range(len(texts))], f"options lettered A, B, …: {texts}"
    feedback = question.get_by_role("status")

    start_keyboard_at(question.locator("fieldset"))
    page.keyboard.press("Tab")
    cell = active_cell(page)  # the quiz's cell, active since the focus came into it
    assert has_focus(radios.nth(0)), f"Tab should reach option A first, not {focus_of(page)}"
    for key in ("ArrowDown", "ArrowDown", "ArrowUp"):
        page.keyboard.press(key)
    assert has_focus(radios.nth(1)) and radios.nth(1).is_checked(), "arrow keys should choose option B"
    assert active_cell(page) == cell, "arrow keys in the options moved JupyterLab's active cell"
    page.keyboard.press("Tab")
    check = focus_of(page)
    assert check["tag"] == "button" and check["text"] == "Check", f"Tab from the options should reach Check: {check}"
    assert check["outline"] >= 2 or check["shadow"], f"the focus on Check is hard to see: {check}"
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=feedback.element_handle())

    page.keyboard.press("Shift+Tab")
    assert has_focus(radios.nth(1)), "Shift+Tab from Check should return to the chosen option"
    page.keyboard.press("ArrowDown")
    assert radios.nth(2).is_checked()
    page.wait_for_function("el => el.textContent.trim() === ''", arg=feedback.element_handle())
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=feedback.element_handle())
    assert active_cell(page) == cell, "the keyboard walk moved JupyterLab's active cell"

    typed = page.locator(".rnn-quiz-question").filter(has=page.locator("input[type=text]")).first
    box, typed_feedback = typed.locator("input[type=text]"), typed.get_by_role("status")
    start_keyboard_at(typed)
    for _ in range(10):  # from the start of the question, Tab on to its text box
        page.keyboard.press("Tab")
        if has_focus(box):
            break
    else:
        raise AssertionError(f"Tab never reached the typed answer's text box; the focus is on {focus_of(page)}")
    cell = active_cell(page)
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=typed_feedback.element_handle())
    page.keyboard.type("0")
    page.wait_for_function("el => el.textContent.trim() === ''", arg=typed_feedback.element_handle())
    assert active_cell(page) == cell, "typing an answer and Enter moved JupyterLab's active cell"


def answer_seed_question(page) -> None:
    """Lesson 02's seed question with the mouse: a wrong answer, its feedback, the right answer, the score."""
    from playwright.sync_api import expect  # here: the module imports without playwright

    question = page.locator(".rnn-quiz-question").filter(has_text="What is the shape of").first
    question.scroll_into_view_if_needed()
    feedback = question.get_by_role("status")
    question.locator("fieldset label", has_text="(10, 1000, 8)").click()
    question.get_by_role("button", name="Check").click()
    expect(feedback).to_contain_text("batch_first")
    expect(feedback).not_to_contain_text("Correct")
    question.locator("fieldset label", has_text="(1000, 10, 8)").click()
    expect(feedback).to_have_text(re.compile(r"^\s*$"))  # a new answer clears the old feedback
    question.get_by_role("button", name="Check").click()
    expect(feedback).to_contain_text("Correct")
    expect(page.get_by_text(re.compile("Score: 1 of")).first).to_be_visible()
    question.screenshot(path=str(ARTIFACTS / "seed_question.png"))


def move_slider(page) -> None:
    """Lesson 04's explorer: the last time step's slider, moved down with the arrow keys, changes the
    probabilities; the keys stay in the slider (JupyterLab's active cell does not move)."""
    from playwright.sync_api import expect

    slider = page.get_by_role("slider", name="value at time step 10")
    shown = page.locator(".rnn-explorer-probabilities")
    before, start = shown.inner_text(), float(slider.input_value())
    slider.focus()
    cell = active_cell(page)
    for _ in range(10):
        page.keyboard.press("ArrowDown")
    assert float(slider.input_value()) == pytest.approx(start - 0.5)  # 10 steps of 0.05: rise, then fall
    expect(shown).not_to_have_text(before)
    assert active_cell(page) == cell, "arrow keys on the slider moved JupyterLab's active cell"
    page.locator(".rnn-explorer").screenshot(path=str(ARTIFACTS / "slider.png"))


def move_horizon(page) -> None:
    """Lesson 06's horizon slider: moved right with the arrow keys, the error table and the figure's alt
    text follow to the new number of years ahead; the keys stay in the slider."""
    from playwright.sync_api import expect

    slider = page.get_by_role("slider", name=re.compile("years ahead"))
    picture = page.locator('.widget-html img[alt^="Line chart of the true values"]')
    start = int(float(slider.input_value()))
    expect(picture).to_have_attribute("alt", re.compile(f"forecasts made {start} year"))
    table = page.locator(".widget-html [role=status]").filter(has=page.locator("table")).first
    before = table.inner_text()
    slider.focus()
    cell = active_cell(page)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert int(float(slider.input_value())) == start + 3
    expect(picture).to_have_attribute("alt", re.compile(f"forecasts made {start + 3} year"))
    expect(table).not_to_have_text(before)
    assert active_cell(page) == cell, "arrow keys on the slider moved JupyterLab's active cell"
    page.locator(".jp-OutputArea-output").filter(has=picture).screenshot(path=str(ARTIFACTS / "horizon.png"))


def step_through_time(page) -> None:
    """Lesson 02's heat map: its "time step" slider, moved with the arrow keys, redraws the picture,
    whose alt text follows (steps 1 to 3 shown)."""
    from playwright.sync_api import expect

    slider = page.get_by_role("slider", name="time step")
    picture = page.locator('.widget-html img[alt^="Heat map"]')
    expect(picture).to_have_attribute("alt", re.compile("Steps 1 to 1 shown"))
    slider.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(picture).to_have_attribute("alt", re.compile("Steps 1 to 3 shown, the rest blank"))
    page.locator(".jp-OutputArea-output").filter(has=picture).screenshot(path=str(ARTIFACTS / "heat_map.png"))
