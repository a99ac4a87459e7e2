"""The same layer under the conventions of PyTorch, Keras/TensorFlow and cs231n.

Frameworks agree on what a convolution computes but not on how its settings
are written, nor on what happens when the windows do not fit. This module
spells out each documented rule and works the sizes out with
:mod:`course_utils.conv.geometry` (the one place for the size rule): a
convention only decides *which padding* goes where and *whether* a window that
does not tile the input is an error.

=================  ===========================================================
convention         rule
=================  ===========================================================
``'pytorch'``      ``floor((n + 2P - D(K-1) - 1) / S) + 1``: leftover cells are
                   dropped (``nn.Conv2d``, ``nn.MaxPool2d``)
``'pytorch_ceil'`` pooling with ``ceil_mode=True``: round up, so a last, partial
                   window is kept, but never one that would start in the
                   right-hand padding
``'keras_valid'``  ``padding='valid'``: no padding, floor (the same as
                   ``'pytorch'`` with ``P = 0``)
``'keras_same'``   ``padding='same'``: output ``ceil(n / S)`` at any stride; the
                   padding needed is split with the odd cell at the bottom/right
``'cs231n'``       the strict formula ``(W - F + 2P)/S + 1``, which must be a
                   whole number; its dilation counts the *gaps* (0 = contiguous)
=================  ===========================================================

Layouts: PyTorch (and this course) stores images channels first, ``(N, C, H,
W)``, with kernels ``(C_out, C_in, KH, KW)``; Keras and TensorFlow default to
channels last, ``(N, H, W, C)`` with kernels ``(KH, KW, C_in, C_out)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..validation import check_int
from .geometry import conv_output_size, effective_kernel_size

__all__ = [
    "ArrayShapes",
    "CONVENTIONS",
    "Convention",
    "array_shapes",
    "convention_padding",
    "framework_output_size",
]


@dataclass(frozen=True)
class Convention:
    """One framework's way of writing a convolution's settings.

    Attributes
    ----------
    name : str
        The key :func:`framework_output_size` takes.
    framework : str
        Who uses it, and with which argument.
    rounding : str
        What happens when the windows do not tile the input.
    padding : str
        Where the padding goes.
    dilation : str
        How a contiguous kernel's dilation is written.
    layout : str
        Image and kernel layout, ``'NCHW'`` or ``'NHWC'``.
    """

    name: str
    framework: str
    rounding: str
    padding: str
    dilation: str
    layout: str


#: The five conventions, in the order the notebooks show them.
CONVENTIONS = (
    Convention("pytorch", "PyTorch nn.Conv2d / nn.MaxPool2d", "floor: leftover cells dropped",
               "P on each side, as given", "1 = contiguous", "NCHW"),
    Convention("pytorch_ceil", "PyTorch pooling, ceil_mode=True",
               "ceil, but no window may start in the right padding",
               "P on each side, as given", "1 = contiguous", "NCHW"),
    Convention("keras_valid", "Keras / TensorFlow padding='valid'", "floor: leftover cells dropped",
               "none", "1 = contiguous", "NHWC"),
    Convention("keras_same", "Keras / TensorFlow padding='same'", "ceil(n / S) at any stride",
               "as needed; odd cell at the bottom/right", "1 = contiguous", "NHWC"),
    Convention("cs231n", "cs231n notes", "strict: must be a whole number, else invalid",
               "P on each side, as given", "0 = contiguous (counts the gaps)", "either"),
)
_BY_NAME = {convention.name: convention for convention in CONVENTIONS}


def _check_convention(convention: object) -> str:
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(convention, str):
        raise TypeError(
            f"convention must be a string, one of {sorted(_BY_NAME)}, "
            f"got {type(convention).__name__}"
        )
    if convention not in _BY_NAME:
        raise ValueError(f"convention must be one of {sorted(_BY_NAME)}, got {convention!r}")
    return convention


def _framework_dilation(dilation: object, convention: str) -> int:
    """The dilation in PyTorch's numbering (1 = contiguous)."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if dilation is None:
        return 1
    if convention == "cs231n":
        # cs231n counts the gaps between taps: its "dilation 0" is everyone else's 1.
        return check_int(dilation, "dilation (cs231n's numbering: 0 = contiguous)", minimum=0) + 1
    return check_int(dilation, "dilation (1 = contiguous)", minimum=1)


