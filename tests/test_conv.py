"""conv2d and conv2d_reference against an independent definition and each other."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import conv_settings

from course_utils import (
    PADDING_MODES,
    conv2d,
    conv2d_reference,
    conv_geometry,
    conv_output_size,
    grid_5x5,
    pad2d,
    padding_mask,
    vertical_edge_kernel,
)
from course_utils.conv.convolution import CONV2D_METHODS

# --------------------------------------------------------------------------
# An independent definition: index arithmetic only, no pad2d, no windows
# --------------------------------------------------------------------------


def source_index(i: int, n: int, mode: str):
    """Which of n real cells padded position i (may be < 0 or >= n) copies, or None for zero."""
    if 0 <= i < n:
        return i
    if mode == "zeros":
        return None
    if mode == "replicate":
        return min(max(i, 0), n - 1)
    if mode == "circular":
        return i % n
    # reflect: mirror through the edge cell without repeating it
    return -i if i < 0 else 2 * (n - 1) - i


def naive_conv(x, w, b, stride, padding, dilation, mode):
    """out[n, f, i, j] straight from the definition, one multiply at a time."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    out_h = (H + 2 * ph - dh * (KH - 1) - 1) // sh + 1
    out_w = (W + 2 * pw - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    total = 0.0 if b is None else float(b[f])
                    for c in range(C):
                        for u in range(KH):
                            for v in range(KW):
                                r = source_index(i * sh + u * dh - ph, H, mode)
                                s = source_index(j * sw + v * dw - pw, W, mode)
                                if r is not None and s is not None:
                                    total += x[n, c, r, s] * w[f, c, u, v]
                    out[n, f, i, j] = total
    return out


def for_method(method, stride):
    """The stride a method accepts: 'shifted' works at stride 1 only."""
    return (1, 1) if method == "shifted" else stride


# Every path conv2d can take, 'auto' included, so that no path goes untested.
@pytest.mark.parametrize("method", ["auto", *CONV2D_METHODS])
@settings(max_examples=150, deadline=None)
@given(conv_settings())
def test_vectorised_and_reference_agree(method, case):
    x, w, b, stride, padding, dilation, mode = case
    kwargs = dict(stride=for_method(method, stride), padding=padding, dilation=dilation,
                  padding_mode=mode)
    fast = conv2d(x, w, b, method=method, **kwargs)
    slow = conv2d_reference(x, w, b, **kwargs)
    assert fast.shape == slow.shape
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-10)


@pytest.mark.parametrize("method", CONV2D_METHODS)
@settings(max_examples=60, deadline=None)
@given(conv_settings())
def test_both_match_the_definition(method, case):
    x, w, b, stride, padding, dilation, mode = case
    stride = for_method(method, stride)
    expected = naive_conv(x, w, b, stride, padding, dilation, mode)
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    np.testing.assert_allclose(conv2d(x, w, b, method=method, **kwargs), expected, rtol=0,
                               atol=1e-10)
    np.testing.assert_allclose(conv2d_reference(x, w, b, **kwargs), expected, rtol=0, atol=1e-10)


@pytest.mark.parametrize("method", CONV2D_METHODS)
def test_every_method_keeps_integers_and_float32(method):
    # Worked by hand on integers (exact), and float32 stays float32 as the models train in.
    x, k = grid_5x5()[None, None], vertical_edge_kernel()[None, None]
    out = conv2d(x, k, np.array([1]), method=method)
    assert out.dtype.kind == "i" and out[0, 0, 0, 0] == 2 + 1
    x32, w32 = x.astype(np.float32), k.astype(np.float32)
    assert conv2d(x32, w32, np.ones(1, np.float32), method=method).dtype == np.float32


