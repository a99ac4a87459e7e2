"""Each notebook's time and peak kernel memory, two notebooks at once, the
explorers' update time, and the time of the whole test suite.

Every notebook runs in a fresh kernel through nbclient, from a copy in a
temporary folder (the course's notebooks are never written). A last cell,
added to the copy, reads the kernel process's own peak resident memory.
The floor notebook only imports what every notebook imports, so the
difference is what the notebook itself costs.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Optional

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RESULT_MARK = "BENCHMARK-RESULT "

FLOOR_SOURCE = """\
import numpy as np
import matplotlib.pyplot as plt

import course_utils as cu

cu.use_course_style()"""

# Peak resident memory of the kernel process. On Linux, VmHWM from /proc: unlike
# getrusage's ru_maxrss it starts again at exec, so it does not inherit the peak of
# the process that launched the kernel. Elsewhere (macOS), ru_maxrss in bytes.
PEAK_MEMORY_SOURCE = f"""\
import json, resource
try:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    peak_bytes = int(line.split()[1]) * 1024
except OSError:
    peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print({RESULT_MARK!r} + json.dumps({{"peak_bytes": peak_bytes}}))"""

# Run inside a kernel: build each explorer, move its controls and time each update.
# In a kernel, display() goes through the inline backend, so the time includes
# drawing the figure and encoding it as PNG, as in JupyterLab.
EXPLORER_SOURCE = f"""\
import json, statistics, time
import numpy as np
import matplotlib.pyplot as plt
import ipywidgets as widgets
import course_utils as cu
cu.use_course_style()

def sliders(widget):
    found = []
    for child in getattr(widget, "children", ()):
        if isinstance(child, widgets.IntSlider):
            found.append(child)
        found.extend(sliders(child))
    return found

def timed_updates(control, values, repeats):
    seconds = []
    for _ in range(repeats):
        for value in values:
            start = time.perf_counter()
            control.value = value  # the observer recomputes and redraws
            seconds.append(time.perf_counter() - start)
    return seconds

results = {{}}
explorer = cu.conv_arithmetic_explorer(size=10, kernel_size=3, padding=0, stride=2)
by_name = {{s.description: s for s in sliders(explorer)}}
results["conv_arithmetic_explorer: move K (kernel)"] = timed_updates(
    by_name["K (kernel)"], [5, 3, 4, 2], 5)
results["conv_arithmetic_explorer: move W (input)"] = timed_updates(
    by_name["W (input)"], [12, 9, 15, 10], 5)
grid = np.arange(1, 26).reshape(5, 5)
kernel = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
window = cu.sliding_window_explorer(grid, kernel, padding=1)
step = [s for s in sliders(window) if s.description == "step"][0]
results["sliding_window_explorer: next step"] = timed_updates(step, list(range(1, 25)) + [0], 2)
toggles = [c for c in window.children[0].children if isinstance(c, widgets.ToggleButtons)]
padding = [t for t in toggles if t.description == "padding"][0]
results["sliding_window_explorer: change padding"] = timed_updates(padding, [2, 0, 1], 5)
print({RESULT_MARK!r} + json.dumps(results))"""


# Added around a copy of a notebook that misses its time: cProfile over every cell, then
# the seconds spent in the training loop's stages and the functions with the most own time.
PROFILE_START_SOURCE = """\
import cProfile, time
_course_profile = cProfile.Profile()
_course_profile_start = time.perf_counter()
_course_profile.enable()"""

PROFILE_END_SOURCE = f"""\
_course_profile.disable()
_course_profile_seconds = time.perf_counter() - _course_profile_start
import json, pstats
from course_utils.nn import layers as _layers, model as _model, training as _training
def _key(function):
    code = function.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)
