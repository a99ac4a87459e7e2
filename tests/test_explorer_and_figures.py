"""The explorer's update function, the widget's wiring, and what the figures draw."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from course_utils import (
    conv_arithmetic_explorer,
    conv_arithmetic_report,
    plot_coverage_grid,
    plot_receptive_field,
    plot_window_positions,
)
from course_utils.viz.style import DROPPED_COLOUR, PADDING_COLOUR, WINDOW_COLOUR

# --------------------------------------------------------------------------
# Report: the explorer's update function
# --------------------------------------------------------------------------


def test_report_when_the_windows_fit():
    text = conv_arithmetic_report(5, 3, 1, 1)
    assert "= (5 - 3 + 2*1)/1 + 1" in text
    assert "\n      = 5\n" in text
    assert "fit exactly: 5 output values" in text


def test_report_when_they_do_not_fit():
    text = conv_arithmetic_report(10, 3, 0, 2)
    assert "= 4.5" in text
    assert "floor the result to 4" in text and "input cells [9]" in text
    assert "stride=1 (output 8)" in text


def test_report_with_dilation_shows_the_span():
    text = conv_arithmetic_report(9, 3, 0, 2, 2)
    assert "D*(K - 1) + 1 = 2*(3 - 1) + 1 = 5 cells" in text and "= (9 - 5 + 2*0)/2 + 1" in text
    assert "fit exactly: 3 output values" in text


def test_report_explains_instead_of_raising():
    assert "No room for one window" in conv_arithmetic_report(2, 5)
    assert conv_arithmetic_report(5, 0).startswith("Cannot compute: kernel_size must be")
    assert conv_arithmetic_report("5", 3).startswith("Cannot compute: size must be an integer")


# --------------------------------------------------------------------------
# The widget: moving a slider changes what is shown
# --------------------------------------------------------------------------


def test_explorer_updates_when_a_slider_moves():
    explorer = conv_arithmetic_explorer(size=10, kernel_size=3, padding=0, stride=2)
    controls, report = explorer.children[0].children
    status, drawing = explorer.children[1:]
    sliders = {s.description.split()[0]: s for s in controls.children}
    assert set(sliders) == {"W", "K", "P", "S", "D"}
    assert "4.5" in report.value
    assert "W=10, K=3, P=0, S=2, D=1: 4 window positions" in status.value
    sliders["S"].value = 1
    assert "W=10, K=3, P=0, S=1, D=1: 8 window positions; they fit exactly." in status.value
    assert "4.5" not in report.value and "fit exactly: 8 output values" in report.value
    sliders["P"].value = 1
    assert "fit exactly: 10 output values" in report.value
    # With no room for a window, the report says so and the drawing is cleared.
    sliders["K"].value = 11
    sliders["P"].value = 0
    assert "No room for one window" in report.value
    assert drawing.outputs == ()
    plt.close("all")


def test_explorer_rejects_unknown_settings():
    with pytest.raises(TypeError, match="unknown settings \\['kernel'\\]"):
        conv_arithmetic_explorer(kernel=3)


# --------------------------------------------------------------------------
# Figures: the right cells, the right colours, the right numbers
# --------------------------------------------------------------------------


def _faces(ax):
    # Single patches, and the patches drawn together as a collection.
    faces = [to_hex(p.get_facecolor()) for p in ax.patches]
    for collection in ax.collections:
        faces += [to_hex(colour) for colour in collection.get_facecolors()]
    return faces


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_window_positions_draw_one_row_per_output():
    fig = plot_window_positions(10, 3, 0, 2)
    ax = fig.axes[0]
    assert [t for t in _texts(ax) if t.startswith("out[")] == [f"out[{i}]" for i in range(4)]
    # 10 input cells, input cell 9 dropped, 4 windows of 3 orange taps.
    assert _faces(ax).count(to_hex(DROPPED_COLOUR)) == 1
    assert _faces(ax).count(to_hex(WINDOW_COLOUR)) == 4 * 3
    assert "1 cell left over" in ax.get_title(loc="left")
    plt.close(fig)


def test_window_positions_show_padding_and_dilation_gaps():
    fig = plot_window_positions(5, 3, padding=1, stride=1, dilation=2)
    ax = fig.axes[0]
    assert _faces(ax).count(to_hex(PADDING_COLOUR)) == 2
    assert _faces(ax).count(to_hex(WINDOW_COLOUR)) == 3 * 3  # 3 windows, 3 taps each
    plt.close(fig)


def test_long_strips_elide_the_middle_rows():
    fig = plot_window_positions(40, 3, max_rows=8)
    labels = [t for t in _texts(fig.axes[0]) if t.startswith("out[")]
    assert labels[:4] == ["out[0]", "out[1]", "out[2]", "out[3]"] and labels[-1] == "out[37]"
    assert len(labels) == 8
    plt.close(fig)


def test_coverage_grid_writes_the_counts_on_the_cells():
    fig = plot_coverage_grid(5, 3)
    numbers = np.array([int(t) for t in _texts(fig.axes[0])]).reshape(5, 5)
    assert numbers[0, 0] == 1 and numbers[2, 2] == 9 and numbers[0, 2] == 3
    assert "(output: 3x3)" in fig.axes[0].get_title()
    plt.close(fig)


def test_coverage_grid_marks_dropped_rows_and_columns():
    fig = plot_coverage_grid(10, 3, 0, 2)
    faces = _faces(fig.axes[0])
    # Row 9 and column 9 are never read: 10 + 10 - 1 = 19 cells.
    assert faces.count(to_hex(DROPPED_COLOUR)) == 19
    plt.close(fig)


def test_coverage_grid_takes_per_side_padding():
    from course_utils import coverage_counts

    fig = plot_coverage_grid(4, 3, ((1, 0), (0, 2)))
    numbers = np.array([int(t) for t in _texts(fig.axes[0])]).reshape(5, 6)
    np.testing.assert_array_equal(numbers, coverage_counts(4, 3, ((1, 0), (0, 2))))
    # padding: one row on top, two columns on the right: 6 + 2*4 = 14 cells
    assert _faces(fig.axes[0]).count(to_hex(PADDING_COLOUR)) == 14
    plt.close(fig)


def test_receptive_field_figure_fills_the_field():
    from course_utils.viz.style import HIGHLIGHT_COLOUR

    fig = plot_receptive_field([(3, 1)] * 3, input_size=11)
    faces = _faces(fig.axes[0])
    # Filled: 7 input cells, 5 in layer 1, 3 in layer 2, 1 at the top.
    assert faces.count(to_hex(HIGHLIGHT_COLOUR)) == 7 + 5 + 3 + 1
    assert "7 input cells" in fig.axes[0].get_title(loc="left")
    plt.close(fig)


def test_layer_sizes_chart_has_one_line_per_setting():
    from course_utils import plot_layer_sizes

    fig = plot_layer_sizes({"no padding": [32, 30, 28], "padding 1": [32, 32, 32]})
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["no padding", "padding 1"]
    assert list(ax.get_lines()[0].get_ydata()) == [32, 30, 28]
    assert [t.get_text() for t in ax.texts] == ["28", "32"]  # the last size written at the end
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one"):
        plot_layer_sizes({})
