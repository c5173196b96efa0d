"""JupyterLab as a learner opens it: `make lab` serves the course, and every notebook runs in Chromium.

The server is started with `make lab`, the README's command, on a free port with a token and
fresh Jupyter folders, serving a copy of the course (JupyterLab may write checkpoints). The first
test checks what `make lab` promises: localhost only, a token required, lesson 01 in view. Then,
in Debian's Chromium driven by Playwright, one page opens each notebook in turn and runs it once
(Run All, then wait for the kernel); on that run:
- no error appeared other than in the cells meant to fail, and the live quiz replaced its static copy;
- the notebook's first quiz works with the keyboard alone (tests/browser_walks.py says how);
- lesson 02's seed question is answered wrongly then rightly with the mouse; lesson 04's explorer
  slider moves with the arrow keys and the probabilities follow;
- at a 1280 px and then a 900 px wide window, both with the file browser open: an axe-core audit of
  the outputs finds nothing serious or critical, every figure has alt text, quiz options do not
  overlap, and no output or code is cut off at the side.
Then lesson 01 is edited without saving and `python -m rnn_lesson reset 01` must refuse, the edit still
in the editor. The last test reads the server's log: no errors, and so no offline feature left on. Screenshots and
each notebook's axe results (axe-<notebook>.json) land in test-artifacts/browser/. The browser tests
are skipped without Chromium, except under CI=true, where a missing browser fails the run.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from browser_checks import (ARTIFACTS, SERIOUS, WINDOW_HEIGHT, audit_outputs, by_impact, cut_off_outputs,
                            described_images, error_texts, overlapping_options, set_window, wide_code_cells)
from browser_walks import answer_seed_question, move_horizon, move_slider, step_through_time, walk_quiz_by_keyboard
from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import NOTEBOOK_DIR, ROOT

CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOKS = [lesson.path for lesson in LESSONS]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "course-test-token"
WIDTHS = (1280, 900)  # a laptop, and a small window with the file browser open

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
        wait_for_server(port, TOKEN, server, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop(server)


def wait_for_server(port: int, token: str, server: subprocess.Popen, log: Path) -> None:
    """Wait (up to a minute) until the Jupyter server on `port` answers; fail with its log if it stops or never does."""
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                pytest.fail("JupyterLab did not start:\n" + log.read_text()[-2000:])
            time.sleep(0.3)


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


def require_browser() -> None:
    """Skip a browser test where Chromium or Playwright is missing; under CI=true, fail instead."""
    missing = browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def browser(lab, chromium):
    return chromium  # after the server: JupyterLab starts first


@pytest.fixture(scope="module")
def page(browser, lab):
    """One JupyterLab page for the module: each notebook opens in it and closes after its tests,
    so JupyterLab itself loads once, not once per notebook."""
    url, _ = lab
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": WINDOW_HEIGHT})
    page.goto(f"{url}/lab?token={TOKEN}&reset")
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=60_000)
    page.evaluate("async () => { await window.jupyterapp.restored; }")
    yield page
    page.close()


@dataclass
class RunNotebook:
    """A notebook open in the page after Run All, and what its tests found (written out at the end)."""
    path: Path
    axe: dict[str, list[dict]] = field(default_factory=dict)   # "1280px" -> violations
    wide_code: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request, page):
    """Each notebook is opened and run once; every test below that takes it works on that one run."""
    path, started = request.param, time.perf_counter()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    run = RunNotebook(path)
    try:
        set_window(page, WIDTHS[0])
        open_and_run_all(page, path.name)
        print(f"{path.name}: open and run all took {time.perf_counter() - started:.1f} s")
        yield run
    finally:
        set_window(page, WIDTHS[0])
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        if run.axe:  # a run with -k may have skipped the audits: keep the last results then
            summary = {"notebook": path.name, "axe_violations": run.axe, "code_lines_wider_than_the_cell": run.wide_code}
            (ARTIFACTS / f"axe-{path.stem}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
        shut_down_and_close(page)
        print(f"{path.name}: all its browser tests took {time.perf_counter() - started:.1f} s")


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
    """Stop the notebook's kernel and close it without saving: the next notebook starts from a clean page."""
    page.evaluate("""async () => {
        const notebook = window.jupyterapp.shell.currentWidget;
        await notebook.sessionContext.shutdown();
        notebook.context.model.dirty = false;
        notebook.close();
    }""")
    page.locator(".jp-Notebook").first.wait_for(state="detached")