def test_auto_picks_the_bias_row_for_few_taps_only():
    from course_utils.conv.convolution import FEW_TAPS, check_conv2d_method

    def picked(c_in, kernel, stride=1):
        g = conv_geometry(np.zeros((1, c_in, 12, 12)), np.zeros((2, c_in, kernel, kernel)),
                          stride=stride)[3]
        return check_conv2d_method("auto", g)

    assert picked(1, 3) == "columns_bias_row"          # MNIST's first layer: 9 taps
    assert picked(3, 3) == "columns_bias_row" and 3 * 9 <= FEW_TAPS
    assert picked(64, 3) == "columns" and picked(3, 11, stride=4) == "columns"
    g = conv_geometry(np.zeros((1, 1, 9, 9)), np.zeros((1, 1, 3, 3)), stride=2)[3]
    assert check_conv2d_method("columns", g) == "columns"
    with pytest.raises(ValueError, match="method='shifted' needs stride 1, got stride=\\(2, 2\\)"):
        check_conv2d_method("shifted", g)
    with pytest.raises(ValueError, match="method must be 'auto' or one of \\['columns'"):
        conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), method="im2col")


@settings(max_examples=100, deadline=None)
@given(conv_settings())
def test_output_shape_is_the_formula(case):
    x, w, b, stride, padding, dilation, mode = case
    out = conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    size = conv_output_size(x.shape[2:], w.shape[2:], padding, stride, dilation, strict=False)
    assert out.shape == (x.shape[0], w.shape[0], *size)


# --------------------------------------------------------------------------
# Worked by hand
# --------------------------------------------------------------------------


def test_the_grid_worked_by_hand():
    x, k = grid_5x5()[None, None], vertical_edge_kernel()[None, None]
    out = conv2d(x, k)[0, 0]
    # Window at the top left: rows 2 0 1 / 1 0 1 / 1 1 0 against 1 0 -1 / 2 0 -2 / 1 0 -1.
    top_left = (2 * 1 + 0 * 0 + 1 * -1) + (1 * 2 + 0 * 0 + 1 * -2) + (1 * 1 + 1 * 0 + 0 * -1)
    assert out[0, 0] == top_left == 2
    assert out.shape == (3, 3) and out.dtype.kind == "i"
    # One ring of zeros. Top left window: 0 0 0 / 0 2 0 / 0 1 0, only the middle column
    # is non-zero and its weights are 0. Top right window: 0 0 0 / 2 2 0 / 0 2 0.
    padded_out = conv2d(x, k, padding=1)[0, 0]
    assert padded_out.shape == (5, 5)
    assert padded_out[0, 0] == 0
    assert padded_out[0, 4] == (2 * 2 + 2 * 0 + 0 * -2) + (0 * 1 + 2 * 0 + 0 * -1) == 4


def test_no_flip_cross_correlation():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0  # an impulse in the middle
    w = np.arange(9.0).reshape(1, 1, 3, 3)
    # Cross-correlation of an impulse gives the kernel rotated by 180 degrees.
    np.testing.assert_array_equal(conv2d(x, w, padding=1)[0, 0], w[0, 0, ::-1, ::-1])


def test_identity_kernel_and_bias():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 5))
    w = np.zeros((3, 3, 3, 3))
    for c in range(3):
        w[c, c, 1, 1] = 1.0
    out = conv2d(x, w, np.array([1.0, 2.0, 3.0]), padding=1)
    np.testing.assert_allclose(out, x + np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1))


@pytest.mark.parametrize("kernel", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("dilation", [1, 2])
def test_same_keeps_the_size_and_pads_the_end_more(kernel, dilation):
    x = np.arange(1.0, 8.0).reshape(1, 1, 1, 7)
    w = np.zeros((1, 1, 1, kernel))
    w[0, 0, 0, -1] = 1.0  # picks the last tap of each window
    out = conv2d(x, w, padding="same", dilation=dilation)
    assert out.shape == x.shape
    # Total padding D(K-1); the smaller half goes first (PyTorch), so the last
    # tap of window j reads input j - before + D(K-1) = j + after.
    after = dilation * (kernel - 1) - dilation * (kernel - 1) // 2
    expected = [x[0, 0, 0, j + after] if j + after < 7 else 0.0 for j in range(7)]
    np.testing.assert_array_equal(out[0, 0, 0], expected)


def test_valid_is_no_padding():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 2, 6, 6)), rng.standard_normal((4, 2, 3, 3))
    np.testing.assert_array_equal(conv2d(x, w, padding="valid"), conv2d(x, w))


