"""Notebook 03's figures: what they draw, computed from their parameters."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import (
    example_filter,
    plot_depth_slices,
    plot_gradient_sum,
    plot_parameter_counts,
    plot_shift_maps,
)


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [
        ax.get_title(loc="left") for ax in fig.axes
    ]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_parameter_counts_bars_have_the_counts_and_memory():
    fig = plot_parameter_counts({"shared": 34_944, "unshared": 105_705_600})
    (ax,) = fig.axes
    assert [bar.get_height() for bar in ax.patches] == [34_944, 105_705_600]
    assert ax.get_yscale() == "log"
    labels = texts(fig)
    assert any("34,944" in t and "140 KB (float32)" in t for t in labels)
    assert any("105,705,600" in t and "423 MB (float32)" in t for t in labels)


def test_parameter_counts_in_another_dtype():
    fig = plot_parameter_counts({"shared": 34_944}, dtype="float64")
    assert any("280 KB (float64)" in t for t in texts(fig))


def test_depth_slices_write_alexnet_counts():
    labels = " ".join(texts(plot_depth_slices()))
    # 96 * (11*11*3 + 1) and 55*55*96 * 364, worked out by hand
    assert "96 filters x 364 = 34,944 parameters" in labels
    assert "290,400 neurons x 364 = 105,705,600 parameters" in labels
    assert "55x55 neurons per slice (drawn smaller)" in labels


def test_depth_slices_draw_one_filter_shared_and_one_per_neuron():
    fig = plot_depth_slices(neurons=[(0, 0), (10, 20), (54, 54), (30, 5)])
    shared, unshared = fig.axes
    assert len(shared.images) == len(unshared.images) == 4
    first = shared.images[0].get_array()
    assert all(np.array_equal(im.get_array(), first) for im in shared.images)
    pictures = [im.get_array() for im in unshared.images]
    assert not any(np.array_equal(a, b) for i, a in enumerate(pictures) for b in pictures[i + 1:])


def test_depth_slices_refuse_neurons_outside_the_slice():
    with pytest.raises(ValueError, match=r"inside the 55x55 slice, got \(55, 0\)"):
        plot_depth_slices(neurons=[(55, 0)])


def test_example_filter_is_bounded_and_oriented():
    vertical, horizontal = example_filter(11, 0.0), example_filter(11, 90.0)
    assert vertical.shape == (11, 11) and np.abs(vertical).max() <= 1.0
    # stripes at 0 degrees: the centre column lies along one stripe (all positive),
    # the centre row crosses the stripes (changes sign); at 90 degrees the other way round
    assert (vertical[:, 5] > 0).all() and (vertical[5, :] < 0).any()
    assert (horizontal[5, :] > 0).all() and (horizontal[:, 5] < 0).any()


def test_gradient_sum_draws_each_position_and_the_total():
    per_position = np.arange(2 * 3 * 3 * 3).reshape(2, 3, 3, 3)
    total = per_position.sum(axis=(0, 1))
    fig = plot_gradient_sum(per_position, total)
    assert len(fig.axes) == 2 * 3 + 2  # six tiles, the sign, the total
    titles = [ax.get_title() for ax in fig.axes]
    assert "(1, 2)" in titles and any("shared" in t for t in titles)
    assert str(int(total[2, 2])) in [t.get_text() for t in fig.axes[-1].texts]


def test_gradient_sum_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"filters of shape \(3, 3\) but total has shape \(2, 2\)"):
        plot_gradient_sum(np.zeros((2, 2, 3, 3)), np.zeros((2, 2)))


def test_shift_maps_centre_signed_maps_on_zero():
    image = np.linspace(0, 1, 64).reshape(8, 8)
    signed = image - 0.25
    fig = plot_shift_maps([image, signed], ["photo", "map"])
    grey, diverging = (ax.images[0] for ax in fig.axes)
    assert grey.get_clim() == (0, 1)
    low, high = diverging.get_clim()
    assert low == -high and 0 < high <= 0.75


def test_shift_maps_colour_bars_only_for_signed_maps():
    fig = plot_shift_maps([np.ones((4, 4)), -np.ones((4, 4))], ["a", "b"], colorbar=True)
    assert len(fig.axes) == 3  # two panels and one colour bar


def test_shift_maps_show_an_all_zero_map():
    fig = plot_shift_maps([np.zeros((4, 4))], ["nothing"], signed=[True])
    assert fig.axes[0].images[0].get_clim() == (-1.0, 1.0)


@pytest.mark.parametrize(
    "call, fragment",
    [
        (lambda: plot_shift_maps([np.zeros((4, 4))], ["a", "b"]),
         "titles must have one title per image (1), got 2"),
        (lambda: plot_shift_maps([np.zeros(4)], ["a"]), "images[0] must have 2 axes"),
        (lambda: plot_shift_maps([np.zeros((4, 4))], ["a"], clip_percentile=0), "clip_percentile"),
        (lambda: plot_shift_maps([np.zeros((4, 4))], ["a"], panel_size=0), "panel_size"),
        (lambda: plot_parameter_counts({}), "at least one"),
        (lambda: plot_parameter_counts({"x": 0}), "counts['x'] must be an integer >= 1"),
    ],
)
def test_errors_name_the_argument(call, fragment):
    with pytest.raises(ValueError) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)


def test_shift_maps_say_what_each_picture_shows_before_its_numbers():
    photo = np.linspace(0, 1, 16).reshape(4, 4)
    figure = plot_shift_maps([photo, photo - 0.5], ["photo", "edges"],
                             shows=["a person with a camera on a tripod", "its outlines"])
    alt = figure.alt_text
    assert alt.startswith("2 images side by side. 'photo': a person with a camera on a tripod; "
                          "4x4 grey-level image"), alt
    assert "'edges': its outlines; 4x4 signed map" in alt
    one = plot_shift_maps([photo], ["mean face"], shows=["a blurred face"])
    assert one.alt_text.startswith("One image. 'mean face': a blurred face; "), one.alt_text
    with pytest.raises(ValueError, match="shows must say what each"):
        plot_shift_maps([photo], ["photo"], shows=["a", "b"])
