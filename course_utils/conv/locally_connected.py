"""A locally connected layer: a convolution whose filters are not shared.

Every output position ``(i, j)`` has its own filters, ``w[:, i, j]``, and
its own biases, ``b[:, i, j]``. The windows are those of a convolution with
the same kernel, stride and padding, so the layer does exactly as many
multiply-adds as the convolution, with ``H_out * W_out`` times the weights.
With ``w[c, i, j] = k[c]`` at every position it *is* ``conv2d(x, k)``.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..validation import IntOrPair, check_array, check_bool, gradient_dtype, shape_text
from .convolution import (
    ConvGeometry,
    ConvPadding,
    add_windows_gradient,
    bias_in_the_product,
    conv_geometry_from_shapes,
    padding_gradient_to_input,
    used_up_columns_can_hold,
)
from .padding import pad2d

__all__ = ["locally_connected2d", "locally_connected2d_backward"]


def locally_connected_geometry(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
) -> tuple[np.ndarray, np.ndarray, Optional[np.ndarray], ConvGeometry]:
    """Check the arguments of a locally connected layer and work out its sizes.

    Parameters
    ----------
    As in :func:`locally_connected2d`.

    Returns
    -------
    x, w, b : ndarray (``b`` may be None)
    geometry : ConvGeometry
        The geometry of the convolution with the same windows.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
    w = check_array(w, "w", ndim=6, axes="(C_out, H_out, W_out, C_in, KH, KW)")
    c_out, out_h, out_w, c_in, kh, kw = w.shape
    if c_in != x.shape[1]:
        raise ValueError(
            f"kernel depth {c_in} vs input depth {x.shape[1]}: w has shape {shape_text(w.shape)}, "
            f"so each filter spans {c_in} channel(s) (w.shape[3]), but x has shape "
            f"{shape_text(x.shape)}; w.shape[3] must equal x.shape[1]."
        )
    # The windows are a convolution's with the same kernel size.
    g = conv_geometry_from_shapes(x.shape, w.shape, stride=stride, padding=padding)
    if (out_h, out_w) != g.output_size:
        raise ValueError(
            f"w must hold filters for {g.output_size[0]}x{g.output_size[1]} output positions, "
            f"shape ({c_out}, {g.output_size[0]}, {g.output_size[1]}, {c_in}, {kh}, {kw}): "
            f"x of shape {shape_text(x.shape)} with a {kh}x{kw} kernel, stride {g.stride} "
            f"and padding {g.padding} gives that many; got w of shape {shape_text(w.shape)} "
            f"({out_h}x{out_w} positions)"
        )
    if b is not None:
        b = check_array(b, "b", ndim=3, axes="(C_out, H_out, W_out)")
        if b.shape != (c_out, out_h, out_w):
            raise ValueError(
                f"b has shape {shape_text(b.shape)} but w has shape {shape_text(w.shape)}: "
                f"one bias per filter per position, so b needs shape ({c_out}, {out_h}, {out_w})"
            )
    return x, w, b, g


