"""Write the graded build: an nbgrader course folder made from the five notebooks.

    python tools/make_graded.py              # graded/: source/, release/, nbgrader_config.py
    python tools/make_graded.py --out DIR    # somewhere else (the tests use a temp folder)
    python tools/make_graded.py --source-only   # only source/ (no nbgrader needed)

`make graded` runs it in the instructors' environment (.venv-class, which has
nbgrader; see docs/running-a-class.md). It reads the same tags as `make student`
(tools/make_student.py) and turns each exercise into nbgrader's cells:

- a **Write-it** cell (tag ``write-it``) becomes an autograded answer: the course's
  template as it is, with the solution's body in a ``### BEGIN SOLUTION`` region right
  after the docstring. nbgrader's release takes the region out (the stub is empty,
  nbgrader_config.py), so the learner gets the template, ending in ``raise
  NotImplementedError``; in the source the solution returns before that line.
- the **checker cell** after it (``cu.check_xxx(function)``) becomes a locked test
  worth :data:`WRITE_IT_POINTS`: it runs the checker, prints its verdict (with the
  hint that names the slip) and asserts that the verdict is "Correct".
- a **Try-it** cell (the code cell before a ``solution`` cell that is not a Write-it's)
  becomes an autograded answer with the solution's lines in a region after the answer
  line, and a locked test worth :data:`TRY_IT_POINTS` follows it, asserting its checker's
  verdict in the same way.
- the **solution** cells are left out, as in the student build, and so are the text's
  sentences about them; every other cell is
  kept as it is, outputs included (the copies open with their figures).

Each notebook is an assignment of its own, named after it (``01_conv_arithmetic``).
The course's notebooks are only read, never written.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from make_student import is_solution, without_solution_sentences  # noqa: E402

WRITE_IT_TAG = "write-it"
WRITE_IT_POINTS = 4
TRY_IT_POINTS = 1
CONFIG = ROOT / "deploy" / "nbgrader_config.py"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
#: A line that calls a checker: ``cu.check_output_size(output_size)``.
CHECKER_CALL = re.compile(r"^\s*(?:cu\.)?(check_\w+)\((.*)\)\s*$")
#: The start of the verdict a checker prints for a right answer (course_utils' CORRECT).
CORRECT = "✔ Correct!"
GRADED_NOTE = ("*Graded copy: write your answers and functions in the cells provided; "
               "the locked cells after them are the tests that grade them (each says how many "
               "points it is worth), and every checker tells you at once how you did.*")


class NotAnExercise(ValueError):
    """The notebook's tags do not describe an exercise the converter knows."""


def tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def is_write_it(cell) -> bool:
    return cell.cell_type == "code" and WRITE_IT_TAG in tags(cell)


def checker_calls(source: str) -> list[tuple[str, str]]:
    """(checker name, its whole line) for every line of ``source`` that calls a checker."""
    found = []
    for line in source.splitlines():
        match = CHECKER_CALL.match(line)
        if match:
            found.append((match.group(1), line.strip()))
    return found


def nbgrader_metadata(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    """The cell metadata nbgrader 0.9 reads (schema 3)."""
    metadata = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                "schema_version": 3, "solution": solution, "task": False}
    if grade:
        metadata["points"] = points
    return metadata


def solution_lines(solution_source: str, leave_out: list[str]) -> list[str]:
    """The solution cell's lines, less the checker calls it repeats (``leave_out``)."""
    lines = solution_source.rstrip("\n").split("\n")
    return [line for line in lines if line.strip() not in leave_out]


def try_it_answer(try_it_source: str, solution_source: str) -> str:
    """The Try-it cell with the solution's lines in a region before its checker call."""
    calls = [line for _, line in checker_calls(try_it_source)]
    if not calls:
        raise NotAnExercise(f"a Try-it cell calls no checker:\n{try_it_source}")
    lines = try_it_source.rstrip("\n").split("\n")
    first_call = next(i for i, line in enumerate(lines) if line.strip() in calls)
    body = solution_lines(solution_source, calls)
    return "\n".join(lines[:first_call] + [BEGIN, *body, END] + lines[first_call:])


