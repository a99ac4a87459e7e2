"""Test-wide settings.

- Jupyter, IPython and matplotlib write only to a temp folder.
- Exercise checkers raise on their own bugs (course_utils/exercises/verdict.py).
- Hypothesis draws the same examples on every run.
- The property tests' examples are counted (in every pytest-xdist worker,
  added up by the controller); a full run (`make test`) fails if they add up
  to fewer than MIN_PROPERTY_EXAMPLES.
"""

import functools
import importlib.util
import os
import shutil
import sys
import tempfile
from collections import Counter

import pytest
from hypothesis import settings

_SCRATCH = tempfile.mkdtemp(prefix="course-tests-")
for _name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
              "IPYTHONDIR", "MPLCONFIGDIR"):
    os.environ[_name] = os.path.join(_SCRATCH, _name.lower())
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # keep debugpy's warning out of outputs
# A bug in an exercise checker raises (fails the run) instead of apologising
# to the learner; every kernel the tests start (nbval's too) inherits it.
os.environ["COURSE_STRICT_CHECKERS"] = "1"
# Chromium keeps its crash reports under XDG_CONFIG_HOME (else ~/.config).
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SCRATCH, "xdg_config")
# make test runs more pytest-xdist workers than cores, and each worker's kernels would start a
# BLAS thread per core on top: with the cores oversubscribed, OpenBLAS's waiting threads
# made one matrix product 10-40 times slower (seen while measuring issue 23). One BLAS
# thread per process; a variable already set is kept.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

# Offline: this process and every kernel the tests start refuse to reach
# another machine (tests/no_network.py); .ci/run also cuts the network itself.
_spec = importlib.util.spec_from_file_location(
    "course_no_network", os.path.join(os.path.dirname(__file__), "tests", "no_network.py"))
no_network = importlib.util.module_from_spec(_spec)
sys.modules["course_no_network"] = no_network  # one copy: tests reach it by this name
_spec.loader.exec_module(no_network)
no_network.install()
_STARTUP = os.path.join(os.environ["IPYTHONDIR"], "profile_default", "startup")
os.makedirs(_STARTUP, exist_ok=True)
with open(os.path.join(_STARTUP, "00-course-no-network.py"), "w") as _file:
    _file.write(no_network.startup_script())

# Same examples on every run, so a CI failure can be reproduced locally.
settings.register_profile("course", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("course")


sys.modules["course_conftest"] = sys.modules[__name__]  # tests reach the counter by this name

#: Examples the property tests must run in all, in a full run.
MIN_PROPERTY_EXAMPLES = 2000
#: Examples run per property test (its function's qualified name).
PROPERTY_EXAMPLES: Counter = Counter()


def count_examples(test, name: str) -> None:
    """Count every example Hypothesis runs for ``test`` under ``name``.

    ``test.hypothesis.inner_test`` is the body Hypothesis calls once per
    example; replacing it is Hypothesis's documented hook for plugins.
    """
    inner = test.hypothesis.inner_test

    @functools.wraps(inner)
    def counted(*args, **kwargs):
        PROPERTY_EXAMPLES[name] += 1
        return inner(*args, **kwargs)

    test.hypothesis.inner_test = counted


# Solution cells keep no saved output; under nbval they print "Correct" (tests/nbval_solutions.py).
_spec = importlib.util.spec_from_file_location(
    "nbval_solutions", os.path.join(os.path.dirname(__file__), "tests", "nbval_solutions.py"))
nbval_solutions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbval_solutions)


# Every other cell prints the text of the committed run: the determinism check (tests/nbval_determinism.py).
_spec = importlib.util.spec_from_file_location(
    "nbval_determinism", os.path.join(os.path.dirname(__file__), "tests", "nbval_determinism.py"))
nbval_determinism = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbval_determinism)


