"""The graded build with nbgrader: release every notebook, autograde canned submissions.

For each notebook, in a course folder of its own (`make graded`'s, in a temp folder),
five submissions are made from what the notebook and its checkers hold, never typed in
here, and autograded by nbgrader with deploy/nbgrader_config.py:

- **right**: the source version, every solution in place: every point;
- **blank**: the release as handed out: no point;
- **slip**: the Try-it answers right, the Write-it function one of its checker's own
  known wrong versions (the first ``Mistake``): every point but the Write-it's, and the
  feedback carries that slip's hint;
- **endless loop**: the Try-it answers right, the Write-it function ``while True: pass``:
  the checker stops it (5 s a call) and the rest of the notebook is graded;
- **tampered**: the release with every test cell made to print "Correct": no point, and
  nbgrader restores each test cell from the release.

Run by `make class-test` in the instructors' environment (.venv-class), which has nbgrader.
"""

from __future__ import annotations

import ast
import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import nbgrader.api as nbgrader_api  # the instructors' environment: make class-test

from course_utils import NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("make_graded", ROOT / "tools" / "make_graded.py")
graded = importlib.util.module_from_spec(spec)
spec.loader.exec_module(graded)

SUBMISSIONS = ("right", "blank", "slip", "loop", "tampered")


def nbgrader(course: Path, *args: str) -> str:
    result = subprocess.run(graded.nbgrader_command() + list(args), cwd=course,
                            env=graded.nbgrader_environment(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def cells(notebook, kind):
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(kind)]


def write_it_answer_ids(source_notebook) -> dict[str, str]:
    """{answer cell id: its checker's name} for the Write-it answers."""
    found = {}
    for i, cell in enumerate(source_notebook.cells):
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta["grade_id"].startswith("write-it-"):
            test = source_notebook.cells[i + 1]
            found[cell.id] = test.metadata["nbgrader"]["grade_id"].removeprefix("test-")
    return found


def slip_function(template: str, checker: str) -> tuple[str, str]:
    """The template's function, returning what its checker's first known slip returns;
    and that slip's hint."""
    import course_utils as cu

    mistake = getattr(cu, checker).exercise.mistakes[0]
    function = next(n for n in ast.parse(template).body if isinstance(n, ast.FunctionDef))
    arguments = ", ".join(a.arg for a in function.args.args)
    source = "\n".join([
        f"def {function.name}({ast.unparse(function.args)}):",
        f"    # a submission with a known slip: {checker}'s wrong version {mistake.name!r}",
        "    import course_utils as _cu",
        "    from course_utils.exercises.write_it import Raises as _Raises",
        f"    _result = _cu.{checker}.exercise.mistakes[0].version({arguments})",
        "    if isinstance(_result, _Raises):",
        "        raise _result.kind(_result.message)",
        "    return _result",
    ])
    return source, mistake.hint


def endless_function(template: str) -> str:
    function = next(n for n in ast.parse(template).body if isinstance(n, ast.FunctionDef))
    return f"def {function.name}({ast.unparse(function.args)}):\n    while True:\n        pass"


def submissions(source, release) -> tuple[dict, str]:
    """The five canned notebooks, and the slip's hint."""
    by_id = {c.id: c for c in source.cells}
    write_its = write_it_answer_ids(source)
    made = {"right": nbformat.from_dict(source), "blank": nbformat.from_dict(release)}
    hint = ""
    for name in ("slip", "loop"):
        notebook = nbformat.from_dict(release)
        for cell in cells(notebook, "solution"):
            if cell.id in write_its:
                if name == "slip":
                    cell.source, hint = slip_function(cell.source, write_its[cell.id])
                else:
                    cell.source = endless_function(cell.source)
            else:
                cell.source = by_id[cell.id].source  # a Try-it answered right
        made[name] = notebook
    tampered = nbformat.from_dict(release)
    for cell in cells(tampered, "grade"):
        cell.source = 'print("✔ Correct!")'
    made["tampered"] = tampered
    return made, hint


@pytest.mark.parametrize("filename", [n.filename for n in NOTEBOOKS])
def test_canned_submissions_get_the_scores_they_deserve(filename, tmp_path):
    stem = Path(filename).stem
    course = tmp_path / "course"
    graded.write_source(course)
    nbgrader(course, "generate_assignment", stem, "--force")
    source = nbformat.read(course / "source" / stem / filename, as_version=4)
    release = nbformat.read(course / "release" / stem / filename, as_version=4)
    # the release is the template: no solution left, each answer as the student copy has it
    for answer in cells(release, "solution"):
        assert graded.BEGIN not in answer.source and "Solution" not in answer.source
    made, hint = submissions(source, release)
    for student, notebook in made.items():
        folder = course / "submitted" / student / stem
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / filename)
    nbgrader(course, "autograde", stem, "--force")
    nbgrader(course, "generate_feedback", stem, "--force")

    total = graded.points(source)
    write_it_points = graded.WRITE_IT_POINTS * len(write_it_answer_ids(source))
    expected = {"right": total, "blank": 0, "slip": total - write_it_points,
                "loop": total - write_it_points, "tampered": 0}
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        scores = {s: book.find_submission(stem, s).score for s in SUBMISSIONS}
        assert book.find_submission(stem, "right").max_score == total
    assert scores == expected

    def feedback(student):
        page = (course / "feedback" / student / stem / f"{stem}.html").read_text()
        return html.unescape(re.sub(r"<[^>]+>", "", page))

    slip = feedback("slip")
    assert hint and " ".join(hint.split()) in " ".join(slip.split()), (
        "the feedback does not carry the slip's hint")
    assert "Not attempted yet" in feedback("blank")
    assert "was still running after 5 seconds" in feedback("loop")
    # nbgrader put the locked test cells back as they were released
    autograded = nbformat.read(course / "autograded" / "tampered" / stem / filename,
                               as_version=4)
    assert [c.source for c in cells(autograded, "grade")] == [
        c.source for c in cells(release, "grade")]
    assert os.path.exists(course / "feedback" / "right" / stem / f"{stem}.html")


def test_make_graded_writes_the_release_of_every_notebook(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_graded.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    for entry in NOTEBOOKS:
        stem = Path(entry.filename).stem
        released = nbformat.read(tmp_path / "release" / stem / entry.filename, as_version=4)
        assert graded.points(released) > 0 and cells(released, "solution")
