"""The locally connected layer: tied weights give conv2d, and its backward pass is right."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import (
    conv2d,
    conv_output_size,
    locally_connected2d,
    locally_connected2d_backward,
    locally_connected_params,
    numerical_gradient,
    rel_error,
)


@st.composite
def lc_settings(draw):
    """Random small layers where at least one window fits (zero padding only)."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = tuple(max(1, k - 2 * p) + draw(st.integers(0, 4)) for k, p in zip(kernel, padding))
    batch, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    out = conv_output_size(size, kernel, padding, stride, strict=False)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((batch, c_in, *size))
    w = rng.standard_normal((c_out, *out, c_in, *kernel))
    b = rng.standard_normal((c_out, *out))
    return x, w, b, stride, padding


@settings(max_examples=80, deadline=None)
@given(lc_settings())
def test_tied_weights_give_the_convolution(case):
    x, w, b, stride, padding = case
    kernel = w[:, 0, 0]  # (C_out, C_in, KH, KW): copy one filter to every position
    tied = np.broadcast_to(kernel[:, None, None], w.shape)
    tied_bias = np.broadcast_to(b[:, :1, :1], b.shape)
    expected = conv2d(x, kernel, b[:, 0, 0], stride=stride, padding=padding)
    got = locally_connected2d(x, tied, tied_bias, stride=stride, padding=padding)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(lc_settings())
def test_backward_matches_finite_differences(case):
    x, w, b, stride, padding = case
    kwargs = dict(stride=stride, padding=padding)
    out = locally_connected2d(x, w, b, **kwargs)
    dout = np.random.default_rng(out.size).standard_normal(out.shape)
    dx, dw, db = locally_connected2d_backward(dout, x, w, **kwargs)
    layer = locally_connected2d
    h = 1e-2  # linear in each argument: no truncation error
    assert rel_error(dx, numerical_gradient(lambda v: layer(v, w, b, **kwargs), x, dout, h)) < 1e-8
    assert rel_error(dw, numerical_gradient(lambda v: layer(x, v, b, **kwargs), w, dout, h)) < 1e-8
    assert rel_error(db, numerical_gradient(lambda v: layer(x, w, v, **kwargs), b, dout, h)) < 1e-8


@settings(max_examples=40, deadline=None)
@given(lc_settings())
def test_parameters_are_the_arrays_it_uses(case):
    x, w, b, stride, padding = case
    c_out, out_h, out_w, c_in, kh, kw = w.shape
    assert locally_connected_params(c_in, c_out, (kh, kw), (out_h, out_w)) == w.size + b.size


def test_each_position_learns_only_from_itself():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 4, 4))
    w = rng.standard_normal((1, 2, 2, 1, 3, 3))
    dout = np.zeros((1, 1, 2, 2))
    dout[0, 0, 1, 0] = 1.0  # only output (1, 0) matters
    _, dw, db = locally_connected2d_backward(dout, x, w)
    assert np.array_equal(dw[0, 1, 0, 0], x[0, 0, 1:4, 0:3])  # its filter's gradient: its window
    assert np.count_nonzero(dw[0, 0]) == 0 and np.count_nonzero(dw[0, :, 1]) == 0
    assert db.tolist() == [[[0.0, 0.0], [1.0, 0.0]]]


@pytest.mark.parametrize(
    "w_shape, b_shape, fragment",
    [
        ((2, 3, 3, 2, 3, 3), None, "kernel depth 2 vs input depth 1"),
        ((2, 4, 4, 1, 3, 3), None, "w must hold filters for 3x3 output positions"),
        ((2, 3, 3), None, "w must have 6 axes"),
        ((2, 3, 3, 1, 3, 3), (2, 3), "b must have 3 axes"),
        ((2, 3, 3, 1, 3, 3), (2, 3, 4), "b needs shape (2, 3, 3)"),
    ],
)
def test_shape_errors_name_both_shapes(w_shape, b_shape, fragment):
    x = np.ones((1, 1, 5, 5))
    b = None if b_shape is None else np.ones(b_shape)
    with pytest.raises(ValueError) as error:
        locally_connected2d(x, np.ones(w_shape), b)
    assert fragment in str(error.value), str(error.value)


@pytest.mark.parametrize("padding", [((1, 0), (0, 1)), ((0, 2), 1), "same"])
def test_shared_weights_equal_conv2d_with_any_padding(padding):
    rng = np.random.default_rng(3)
    x, k = rng.standard_normal((2, 2, 5, 6)), rng.standard_normal((3, 2, 3, 3))
    expected = conv2d(x, k, padding=padding)
    oh, ow = expected.shape[2:]
    w = np.broadcast_to(k[:, None, None], (3, oh, ow, 2, 3, 3)).copy()
    assert np.allclose(locally_connected2d(x, w, padding=padding), expected)


def test_layer_and_spec_take_per_side_padding():
    from course_utils import LocallyConnected2D, LocallyConnectedSpec, summarize

    padding = ((1, 0), (0, 2))
    layer = LocallyConnected2D(2, 3, 3, (5, 6), rng=np.random.default_rng(0), padding=padding)
    assert layer.params["w"].shape == (3, 4, 6, 2, 3, 3)  # 5+1-3+1 = 4, 6+2-3+1 = 6
    assert layer.forward(np.ones((1, 2, 5, 6))).shape == (1, 3, 4, 6)
    assert summarize([LocallyConnectedSpec(3, 3, padding)], (2, 5, 6)).output_shape == (3, 4, 6)
    # a name is worked out from the kernel size, as in locally_connected2d
    same = LocallyConnected2D(2, 3, 3, (5, 6), rng=np.random.default_rng(0), padding="same")
    assert same.padding == ((1, 1), (1, 1)) and same.params["w"].shape == (3, 5, 6, 2, 3, 3)
    with pytest.raises(ValueError, match="padding must be an int.*'valid' or 'same', got 'full'"):
        LocallyConnected2D(2, 3, 3, 5, rng=np.random.default_rng(0), padding="full")


