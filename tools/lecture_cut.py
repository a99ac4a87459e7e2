"""The lecture cut of a notebook: what the exported deck shows, where it differs from the notebook.

tools/make_slides.py passes every notebook through :func:`lecture_cut` before
exporting it, so the notebook a learner reads alone stays as it is, and the
deck can differ from it where a projector needs it to. Everything the cut
does is asked for in a cell's metadata, under the key ``"lecture"``:

``"notes": "..."`` and ``"minutes": 4`` (and ``"optional": true``)
    On a cell that starts a section (slide type ``slide``): the speaker
    notes of the section (what to say, what to ask the room, what to drive
    live) and the minutes it takes; ``optional`` marks a Going-further
    section a lecture may skip, whose minutes are not in the notebook's
    time. The deck gets them as reveal.js notes (press S) on the section's
    first slide, ending with the minutes, and again on each of its
    sub-slides, so the speaker view always shows the plan of the section.
    The notebook keeps them out of the reading flow, in the metadata.
``"split": "outputs"`` or ``"split": "figures"``
    The cell is too tall for one slide: the deck shows its code (and, with
    ``"figures"``, its printed text) on this slide, and its outputs (or only
    its figures) on a sub-slide of their own right after it. Printed text
    longer than :data:`MAX_TEXT_LINES` lines is cut into several sub-slides.
``"break_before": ["text", ...]``
    The cell's source is too long for one slide: the deck starts a new
    sub-slide at the line holding each of these texts (a markdown cell's
    second paragraph, a code cell's second function). A code cell's outputs
    follow its last part. With ``"break_as": "slide"`` the parts are slides
    of their own, to the right, not below (the title's learning goals:
    the arrow key to the right must not skip them).

An error's traceback is cut to its last line (the error and its message):
the room needs the message, not the frames of the call stack.

A cell tagged ``notebook-only`` is left out of the deck.
"""

from __future__ import annotations

import copy

import nbformat

#: Outputs that are figures: a ``"figures"`` split moves these to their own sub-slide.
FIGURE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")
#: Lines of printed text that fit one sub-slide under the deck's 15 px code font (tools/slides.css).
MAX_TEXT_LINES = 28


def _is_figure(output: dict) -> bool:
    return any(kind in output.get("data", {}) for kind in FIGURE_TYPES)


def notes_text(lecture: dict) -> str:
    """The speaker notes of a section, as the deck shows them on its first slide (markdown)."""
    text = _paragraphs(lecture["notes"])
    if "minutes" in lecture:
        optional = ", optional (Going further)" if lecture.get("optional") else ""
        text += f"\n\n*About {lecture['minutes']} min{optional}.*"
    return text


def _paragraphs(notes: str) -> str:
    """Each line of the notes (Say:, Ask:, Drive:) as a paragraph of its own in markdown."""
    return "\n\n".join(line.strip() for line in notes.strip().splitlines() if line.strip())


def _notes_cell(text: str, cell_id: str) -> nbformat.NotebookNode:
    notes = nbformat.v4.new_markdown_cell(text)
    notes.id = cell_id
    notes.metadata = {"slideshow": {"slide_type": "notes"}}
    return notes


def _subslide(cell: nbformat.NotebookNode, suffix: str, slide_type: str = "subslide",
              **changes) -> nbformat.NotebookNode:
    """A copy of ``cell`` that starts a sub-slide (or a slide) of its own, with ``changes``."""
    part = copy.deepcopy(cell)
    part.id = f"{cell.id}-{suffix}"
    # "continues" keeps the part in its section, for the speaker notes
    part.metadata = {"slideshow": {"slide_type": slide_type}, "continues": cell.id}
    for name, value in changes.items():
        part[name] = value
    return part


def _break_source(cell: nbformat.NotebookNode, marks: list[str],
                  slide_type: str = "subslide") -> list[nbformat.NotebookNode]:
    """The cell cut into parts, each starting at the line that holds one of ``marks``."""
    if slide_type not in ("slide", "subslide"):
        raise ValueError(f"cell {cell.id}: break_as {slide_type!r}, want 'slide' or 'subslide'")
    lines = cell.source.splitlines(keepends=True)
    starts = []
    for mark in marks:
        found = [i for i, line in enumerate(lines) if mark in line]
        if not found or found[0] == 0:
            raise ValueError(f"cell {cell.id}: break_before {mark!r} is not in its source "
                             "after the first line")
        starts.append(found[0])
    bounds = [0] + sorted(starts) + [len(lines)]
    parts = []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:])):
        source = "".join(lines[start:end]).strip("\n")
        if number == 0:
            part = copy.deepcopy(cell)
            part.source = source
        else:
            part = _subslide(cell, f"part{number + 1}", slide_type, source=source)
            if cell.cell_type == "code":
                part.execution_count = None
        if cell.cell_type == "code":
            part.outputs = cell.outputs if end == len(lines) else []
        parts.append(part)
    return parts