#: The slowest tests, by where they live, run first: under pytest-xdist (`make test`
#: runs `--dist loadfile --no-loadscope-reorder`, with the units of work below, each on
#: one worker, in this order) a worker that finishes early takes the many short files,
#: and no worker is left with a long one at the end.
SLOW_FIRST = ("tests/test_browser.py::test_every_link", "tests/test_slides_live_fit.py",
              "tests/test_site.py", "tests/test_browser.py::test_notebook_runs", "notebooks/04", "notebooks/05",
              "tests/test_slides_fit.py", "tests/test_slides_offline.py", "tests/test_handouts.py",
              "tests/test_summary.py", "tests/test_browser.py", "tests/test_exercises_verdict.py",
              "tests/test_setup.py", "tests/test_determinism.py", "notebooks/03", "notebooks/02",
              "notebooks/01")
#: Tests that are each a unit of work of their own: a whole notebook run in JupyterLab
#: needs nothing from the tests beside it. Any other test goes with its file, as in
#: `--dist loadfile`: a notebook's cells share one kernel, and a file's tests often
#: share what a module fixture made once (decks, measurements, PDFs).
ONE_TEST_A_UNIT = ("tests/test_browser.py::test_notebook_runs",)


def slow_first_rank(item) -> int:
    return next((rank for rank, start in enumerate(SLOW_FIRST) if item.nodeid.startswith(start)),
                len(SLOW_FIRST))


#: Files whose tests share what a session fixture made (tests/conftest.py's ``open_decks``:
#: every deck loaded once), so they go to one worker together.
SHARED_UNITS = {"tests/test_slides_fit.py": "the open decks",
                "tests/test_slides_offline.py": "the open decks"}


def unit_of_work(nodeid: str) -> str:
    """The tests one pytest-xdist worker runs together: a file (or SHARED_UNITS' group of
    files), or one test of ONE_TEST_A_UNIT."""
    if nodeid.startswith(ONE_TEST_A_UNIT):
        return nodeid
    file = nodeid.split("::", 1)[0]
    return SHARED_UNITS.get(file, file)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown to pytest without it
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, with the units of work of :func:`unit_of_work`.

    (xdist's own `--dist loadgroup` marks cannot do this with pytest 9, which no
    longer lets xdist rename a test to carry its group.)
    """
    if config.getvalue("dist") != "loadfile":
        return None  # xdist's own scheduler
    from xdist.scheduler import LoadScopeScheduling

    class UnitsOfWork(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return UnitsOfWork(config, log)


def pytest_collection_modifyitems(items):
    nbval_solutions.judge_solution_cells(items)
    nbval_determinism.compare_text_of_cells(items)
    items.sort(key=slow_first_rank)  # stable: each file's tests keep their order
    wrapped = set()
    for item in items:
        test = getattr(item, "obj", None)
        if hasattr(test, "hypothesis") and id(test) not in wrapped:
            wrapped.add(id(test))  # a parametrized test is one function
            count_examples(test, f"{item.module.__name__}.{test.__qualname__}")


def _is_full_run(config) -> bool:
    """True for `pytest` with no paths, -k, -m or --deselect: what `make test` runs."""
    option = config.option
    return (config.args_source is pytest.Config.ArgsSource.TESTPATHS
            and not option.keyword and not option.markexpr and not option.deselect
            and not option.collectonly and not option.setupplan)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown to pytest without it
def pytest_testnodedown(node, error):
    """Under pytest-xdist (`make test` runs several workers), add up what each worker counted."""
    PROPERTY_EXAMPLES.update(getattr(node, "workeroutput", {}).get("property_examples", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if PROPERTY_EXAMPLES:
        total = sum(PROPERTY_EXAMPLES.values())
        terminalreporter.write_line(
            f"hypothesis: {total:,} examples in {len(PROPERTY_EXAMPLES)} property tests "
            f"(a full run needs at least {MIN_PROPERTY_EXAMPLES:,})"
        )


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its counts go to the controller
        workeroutput["property_examples"] = dict(PROPERTY_EXAMPLES)
        return
    total = sum(PROPERTY_EXAMPLES.values())
    if _is_full_run(session.config) and exitstatus == 0 and total < MIN_PROPERTY_EXAMPLES:
        session.config.get_terminal_writer().line(
            f"FAILED: the property tests ran {total:,} examples, fewer than "
            f"{MIN_PROPERTY_EXAMPLES:,}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    shutil.rmtree(_SCRATCH, ignore_errors=True)
