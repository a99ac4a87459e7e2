# Everyday commands. The two a newcomer needs: `make lab` and `make test`.
# Every target runs tools/course.py, the same script Windows users run as
# `python tools/course.py lab`, so the two routes cannot drift apart. The
# script creates .venv on first use, refreshes it when pyproject.toml (the
# pins) changes, and refuses an unsupported Python in one sentence.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8888
SITE_PORT ?= 8000
COURSE := $(PYTHON) tools/course.py --venv $(VENV)

.PHONY: help lab test execute slides handouts student bench site site-serve original venv clean-venv check-wheels graded class-test class-venv

help:
	@$(COURSE) --help
	@echo "Options: make lab PORT=8899; make PYTHON=python3.12 venv; make bench BENCH_ARGS=--quick; make site-serve SITE_PORT=8001; make original NOTEBOOK=02"

lab:
	@$(COURSE) --port $(PORT) lab

test:
	@$(COURSE) test

execute:
	@$(COURSE) execute

slides:
	@$(COURSE) slides

# One PDF per notebook in handouts/, printed from the decks by Debian's Chromium (offline).
handouts:
	@$(COURSE) handouts

# Copies without solutions for a graded class, in student/ (the notebooks are only read).
student:
	@$(COURSE) student

# For instructors (docs/running-a-class.md), in a second environment, .venv-class, with
# JupyterHub and nbgrader (the class and grading extras) and the proxy from npm.
# An nbgrader course folder in graded/: source and release of every notebook.
graded:
	@$(COURSE) graded

# Autograde canned submissions, then a class of learners on a local JupyterHub (127.0.0.1):
# writes deploy/RESULTS.md. make class-test CLASS_ARGS="--learners 1,2,16" for another class.
class-test:
	@$(COURSE) class-test $(CLASS_ARGS)

# Only create .venv-class (CI does it while it has the network, before the tests).
class-venv:
	@$(COURSE) class-venv

# PyTorch is an optional peer: $(VENV)/bin/pip install torch==2.13.0 adds it to the next run.
bench:
	@$(COURSE) bench $(BENCH_ARGS)

# The course website in build/site/html, built offline from the committed notebooks (docs/website.md).
site:
	@$(COURSE) site

# The same, then served on http://127.0.0.1:$(SITE_PORT)/ (this machine only) until Ctrl+C.
site-serve:
	@$(COURSE) --port $(SITE_PORT) site-serve

venv:
	@$(COURSE) venv

# Only git and the Python standard library: works before `make venv` too.
original:
	@$(COURSE) original $(NOTEBOOK)

# Removes only the virtual environment; notebooks and your edits are never touched.
clean-venv:
	@$(COURSE) clean-venv

# Needs PyPI: CI runs it before the offline tests.
check-wheels:
	@$(COURSE) check-wheels
