"""Shifting images, and convolution's equivariance measured on random images and filters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    PADDING_MODES,
    compare_shifted,
    conv2d,
    equivariance_error,
    global_average_pool,
    max_pool2d,
    shift_image,
)


def test_shift_moves_rows_down_and_columns_right_and_wraps():
    x = np.arange(12).reshape(3, 4)
    moved = shift_image(x, (1, 2))
    assert moved[1, 2] == x[0, 0]          # (0, 0) went 1 down and 2 right
    assert moved[0, 0] == x[2, 2]          # what left the bottom-right came back top-left
    assert np.array_equal(shift_image(moved, (-1, -2)), x)
    assert np.array_equal(shift_image(x, 0), x)


def test_shift_acts_on_the_last_two_axes_of_a_batch():
    x = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    assert np.array_equal(shift_image(x, (1, 1))[1, 2], shift_image(x[1, 2], (1, 1)))


@st.composite
def images_and_filters(draw):
    h, w = draw(st.integers(6, 14)), draw(st.integers(6, 14))
    k = draw(st.sampled_from([1, 3, 5]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # whole numbers: every sum is exact, so "equal" can be tested as identical
    image = rng.integers(-4, 5, size=(h, w)).astype(float)
    kernel = rng.integers(-3, 4, size=(1, 1, k, k)).astype(float)
    shift = (draw(st.integers(-h, h)), draw(st.integers(-w, w)))
    return image, kernel, shift


def layer(kernel, mode="circular", stride=1):
    p = kernel.shape[-1] // 2
    return lambda im: conv2d(im[None, None], kernel, padding=p, padding_mode=mode,
                             stride=stride)[0, 0]


@settings(max_examples=100, deadline=None)
@given(images_and_filters())
def test_circular_padding_and_stride_1_are_exactly_equivariant(case):
    image, kernel, shift = case
    result = equivariance_error(layer(kernel), image, shift)
    assert result.cells_differing == 0 and result.max_difference == 0.0
    assert result.exact_shift and result.output_shift == shift


@settings(max_examples=100, deadline=None)
@given(images_and_filters(), st.sampled_from([m for m in PADDING_MODES if m != "circular"]))
def test_other_paddings_differ_only_where_a_window_reads_padding(case, mode):
    image, kernel, shift = case
    p = kernel.shape[-1] // 2
    conv = layer(kernel, mode)
    changed = conv(shift_image(image, shift)) != shift_image(conv(image), shift)
    border = np.zeros(image.shape, dtype=bool)
    if p:
        border[:p, :] = border[-p:, :] = border[:, :p] = border[:, -p:] = True
    near_padding = border | shift_image(border, shift)
    assert not (changed & ~near_padding).any()
    assert equivariance_error(conv, image, shift).cells_differing == changed.sum()


def test_zero_padding_does_break_equivariance_at_the_border():
    image = np.zeros((8, 8))
    image[:, 0] = 1.0  # a bright left column: zero padding makes it an edge, wrap-around does not
    kernel = np.array([[[[1.0, 0.0, -1.0]]]])  # left minus right
    assert equivariance_error(layer(kernel, "zeros"), image, (0, 3)).cells_differing > 0


@settings(max_examples=50, deadline=None)
@given(images_and_filters())
def test_stride_2_is_equivariant_exactly_for_even_shifts(case):
    image, kernel, (dy, dx) = case
    image = image[: image.shape[0] // 2 * 2, : image.shape[1] // 2 * 2]  # even sizes wrap evenly
    result = equivariance_error(layer(kernel, stride=2), image, (2 * dy, 2 * dx), stride=2)
    assert result.cells_differing == 0 and result.output_shift == (dy, dx)


def test_stride_2_and_max_pooling_break_for_odd_shifts():
    rng = np.random.default_rng(0)
    image = rng.standard_normal((16, 16))
    kernel = rng.standard_normal((1, 1, 3, 3))
    strided = equivariance_error(layer(kernel, stride=2), image, (0, 1), stride=2)
    assert not strided.exact_shift and strided.relative_difference > 0.3
    assert strided.output_shift in {(0, 0), (0, 1)}

    def pooled(im):
        return max_pool2d(layer(kernel)(im)[None, None])[0, 0]

    assert equivariance_error(pooled, image, (0, 1), stride=2).relative_difference > 0.3
    assert equivariance_error(pooled, image, (2, 4), stride=2).relative_difference == 0.0


def test_global_pooling_is_invariant_with_circular_padding():
    rng = np.random.default_rng(1)
    image = rng.integers(0, 9, size=(12, 12)).astype(float)
    kernel = rng.integers(-2, 3, size=(1, 1, 3, 3)).astype(float)
    conv = layer(kernel)
    before = global_average_pool(conv(image)[None, None])
    for shift in [(1, 0), (0, 5), (7, 3)]:
        after = global_average_pool(conv(shift_image(image, shift))[None, None])
        assert np.array_equal(before, after)


def test_compare_shifted_counts_and_measures_the_mismatch():
    before = np.arange(16.0).reshape(4, 4)
    after = shift_image(before, (0, 1))
    after[0, 0] += 2.0
    result = compare_shifted(before, after, (0, 1))
    assert result.cells_differing == 1 and result.max_difference == 2.0
    assert result.relative_difference == pytest.approx(2.0 / np.linalg.norm(before))
    assert result.cells_total == 16


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: shift_image(np.ones(5), 1), ValueError, "x must have at least two axes"),
        (lambda: shift_image(np.ones((3, 3)), 1.5), TypeError, "shift must be an int"),
        (lambda: shift_image(np.ones((3, 3)), (1, 2, 3)), ValueError, "got 3 values"),
        (lambda: compare_shifted(np.ones((3, 3)), np.ones((3, 4)), 0), ValueError,
         "before has shape (3, 3) but after has shape (3, 4)"),
        (lambda: equivariance_error(lambda im: im, np.ones((3, 3)), 1, stride=0), ValueError,
         "stride must be an integer >= 1"),
    ],
)
def test_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)