INTERACTIONS = {"02_the_rnn_layer": [step_through_time, answer_seed_question], "04_prediction": [move_slider],
                "06_per_step_prediction": [move_horizon]}


@pytest.mark.browser
def test_notebook_runs_all_without_errors(notebook, page):
    first_prompt = page.locator(".jp-CodeCell .jp-InputArea-prompt").first.text_content()
    assert first_prompt.strip() == "[1]:", "Run All did not start from the first cell"
    errors = error_texts(page)
    assert len(errors) == expected_errors(notebook.path), errors
    assert page.locator(".rnn-lesson-quiz").count() == 0, "static quiz copy shown beside the live widget"
    assert page.get_by_role("button", name="Check").count() >= 3, "the live quiz is missing"


@pytest.mark.browser
def test_quiz_works_with_the_keyboard_alone(notebook, page):
    walk_quiz_by_keyboard(page)


@pytest.mark.browser
def test_the_lessons_interactive_part(notebook, page):
    if notebook.path.stem not in INTERACTIONS:
        pytest.skip("no interactive part beyond the quiz")
    for interaction in INTERACTIONS[notebook.path.stem]:
        interaction(page)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_outputs_are_accessible_and_fit_the_window(notebook, page, width):
    """axe finds nothing serious in the outputs, every figure says what it shows, nothing overlaps, and
    neither outputs nor code are cut off at the side (code cells wrap long lines: jupyter/overrides.json)."""
    set_window(page, width)
    violations = audit_outputs(page)
    notebook.axe[f"{width}px"] = violations
    notebook.wide_code[f"{width}px"] = wide_code_cells(page)
    print(f"{notebook.path.name} at {width} px: axe {by_impact(violations) or 'no violations'}"
          + "".join(f"\n  {v['rule']} ({v['impact']}): {v['count']}" for v in violations))
    problems = [f"axe {v['rule']} ({v['impact']}, {v['count']}x): {v['help']}; e.g. {v['elements'][0]['html']}"
                for v in violations if v["impact"] in SERIOUS]
    problems += [f"an image without alt text: {image}" for image in described_images(page)
                 if not image["alt"] or image["alt"] == "Image"]  # "Image": JupyterLab's stand-in for none
    problems += overlapping_options(page) + cut_off_outputs(page)
    problems += [f"a code line wider than its cell: {line}" for line in notebook.wide_code[f"{width}px"]]
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_reset_refuses_a_notebook_with_unsaved_edits_and_the_edit_stays(browser, lab):
    """Edit lesson 01 in JupyterLab without saving, run `python -m rnn_lesson reset 01`: refused, edit kept."""
    url, log = lab
    course = log.parent / "course"
    notebook = course / "notebooks" / "01_input_shaping.ipynb"
    on_disk = notebook.read_bytes()
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": WINDOW_HEIGHT})
    try:
        page.goto(f"{url}/lab/workspaces/reset-test/tree/notebooks/01_input_shaping.ipynb?token={TOKEN}&reset")
        page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
        editor = page.locator(".jp-CodeCell .cm-content").first
        editor.click()
        page.keyboard.press("End")
        page.keyboard.type("  # my unsaved edit")
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(log.parent / "runtime"))
        result = subprocess.run([sys.executable, "-m", "rnn_lesson", "reset", "01", "--root", str(course)],
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "01_input_shaping.ipynb is open in JupyterLab" in result.stdout
        assert "Close and Shut Down Notebook" in result.stdout
        assert notebook.read_bytes() == on_disk and not (course / "backups").exists()
        assert "# my unsaved edit" in editor.text_content()
        assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty")
    finally:
        shut_down_and_close(page)
        page.close()


def test_jupyterlab_logged_no_errors(lab):
    """Read last, after every notebook ran: an error line often means an offline feature left on."""
    _, log = lab
    errors = [line for line in log.read_text().splitlines() if line.startswith("[E")]
    assert errors == [], errors
