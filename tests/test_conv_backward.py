"""conv2d_backward against centred finite differences, and the gradient checker itself."""

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import conv_settings

from course_utils import conv2d, conv2d_backward, numerical_gradient, rel_error
from course_utils.conv.convolution import CONV2D_BACKWARD_METHODS


# Every way of computing dx, 'auto' included, so that no path goes untested.
@pytest.mark.parametrize("method", ["auto", *CONV2D_BACKWARD_METHODS])
@settings(max_examples=40, deadline=None)
@given(conv_settings())
def test_backward_matches_finite_differences(method, case):
    x, w, b, stride, padding, dilation, mode = case
    if method == "full_convolution":
        stride = (1, 1)  # its one stride
    b = np.zeros(w.shape[0]) if b is None else b
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    out = conv2d(x, w, b, **kwargs)
    dout = np.random.default_rng(out.size).standard_normal(out.shape)
    dx, dw, db = conv2d_backward(dout, x, w, method=method, **kwargs)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    # The layer is linear in each argument, so centred differences have no truncation
    # error and a large step keeps rounding small.
    h = 1e-2
    numeric_dx = numerical_gradient(lambda v: conv2d(v, w, b, **kwargs), x, dout, h)
    numeric_dw = numerical_gradient(lambda v: conv2d(x, v, b, **kwargs), w, dout, h)
    numeric_db = numerical_gradient(lambda v: conv2d(x, w, v, **kwargs), b, dout, h)
    assert rel_error(dx, numeric_dx) < 1e-8
    assert rel_error(dw, numeric_dw) < 1e-8
    assert rel_error(db, numeric_db) < 1e-8


def test_shared_weight_gradient_is_the_sum_over_positions():
    # One 1x1 filter on a 1-channel image: every output uses the one weight,
    # so its gradient adds up dout * x over all positions.
    rng = np.random.default_rng(0)
    x, dout = rng.standard_normal((2, 1, 4, 5)), rng.standard_normal((2, 1, 4, 5))
    _, dw, db = conv2d_backward(dout, x, np.ones((1, 1, 1, 1)))
    assert np.isclose(dw[0, 0, 0, 0], (dout * x).sum()) and np.isclose(db[0], dout.sum())


def test_padding_gradient_goes_back_to_the_copied_pixels():
    # replicate padding copies the edge pixels, so their gradients collect the padding's
    x = np.arange(3.0).reshape(1, 1, 1, 3)
    dout = np.ones((1, 1, 1, 5))  # 1x1 identity filter on x padded by 1 on the left and right
    one = np.ones((1, 1, 1, 1))
    dx, _, _ = conv2d_backward(dout, x, one, padding=(0, 1), padding_mode="replicate")
    assert dx.tolist() == [[[[2.0, 1.0, 2.0]]]]
    dx, _, _ = conv2d_backward(dout, x, one, padding=(0, 1))
    assert dx.tolist() == [[[[1.0, 1.0, 1.0]]]]  # zeros: the padding copies nothing


def test_dout_of_the_wrong_shape_names_both_shapes():
    expected = r"dout must have the layer's output shape \(1, 1, 3, 3\).*got \(1, 1, 5, 5\)"
    with pytest.raises(ValueError, match=expected):
        conv2d_backward(np.ones((1, 1, 5, 5)), np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)))


def test_gradient_checker():
    x = np.array([1.0, -2.0, 3.0])
    grad = numerical_gradient(lambda v: v**2, x, np.ones(3))
    assert np.allclose(grad, 2 * x) and x.tolist() == [1.0, -2.0, 3.0]  # x restored
    assert rel_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert np.isclose(rel_error(np.array([1.0]), np.array([3.0])), 0.5)
    with pytest.raises(TypeError, match="x must be a numpy array of floats"):
        numerical_gradient(lambda v: v, np.array([1, 2]), np.ones(2))
    with pytest.raises(ValueError, match="a has shape \\(2,\\) but b has shape \\(3,\\)"):
        rel_error(np.ones(2), np.ones(3))


