"""The graded build's conversion (tools/make_graded.py), read from the notebooks' tags.

What nbgrader does with it (release, autograding canned submissions, feedback) is
tested by `make class-test`, in the instructors' environment that has nbgrader
(deploy/tests/test_graded.py).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_utils import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name):
    sys.path.insert(0, str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graded = load_tool("make_graded")
student = load_tool("make_student")


def without_regions(source: str) -> list[str]:
    """The lines nbgrader's release keeps: each solution region becomes one empty line
    (the stub is empty), which is left out here, as are other blank lines."""
    kept, inside = [], False
    for line in source.split("\n"):
        if graded.BEGIN in line:
            inside = True
        elif graded.END in line:
            inside = False
        elif not inside and line.strip():
            kept.append(line)
    return kept


def region(source: str) -> list[str]:
    lines = source.split("\n")
    starts = [i for i, line in enumerate(lines) if graded.BEGIN in line]
    ends = [i for i, line in enumerate(lines) if graded.END in line]
    return [line for s, e in zip(starts, ends) for line in lines[s + 1:e]]


def nbgrader_cells(notebook, kind):
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(kind)]


@pytest.fixture(scope="module", params=[n.filename for n in NOTEBOOKS])
def pair(request):
    original = nbformat.read(ROOT / "notebooks" / request.param, as_version=4)
    return original, graded.graded_copy(original, Path(request.param).stem)


def test_every_exercise_becomes_an_answer_and_a_locked_test(pair):
    original, copy = pair
    solutions = [c for c in original.cells if student.is_solution(c)]
    answers, tests = nbgrader_cells(copy, "solution"), nbgrader_cells(copy, "grade")
    assert len(answers) == len(tests) == len(solutions) > 0
    assert not [c for c in copy.cells if student.is_solution(c)]
    for answer, test in zip(answers, tests):
        following = copy.cells[copy.cells.index(answer) + 1]
        assert following is test, "the test must follow its answer"
        meta = test.metadata["nbgrader"]
        assert meta["locked"] and meta["grade"] and not meta["solution"]
        assert meta["schema_version"] == 3 and meta["points"] in (
            graded.TRY_IT_POINTS, graded.WRITE_IT_POINTS)
        assert not answer.metadata["nbgrader"]["locked"]
    ids = [c.metadata["nbgrader"]["grade_id"] for c in answers + tests]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[\w-]+", i) for i in ids)
    write_its = [c for c in original.cells if graded.is_write_it(c)]
    assert graded.points(copy) == graded.WRITE_IT_POINTS * len(write_its) + \
        graded.TRY_IT_POINTS * (len(solutions) - len(write_its))


def test_what_the_learner_gets_is_the_courses_own_template(pair):
    original, copy = pair
    exercises = [(i, c) for i, c in enumerate(original.cells)
                 if i + 1 < len(original.cells) and student.is_solution(original.cells[i + 1])
                 and c.cell_type == "code" and not student.is_solution(c)]
    templates = {c.id: c for c in original.cells if graded.is_write_it(c)}
    answers = nbgrader_cells(copy, "solution")
    assert len(answers) == len(templates) + len(
        [i for i, c in exercises if not graded.is_write_it(original.cells[i - 1])])
    for answer in answers:
        if answer.id in templates:  # Write-it: the template, the solution's body in a region
            template = templates[answer.id].source
            assert without_regions(answer.source) == [
                line for line in template.split("\n") if line.strip()]
            assert "raise NotImplementedError" in template
        else:  # Try-it: the answer line and the checker call, as in the notebook
            same = next(c for _, c in exercises if c.id == answer.id)
            assert without_regions(answer.source) == [
                line for line in same.source.split("\n") if line.strip()]


def test_the_source_holds_the_solutions_and_each_test_asserts_the_checkers_verdict(pair):
    original, copy = pair
    solutions = {original.cells[i - 1].id if not graded.is_write_it(original.cells[i - 2])
                 else original.cells[i - 2].id: c
                 for i, c in enumerate(original.cells) if student.is_solution(c)}
    for answer in nbgrader_cells(copy, "solution"):
        inside = region(answer.source)
        solution = solutions[answer.id].source
        # every line of the solution is in the source, less the checker call it repeats
        # (and a Write-it's def line: the template's stays)
        for line in solution.split("\n"):
            if line.strip() and not graded.CHECKER_CALL.match(line) \
                    and not line.startswith("def "):
                assert any(line.strip() == kept.strip() for kept in inside), line
        ast.parse(answer.source)  # the source version runs as Python
    for test in nbgrader_cells(copy, "grade"):
        assert graded.CORRECT in test.source and "assert " in test.source
        assert re.search(r"^    cu\.check_\w+\(\w+\)$", test.source, re.M)
        ast.parse(test.source)


def test_everything_else_is_the_student_copy(pair):
    original, copy = pair
    plain = [c for c in copy.cells if "nbgrader" not in c.metadata and c.id != "graded-copy-note"]
    theirs = [c for c in student.student_copy(original).cells
              if c.id != "student-copy-note"]
    exercise_ids = {c.id for c in nbgrader_cells(copy, "solution")}
    checkers = {c.id for i, c in enumerate(original.cells)
                if i and graded.is_write_it(original.cells[i - 1])}
    assert [c.id for c in plain] == [c.id for c in theirs
                                     if c.id not in exercise_ids | checkers]
    assert all(a.source == b.source and a.get("outputs") == b.get("outputs")
               for a, b in zip(plain, [c for c in theirs if c.id not in exercise_ids | checkers]))


def test_a_solution_that_can_fall_through_to_the_template_is_refused():
    template = 'def f(x):\n    """Doc."""\n    raise NotImplementedError'
    with pytest.raises(graded.NotAnExercise, match="must end in return or raise"):
        graded.write_it_answer(template, "def f(x):\n    print(x)\n\ncu.check_f(f)")
    with pytest.raises(graded.NotAnExercise, match="one function f"):
        graded.write_it_answer(template, "def g(x):\n    return x")
    made = graded.write_it_answer(template, "# Solution: twice\nimport math\n\ndef f(x):\n"
                                  "    return 2 * x\n\n\ncu.check_f(f)")
    assert made.split("\n") == [graded.BEGIN, "import math", graded.END, "def f(x):",
                                '    """Doc."""', "    " + graded.BEGIN, "    # Solution: twice",
                                "    return 2 * x", "    " + graded.END,
                                "    raise NotImplementedError"]


def test_the_config_leaves_the_regions_empty_and_keeps_the_outputs():
    config = (ROOT / "deploy" / "nbgrader_config.py").read_text()
    assert 'c.ClearSolutions.code_stub = {"python": ""}' in config
    listed = re.search(r"c\.GenerateAssignment\.preprocessors = \[(.*?)\]", config, re.S).group(1)
    assert "ClearOutput" not in listed and "ClearSolutions" in listed and "LockCells" in listed


def test_source_only_writes_every_assignment_and_the_config(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_graded.py"), "--out",
                    str(tmp_path), "--source-only"], check=True, capture_output=True)
    assert (tmp_path / "nbgrader_config.py").read_text() == (
        ROOT / "deploy" / "nbgrader_config.py").read_text()
    for entry in NOTEBOOKS:
        stem = Path(entry.filename).stem
        notebook = nbformat.read(tmp_path / "source" / stem / entry.filename, as_version=4)
        assert graded.points(notebook) > 0
