"""One source, two builds: `make student` writes the notebooks without their solutions.

The student copies are generated into a temporary folder and checked cell by
cell against the course's notebooks. Each is also run top to bottom, in
JupyterLab in Chromium (tests/test_browser.py): every cell must show the
committed text, every checker saying "Not attempted yet". That run is the
learner's JupyterLab run of the notebook as well, so no notebook is executed
one more time for the student build. Without Chromium that run is skipped
with the other browser tests, saying why (CI sets COURSE_REQUIRE_BROWSER=1,
which makes a missing browser a failure).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils import NOTEBOOKS
import patience  # tools/patience.py (tests/browser_support.py puts tools/ on the path)

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name):
    spec = importlib.util.spec_from_file_location(f"tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def student_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("student")
    assert load_tool("make_student").main(["--out", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda n: n.filename)
def test_a_student_copy_is_the_notebook_without_its_solutions(student_folder, entry):
    source = nbformat.read(ROOT / "notebooks" / entry.filename, as_version=4)
    copy = nbformat.read(student_folder / entry.filename, as_version=4)
    solutions = [c for c in source.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= 4, "every notebook has Try-it and Write-it solutions"
    kept = [c for c in source.cells if c not in solutions]
    notes = [c for c in copy.cells if c.get("id") == "student-copy-note"]
    assert len(notes) == 1 and "solutions are left out" in notes[0].source
    rest = [c for c in copy.cells if c.get("id") != "student-copy-note"]
    # The text is the notebook's, less its sentences about the solution cells.
    tool = load_tool("make_student")
    assert [c.source for c in rest] == [
        tool.without_solution_sentences(c.source) if c.cell_type == "markdown" else c.source
        for c in kept]
    assert not any(c.source.startswith("# Solution") for c in copy.cells)
    text = "\n".join(str(c.get("outputs", "")) for c in copy.cells)
    assert "Correct" not in text  # no solution's verdict, in any cell
    checks = [c for c in copy.cells if c.cell_type == "code" and "cu.check_" in c.source]
    assert checks and all("Not attempted yet" in str(c.outputs) for c in checks)


def test_nbval_fails_a_solution_cell_that_is_not_correct(tmp_path):
    """Solution cells keep no output; nbval (with nbval_solutions) wants a "Correct" verdict."""
    import nbformat.v4 as v4

    cells = [v4.new_code_cell("import course_utils as cu"),
             v4.new_code_cell("# Solution: right\ncu.check_output_width(22)"),
             v4.new_code_cell("# Solution: wrong\ncu.check_output_width(21)"),
             v4.new_code_cell("# Solution: prints nothing\nanswer = 22")]
    notebook = v4.new_notebook(cells=cells)
    for count, cell in enumerate(notebook.cells, start=1):
        cell.execution_count = count
        if count > 1:
            cell.metadata["tags"] = ["solution"]
    nbformat.write(notebook, tmp_path / "solutions.ipynb")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"), COURSE_STRICT_CHECKERS="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider",
         "-p", "nbval_solutions", "--nbval", "--nbval-current-env", "--rootdir",
         str(tmp_path), "-q", "solutions.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=patience.seconds(100))
    report = result.stdout + result.stderr
    assert "2 failed, 2 passed" in report, report[-3000:]
    assert "Cell 2" in report and "Cell 3" in report and "Not quite" in report
    assert "printed no 'Correct' verdict" in report


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda n: n.filename)
def test_a_student_copy_says_nothing_about_solutions_it_does_not_have(student_folder, entry):
    """Every markdown cell of a copy reads true of the copy: no collapsed cell to click."""
    copy = nbformat.read(student_folder / entry.filename, as_version=4)
    words = re.compile(r"\b(solutions?|collapsed|click it to reveal)\b", re.IGNORECASE)
    said = [(i, line) for i, cell in enumerate(copy.cells)
            if cell.cell_type == "markdown" and cell.get("id") != "student-copy-note"
            for line in cell.source.splitlines() if words.search(line)]
    assert said == [], said


def test_solution_sentences_go_whole_and_the_rest_stays():
    tool = load_tool("make_student")
    text = ("Replace `None` with your answer; the checker tells you at once\nwhether you are "
            "right. Each solution is in the collapsed\ncell below the exercise; click it to "
            "reveal.\n\n**Exercise 1.** Grouped convolutions count too.")
    assert tool.without_solution_sentences(text) == (
        "Replace `None` with your answer; the checker tells you at once\nwhether you are "
        "right.\n\n**Exercise 1.** Grouped convolutions count too.")


def test_the_teaching_page_says_how_solutions_show_in_the_slides():
    """Solutions are fragments; the ones that are sub-slides are those the page names."""
    page = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    subslides = []
    for entry in NOTEBOOKS:
        notebook = nbformat.read(ROOT / "notebooks" / entry.filename, as_version=4)
        for cell in notebook.cells:
            if "solution" in cell.metadata.get("tags", []):
                kind = cell.metadata.get("slideshow", {}).get("slide_type")
                assert kind in ("fragment", "subslide"), (entry.filename, kind)
                if kind == "subslide":
                    name = re.search(r"^def (\w+)", cell.source, re.M).group(1)
                    subslides.append(f"`{name}` ({entry.filename[:2]})")
    said = re.search(r"Solutions are\s+fragments.*?(?:\n\n|$)", page, re.S).group(0)
    said = " ".join(said.split())
    for named in subslides:
        assert named in said, (named, said)
    assert f"the two longest" in said and len(subslides) == 2
