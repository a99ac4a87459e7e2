"""Parameter counts, multiply-adds and memory of layers, from their shapes.

A convolution's weight array has shape ``(C_out, C_in / groups, KH, KW)``
and its bias ``(C_out,)``: these functions count their elements without
allocating them. A convolution's parameters do not depend on the image
size; its multiply-adds do. A locally connected layer has one filter per
output position, so its parameters grow with the output size too.
"""

from __future__ import annotations

import numpy as np

from ..validation import IntOrPair, check_bool, check_groups, check_int, check_int_or_pair

__all__ = [
    "conv_macs",
    "conv_params",
    "dense_macs",
    "dense_params",
    "depthwise_separable_params",
    "format_bytes",
    "locally_connected_macs",
    "locally_connected_params",
    "memory_bytes",
]


def dense_params(in_features: int, out_features: int, *, bias: bool = True) -> int:
    """Parameters of a fully connected layer.

    Parameters
    ----------
    in_features : int
        Inputs per example (``H * W * C`` for a flattened image).
    out_features : int
        Output neurons.
    bias : bool
        Count one bias per output neuron.

    Returns
    -------
    int
        ``in_features * out_features`` weights, plus ``out_features`` biases.

    Examples
    --------
    >>> dense_params(32 * 32 * 3, 1000, bias=False)
    3072000
    """
    in_features = check_int(in_features, "in_features", minimum=1)
    out_features = check_int(out_features, "out_features", minimum=1)
    bias = check_bool(bias, "bias")
    return in_features * out_features + (out_features if bias else 0)


