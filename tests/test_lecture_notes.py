"""Speaker notes and the lecture cut (tools/lecture_cut.py), without a browser.

Every section of a notebook (a cell of slide type ``slide``) that holds more
than a heading carries speaker notes and minutes in its metadata; the
minutes of the core sections add up to the notebook's stated time, within
10 minutes. The lecture cut turns them into reveal.js notes and breaks tall
cells into sub-slides, and leaves the notebook itself as it was.
"""

from __future__ import annotations

import re
import sys

import nbformat
import pytest
from browser_support import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from lecture_cut import lecture_cut  # noqa: E402

from course_utils.course import NOTEBOOKS  # noqa: E402

#: How far the notes' minutes may be from the notebook's stated time: they follow the same
#: rule (tools/estimate_minutes.py --write-notes), so not at all.
MINUTES_TOLERANCE = 0


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def kind(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def sections(notebook) -> list[list]:
    """The notebook's cells grouped by section: each group starts with a ``slide`` cell."""
    groups = []
    for cell in notebook.cells:
        if kind(cell) == "slide":
            groups.append([cell])
        elif groups and kind(cell) not in ("skip", "notes"):
            groups[-1].append(cell)
    return groups


def only_a_heading(group) -> bool:
    lines = [line for cell in group for line in cell.source.splitlines() if line.strip()]
    return len(lines) <= 1


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_every_section_with_content_has_notes_and_minutes(entry):
    missing = []
    for group in sections(read(entry.filename)):
        lecture = group[0].metadata.get("lecture", {})
        if only_a_heading(group):
            continue
        heading = group[0].source.splitlines()[0]
        if len(lecture.get("notes", "").split()) < 25:
            missing.append(f"{heading}: no speaker notes (or fewer than 25 words)")
        minutes = lecture.get("minutes")
        if not (isinstance(minutes, int) and minutes > 0):
            missing.append(f"{heading}: minutes {minutes!r}, want a positive whole number")
    assert missing == [], f"{entry.filename}:\n" + "\n".join(missing)


def lecture_minutes(notebook) -> tuple[int, int]:
    """The minutes of a notebook's speaker notes: (core sections, Going-further sections)."""
    core = optional = 0
    for group in sections(notebook):
        lecture = group[0].metadata.get("lecture", {})
        going_further = "Going further" in group[0].source.splitlines()[0]
        # a Going-further section is optional in the notes, and only such a section is
        assert lecture.get("optional", False) == going_further, group[0].source.splitlines()[0]
        if going_further:
            optional += lecture.get("minutes", 0)
        else:
            core += lecture.get("minutes", 0)
    return core, optional


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_the_minutes_add_up_to_the_stated_time(entry):
    core, optional = lecture_minutes(read(entry.filename))
    print(f"\n{entry.filename}: {core} minutes of notes for {entry.minutes} stated"
          + (f", plus {optional} optional" if optional else ""))
    assert abs(core - entry.minutes) <= MINUTES_TOLERANCE, (
        f"{entry.filename}: the notes' minutes add up to {core}, the notebook says {entry.minutes}")


def parts(entry) -> tuple[int, int]:
    """The core minutes of a notebook's two sessions, split where its second part starts."""
    first = second = 0
    in_second = False
    for group in sections(read(entry.filename)):
        lecture = group[0].metadata.get("lecture", {})
        heading = group[0].source.splitlines()[0]
        in_second = in_second or (bool(entry.second_part)
                                  and heading.startswith(entry.second_part))
        if lecture.get("optional"):
            continue
        if in_second:
            second += lecture.get("minutes", 0)
        else:
            first += lecture.get("minutes", 0)
    return first, second


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_a_notebook_too_long_for_one_lecture_says_how_to_split_it(entry):
    """Over LECTURE_MINUTES, a notebook is taught in two sessions, each short enough."""
    from course_utils.course import LECTURE_MINUTES

    first, second = parts(entry)
    if entry.minutes <= LECTURE_MINUTES:
        assert not entry.second_part and second == 0
        return
    assert entry.second_part, f"{entry.filename} takes {entry.minutes} minutes: split it"
    assert second > 0, f"{entry.filename} has no section starting {entry.second_part!r}"
    assert first <= LECTURE_MINUTES and second <= LECTURE_MINUTES, (first, second)
    time_line = next(line for cell in read(entry.filename).cells
                     for line in cell.source.split("\n\n") if line.startswith("**Time**"))
    time_line = " ".join(time_line.split())
    assert f"about {first} minutes" in time_line and f"about {second})" in time_line, time_line
    assert "two sessions" in time_line, time_line


def test_the_teaching_page_gives_each_lecture_the_minutes_of_its_notes():
    """The teaching page's table says how long each lecture takes: its notes' minutes,
    and, for a notebook longer than one lecture, the minutes of its two sessions."""
    page = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| (\d+) min(?:: (\d+) \+ (\d+))?(?: \(\+(\d+) optional\))? "
                      r"\| (\d+) min \|", page, re.M)
    assert len(rows) == len(NOTEBOOKS), rows
    for (number, lecture, first, second, optional, self_study), entry in zip(rows, NOTEBOOKS):
        core, going_further = lecture_minutes(read(entry.filename))
        assert (int(lecture), int(optional or 0)) == (core, going_further), (number, core)
        assert int(self_study) == entry.minutes, number
        if entry.second_part:
            assert (int(first), int(second)) == parts(entry), number


