"""The course in a real browser: JupyterLab driven through Debian's Chromium by Playwright.

For every notebook: open it, Run All, wait for the kernel, assert that no error appeared
other than the cells meant to fail. In lesson 02, answer the seed quiz question wrongly then
rightly and read the feedback; in lesson 04, move a slider and see the probabilities change.
Screenshots land in test-artifacts/browser/. Select with `-m browser`; skipped without
Chromium, except under CI=true, where a missing browser fails the run.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import NOTEBOOK_DIR, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
NOTEBOOKS = [lesson.path for lesson in LESSONS]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free port with a token, serving a copy of the notebooks; always stopped."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {missing}")
        pytest.skip(missing)
    base = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOK_DIR, base / "course")
    # Render every cell (JupyterLab otherwise leaves cells outside the window out of the page).
    tracker = base / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "browser-test"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={base / 'course'}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("JupyterLab did not start")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def expected_errors(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("raises-exception" in c.get("metadata", {}).get("tags", []) for c in cells)


def open_and_run_all(browser, lab, name: str):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab/tree/{name}?token={token}&reset")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
    page.wait_for_function(  # every code cell numbered, none pending
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
        }""", timeout=120_000, polling=250)  # poll 4 times a second, not every frame: the kernel needs the CPU
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    return page


def error_texts(page) -> list[str]:
    outputs = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').all_text_contents()
    return [text for text in outputs if "Traceback" in text or re.search(r"^\w*(Error|Exception)\b", text, re.M)]


def answer_seed_question(page) -> None:
    """Lesson 02's seed question: a wrong answer, its feedback, the right answer, success and score."""
    from playwright.sync_api import expect

    question = (page.locator(".widget-vbox").filter(has_text="What is the shape of")
                .filter(has=page.locator(".widget-radio-box")).last)
    question.scroll_into_view_if_needed()
    feedback = question.locator(".widget-html").last
    question.get_by_label("(10, 1000, 8)").check()
    question.get_by_role("button", name="Check").click()
    page.wait_for_function("el => el.textContent.includes('Not quite')", arg=feedback.element_handle())
    assert "batch_first" in feedback.inner_text()
    question.get_by_label("(1000, 10, 8)").check()
    question.get_by_role("button", name="Check").click()
    page.wait_for_function("el => el.textContent.includes('Correct')", arg=feedback.element_handle())
    expect(page.locator(".widget-label", has_text="Score:").first).to_contain_text("Score: 1 of")
    question.screenshot(path=str(ARTIFACTS / "seed_question.png"))


def move_slider(page) -> None:
    """Lesson 04's explorer: drag the first time step's slider; the probabilities must change."""
    explorer = page.locator(".widget-vbox").filter(has=page.locator(".widget-vslider")).last
    explorer.scroll_into_view_if_needed()
    shown = explorer.locator(".widget-html pre")
    before = shown.inner_text()
    box = explorer.locator(".noUi-handle").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 150, steps=10)
    page.mouse.up()
    page.wait_for_function("([el, old]) => el.textContent !== old", arg=[shown.element_handle(), before])
    explorer.screenshot(path=str(ARTIFACTS / "slider.png"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(browser, lab, path):
    started = time.perf_counter()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = open_and_run_all(browser, lab, path.name)
    try:
        first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first.text_content()
        assert first_prompt.strip() == "[1]:", "Run All did not start from the first cell"
        errors = error_texts(page)
        assert len(errors) == expected_errors(path), errors
        assert page.locator(".rnn-lesson-quiz").count() == 0, "static quiz copy shown beside the live widget"
        assert page.get_by_role("button", name="Check").count() >= 3, "the live quiz is missing"
        if path.stem == "02_the_rnn_layer":
            answer_seed_question(page)
        if path.stem == "04_prediction":
            move_slider(page)
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        print(f"{path.name}: open, run all and checks took {time.perf_counter() - started:.1f} s")
        page.close()