def test_gradients_keep_float32_and_turn_integers_into_float64():
    x32, w32 = np.ones((1, 1, 4, 4), np.float32), np.ones((2, 1, 3, 3), np.float32)
    grads = conv2d_backward(np.ones((1, 2, 2, 2), np.float32), x32, w32)
    assert [g.dtype for g in grads] == [np.float32] * 3
    ones = [np.ones(shape, int) for shape in ((1, 2, 2, 2), (1, 1, 4, 4), (2, 1, 3, 3))]
    grads = conv2d_backward(*ones)
    assert [g.dtype for g in grads] == [np.float64] * 3
    assert grads[1].tolist() == np.full((2, 1, 3, 3), 4.0).tolist()  # each weight meets 4 ones


@settings(max_examples=60, deadline=None)
@given(conv_settings())
def test_both_ways_of_computing_dx_agree_at_stride_1(case):
    x, w, _, _, padding, dilation, mode = case
    kwargs = dict(padding=padding, dilation=dilation, padding_mode=mode)
    dout = np.random.default_rng(x.size).standard_normal(conv2d(x, w, **kwargs).shape)
    by_columns = conv2d_backward(dout, x, w, method="columns", **kwargs)
    by_full = conv2d_backward(dout, x, w, method="full_convolution", **kwargs)
    for a, b in zip(by_columns, by_full):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


def test_backward_method_errors_name_the_argument():
    x, w, dout = np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    with pytest.raises(ValueError, match="method='full_convolution' needs stride 1"):
        conv2d_backward(dout, x, w, stride=2, method="full_convolution")
    with pytest.raises(ValueError, match="method must be 'auto' or one of \\['columns'"):
        conv2d_backward(np.ones((1, 1, 3, 3)), x, w, method="col2im")


def einsum_conv2d_backward(dout, x, w, stride):
    """dx and dw of a convolution without padding, from one einsum over the windows (float64)."""
    from numpy.lib.stride_tricks import sliding_window_view

    kh, kw = w.shape[2:]
    windows = sliding_window_view(x.astype(float), (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    dw = np.einsum("nfij,ncijuv->fcuv", dout, windows)
    dx = np.zeros(x.shape)
    for u in range(kh):
        for v in range(kw):
            rows = slice(u, u + stride * (dout.shape[2] - 1) + 1, stride)
            cols = slice(v, v + stride * (dout.shape[3] - 1) + 1, stride)
            dx[:, :, rows, cols] += np.einsum("nfij,fc->ncij", dout, w[:, :, u, v])
    return dx, dw


@pytest.mark.parametrize("kernel, stride, dtype", [(5, 2, np.float32), (1, 1, np.float32),
                                                   (3, 1, np.int64)])
def test_the_window_gradients_take_the_columns_memory_only_when_they_may(
        monkeypatch, kernel, stride, dtype):
    # A 1x1 kernel's columns are a view of the padded input, and integer images make
    # integer columns for float gradients: then the gradients need arrays of their own.
    # Steps of one image each, so that a later step would read what an earlier one wrote.
    import course_utils.conv.convolution as convolution

    monkeypatch.setattr(convolution, "COLUMNS_BYTES_PER_STEP", 1)
    rng = np.random.default_rng(kernel)
    x = (rng.standard_normal((3, 2, 11, 11)) * 4).astype(dtype)
    w = rng.standard_normal((4, 2, kernel, kernel)).astype(np.float32)
    out = conv2d(x, w, stride=stride)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    dx, dw, _ = conv2d_backward(dout, x, w, stride=stride, method="columns")
    expected_dx, expected_dw = einsum_conv2d_backward(dout, x, w, stride)
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw, expected_dw, rtol=1e-5, atol=1e-4)


def test_the_backward_pass_holds_one_array_of_columns_at_a_time():
    import tracemalloc

    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 3, 64, 64)).astype(np.float32)
    w = rng.standard_normal((8, 3, 5, 5)).astype(np.float32)
    dout = rng.standard_normal((1, 8, 60, 60)).astype(np.float32)
    columns_bytes = 3 * 5 * 5 * 60 * 60 * 4  # C_in*KH*KW rows of H_out*W_out float32
    conv2d_backward(dout, x, w, method="columns")  # warm up: numpy's own first allocations
    tracemalloc.start()
    try:
        conv2d_backward(dout, x, w, method="columns")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the columns, then the window gradients in the same memory, and small arrays beside
    assert columns_bytes < peak < 1.5 * columns_bytes
