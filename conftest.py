"""Shared by every pytest run in this repository, unit tests and nbval alike.

Point the progress file at a temporary folder before anything runs, so tests and the
kernels nbval starts (they inherit this environment) never touch a learner's real progress.
"""

import os
import tempfile


def pytest_configure(config):
    folder = tempfile.mkdtemp(prefix="rnn-lesson-test-progress-")
    os.environ["RNN_LESSON_PROGRESS"] = os.path.join(folder, "progress.sqlite3")
