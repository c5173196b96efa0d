# rnn-lesson: `make lab` opens the course, `make test` runs every test.
# Both create .venv when it is missing and reinstall only when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888
LAB_ARGS ?=
LAB_ROOT ?= .
NOTEBOOKS := $(sort $(wildcard notebooks/0*.ipynb))

# JupyterLab refuses to run as root without --allow-root (containers and CI run as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help lab test check execute answer-key bench clean

help:
	@echo "make lab      open the course in JupyterLab (http://127.0.0.1:$(PORT))"
	@echo "make test     run every test: the package, every notebook (strict nbval, offline), JupyterLab in Chromium"
	@echo "make check    is this machine ready for the course? (pre-flight check)"
	@echo "make execute  re-run every notebook in place to refresh its stored outputs"
	@echo "make answer-key  regenerate instructor/answer_key.md from the quiz banks and exercises"
	@echo "make bench    time every notebook against an import-only notebook"
	@echo "make clean    remove .venv"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rnn-lesson needs Python 3.11 or newer, and $(PYTHON) is " + sys.version.split()[0] + ". Run with a newer one, e.g.: make test PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

# The course (editable, with its test tools) and its Jupyter settings (jupyter/: offline, no news, no
# update checks, long code lines wrapped), which go into the environment so any `jupyter lab` uses them.
$(STAMP): pyproject.toml jupyter/pyproject.toml jupyter/jupyter_lab_config.json jupyter/overrides.json | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]' ./jupyter
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir=$(LAB_ROOT) \
		--LabApp.default_url=/lab/tree/notebooks/01_input_shaping.ipynb $(ROOT_FLAG) $(LAB_ARGS)

check: $(STAMP)
	$(BIN)/python -m rnn_lesson check

# Every test, the pre-flight check (tests/test_cli.py) and every notebook included: the notebooks run
# inside tests/test_notebook_runs.py (strict nbval, offline, forwards then in reverse), and JupyterLab
# in Chromium in tests/test_jupyterlab.py. Those two long runs are named first so that they start
# first, one on each of the two workers. One thread per process: more only spin waiting on the other.
test: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder -p no:nbval \
		--durations=8 tests/test_notebook_runs.py tests/test_jupyterlab.py tests

# Outputs must not depend on anyone's saved progress: execute with an empty, temporary progress file.
# Then notebooks/.shipped.json records these notebooks as the shipped ones (what reset restores).
execute: $(STAMP)
	RNN_LESSON_PROGRESS=$$(mktemp -d)/progress.sqlite3 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.store_widget_state=False \
		--ExecutePreprocessor.record_timing=False \
		--ExecutePreprocessor.timeout=300 $(NOTEBOOKS)
	$(BIN)/python -c 'from rnn_lesson.course.workshop.reset import record_shipped; record_shipped()'

answer-key: $(STAMP)
	$(BIN)/python -m rnn_lesson answer-key > instructor/answer_key.md

bench: $(STAMP)
	RNN_LESSON_PROGRESS=$$(mktemp -d)/progress.sqlite3 $(BIN)/python tools/bench.py

clean:
	rm -rf $(VENV)
