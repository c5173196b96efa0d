"""JupyterLab as a learner opens it: `make lab` serves the course, and every notebook runs in Chromium.

The server is started with `make lab`, the README's command, on a free port with a token and
fresh Jupyter folders, serving a copy of the course (JupyterLab may write checkpoints). The first
test checks what `make lab` promises: localhost only, a token required, lesson 01 in view. Then,
in Debian's Chromium driven by Playwright, for every notebook: open it, Run All, wait for the
kernel, and assert that no error appeared other than in the cells meant to fail; in lesson 02
answer the seed quiz question wrongly then rightly and read the feedback; in lesson 04 drag a
slider and see the probabilities change. The last test reads the server's log: no errors, and
so no offline feature left on. Screenshots land in test-artifacts/browser/. The browser tests
are skipped without Chromium, except under CI=true, where a missing browser fails the run.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
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
TOKEN = "course-test-token"

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a free port with a token, serving a copy of the course; yields its URL and log file."""
    # make test runs this module beside the notebook runs, the longest test. Where the two share the
    # cores, the notebook runs go first: this worker, and the server, kernels and browser it starts,
    # step back (nice). Alone on a machine, nothing changes.
    os.nice(10)
    base = tmp_path_factory.mktemp("lab")
    shutil.copytree(NOTEBOOK_DIR, base / "course" / "notebooks")
    # Render every cell (JupyterLab otherwise leaves cells outside the window out of the page).
    tracker = base / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    port, log = free_port(), base / "lab.log"
    env = dict(os.environ, JUPYTER_TOKEN=TOKEN, JUPYTER_CONFIG_DIR=str(base / "config"),
               JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    # window.jupyterapp lets the tests open and close notebooks in one page.
    lab_args = "--no-browser --ServerApp.port_retries=0 --LabApp.expose_app_in_browser=True"
    with open(log, "wb") as output:
        server = subprocess.Popen(["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}",
                                   f"LAB_ROOT={base / 'course'}"],
                                  cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    pytest.fail("make lab did not start JupyterLab:\n" + log.read_text()[-2000:])
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop make and the JupyterLab it started (their own process group), however far they got."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser(lab):
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, lab):
    """One JupyterLab page for the module: each test opens its notebook in it and closes it afterwards,
    so JupyterLab itself loads once, not once per notebook."""
    url, _ = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/lab?token={TOKEN}&reset")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    yield page
    page.close()


def test_make_lab_serves_the_course_on_localhost_with_a_token(lab):
    url, log = lab
    with urllib.request.urlopen(f"{url}/?token={TOKEN}", timeout=10) as response:
        status, page, landed = response.status, response.read().decode(), response.url
    assert status == 200 and "JupyterLab" in page
    assert "/lab/tree/notebooks/01_input_shaping.ipynb" in landed, "the first notebook should open in view"
    with pytest.raises(urllib.error.HTTPError) as refused:  # token authentication is on
        urllib.request.urlopen(f"{url}/api/contents", timeout=5)
    assert refused.value.code == 403
    with urllib.request.urlopen(f"{url}/api/contents/notebooks/01_input_shaping.ipynb?token={TOKEN}&content=0",
                                timeout=5) as response:
        assert response.status == 200
    assert "http://127.0.0.1:" in log.read_text(), "make lab should print the link to open"


def expected_errors(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return sum("raises-exception" in c.get("metadata", {}).get("tags", []) for c in cells)


def open_and_run_all(page, name: str) -> None:
    page.evaluate("async path => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
                  f"notebooks/{name}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item", has_text="Run All Cells").first.click()
    page.wait_for_function(  # every code cell numbered, none pending
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent);
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p));
        }""", timeout=120_000, polling=250)  # poll 4 times a second, not every frame: the kernel needs the CPU
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)


def shut_down_and_close(page) -> None:
    """Stop the notebook's kernel and close it without saving: the next test starts from a clean page."""
    page.evaluate("""async () => {
        const notebook = window.jupyterapp.shell.currentWidget;
        await notebook.sessionContext.shutdown();
        notebook.context.model.dirty = false;
        notebook.close();
    }""")
    page.locator(".jp-Notebook").first.wait_for(state="detached")


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
    """Lesson 04's explorer: drag the last time step's slider down; the probabilities must change."""
    explorer = page.locator(".widget-vbox").filter(has=page.locator(".widget-vslider")).last
    shown = explorer.locator(".widget-html pre")
    before = shown.inner_text()
    handle = explorer.locator(".noUi-handle").last
    handle.evaluate("el => el.scrollIntoView({block: 'center'})")  # room to drag, inside the window
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 80, steps=10)  # t10 from 1.0 down: rise, then fall
    page.mouse.up()
    page.wait_for_function("([el, old]) => el.textContent !== old", arg=[shown.element_handle(), before])
    explorer.screenshot(path=str(ARTIFACTS / "slider.png"))


@pytest.mark.browser
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_jupyterlab(page, path):
    started = time.perf_counter()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    open_and_run_all(page, path.name)
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
        shut_down_and_close(page)


def test_jupyterlab_logged_no_errors(lab):
    """Read last, after every notebook ran: an error line often means an offline feature left on."""
    _, log = lab
    errors = [line for line in log.read_text().splitlines() if line.startswith("[E")]
    assert errors == [], errors