def test_output_positions_message_without_stand_in_kernels():
    x = np.ones((1, 1, 5, 5))
    with pytest.raises(ValueError, match=r"w must hold filters for 3x3 output positions"):
        locally_connected2d(x, np.ones((1, 2, 2, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"^the kernel does not fit.*\(w has shape "
                                         r"\(1, 1, 1, 1, 7, 7\) and x has shape \(1, 1, 5, 5\)\)$"):
        locally_connected2d(x, np.ones((1, 1, 1, 1, 7, 7)))


@pytest.mark.parametrize("c_in, kernel", [(1, 3), (3, 3), (4, 3), (2, 5)])
def test_bias_in_the_product_or_after_gives_the_convolution(c_in, kernel):
    # FEW_TAPS decides whether the bias rides in the product (few taps) or is added after;
    # these shapes fall on both sides of it, and both must give conv2d's numbers.
    from course_utils.conv.convolution import FEW_TAPS

    rng = np.random.default_rng(c_in * 10 + kernel)
    x = rng.standard_normal((3, c_in, 7, 6))
    k, bias = rng.standard_normal((2, c_in, kernel, kernel)), rng.standard_normal(2)
    expected = conv2d(x, k, bias, padding=1)
    oh, ow = expected.shape[2:]
    w = np.broadcast_to(k[:, None, None], (2, oh, ow, c_in, kernel, kernel))
    b = np.broadcast_to(bias[:, None, None], (2, oh, ow))
    np.testing.assert_allclose(locally_connected2d(x, w, b, padding=1), expected, atol=1e-12)
    sides = {c * kk * kk <= FEW_TAPS for c, kk in [(1, 3), (3, 3), (4, 3), (2, 5)]}
    assert sides == {True, False}  # the cases cover both ways


def test_integer_layers_stay_exact():
    x = np.arange(32).reshape(1, 2, 4, 4)
    w = np.ones((1, 2, 2, 2, 3, 3), dtype=int)
    out = locally_connected2d(x, w, np.zeros((1, 2, 2), dtype=int))
    expected = conv2d(x, np.ones((1, 2, 3, 3), dtype=int))
    assert out.dtype.kind == "i" and np.array_equal(out, expected)
    dx, dw, db = locally_connected2d_backward(np.ones((1, 1, 2, 2), dtype=int), x, w)
    assert dx.dtype == np.float64 and dx[0, 0, 1, 1] == 4.0 and dw[0, 0, 0].sum() == x[0, :, :3, :3].sum()


@pytest.mark.parametrize("kernel, batch, dtype", [(3, 4, np.float32), (1, 1, np.float32),
                                                  (3, 2, np.int64)])
def test_the_window_gradients_use_the_columns_memory_only_when_they_may(kernel, batch, dtype):
    # One image and a 1x1 kernel: the columns are a read-only view of the input; integer
    # images: integer columns for float gradients. Both need an array of their own.
    rng = np.random.default_rng(kernel + batch)
    x = (rng.standard_normal((batch, 2, 6, 6)) * 4).astype(dtype)
    out = conv_output_size(6, kernel)
    w = rng.standard_normal((3, out, out, 2, kernel, kernel)).astype(np.float32)
    dout = rng.standard_normal((batch, 3, out, out)).astype(np.float32)
    dx, dw, _ = locally_connected2d_backward(dout, x, w)
    # float64 loops: every window's gradient is dout times its position's filter
    expected_dx, expected_dw = np.zeros(x.shape), np.zeros(w.shape)
    for i in range(out):
        for j in range(out):
            window = (slice(None), slice(None), slice(i, i + kernel), slice(j, j + kernel))
            expected_dx[window] += np.einsum("nf,fcuv->ncuv", dout[:, :, i, j], w[:, i, j])
            expected_dw[:, i, j] = np.einsum("nf,ncuv->fcuv", dout[:, :, i, j], x[window])
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw, expected_dw, rtol=1e-5, atol=1e-4)


def test_the_backward_pass_holds_one_array_of_columns_at_a_time():
    import tracemalloc

    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 1, 25, 25)).astype(np.float32)  # notebook 04's layer
    w = rng.standard_normal((4, 21, 21, 1, 5, 5)).astype(np.float32)
    dout = rng.standard_normal((32, 4, 21, 21)).astype(np.float32)
    columns_bytes = 21 * 21 * 25 * 32 * 4  # H_out*W_out windows of 5x5 taps, 32 images
    locally_connected2d_backward(dout, x, w)  # warm up: numpy's own first allocations
    tracemalloc.start()
    try:
        locally_connected2d_backward(dout, x, w)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the columns, then the window gradients in the same memory, and smaller arrays beside
    # (dout by position, dw, dx: about half the columns); a second array of window
    # gradients would take the peak past twice the columns
    assert columns_bytes < peak < 2 * columns_bytes
