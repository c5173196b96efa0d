"""Every notebook, run by nbval in strict mode: each stored output must be what the code prints today.

One run covers what a learner relies on: every notebook forwards (01 to 07), then every one again
in reverse order (05 to 01), all in one environment with one progress file, so each notebook runs
twice in a row, after every other one, and never depends on the others' order or leftovers. The run
happens in a fresh network namespace (`unshare --net`) that has only the loopback interface, so any
attempt to reach the internet fails while the kernels still talk to nbval over 127.0.0.1.
A canary notebook closes the run: its stored output was typed in by hand, and the same run, with the
same settings, must fail it, which proves the run really compares outputs.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_lesson.course.lessons import LESSONS
from rnn_lesson.course.paths import ROOT

NOTEBOOKS = [str(lesson.path.relative_to(ROOT)) for lesson in LESSONS]
OFFLINE = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]
NBVAL = ["-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q", "--keep-duplicates", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]


def offline_prefix() -> list[str]:
    """The command prefix that cuts the network, checked to work; [] (online) where none can be made."""
    problem = ""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        problem = "unshare or ip is not installed (Debian: util-linux, iproute2)"
    else:
        probe = subprocess.run([*OFFLINE, sys.executable, "-c",
                                "import socket; socket.create_connection(('pypi.org', 443), 3)"],
                               capture_output=True, text=True)
        if "Operation not permitted" in probe.stderr:
            problem = "no network namespace may be made here (needs root or user namespaces)"
        else:
            assert probe.returncode != 0, "the network was reachable inside the namespace; the run would prove nothing"
    if not problem:
        return OFFLINE
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the notebooks offline, but {problem}")
    print(f"running the notebooks with the network on: {problem}")
    return []


def write_canary(folder: Path) -> Path:
    """A two-cell notebook whose first stored output was typed in by hand; the second is right."""
    import nbformat  # here, not at the top: it takes a second to import, and only this test needs it

    cells = [nbformat.v4.new_code_cell("print(6 * 7)"), nbformat.v4.new_code_cell("print('unchanged')")]
    for count, (cell, text) in enumerate(zip(cells, ["an output somebody typed in by hand\n", "unchanged\n"]), 1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    kernelspec = {"name": "python3", "display_name": "Python 3"}
    path = folder / "canary_altered_output.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec}), path)
    return path


@pytest.mark.slow
def test_every_notebook_forwards_then_in_reverse_offline_with_strict_outputs(tmp_path):
    canary = write_canary(tmp_path)
    result = subprocess.run([*offline_prefix(), sys.executable, *NBVAL, *NOTEBOOKS, *reversed(NOTEBOOKS), str(canary)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    code_cells = sum(sum(c["cell_type"] == "code" for c in json.loads((ROOT / p).read_text(encoding="utf-8"))["cells"])
                     for p in NOTEBOOKS)
    # The canary lies outside the course folder, so its test ids have no file part: "::Cell 0".
    failed = re.findall(r"^FAILED (\S*)::Cell (\d+)", result.stdout, flags=re.M)
    assert failed == [("", "0")], result.stdout[-6000:]
    assert "Cell outputs differ" in result.stdout and "an output somebody typed in by hand" in result.stdout
    assert f"1 failed, {2 * code_cells + 1} passed" in result.stdout, result.stdout[-500:]  # every cell, both times
