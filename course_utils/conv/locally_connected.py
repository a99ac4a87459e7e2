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

from ..validation import IntOrPair, check_array, gradient_dtype, shape_text
from .convolution import (
    ConvGeometry,
    ConvPadding,
    add_windows_gradient,
    conv2d_windows,
    conv_geometry_from_shapes,
    padding_gradient_to_input,
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
    windows = conv2d_windows(pad2d(x, g.padding), g)  # (N, C_in, H_out, W_out, KH, KW)
    # Unlike conv2d, the filter depends on (i, j): pair each window with its own filter.
    # As matrices, one per position: (N, C_in*KH*KW) windows times (C_in*KH*KW, C_out)
    # filters; np.matmul does all H_out*W_out products in one call.
    out = np.matmul(_windows_by_position(windows), _filters_by_position(w))
    n, c_out, (oh, ow) = x.shape[0], w.shape[0], g.output_size
    if b is not None:
        out = out.astype(np.result_type(out, b), copy=False)  # int images, float bias
        # b (C_out, H_out, W_out) -> (H_out*W_out, 1, C_out), matching out's layout
        out += b.reshape(c_out, oh * ow).T[:, None, :]
    # (N, C_out, H_out, W_out) as a view: the memory stays ordered by position,
    # which saves a slow transposing copy; later layers accept any layout.
    return out.reshape(oh, ow, n, c_out).transpose(2, 3, 0, 1)


def _windows_by_position(windows: np.ndarray) -> np.ndarray:
    """(N, C_in, H_out, W_out, KH, KW) -> (H_out*W_out, N, C_in*KH*KW): each position's windows."""
    n, c, oh, ow, kh, kw = windows.shape
    return windows.transpose(2, 3, 0, 1, 4, 5).reshape(oh * ow, n, c * kh * kw)


def _filters_by_position(w: np.ndarray) -> np.ndarray:
    """(C_out, H_out, W_out, C_in, KH, KW) -> (H_out*W_out, C_in*KH*KW, C_out), contiguous."""
    c_out, oh, ow, c, kh, kw = w.shape
    # A copy (small next to the windows): np.matmul hands contiguous matrices to
    # BLAS, but multiplies strided ones with a plain loop many times slower.
    return np.ascontiguousarray(w.transpose(1, 2, 3, 4, 5, 0)).reshape(oh * ow, c * kh * kw, c_out)


def locally_connected2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`locally_connected2d`, given the gradient of its output.

    Parameters
    ----------
    dout : ndarray, shape (N, C_out, H_out, W_out)
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, H_out, W_out, C_in, KH, KW)
    stride, padding
        As in the forward pass.

    Returns
    -------
    dx : ndarray, shape (N, C_in, H, W)
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
    dtype = gradient_dtype(dout, x, w)
    windows = conv2d_windows(pad2d(x, g.padding), g)
    n, c_in, oh, ow, kh, kw = windows.shape
    c_out = w.shape[0]
    db = dout.sum(axis=0).astype(dtype)
    # The forward pass, one matrix product per position, differentiated position by position.
    # Contiguous copies again, so that np.matmul can use BLAS (see _filters_by_position).
    dout_by_position = np.ascontiguousarray(dout.transpose(2, 3, 0, 1)).reshape(oh * ow, n, c_out)
    cols = _windows_by_position(windows)                        # (H_out*W_out, N, C_in*KH*KW)
    dw = np.matmul(cols.transpose(0, 2, 1), dout_by_position)   # (H_out*W_out, C_in*KH*KW, C_out)
    dw = dw.reshape(oh, ow, c_in, kh, kw, c_out).transpose(5, 0, 1, 2, 3, 4).astype(dtype)
    dcols = np.matmul(dout_by_position, _filters_by_position(w).transpose(0, 2, 1))
    # (H_out*W_out, N, C_in*KH*KW) -> (N, C_in, KH, KW, H_out, W_out), as a view
    dwindows = dcols.reshape(oh, ow, n, c_in, kh, kw).transpose(2, 3, 4, 5, 0, 1)
    dx_padded = np.zeros((n, c_in, *g.padded_size), dtype=dtype)
    add_windows_gradient(dx_padded, dwindows, g)
    return padding_gradient_to_input(dx_padded, g), dw, db
