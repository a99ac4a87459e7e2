"""Every notebook, executed twice in fresh kernels, prints the same text.

The two executions are the committed one (`make execute`) and nbval's run
of every notebook in `make test`: tests/nbval_determinism.py, loaded by the
project's conftest.py, compares each cell's text outputs in nbval's run with
the committed ones - printed text, plain-text, HTML, Markdown and LaTeX
values, and errors - including the cells nbval itself does not compare
(tagged ``nbval-ignore-output``). Seeds are what make this hold; an unseeded
generator or a dict order that changes would fail it. So no notebook is run
a third time for this check; the tests here check the check.

One thing is masked, as the course guide allows: in the few cells tagged
``nbval-ignore-output`` because they measure wall-clock time, the numbers
(and the spaces that align them) may differ; their words, row labels and
number of outputs may not. And what nbval's sanitizer masks on every cell
(tests/nbval_sanitize.cfg) may differ between the machine that made the
committed run and the one that tests it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import v4
from nbval_determinism import cell_text, measures_time

from course_utils import NOTEBOOKS
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent


def text_outputs(path: Path) -> list[str]:
    """One string per code cell: everything it showed as text, in order."""
    notebook = nbformat.read(path, as_version=4)
    return [cell_text(cell.outputs, measures_time(cell))
            for cell in notebook.cells if cell.cell_type == "code"]


def test_only_timing_and_widget_cells_are_tagged():
    # Widget cells are tagged for nbval but compared here in full; timing cells
    # are the only ones whose numbers are masked.
    for notebook in NOTEBOOKS:
        cells = nbformat.read(ROOT / "notebooks" / notebook.filename, as_version=4).cells
        for cell in cells:
            if "nbval-ignore-output" in cell.metadata.get("tags", []):
                reason = cell.source.splitlines()[0]
                assert re.search(r"wall-clock|widget", reason), (
                    f"{notebook.filename}: a cell ignored for another reason: {reason}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda n: n.filename)
def test_the_committed_run_printed_enough_to_compare(notebook):
    # nbval's run is compared with this text: a notebook saved without outputs compares nothing
    printed = text_outputs(ROOT / "notebooks" / notebook.filename)
    assert sum(len(cell) for cell in printed) > 1000, "the notebook printed almost nothing"


def test_every_cell_nbval_runs_is_compared_with_the_committed_text(tmp_path):
    """A toy notebook's committed outputs against what its cells print now, under nbval.

    Cells are numbered from 1 here, from 0 in nbval's report.
    Cell 2 is a widget-like cell nbval ignores: its text changed, so the check
    fails it. Cell 3 measures time: other numbers pass. Cell 4 measures time
    but a word changed: it fails. Cell 5 prints its words through an Output
    widget, which a saved notebook keeps in the widget, not the cell: it passes.
    Cell 6 prints a number from an unseeded generator, untagged: nbval fails it.
    """
    ignore = {"tags": ["nbval-ignore-output"]}
    cells = [
        v4.new_code_cell("import random\nimport ipywidgets"),
        v4.new_code_cell("# nbval-ignore-output: a live widget\nprint('slider at 3')",
                         metadata=ignore, outputs=[v4.new_output("stream", text="slider at 2\n")]),
        v4.new_code_cell("# nbval-ignore-output: wall-clock time\nprint('took  12.5 s')",
                         metadata=ignore, outputs=[v4.new_output("stream", text="took 3.25 s\n")]),
        v4.new_code_cell("# nbval-ignore-output: wall-clock time\nprint('lasted 12.5 s')",
                         metadata=ignore, outputs=[v4.new_output("stream", text="took 12.5 s\n")]),
        v4.new_code_cell("# nbval-ignore-output: a live widget\nout = ipywidgets.Output()\n"
                         "with out:\n    print('drawn in the widget')\nprint('after')",
                         metadata=ignore, outputs=[v4.new_output("stream", text="after\n")]),
        v4.new_code_cell("print(random.random())",
                         outputs=[v4.new_output("stream", text="0.5\n")]),
    ]
    notebook = v4.new_notebook(cells=cells)
    for count, cell in enumerate(notebook.cells, start=1):
        cell.execution_count = count
    nbformat.write(notebook, tmp_path / "toy.ipynb")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
         "-p", "nbval_determinism", "--nbval", "--nbval-current-env", "--rootdir",
         str(tmp_path), "-q", "-rf", "toy.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=patience.seconds(100), check=False)
    report = result.stdout + result.stderr
    failed = sorted(int(n) for n in re.findall(r"FAILED toy\.ipynb::Cell (\d+)", report))
    assert failed == [1, 3, 5], report[-4000:]  # nbval numbers cells from 0
    assert "-slider at 2" in report and "+slider at 3" in report
    assert "-took # s" in report and "+lasted # s" in report


def test_the_comparison_sees_a_changed_number(tmp_path):
    # The check itself can fail: one digit changed in one output is a difference.
    source = ROOT / "notebooks" / NOTEBOOKS[0].filename
    notebook = nbformat.read(source, as_version=4)
    changed_copy = tmp_path / source.name
    for cell in notebook.cells:
        streams = [o for o in cell.get("outputs", []) if o.output_type == "stream"]
        if streams and any(ch.isdigit() for ch in streams[0].text):
            text = streams[0].text
            position = next(i for i, ch in enumerate(text) if ch.isdigit())
            digit = str((int(text[position]) + 1) % 10)
            streams[0].text = text[:position] + digit + text[position + 1:]
            break
    nbformat.write(notebook, changed_copy)
    assert text_outputs(changed_copy) != text_outputs(source)
