"""Checkers for the Try-it exercises of notebook 04 (locally connected layers for faces).

Like the other checkers, each prints one verdict and never raises; every right
answer is computed with ``course_utils.counting``.
"""

from __future__ import annotations

from ..conv.counting import conv_params, locally_connected_macs, locally_connected_params
from ..conv.geometry import conv_output_size
from .verdict import _add_hint, _count_verdict, _print_feedback

__all__ = ["check_bigger_faces_weights", "check_local_macs", "check_local_params"]

#: The locally connected layer of notebook 04: 4 filters of 5x5 on 25x25 grey faces.
LOCAL_LAYER_EXERCISE = {"size": 25, "in_channels": 1, "filters": 4, "kernel_size": 5}


def _local_layer(size: int | None = None) -> tuple[int, int, int, int, int]:
    e = LOCAL_LAYER_EXERCISE
    size = e["size"] if size is None else size
    out = conv_output_size(size, e["kernel_size"])
    return size, out, e["in_channels"], e["filters"], e["kernel_size"]


@_print_feedback
def check_local_params(answer: object) -> str:
    """Exercise 1: parameters, biases included, of the notebook's locally connected layer."""
    size, out, c, f, k = _local_layer()
    expected = locally_connected_params(c, f, k, out)
    hints: dict[int, str] = {}
    _add_hint(hints, locally_connected_params(c, f, k, out, bias=False),
              "those are the weights; every position has its own bias for each filter too.")
    _add_hint(hints, locally_connected_params(c, f, k, size),
              f"the output is {out}x{out}, not {size}x{size}: a {k}x{k} window fits "
              f"{out} times across {size} pixels without padding.")
    _add_hint(hints, conv_params(c, f, k), "that is the convolution of the same shape; the "
              "locally connected layer has a filter for every output position.")
    _add_hint(hints, expected + (f * out * out) * 2 + 2,
              "that is the whole model, readout included; the question asks for the locally "
              "connected layer alone.")
    _add_hint(hints, f * out * out, "that is the number of neurons (outputs); each has "
              f"{k}x{k}x{c} weights and a bias.")
    return _count_verdict(
        answer, expected, hints,
        f"{out}x{out} positions x {f} filters x ({k}x{k}x{c} + 1) = {expected:,}.")


@_print_feedback
def check_local_macs(answer: object) -> str:
    """Exercise 2: multiply-adds per image of the same layer."""
    size, out, c, f, k = _local_layer()
    expected = locally_connected_macs(c, f, k, out)
    hints: dict[int, str] = {}
    _add_hint(hints, locally_connected_params(c, f, k, out),
              "that is the parameter count; count the products each output sums instead "
              "(biases are added, not multiplied).")
    _add_hint(hints, conv_params(c, f, k, bias=False),
              "that is one product per weight of a convolution; every output position does "
              "its own products.")
    _add_hint(hints, f * out * out, "that is the number of outputs; each is a sum of "
              f"{k}x{k}x{c} products.")
    return _count_verdict(
        answer, expected, hints,
        f"{out}x{out}x{f} outputs, each a sum of {k}x{k}x{c} products = {expected:,}: the same "
        "as the convolution. In this layer every weight is used exactly once per image, so "
        "its multiply-adds equal its weights; a convolution uses each weight at every "
        "position.")


#: Exercise 3: the same layer on faces of this size.
BIGGER_FACES = 50


@_print_feedback
def check_bigger_faces_weights(answer: object) -> str:
    """Exercise 3: weights (no biases) of the locally connected layer on 50x50 faces."""
    size, out, c, f, k = _local_layer(BIGGER_FACES)
    expected = locally_connected_params(c, f, k, out, bias=False)
    _, small_out, *_ = _local_layer()
    hints: dict[int, str] = {}
    _add_hint(hints, locally_connected_params(c, f, k, out),
              "that counts the biases too; the question asks for weights only.")
    _add_hint(hints, 4 * locally_connected_params(c, f, k, small_out, bias=False),
              f"not quite four times the 25x25 count: the output is {size} - {k} + 1 = {out} "
              f"wide, not 2 x {small_out}.")
    _add_hint(hints, locally_connected_params(c, f, k, size, bias=False),
              f"the output is {out}x{out}, not {size}x{size}.")
    _add_hint(hints, conv_params(c, f, k, bias=False),
              "that is the convolution, whose weights do not grow with the image.")
    return _count_verdict(
        answer, expected, hints,
        f"{out}x{out} positions x {f} filters x {k}x{k}x{c} = {expected:,} weights.")
