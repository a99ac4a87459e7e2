"""Write the student build: every course notebook without its solutions.

    python tools/make_student.py            # writes student/NN_topic.ipynb
    python tools/make_student.py --out DIR  # somewhere else (the tests use a temp folder)

One source, two builds. The notebooks in notebooks/ are the default build,
for self-learners: each solution is one click away in a collapsed cell. This
tool writes the build for a class that is graded: every solution cell
(tagged ``solution``) is left out, code and output, and so is every sentence
of the text that speaks of the solution cells ("click it to reveal"), so that
the copies read true; a note under the title says so. Everything else is kept as it is, outputs included, so the
copies open with their figures and still run top to bottom, every checker
saying "Not attempted yet". The copies sit beside notebooks/ (student/, which
git ignores), so their links to each other and to ../README.md still work.

The course's notebooks are only read, never written.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
NOTE = ("*Student copy: the solutions are left out of this copy. Write your answers and "
        "functions in the cells provided; every checker tells you at once how you did.*")


def is_solution(cell) -> bool:
    return cell.cell_type == "code" and SOLUTION_TAG in cell.metadata.get("tags", [])


#: A sentence of the default build's text that is about its solution cells: true of
#: the notebooks in notebooks/, false of the student copies, so the copies leave it out.
#: (Sentences end at ". " or the end of a paragraph; each is matched whole.)
ABOUT_SOLUTIONS = re.compile(
    r"[^.\n]*(?:\n[^.\n]+)*?\b(?:solutions?|collapsed)\b[^.]*\.(?=\s|$)", re.IGNORECASE)


def without_solution_sentences(text: str) -> str:
    """``text`` without its sentences about solution cells ("... collapsed, click it to reveal.")."""
    kept = ABOUT_SOLUTIONS.sub("", text)
    # Tidy what a removed sentence leaves: doubled spaces, a space before a line break.
    kept = re.sub(r"[ \t]{2,}", " ", kept)
    return re.sub(r"[ \t]+\n", "\n", kept).rstrip(" ")


def student_copy(notebook):
    """The notebook without its solution cells and the sentences about them, with a note."""
    copy = nbformat.from_dict(notebook)
    copy.cells = [cell for cell in copy.cells if not is_solution(cell)]
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            cell.source = without_solution_sentences(cell.source)
    title = next(i for i, c in enumerate(copy.cells)
                 if c.cell_type == "markdown" and c.source.lstrip().startswith("# "))
    note = nbformat.v4.new_markdown_cell(NOTE)
    note.metadata["slideshow"] = {"slide_type": "skip"}
    note["id"] = "student-copy-note"
    copy.cells.insert(title + 1, note)
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "student",
                        help="folder for the copies (default: student/)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from course_utils import NOTEBOOKS

    args.out.mkdir(parents=True, exist_ok=True)
    for entry in NOTEBOOKS:
        source = ROOT / "notebooks" / entry.filename
        notebook = nbformat.read(source, as_version=4)
        copy = student_copy(notebook)
        removed = len(notebook.cells) + 1 - len(copy.cells)
        nbformat.write(copy, args.out / entry.filename)
        print(f"wrote {args.out / entry.filename} ({removed} solutions left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
