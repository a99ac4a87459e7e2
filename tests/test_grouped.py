"""Grouped convolution against a full convolution with block-diagonal filters."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    channel_connections,
    conv2d_reference,
    grouped_conv2d,
    grouped_conv2d_backward,
    numerical_gradient,
    rel_error,
)


def block_diagonal(w, groups, in_channels):
    """The grouped filters as full-depth filters with zeros outside their group."""
    c_out = w.shape[0]
    full = np.zeros((c_out, in_channels, *w.shape[2:]))
    per_in, per_out = in_channels // groups, c_out // groups
    for g in range(groups):
        full[g * per_out:(g + 1) * per_out, g * per_in:(g + 1) * per_in] = \
            w[g * per_out:(g + 1) * per_out]
    return full


@st.composite
def grouped_case(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    k, stride, dilation, padding = (draw(st.integers(1, 3)), draw(st.integers(1, 2)),
                                    draw(st.integers(1, 2)), draw(st.integers(0, 2)))
    size = draw(st.integers(dilation * (k - 1) + 1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((2, c_in, size, size))
    w = rng.standard_normal((c_out, c_in // groups, k, k))
    b = rng.standard_normal(c_out)
    return x, w, b, groups, dict(stride=stride, padding=padding, dilation=dilation)


@settings(max_examples=60, deadline=None)
@given(grouped_case())
def test_grouped_conv_equals_a_full_conv_with_block_diagonal_filters(case):
    x, w, b, groups, settings_ = case
    expected = conv2d_reference(x, block_diagonal(w, groups, x.shape[1]), b, **settings_)
    assert np.allclose(grouped_conv2d(x, w, b, groups=groups, **settings_), expected)


@settings(max_examples=40, deadline=None)
@given(grouped_case())
def test_grouped_backward_matches_finite_differences(case):
    x, w, b, groups, settings_ = case
    out = grouped_conv2d(x, w, b, groups=groups, **settings_)
    dout = np.random.default_rng(0).standard_normal(out.shape)
    dx, dw, db = grouped_conv2d_backward(dout, x, w, groups=groups, **settings_)
    # linear in each argument: a large step adds no truncation error
    assert rel_error(dx, numerical_gradient(
        lambda v: grouped_conv2d(v, w, b, groups=groups, **settings_), x, dout, 1e-2)) < 1e-8
    assert rel_error(dw, numerical_gradient(
        lambda v: grouped_conv2d(x, v, b, groups=groups, **settings_), w, dout, 1e-2)) < 1e-8
    assert np.allclose(db, dout.sum(axis=(0, 2, 3)))


def test_depthwise_conv_keeps_channels_apart():
    # groups = channels: output channel c depends on input channel c only
    x = np.zeros((1, 3, 5, 5))
    x[0, 1, 2, 2] = 1.0
    out = grouped_conv2d(x, np.ones((3, 1, 3, 3)), groups=3, padding=1)
    assert out[0, 1].sum() == 9 and out[0, 0].sum() == out[0, 2].sum() == 0


def test_channel_connections_are_block_diagonal():
    grid = channel_connections(4, 6, 2)
    assert grid.shape == (6, 4) and grid.sum() == 6 * 4 // 2
    assert grid[:3, :2].all() and not grid[:3, 2:].any() and grid[3:, 2:].all()
    assert channel_connections(4, 4, 4).tolist() == np.eye(4, dtype=bool).tolist()


@pytest.mark.parametrize("w_shape, groups, message", [
    ((4, 2, 3, 3), 3, "divisible by groups"),
    ((4, 4, 3, 3), 2, "w needs shape (4, 2, KH, KW)"),
    ((4, 2, 3, 3), 0, "groups must be an integer >= 1"),
    ((4, 2, 3, 3), 2.0, "groups must be an integer"),
])
def test_bad_groups_get_clear_errors(w_shape, groups, message):
    with pytest.raises((TypeError, ValueError)) as error:
        grouped_conv2d(np.zeros((1, 4, 5, 5)), np.zeros(w_shape), groups=groups)
    assert message in str(error.value)


@pytest.mark.parametrize("b, message", [
    (np.zeros(6), "b needs shape (4,)"),
    (np.zeros(1), "b needs shape (4,)"),
    (0.0, "b must have 1 axes"),
])
def test_a_bias_of_the_wrong_shape_is_refused_before_grouping(b, message):
    with pytest.raises(ValueError) as error:
        grouped_conv2d(np.zeros((1, 4, 6, 6)), np.zeros((4, 2, 3, 3)), b, groups=2)
    assert message in str(error.value)


def test_a_dout_of_the_wrong_shape_names_the_whole_layers_shapes():
    x, w = np.zeros((1, 4, 6, 6)), np.zeros((4, 2, 3, 3))
    with pytest.raises(ValueError) as error:
        grouped_conv2d_backward(np.zeros((1, 2, 4, 4)), x, w, groups=2)
    assert "dout must have the layer's output shape (1, 4, 4, 4), got (1, 2, 4, 4)" in str(
        error.value)


def test_backward_checks_dout_against_the_geometry_without_stand_in_arrays():
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((6, 2, 3, 2))
    for padding in ("same", ((1, 0), (0, 1)), 1):
        out = grouped_conv2d(x, w, groups=2, padding=padding)
        dx, dw, db = grouped_conv2d_backward(np.ones_like(out), x, w, groups=2, padding=padding)
        assert dx.shape == x.shape and dw.shape == w.shape and db.shape == (6,)
        with pytest.raises(ValueError, match=r"dout must have the layer's output shape "
                                             rf"\(2, 6, {out.shape[2]}, {out.shape[3]}\)"):
            grouped_conv2d_backward(np.ones((2, 6, 1, 1)), x, w, groups=2, padding=padding)
    with pytest.raises(ValueError, match="the kernel does not fit along the height"):
        grouped_conv2d_backward(np.ones((2, 6, 1, 1)), x[:, :, :2], w, groups=2)