def convention_padding(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int | None = None,
    *,
    convention: str = "pytorch",
) -> tuple[int, int]:
    """The padding a convention puts before and after the input, along one dimension.

    Parameters
    ----------
    size : int
        Input length ``n >= 1``.
    kernel_size : int
        ``K >= 1``.
    stride : int
        ``S >= 1``.
    padding : int
        ``P >= 0`` cells on each side, for ``'pytorch'``, ``'pytorch_ceil'``
        and ``'cs231n'``; the Keras conventions take their padding from
        their name and need ``padding=0``.
    dilation : int or None
        None for a contiguous kernel; otherwise in the convention's own
        numbering (cs231n: 0 = contiguous; the frameworks: 1 = contiguous).
    convention : str
        One of ``CONVENTIONS``' names.

    Returns
    -------
    (int, int)
        Cells before (top/left) and after (bottom/right) the input. For
        ``'pytorch_ceil'`` the cells after include the ``S - 1`` cells of
        room that rounding up gives a last, partial window; a framework
        reads them as padding (for max pooling, as minus infinity).

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range argument, an unknown convention,
        or a padding given to a Keras convention.

    Examples
    --------
    >>> convention_padding(5, 3, 2, convention="keras_same")
    (1, 1)
    >>> convention_padding(6, 3, 2, convention="keras_same")
    (0, 1)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    convention = _check_convention(convention)
    size = check_int(size, "size", minimum=1)
    kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
    stride = check_int(stride, "stride", minimum=1)
    padding = check_int(padding, "padding", minimum=0)
    dilation = _framework_dilation(dilation, convention)
    span = effective_kernel_size(kernel_size, dilation)
    if convention.startswith("keras"):
        if padding:
            raise ValueError(
                f"padding must be 0 with convention={convention!r}: Keras and TensorFlow "
                f"take their padding from the name ('valid' or 'same'), got padding={padding}"
            )
        if convention == "keras_valid":
            return (0, 0)
        # TensorFlow: out = ceil(n / S); pad just enough for it, the odd cell at the end.
        wanted = math.ceil(size / stride)
        total = max((wanted - 1) * stride + span - size, 0)
        return (total // 2, total - total // 2)
    if convention == "pytorch_ceil":
        floor_size = conv_output_size(size, kernel_size, padding, stride, dilation, strict=False)
        ceil_room = ((padding, padding + stride - 1), (0, 0))
        ceil_size = conv_output_size((size, 1), (kernel_size, 1), ceil_room, (stride, 1),
                                     (dilation, 1), strict=False)[0]
        # PyTorch drops a last window that would start in the right-hand padding.
        if ceil_size > floor_size and (ceil_size - 1) * stride >= size + padding:
            ceil_size -= 1
        needed = max((ceil_size - 1) * stride + span - (size + 2 * padding), 0)
        return (padding, padding + needed)
    return (padding, padding)


def framework_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int | None = None,
    *,
    convention: str = "pytorch",
) -> int:
    """Output size of a convolution or pooling layer under one framework's rule.

    The padding comes from :func:`convention_padding`; the size itself from
    :func:`course_utils.conv_output_size`, the course's one size rule.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation, convention
        As in :func:`convention_padding` (one dimension, ints).

    Returns
    -------
    int
        The output length.

    Raises
    ------
    TypeError, ValueError
        As :func:`convention_padding`; for ``'cs231n'`` also a ``ValueError``
        when ``(W - F + 2P)/S + 1`` is not a whole number, with the
        arithmetic; for every convention when not even one window fits.

    Examples
    --------
    >>> framework_output_size(224, 11, 4, convention="pytorch")
    54
    >>> framework_output_size(224, 11, 4, convention="keras_same")
    56
    >>> framework_output_size(227, 11, 4, convention="cs231n")
    55
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    before, after = convention_padding(size, kernel_size, stride, padding, dilation,
                                       convention=convention)
    dilation = _framework_dilation(dilation, convention)
    strict = convention == "cs231n"
    if before == after:
        return conv_output_size(size, kernel_size, before, stride, dilation, strict=strict)
    # uneven padding is given per side, which conv_output_size takes for two dimensions
    return conv_output_size((size, 1), (kernel_size, 1), ((before, after), (0, 0)), (stride, 1),
                            (dilation, 1), strict=strict)[0]


@dataclass(frozen=True)
class ArrayShapes:
    """The shapes of a convolution's arrays in one layout.

    Attributes
    ----------
    layout : str
        ``'NCHW'`` (PyTorch, this course) or ``'NHWC'`` (Keras/TensorFlow).
    input, kernel, output : tuple of int
        ``(N, C_in, H, W)``, ``(C_out, C_in, K, K)``, ``(N, C_out, H_out, W_out)``
        for NCHW; ``(N, H, W, C_in)``, ``(K, K, C_in, C_out)``,
        ``(N, H_out, W_out, C_out)`` for NHWC.
    """

    layout: str
    input: tuple[int, ...]
    kernel: tuple[int, ...]
    output: tuple[int, ...]


def array_shapes(
    batch: int,
    in_channels: int,
    size: int,
    out_channels: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    *,
    convention: str = "pytorch",
) -> ArrayShapes:
    """The input, kernel and output shapes of a square convolution in a convention's layout.

    Parameters
    ----------
    batch, in_channels, size, out_channels, kernel_size : int
        ``N``, ``C_in``, the input's height and width, ``C_out``, ``K``; all at least 1.
    stride, padding : int
        As in :func:`framework_output_size`.
    convention : str
        ``'pytorch'`` or ``'pytorch_ceil'`` give NCHW; ``'keras_valid'`` or
        ``'keras_same'`` give NHWC. (``'cs231n'`` is refused: its notes use
        both layouts.)

    Returns
    -------
    ArrayShapes

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range argument, or a convention without a layout.

    Examples
    --------
    >>> array_shapes(8, 3, 227, 96, 11, 4, convention="keras_valid").kernel
    (11, 11, 3, 96)
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    convention = _check_convention(convention)
    if convention == "cs231n":
        raise ValueError(
            "convention must be 'pytorch', 'pytorch_ceil', 'keras_valid' or 'keras_same' here, "
            "got 'cs231n': its notes use both layouts"
        )
    batch = check_int(batch, "batch", minimum=1)
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    out = framework_output_size(size, kernel_size, stride, padding, convention=convention)
    if _BY_NAME[convention].layout == "NCHW":
        return ArrayShapes("NCHW", (batch, in_channels, size, size),
                           (out_channels, in_channels, kernel_size, kernel_size),
                           (batch, out_channels, out, out))
    return ArrayShapes("NHWC", (batch, size, size, in_channels),
                       (kernel_size, kernel_size, in_channels, out_channels),
                       (batch, out, out, out_channels))
