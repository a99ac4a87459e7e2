"""Grouped convolution: ``groups`` independent convolutions, side by side.

The input channels are cut into ``groups`` equal blocks, and so are the
filters; filter block ``g`` sees only input block ``g``. Each filter is
therefore ``C_in / groups`` deep, and the layer has ``groups`` times fewer
weights and multiply-adds than a full convolution with the same channels.
``groups = 1`` is the ordinary convolution; ``groups = C_in`` gives each
input channel its own filters (the depthwise step of MobileNet). This is
PyTorch's ``groups`` argument of ``conv2d``. :func:`channel_connections`
draws the block pattern of which filter reads which channel.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..validation import IntOrPair, check_array, check_bool, check_groups, check_int
from .convolution import ConvPadding, conv2d, conv2d_backward, conv_geometry_from_shapes

__all__ = ["channel_connections", "grouped_conv2d", "grouped_conv2d_backward"]


def _check_grouped(x: np.ndarray, w: np.ndarray, groups: object) -> int:
    """Check ``groups`` against x (N, C_in, H, W) and w (C_out, C_in / groups, KH, KW)."""
    groups = check_groups(groups, x.shape[1], w.shape[0])
    if w.shape[1] * groups != x.shape[1]:
        raise ValueError(
            f"with groups={groups}, each filter sees {x.shape[1]} / {groups} = "
            f"{x.shape[1] // groups} input channels, so w needs shape "
            f"({w.shape[0]}, {x.shape[1] // groups}, KH, KW); got {w.shape}"
        )
    return groups


def _group(array: np.ndarray, axis: int, group: int, size: int) -> np.ndarray:
    """Channels ``group * size`` to ``(group + 1) * size - 1`` along ``axis``."""
    return np.take(array, range(group * size, (group + 1) * size), axis=axis)


def grouped_conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    groups: int,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
) -> np.ndarray:
    """A grouped 2-D convolution (PyTorch's ``conv2d(..., groups=groups)``).

    Parameters
    ----------
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, C_in / groups, KH, KW)
    b : ndarray, shape (C_out,), optional
    groups : int
        Divides both ``C_in`` and ``C_out``.
    stride, padding, dilation
        As in :func:`course_utils.conv2d`.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
        Output channels ``g * C_out/groups`` to ``(g + 1) * C_out/groups - 1``
        come from input channels ``g * C_in/groups`` onwards only.
    """
    x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
    w = check_array(w, "w", ndim=4, axes="(C_out, C_in / groups, KH, KW)")
    groups = _check_grouped(x, w, groups)
    if b is not None:
        b = check_array(b, "b", ndim=1, axes="(C_out,)")
        if b.shape != (w.shape[0],):
            raise ValueError(f"b has shape {b.shape} but w has {w.shape[0]} filters: "
                             f"b needs shape ({w.shape[0]},), one bias per filter")
    if groups == 1:
        return conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)
    c_in, c_out = x.shape[1] // groups, w.shape[0] // groups
    # Group g: its own slice of the input channels, of the filters and of the biases.
    parts = [
        conv2d(_group(x, 1, g, c_in), _group(w, 0, g, c_out),
               None if b is None else _group(b, 0, g, c_out),
               stride=stride, padding=padding, dilation=dilation)
        for g in range(groups)
    ]
    return np.concatenate(parts, axis=1)


def grouped_conv2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    *,
    groups: int,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    input_gradient: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of :func:`grouped_conv2d`: those of each group's convolution, side by side.

    Parameters
    ----------
    dout : ndarray, shape (N, C_out, H_out, W_out)
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, C_in / groups, KH, KW)
    groups, stride, padding, dilation
        As in the forward pass.
    input_gradient : bool
        Compute ``dx`` (``None`` with ``False``), as in :func:`conv2d_backward`.

    Returns
    -------
    dx : ndarray, shape (N, C_in, H, W), or None
    dw : ndarray, shape (C_out, C_in / groups, KH, KW)
    db : ndarray, shape (C_out,)
    """
    x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
    w = check_array(w, "w", ndim=4, axes="(C_out, C_in / groups, KH, KW)")
    dout = check_array(dout, "dout", ndim=4, axes="(N, C_out, H_out, W_out)")
    groups = _check_grouped(x, w, groups)
    g = conv_geometry_from_shapes(x.shape, w.shape, stride=stride, padding=padding,
                                  dilation=dilation)
    expected = (x.shape[0], w.shape[0], *g.output_size)
    if dout.shape != expected:
        raise ValueError(f"dout must have the layer's output shape {expected}, "
                         f"got {dout.shape}")
    input_gradient = check_bool(input_gradient, "input_gradient")
    if groups == 1:
        return conv2d_backward(dout, x, w, stride=stride, padding=padding, dilation=dilation,
                               input_gradient=input_gradient)
    c_in, c_out = x.shape[1] // groups, w.shape[0] // groups
    grads = [
        conv2d_backward(_group(dout, 1, g, c_out), _group(x, 1, g, c_in), _group(w, 0, g, c_out),
                        stride=stride, padding=padding, dilation=dilation,
                        input_gradient=input_gradient)
        for g in range(groups)
    ]
    dx = np.concatenate([dx_g for dx_g, _, _ in grads], axis=1) if input_gradient else None
    dw = np.concatenate([dw_g for _, dw_g, _ in grads], axis=0)
    db = np.concatenate([db_g for _, _, db_g in grads], axis=0)
    return dx, dw, db


def channel_connections(in_channels: int, out_channels: int, groups: int) -> np.ndarray:
    """True where a grouped convolution's filter reads an input channel.

    Parameters
    ----------
    in_channels, out_channels, groups : int

    Returns
    -------
    ndarray of bool, shape (out_channels, in_channels)
        Block diagonal: filter ``f`` reads channel ``c`` when both are in the
        same group.
    """
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    groups = check_groups(groups, in_channels, out_channels)
    filter_group = np.arange(out_channels) // (out_channels // groups)
    channel_group = np.arange(in_channels) // (in_channels // groups)
    return filter_group[:, None] == channel_group[None, :]
