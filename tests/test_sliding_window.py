"""The sliding-window frames, the grid figures and the explorer that shows them."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from course_utils import (
    conv2d,
    explorer_frame_html,
    grid_5x5,
    plot_conv_step,
    plot_grid,
    plot_grid_row,
    products_text,
    sliding_window_explorer,
    sliding_window_frame,
    vertical_edge_kernel,
)
from course_utils.viz.style import INPUT_COLOUR, PADDING_COLOUR, WINDOW_TINT

GRID, KERNEL = grid_5x5(), vertical_edge_kernel()

# --------------------------------------------------------------------------
# Frames: the plain numbers behind every picture
# --------------------------------------------------------------------------


@pytest.mark.parametrize("padding", [0, 1, 2])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_every_step_sums_its_products_into_the_output(padding, stride, mode):
    expected = conv2d(
        GRID[None, None], KERNEL[None, None], stride=stride, padding=padding, padding_mode=mode
    )[0, 0]
    steps = expected.size
    for step in range(steps):
        frame = sliding_window_frame(GRID, KERNEL, step, padding=padding, stride=stride, mode=mode)
        i, j = frame.position
        assert (i, j) == divmod(step, expected.shape[1])  # row by row
        assert frame.window_origin == (i * stride, j * stride)
        assert frame.value == frame.products.sum() == expected[i, j]
        assert frame.filled.sum() == step + 1 and frame.filled[i, j]
        assert frame.steps == steps
        np.testing.assert_array_equal(frame.output, expected)


def test_frame_knows_when_the_window_reads_padding():
    corner = sliding_window_frame(GRID, KERNEL, 0, padding=1)
    centre = sliding_window_frame(GRID, KERNEL, 12, padding=1)  # output (2, 2)
    assert corner.reads_padding and not centre.reads_padding
    assert corner.is_padding.sum() == 7 * 7 - 5 * 5


def test_products_text_writes_out_the_sum():
    frame = sliding_window_frame(GRID, KERNEL, 0)
    text = products_text(frame)
    # 2*1 + 0*0 + 1*(-1) + 1*2 + 0*0 + 1*(-2) + 1*1 + 1*0 + 0*(-1) = 2
    assert text == "out[0, 0] = 2×1 + 0×0 + 1×(-1) + 1×2 + 0×0 + 1×(-2) + 1×1 + 1×0 + 0×(-1) = 2"


def test_frame_errors_name_the_argument():
    with pytest.raises(
        ValueError, match=r"step must be between 0 and 8 \(the output has 9 cells\), got 9"
    ):
        sliding_window_frame(GRID, KERNEL, 9)
    with pytest.raises(ValueError, match=r"grid must have 2 axes"):
        sliding_window_frame(GRID[None], KERNEL, 0)
    with pytest.raises(TypeError, match=r"stride must be an integer"):
        sliding_window_frame(GRID, KERNEL, 0, stride="2")


# --------------------------------------------------------------------------
# Grid figures: values on the cells, padding grey, window tinted
# --------------------------------------------------------------------------


def _faces(ax):
    return [to_hex(p.get_facecolor()) for p in ax.patches if p.get_fill()]


def _numbers(ax):
    return [t.get_text() for t in ax.texts]


def test_plot_grid_writes_every_padded_value():
    fig = plot_grid(GRID, padding=1, mode="reflect", window=(0, 0))
    ax = fig.axes[0]
    texts = _numbers(ax)
    assert len(texts) == 49
    # reflect: the top padding row mirrors grid row 1 = 1 0 1 0 2, with its ends reflected.
    assert texts[:7] == ["0", "1", "0", "1", "0", "2", "0"]
    faces = _faces(ax)
    assert faces.count(to_hex(WINDOW_TINT)) == 9
    assert faces.count(to_hex(PADDING_COLOUR)) == 49 - 25 - 5  # window covers 5 padding cells
    assert faces.count(to_hex(INPUT_COLOUR)) == 25 - 4
    assert "reflect padding 1 → 7x7" in ax.get_title()
    plt.close(fig)


def test_plot_conv_step_shows_input_kernel_and_partial_output():
    fig = plot_conv_step(GRID, KERNEL, 7, padding=1)
    ax_in, ax_kernel, ax_out = fig.axes
    assert len(_numbers(ax_in)) == 49 and len(_numbers(ax_kernel)) == 9
    assert len(_numbers(ax_out)) == 8  # steps 1 to 8 are filled in
    assert _faces(ax_out).count(to_hex(WINDOW_TINT)) == 1
    assert any("step 8 of 25" in t.get_text() for t in fig.texts)
    plt.close(fig)
    full = plot_conv_step(GRID, KERNEL, 0, show_all=True)
    assert len(_numbers(full.axes[2])) == 9
    plt.close(full)


def test_plot_grid_row_one_panel_per_grid():
    grids = [GRID, GRID * 2]
    fig = plot_grid_row(grids, ["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert _numbers(fig.axes[1])[0] == "4"
    plt.close(fig)
    with pytest.raises(ValueError, match="titles must have one title per grid \\(2\\), got 1"):
        plot_grid_row(grids, ["a"])


# --------------------------------------------------------------------------
# The explorer: its update function, and the widget's wiring
# --------------------------------------------------------------------------


def _cells(html):
    return html.count("<td")


def test_frame_html_fills_the_output_cell_by_cell():
    first = explorer_frame_html(GRID, KERNEL, 0, 1, 1, "zeros")
    assert _cells(first) == 49 + 9 + 25
    assert "step 1 of 25" in first and "the window reads padding" in first
    assert first.count("'></td>") == 24  # 24 output cells still blank
    last = explorer_frame_html(GRID, KERNEL, 24, 1, 1, "zeros")
    assert last.count("'></td>") == 0 and "step 25 of 25" in last


def test_frame_html_draws_what_the_settings_say():
    strided = explorer_frame_html(GRID, KERNEL, 8, 1, 2, "zeros")
    assert _cells(strided) == 49 + 9 + 9 and "step 9 of 9" in strided
    circular = explorer_frame_html(GRID, KERNEL, 0, 1, 1, "circular")
    assert "circular padding 1" in circular and circular != explorer_frame_html(
        GRID, KERNEL, 0, 1, 1, "zeros"
    )


def test_explorer_widget_steps_and_restarts():
    explorer = sliding_window_explorer(GRID, KERNEL, padding=1)
    controls, status, frame = explorer.children
    (play, step), paddings, strides, modes = controls.children[0].children, *controls.children[1:]
    assert step.max == play.max == 24 and "step 1 of 25" in frame.value
    step.value = 5
    assert "step 6 of 25" in frame.value and "Step 6 of 25, stride 1" in status.value
    paddings.value = 0
    assert step.value == 0 and step.max == 8 and "step 1 of 9" in frame.value
    strides.value = 2
    assert step.max == 3 and "output (stride 2)" in frame.value
    before = frame.value
    paddings.value = 2
    modes.value = "replicate"
    assert "replicate padding 2" in frame.value and frame.value != before


def test_explorer_explains_an_impossible_setting_instead_of_failing():
    tiny = np.array([[1, 2], [3, 4]])
    explorer = sliding_window_explorer(tiny, np.ones((1, 1)), padding=1, mode="reflect")
    controls, status, frame = explorer.children
    paddings = controls.children[1]
    paddings.value = 2  # reflect padding 2 needs 3 cells per side; the grid has 2
    assert "reflect padding must be at most 1" in frame.value
    assert "No frame: " in status.value and "reflect padding must be at most 1" in status.value


def test_explorer_rejects_settings_it_cannot_offer():
    with pytest.raises(ValueError, match="padding must be one of \\[0, 1, 2\\]"):
        sliding_window_explorer(GRID, KERNEL, padding=3)


def test_figure_and_explorer_paint_the_same_cells():
    from course_utils.viz.style import cell_colours

    frame = sliding_window_frame(GRID, KERNEL, 7, padding=1)
    colours = cell_colours(frame.padded.shape, is_padding=frame.is_padding, window=(1, 2, 3, 3))
    assert (colours == WINDOW_TINT).sum() == 9
    assert (colours == PADDING_COLOUR).sum() == 49 - 25  # this window lies inside the real grid
    html = explorer_frame_html(GRID, KERNEL, 7, 1, 1, "zeros")
    fig = plot_conv_step(GRID, KERNEL, 7, padding=1)
    # Same counts of tinted, grey and blank cells in both drawings of step 8.
    for colour in (WINDOW_TINT, PADDING_COLOUR, "white"):
        in_html = html.count(f"background:{colour};")
        in_figure = sum(_faces(ax).count(to_hex(colour)) for ax in fig.axes)
        assert in_html == in_figure, colour
    plt.close(fig)


def test_a_kernel_that_does_not_fit_gets_geometrys_message():
    from course_utils import window_geometry

    with pytest.raises(ValueError) as geometry:
        window_geometry((5, 5), (3, 8), 1)
    with pytest.raises(ValueError) as sliding:
        sliding_window_frame(GRID, np.ones((3, 8)), 0, padding=1)
    assert str(sliding.value).startswith(str(geometry.value))
    assert "along the width" in str(sliding.value) and "grid has shape (5, 5)" in str(sliding.value)
    # the smallest padding that fits is accepted: 5 + 2*2 = 9 >= 8
    assert sliding_window_frame(GRID, np.ones((3, 8)), 0, padding=2).output.shape == (7, 2)


@pytest.mark.parametrize("padding, sides", [
    (((1, 0), (0, 2)), ((1, 0), (0, 2))),
    ("same", ((1, 1), (1, 1))),
    ((0, 1), ((0, 0), (1, 1))),
])
def test_frames_take_every_padding_form(padding, sides):
    expected = conv2d(GRID[None, None], KERNEL[None, None], padding=sides)[0, 0]
    frames = [sliding_window_frame(GRID, KERNEL, step, padding=padding)
              for step in range(expected.size)]
    assert np.array_equal(frames[-1].output, expected)
    assert [frame.value for frame in frames] == list(expected.ravel())
    (top, bottom), (left, right) = sides
    assert frames[0].padded.shape == (5 + top + bottom, 5 + left + right)
    assert frames[0].is_padding.sum() == frames[0].padded.size - 25
    assert frames[0].padding == padding
