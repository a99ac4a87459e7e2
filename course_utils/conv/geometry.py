"""Convolution geometry: how big is the output, and what does a window see?

Conventions (the same as PyTorch and the convolution arithmetic guide):

* ``padding`` is added on *each* side, so a padded input has ``W + 2P`` cells;
* ``dilation=1`` means a contiguous kernel (cs231n calls this "dilation 0");
* the output size is ``floor((W + 2P - D*(K - 1) - 1) / S) + 1``, which for
  ``D = 1`` is the familiar ``(W - K + 2P)/S + 1``.

Every size argument may be an int or an ``(height, width)`` pair. When any
argument is a pair, the result is a pair too.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence, Union

import numpy as np

from ..validation import (
    IntOrPair,
    check_bool,
    check_int,
    check_int_or_pair,
    check_sequence,
    is_pair,
)

__all__ = [
    "conv_output_size",
    "coverage_counts",
    "effective_kernel_size",
    "FitResult",
    "fitting_configurations",
    "receptive_field",
    "ReceptiveFieldRow",
    "same_padding",
    "transposed_conv_output_size",
    "window_layout",
    "WindowLayout",
]

PaddingArg = Union[int, tuple[int, int], str]

_DIMENSION_NAMES = ("height", "width")


# --------------------------------------------------------------------------
# Small building blocks
# --------------------------------------------------------------------------


def _effective_kernel(kernel_size: int, dilation: int) -> int:
    # A dilated kernel has K taps with D-1 gaps between neighbours.
    return dilation * (kernel_size - 1) + 1


def effective_kernel_size(kernel_size: IntOrPair, dilation: IntOrPair = 1) -> IntOrPair:
    """Span of a dilated kernel: ``K + (K - 1)(D - 1)`` cells.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Number of taps per side, ``K >= 1``.
    dilation : int or (int, int)
        Spacing between taps, ``D >= 1`` (1 = no gaps).

    Returns
    -------
    int or (int, int)
        The span, a pair when either argument is a pair.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    ks = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    ds = check_int_or_pair(dilation, "dilation", minimum=1)
    spans = tuple(_effective_kernel(k, d) for k, d in zip(ks, ds))
    return spans if (is_pair(kernel_size) or is_pair(dilation)) else spans[0]


def _format_number(value: Fraction) -> str:
    """``4.5`` for 9/2, ``3.333…`` for 10/3, ``4`` for 4."""
    if value.denominator == 1:
        return str(value.numerator)
    rounded = round(float(value), 3)
    text = f"{rounded:.3f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == value else text + "…"


def _formula_text(size: int, span: int, padding: int, stride: int) -> str:
    """The output-size formula with the numbers put in, unevaluated."""
    return f"({size} - {span} + 2*{padding})/{stride} + 1"


def _exact_output(size: int, span: int, padding: int, stride: int) -> Fraction:
    return Fraction(size - span + 2 * padding, stride) + 1


# --------------------------------------------------------------------------
# Where the windows go
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowLayout:
    """Where a window of size ``kernel_size`` lands along one dimension.

    All positions are in *padded* coordinates: cell 0 is the first padding
    cell (or the first input cell when ``padding == 0``).

    Attributes
    ----------
    size, kernel_size, padding, stride, dilation : int
        The arguments.
    padded_size : int
        ``size + 2 * padding``.
    span : int
        Cells from a window's first tap to its last, ``D(K-1) + 1``.
    starts : tuple of int
        First cell of every window position, as frameworks place them.
    leftover : int
        Cells after the end of the last window (0 when the windows fit).
    dropped_inputs : tuple of int
        Real input cells (0-based, unpadded) that lie past the last window
        and so never reach the output.
    """

    size: int
    kernel_size: int
    padding: int
    stride: int
    dilation: int
    padded_size: int
    span: int
    starts: tuple[int, ...]
    leftover: int
    dropped_inputs: tuple[int, ...]

    @property
    def output_size(self) -> int:
        """Number of window positions (the floored output size)."""
        return len(self.starts)

    @property
    def fits(self) -> bool:
        """True when the windows tile the padded input with nothing left over."""
        return self.leftover == 0

    def taps(self, position: int) -> tuple[int, ...]:
        """Padded cells read by window number ``position`` (0-based)."""
        position = check_int(position, "position", minimum=0)
        if position >= self.output_size:
            raise ValueError(
                f"position must be between 0 and {self.output_size - 1}, got {position}"
            )
        start = self.starts[position]
        return tuple(start + tap * self.dilation for tap in range(self.kernel_size))