def _text_pages(output: dict) -> list[dict]:
    """A printed-text output cut into pieces of at most MAX_TEXT_LINES lines."""
    if output.get("output_type") != "stream":
        return [output]
    lines = output["text"].splitlines(keepends=True)
    pages = []
    while lines:
        cut = len(lines) if len(lines) <= MAX_TEXT_LINES else MAX_TEXT_LINES
        if cut < len(lines):
            # end a page before a line that starts a new block (not indented, not a bracket)
            for candidate in range(MAX_TEXT_LINES, MAX_TEXT_LINES // 2, -1):
                if lines[candidate][:1] not in (" ", "[", "\n", "-"):
                    cut = candidate
                    break
        page = copy.deepcopy(output)
        page["text"] = "".join(lines[:cut])
        pages.append(page)
        lines = lines[cut:]
    return pages


def _split(cell: nbformat.NotebookNode, how: str) -> list[nbformat.NotebookNode]:
    """The cell as its code (with some outputs), then the rest of its outputs on sub-slides."""
    if cell.cell_type != "code" or how not in ("outputs", "figures"):
        raise ValueError(f"cell {cell.get('id')}: lecture split {how!r} needs a code cell "
                         "and 'outputs' or 'figures'")
    moved = [o for o in cell.outputs if how == "outputs" or _is_figure(o)]
    if not moved:
        return [cell]
    first = copy.deepcopy(cell)
    first.outputs = [o for o in cell.outputs if not (how == "outputs" or _is_figure(o))]
    parts = [first]
    for number, output in enumerate(page for o in moved for page in _text_pages(o)):
        part = _subslide(cell, f"{how}{number + 1}", outputs=[output])
        # nbconvert's templates leave out a cell's code when this is set
        part.metadata["transient"] = {"remove_source": True}
        parts.append(part)
    return parts


def _last_line_of_tracebacks(cell: nbformat.NotebookNode) -> None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = output["traceback"][-1:]


def lecture_cut(notebook: nbformat.NotebookNode,
                notes_on_sub_slides: bool = True) -> nbformat.NotebookNode:
    """Return the notebook as the deck should show it (a copy; ``notebook`` is not changed).

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A course notebook, as read by ``nbformat.read(path, as_version=4)``.
    notes_on_sub_slides : bool
        Repeat a section's notes on each of its later slides, so that the
        speaker view always shows the plan of the section (the deck). A printed
        handout gives them once, after the section's first slide, instead of on
        every other page.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook, with cells tagged ``notebook-only`` left out, cells
        asking for a split shown as two, and every slide's speaker notes as a
        ``notes`` cell right after the cell that starts it.
    """
    cut = nbformat.from_dict(copy.deepcopy(notebook))
    cells = []
    for cell in cut.cells:
        if "notebook-only" in cell.metadata.get("tags", []):
            continue
        lecture = cell.metadata.get("lecture", {})
        _last_line_of_tracebacks(cell)
        parts = (_break_source(cell, lecture["break_before"], lecture.get("break_as", "subslide"))
                 if "break_before" in lecture else [cell])
        if "split" in lecture:
            parts[-1:] = _split(parts[-1], lecture["split"])
        cells.extend(parts)
    cut.cells = _with_notes(cells, notes_on_sub_slides)
    return cut


def _with_notes(cells: list, notes_on_sub_slides: bool = True) -> list:
    """``cells`` with a notes cell after each one that starts a slide or a sub-slide."""
    noted, section, heading = [], None, ""
    for cell in cells:
        noted.append(cell)
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind == "slide" and "continues" not in cell.metadata:
            lecture = cell.metadata.get("lecture", {})
            section = lecture if "notes" in lecture else None
            heading = cell.source.splitlines()[0].lstrip("# ").strip() if cell.source else ""
            if section:
                noted.append(_notes_cell(notes_text(section), f"{cell.id}-notes"))
        elif kind in ("slide", "subslide") and section and notes_on_sub_slides:
            continued = f"*{heading}, continued.*\n\n{_paragraphs(section['notes'])}"
            noted.append(_notes_cell(continued, f"{cell.id}-notes"))
    return noted