def _function(tree: ast.Module, name: str | None = None) -> ast.FunctionDef:
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)
                 and (name is None or node.name == name)]
    if len(functions) != 1:
        raise NotAnExercise(f"expected one function{' ' + name if name else ''}, "
                            f"found {len(functions)}")
    return functions[0]


def _has_docstring(function: ast.FunctionDef) -> bool:
    first = function.body[0]
    return isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
        and isinstance(first.value.value, str)


def write_it_answer(template: str, solution_source: str) -> str:
    """The Write-it template with the solution's body in a region after its docstring.

    The solution cell defines the same function (and calls the checker); its body,
    comments included, goes into the region; its other lines (the ``# Solution:``
    comment, imports or helpers at the top level) into a region before the function.
    The solution's body must end in ``return`` or ``raise``: in the source notebook it
    runs first, and the template's ``raise NotImplementedError`` after it is never reached.
    """
    template_function = _function(ast.parse(template))
    if not _has_docstring(template_function):
        raise NotAnExercise(f"the template of {template_function.name} has no docstring")
    solution_tree = ast.parse(solution_source)
    solution = _function(solution_tree, template_function.name)
    body = solution.body[1:] if _has_docstring(solution) and len(solution.body) > 1 \
        else solution.body
    if not isinstance(body[-1], (ast.Return, ast.Raise)):
        raise NotAnExercise(f"the solution of {solution.name} must end in return or raise")
    solution_lines_ = solution_source.split("\n")
    # the body's lines, from its first statement (or a comment just above it) to its end
    start = body[0].lineno - 1
    while start - 1 > solution.lineno - 1 and solution_lines_[start - 1].strip().startswith("#"):
        start -= 1
    inner = solution_lines_[start:solution.end_lineno]
    calls = [line for _, line in checker_calls(solution_source)]
    outside = [line for number, line in enumerate(solution_lines_, 1)
               if not solution.lineno <= number <= solution.end_lineno
               and line.strip() not in calls]
    while outside and not outside[-1].strip():
        outside.pop()
    lines = template.rstrip("\n").split("\n")
    docstring_end = template_function.body[0].end_lineno  # 1-based: the line after it is next
    indent = re.match(r"\s*", lines[docstring_end]).group(0) if docstring_end < len(lines) \
        else " " * 4
    comments = [indent + line.strip() for line in outside if line.strip().startswith("#")]
    code = [line for line in outside if line.strip() and not line.strip().startswith("#")]
    before = [BEGIN, *code, END] if code else []
    head = lines[:template_function.lineno - 1]
    return "\n".join(head + before + lines[template_function.lineno - 1:docstring_end]
                     + [indent + BEGIN, *comments, *inner, indent + END] + lines[docstring_end:])


def graded_test(call: str, checker: str, points: int) -> str:
    """A locked test cell: run the checker's call, print its verdict, assert it is Correct."""
    return "\n".join([
        f"# Graded test ({points} point{'s' if points != 1 else ''}): {checker}'s verdict must be "
        "Correct. Locked: nbgrader restores this cell as it was before grading.",
        "import contextlib as _contextlib",
        "import io as _io",
        "",
        "import course_utils as cu",
        "",
        "with _contextlib.redirect_stdout(_io.StringIO()) as _verdict:",
        f"    {call}",
        'print(_verdict.getvalue(), end="")',
        f"assert _verdict.getvalue().startswith({CORRECT!r}), (",
        f'    "{checker} did not say Correct: its verdict is printed above")',
    ])