def window_layout(
    size: int, kernel_size: int, padding: int = 0, stride: int = 1, dilation: int = 1
) -> WindowLayout:
    """Place the windows along one dimension, the way frameworks do.

    Parameters
    ----------
    size : int
        Input length ``W >= 1`` (one dimension, no pairs).
    kernel_size, padding, stride, dilation : int
        As in :func:`conv_output_size`.

    Returns
    -------
    WindowLayout
        The window starts, what is left over and which input cells are
        never read.

    Raises
    ------
    ValueError
        If not even one window fits in the padded input.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    size = check_int(size, "size", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    stride = check_int(stride, "stride", minimum=1)
    dilation = check_int(dilation, "dilation", minimum=1)
    span = _effective_kernel(kernel_size, dilation)
    padded = size + 2 * padding
    if span > padded:
        raise ValueError(_no_room_message(size, kernel_size, padding, dilation, span))
    count = (padded - span) // stride + 1
    starts = tuple(range(0, count * stride, stride))
    end = starts[-1] + span  # first cell after the last window
    dropped = tuple(i - padding for i in range(end, padded) if padding <= i < padding + size)
    return WindowLayout(
        size=size,
        kernel_size=kernel_size,
        padding=padding,
        stride=stride,
        dilation=dilation,
        padded_size=padded,
        span=span,
        starts=starts,
        leftover=padded - end,
        dropped_inputs=dropped,
    )


def _no_room_message(size: int, kernel_size: int, padding: int, dilation: int, span: int) -> str:
    kernel_text = f"kernel_size={kernel_size}"
    if dilation != 1:
        kernel_text += f" with dilation={dilation} spans {span} cells"
    return (
        f"no room for even one window: {kernel_text}, but the padded input has only "
        f"size + 2*padding = {size} + 2*{padding} = {size + 2 * padding} cells. "
        f"Use a smaller kernel_size or dilation, or padding >= {-(-(span - size) // 2)}."
    )


def _reads_per_cell(layout: WindowLayout) -> np.ndarray:
    """How many window positions read each padded cell, shape ``(padded_size,)``."""
    counts = np.zeros(layout.padded_size, dtype=int)
    for position in range(layout.output_size):
        for cell in layout.taps(position):
            counts[cell] += 1
    return counts


def coverage_counts(
    size, kernel_size, padding=0, stride=1, dilation=1
) -> np.ndarray:
    """Number of window positions that read each cell of the padded input.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int or (int, int)
        As in :func:`course_utils.conv_output_size` (int padding only).

    Returns
    -------
    ndarray of int, shape (H + 2*PH, W + 2*PW)
        Padding cells included; a 0 marks a cell no window reads.
    """
    sizes = check_int_or_pair(size, "size", minimum=1)
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    paddings = check_int_or_pair(padding, "padding", minimum=0)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    rows, cols = (
        _reads_per_cell(window_layout(sizes[a], kernels[a], paddings[a], strides[a], dilations[a]))
        for a in range(2)
    )
    # A 2-D window position is a pair of 1-D positions, so counts multiply.
    return np.outer(rows, cols)


# --------------------------------------------------------------------------
# Output size
# --------------------------------------------------------------------------


def _fitting_paddings(size: int, span: int, stride: int, padding: int) -> list[int]:
    """Nearest paddings below and above ``padding`` that fit exactly."""
    fits = [
        p
        for p in range(0, padding + span + stride + 1)
        if size + 2 * p >= span and (size + 2 * p - span) % stride == 0
    ]
    below = [p for p in fits if p < padding]
    above = [p for p in fits if p > padding]
    return ([below[-1]] if below else []) + ([above[0]] if above else [])


def _fitting_strides(size: int, span: int, padding: int, stride: int) -> list[int]:
    """Nearest strides below and above ``stride`` that fit exactly."""
    room = size + 2 * padding - span
    fits = [s for s in range(1, max(room, 1) + 1) if room % s == 0]
    below = [s for s in fits if s < stride]
    above = [s for s in fits if s > stride]
    return ([below[-1]] if below else []) + ([above[0]] if above else [])


def _does_not_fit_message(
    size: int, kernel_size: int, padding: int, stride: int, dilation: int, dimension: str | None
) -> str:
    span = _effective_kernel(kernel_size, dilation)
    exact = _exact_output(size, span, padding, stride)
    layout = window_layout(size, kernel_size, padding, stride, dilation)
    where = f"{dimension}: " if dimension else ""
    lines = [
        f"{where}the windows do not tile the padded input exactly: "
        f"{_formula_text(size, span, padding, stride)} = {_format_number(exact)}, "
        "which is not a whole number."
    ]
    if dilation != 1:
        lines.append(
            f"(With dilation={dilation} the kernel spans "
            f"{dilation}*({kernel_size}-1) + 1 = {span} cells, so {span} stands in for K.)"
        )
    leftover_text = f"{layout.leftover} cell{'s' if layout.leftover != 1 else ''}"
    lines.append(
        f"The last window ends {leftover_text} before the end of the padded input; "
        f"frameworks floor the result to {layout.output_size} and "
        + (
            f"ignore input cells {list(layout.dropped_inputs)}. "
            if layout.dropped_inputs
            else "what they skip is only padding, so no input is lost. "
        )
        + "Pass strict=False to get that floored size."
    )
    paddings = _fitting_paddings(size, span, stride, padding)
    if paddings:
        options = " or ".join(
            f"padding={p} (output {int(_exact_output(size, span, p, stride))})" for p in paddings
        )
        lines.append(f"Paddings that fit with stride={stride}: {options}.")
    else:
        lines.append(
            f"No padding fits with stride={stride}: 2*padding is always even, "
            f"and {size} - {span} is odd."
        )
    strides = _fitting_strides(size, span, padding, stride)
    options = " or ".join(
        f"stride={s} (output {int(_exact_output(size, span, padding, s))})" for s in strides
    )
    lines.append(f"Strides that fit with padding={padding}: {options}.")
    return "\n".join(lines)


def _output_size_1d(
    size: int,
    kernel_size: int,
    padding: int,
    stride: int,
    dilation: int,
    strict: bool,
    dimension: str | None,
) -> int:
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    span = _effective_kernel(kernel_size, dilation)
    if span > size + 2 * padding:
        message = _no_room_message(size, kernel_size, padding, dilation, span)
        raise ValueError(f"{dimension}: {message}" if dimension else message)
    room = size + 2 * padding - span
    if strict and room % stride != 0:
        raise ValueError(
            _does_not_fit_message(size, kernel_size, padding, stride, dilation, dimension)
        )
    return room // stride + 1


def _resolve_padding(
    padding: PaddingArg, kernel: tuple[int, int], stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Padding as ``((top, bottom), (left, right))`` from an int, pair or name."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(
                    f"padding='same' needs stride=1 (as in PyTorch), got stride={stride}; "
                    "give the padding as an int instead"
                )
            return (
                _same_padding_1d(kernel[0], dilation[0]),
                _same_padding_1d(kernel[1], dilation[1]),
            )
        raise ValueError(
            f"padding must be an int, a pair (h, w), 'valid' or 'same', got {padding!r}"
        )
    ph, pw = check_int_or_pair(padding, "padding", minimum=0)
    return ((ph, ph), (pw, pw))


def conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: PaddingArg = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    *,
    strict: bool = True,
) -> IntOrPair:
    """Output size of a convolution (or pooling) layer.

    ``floor((W + 2P - D(K - 1) - 1) / S) + 1`` per dimension, with ``P``
    added on each side.

    Parameters
    ----------
    size : int or (int, int)
        Input size ``W`` (or ``(H, W)``), at least 1.
    kernel_size : int or (int, int)
        Kernel size ``K``, at least 1.
    padding : int, (int, int), 'valid' or 'same'
        Zero cells added on *each* side, ``P >= 0``. ``'same'`` (stride 1
        only) pads so that the output has the input's size, putting an odd
        extra cell at the bottom/right as PyTorch does.
    stride : int or (int, int)
        Step between window positions, ``S >= 1``.
    dilation : int or (int, int)
        Spacing between kernel taps, ``D >= 1`` (1 = contiguous).
    strict : bool
        If True (default), raise ``ValueError`` when the windows do not tile
        the padded input exactly, with the arithmetic and paddings or
        strides that would fit. If False, floor the result as PyTorch,
        TensorFlow and friends do.

    Returns
    -------
    int or (int, int)
        The output size; a pair when any size argument is a pair.

    Raises
    ------
    TypeError
        If an argument is not an integer (``True`` and ``3.0`` included).
    ValueError
        For ``kernel_size``, ``stride`` or ``dilation`` below 1, a negative
        padding, no room for one window, or (``strict=True``) a window that
        does not tile the input.

    Examples
    --------
    >>> conv_output_size(5, 3)
    3
    >>> conv_output_size(227, 11, stride=4)
    55
    >>> conv_output_size((224, 224), 11, stride=4, strict=False)
    (54, 54)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    sizes = check_int_or_pair(size, "size", minimum=1)
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    strict = check_bool(strict, "strict")
    paddings = _resolve_padding(padding, kernels, strides, dilations)
    as_pair = any(is_pair(arg) for arg in (size, kernel_size, padding, stride, dilation))

    results = []
    for axis in range(2):
        before, after = paddings[axis]
        if before != after:
            # Only 'same' with an even span pads unevenly; the span then fits
            # exactly, so the output equals the input.
            results.append(sizes[axis])
            continue
        results.append(
            _output_size_1d(
                sizes[axis],
                kernels[axis],
                before,
                strides[axis],
                dilations[axis],
                strict,
                _DIMENSION_NAMES[axis] if as_pair else None,
            )
        )
    return (results[0], results[1]) if as_pair else results[0]


