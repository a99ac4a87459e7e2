"""Checkers for the Try-it exercises of notebook 05 (MNIST counts).

Like the other checkers, each prints one verdict and never raises; every right
answer is computed with ``course_utils.counting`` and ``conv_output_size``.
"""

from __future__ import annotations

from .counting import conv_params, dense_params
from .exercises import _add_hint, _count_verdict, _print_feedback
from .geometry import conv_output_size

#: Exercise 1: a second convolution on the 32 channels of the first.
SECOND_CONV_EXERCISE = {"in_channels": 32, "filters": 64, "kernel_size": 3}


@_print_feedback
def check_second_conv_params(answer: object) -> str:
    """Exercise 1: parameters of a conv layer of 64 filters of 3x3 on 32 channels."""
    e = SECOND_CONV_EXERCISE
    c, f, k = e["in_channels"], e["filters"], e["kernel_size"]
    expected = conv_params(c, f, k)
    hints: dict[int, str] = {}
    _add_hint(hints, conv_params(c, f, k, bias=False),
              "those are the weights; each of the filters has a bias too.")
    _add_hint(hints, conv_params(1, f, k), f"each filter is as deep as its input: {c} "
              "channels, not 1.")
    _add_hint(hints, conv_params(1, f, k, bias=False), f"each filter is {k}x{k}x{c}, as deep "
              "as its input, and has a bias.")
    _add_hint(hints, k * k * c + 1, f"that is one filter; the layer has {f} of them.")
    _add_hint(hints, conv_params(c, f, k) * 14 * 14, "a convolution's parameters do not "
              "depend on the image size: every position uses the same filters.")
    return _count_verdict(
        answer, expected, hints,
        f"{f} filters x ({k}x{k}x{c} weights + 1 bias) = {expected:,}. Forty times the first "
        "conv layer's 320, and still tiny next to the dense layer.")


#: Exercise 2: the model of the notebook with 'valid' padding instead of 'same'.
VALID_PADDING_EXERCISE = {"size": 28, "kernel_size": 3, "filters": 32, "pool": 2, "hidden": 128}


def _dense_after_conv(padding: int | str) -> tuple[int, int, int]:
    """Side after the conv, side after pooling, and the first dense layer's parameters."""
    e = VALID_PADDING_EXERCISE
    conv_side = conv_output_size(e["size"], e["kernel_size"], padding)
    pooled = conv_side // e["pool"]
    return conv_side, pooled, dense_params(pooled * pooled * e["filters"], e["hidden"])


@_print_feedback
def check_valid_dense_params(answer: object) -> str:
    """Exercise 2: parameters of the first dense layer when the conv uses 'valid' padding."""
    e = VALID_PADDING_EXERCISE
    conv_side, pooled, expected = _dense_after_conv("valid")
    _, same_pooled, same_expected = _dense_after_conv("same")
    f, hidden = e["filters"], e["hidden"]
    hints: dict[int, str] = {}
    _add_hint(hints, expected - hidden, "those are the weights; the 128 neurons have a bias "
              "each.")
    _add_hint(hints, same_expected, f"that is the count with 'same' padding ({same_pooled}x"
              f"{same_pooled} after pooling); without padding the conv output shrinks first.")
    _add_hint(hints, same_expected - hidden, "that is the source's weights-only count, with "
              "'same' padding.")
    _add_hint(hints, dense_params(conv_side * conv_side * f, hidden), "the 2x2 max pooling "
              f"halves the {conv_side}x{conv_side} maps before the dense layer.")
    _add_hint(hints, dense_params(pooled * pooled, hidden), f"the flattened input has all "
              f"{f} channels: {pooled}x{pooled}x{f} values.")
    _add_hint(hints, same_expected - expected, "that is the difference from the 'same' model; "
              "the question asks for the layer's own count.")
    return _count_verdict(
        answer, expected, hints,
        f"{e['size']} - {e['kernel_size']} + 1 = {conv_side}, pooled to {pooled}; "
        f"{pooled}x{pooled}x{f} = {pooled * pooled * f:,} inputs x {hidden} + {hidden} biases "
        f"= {expected:,}: {same_expected - expected:,} fewer than with 'same' padding, a change "
        "made by two pixels of border.")


#: Exercise 3: a grouped 3x3 convolution as in ResNeXt (32 groups of 4 channels).
GROUPED_CONV_EXERCISE = {"in_channels": 128, "filters": 128, "kernel_size": 3, "groups": 32}


@_print_feedback
def check_resnext_params(answer: object) -> str:
    """Exercise 3: parameters of a 3x3 conv, 128 -> 128 channels, in 32 groups."""
    e = GROUPED_CONV_EXERCISE
    c, f, k, g = e["in_channels"], e["filters"], e["kernel_size"], e["groups"]
    expected = conv_params(c, f, k, groups=g)
    hints: dict[int, str] = {}
    _add_hint(hints, conv_params(c, f, k, groups=g, bias=False),
              "those are the weights; each of the filters still has one bias.")
    _add_hint(hints, conv_params(c, f, k), f"that is the ungrouped layer; with {g} groups "
              f"each filter sees only {c} / {g} = {c // g} channels.")
    _add_hint(hints, conv_params(c, f // g, k, bias=True), "that is one group's filters if "
              "they saw every channel; in a grouped conv each filter is only "
              f"{c // g} channels deep, and there are {f} filters in all.")
    _add_hint(hints, conv_params(c // g, f // g, k), f"that is one group; there are {g}.")
    _add_hint(hints, k * k * (c // g) * f // g + f,
              "the groups divide the filter depth once, not twice.")
    return _count_verdict(
        answer, expected, hints,
        f"{f} filters x ({k}x{k}x{c // g} weights + 1 bias) = {expected:,}: {g} times fewer "
        f"weights than the full {conv_params(c, f, k, bias=False):,}, for the same output "
        "shape.")
