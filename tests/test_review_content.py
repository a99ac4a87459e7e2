"""The content fixes of the course's second review (issue 30, section 4), each checked.

Figures are checked from their own drawing (patches, lines, sizes) and the
notebooks from their committed sources and outputs, which nbval keeps equal to
a fresh run.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

import course_utils as cu
from course_utils import NOTEBOOKS
from course_utils.exercises import verdict as verdict_module

ROOT = Path(__file__).resolve().parent.parent
#: Longest printed line a projector shows without wrapping.
LONGEST = 100
#: Lines the course leaves long, with the reason (none at present).
LEFT_LONG: set[tuple[str, str]] = set()


def cells(number: int) -> list[dict]:
    entry = NOTEBOOKS[number - 1]
    return json.loads((ROOT / "notebooks" / entry.filename).read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def outputs_text(cell: dict, kind: str = "text/plain") -> str:
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append("".join(output["text"]))
        elif kind in output.get("data", {}):
            parts.append("".join(output["data"][kind]))
    return "\n".join(parts)


# --------------------------------------------------------------------------
# Printed lines fit a projector
# --------------------------------------------------------------------------


@pytest.mark.parametrize("entry", NOTEBOOKS, ids=lambda e: e.filename)
def test_every_printed_line_of_a_notebook_fits_a_projector(entry):
    long = []
    for index, cell in enumerate(cells(entry.number)):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data or "application/vnd.jupyter.widget-view+json" in data:
                continue  # a figure's text/plain is its alt text, read by a screen reader
            text = "".join(output.get("text", "")) or "".join(data.get("text/plain", ""))
            long += [(index, len(line)) for line in text.splitlines() if len(line) > LONGEST
                     and not any(entry.filename == name and line.startswith(start)
                                 for name, start in LEFT_LONG)]
    assert long == [], f"{entry.filename}: (cell, characters) {long}"


def test_a_learners_verdict_wraps_at_100_characters(monkeypatch, capsys):
    monkeypatch.setattr(verdict_module, "LONGEST_LINE", LONGEST)  # as in a kernel
    cu.check_output_width(22.0)
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= LONGEST
    assert "The value is right" in out and len(out.splitlines()) > 1
    drill = cu.OutputSizeDrill(seed=2026)
    drill.new()
    assert max(len(line) for line in capsys.readouterr().out.splitlines()) <= LONGEST


def test_a_wide_text_table_wraps_its_columns():
    table = cu.text_table(["convention", "used by", "when the windows do not fit", "padding"],
                          [[c.name, c.framework, c.rounding, c.padding] for c in cu.CONVENTIONS],
                          left_columns=4)
    assert max(len(line) for line in table.splitlines()) <= LONGEST
    assert "strict: must be a whole" in table  # words kept whole, across lines
    narrow = cu.text_table(["a", "b"], [["1", "2"]])
    assert narrow == "a  b\n-  -\n1  2"


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def test_the_coverage_grid_names_its_kernel_and_stride():
    figure = cu.plot_coverage_grid(10, 3, 0, 2)
    alt = figure.alt_text
    assert "16 windows of 3x3 (a 4x4 grid of positions, stride 2)" in alt, alt
    assert "3x3 windows (stride 2)" in figure.axes[0].get_title()
    plt.close(figure)
    # The generator's own output in notebook 01 says so too.
    shown = [outputs_text(c) for c in cells(1) if "plot_coverage_grid(10, 3, 0, 2)" in source(c)]
    assert shown and "windows of 3x3" in shown[0] and "stride 2" in shown[0]


def test_the_conventions_strip_tells_windows_from_dropped_cells_without_colour():
    figure = cu.plot_conventions(10, 3, 2)
    ax = figure.axes[0]
    dropped = [p for p in ax.patches if p.get_hatch() == "x"]
    assert len(dropped) == 2  # the last cell, in the pytorch and keras_valid rows
    windows = [line for line in ax.lines if line.get_marker() == "|"]
    assert len(windows) == len(ax.lines) > 0  # every window ends in ticks
    assert "crossed" in figure.alt_text and "end ticks" in figure.alt_text
    plt.close(figure)


def test_notebook_04s_shift_figure_tells_its_lines_apart_by_marker_and_style():
    rng = np.random.default_rng(0)
    accuracy = {name: rng.random((5, 4)) for name in
                ("shared, positional", "unshared, positional", "shared, pooled",
                 "unshared, pooled")}
    figure = cu.plot_accuracy_by_shift([0, 1, 2, 3], accuracy)
    lines = [line for line in figure.axes[0].lines  # the models' lines, not the error caps
             if len(line.get_xdata()) == 4 and line.get_marker() not in (None, "None", "", "_")]
    styles = {(line.get_marker(), line.get_linestyle()) for line in lines}
    markers = {line.get_marker() for line in lines}
    dashes = {line.get_linestyle() for line in lines}
    assert len(lines) == 4 and len(styles) == 4 and len(markers) == 4 and len(dashes) >= 2
    plt.close(figure)


def test_the_depth_figure_shows_the_filter_slices_that_make_each_map():
    text = next(outputs_text(c) for c in cells(2) if "plot_channels_to_maps" in source(c))
    assert "each filter has one slice per channel" in text
    assert "row 2, filter 0: its red slice" in text and "the map it makes (3x3)" in text


def test_the_photographs_say_what_they_show_before_their_numbers():
    texts = [outputs_text(c) for c in cells(3) if "plot_shift_maps(" in source(c)
             and "shows=" in source(c)]
    assert len(texts) == 2
    camera, face = texts
    assert "'the photograph': a person in a dark coat behind a camera on a tripod" in camera
    assert camera.index("tripod") < camera.index("mean 0.51")
    assert "\nOne image. 'mean of 100 faces': a blurred face" in face
    assert "1 image side by side" not in face


def test_the_misclassified_digits_are_large_under_their_titles():
    figure = cu.plot_image_grid(np.zeros((20, 28, 28)), columns=10, titles=["0 → 8"] * 20,
                                titles_fontsize=16)
    panel = figure.axes[0].get_position().height * figure.get_size_inches()[1]
    assert panel >= 6 * 16 / 72, panel  # the digit at least 6 title heights tall
    plt.close(figure)
    assert any("titles_fontsize=16" in source(c) and "plot_image_grid" in source(c)
               for c in cells(5))


# --------------------------------------------------------------------------
# Notebook 03's sources and numbers
# --------------------------------------------------------------------------


def test_03_quotes_the_anti_aliasing_table_exactly():
    text = "\n".join(source(c) for c in cells(3))
    assert "83.31" not in text
    assert "78.18%" in text and "82.51%" in text and "Bin-5" in text
    assert "adobe/antialiased-cnns" in text and "results table" in text


def test_03_says_what_its_timing_measured_and_why_the_unshared_layer_is_slow():
    text = "\n".join(source(c) for c in cells(3))
    assert "matrix-vector product per\nposition" in text or "matrix-vector products" in text
    assert "one large matrix product" in text
    timing = next(c for c in cells(3) if "timeit.repeat" in source(c))
    assert "reading the unshared weights once" in source(timing)
