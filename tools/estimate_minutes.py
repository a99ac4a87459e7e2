"""Estimate each notebook's working time by reading it as a learner would.

The rule (the one docs/learning.md states), costed as a learner works, not as
a reader skims:

- prose at about 150 words a minute (it is dense: formulas, numbers, terms);
- 12 seconds a line to read and run the code (comment and blank lines not
  counted);
- a Try-it exercise (a visible cell that calls a ``check_`` function) at 4
  minutes; a Write-it exercise (its checker's cell) at the time the notebook
  states for it, "(about N minutes)" in the text just above, or 15 minutes
  when it states none; a practice drill at 5 minutes;
- half a minute a figure.

Collapsed solution cells are not counted, and sections whose heading starts
with "Going further" are counted apart: a lecture can skip them. Times are
rounded to 5 minutes.

    python tools/estimate_minutes.py            # every notebook of the course
    python tools/estimate_minutes.py notebooks/03_parameter_sharing.ipynb
    python tools/estimate_minutes.py --write-notes   # set the speaker notes' minutes

With ``--write-notes`` each section's speaker-note minutes are set from the
same rule, scaled to add up to the notebook's stated time (course.NOTEBOOKS),
so that a lecture's minutes follow the rule too.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS_PER_MINUTE = 150
MINUTES_PER_CODE_LINE = 0.2
MINUTES_PER_EXERCISE = 4
#: A Write-it whose text states no time.
MINUTES_PER_WRITE_IT = 15
MINUTES_PER_DRILL = 5
MINUTES_PER_FIGURE = 0.5

#: The Write-it checkers: their cells cost the time the notebook states for the exercise.
WRITE_IT_CHECKERS = ("check_output_size", "check_conv_single", "check_filter_gradient",
                     "check_locally_connected", "check_count_model")
STATED = re.compile(r"\(about (\d+)\s+minutes\)")


def write_it_minutes(text: str) -> float:
    """The minutes a Write-it's text states ("(about 20 minutes)"), or the default."""
    found = STATED.findall(re.sub(r"\s+", " ", text))
    return float(found[-1]) if found else MINUTES_PER_WRITE_IT


def cell_minutes(cell: dict, prose: str) -> float:
    """What one cell costs a learner by the rule; ``prose`` is the markdown above it."""
    source = "".join(cell["source"])
    if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
        return 0.0  # a collapsed solution
    if cell["cell_type"] == "markdown":
        return len(source.split()) / WORDS_PER_MINUTE
    lines = [line for line in source.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    minutes = MINUTES_PER_CODE_LINE * len(lines)
    called = re.findall(r"\b(check_\w+)\(", source)
    if any(name in WRITE_IT_CHECKERS for name in called):
        minutes += write_it_minutes(prose)
    elif called:
        minutes += MINUTES_PER_EXERCISE
    elif re.search(r"\bdrill\.new\(", source):
        minutes += MINUTES_PER_DRILL
    if "plot_" in source or "figure" in source:
        minutes += MINUTES_PER_FIGURE
    return minutes


def costed_cells(path: Path) -> list[tuple[dict, float, bool]]:
    """Every cell with its minutes and whether it is in a Going-further section."""
    cells = json.loads(path.read_text())["cells"]
    costed, further, prose = [], False, ""
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and re.match(r"#+ ", source):
            further = "Going further" in source.splitlines()[0]
        costed.append((cell, cell_minutes(cell, prose), further))
        if cell["cell_type"] == "markdown":
            prose += "\n" + source
        elif not re.search(r"^\s*def ", source, re.M):  # a template's cell keeps the prose
            prose = ""
    return costed


def estimate(path: Path) -> tuple[float, float]:
    """Minutes for the core of the notebook and for its Going-further sections."""
    minutes = {False: 0.0, True: 0.0}
    for _, cost, further in costed_cells(path):
        minutes[further] += cost
    return minutes[False], minutes[True]


def slide_type(cell: dict) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


def section_minutes(path: Path) -> list[tuple[int, str, float]]:
    """The lecture's sections (each starts at a ``slide`` cell): index, heading, minutes.

    Cells skipped in the slides (the previous/next lines) count for nothing;
    the sections are those whose speaker notes carry minutes.
    """
    sections: list[tuple[int, str, float]] = []
    for index, (cell, cost, _) in enumerate(costed_cells(path)):
        kind = slide_type(cell)
        if kind == "slide":
            heading = "".join(cell["source"]).splitlines()[0] if cell["source"] else ""
            sections.append((index, heading, cost))
        elif sections and kind not in ("skip", "notes"):
            i, heading, minutes = sections[-1]
            sections[-1] = (i, heading, minutes + cost)
    return sections


def whole_minutes(costs: list[float], total: int) -> list[int]:
    """Whole minutes, at least 1 each, that add up to ``total`` and follow ``costs``.

    Largest remainders: each cost scaled to the total, rounded down, and the
    minutes left over go to the costs that lost the most in rounding.
    """
    scale = total / sum(costs)
    exact = [max(c * scale, 1.0) for c in costs]
    whole = [int(x) for x in exact]
    order = sorted(range(len(costs)), key=lambda i: exact[i] - whole[i], reverse=True)
    for i in order[: total - sum(whole)]:
        whole[i] += 1
    while sum(whole) > total:  # the floor of 1 may overshoot: take from the largest
        whole[whole.index(max(whole))] -= 1
    return whole


def write_section_minutes(path: Path, core_total: int) -> None:
    """Set each section's speaker-note minutes from the rule, adding up to ``core_total``.

    Only the ``lecture.minutes`` of the sections' first cells change; the
    notebook is written back as nbformat writes it. Going-further sections get
    their own estimate, rounded.
    """
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    sections = [s for s in section_minutes(path)
                if "lecture" in notebook.cells[s[0]].metadata
                and "minutes" in notebook.cells[s[0]].metadata["lecture"]]
    core = [s for s in sections if not notebook.cells[s[0]].metadata["lecture"].get("optional")]
    for (index, _, _), minutes in zip(core, whole_minutes([s[2] for s in core], core_total)):
        notebook.cells[index].metadata["lecture"]["minutes"] = minutes
    for index, _, cost in sections:
        if notebook.cells[index].metadata["lecture"].get("optional"):
            notebook.cells[index].metadata["lecture"]["minutes"] = max(1, round(cost))
    nbformat.write(notebook, path)


def main(argv: list[str]) -> int:
    from course_utils import NOTEBOOKS

    write = "--write-notes" in argv
    argv = [a for a in argv if a != "--write-notes"]
    paths = [Path(a) for a in argv] or [ROOT / "notebooks" / n.filename for n in NOTEBOOKS]
    for path in paths:
        core, further = estimate(path)
        text = f"{path.name:36} about {5 * round(core / 5):3} minutes"
        if further:
            text += f", plus about {5 * round(further / 5)} in Going-further sections"
        print(text)
        if write:
            entry = next(n for n in NOTEBOOKS if n.filename == path.name)
            write_section_minutes(path, entry.minutes)
            print(f"  speaker notes: section minutes set to add up to {entry.minutes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