def graded_copy(notebook, stem: str):
    """The nbgrader source version of one notebook (see the module's text)."""
    copy = nbformat.from_dict(notebook)
    cells = copy.cells
    out = []
    exercises = 0
    for i, cell in enumerate(cells):
        if is_solution(cell):
            continue
        following = cells[i + 1] if i + 1 < len(cells) else None
        if is_write_it(cell):
            checker_cell, solution = cells[i + 1], cells[i + 2] if i + 2 < len(cells) else None
            if solution is None or not is_solution(solution) or not checker_calls(
                    checker_cell.source):
                raise NotAnExercise(f"{stem}: the Write-it cell {i} is not followed by its "
                                    "checker and a solution cell")
            cell.source = write_it_answer(cell.source, solution.source)
            name = _function(ast.parse(notebook.cells[i].source)).name
            cell.metadata["nbgrader"] = nbgrader_metadata(f"write-it-{name}", solution=True,
                                                          grade=False)
            out.append(cell)
            continue
        if i > 0 and is_write_it(cells[i - 1]):  # the Write-it's checker: a test
            (checker, call), = checker_calls(cell.source)
            test = nbformat.v4.new_code_cell(graded_test(call, checker, WRITE_IT_POINTS))
            test.metadata["nbgrader"] = nbgrader_metadata(
                f"test-{checker}", solution=False, grade=True, points=WRITE_IT_POINTS)
            test.metadata["deletable"] = test.metadata["editable"] = False
            test["id"] = f"test-{checker}".replace("_", "-")
            out.append(test)
            exercises += 1
            continue
        if following is not None and is_solution(following) and cell.cell_type == "code":
            calls = checker_calls(cell.source)
            if not calls:
                raise NotAnExercise(f"{stem}: the cell before solution cell {i + 1} calls no "
                                    "checker")
            cell.source = try_it_answer(cell.source, following.source)
            checker = calls[0][0]
            cell.metadata["nbgrader"] = nbgrader_metadata(f"try-it-{checker}", solution=True,
                                                          grade=False)
            out.append(cell)
            test = nbformat.v4.new_code_cell("\n\n".join(
                graded_test(line, name, TRY_IT_POINTS) for name, line in calls))
            test.metadata["nbgrader"] = nbgrader_metadata(
                f"test-{checker}", solution=False, grade=True, points=TRY_IT_POINTS * len(calls))
            test.metadata["deletable"] = test.metadata["editable"] = False
            test["id"] = f"test-{checker}".replace("_", "-")
            out.append(test)
            exercises += 1
            continue
        if cell.cell_type == "markdown":  # as in the student copy: no word of solution cells
            cell.source = without_solution_sentences(cell.source)
        out.append(cell)
    if not exercises:
        raise NotAnExercise(f"{stem}: no exercise found")
    title = next(i for i, c in enumerate(out)
                 if c.cell_type == "markdown" and c.source.lstrip().startswith("# "))
    note = nbformat.v4.new_markdown_cell(GRADED_NOTE)
    note.metadata["slideshow"] = {"slide_type": "skip"}
    note["id"] = "graded-copy-note"
    out.insert(title + 1, note)
    copy.cells = out
    return copy


def points(notebook) -> int:
    """The points of a graded notebook: the sum over its test cells."""
    return sum(cell.metadata.get("nbgrader", {}).get("points", 0) for cell in notebook.cells)


def write_source(out: Path) -> list[str]:
    """Write out/source/<stem>/<notebook> for every notebook and the config; the stems."""
    sys.path.insert(0, str(ROOT))
    from course_utils import NOTEBOOKS

    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CONFIG, out / "nbgrader_config.py")
    stems = []
    for entry in NOTEBOOKS:
        stem = Path(entry.filename).stem
        notebook = nbformat.read(ROOT / "notebooks" / entry.filename, as_version=4)
        graded = graded_copy(notebook, stem)
        folder = out / "source" / stem
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(graded, folder / entry.filename)
        stems.append(stem)
        print(f"wrote {folder / entry.filename} ({points(graded)} points)")
    return stems


def nbgrader_command() -> list[str]:
    """nbgrader from this interpreter's environment (the instructors' .venv-class)."""
    return [sys.executable, "-m", "nbgrader"]


def nbgrader_environment() -> dict[str, str]:
    """This environment's commands first on PATH: nbgrader runs ``alembic`` by name when it
    creates its gradebook."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def release(out: Path, stems: list[str]) -> None:
    """nbgrader generate_assignment for every assignment: out/release/<stem>/."""
    for stem in stems:
        subprocess.run(nbgrader_command() + ["generate_assignment", stem, "--force"],
                       cwd=out, check=True, env=nbgrader_environment())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "graded",
                        help="the nbgrader course folder (default: graded/)")
    parser.add_argument("--source-only", action="store_true",
                        help="write source/ only, without running nbgrader")
    args = parser.parse_args(argv)
    stems = write_source(args.out)
    if not args.source_only:
        release(args.out, stems)
        print(f"released to {args.out / 'release'}: hand out those folders "
              "(docs/running-a-class.md, \"Grading with nbgrader\")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