def notebook_text(notebook) -> str:
    """Everything a reader of the notebook sees: sources and printed or displayed text."""
    parts = []
    for cell in notebook.cells:
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(value for kind, value in output.get("data", {}).items()
                         if kind.startswith("text/"))
    return "\n".join(part if isinstance(part, str) else "".join(part) for part in parts)


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_every_result_quoted_in_the_notes_is_in_the_notebook(entry):
    """A count (105,705,600) or a measurement (0.970) in the notes is one the notebook shows.

    When a notebook's computed numbers change, the notes that quote them fail
    here instead of telling the room an old number.
    """
    notebook = read(entry.filename)
    shown = notebook_text(notebook)
    stale = []
    for cell in notebook.cells:
        notes = cell.metadata.get("lecture", {}).get("notes", "")
        for number in re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+\.\d+\b", notes):
            if number not in shown:
                stale.append(f"{cell.source.splitlines()[0]}: {number}")
    assert stale == [], f"{entry.filename}: numbers in the notes the notebook does not show:\n" + (
        "\n".join(stale))


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_instructor_notes_stay_out_of_the_learners_reading(entry):
    """The notes live in metadata: no markdown cell speaks to the instructor."""
    notebook = read(entry.filename)
    spoken = [cell.source[:60] for cell in notebook.cells if cell.cell_type == "markdown"
              and re.search(r"^(Say|Ask|Drive|Ask the room):", cell.source, re.M)]
    assert spoken == []


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda entry: entry.filename)
def test_the_deck_has_notes_on_every_slide_and_the_notebook_is_unchanged(entry):
    notebook = read(entry.filename)
    before = nbformat.writes(notebook)
    cut = lecture_cut(notebook)
    assert nbformat.writes(notebook) == before, "lecture_cut changed the notebook it was given"
    cells = [cell for cell in cut.cells if kind(cell) != "skip"]
    starts = [i for i, cell in enumerate(cells) if kind(cell) in ("slide", "subslide")]
    assert len(starts) > len(sections(notebook)), "no sub-slides in the lecture cut"
    for i in starts:
        following = cells[i + 1] if i + 1 < len(cells) else None
        assert following is not None and kind(following) == "notes", (
            f"{entry.filename}: no notes after the slide starting {cells[i].source[:50]!r}")
    # every notes cell of a section's first slide ends with its minutes
    firsts = [cells[i + 1].source for i in starts
              if kind(cells[i]) == "slide" and "continues" not in cells[i].metadata]
    assert len(firsts) == len(sections(notebook))
    assert all(re.search(r"\*About \d+ min[^*]*\.\*$", text) for text in firsts)
    # the ids stay unique, or the deck's cells could not be told apart
    ids = [cell.id for cell in cut.cells]
    assert len(ids) == len(set(ids))


def code_cell(source, outputs, **lecture):
    cell = nbformat.v4.new_code_cell(source, outputs=outputs)
    cell.id = "c1"
    cell.metadata = {"slideshow": {"slide_type": "-"}, "lecture": lecture}
    return cell


