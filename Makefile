# rnn-lesson: `make lab` opens the course, `make test` runs every test.
# Both create .venv when it is missing and reinstall only when pyproject.toml changed.

PYTHON ?= python3
BIN := .venv/bin
PORT ?= 8888
LAB_ARGS ?=
LAB_ROOT ?= .
NOTEBOOKS := $(sort $(wildcard notebooks/0*.ipynb))

.PHONY: help setup lab test check execute answer-key bench site clean

help:
	@echo "make lab      open the course in JupyterLab (http://127.0.0.1:$(PORT))"
	@echo "make test     run every test: the package, every notebook (strict nbval, offline), JupyterLab in Chromium"
	@echo "make check    is this machine ready for the course? (pre-flight check)"
	@echo "make execute  re-run every notebook in place to refresh its stored outputs"
	@echo "make answer-key  regenerate instructor/answer_key.md from the quiz banks and exercises"
	@echo "make bench    time every notebook against an import-only notebook"
	@echo "make site     build the course as a static website in site/ (offline; open site/index.html)"
	@echo "make clean    remove .venv and site/"

# tools/course.py does the setup (the same script is the route without make, e.g. on Windows): it creates .venv
# when missing and installs the course (editable, with JupyterLab and its test tools, torch pinned by
# constraints.txt) and its Jupyter settings (jupyter/: offline, no news, long lines wrapped), again only when
# one of those files changed. On Linux without an NVIDIA GPU, PyTorch comes from its CPU-only index.
setup:
	@$(PYTHON) tools/course.py setup

lab:
	$(PYTHON) tools/course.py lab --port $(PORT) --root $(LAB_ROOT) $(LAB_ARGS)

check: setup
	$(BIN)/python -m rnn_lesson check

# Every test, the pre-flight check (tests/test_cli.py) and every notebook included: the notebooks run
# inside tests/test_notebook_runs.py (strict nbval, offline, forwards then in reverse), and JupyterLab
# in Chromium in tests/test_jupyterlab.py. tools/course.py names those two long runs first, so that they
# start first, one on each of the two workers.
test:
	$(PYTHON) tools/course.py test

# Outputs must not depend on anyone's saved progress: execute with an empty, temporary progress file.
# Then notebooks/.shipped.json records these notebooks as the shipped ones (what reset restores).
execute: setup
	RNN_LESSON_PROGRESS=$$(mktemp -d)/progress.sqlite3 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.store_widget_state=False \
		--ExecutePreprocessor.record_timing=False \
		--ExecutePreprocessor.timeout=300 $(NOTEBOOKS)
	$(BIN)/python -c 'from rnn_lesson.course.workshop.reset import record_shipped; record_shipped()'

answer-key: setup
	$(BIN)/python -m rnn_lesson answer-key > instructor/answer_key.md

bench: setup
	RNN_LESSON_PROGRESS=$$(mktemp -d)/progress.sqlite3 $(BIN)/python tools/bench.py

# The course as a static website in site/, offline (no CDN; math as MathML), from the notebooks' stored outputs.
# Everything is rebuilt, so no page of a renamed lesson is left behind.
site: setup
	rm -rf site
	$(BIN)/python tools/site/build.py --out site

clean:
	rm -rf .venv site