def test_padding_mode_equals_padding_first():
    x, k = grid_5x5()[None, None], vertical_edge_kernel()[None, None]
    for mode in PADDING_MODES:
        np.testing.assert_array_equal(
            conv2d(x, k, padding=1, padding_mode=mode), conv2d(pad2d(x, 1, mode), k)
        )


def test_floors_like_frameworks():
    x = np.ones((1, 1, 10, 10))
    out = conv2d(x, np.ones((1, 1, 3, 3)), stride=2)
    assert out.shape == (1, 1, 4, 4)  # (10 - 3)/2 + 1 = 4.5, floored


# --------------------------------------------------------------------------
# pad2d
# --------------------------------------------------------------------------


def test_pad2d_on_one_row_for_every_mode():
    row = np.array([[1, 2, 3]])
    expected = {
        "zeros": [0, 0, 1, 2, 3, 0, 0],
        "reflect": [3, 2, 1, 2, 3, 2, 1],
        "replicate": [1, 1, 1, 2, 3, 3, 3],
        "circular": [2, 3, 1, 2, 3, 1, 2],
    }
    for mode, values in expected.items():
        assert pad2d(row, (0, 2), mode).tolist() == [values], mode


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6),
    st.integers(1, 6),
    st.sampled_from(PADDING_MODES),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 6),
)
def test_pad2d_matches_index_arithmetic(h, w, mode, top, bottom, left, right):
    limit = {"reflect": -1, "circular": 0}.get(mode)
    if limit is not None:
        top, bottom = min(top, h + limit), min(bottom, h + limit)
        left, right = min(left, w + limit), min(right, w + limit)
    x = np.arange(h * w).reshape(h, w) + 1
    padded = pad2d(x, ((top, bottom), (left, right)), mode)
    assert padded.shape == (h + top + bottom, w + left + right)
    for r in range(padded.shape[0]):
        for c in range(padded.shape[1]):
            i, j = source_index(r - top, h, mode), source_index(c - left, w, mode)
            assert padded[r, c] == (0 if i is None or j is None else x[i, j])


def test_pad2d_pads_only_the_last_two_axes():
    x = np.ones((2, 3, 4, 5))
    assert pad2d(x, (1, 2), "reflect").shape == (2, 3, 6, 9)


def test_padding_mask():
    mask = padding_mask((5, 5), 1)
    assert mask.shape == (7, 7) and mask.sum() == 7 * 7 - 5 * 5
    assert not mask[1:6, 1:6].any()


# --------------------------------------------------------------------------
# Clear errors
# --------------------------------------------------------------------------


def test_depth_mismatch_names_both_shapes():
    x, w = np.ones((1, 1, 5, 5)), np.ones((2, 3, 3, 3))
    with pytest.raises(ValueError) as error:
        conv2d(x, w)
    message = str(error.value)
    assert "kernel depth 3 vs input depth 1" in message
    assert "(2, 3, 3, 3)" in message and "(1, 1, 5, 5)" in message
    # the rule holds for ordinary convolutions only, and the message points to the other kind
    assert "ordinary convolution" in message and "grouped_conv2d" in message


@pytest.mark.parametrize(
    "x, w, b, kwargs, kind, fragment",
    [
        (np.ones((5, 5)), np.ones((1, 1, 3, 3)), None, {}, ValueError, "x[None, None]"),
        (np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), None, {}, ValueError, "x[None]"),
        (np.ones((1, 1, 5, 5)), np.ones((3, 3)), None, {}, ValueError, "w must have 4 axes"),
        (np.ones((1, 1, 5, 5), bool), np.ones((1, 1, 3, 3)), None, {}, TypeError, "dtype bool"),
        (np.array([["a"]]), np.ones((1, 1, 3, 3)), None, {}, TypeError, "x must hold"),
        (None, np.ones((1, 1, 3, 3)), None, {}, TypeError, "x must be a numpy array"),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((2, 1, 3, 3)),
            np.ones(3),
            {},
            ValueError,
            "b needs 2 values",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"stride": 0},
            ValueError,
            "stride must be",
        ),
        (np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), None, {"stride": 1.5}, TypeError, "stride"),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding": -1},
            ValueError,
            "padding",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding": "full"},
            ValueError,
            "'valid' or 'same'",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding": "same", "stride": 2},
            ValueError,
            "stride=1",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding_mode": "constant"},
            ValueError,
            "calls it 'constant'",
        ),
        (
            np.ones((1, 1, 2, 2)),
            np.ones((1, 1, 3, 3)),
            None,
            {},
            ValueError,
            "does not fit along the height",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"dilation": 3},
            ValueError,
            "with dilation 3, spanning 7",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding": 5, "padding_mode": "reflect"},
            ValueError,
            "at most 4",
        ),
        (
            np.ones((1, 1, 5, 5)),
            np.ones((1, 1, 3, 3)),
            None,
            {"padding": 6, "padding_mode": "circular"},
            ValueError,
            "at most 5",
        ),
    ],
)
def test_bad_arguments_get_clear_errors(x, w, b, kwargs, kind, fragment):
    for function in (conv2d, conv2d_reference):
        with pytest.raises(kind) as error:
            function(x, w, b, **kwargs)
        assert fragment in str(error.value), str(error.value)


