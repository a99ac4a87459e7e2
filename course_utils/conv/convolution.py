"""The convolution layer's forward pass, twice: with loops and vectorised.

Both functions compute exactly what ``torch.nn.functional.conv2d`` computes:
a *cross-correlation* (the kernel is not flipped), on images laid out as
``(N, C, H, W)``, with padding on each side, stride and dilation.

* :func:`conv2d_reference` is written to be read: it loops over images,
  filters and output positions, cuts out each window and sums its products
  with the filter.
* :func:`conv2d` gives the same numbers without a Python loop over output
  positions: it views every window of the padded input at once and does
  one matrix multiply (the "im2col" idea). The course uses this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..validation import IntOrPair, check_array, check_bool, gradient_dtype, shape_text
from .geometry import PaddingArg, window_geometry
from .padding import check_padding_mode, pad2d

__all__ = [
    "conv2d",
    "conv2d_backward",
    "conv2d_reference",
    "conv_geometry",
    "ConvGeometry",
]

#: int, (h, w), ((top, bottom), (left, right)), 'valid' or 'same'.
ConvPadding = PaddingArg


@dataclass(frozen=True)
class ConvGeometry:
    """Every size of one convolution, worked out and checked once.

    Attributes
    ----------
    batch, in_channels, out_channels : int
        ``N``, ``C_in`` and ``C_out``.
    input_size, kernel_size, output_size : (int, int)
        ``(H, W)``, ``(KH, KW)`` and ``(H_out, W_out)``.
    padding : ((int, int), (int, int))
        ``((top, bottom), (left, right))``.
    stride, dilation : (int, int)
    span : (int, int)
        Cells covered by a (dilated) kernel, ``D(K - 1) + 1`` per axis.
    padding_mode : str
    padded_size : (int, int)
        ``(H + top + bottom, W + left + right)``, from
        :attr:`course_utils.WindowGeometry.padded_size`.
    """

    batch: int
    in_channels: int
    out_channels: int
    input_size: tuple[int, int]
    kernel_size: tuple[int, int]
    output_size: tuple[int, int]
    padding: tuple[tuple[int, int], tuple[int, int]]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    span: tuple[int, int]
    padding_mode: str
    padded_size: tuple[int, int]


def _result_dtype(x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray]) -> np.dtype:
    # Integer images and filters give integer outputs, as worked by hand.
    return np.result_type(x, w) if b is None else np.result_type(x, w, b)


def conv_geometry(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    padding_mode: str = "zeros",
) -> tuple[np.ndarray, np.ndarray, Optional[np.ndarray], ConvGeometry]:
    """Check the arguments of a convolution and work out its sizes.

    Parameters
    ----------
    As in :func:`conv2d`.

    Returns
    -------
    x, w, b : ndarray
        The inputs as numpy arrays (``b`` may be None).
    geometry : ConvGeometry

    Raises
    ------
    TypeError, ValueError
        With a message that names the argument, and both shapes when two
        arrays disagree.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
    w = check_array(w, "w", ndim=4, axes="(C_out, C_in, KH, KW)")
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"kernel depth {w.shape[1]} vs input depth {x.shape[1]}: w has shape "
            f"{shape_text(w.shape)}, so each filter spans {w.shape[1]} channel(s), "
            f"but x has shape "
            f"{shape_text(x.shape)} with {x.shape[1]} channel(s). In an ordinary convolution each "
            f"filter reaches through the full depth of its input: w.shape[1] must equal "
            f"x.shape[1] (for filters that see only a group of channels, use grouped_conv2d)."
        )
    if b is not None:
        b = check_array(b, "b", ndim=1, axes="(C_out,)")
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"b has shape {shape_text(b.shape)} but w has shape {shape_text(w.shape)}: "
                f"one bias per filter, so b needs {w.shape[0]} values"
            )
    geometry = conv_geometry_from_shapes(
        x.shape, w.shape, stride=stride, padding=padding, dilation=dilation,
        padding_mode=padding_mode,
    )
    return x, w, b, geometry


