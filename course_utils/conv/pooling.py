"""Max pooling and global pooling, forward and backward.

Max pooling keeps the largest value of each window; it has no parameters.
Global pooling reduces each feature map to one number, which is what makes
a network's output independent of where a feature is.
"""

from __future__ import annotations

import numpy as np

from ..validation import IntOrPair, check_array, check_int_or_pair, gradient_dtype
from .geometry import window_output_size

__all__ = [
    "global_average_pool",
    "global_max_pool",
    "max_pool2d",
    "max_pool2d_backward",
]


def _pool_geometry(
    x: np.ndarray, size: IntOrPair, stride: IntOrPair | None
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Window size, stride and ``(H_out, W_out)`` of a max pooling of ``x`` (N, C, H, W)."""
    kh, kw = check_int_or_pair(size, "size", minimum=1)
    sh, sw = (kh, kw) if stride is None else check_int_or_pair(stride, "stride", minimum=1)
    h, w = x.shape[-2:]
    try:
        out = window_output_size((h, w), (kh, kw), 0, (sh, sw))
    except ValueError:  # not even one window fits; say it with pooling's argument names
        raise ValueError(
            f"size {(kh, kw)} does not fit in an input of height and width {(h, w)}: "
            "size must be at most the input's size"
        ) from None
    return (kh, kw), (sh, sw), out


def _tap(x: np.ndarray, row: int, col: int, stride: tuple[int, int],
         out: tuple[int, int]) -> np.ndarray:
    """Cell (row, col) of every window, shape (N, C, H_out, W_out): a strided view."""
    (sh, sw), (oh, ow) = stride, out
    return x[:, :, row : row + (oh - 1) * sh + 1 : sh, col : col + (ow - 1) * sw + 1 : sw]


def max_pool2d(x: np.ndarray, size: IntOrPair = 2, stride: IntOrPair | None = None) -> np.ndarray:
    """Max pooling: the largest value in each window of each channel.

    Like the frameworks, rows and columns that do not fill a last window
    are dropped (the output size is floored).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    size : int or (int, int)
        Window height and width.
    stride : int or (int, int), optional
        Step between windows; by default the window size (windows side by
        side, not overlapping).

    Returns
    -------
    ndarray, shape (N, C, H_out, W_out)
        ``H_out = floor((H - size) / stride) + 1``, the same for ``W_out``.
    """
    x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
    (kh, kw), step, out = _pool_geometry(x, size, stride)
    # Loop over the KH * KW cells of a window (4 for 2x2), not over windows:
    # each step compares whole maps at once.
    result = _tap(x, 0, 0, step, out).copy()
    for cell in range(1, kh * kw):
        np.maximum(result, _tap(x, cell // kw, cell % kw, step, out), out=result)
    return result


def max_pool2d_backward(
    dout: np.ndarray, x: np.ndarray, size: IntOrPair = 2, stride: IntOrPair | None = None
) -> np.ndarray:
    """Gradient of :func:`max_pool2d` with respect to its input.

    Each window sends its upstream gradient to the cell that held the
    maximum (the first one, in row-major order, when several tie, as
    PyTorch does); every other cell gets 0 from that window.

    Parameters
    ----------
    dout : ndarray, shape (N, C, H_out, W_out)
    x : ndarray, shape (N, C, H, W)
        The forward pass's input.
    size, stride
        As in the forward pass.

    Returns
    -------
    ndarray, shape (N, C, H, W)
    """
    x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
    (kh, kw), (sh, sw), (oh, ow) = _pool_geometry(x, size, stride)
    dout = check_array(dout, "dout", ndim=4, axes="(N, C, H_out, W_out)")
    expected = (*x.shape[:2], oh, ow)
    if dout.shape != expected:
        raise ValueError(f"dout must have the output's shape {expected}, got {dout.shape}")
    pooled = max_pool2d(x, (kh, kw), (sh, sw))
    dx = np.zeros(x.shape, dtype=gradient_dtype(x, dout))
    overlapping = sh < kh or sw < kw
    nan_window = np.isnan(pooled)  # a NaN is the maximum of its window, as in PyTorch
    any_nan = bool(nan_window.any())
    # dout times a 0/1 mask is quicker than np.where, but gives NaN for 0 * inf or NaN
    finite_dout = bool(np.isfinite(dout).all())
    # Visit the cells of a window in row-major order, every window at once; a
    # window sends its gradient to the first cell that holds its maximum.
    found = np.zeros(pooled.shape, dtype=bool)
    for cell in range(kh * kw):
        values = _tap(x, cell // kw, cell % kw, (sh, sw), (oh, ow))
        winner = values == pooled
        if any_nan:  # without a NaN anywhere, these three passes find nothing
            winner |= nan_window & np.isnan(values)
        winner &= ~found
        found |= winner
        cells = _tap(dx, cell // kw, cell % kw, (sh, sw), (oh, ow))  # distinct cells of dx
        if overlapping:
            cells += np.where(winner, dout, 0)  # a cell of x may be in several windows
        elif finite_dout:
            np.multiply(dout, winner, out=cells)
        else:
            cells[...] = np.where(winner, dout, 0)
    return dx


def global_average_pool(x: np.ndarray) -> np.ndarray:
    """The mean of each feature map: one number per image and channel.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)

    Returns
    -------
    ndarray, shape (N, C)
    """
    x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
    return x.mean(axis=(2, 3))


def global_max_pool(x: np.ndarray) -> np.ndarray:
    """The largest value of each feature map: one number per image and channel.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)

    Returns
    -------
    ndarray, shape (N, C)
    """
    x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
    return x.max(axis=(2, 3))