@pytest.mark.parametrize(
    "padding, mode, fragment",
    [
        (1, "mirror", "mode must be one of ['zeros', 'reflect', 'replicate', 'circular']"),
        ((1, 2, 3), "zeros", "got 3 values"),
        (((1, 2, 3), 1), "zeros", "padding[0] (height) must be one int or (before, after)"),
        (((1, -1), 1), "zeros", "padding[0][1] (height, after) must be an integer >= 0"),
        (2.0, "zeros", "padding must be an integer"),
        (5, "reflect", "needs at least 6 cells to mirror, but x has 5"),
    ],
)
def test_pad2d_errors(padding, mode, fragment):
    with pytest.raises((TypeError, ValueError)) as error:
        pad2d(np.ones((5, 5)), padding, mode)
    assert fragment in str(error.value), str(error.value)


def test_pad2d_needs_two_axes():
    with pytest.raises(ValueError, match=r"at least 2 dimensions"):
        pad2d(np.ones(5), 1)


# ---------------------------------------------------------------------------
# One geometry (issue 17): padding per side everywhere, sizes from conv.geometry
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("padding", [((1, 0), (0, 1)), ((0, 2), (1, 1)), ((2, 1), 0)])
@pytest.mark.parametrize("stride", [1, 2, (1, 2)])
def test_per_side_padding_is_padding_first_and_sizes_agree(padding, stride):
    from course_utils import padding_per_side, window_output_size

    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((2, 2, 6, 7)), rng.standard_normal((3, 2, 3, 2))
    out = conv2d(x, w, stride=stride, padding=padding)
    padded = pad2d(x, padding)
    assert np.allclose(out, conv2d(padded, w, stride=stride))
    assert np.allclose(out, conv2d_reference(x, w, stride=stride, padding=padding))
    assert out.shape[2:] == window_output_size((6, 7), (3, 2), padding, stride)
    assert conv_geometry(x, w, stride=stride, padding=padding)[3].padding == padding_per_side(
        padding)


def test_conv_geometry_from_shapes_needs_no_arrays():
    from course_utils.conv.convolution import conv_geometry_from_shapes

    g = conv_geometry_from_shapes((8, 3, 28, 28), (16, 3, 5, 5), stride=1, padding="same",
                                  dilation=1)
    assert (g.batch, g.in_channels, g.out_channels) == (8, 3, 16)
    assert g.output_size == (28, 28) and g.padding == ((2, 2), (2, 2)) and g.span == (5, 5)
    # A locally connected weight shape: the kernel is the last two axes.
    g = conv_geometry_from_shapes((1, 2, 6, 6), (4, 4, 4, 2, 3, 3), stride=1, padding=0)
    assert g.output_size == (4, 4) and g.out_channels == 4
    with pytest.raises(ValueError) as error:
        conv_geometry_from_shapes((1, 1, 5, 2), (1, 1, 3, 3))
    message = str(error.value)
    assert message.startswith("the kernel does not fit along the width: no room for even one window")
    assert message.endswith("(w has shape (1, 1, 3, 3) and x has shape (1, 1, 5, 2))")
