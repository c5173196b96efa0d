#!/usr/bin/env bash
# Try the course with another PyTorch, before widening pyproject.toml's torch range to it:
#   tools/try_torch.sh 2.14.1
# In a scratch environment (default /tmp/rnn-lesson-torch-VERSION; several GB when pip takes PyPI's CUDA build) it
# installs that torch and the course, runs every test that needs no browser, runs every lesson, then compares
# every stored output (strict nbval) and prints the lines that differ. Expected: only each lesson's first line,
# which names the torch in use, and wording of PyTorch's own error messages; and three failed tests, all
# about that first line or the pin: test_device's report, test_locked_down (lesson 01's first line), and
# test_setup's check that the torch under test is the one constraints.txt pins. Seen for 2.9.1 and 2.14.1.
set -euo pipefail
version=${1:?usage: tools/try_torch.sh VERSION}
cd "$(dirname "$0")/.."
venv=${VENV:-/tmp/rnn-lesson-torch-$version}
log=$venv/try.log
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet "torch==$version"
"$venv/bin/python" -m pip install --quiet --editable '.[lab,test]' ./jupyter
export RNN_LESSON_PROGRESS=$(mktemp -d)/progress.sqlite3 MPLCONFIGDIR=$(mktemp -d) OMP_NUM_THREADS=1
run() { "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@" >> "$log" 2>&1 || true; tail -n 1 "$log"; }
: > "$log"
echo "torch $("$venv/bin/python" -c 'import torch; print(torch.__version__)'); full output in $log"
echo -n "tests without a browser: "; run -p no:nbval -m "not browser and not slow" tests
echo -n "every lesson runs: "; run --nbval-lax --nbval-current-env notebooks/0*.ipynb
echo "== stored outputs" >> "$log"
echo -n "stored outputs: "; run --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks/0*.ipynb
echo "lines that differ from the stored outputs (count, -: this torch, +: stored):"
sed -n '/^== stored outputs/,$p' "$log" | grep -E '^  [-+] ' | sort | uniq -c || true