# --------------------------------------------------------------------------
# Padding that keeps the size
# --------------------------------------------------------------------------


def _same_padding_1d(kernel_size: int, dilation: int) -> tuple[int, int]:
    total = dilation * (kernel_size - 1)
    # PyTorch puts the smaller half first and any odd cell at the end.
    return (total // 2, total - total // 2)


def same_padding(
    kernel_size: IntOrPair, dilation: IntOrPair = 1
) -> tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]:
    """Padding that keeps the size at stride 1, split as PyTorch splits it.

    The total padding is ``D(K - 1)``; when it is odd the extra cell goes
    after the input (bottom / right).

    Parameters
    ----------
    kernel_size : int or (int, int)
    dilation : int or (int, int)

    Returns
    -------
    (int, int) or ((int, int), (int, int))
        ``(before, after)``, or ``((top, bottom), (left, right))`` when an
        argument is a pair.

    Examples
    --------
    >>> same_padding(3)
    (1, 1)
    >>> same_padding(4)
    (1, 2)
    """
    ks = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    ds = check_int_or_pair(dilation, "dilation", minimum=1)
    split = tuple(_same_padding_1d(k, d) for k, d in zip(ks, ds))
    return split if (is_pair(kernel_size) or is_pair(dilation)) else split[0]


# --------------------------------------------------------------------------
# Transposed convolution
# --------------------------------------------------------------------------


