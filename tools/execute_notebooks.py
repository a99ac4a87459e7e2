"""Re-run notebooks top to bottom in a fresh kernel and save their outputs.

`make execute` runs this on every course notebook (with no paths given: the
ones in course_utils.NOTEBOOKS, not a learner's `-original` copies). Only
outputs, execution counts
and the widget state change: cell sources, and so a learner's edits, are
kept as they are. The outputs of solution cells (tagged ``solution``) are
not saved, so that no renderer that ignores collapsing shows them. Jupyter and matplotlib write their settings to a temporary
folder, never the home folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError


def coalesce_streams(notebook) -> None:
    """Join neighbouring stdout (or stderr) chunks of a cell into one output.

    The kernel flushes print() output in chunks whose boundaries depend on
    timing; joining them keeps a re-run's file identical to the last one.
    """
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        merged = []
        for output in cell.outputs:
            previous = merged[-1] if merged else None
            if (
                output.output_type == "stream"
                and previous is not None
                and previous.output_type == "stream"
                and previous.name == output.name
            ):
                previous.text += output.text
            else:
                merged.append(output)
        cell.outputs = merged


#: Cells with this tag hold an exercise's solution (see tests/test_course.py).
SOLUTION_TAG = "solution"


def hide_solution_outputs(notebook) -> None:
    """Keep no output of a solution cell in the saved file.

    JupyterLab collapses a solution cell, its verdict included; GitHub, VS Code
    and Colab do not, and a verdict such as "Correct! ... = 22" gives the
    answer away. The cell still runs (and prints) when a learner runs it;
    under the tests it must print a "Correct" verdict (conftest.py).
    """
    for cell in notebook.cells:
        if cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", []):
            cell.outputs = []


def execute(path: Path, timeout: int, attempts: int = 2) -> float:
    """Execute one notebook in place; return the seconds it took.

    ipykernel 7 has a known, rare hang: the kernel sits idle and never sends
    the reply of a cell. When a cell times out, the notebook is run once more
    in a fresh kernel (``attempts`` in all) before the time-out is raised, so
    one lost message does not cost a learner, or CI, the whole run.
    """
    for attempt in range(1, attempts + 1):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,  # timestamps would change the file on every run
        )
        start = time.perf_counter()
        try:
            client.execute()
        except CellTimeoutError:
            if attempt == attempts:
                raise
            print(f"{path.name}: a cell got no answer from the kernel in {timeout} s; "
                  "running the notebook again in a fresh kernel", file=sys.stderr)
            continue
        coalesce_streams(notebook)
        hide_solution_outputs(notebook)
        nbformat.write(notebook, path)
        return time.perf_counter() - start
    raise AssertionError("unreachable: the last attempt returns or raises")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: every notebook of the course, in order")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    if not args.notebooks:
        from course_utils import NOTEBOOKS

        folder = Path(__file__).resolve().parent.parent / "notebooks"
        args.notebooks = [folder / notebook.filename for notebook in NOTEBOOKS]
    with tempfile.TemporaryDirectory(prefix="course-jupyter-") as scratch:
        for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "IPYTHONDIR", "MPLCONFIGDIR"):
            os.environ[name] = os.path.join(scratch, name.lower())
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        for path in args.notebooks:
            seconds = execute(path, args.timeout)
            print(f"executed {path} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
