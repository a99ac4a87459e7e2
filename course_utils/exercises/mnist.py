"""Checkers for the Try-it exercises of notebook 05 (MNIST counts), in the notebook's order.

Like the other checkers, each prints one verdict and never raises on a
learner's answer; every right answer is computed with ``course_utils.conv.counting``
and ``conv_output_size``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from ..conv.counting import conv_params, dense_params
from ..conv.geometry import conv_output_size
from ..nn.specs import ConvSpec, DenseSpec, FlattenSpec, LayerSpec, MaxPoolSpec, ReLUSpec
from ..nn.summary import summarize
from .verdict import add_hint, checker, count_verdict, read_whole_number
from .write_it import Case, Mistake, WriteIt, write_it_checker

__all__ = ["check_count_model", "check_resnext_params", "check_second_conv_params",
           "check_valid_dense_params"]

#: Exercise 1: the model of the notebook with 'valid' padding instead of 'same'.
VALID_PADDING_EXERCISE = {"size": 28, "kernel_size": 3, "filters": 32, "pool": 2, "hidden": 128,
                          "classes": 10}


def _dense_after_conv(padding: int | str) -> tuple[int, int, int]:
    """Side after the conv, side after pooling, and the first dense layer's parameters."""
    e = VALID_PADDING_EXERCISE
    conv_side = conv_output_size(e["size"], e["kernel_size"], padding)
    pooled = conv_side // e["pool"]
    return conv_side, pooled, dense_params(pooled * pooled * e["filters"], e["hidden"])


@checker(read=read_whole_number)
def check_valid_dense_params(value: int) -> str:
    """Exercise 1: parameters of the first dense layer when the conv uses 'valid' padding."""
    e = VALID_PADDING_EXERCISE
    size, k, f, hidden = e["size"], e["kernel_size"], e["filters"], e["hidden"]
    conv_side, pooled, expected = _dense_after_conv("valid")
    _, same_pooled, same_expected = _dense_after_conv("same")
    conv = conv_params(1, f, k)
    readout = dense_params(hidden, e["classes"])
    hints: dict[int, str] = {}
    add_hint(hints, expected - hidden, "those are the weights; the 128 neurons have a bias "
              "each.")
    add_hint(hints, same_expected, f"that is the count with 'same' padding ({same_pooled}x"
              f"{same_pooled} after pooling); without padding the conv output shrinks first.")
    add_hint(hints, same_expected - hidden, "that is the text's weights-only count, with "
              "'same' padding.")
    add_hint(hints, dense_params(conv_side * conv_side * f, hidden), "the 2x2 max pooling "
              f"halves the {conv_side}x{conv_side} maps before the dense layer.")
    add_hint(hints, dense_params(pooled * pooled, hidden), f"the flattened input has all "
              f"{f} channels: {pooled}x{pooled}x{f} values.")
    add_hint(hints, pooled * pooled * f, f"that is the number of inputs to the dense layer; "
              f"each of its {hidden} neurons has a weight for every one of them, and a bias.")
    add_hint(hints, same_expected - expected, "that is the difference from the 'same' model; "
              "the question asks for the layer's own count.")
    add_hint(hints, expected + conv + readout, "that is the whole model; the question asks "
              "for the first dense layer alone.")
    add_hint(hints, expected - hidden + conv - f + readout - e["classes"], "that is the "
              "whole model's weights; the question asks for the first dense layer, biases "
              "included.")
    short = (size - k) // 2  # forgot the + 1 of the output-size rule
    add_hint(hints, dense_params(short * short * f, hidden), f"the conv output is {size} - "
              f"{k} + 1 = {conv_side} wide: the rule ends with + 1.")
    return count_verdict(
        value, expected, hints,
        f"{size} - {k} + 1 = {conv_side}, pooled to {pooled}; {pooled}x{pooled}x{f} = "
        f"{pooled * pooled * f:,} inputs x {hidden} + {hidden} biases = {expected:,}: "
        f"{same_expected - expected:,} fewer than with 'same' padding, the price of one ring "
        "of zeros.",
        fallback=f"work out the conv output size without padding ({size} - {k} + 1), halve "
                 f"it for the pooling, then count the dense layer's inputs (all {f} channels) "
                 f"x {hidden} neurons, plus one bias per neuron.")


#: Exercise 2: a second convolution on the 32 channels of the first.
SECOND_CONV_EXERCISE = {"in_channels": 32, "filters": 64, "kernel_size": 3}