def transposed_conv_output_size(
    size: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
    output_padding: IntOrPair = 0,
) -> IntOrPair:
    """Output size of a transposed convolution, as ``torch.nn.ConvTranspose2d``.

    ``(W - 1)S - 2P + D(K - 1) + output_padding + 1`` per dimension. It
    undoes :func:`conv_output_size` (with ``strict=False``): the
    ``output_padding`` picks which of the ``S`` input sizes that share one
    output size you get back.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int or (int, int)
        As in :func:`conv_output_size`; ``size`` is the transposed layer's
        input.
    output_padding : int or (int, int)
        Extra cells on one side, ``0 <= output_padding < max(stride, dilation)``.

    Returns
    -------
    int or (int, int)
    """
    sizes = check_int_or_pair(size, "size", minimum=1)
    kernels = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    paddings = check_int_or_pair(padding, "padding", minimum=0)
    strides = check_int_or_pair(stride, "stride", minimum=1)
    dilations = check_int_or_pair(dilation, "dilation", minimum=1)
    extras = check_int_or_pair(output_padding, "output_padding", minimum=0)
    results = []
    for w, k, p, s, d, extra in zip(sizes, kernels, paddings, strides, dilations, extras):
        if extra >= max(s, d):
            raise ValueError(
                f"output_padding must be smaller than stride or dilation "
                f"(here < {max(s, d)}), got {extra}"
            )
        out = (w - 1) * s - 2 * p + d * (k - 1) + extra + 1
        if out < 1:
            raise ValueError(
                f"padding={p} crops everything: (size - 1)*stride - 2*padding + "
                f"dilation*(kernel_size - 1) + output_padding + 1 = {out}; use a smaller padding"
            )
        results.append(out)
    as_pair = any(
        is_pair(arg) for arg in (size, kernel_size, padding, stride, dilation, output_padding)
    )
    return (results[0], results[1]) if as_pair else results[0]


