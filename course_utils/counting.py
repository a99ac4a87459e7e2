"""Parameter counts of layers, computed from their shapes.

A convolution's weight array has shape ``(C_out, C_in / groups, KH, KW)``
and its bias ``(C_out,)``: these functions count their elements without
allocating them. They do not depend on the image size.
"""

from __future__ import annotations

from .validation import IntOrPair, check_bool, check_int, check_int_or_pair


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
    groups = check_int(groups, "groups", minimum=1)
    bias = check_bool(bias, "bias")
    for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % groups != 0:
            raise ValueError(
                f"{name} must be divisible by groups: {name}={channels}, groups={groups}"
            )
    weights = kh * kw * (in_channels // groups) * out_channels
    return weights + (out_channels if bias else 0)