@checker(read=read_whole_number)
def check_second_conv_params(value: int) -> str:
    """Exercise 2: parameters of a conv layer of 64 filters of 3x3 on 32 channels."""
    e = SECOND_CONV_EXERCISE
    c, f, k = e["in_channels"], e["filters"], e["kernel_size"]
    expected = conv_params(c, f, k)
    first = conv_params(1, c, k)
    hints: dict[int, str] = {}
    add_hint(hints, conv_params(c, f, k, bias=False),
              "those are the weights; each of the filters has a bias too.")
    add_hint(hints, conv_params(1, f, k), f"each filter is as deep as its input: {c} "
              "channels, not 1.")
    add_hint(hints, conv_params(1, f, k, bias=False), f"each filter is {k}x{k}x{c}, as deep "
              "as its input, and has a bias.")
    add_hint(hints, k * k * c + 1, f"that is one filter; the layer has {f} of them.")
    add_hint(hints, conv_params(c, f, k, bias=False) + c, "a bias belongs to each filter "
              f"(each output channel, {f}), not to each input channel.")
    add_hint(hints, expected + first, "that adds the first conv layer; the question asks for "
              "the second alone.")
    add_hint(hints, conv_params(c, f, 1), f"each filter is {k}x{k} across, and {c} deep.")
    for side in (14, 24, 26, 28):
        add_hint(hints, expected * side * side, "a convolution's parameters do not depend "
                  "on the image size: every position uses the same filters.")
    dense = dense_params(14 * 14 * c, 128)  # the text's first dense layer
    return count_verdict(
        value, expected, hints,
        f"{f} filters x ({k}x{k}x{c} weights + 1 bias) = {expected:,}: about "
        f"{round(expected / first)} times the first conv layer's {first}, yet the text's "
        f"first dense layer ({dense:,}) is still {round(dense / expected)} times bigger.")


#: Exercise 3: a grouped 3x3 convolution as in ResNeXt (32 groups of 4 channels).
GROUPED_CONV_EXERCISE = {"in_channels": 128, "filters": 128, "kernel_size": 3, "groups": 32}