# --------------------------------------------------------------------------
# Receptive fields
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptiveFieldRow:
    """One layer of a stack, and what a unit of its output sees.

    Attributes
    ----------
    layer : int
        1 for the first layer.
    kernel_size, stride, dilation : int
        The layer's settings.
    jump : int
        Distance, in input cells, between neighbouring units of this
        layer's output (the product of the strides so far).
    size : int
        Input cells that one unit of this layer's output depends on.
    """

    layer: int
    kernel_size: int
    stride: int
    dilation: int
    jump: int
    size: int


def receptive_field(layers: Sequence[Sequence[int]]) -> list[ReceptiveFieldRow]:
    """Receptive field, layer by layer, of a stack of conv or pooling layers.

    Each layer widens the field by ``D(K - 1)`` of *its input's* cells, and
    one of those cells is ``jump`` input cells wide::

        size_l = size_{l-1} + D_l (K_l - 1) * jump_{l-1}
        jump_l = jump_{l-1} * S_l

    Padding moves the field but does not change its size.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        One entry per layer, first layer first. Ints only (one dimension).

    Returns
    -------
    list of ReceptiveFieldRow
        One row per layer.

    Examples
    --------
    >>> [row.size for row in receptive_field([(3, 1)] * 3)]
    [3, 5, 7]
    """
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be a list of (kernel_size, stride) or "
            f"(kernel_size, stride, dilation) tuples, got {layers!r}"
        )
    if len(layers) == 0:
        raise ValueError("layers must hold at least one (kernel_size, stride) tuple, got []")
    rows = []
    size, jump = 1, 1
    for index, layer in enumerate(layers):
        name = f"layers[{index}]"
        if not is_pair(layer) or len(layer) not in (2, 3):
            raise TypeError(
                f"{name} must be a (kernel_size, stride) or (kernel_size, stride, dilation) "
                f"tuple, got {layer!r}"
            )
        kernel = check_int(layer[0], f"{name} kernel_size", minimum=1)
        stride = check_int(layer[1], f"{name} stride", minimum=1)
        dilation = check_int(layer[2], f"{name} dilation", minimum=1) if len(layer) == 3 else 1
        size = size + dilation * (kernel - 1) * jump
        jump = jump * stride
        rows.append(ReceptiveFieldRow(index + 1, kernel, stride, dilation, jump, size))
    return rows


# --------------------------------------------------------------------------
# Which settings fit?
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FitResult:
    """Whether one (kernel, stride, padding) setting fits an input exactly.

    Attributes
    ----------
    kernel_size, stride, padding : int
        The setting.
    fits : bool
        True when the windows tile the padded input with nothing left over.
    output_size : int or None
        The exact output size, or the floored one when ``fits`` is False;
        None when not even one window fits.
    """

    kernel_size: int
    stride: int
    padding: int
    fits: bool
    output_size: int | None


def fitting_configurations(
    size: int,
    kernel_sizes: Sequence[int],
    strides: Sequence[int],
    paddings: Sequence[int],
) -> list[FitResult]:
    """Try every (kernel, stride, padding) combination on one input size.

    Parameters
    ----------
    size : int
        Input size (one dimension).
    kernel_sizes, strides, paddings : sequences of int
        The values to combine.

    Returns
    -------
    list of FitResult
        One entry per combination, in kernel, stride, padding order.
    """
    size = check_int(size, "size", minimum=1)
    kernel_sizes = check_sequence(kernel_sizes, "kernel_sizes", "kernel sizes")
    strides = check_sequence(strides, "strides", "strides")
    paddings = check_sequence(paddings, "paddings", "paddings")
    kernel_sizes = [
        check_int(k, f"kernel_sizes[{i}]", minimum=1) for i, k in enumerate(kernel_sizes)
    ]
    strides = [check_int(s, f"strides[{i}]", minimum=1) for i, s in enumerate(strides)]
    paddings = [check_int(p, f"paddings[{i}]", minimum=0) for i, p in enumerate(paddings)]
    results = []
    for kernel in kernel_sizes:
        for stride in strides:
            for padding in paddings:
                room = size + 2 * padding - kernel
                if room < 0:
                    results.append(FitResult(kernel, stride, padding, False, None))
                else:
                    fits = room % stride == 0
                    results.append(FitResult(kernel, stride, padding, fits, room // stride + 1))
    return results
