"""Course-level checks of every notebook in notebooks/.

Names and order, a clean top-to-bottom run, the anatomy of the course guide,
slides, exercises with hidden solutions, and navigation.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_utils import NOTEBOOKS

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
# The course's notebooks; `make original` copies (*-original*.ipynb) are a learner's.
PRESENT = sorted(p for p in NOTEBOOK_DIR.glob("*.ipynb") if "-original" not in p.stem)
NAME = re.compile(r"^(\d\d)_[a-z0-9]+(_[a-z0-9]+)*\.ipynb$")
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
# Cells whose output nbval may not compare; each must say why in its first line.
MAX_IGNORED_OUTPUTS_PER_NOTEBOOK = 2


def load(path: Path):
    return nbformat.read(path, as_version=4)


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert PRESENT, f"no notebooks in {NOTEBOOK_DIR}"


def test_names_follow_the_course_order():
    names = [p.name for p in PRESENT]
    for name in names:
        assert NAME.match(name), f"{name} is not named NN_topic.ipynb"
    numbers = [int(name[:2]) for name in names]
    assert numbers == list(range(1, len(names) + 1)), f"notebooks out of sequence: {names}"
    planned = [nb.filename for nb in NOTEBOOKS]
    assert names == planned[: len(names)], "notebooks differ from course_utils.NOTEBOOKS"


@pytest.fixture(params=PRESENT, ids=lambda p: p.name)
def notebook(request):
    return request.param, load(request.param)


def test_executed_top_to_bottom_in_one_fresh_kernel(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run `make execute`"


def test_no_error_outputs_except_where_expected(notebook):
    path, nb = notebook
    for index, cell in enumerate(code_cells(nb), start=1):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        tags = cell.metadata.get("tags", [])
        if "raises-exception" in tags:
            assert errors, f"{path.name} code cell {index} is tagged raises-exception but ran clean"
        else:
            assert not errors, f"{path.name} code cell {index}: {errors[0].ename}"
        for output in cell.outputs:
            if output.output_type == "stream":
                assert output.name != "stderr" or not output.text.strip(), (
                    f"{path.name} code cell {index} wrote to stderr: {output.text[:200]}"
                )


def test_no_machine_paths_in_outputs(notebook):
    path, nb = notebook
    for index, cell in enumerate(code_cells(nb), start=1):
        text = str(cell.outputs)
        assert not re.search(r"(/root/|/home/[a-z]|/tmp/[A-Za-z0-9_]|site-packages)", text), (
            f"{path.name} code cell {index} shows a path of this machine"
        )


ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
#: A frame of course_utils in a traceback: "File .../course_utils/conv/geometry.py:332, in f(...)"
COURSE_FRAME = re.compile(r"File \S*?(course_utils/\S+\.py):(\d+), in ")
#: The line that raised, as IPython prints it: "--> 332     raise ValueError("
RAISING_LINE = re.compile(r"^--> (\d+) (.*)$", re.M)


def test_committed_tracebacks_show_the_code_as_it_is(notebook):
    """A traceback saved in a notebook must point at lines the package still has.

    Moving code changes line numbers; a learner who opens the file at the line
    shown must find the line shown. Re-run `make execute` after such a change.
    """
    path, nb = notebook
    root = NOTEBOOK_DIR.parent
    for index, cell in enumerate(code_cells(nb), start=1):
        for output in cell.outputs:
            if output.output_type != "error":
                continue
            frames = ANSI_COLOUR.sub("", "\n".join(output.traceback)).split("\nFile ")
            for frame in frames[1:]:
                found = COURSE_FRAME.match("File " + frame)
                if not found:
                    continue
                source = root / found.group(1)
                assert source.is_file(), f"{path.name} code cell {index}: {found.group(1)} is gone"
                lines = source.read_text().splitlines()
                for number, text in RAISING_LINE.findall(frame):
                    assert lines[int(number) - 1].strip() == text.strip(), (
                        f"{path.name} code cell {index}: {found.group(1)} line {number} is now "
                        f"{lines[int(number) - 1].strip()!r}, not {text.strip()!r}; run make execute"
                    )


def test_first_code_cell_imports_course_utils(notebook):
    path, nb = notebook
    first = code_cells(nb)[0].source
    assert re.search(r"^(import course_utils|from course_utils import)", first, re.M), path.name


def test_anatomy_of_the_guide(notebook):
    path, nb = notebook
    text = markdown(nb)
    opening = [c.source for c in nb.cells if c.cell_type == "markdown"][:2]
    titles = [line for source in opening for line in source.splitlines() if line.startswith("# ")]
    assert titles, f"{path.name}: no '# Title' in the opening cells"
    for heading in ("What you'll learn", "What you need", "Time"):
        assert f"**{heading}**" in text, f"{path.name}: missing **{heading}**"
    assert re.search(r"^## Summary\s*$", text, re.M), f"{path.name}: no ## Summary"
    assert re.search(r"^## Next\s*$", text, re.M), f"{path.name}: no ## Next"
    assert re.search(r"^### Think about it", text, re.M), f"{path.name}: no Think about it"
    learn = text.split("**What you'll learn**")[1].split("**What you need**")[0]
    bullets = [line for line in learn.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5, f"{path.name}: {len(bullets)} learning goals, want 3-5"


def test_time_matches_the_course_list(notebook):
    path, nb = notebook
    entry = next(n for n in NOTEBOOKS if n.filename == path.name)
    assert f"**Time**: about {entry.minutes} minutes" in markdown(nb)


def test_navigation_links(notebook):
    path, nb = notebook
    entry = next(n for n in NOTEBOOKS if n.filename == path.name)
    following = next((n for n in NOTEBOOKS if n.number == entry.number + 1), None)
    first, last = nb.cells[0].source, nb.cells[-1].source
    for where, line in (("top", first), ("bottom", last)):
        links = re.findall(r"\]\(([^)]+)\)", line)
        assert links, f"{path.name}: no previous / next line at the {where}"
        previous = (
            "../README.md" if entry.number == 1 else NOTEBOOKS[entry.number - 2].filename
        )
        assert previous in links, f"{path.name} {where}: no link back to {previous}"
        if following:
            assert following.filename in links, f"{path.name} {where}: no link to the next notebook"
    next_section = markdown(nb).split("## Next")[1]
    if following:
        assert f"]({following.filename})" in next_section


def test_every_cell_has_slideshow_metadata(notebook):
    path, nb = notebook
    types = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert all(t in SLIDE_TYPES for t in types), f"{path.name}: cells without slide types"
    assert types.count("slide") >= 5, f"{path.name}: want a title slide per section"
    setup = code_cells(nb)[0]
    assert setup.metadata["slideshow"]["slide_type"] == "skip", "setup cell should be skipped"


def solution_is_hidden(path, solution) -> None:
    """A solution cell: tagged, collapsed (code and verdict), and saved with no output.

    GitHub, VS Code and Colab ignore the collapsing, so the file keeps no output
    of a solution (tools/execute_notebooks.py); under nbval the cell still runs
    and must print a "Correct" verdict (conftest.py).
    """
    assert solution.cell_type == "code" and solution.source.startswith("# Solution")
    assert "solution" in solution.metadata.get("tags", []), f"{path.name}: untagged solution"
    collapsed = solution.metadata.get("jupyter", {})
    assert collapsed.get("source_hidden") is True and collapsed.get("outputs_hidden") is True, (
        f"{path.name}: a solution cell (code and verdict) must be collapsed"
    )
    assert not solution.outputs, f"{path.name}: a solution's output is saved: run make execute"


def test_exercises_have_checkers_and_hidden_solutions(notebook):
    path, nb = notebook
    cells = nb.cells
    attempts = [
        i for i, c in enumerate(cells)
        if c.cell_type == "code" and re.search(r"^answer_\w+ = None\b", c.source, re.M)
    ]
    assert len(attempts) >= 3, f"{path.name}: want at least three Try-it exercises"
    for i in attempts:
        attempt = cells[i]
        assert re.search(r"check_\w+\(answer_\w+\)", attempt.source), attempt.source
        printed = "".join(o.get("text", "") for o in attempt.outputs)
        assert "Not attempted yet" in printed, f"{path.name}: committed attempt cell is not blank"
        solution_is_hidden(path, cells[i + 1])
        assert re.search(r"check_\w+\(answer_\w+\)", cells[i + 1].source)


def test_every_notebook_has_a_write_it_exercise(notebook):
    """Template (signature, docstring, a body to fill in), check cell, hidden solution."""
    path, nb = notebook
    cells = nb.cells
    templates = [i for i, c in enumerate(cells)
                 if c.cell_type == "code" and "write-it" in c.metadata.get("tags", [])]
    assert templates, f"{path.name}: no Write-it exercise (a code cell tagged write-it)"
    for i in templates:
        template, check, solution = cells[i], cells[i + 1], cells[i + 2]
        name = re.match(r"def (\w+)\(", template.source).group(1)
        assert '"""' in template.source and "raise NotImplementedError" in template.source
        assert re.fullmatch(rf"cu\.check_\w+\({name}\)", check.source.strip()), check.source
        printed = "".join(o.get("text", "") for o in check.outputs)
        assert printed.startswith("… Not attempted yet"), f"{path.name}: {printed[:200]}"
        solution_is_hidden(path, solution)
        assert f"def {name}(" in solution.source and check.source.strip() in solution.source


def test_every_solution_cell_is_hidden(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []) or cell.source.startswith("# Solution"):
            solution_is_hidden(path, cell)


def test_ignored_outputs_are_few_and_explained(notebook):
    path, nb = notebook
    ignored = [c for c in code_cells(nb) if "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert len(ignored) <= MAX_IGNORED_OUTPUTS_PER_NOTEBOOK
    for cell in ignored:
        assert re.match(r"# nbval-ignore-output: \w+", cell.source), (
            f"{path.name}: an nbval-ignore-output cell must start with a comment saying why"
        )
