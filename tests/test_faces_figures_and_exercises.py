"""Notebook 04's figures and exercise checkers, and the pooling layer and progress bar it uses."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from feedback import is_right_verdict, verdict

from course_utils import (
    FACE_REGIONS,
    GlobalAveragePool2D,
    ProgressBar,
    check_bigger_faces_weights,
    check_local_macs,
    check_local_params,
    numerical_gradient,
    plot_accuracy_by_shift,
    plot_filters,
    plot_image_grid,
    plot_region_histograms,
    plot_regions,
    rel_error,
)
from course_utils.exercises.verdict import CORRECT, NOT_QUITE


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_image_grid_has_one_panel_per_image_and_blank_leftovers():
    fig = plot_image_grid(np.zeros((7, 5, 5)), columns=4, titles=[str(k) for k in range(7)])
    assert len(fig.axes) == 8
    assert sum(len(ax.images) for ax in fig.axes) == 7
    assert [ax.get_title() for ax in fig.axes[:2]] == ["0", "1"]


def test_a_region_keeps_its_colour_across_figures():
    regions = plot_regions(np.zeros((25, 25)), {"mouth": FACE_REGIONS["mouth"]})
    bars = plot_region_histograms({"nose": np.ones(8) / 8, "mouth": np.ones(8) / 8})
    box_colour = regions.axes[0].patches[0].get_edgecolor()
    mouth_bar_colour = bars.axes[0].patches[8].get_facecolor()  # bars 8-15 are the mouth's
    assert np.allclose(box_colour, mouth_bar_colour)


def test_regions_are_drawn_and_labelled():
    fig = plot_regions(np.zeros((25, 25)), FACE_REGIONS)
    (ax,) = fig.axes
    assert len(ax.patches) == len(FACE_REGIONS)
    assert {t.get_text() for t in ax.texts} == set(FACE_REGIONS)


def test_region_histograms_draw_a_bar_per_bin_and_region():
    fig = plot_region_histograms({"a": np.full(8, 1 / 8), "b": np.eye(8)[0]})
    (ax,) = fig.axes
    assert len(ax.patches) == 16
    assert ax.get_xticklabels()[4].get_text() == "90°"


def test_filters_share_one_colour_scale():
    fig = plot_filters({"small": np.full((3, 3), 0.1), "large": np.full((3, 3), -2.0)})
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.images[0].get_clim() for ax in panels] == [(-2.0, 2.0), (-2.0, 2.0)]


def test_accuracy_by_shift_plots_means_with_spreads():
    values = np.array([[1.0, 0.8], [0.8, 0.6]])
    fig = plot_accuracy_by_shift([0, 3], {"model": values})
    (ax,) = fig.axes
    line = ax.lines[0]
    assert np.allclose(line.get_ydata(), [0.9, 0.7])


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: plot_image_grid(np.zeros((2, 5, 5)), titles=["a"]),
         "titles must have one title per image (2), got 1"),
        (lambda: plot_region_histograms({}), "at least one region"),
        (lambda: plot_region_histograms({"a": np.ones(8), "b": np.ones(4)}), "same number of bins"),
        (lambda: plot_filters({}), "at least one filter"),
        (lambda: plot_accuracy_by_shift([0, 1, 2], {"m": np.ones((5, 2))}),
         "must have one column per shift (3), got 2"),
    ],
)
def test_figure_errors_name_the_argument(call, fragment):
    with pytest.raises(ValueError) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)


def test_global_average_pool_layer_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5))
    layer = GlobalAveragePool2D()
    out = layer.forward(x)
    assert out.shape == (2, 3) and np.allclose(out, x.mean(axis=(2, 3)))
    dout = rng.standard_normal(out.shape)
    numeric = numerical_gradient(lambda v: GlobalAveragePool2D().forward(v), x, dout, 1e-2)
    assert rel_error(layer.backward(dout), numeric) < 1e-8


def test_progress_bar_is_silent_outside_jupyter():
    bar = ProgressBar(total=3, description="x")
    assert bar.bar is None
    bar.update(2)
    bar.close("done")


# Right answers counted by hand for 4 filters of 5x5 on 25x25 grey faces: a 21x21 output.
RIGHT_ANSWERS = {
    check_local_params: 5_760,         # 12*12 positions * 4 filters * (9 weights + 1 bias)
    check_local_macs: 5_184,           # 12*12*4 outputs * 9 products
    check_bigger_faces_weights: 22_500,  # 51x51 faces: (51 - 3) / 2 + 1 = 25; 25*25*4*9
}


@pytest.mark.parametrize("checker", list(RIGHT_ANSWERS))
@pytest.mark.parametrize("kind", [int, float, np.int64])
def test_right_answers_in_any_numeric_type(capsys, checker, kind):
    answer = kind(RIGHT_ANSWERS[checker])
    assert is_right_verdict(verdict(capsys, checker, answer), answer)


@pytest.mark.parametrize(
    "checker, answer, hint",
    [
        (check_local_params, 5_184, "those are the weights"),
        (check_local_params, 25 * 25 * 4 * 10, "the output is 12x12"),
        (check_local_params, 23 * 23 * 4 * 10, "the layer at stride 1"),
        (check_local_params, 40, "convolution of the same shape"),
        (check_local_params, 6_914, "whole model, readout included"),
        (check_local_params, 576, "number of neurons"),
        (check_local_macs, 576, "number of outputs"),
        (check_local_macs, 5_760, "parameter count"),
        (check_local_macs, 36, "every output position"),
        (check_local_macs, 23 * 23 * 4 * 9, "the layer at stride 1"),
        (check_bigger_faces_weights, 4 * 5_184, "not quite four times"),
        (check_bigger_faces_weights, 25_000, "biases too"),
        (check_bigger_faces_weights, 51 * 51 * 4 * 9, "the output is 25x25"),
        (check_bigger_faces_weights, 49 * 49 * 4 * 9, "the layer at stride 1"),
        (check_bigger_faces_weights, 36, "do not grow"),
    ],
)
def test_common_slips_get_their_own_hint(capsys, checker, answer, hint):
    out = verdict(capsys, checker, answer)
    assert out.startswith(NOT_QUITE) and hint in out, out
