"""What tests/test_jupyterlab.py looks for in a notebook's outputs, in a Playwright page of JupyterLab.

Nothing here starts a browser or a server: each function takes the page with a notebook already run.
- `audit_outputs`: an axe-core audit of the notebook's outputs only (JupyterLab's own chrome left out).
- `described_images`: every image in the outputs and its alt text.
- `overlapping_options`, `cut_off_outputs`, `wide_code_cells`: does everything fit at this window width
  (`set_window`)?
- `error_texts`: the error messages shown.
tests/browser_walks.py has what a learner does: answer a quiz, move a slider.
"""

from __future__ import annotations

import re

from rnn_lesson.course.paths import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"   # screenshots and axe results, for people to look at
OUTPUTS = ".jp-OutputArea-output"
SERIOUS = ("serious", "critical")
WINDOW_HEIGHT = 900


def audit_outputs(page) -> list[dict]:
    """axe-core's violations in the outputs: rule id, impact, help, and the elements (at most 5 shown)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [OUTPUTS]}, options={"resultTypes": ["violations"]})
    return [{"rule": v["id"], "impact": v["impact"], "count": len(v["nodes"]), "help": v["help"],
             "elements": [{"target": n["target"], "html": n["html"][:300], "why": n["failureSummary"][:300]}
                          for n in v["nodes"][:5]]}
            for v in results.response["violations"]]


def by_impact(violations: list[dict]) -> dict[str, int]:
    """{'critical': 3, 'serious': 1}: how many elements fail, per impact."""
    counts: dict[str, int] = {}
    for v in violations:
        counts[v["impact"]] = counts.get(v["impact"], 0) + v["count"]
    return counts


def described_images(page) -> list[dict]:
    """Every image in the outputs with its alt text ('Image' is JupyterLab's stand-in for a missing one)."""
    return page.locator(f"{OUTPUTS} img").evaluate_all(
        "imgs => imgs.map(img => ({alt: img.getAttribute('alt'), width: img.getBoundingClientRect().width}))")


def overlapping_options(page) -> list[str]:
    """Quiz options whose boxes overlap another option's, or whose radio or check box sits outside its label."""
    return page.evaluate("""() => {
        const questions = document.querySelectorAll('.rnn-quiz-question');
        const problems = questions.length ? [] : ['no quiz question (.rnn-quiz-question) found to check'];
        const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1
                                 && a.bottom <= b.bottom + 1;
        const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
                                  && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        for (const question of questions) {
            const labels = [...question.querySelectorAll('fieldset label')];
            const boxes = labels.map(label => label.getBoundingClientRect());
            const name = i => labels[i].textContent.trim().slice(0, 50);
            boxes.forEach((box, i) => {
                const input = labels[i].querySelector('input');
                if (input && !inside(input.getBoundingClientRect(), box))
                    problems.push(`the button of "${name(i)}" lies outside its label`);
                boxes.slice(i + 1).forEach((other, j) => {
                    if (overlap(box, other)) problems.push(`"${name(i)}" overlaps "${name(i + 1 + j)}"`);
                });
            });
        }
        return problems;
    }""")


def cut_off_outputs(page) -> list[str]:
    """Output text wider than the box that shows it: clipped (overflow hidden, or cut with an ellipsis)
    or left to a sideways scroll bar. Boxes of 1 px, text hidden for screen readers only, are skipped."""
    return page.evaluate("""selector => {
        const problems = [];
        for (const output of document.querySelectorAll(selector)) {
            for (const el of [output, ...output.querySelectorAll('*')]) {
                if (el.clientWidth <= 1 || el.clientHeight <= 1 || el.scrollWidth <= el.clientWidth + 1) continue;
                const style = getComputedStyle(el);
                if (style.overflowX === 'visible' && style.textOverflow !== 'ellipsis') continue;
                problems.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (overflow ${style.overflowX}) `
                              + `shows ${el.clientWidth} of ${el.scrollWidth} px: "${el.textContent.trim().slice(0, 60)}"`);
            }
        }
        return problems;
    }""", OUTPUTS)


def wide_code_cells(page) -> list[str]:
    """Code cells with a line wider than the editor, which would scroll sideways (the first long line each)."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-CodeCell .cm-scroller')]
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => [...el.querySelectorAll('.cm-line')].map(l => l.textContent)
                   .reduce((a, b) => (b.length > a.length ? b : a), '').trim().slice(0, 100))""")


def set_window(page, width: int) -> None:
    """Resize the window, with JupyterLab's file browser open in the left sidebar, and let it lay out."""
    page.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})
    page.evaluate("async () => { await window.jupyterapp.commands.execute('filebrowser:activate'); }")
    page.locator(".jp-FileBrowser").first.wait_for(state="visible")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def error_texts(page) -> list[str]:
    outputs = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
    return [text for text in outputs if "Traceback" in text or re.search(r"^\w*(Error|Exception)\b", text, re.M)]