def conv_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrPair,
    *,
    groups: int = 1,
    bias: bool = True,
) -> int:
    """Parameters of a 2-D convolution layer.

    Each of the ``out_channels`` filters spans the kernel window and the
    ``in_channels / groups`` input channels of its group.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels in and out; both must be divisible by ``groups``.
    kernel_size : int or (int, int)
        ``K`` or ``(KH, KW)``.
    groups : int
        Number of channel groups (1 = an ordinary convolution).
    bias : bool
        Count one bias per filter.

    Returns
    -------
    int
        ``KH * KW * (in_channels / groups) * out_channels`` weights, plus
        ``out_channels`` biases.

    Examples
    --------
    >>> conv_params(3, 64, 3, bias=False)
    1728
    >>> conv_params(3, 96, 11)
    34944
    """
    in_channels = check_int(in_channels, "in_channels", minimum=1)
    out_channels = check_int(out_channels, "out_channels", minimum=1)
    kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    groups = check_groups(groups, in_channels, out_channels)
    bias = check_bool(bias, "bias")
    weights = kh * kw * (in_channels // groups) * out_channels
    return weights + (out_channels if bias else 0)


def _check_channels(in_channels: object, out_channels: object) -> tuple[int, int]:
    return (
        check_int(in_channels, "in_channels", minimum=1),
        check_int(out_channels, "out_channels", minimum=1),
    )


def locally_connected_params(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrPair,
    output_size: IntOrPair,
    *,
    bias: bool = True,
) -> int:
    """Parameters of a locally connected layer: a convolution without sharing.

    Every output position has its own filters, so the weight array has
    shape ``(C_out, H_out, W_out, C_in, KH, KW)`` and the bias
    ``(C_out, H_out, W_out)``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    output_size : int or (int, int)
        ``H_out`` and ``W_out``, e.g. from :func:`course_utils.conv_output_size`.
    bias : bool
        Count one bias per filter per position.

    Returns
    -------
    int
        ``H_out * W_out`` times :func:`conv_params` of the same layer.

    Examples
    --------
    >>> locally_connected_params(3, 64, 3, (30, 30))
    1612800
    """
    in_channels, out_channels = _check_channels(in_channels, out_channels)
    kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    oh, ow = check_int_or_pair(output_size, "output_size", minimum=1)
    bias = check_bool(bias, "bias")
    per_position = kh * kw * in_channels * out_channels + (out_channels if bias else 0)
    return oh * ow * per_position


def depthwise_separable_params(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, *, bias: bool = True
) -> int:
    """Parameters of a depthwise-separable convolution.

    A depthwise ``K x K`` convolution with one filter per input channel
    (``groups = C_in``), then a pointwise ``1 x 1`` convolution that mixes
    the channels, as in MobileNet.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    bias : bool
        Count a bias in both parts (``C_in + C_out``), as PyTorch layers do.

    Returns
    -------
    int
        ``KH * KW * C_in + C_in * C_out`` weights, plus biases.

    Examples
    --------
    >>> depthwise_separable_params(32, 64, 3, bias=False)
    2336
    """
    in_channels, out_channels = _check_channels(in_channels, out_channels)
    kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    bias = check_bool(bias, "bias")
    weights = kh * kw * in_channels + in_channels * out_channels
    return weights + ((in_channels + out_channels) if bias else 0)


def conv_macs(
    in_channels: int,
    out_channels: int,
    kernel_size: IntOrPair,
    output_size: IntOrPair,
    *,
    groups: int = 1,
) -> int:
    """Multiply-adds of a 2-D convolution for one image.

    Each of the ``H_out * W_out * C_out`` outputs is a sum of
    ``KH * KW * C_in / groups`` products. A locally connected layer of the
    same geometry does exactly as many (:func:`locally_connected_macs`).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    output_size : int or (int, int)
    groups : int

    Returns
    -------
    int

    Examples
    --------
    >>> conv_macs(3, 96, 11, 55)  # AlexNet conv1
    105415200
    """
    in_channels, out_channels = _check_channels(in_channels, out_channels)
    kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
    oh, ow = check_int_or_pair(output_size, "output_size", minimum=1)
    groups = check_groups(groups, in_channels, out_channels)
    return oh * ow * out_channels * kh * kw * (in_channels // groups)


def locally_connected_macs(
    in_channels: int, out_channels: int, kernel_size: IntOrPair, output_size: IntOrPair
) -> int:
    """Multiply-adds of a locally connected layer for one image: those of the convolution.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size, output_size : int or (int, int)

    Returns
    -------
    int
    """
    return conv_macs(in_channels, out_channels, kernel_size, output_size)


def dense_macs(in_features: int, out_features: int) -> int:
    """Multiply-adds of a fully connected layer for one example: one per weight.

    Parameters
    ----------
    in_features, out_features : int

    Returns
    -------
    int
    """
    in_features = check_int(in_features, "in_features", minimum=1)
    out_features = check_int(out_features, "out_features", minimum=1)
    return in_features * out_features


def memory_bytes(count: int, dtype: str = "float32") -> int:
    """Bytes that ``count`` numbers of ``dtype`` occupy, without allocating them.

    Parameters
    ----------
    count : int
        Number of elements, e.g. a parameter count.
    dtype : str
        A numpy dtype name: ``"float32"`` (4 bytes), ``"float64"`` (8),
        ``"float16"`` (2), ...

    Returns
    -------
    int

    Examples
    --------
    >>> memory_bytes(34_944)
    139776
    """
    count = check_int(count, "count", minimum=0)
    allowed = "a numpy dtype name such as 'float32' or 'float64'"
    if dtype is None:  # np.dtype(None) would silently mean float64
        raise TypeError(f"dtype must be {allowed}, got None")
    try:
        itemsize = np.dtype(dtype).itemsize
    except TypeError:
        if isinstance(dtype, str):  # text, but not a dtype numpy knows
            raise ValueError(f"dtype must be {allowed}, got {dtype!r}") from None
        raise TypeError(f"dtype must be {allowed}, got {dtype!r}") from None
    return count * itemsize


def format_bytes(count: int) -> str:
    """A byte count in decimal units, rounded to three digits: ``423 MB``, ``140 KB``.

    The units are powers of 1,000 (1 KB = 1,000 bytes), as disk and memory
    sizes are usually quoted in papers and course notes.

    Parameters
    ----------
    count : int
        Bytes, e.g. from :func:`memory_bytes`.

    Returns
    -------
    str

    Examples
    --------
    >>> format_bytes(139_776)
    '140 KB'
    """
    count = check_int(count, "count", minimum=0)
    units = (("KB", 10**3), ("MB", 10**6), ("GB", 10**9), ("TB", 10**12))
    if count < 1000:
        return f"{count} bytes"
    text = ""
    for unit, size in units:
        value = count / size
        # three significant digits: 423 MB, 44.9 GB, 1.50 KB
        digits = 0 if value >= 99.95 else 1 if value >= 9.995 else 2
        text = f"{value:.{digits}f} {unit}"
        if float(text.split()[0]) < 1000:
            break  # 999,999 bytes round to "1.00 MB", not "1000 KB"
    return text