def notebook_of(*cells):
    heading = nbformat.v4.new_markdown_cell("## A section\n\nText.")
    heading.id = "h1"
    heading.metadata = {"slideshow": {"slide_type": "slide"},
                        "lecture": {"notes": "Say: this.", "minutes": 3}}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [heading, *cells]
    return notebook


PNG = {"output_type": "display_data", "metadata": {},
       "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def test_a_figures_split_puts_the_figure_on_a_sub_slide_of_its_own_without_code():
    cut = lecture_cut(notebook_of(code_cell("plot()", [stream("3 rows\n"), PNG],
                                            split="figures")))
    code, figure = [c for c in cut.cells if c.cell_type == "code"]
    assert code.source == "plot()" and code.outputs == [stream("3 rows\n")]
    assert kind(figure) == "subslide" and figure.outputs == [PNG]
    assert figure.metadata["transient"] == {"remove_source": True}
    continued = cut.cells[cut.cells.index(figure) + 1]
    assert kind(continued) == "notes" and continued.source.startswith("*A section, continued.*")


def test_long_printed_text_is_cut_into_pages_that_fit():
    text = "".join(f"line {i}\n" for i in range(70))
    cut = lecture_cut(notebook_of(code_cell("print(text)", [stream(text)], split="outputs")))
    pages = [c for c in cut.cells if c.cell_type == "code"][1:]
    assert [len(page.outputs[0]["text"].splitlines()) for page in pages] == [28, 28, 14]
    assert "".join(page.outputs[0]["text"] for page in pages) == text


def test_break_before_cuts_the_source_and_keeps_the_outputs_on_the_last_part():
    cell = code_cell("a = 1\n\ndef f():\n    return a\nprint(f())", [stream("1\n")],
                     break_before=["def f"])
    first, second = [c for c in lecture_cut(notebook_of(cell)).cells if c.cell_type == "code"]
    assert first.source == "a = 1" and first.outputs == []
    assert second.source.startswith("def f():") and second.outputs == [stream("1\n")]
    assert kind(second) == "subslide" and second.id == "c1-part2"


def test_break_as_slide_puts_the_parts_to_the_right_with_the_section_notes():
    heading = nbformat.v4.new_markdown_cell("# Title\n\nHook.\n\n**Goals**\n- one")
    heading.id = "t1"
    heading.metadata = {"slideshow": {"slide_type": "slide"}, "lecture": {
        "notes": "Say: welcome.", "minutes": 2, "break_before": ["**Goals**"],
        "break_as": "slide"}}
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [heading]
    cells = lecture_cut(notebook).cells
    assert [(kind(c), c.source.splitlines()[0]) for c in cells] == [
        ("slide", "# Title"), ("notes", "Say: welcome."),
        ("slide", "**Goals**"), ("notes", "*Title, continued.*")]
    assert cells[1].source.endswith("*About 2 min.*")


def test_bad_lecture_metadata_is_refused_by_name():
    with pytest.raises(ValueError, match="break_before 'nowhere'"):
        lecture_cut(notebook_of(code_cell("a = 1", [], break_before=["nowhere"])))
    with pytest.raises(ValueError, match="break_as 'down'"):
        lecture_cut(notebook_of(code_cell("a = 1", [], break_before=["a"], break_as="down")))
    with pytest.raises(ValueError, match="split 'sideways'"):
        lecture_cut(notebook_of(code_cell("a = 1", [], split="sideways")))


def test_a_traceback_is_cut_to_its_message_and_notebook_only_cells_are_left_out():
    error = {"output_type": "error", "ename": "ValueError", "evalue": "no fit",
             "traceback": ["frame 1", "frame 2", "ValueError: no fit"]}
    hidden = nbformat.v4.new_markdown_cell("for readers only")
    hidden.id = "m2"
    hidden.metadata = {"slideshow": {"slide_type": "-"}, "tags": ["notebook-only"]}
    cut = lecture_cut(notebook_of(code_cell("fail()", [error]), hidden))
    assert [c for c in cut.cells if c.cell_type == "code"][0].outputs[0]["traceback"] == [
        "ValueError: no fit"]
    assert all(c.source != "for readers only" for c in cut.cells)
