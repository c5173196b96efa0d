"""Fixtures shared by several test files.

Nothing heavy is imported at the top: with pytest-xdist the controlling process loads this
file too, and it needs neither torch nor the course.
"""

import subprocess

import pytest


@pytest.fixture
def course_copy(tmp_path):
    """A clone of the committed course, so a test can change notebooks without touching the real ones."""
    from rnn_lesson.course.paths import ROOT

    subprocess.run(["git", "clone", "-q", str(ROOT), str(tmp_path / "course")], check=True)
    return tmp_path / "course"


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium (/usr/bin/chromium) driven by Playwright, for one test module; never `playwright install`."""
    from test_jupyterlab import CHROMIUM, CHROMIUM_ARGS, require_browser  # a test module's names, loaded late

    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