# pstats: (file, line, name) -> (primitive calls, calls, own s, cumulative s, callers), and
# callers: caller's key -> (calls, primitive calls, own s, cumulative s) of calls from it
_stats = pstats.Stats(_course_profile).stats
_train = _stats.get(_key(_training.train), (0, 0, 0.0, 0.0, {{}}))
_stages = {{"train": [_train[1], _train[3]]}}
for _name, _function in [("forward", _model.Sequential.forward),
                         ("loss", _layers.softmax_cross_entropy),
                         ("backward", _model.Sequential.backward),
                         ("Adam update", _training.Adam.step)]:
    _from_train = _stats.get(_key(_function), (0, 0, 0.0, 0.0, {{}}))[4].get(
        _key(_training.train), (0, 0, 0.0, 0.0))
    _stages[_name] = [_from_train[0], _from_train[3]]
def _where(key):
    filename, _, name = key
    if filename == "~":  # a built-in: numpy's methods and functions written in C
        return name
    return filename.split("site-packages/")[-1].split("/course_utils/")[-1] + ": " + name
_own = sorted(([_where(key), value[1], value[2]] for key, value in _stats.items()),
              key=lambda row: -row[2])[:8]
print({RESULT_MARK!r} + json.dumps({{"seconds": _course_profile_seconds, "own": _own,
                                     "stages": _stages}}))"""


@dataclass
class NotebookRun:
    name: str
    seconds: float
    peak_bytes: int
    #: (the cell's first line, seconds) for every code cell, in order
    cells: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class NotebookProfile:
    """Where one notebook's time goes: cProfile over a whole run in a fresh kernel.

    The profiler adds a little time to every Python call, so its seconds are
    larger than the timed run's; their shares are what it is for.
    """

    name: str
    seconds: float  # the profiled run, from its first cell to its last
    #: stage -> (calls, seconds in it and in what it calls): train in all, then forward, loss,
    #: backward and Adam update as called by train
    stages: dict[str, tuple[int, float]]
    #: the functions with the most time of their own: (where, calls, seconds)
    own: list[tuple[str, int, float]]


def scratch_environment(scratch: Path) -> dict[str, str]:
    """Jupyter, IPython and matplotlib settings in a temporary folder, never the home folder."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                 "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(scratch / name.lower())
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _result(notebook) -> dict:
    for output in notebook.cells[-1].get("outputs", []):
        for line in output.get("text", "").splitlines():
            if line.startswith(RESULT_MARK):
                return json.loads(line[len(RESULT_MARK):])
    raise RuntimeError("the benchmark cell printed no result")


