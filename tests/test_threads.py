"""numpy's BLAS threads: one after `import course_utils`, unless someone asked for more.

Each case runs in a fresh interpreter: a BLAS library reads its variables once, when it
loads, and the test process itself runs with one thread (conftest.py sets the variables).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

import course_utils as cu
from course_utils import threads

ROOT = Path(__file__).resolve().parent.parent
THREADS_FILE = ROOT / "course_utils" / "threads.py"

#: Reads the threads of numpy's BLAS with the course's own module loaded alone (not the
#: package, whose import would set them), then imports the course as a notebook does.
PROBE = f"""
import importlib.util, json, os, sys
spec = importlib.util.spec_from_file_location("probe_threads", {str(THREADS_FILE)!r})
probe = importlib.util.module_from_spec(spec)
spec.loader.exec_module(probe)
order = sys.argv[1]
if order == "numpy first":
    import numpy as np
before = probe.blas_threads()
import course_utils as cu
import numpy as np
np.ones((64, 64)) @ np.ones((64, 64))  # a product, so that the library is in use
after = cu.blas_threads()
set_by_import = {{name: os.environ.get(name) for name in probe.SETS}}
again = cu.set_blas_threads(2)
print(json.dumps({{"before": before, "after": after, "again": again,
                  "set_by_import": set_by_import,
                  "variable": os.environ.get("OPENBLAS_NUM_THREADS"),
                  "openmp": os.environ.get("OMP_NUM_THREADS")}}))
"""


def probe(order: str, **variables: str) -> dict:
    env = {name: value for name, value in os.environ.items() if name not in threads.SETS}
    env.update(variables)
    result = subprocess.run([sys.executable, "-c", PROBE, order], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=patience.seconds(40))
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_numpy_first_then_the_course_leaves_one_thread():
    # what every notebook's first cell does: import numpy as np, then import course_utils
    seen = probe("numpy first")
    if seen["before"] is None:
        pytest.fail("numpy's BLAS was not found: course_utils.threads cannot set its threads")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert seen["before"] == cores  # OpenBLAS's own default: one thread per core
    assert seen["after"] == 1
    assert set(seen["set_by_import"].values()) == {"1"}  # for libraries that load later
    assert seen["variable"] == seen["openmp"] == "2"  # set_blas_threads(2) set them too
    assert seen["again"] == 2


def test_the_course_first_then_numpy_loads_with_one_thread():
    seen = probe("course first")
    assert seen["before"] is None  # numpy was not loaded yet
    assert seen["after"] == 1


@pytest.mark.parametrize("variable", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_a_thread_count_asked_for_is_kept(variable):
    # the learner's or the server's choice (make lab and the hub's configuration set 1);
    # OpenBLAS itself uses at most one thread per core
    seen = probe("numpy first", **{variable: "3"})
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert seen["after"] == min(3, cores)
    assert {name: value for name, value in seen["set_by_import"].items() if value} == {
        variable: "3"}, "importing the course changed a variable"


def test_the_tests_run_with_the_variables_set_so_the_import_changed_nothing():
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    assert threads.one_thread_unless_asked() is False
    assert cu.blas_threads() == 1


def test_set_blas_threads_answers_with_the_threads_now_in_use():
    try:
        assert cu.set_blas_threads(2) == cu.blas_threads() == 2
        assert os.environ["MKL_NUM_THREADS"] == os.environ["OPENBLAS_NUM_THREADS"] == "2"
    finally:
        assert cu.set_blas_threads(1) == 1


def test_the_readme_and_the_class_page_name_the_function_and_the_variable():
    readme = (ROOT / "README.md").read_text()
    page = (ROOT / "docs" / "running-a-class.md").read_text()
    learning = (ROOT / "docs" / "learning.md").read_text()
    assert "set_blas_threads" in readme and "OPENBLAS_NUM_THREADS" in page
    assert "set_blas_threads" in learning
