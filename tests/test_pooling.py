"""Max pooling against a loop over windows, its backward pass against finite differences,
and global pooling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    global_average_pool,
    global_max_pool,
    max_pool2d,
    max_pool2d_backward,
    numerical_gradient,
    rel_error,
)


@st.composite
def pool_cases(draw):
    size = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    h = draw(st.integers(size[0], size[0] + 6))
    w = draw(st.integers(size[1], size[1] + 6))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # a permutation: no ties, so the maximum of every window is unique
    x = rng.permutation(n * c * h * w).reshape(n, c, h, w).astype(float)
    return x, size, stride


def pool_by_loops(x, size, stride):
    (kh, kw), (sh, sw) = size, stride or size
    n, c, h, w = x.shape
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
    return out


@settings(max_examples=80, deadline=None)
@given(pool_cases())
def test_max_pool_equals_a_loop_over_windows(case):
    x, size, stride = case
    assert np.array_equal(max_pool2d(x, size, stride), pool_by_loops(x, size, stride))


@settings(max_examples=60, deadline=None)
@given(pool_cases())
def test_max_pool_backward_matches_finite_differences(case):
    x, size, stride = case
    out = max_pool2d(x, size, stride)
    dout = np.random.default_rng(out.size).standard_normal(out.shape)
    dx = max_pool2d_backward(dout, x, size, stride)
    # Values are whole numbers at least 1 apart, so a step of 0.1 never changes a winner.
    numeric = numerical_gradient(lambda v: max_pool2d(v, size, stride), x, dout, h=0.1)
    assert dx.shape == x.shape
    assert rel_error(dx, numeric) < 1e-9


def test_overlapping_windows_add_their_gradients():
    # 3x3 windows with stride 1 on a 4x4 map: the largest value wins all four windows.
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 1, 1] = 100.0
    dx = max_pool2d_backward(np.ones((1, 1, 2, 2)), x, 3, 1)
    assert dx[0, 0, 1, 1] == 4.0 and dx.sum() == 4.0


def test_ties_send_the_gradient_to_the_first_maximum():
    x = np.ones((1, 1, 2, 2))
    dx = max_pool2d_backward(np.array([[[[5.0]]]]), x)
    assert dx[0, 0].tolist() == [[5.0, 0.0], [0.0, 0.0]]


def test_odd_sizes_are_floored_like_the_frameworks():
    x = np.arange(25.0).reshape(1, 1, 5, 5)
    out = max_pool2d(x)  # 2x2 windows, stride 2: the last row and column are dropped
    assert out[0, 0].tolist() == [[6.0, 8.0], [16.0, 18.0]]


def test_float32_gradients_stay_float32():
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    assert max_pool2d_backward(np.ones((1, 1, 2, 2), np.float32), x).dtype == np.float32


def test_global_pools_reduce_each_map_to_one_number():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    assert global_average_pool(x).shape == (2, 3) and global_max_pool(x).shape == (2, 3)
    assert global_average_pool(x)[1, 2] == x[1, 2].mean()
    assert global_max_pool(x)[1, 2] == x[1, 2, -1, -1]
    # position does not matter: a circular shift leaves both unchanged
    moved = np.roll(x, (1, 3), axis=(2, 3))
    assert np.array_equal(global_max_pool(moved), global_max_pool(x))
    assert np.allclose(global_average_pool(moved), global_average_pool(x))


@pytest.mark.parametrize(
    "call, error, fragment",
    [
        (lambda: max_pool2d(np.ones((4, 4))), ValueError, "x must have 4 axes"),
        (lambda: max_pool2d(np.ones((1, 1, 4, 4)), 0), ValueError, "size must be an integer >= 1"),
        (lambda: max_pool2d(np.ones((1, 1, 4, 4)), 2, (1, 0)), ValueError, "stride[1] (width)"),
        (lambda: max_pool2d(np.ones((1, 1, 2, 2)), 3), ValueError, "does not fit"),
        (lambda: max_pool2d(np.ones((1, 1, 4, 4)), 2.0), TypeError, "size must be an int"),
        (lambda: max_pool2d_backward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 4, 4))),
         ValueError, "dout must have the output's shape (1, 1, 2, 2), got (1, 1, 3, 3)"),
        (lambda: global_average_pool(np.ones((3, 4, 4))), ValueError, "x must have 4 axes"),
        (lambda: global_max_pool(np.ones((1, 1, 2, 2), dtype=bool)), TypeError, "booleans"),
    ],
)
def test_errors_name_the_argument(call, error, fragment):
    with pytest.raises(error) as caught:
        call()
    assert fragment in str(caught.value), str(caught.value)


def test_overlapping_windows_with_ties_send_each_gradient_to_the_first_maximum():
    # 3x3 windows, stride 1, on a map of equal values: every window's first cell
    # (row-major) is its top-left one, so cell (i, j) collects window (i, j)'s gradient
    x = np.ones((1, 1, 4, 4))
    dout = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    dx = max_pool2d_backward(dout, x, 3, 1)
    expected = np.zeros((4, 4))
    expected[:2, :2] = [[1, 2], [3, 4]]
    assert dx[0, 0].tolist() == expected.tolist()


def test_a_nan_takes_its_windows_gradient_as_in_pytorch():
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    assert np.isnan(max_pool2d(x, 2)[0, 0, 0, 0])
    dx = max_pool2d_backward(np.array([[[[5.0]]]]), x, 2)
    assert dx[0, 0].tolist() == [[0.0, 5.0], [0.0, 0.0]]


def test_an_infinite_gradient_is_not_turned_into_nan_by_ties():
    dx = max_pool2d_backward(np.array([[[[np.inf]]]]), np.zeros((1, 1, 2, 2)), 2)
    assert dx[0, 0].tolist() == [[np.inf, 0.0], [0.0, 0.0]]


# ---------------------------------------------------------------------------
# One geometry (issue 17): pooling and its spec take their sizes from conv.geometry
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("h, w, size", [(7, 5, 2), (9, 9, 3), (4, 6, (2, 3)), (5, 3, (3, 1))])
def test_pool_sizes_come_from_the_geometry_and_match_the_spec(h, w, size):
    from course_utils import MaxPoolSpec, window_output_size

    out = max_pool2d(np.ones((1, 2, h, w)), size)
    assert out.shape[2:] == window_output_size((h, w), size, stride=size)
    # The spec (h // k) and the function (floor((h - k) / k) + 1) agree: one geometry.
    assert MaxPoolSpec(size).output_shape((2, h, w)) == out.shape[1:]


def test_pool_that_does_not_fit_names_size_in_both_function_and_spec():
    from course_utils import MaxPoolSpec

    with pytest.raises(ValueError, match=r"size \(2, 4\) does not fit in an input of height and "
                                         r"width \(3, 3\): size must be at most"):
        max_pool2d(np.ones((1, 1, 3, 3)), (2, 4))
    with pytest.raises(ValueError, match="a 2x4 max pool does not fit in a 3x3 map"):
        MaxPoolSpec((2, 4)).output_shape((1, 3, 3))