def run_in_fresh_kernel(notebook, folder: Path, timeout: int = 600) -> tuple[float, dict]:
    """Execute ``notebook`` (its last cell prints a result) in a new kernel in ``folder``."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, _result(notebook)


def run_notebooks(scratch: Path, log=print) -> list[NotebookRun]:
    """The floor notebook, then every course notebook, each in a fresh kernel."""
    folder = scratch / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    floor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    # The run's first kernel warms the disk and import caches (one measured floor took
    # 4.1 s against 1.5 s, more than some notebooks): it runs once first, not counted.
    warm_up = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE),
                                              nbformat.v4.new_code_cell(PEAK_MEMORY_SOURCE)])
    run_in_fresh_kernel(warm_up, folder)
    runs = []
    for name, notebook in [("floor (imports only)", floor)] + [
            (path.name, nbformat.read(folder / path.name, as_version=4)) for path in NOTEBOOKS]:
        log(f"  {name}")
        notebook.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_SOURCE))
        seconds, result = run_in_fresh_kernel(notebook, folder)
        runs.append(NotebookRun(name, seconds, int(result["peak_bytes"]),
                                cell_seconds(notebook.cells[:-1])))
    return runs


#: The variables that set numpy's BLAS threads (course_utils/threads.py reads the same).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                    "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


@dataclass
class AtOnce:
    """One notebook run alone, then ``len(together)`` copies of it at once, each in its kernel.

    ``threads`` is what the kernels were given: None for nothing (course_utils then sets one
    BLAS thread at import), or a number put in OPENBLAS_NUM_THREADS and the other variables
    (which course_utils keeps: with every usable core, OpenBLAS's own default, it is how the
    course ran before it set its threads).
    """

    name: str
    threads: Optional[int]
    alone: float
    together: list[float]

    @property
    def ratio(self) -> float:
        """The slowest of the copies run at once, over the run alone."""
        return max(self.together) / self.alone


def kernel_environment(threads: Optional[int], environ: Optional[dict] = None) -> dict[str, str]:
    """``environ`` (default: this process's) without the thread variables, or with each set
    to ``threads``."""
    env = {k: v for k, v in (os.environ if environ is None else environ).items()
           if k not in THREAD_VARIABLES}
    if threads is not None:
        env.update({name: str(threads) for name in THREAD_VARIABLES})
    return env


async def _timed_run(notebook, folder: Path, env: dict[str, str], timeout: int) -> float:
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    await client.async_execute(env=env)
    return time.perf_counter() - start


def run_at_once(folder: Path, path: Path, threads: Optional[int], copies: int = 2,
                     timeout: int = 900) -> AtOnce:
    """Time the notebook at ``path`` alone, then ``copies`` of it at once, each in a fresh kernel.

    The kernels run in ``folder`` (a scratch copy of notebooks/) with
    :func:`kernel_environment` ``(threads)``.
    """
    env = kernel_environment(threads)

    def fresh():
        return nbformat.read(path, as_version=4)

    async def together():
        return await asyncio.gather(*(_timed_run(fresh(), folder, env, timeout)
                                      for _ in range(copies)))

    alone = in_a_loop_of_its_own(lambda: _timed_run(fresh(), folder, env, timeout))
    return AtOnce(path.name, threads, alone, list(in_a_loop_of_its_own(together)))


def in_a_loop_of_its_own(coroutine):
    """Run ``coroutine()`` to its end in a new event loop, in a thread of its own: the caller
    may already run a loop (a test process that drove Playwright or nbclient)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = asyncio.run(coroutine())
        except BaseException as error:  # handed to the caller as it is
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def cell_seconds(cells) -> list[tuple[str, float]]:
    """(first line, seconds) of each executed code cell, from nbclient's timestamps."""
    timed = []
    for cell in cells:
        if cell.cell_type != "code":
            continue
        stamps = cell.metadata.get("execution", {})
        start, end = stamps.get("iopub.execute_input"), stamps.get("shell.execute_reply")
        seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                   - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds() \
            if start and end else 0.0
        timed.append((cell.source.split("\n", 1)[0], seconds))
    return timed


def profile_notebook(scratch: Path, name: str) -> NotebookProfile:
    """Run a copy of notebook ``name`` under cProfile in a fresh kernel."""
    folder = scratch / "notebooks"
    if not folder.exists():
        shutil.copytree(REPO / "notebooks", folder)
    notebook = nbformat.read(folder / name, as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(PROFILE_START_SOURCE))
    notebook.cells.append(nbformat.v4.new_code_cell(PROFILE_END_SOURCE))
    _, result = run_in_fresh_kernel(notebook, folder)
    return NotebookProfile(
        name, float(result["seconds"]),
        {stage: (int(calls), float(seconds)) for stage, (calls, seconds) in result["stages"].items()},
        [(where, int(calls), float(seconds)) for where, calls, seconds in result["own"]])


def run_explorers(scratch: Path) -> dict[str, list[float]]:
    """Seconds of every timed explorer update, by explorer and control."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(EXPLORER_SOURCE)])
    _, result = run_in_fresh_kernel(notebook, scratch)
    return result


def test_command() -> list[str]:
    """The command ``make test`` runs (tools/course.py decides it), with this interpreter."""
    sys.path.insert(0, str(REPO / "tools"))
    import course  # tools/course.py: the standard library only

    (command,) = course.target_commands("test", sys.executable, sys.executable)
    return command


def run_test_suite() -> tuple[float, int, str]:
    """Run what ``make test`` runs (in parallel workers); return seconds, exit code, summary."""
    start = time.perf_counter()
    finished = subprocess.run(test_command() + ["-q"], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = [line for line in finished.stdout.splitlines() if line.strip()]
    return seconds, finished.returncode, lines[-1] if lines else ""


def temporary_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="course-bench-"))


def remove(folder: Optional[Path]) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
