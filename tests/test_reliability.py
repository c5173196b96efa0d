"""Reliability: every notebook passes nbval twice in a row, in reverse order, with no network at all.

The run happens in a fresh network namespace (`unshare -n`) that has only the loopback
interface, so any attempt to reach the internet fails, while the kernels still talk to
pytest over 127.0.0.1.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))
OFFLINE = ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "offline"]


def offline_or_skip() -> None:
    problem = ""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        problem = "unshare or ip is not installed (Debian: util-linux, iproute2)"
    else:
        probe = subprocess.run([*OFFLINE, sys.executable, "-c",
                                "import socket; socket.create_connection(('pypi.org', 443), 3)"],
                               capture_output=True, text=True)
        if "Operation not permitted" in probe.stderr:
            problem = "no network namespace may be made here (needs root or user namespaces)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the offline test, but {problem}")
        pytest.skip(problem)
    assert probe.returncode != 0, "the network was reachable inside the namespace; the test would prove nothing"


@pytest.mark.slow
def test_notebooks_twice_in_reverse_order_without_network():
    offline_or_skip()
    reverse = [str(p.relative_to(ROOT)) for p in reversed(NOTEBOOKS)]
    result = subprocess.run(
        [*OFFLINE, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
         "--keep-duplicates", "--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
         *reverse, *reverse],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:]
    code_cells = sum(sum(c["cell_type"] == "code" for c in json.loads(p.read_text(encoding="utf-8"))["cells"])
                     for p in NOTEBOOKS)
    assert f"{2 * code_cells} passed" in result.stdout, result.stdout[-500:]  # every cell, both times