def locally_connected2d(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
) -> np.ndarray:
    """A locally connected layer: one filter per output channel *and* position.

    Parameters
    ----------
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, H_out, W_out, C_in, KH, KW)
        ``w[f, i, j]`` is the filter of output channel ``f`` at position
        ``(i, j)``.
    b : ndarray, shape (C_out, H_out, W_out), optional
    stride : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        Zero padding, as in :func:`course_utils.conv2d`.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
        ``out[n, f, i, j] = b[f, i, j] + sum over c, u, v of
        x_padded[n, c, i*SH + u, j*SW + v] * w[f, i, j, c, u, v]``.
        A view whose memory is ordered by position, not a contiguous copy:
        use ``np.ascontiguousarray`` if you need one.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x, w, b, g = locally_connected_geometry(x, w, b, stride=stride, padding=padding)
    n, c_out, (oh, ow) = x.shape[0], w.shape[0], g.output_size
    x_padded = x if g.padding == ((0, 0), (0, 0)) else pad2d(x, g.padding)
    # Unlike conv2d, the filter depends on (i, j): pair each window with its own filter.
    # As matrices, one per position: (C_out, C_in*KH*KW) filters times (C_in*KH*KW, N)
    # windows of all images; np.matmul does all H_out*W_out products in one call.
    if b is not None and bias_in_the_product(w[0, 0, 0].size):
        # Few taps: the bias as one more column of filters and a row of ones under the
        # windows, as in conv2d (see conv2d_columns_bias_row): adding it afterwards is a
        # pass over an output C_out times the size of the input, slower than the product.
        return np.matmul(_filters_by_position(w, b), _columns_by_position(
            x_padded, g, ones_row=True)).reshape(oh, ow, c_out, n).transpose(3, 2, 0, 1)
    out = np.matmul(_filters_by_position(w), _columns_by_position(x_padded, g))
    if b is not None:
        out = out.astype(np.result_type(out, b), copy=False)  # int images, float bias
        # b (C_out, H_out, W_out) -> (H_out*W_out, C_out, 1), matching out's layout
        out += b.reshape(c_out, oh * ow).T[:, :, None]
    # (N, C_out, H_out, W_out) as a view: the memory stays ordered by position,
    # which saves a slow transposing copy; later layers accept any layout.
    return out.reshape(oh, ow, c_out, n).transpose(3, 2, 0, 1)


def _columns_by_position(x_padded: np.ndarray, g: ConvGeometry, *,
                         ones_row: bool = False) -> np.ndarray:
    """Each position's windows of all images, images last.

    Parameters
    ----------
    x_padded : ndarray, shape (N, C_in, Hp, Wp)
    g : ConvGeometry
    ones_row : bool
        Add a row of ones under each position's windows (for the bias).

    Returns
    -------
    ndarray, shape (H_out*W_out, C_in*KH*KW (+ 1), N), contiguous
        ``columns[p, k]`` is tap ``k`` of the window at position ``p`` in
        every image.
    """
    # Images last: the copy below then moves runs of N numbers, one tap of one window in
    # every image. With images first, each run would be one window row, KW numbers, and
    # numpy's per-run cost made the copy 3 to 6 times slower than the product.
    by_image_last = np.ascontiguousarray(x_padded.transpose(1, 2, 3, 0))  # (C_in, Hp, Wp, N)
    (stride_h, stride_w), (kh, kw) = g.stride, g.kernel_size
    windows = sliding_window_view(by_image_last, (kh, kw), axis=(1, 2))[:, ::stride_h, ::stride_w]
    c_in, oh, ow, n = windows.shape[:4]                      # (C_in, H_out, W_out, N, KH, KW)
    by_position = windows.transpose(1, 2, 0, 4, 5, 3)        # (H_out, W_out, C_in, KH, KW, N)
    if not ones_row:
        return by_position.reshape(oh * ow, c_in * kh * kw, n)
    taps = c_in * kh * kw
    columns = np.empty((oh * ow, taps + 1, n), dtype=x_padded.dtype)
    # copy=False: a view of the columns, filled in place (never a silent copy)
    columns[:, :taps].reshape((oh, ow, c_in, kh, kw, n), copy=False)[...] = by_position
    columns[:, taps] = 1
    return columns


def _filters_by_position(w: np.ndarray, b: Optional[np.ndarray] = None) -> np.ndarray:
    """(C_out, H_out, W_out, C_in, KH, KW) -> (H_out*W_out, C_out, C_in*KH*KW), a view.

    Each position's matrix keeps unit steps along its rows, so np.matmul hands
    it to BLAS as it is (BLAS takes the step between rows); no copy. With
    ``b`` (shape (C_out, H_out, W_out)), a copy with the biases as one more
    column: (H_out*W_out, C_out, C_in*KH*KW + 1).
    """
    c_out, oh, ow, c, kh, kw = w.shape
    by_position = np.ascontiguousarray(w).reshape(c_out, oh * ow, c * kh * kw).transpose(1, 0, 2)
    if b is None:
        return by_position
    with_bias = np.empty((oh * ow, c_out, c * kh * kw + 1), dtype=np.result_type(w, b))
    with_bias[:, :, :-1] = by_position
    with_bias[:, :, -1] = b.reshape(c_out, oh * ow).T
    return with_bias


def locally_connected2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    input_gradient: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of :func:`locally_connected2d`, given the gradient of its output.

    Parameters
    ----------
    dout : ndarray, shape (N, C_out, H_out, W_out)
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, H_out, W_out, C_in, KH, KW)
    stride, padding
        As in the forward pass.
    input_gradient : bool
        Compute ``dx``; with ``False`` it is ``None`` (a model's first layer
        has no use for it, and it costs about as much as ``dw``).

    Returns
    -------
    dx : ndarray, shape (N, C_in, H, W), or None
    dw : ndarray, shape (C_out, H_out, W_out, C_in, KH, KW)
        Each position's filter gets only its own position's gradient: there
        is no sum over positions, because nothing is shared.
    db : ndarray, shape (C_out, H_out, W_out)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x, w, _, g = locally_connected_geometry(x, w, None, stride=stride, padding=padding)
    dout = check_array(dout, "dout", ndim=4, axes="(N, C_out, H_out, W_out)")
    expected = (g.batch, w.shape[0], *g.output_size)
    if dout.shape != expected:
        raise ValueError(
            f"dout must have the layer's output shape {shape_text(expected)}, "
            f"got {shape_text(dout.shape)}"
        )
    input_gradient = check_bool(input_gradient, "input_gradient")
    dtype = gradient_dtype(dout, x, w)
    n, c_in = x.shape[:2]
    c_out, oh, ow = w.shape[:3]
    kh, kw = g.kernel_size
    db = dout.sum(axis=0).astype(dtype)
    # The forward pass, one matrix product per position, differentiated position by position,
    # in the forward's layout: (H_out*W_out, C_out, N). Free when dout comes in the layout of
    # locally_connected2d's output; one transposing copy otherwise.
    dout_by_position = np.ascontiguousarray(dout.reshape(n, c_out, oh * ow).transpose(2, 1, 0))
    columns = _columns_by_position(pad2d(x, g.padding), g)     # (H_out*W_out, C_in*KH*KW, N)
    # dw[f, p] = dout[:, f, p] @ columns[p].T, written straight into w's layout
    dw = np.empty((c_out, oh * ow, c_in * kh * kw), dtype=np.result_type(dout_by_position, columns))
    np.matmul(dout_by_position, columns.transpose(0, 2, 1), out=dw.transpose(1, 0, 2))
    dw = dw.reshape(w.shape).astype(dtype, copy=False)
    if not input_gradient:
        return None, dw, db
    # Each window's gradient, dcolumns[k, p] = w[:, p, k] @ dout[:, p], stored tap first:
    # (C_in*KH*KW, H_out*W_out, N). Then one tap's gradients over all positions and images
    # are one block in memory, and so are the input cells they go to (below).
    # The columns are used up, so the gradients take their memory when they can.
    if used_up_columns_can_hold(columns, dtype):
        # copy=False: the same memory in a new shape, or an error, never a silent copy
        dcolumns = columns.reshape((c_in * kh * kw, oh * ow, n), copy=False)
    else:
        dcolumns = np.empty((c_in * kh * kw, oh * ow, n), dtype=dtype)
    np.matmul(_filters_by_position(w).transpose(0, 2, 1), dout_by_position,
              out=dcolumns.transpose(1, 0, 2))
    dwindows = dcolumns.reshape(c_in, kh, kw, oh, ow, n).transpose(5, 0, 1, 2, 3, 4)
    # dx_padded laid out images last like dcolumns, seen as (N, C_in, Hp, Wp): each tap's
    # addition then runs along whole rows of W_out*N numbers (stride 1), not N at a time.
    dx_padded = np.zeros((c_in, *g.padded_size, n), dtype=dtype).transpose(3, 0, 1, 2)
    add_windows_gradient(dx_padded, dwindows, g)
    return padding_gradient_to_input(dx_padded, g), dw, db
