# Everyday commands. The two a newcomer needs: `make lab` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.course-installed
PORT ?= 8888

.PHONY: help lab test execute slides bench original venv clean-venv

help:
	@echo "make lab      - install the course into $(VENV) (first time only) and start JupyterLab"
	@echo "make test     - run every test: course_utils, the course checks and all notebooks (nbval)"
	@echo "make execute  - re-run every notebook top to bottom in a fresh kernel and save its outputs"
	@echo "make slides   - turn every notebook into a reveal.js slide deck in slides/ (opens offline)"
	@echo "make bench    - time the layers against scipy/PyTorch and the notebooks; writes benchmarks/RESULTS.md"
	@echo "make original NOTEBOOK=02 - a clean copy of notebook 02 beside yours (yours is kept)"
	@echo "make venv     - only create $(VENV) and install the course into it"
	@echo "Options: PORT=8899 make lab; PYTHON=python3.12 make venv; BENCH_ARGS=--quick make bench"

# The virtual environment, rebuilt when pyproject.toml (the pins) changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "This course needs Python 3.10 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 lab")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e ".[test]"
	@touch $(STAMP)

venv: $(STAMP)

lab: $(STAMP)
	$(BIN)/python tools/start_lab.py --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

slides: $(STAMP)
	$(BIN)/python tools/make_slides.py

# PyTorch is an optional peer: $(BIN)/pip install torch==2.13.0 adds it to the next run.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# Only git and the Python standard library: works before `make venv` too.
original:
	@test -n "$(NOTEBOOK)" || { echo "Say which notebook, e.g.: make original NOTEBOOK=02"; exit 2; }
	$(PYTHON) tools/original_notebook.py "$(NOTEBOOK)"

# Removes only the virtual environment; notebooks and your edits are never touched.
clean-venv:
	rm -rf $(VENV)