def conv_geometry_from_shapes(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    padding_mode: str = "zeros",
) -> ConvGeometry:
    """Every size of a layer that slides windows, from the shapes alone (no arrays).

    Convolution, grouped convolution and the locally connected layer share
    their windows, so they share this; every size comes from
    :mod:`course_utils.conv.geometry`.

    Parameters
    ----------
    x_shape : (N, C_in, H, W)
    w_shape : tuple of int
        ``(C_out, ..., KH, KW)``: the filters come first and the kernel's
        height and width last, as in a convolution's ``(C_out, C_in, KH,
        KW)`` and a locally connected layer's ``(C_out, H_out, W_out, C_in,
        KH, KW)``.
    stride, padding, dilation, padding_mode
        As in :func:`conv2d`.

    Returns
    -------
    ConvGeometry

    Raises
    ------
    TypeError, ValueError
        For a bad setting; when the kernel does not fit, the message names
        both shapes and the dimension.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    padding_mode = check_padding_mode(padding_mode, "padding_mode")
    try:
        g = window_geometry(x_shape[2:], w_shape[-2:], padding, stride, dilation)
    except (TypeError, ValueError) as error:
        # The same error, which names the argument first, then the shapes it was worked out
        # from: a kernel that does not fit is a mismatch of w and x.
        raise type(error)(
            f"{error} (w has shape {shape_text(w_shape)} and x has shape {shape_text(x_shape)})"
        ) from None
    return ConvGeometry(
        batch=x_shape[0],
        in_channels=x_shape[1],
        out_channels=w_shape[0],
        input_size=g.input_size,
        kernel_size=g.kernel_size,
        output_size=g.output_size,
        padding=g.padding,
        stride=g.stride,
        dilation=g.dilation,
        span=g.span,
        padding_mode=padding_mode,
        padded_size=g.padded_size,
    )


def conv2d_reference(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    padding_mode: str = "zeros",
) -> np.ndarray:
    """A 2-D convolution layer, written with loops to be read.

    Parameters
    ----------
    x : ndarray, shape (N, C_in, H, W)
        A batch of images.
    w : ndarray, shape (C_out, C_in, KH, KW)
        One filter per output channel; each spans all ``C_in`` channels.
    b : ndarray, shape (C_out,), optional
        One bias per filter.
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        Cells added on each side (``'same'``: stride 1 only, an odd extra
        cell at the bottom/right as in PyTorch).
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
        How the padding is filled, see :func:`course_utils.pad2d`.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
        ``out[n, f, i, j] = b[f] + sum over c, u, v of
        x_padded[n, c, i*SH + u*DH, j*SW + v*DW] * w[f, c, u, v]``.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x, w, b, g = conv_geometry(
        x, w, b, stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode
    )
    x_padded = pad2d(x, g.padding, g.padding_mode)
    (stride_h, stride_w), (dilation_h, dilation_w) = g.stride, g.dilation
    (span_h, span_w) = g.span
    out_h, out_w = g.output_size
    out = np.zeros((g.batch, g.out_channels, out_h, out_w), dtype=_result_dtype(x, w, b))
    for n in range(g.batch):
        for f in range(g.out_channels):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride_h, j * stride_w
                    # Every channel of the window, skipping dilation gaps.
                    window = x_padded[
                        n, :, top : top + span_h : dilation_h, left : left + span_w : dilation_w
                    ]
                    out[n, f, i, j] = np.sum(window * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out


def conv2d_windows(x_padded: np.ndarray, geometry: ConvGeometry) -> np.ndarray:
    """Every window of a padded batch, as a view (no copy).

    Parameters
    ----------
    x_padded : ndarray, shape (N, C_in, H + top + bottom, W + left + right)
    geometry : ConvGeometry

    Returns
    -------
    ndarray, shape (N, C_in, H_out, W_out, KH, KW)
        ``windows[n, :, i, j]`` is what filter taps read for output ``(i, j)``.
    """
    (stride_h, stride_w), (dilation_h, dilation_w) = geometry.stride, geometry.dilation
    all_windows = sliding_window_view(x_padded, geometry.span, axis=(2, 3))
    # Keep every stride-th window position and every dilation-th tap inside it.
    return all_windows[:, :, ::stride_h, ::stride_w, ::dilation_h, ::dilation_w]


def conv2d_columns(windows: np.ndarray, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Windows as columns ("im2col"): one copy.

    Parameters
    ----------
    windows : ndarray, shape (N, C_in, H_out, W_out, KH, KW)
        From :func:`conv2d_windows`, or a slice of its images.
    out : ndarray, shape (N, C_in * KH * KW, H_out * W_out), optional
        Where to copy the columns (may be a slice of a larger array);
        a new array if not given.

    Returns
    -------
    ndarray, shape (N, C_in * KH * KW, H_out * W_out)
        Column ``p`` of image ``n`` holds the values that the filter taps read
        for output position ``p`` (row-major over ``(H_out, W_out)``); row
        ``k`` is one tap, in the order of ``w.reshape(C_out, -1)``.
    """
    n, c, out_h, out_w, kh, kw = windows.shape
    by_tap = windows.transpose(0, 1, 4, 5, 2, 3)  # (N, C_in, KH, KW, H_out, W_out), a view
    if out is None:
        return by_tap.reshape(n, c * kh * kw, out_h * out_w)
    # copy=False: a view of out, or an error, never a silent copy that would be lost
    out.reshape((n, c, kh, kw, out_h, out_w), copy=False)[...] = by_tap
    return out


# About half the per-core (L2) cache of a laptop or server CPU.
COLUMNS_BYTES_PER_STEP = 2 * 1024 * 1024


def image_steps(g: ConvGeometry, itemsize: int) -> list[slice]:
    """Split the batch into runs of images whose columns take about 2 MB.

    The columns of a whole batch are ``KH * KW`` times the input (58 MB for
    eight 64-channel 56x56 images and a 3x3 kernel): written and read back
    from main memory, they cost more than the multiply itself. A few images
    at a time, they stay in the CPU's cache. MNIST-sized images all fit in
    one step; a large image takes one step of its own.

    Returns
    -------
    list of slice
        Consecutive slices that cover ``range(g.batch)``.
    """
    taps = g.in_channels * g.kernel_size[0] * g.kernel_size[1]
    bytes_per_image = taps * g.output_size[0] * g.output_size[1] * itemsize
    per_step = max(1, COLUMNS_BYTES_PER_STEP // bytes_per_image)
    return [slice(start, min(start + per_step, g.batch)) for start in range(0, g.batch, per_step)]


#: The ways :func:`conv2d` can compute the same numbers; ``method="auto"`` picks by shape.
CONV2D_METHODS = ("columns", "columns_bias_row", "shifted")

# Up to this many taps (C_in * KH * KW) the bias goes into the product as one more row;
# measured on the benchmark suite: for 9 taps (MNIST's first layer) adding the bias
# afterwards, a pass over the whole output, took about as long as the product itself.
FEW_TAPS = 32


def bias_in_the_product(taps: int) -> bool:
    """Whether a layer with ``taps`` numbers per window adds its bias inside the product.

    With few taps (``C_in * KH * KW <= FEW_TAPS``) the product is quick, and
    adding the bias afterwards, one more pass over the output, costs about as
    much again; one more row of ones under the columns costs ``1 / taps`` of
    the product. conv2d and locally_connected2d both follow this rule.
    """
    return taps <= FEW_TAPS


def check_conv2d_method(method: object, geometry: ConvGeometry) -> str:
    """Return the method to use: ``method`` itself, or the one ``'auto'`` picks.

    ``'auto'`` picks by shape (each method's time on the benchmark suite is in
    benchmarks/RESULTS.md):

    * few taps (``C_in * KH * KW <= FEW_TAPS``, a first layer on grey images):
      ``'columns_bias_row'``, because adding the bias afterwards would cost
      a pass over an output many times the size of the columns;
    * otherwise ``'columns'``.

    ``'shifted'`` is never picked by ``'auto'``: on the benchmark suite it was
    no faster than ``'columns'`` (see :func:`conv2d_shifted`), but it is kept
    as the readable alternative that builds no columns, and tested like the others.

    Raises
    ------
    ValueError
        For an unknown method, or ``'shifted'`` with a stride other than 1.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(method, str) or method not in ("auto", *CONV2D_METHODS):
        raise ValueError(f"method must be 'auto' or one of {list(CONV2D_METHODS)}, got {method!r}")
    if method == "shifted" and geometry.stride != (1, 1):
        raise ValueError(f"method='shifted' needs stride 1, got stride={geometry.stride}: with a "
                         f"larger stride the shifted inputs are not contiguous slices")
    if method != "auto":
        return method
    taps = geometry.in_channels * geometry.kernel_size[0] * geometry.kernel_size[1]
    return "columns_bias_row" if bias_in_the_product(taps) else "columns"


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: Optional[np.ndarray] = None,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    padding_mode: str = "zeros",
    method: str = "auto",
) -> np.ndarray:
    """A 2-D convolution layer (cross-correlation, as in PyTorch), vectorised.

    Same arguments and result as :func:`conv2d_reference`, computed with
    matrix products instead of loops over positions.

    Parameters
    ----------
    x : ndarray, shape (N, C_in, H, W)
    w : ndarray, shape (C_out, C_in, KH, KW)
    b : ndarray, shape (C_out,), optional
    stride, dilation : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
    method : {'auto', 'columns', 'columns_bias_row', 'shifted'}
        How the products are arranged; every method gives the same numbers
        (up to rounding). ``'auto'`` picks by shape, see
        :func:`check_conv2d_method`.

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)

    Examples
    --------
    >>> x = np.arange(25.0).reshape(1, 1, 5, 5)
    >>> conv2d(x, np.ones((1, 1, 3, 3))).shape
    (1, 1, 3, 3)
    >>> conv2d(x, np.ones((1, 1, 3, 3)), padding="same").shape
    (1, 1, 5, 5)
    >>> conv2d(x, np.ones((1, 1, 3, 3)), method="shifted")[0, 0, 0]
    array([54., 63., 72.])
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x, w, b, g = conv_geometry(
        x, w, b, stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode
    )
    method = check_conv2d_method(method, g)
    x_padded = pad2d(x, g.padding, g.padding_mode)
    if method == "shifted":
        out = conv2d_shifted(x_padded, w, g)
    elif method == "columns_bias_row" and b is not None:
        return conv2d_columns_bias_row(x_padded, w, b, g)
    else:
        out = conv2d_by_columns(x_padded, w, g)
    out = out.astype(_result_dtype(x, w, b), copy=False)  # int images, float bias
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def conv2d_by_columns(x_padded: np.ndarray, w: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Convolution as matrix products of filters and windows ("im2col"), without bias.

    Chosen for most shapes: nearly all the time goes into BLAS products
    of a good size, ``(C_out, C_in*KH*KW) @ (C_in*KH*KW, H_out*W_out)``.

    Parameters
    ----------
    x_padded : ndarray, shape (N, C_in, H + top + bottom, W + left + right)
    w : ndarray, shape (C_out, C_in, KH, KW)
    g : ConvGeometry

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
    """
    windows = conv2d_windows(x_padded, g)
    filters = w.reshape(g.out_channels, -1)  # (C_out, C_in*KH*KW): one filter per row
    out = np.empty((g.batch, g.out_channels, g.output_size[0] * g.output_size[1]),
                   dtype=np.result_type(x_padded, w))
    # Every filter with every window of the images in one step; a few images per
    # step, so that their columns stay in the CPU's cache (see image_steps).
    for images in image_steps(g, x_padded.itemsize):
        np.matmul(filters, conv2d_columns(windows[images]), out=out[images])
    return out.reshape(g.batch, g.out_channels, *g.output_size)


def conv2d_columns_bias_row(x_padded: np.ndarray, w: np.ndarray, b: np.ndarray,
                            g: ConvGeometry) -> np.ndarray:
    """Columns with a row of ones under them, so that the product adds the bias too.

    Chosen for few taps (a first layer on grey images, 9 taps for 3x3): the
    product is then quick, and adding the bias afterwards, one more pass
    over an output ``C_out`` times the size of the image, took about as long
    again. One more row in the product costs ``1 / (C_in*KH*KW)`` of it.

    Parameters
    ----------
    x_padded : ndarray, shape (N, C_in, H + top + bottom, W + left + right)
    w : ndarray, shape (C_out, C_in, KH, KW)
    b : ndarray, shape (C_out,)
    g : ConvGeometry

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
    """
    windows = conv2d_windows(x_padded, g)                      # (N, C_in, H_out, W_out, KH, KW)
    taps = w[0].size
    dtype = _result_dtype(x_padded, w, b)
    filters = np.empty((g.out_channels, taps + 1), dtype=dtype)  # [w | b]: (C_out, taps + 1)
    filters[:, :taps] = w.reshape(g.out_channels, taps)
    filters[:, taps] = b
    positions = g.output_size[0] * g.output_size[1]
    out = np.empty((g.batch, g.out_channels, positions), dtype=dtype)
    for images in image_steps(g, x_padded.itemsize):
        columns = np.empty((images.stop - images.start, taps + 1, positions), dtype=dtype)
        conv2d_columns(windows[images], out=columns[:, :taps])  # [columns; ones]
        columns[:, taps] = 1
        np.matmul(filters, columns, out=out[images])
    return out.reshape(g.batch, g.out_channels, *g.output_size)


def conv2d_shifted(x_padded: np.ndarray, w: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Stride-1 convolution as ``KH * KW`` shifted products, with no column matrix.

    Lay the padded images end to end, one long row per channel, and
    compute the output on the whole padded grid. Tap ``(u, v)`` then reads
    that row shifted by ``u*DH*(W + left + right) + v*DW`` cells: a plain
    slice, so ``w[:, :, u, v] @ shifted`` is one BLAS product of
    ``(C_out, C_in) @ (C_in, N * padded cells)``. The sum over taps, cropped
    to the cells where a whole window fits, is the convolution.

    Not picked by ``'auto'``: it builds no ``KH*KW``-times-the-input columns,
    but each product is ``KH*KW`` times thinner and each sum is one more pass
    over the output, and on the benchmark suite it was no faster.

    Parameters
    ----------
    x_padded : ndarray, shape (N, C_in, Hp, Wp)
        Padded images; stride 1 only.
    w : ndarray, shape (C_out, C_in, KH, KW)
    g : ConvGeometry

    Returns
    -------
    ndarray, shape (N, C_out, H_out, W_out)
    """
    n, c_in, padded_h, padded_w = x_padded.shape
    (kh, kw), (dh, dw), (out_h, out_w) = g.kernel_size, g.dilation, g.output_size
    cells = n * padded_h * padded_w
    largest_shift = (kh - 1) * dh * padded_w + (kw - 1) * dw
    # (C_in, N*Hp*Wp) and zeros after it, so the last tap's slice stays inside.
    rows = np.zeros((c_in, cells + largest_shift), dtype=x_padded.dtype)
    rows[:, :cells] = x_padded.transpose(1, 0, 2, 3).reshape(c_in, cells)
    taps = np.ascontiguousarray(w.transpose(2, 3, 0, 1))  # (KH, KW, C_out, C_in); BLAS wants it
    out = np.zeros((g.out_channels, cells), dtype=np.result_type(x_padded, w))
    for u in range(kh):
        for v in range(kw):
            shift = u * dh * padded_w + v * dw
            out += taps[u, v] @ rows[:, shift:shift + cells]
    # Output (i, j) sits where its window's top-left cell is: crop, then images first.
    out = out.reshape(g.out_channels, n, padded_h, padded_w)[:, :, :out_h, :out_w]
    return np.ascontiguousarray(out.transpose(1, 0, 2, 3))


def _padded_to_source(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each padded cell along one axis, the input cell it copies (-1 for a zero).

    Returns
    -------
    ndarray of int, shape (before + size + after,)
    """
    # Pad the cell numbers 1..size the same way as the data; zeros then mark padding.
    numbers = pad2d(np.arange(1, size + 1)[None, :], ((0, 0), (before, after)), mode)[0]
    return numbers - 1


def conv2d_backward(
    dout: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    *,
    stride: IntOrPair = 1,
    padding: ConvPadding = 0,
    dilation: IntOrPair = 1,
    padding_mode: str = "zeros",
    method: str = "auto",
    input_gradient: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of a :func:`conv2d` layer, given the gradient of its output.

    Parameters
    ----------
    dout : ndarray, shape (N, C_out, H_out, W_out)
        Gradient of the loss with respect to the layer's output.
    x : ndarray, shape (N, C_in, H, W)
        The layer's input in the forward pass.
    w : ndarray, shape (C_out, C_in, KH, KW)
        The layer's filters.
    stride, padding, dilation, padding_mode
        As in the forward pass.
    method : {'auto', 'columns', 'full_convolution'}
        How ``dx`` is computed (``dw`` is always one product per step of
        ``dout`` with the columns). ``'columns'``: each window's gradient,
        added back where the window was read from, one kernel tap at a
        time (:func:`add_windows_gradient`). ``'full_convolution'`` (stride 1
        only): ``dx`` is the convolution of ``dout``, padded by the kernel's
        span less one, with the filters flipped and their channel axes
        swapped (:func:`conv2d_input_gradient_full`). ``'auto'`` takes
        ``'full_convolution'`` at stride 1 when ``C_in >= C_out``, where it
        was the faster when measured, and ``'columns'`` otherwise.
    input_gradient : bool
        Compute ``dx``. A model's first layer has nothing below it to pass
        ``dx`` to, and ``dx`` costs about as much as ``dw``; with ``False``
        ``dx`` is ``None``.

    Returns
    -------
    dx : ndarray, shape (N, C_in, H, W), or None
    dw : ndarray, shape (C_out, C_in, KH, KW)
        Every position used the same filter, so its gradient is the sum of
        the gradients from all positions.
    db : ndarray, shape (C_out,)
        The sum of ``dout`` over the batch and all positions.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    x, w, _, g = conv_geometry(
        x, w, None, stride=stride, padding=padding, dilation=dilation, padding_mode=padding_mode
    )
    dout = check_array(dout, "dout", ndim=4, axes="(N, C_out, H_out, W_out)")
    expected = (g.batch, g.out_channels, *g.output_size)
    if dout.shape != expected:
        raise ValueError(
            f"dout must have the layer's output shape {shape_text(expected)} (for x of shape "
            f"{shape_text(x.shape)} and w of shape {shape_text(w.shape)}), "
            f"got {shape_text(dout.shape)}"
        )
    method = check_conv2d_backward_method(method, g)
    input_gradient = check_bool(input_gradient, "input_gradient")
    dtype = gradient_dtype(dout, x, w)
    windows = conv2d_windows(pad2d(x, g.padding, g.padding_mode), g)
    filters = w.reshape(g.out_channels, -1)                  # (C_out, C_in*KH*KW)
    dout_rows = dout.reshape(g.batch, g.out_channels, -1)    # (N, C_out, H_out*W_out)
    db = dout.sum(axis=(0, 2, 3)).astype(dtype)
    dw = np.zeros(filters.shape, dtype=dtype)
    add_back = input_gradient and method == "columns"  # dx built window by window, below
    if add_back:
        dx_padded = np.zeros((g.batch, g.in_channels, *g.padded_size), dtype=dtype)
    # A few images per step, as in the forward pass, so that the columns stay in cache.
    for images in image_steps(g, x.itemsize):
        columns = conv2d_columns(windows[images])            # (n, C_in*KH*KW, H_out*W_out)
        # dw[f, k] = sum over images n and positions p of dout[n, f, p] * columns[n, k, p]
        dw += np.matmul(dout_rows[images], columns.transpose(0, 2, 1)).sum(axis=0)
        if add_back:
            # Each window's gradient, then added back where the window was read from.
            # The columns are used up, so the gradients take their memory when they can.
            reuse = used_up_columns_can_hold(columns, np.result_type(filters, dout_rows))
            dcolumns = np.matmul(filters.T, dout_rows[images],  # (n, C_in*KH*KW, H_out*W_out)
                                 out=columns if reuse else None)
            add_windows_gradient(dx_padded[images], dcolumns.reshape(
                -1, g.in_channels, *g.kernel_size, *g.output_size), g)
    if not input_gradient:
        return None, dw.reshape(w.shape), db
    if method == "full_convolution":
        dx_padded = conv2d_input_gradient_full(dout, w, g).astype(dtype, copy=False)
    dx = padding_gradient_to_input(dx_padded, g)
    return dx, dw.reshape(w.shape), db


def used_up_columns_can_hold(columns: np.ndarray, dtype: np.dtype) -> bool:
    """Whether a backward pass may write the window gradients into its used-up columns.

    A backward pass needs the columns for ``dw`` first, then an array of the
    same size for the window gradients. Writing them into the columns' memory
    saves allocating a second array ``KH*KW`` times the input on every call:
    measured on AlexNet's first layer, the fresh array made the whole pass up to
    twice as slow, because the operating system hands out new memory one
    zeroed page at a time.

    Parameters
    ----------
    columns : ndarray
        The columns, as the backward pass made them.
    dtype : numpy dtype
        The window gradients' dtype.

    Returns
    -------
    bool
        True when ``columns`` is a copy (the windows of ``sliding_window_view``
        are read-only, so columns that are a view of the padded input are
        never writeable) of ``dtype``.
    """
    return bool(columns.flags.writeable) and columns.dtype == dtype


#: The ways :func:`conv2d_backward` can compute ``dx``; ``method="auto"`` picks by shape.
CONV2D_BACKWARD_METHODS = ("columns", "full_convolution")


def check_conv2d_backward_method(method: object, geometry: ConvGeometry) -> str:
    """Return the way to compute ``dx``: ``method`` itself, or the one ``'auto'`` picks.

    ``'auto'`` takes ``'full_convolution'`` at stride 1 when ``C_in >= C_out``
    and ``'columns'`` otherwise. The full convolution copies ``dout``'s windows,
    each used by ``C_in`` products; the columns way adds each window's gradient
    back, each made by ``C_out`` products. Measured on 8 layer shapes, the full
    convolution won where ``C_in >= C_out``.

    Raises
    ------
    ValueError
        For an unknown method, or ``'full_convolution'`` with a stride other than 1.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(method, str) or method not in ("auto", *CONV2D_BACKWARD_METHODS):
        raise ValueError(f"method must be 'auto' or one of {list(CONV2D_BACKWARD_METHODS)}, "
                         f"got {method!r}")
    if method == "full_convolution" and geometry.stride != (1, 1):
        raise ValueError(f"method='full_convolution' needs stride 1, got "
                         f"stride={geometry.stride}: with a larger stride, dout would need "
                         f"zeros between its cells")
    if method != "auto":
        return method
    wide_input = geometry.in_channels >= geometry.out_channels
    return "full_convolution" if geometry.stride == (1, 1) and wide_input else "columns"


def conv2d_input_gradient_full(dout: np.ndarray, w: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """The gradient of a stride-1 convolution's padded input, as one more convolution.

    Input cell ``r`` of the padded image met tap ``u`` in the window at output
    ``r - u*D``, so ``dx_padded[r] = sum over u of dout[r - u*D] * w[u]``:
    a convolution of ``dout``, padded by ``D(K - 1)`` on each side, with the
    kernel flipped (``u`` counts backwards) and ``C_in`` and ``C_out`` swapped.
    Computed by :func:`conv2d` with columns, it costs one product the size of
    the forward pass's and no scattered additions. Its columns are ``dout``'s
    windows, each used by ``C_in`` products, so it pays where ``C_in >= C_out``
    (``'auto'``); with one input channel they cost far more than the product.

    Parameters
    ----------
    dout : ndarray, shape (N, C_out, H_out, W_out)
    w : ndarray, shape (C_out, C_in, KH, KW)
    g : ConvGeometry
        Of the forward pass; stride 1.

    Returns
    -------
    ndarray, shape (N, C_in, H + top + bottom, W + left + right)
    """
    (span_h, span_w), (dilation_h, dilation_w) = g.span, g.dilation
    flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (C_in, C_out, KH, KW)
    full = ((span_h - 1, span_h - 1), (span_w - 1, span_w - 1))
    return conv2d(dout, flipped, padding=full, dilation=(dilation_h, dilation_w),
                  method="columns")


def add_windows_gradient(dx_padded: np.ndarray, dwindows: np.ndarray, g: ConvGeometry) -> None:
    """Add the gradient of every window onto the padded input cells it read, in place.

    Parameters
    ----------
    dx_padded : ndarray, shape (..., C_in, H + top + bottom, W + left + right)
        Updated in place; ``...`` is the batch axis or nothing (one image).
    dwindows : ndarray, shape (..., C_in, KH, KW, H_out, W_out)
        Gradient of the loss with respect to each window's values:
        ``dwindows[..., c, u, v, i, j]`` belongs to tap ``(u, v)`` of the
        window at output ``(i, j)``. Overlapping windows add up.
    g : ConvGeometry
    """
    (sh, sw), (dh, dw_) = g.stride, g.dilation
    (out_h, out_w), (kh, kw) = g.output_size, g.kernel_size
    for u in range(kh):  # a loop over kernel taps; every output position at once
        for v in range(kw):
            rows = slice(u * dh, u * dh + sh * (out_h - 1) + 1, sh)
            cols = slice(v * dw_, v * dw_ + sw * (out_w - 1) + 1, sw)
            dx_padded[..., rows, cols] += dwindows[..., u, v, :, :]


def _fold_padding(grad: np.ndarray, size: int, before: int, after: int, mode: str) -> np.ndarray:
    """Fold the last axis's padding cells onto the input cells they copied.

    Returns
    -------
    ndarray, shape (..., size)
    """
    inner = grad[..., before:before + size].copy()
    if mode == "zeros":
        return inner  # zero padding copied nothing: its gradient goes nowhere
    source = _padded_to_source(size, before, after, mode)
    for padded_cell in [*range(before), *range(before + size, before + size + after)]:
        inner[..., source[padded_cell]] += grad[..., padded_cell]
    return inner


def padding_gradient_to_input(dx_padded: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """The gradient of the input from that of the padded input.

    Parameters
    ----------
    dx_padded : ndarray, shape (N, C_in, H + top + bottom, W + left + right)
    g : ConvGeometry

    Returns
    -------
    ndarray, shape (N, C_in, H, W)
        A padding cell's gradient goes to the input cell it copied (nowhere
        for zero padding).
    """
    (top, bottom), (left, right) = g.padding
    height, width = g.input_size
    if g.padding_mode == "zeros":  # the padding copied nothing: its gradient goes nowhere
        return np.ascontiguousarray(dx_padded[..., top:top + height, left:left + width])
    # Columns first (the last axis), then rows, moved to the last axis and back.
    dx_rows = _fold_padding(dx_padded, width, left, right, g.padding_mode)
    dx = _fold_padding(np.swapaxes(dx_rows, -1, -2), height, top, bottom, g.padding_mode)
    return np.ascontiguousarray(np.swapaxes(dx, -1, -2))