@checker(read=read_whole_number)
def check_resnext_params(value: int) -> str:
    """Exercise 3: parameters of a 3x3 conv, 128 -> 128 channels, in 32 groups, one bias each."""
    e = GROUPED_CONV_EXERCISE
    c, f, k, g = e["in_channels"], e["filters"], e["kernel_size"], e["groups"]
    expected = conv_params(c, f, k, groups=g)
    weights = conv_params(c, f, k, groups=g, bias=False)
    hints: dict[int, str] = {}
    add_hint(hints, weights, "those are the weights; the exercise counts one bias per filter "
              "too.")
    add_hint(hints, conv_params(c, f, k), f"that is the ungrouped layer; with {g} groups "
              f"each filter sees only {c} / {g} = {c // g} channels.")
    add_hint(hints, conv_params(c, f, k, bias=False), f"those are the weights of the "
              f"ungrouped layer; with {g} groups each filter is {c // g} channels deep.")
    add_hint(hints, conv_params(c, f, k) // g, f"close, but the biases are not divided by "
              f"{g}: each of the {f} filters keeps one.")
    add_hint(hints, conv_params(c // g, f // g, k), f"that is one group; there are {g}.")
    add_hint(hints, k * k * (c // g) * f // g + f,
              "the groups divide the filter depth once, not twice.")
    add_hint(hints, k * k * g * f + f, f"each filter is {c} / {g} = {c // g} channels deep: "
              f"{g} is the number of groups, not the depth.")
    add_hint(hints, weights + g, f"one bias per filter ({f}), not per group.")
    return count_verdict(
        value, expected, hints,
        f"{f} filters x ({k}x{k}x{c // g} weights + 1 bias) = {expected:,}: {g} times fewer "
        f"weights than the full {conv_params(c, f, k, bias=False):,}, for the same output "
        f"shape. (ResNeXt itself has no biases here, because batch normalisation follows: "
        f"{weights:,}.)",
        fallback=f"count one filter: {k}x{k} across and {c} / {g} channels deep; then "
                 f"multiply by the {f} filters and add one bias per filter.")


# --------------------------------------------------------------------------
# Write it: count_model(layers, input_shape) -> (parameters, multiply_adds)
# --------------------------------------------------------------------------


def count_model_solution(layers: list[LayerSpec], input_shape: tuple[int, int, int]
                         ) -> tuple[int, int]:
    """The right answer, from :func:`course_utils.summarize`."""
    summary = summarize(layers, input_shape)
    return summary.parameters, summary.multiply_adds


#: How a wrong counter may size a convolution's output: the rule (floor), and three slips.
SIZE_RULES = ("floor", "ceil", "one side", "no + 1")


def _slipped_size(n: int, k: int, padding: int, stride: int, rule: str) -> int:
    """One side of a conv output, by the right rule or by one of its slips."""
    if rule == "ceil":
        return -(-(n + 2 * padding - k) // stride) + 1
    if rule == "one side":
        return (n + padding - k) // stride + 1
    if rule == "no + 1":
        return (n + 2 * padding - k) // stride
    return conv_output_size(n, k, padding, stride, strict=False)


def _conv_padding(layer: ConvSpec, n: int) -> int:
    """The padding per side a conv layer adds ('same' at stride 1 is (K - 1) / 2)."""
    padding = layer.padding
    if padding == "same":
        return (layer.kernel_size - 1) // 2
    if padding == "valid":
        return 0
    return int(padding)


def _walk(layers: list[LayerSpec], input_shape: tuple[int, int, int], *, bias: bool = True,
          depth: bool = True, positions: bool = True, pooling: bool = True,
          padding: bool = True, per_position: bool = False,
          size_rule: str = "floor") -> tuple[int, int]:
    """Count the layers with slips switched on (the defaults give the right count)."""
    shape: tuple[int, ...] = tuple(input_shape)
    parameters = macs = 0
    for layer in layers:
        if isinstance(layer, ConvSpec):
            channels, h, w = shape
            k = layer.kernel_size
            pad = _conv_padding(layer, h) if padding else 0
            side = (_slipped_size(h, k, pad, layer.stride, size_rule),
                    _slipped_size(w, k, pad, layer.stride, size_rule))
            weights = k * k * (channels if depth else 1) * layer.out_channels
            biases = layer.out_channels if (layer.bias and bias) else 0
            where = side[0] * side[1]
            parameters += (weights + biases) * (where if per_position else 1)
            macs += weights * (where if positions else 1)
            shape = (layer.out_channels, *side)
        elif isinstance(layer, MaxPoolSpec):
            if pooling:
                size = layer.size[0] if isinstance(layer.size, tuple) else layer.size
                shape = (shape[0], shape[1] // size, shape[2] // size)
        elif isinstance(layer, FlattenSpec):
            shape = (int(np.prod(shape)),)
        elif isinstance(layer, DenseSpec):
            weights = shape[0] * layer.out_features
            parameters += weights + (layer.out_features if (layer.bias and bias) else 0)
            macs += weights
            shape = (layer.out_features,)
    return parameters, macs


def _first_wrong_layer(rule: str, layers: list[LayerSpec],
                       input_shape: tuple[int, int, int]) -> str:
    """Which conv layer a size slip first changes, what it should give, and what it gives."""
    shape: tuple[int, ...] = tuple(input_shape)
    for number, layer in enumerate(layers, start=1):
        if isinstance(layer, ConvSpec):
            _, h, w = shape
            k, stride, pad = layer.kernel_size, layer.stride, _conv_padding(layer, h)
            right = (conv_output_size(h, k, pad, stride, strict=False),
                     conv_output_size(w, k, pad, stride, strict=False))
            slipped = (_slipped_size(h, k, pad, stride, rule),
                       _slipped_size(w, k, pad, stride, rule))
            if slipped != right:
                return (f"layer {number} ({layer.describe()}) on a {h}x{w} input should give "
                        f"{right[0]}x{right[1]}: floor(({h} + 2*{pad} - {k}) / {stride}) + 1 "
                        f"= {right[0]}; with the slip it gives {slipped[0]}x{slipped[1]}, "
                        "and every layer after it is counted on the wrong size.")
        shape = layer.output_shape(shape)
    return "no layer of this case changes size with that slip."


def _size_slip(name: str, rule: str, hint: str) -> Mistake:
    return Mistake(name, partial(_walk, size_rule=rule), hint, knobs={"size_rule": rule},
                   detail=partial(_first_wrong_layer, rule))


def _flag(name: str, hint: str, **knobs: object) -> Mistake:
    return Mistake(name, partial(_walk, **knobs), hint, knobs=knobs)


def count_model_wrong(**knobs: object) -> Callable[..., tuple[int, int]]:
    """A wrong counter with the slips switched on (the knobs of :func:`_walk`)."""
    return partial(_walk, **knobs)


COUNT_MODEL_MISTAKES = (
    _flag("forgotten bias",
          "your parameter count leaves out the biases: each conv filter and each dense "
          "neuron has one (unless the layer says bias=False).", bias=False),
    _flag("filter depth ignored",
          "a filter spans every input channel: it is K x K x C_in, not K x K.", depth=False),
    _flag("multiply-adds without the positions",
          "a conv filter's weights are used once per output position: its multiply-adds "
          "are its weights times H_out x W_out.", positions=False),
    _flag("pooling ignored",
          "max pooling has no parameters, but it shrinks the maps (2x2 pooling halves "
          "height and width), so the layers after it see fewer values.", pooling=False),
    _flag("padding ignored",
          "the conv output size depends on the padding (and the stride): use the layer's "
          "padding in the output-size rule.", padding=False),
    _flag("a filter per position",
          "a convolution shares its filters across positions: its parameters do not "
          "depend on the image size (that would be a locally connected layer).",
          per_position=True),
    _size_slip("ceil instead of floor", "ceil",
               "a conv layer's output size rounds the division down (floor): when the "
               "stride does not divide the room exactly, the last partial window is dropped. "
               "Yours rounds up."),
    _size_slip("padding on one side only", "one side",
               "a conv layer's padding P goes on both sides: the padded input is H + 2P "
               "high, so the output is (H + 2P - K) // S + 1. Yours adds P once."),
    _size_slip("missing + 1", "no + 1",
               "a conv layer's output size ends with + 1, for the first window: "
               "(H + 2P - K) // S + 1. Yours leaves it out."),
)


def _count_model_cases() -> list[Case]:
    mnist = [ConvSpec(32, 3, padding="same"), ReLUSpec(), MaxPoolSpec(2), FlattenSpec(),
             DenseSpec(128), ReLUSpec(), DenseSpec(10)]
    cases = [
        Case(([ConvSpec(96, 11, stride=4)], (3, 227, 227)), "AlexNet conv1", 1),
        Case((mnist, (1, 28, 28)), "the MNIST model of this notebook", 2),
        Case(([ConvSpec(32, 3), ReLUSpec(), MaxPoolSpec(2), FlattenSpec(), DenseSpec(128),
               ReLUSpec(), DenseSpec(10)], (1, 28, 28)), "the MNIST model, 'valid' padding", 2),
    ]
    rng = np.random.default_rng(1905)
    for number in range(12):
        channels, size = int(rng.integers(1, 4)), int(rng.integers(8, 20))
        layers: list[LayerSpec] = []
        for _ in range(int(rng.integers(1, 3))):
            layers.append(ConvSpec(int(rng.integers(2, 9)), int(rng.choice([1, 3, 5])),
                                   padding=int(rng.integers(0, 3)),
                                   stride=int(rng.integers(1, 3)), bias=bool(rng.random() < 0.8)))
            layers.append(ReLUSpec())
            if rng.random() < 0.5:
                layers.append(MaxPoolSpec(2))
        layers += [FlattenSpec(), DenseSpec(int(rng.integers(2, 11)))]
        if summarize_fits(layers, (channels, size, size)):
            cases.append(Case((layers, (channels, size, size)), f"random case {number + 1}",
                              3 + len(layers)))
    return cases


def summarize_fits(layers: list[LayerSpec], input_shape: tuple[int, int, int]) -> bool:
    """True when every layer of a random model has room (no map shrinks below its window)."""
    shape = input_shape
    for layer in layers:
        if isinstance(layer, (ConvSpec, MaxPoolSpec)):
            k = layer.kernel_size if isinstance(layer, ConvSpec) else 2
            pad = layer.padding if isinstance(layer, ConvSpec) else 0
            if shape[1] + 2 * pad < k:
                return False
        shape = layer.output_shape(shape)
    return True


COUNT_MODEL_EXERCISE = WriteIt(
    name="count_model",
    arg_names=("layers", "input_shape"),
    solution=count_model_solution,
    cases=_count_model_cases,
    mistakes=COUNT_MODEL_MISTAKES,
    kind="counts",
    explain="Your counts agree with summarize, layer for layer.",
    wrong=count_model_wrong,
    course_answers=("summarize", "build_model"),
)


@write_it_checker(COUNT_MODEL_EXERCISE)
def check_count_model(function: object) -> None:
    """Write it: check your ``count_model(layers, input_shape)``."""
