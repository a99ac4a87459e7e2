"""The PyTorch and Keras calls generated from the course's layer specs build the counted layers.

PyTorch is an optional peer (``.venv/bin/pip install torch==2.13.0``): with it,
every generated call is built by torch itself, and its parameter count and
output shape must be the course's; without it those tests are skipped, saying
why. Keras is not installable here: its generated calls are run through a
small stand-in written from Keras' documented semantics (weight shapes of
Conv2D, DepthwiseConv2D and Dense; ``padding='valid'`` and ``'same'``; output
sizes by the course's own geometry under the Keras conventions).
"""

from __future__ import annotations

import importlib.util
import math
import types

import numpy as np
import pytest

import course_utils as cu
from course_utils import (
    ConvSpec,
    DenseSpec,
    DepthwiseSeparableSpec,
    FlattenSpec,
    LocallyConnectedSpec,
    MaxPoolSpec,
    ReLUSpec,
)

HAS_TORCH = importlib.util.find_spec("torch") is not None
NO_TORCH = ("PyTorch is an optional peer of the course, not installed here "
            "(.venv/bin/pip install torch==2.13.0): the generated PyTorch calls cannot be built")


def mnist(padding):
    return [ConvSpec(32, 3, padding=padding), ReLUSpec(), MaxPoolSpec(2), FlattenSpec(),
            DenseSpec(128), ReLUSpec(), DenseSpec(10)]


#: Every layer and model the notebooks show beside their counts (01, 03, 05), and a few more.
MODELS = {
    "AlexNet conv1 (01, 03)": ([ConvSpec(96, 11, stride=4)], (3, 227, 227)),
    "AlexNet conv1 on the paper's 224 (01)": ([ConvSpec(96, 11, stride=4)], (3, 224, 224)),
    "MNIST, 'same' (05)": (mnist("same"), (1, 28, 28)),
    "MNIST, 'valid' (05)": (mnist("valid"), (1, 28, 28)),
    "two convolutions (05)": ([ConvSpec(32, 3), ReLUSpec(), ConvSpec(64, 3), ReLUSpec(),
                               MaxPoolSpec(2), FlattenSpec(), DenseSpec(128), ReLUSpec(),
                               DenseSpec(10)], (1, 28, 28)),
    "dilated (05)": ([ConvSpec(32, 3, padding="same", dilation=2)], (32, 14, 14)),
    "dilated, padding in cells": ([ConvSpec(32, 3, padding=2, dilation=2)], (32, 14, 14)),
    "depthwise-separable (05)": ([DepthwiseSeparableSpec(64, 3, padding="same", bias=False)],
                                 (32, 14, 14)),
    "grouped (05)": ([ConvSpec(128, 3, padding=1, groups=32)], (128, 14, 14)),
    "uneven padding": ([ConvSpec(8, (3, 2), padding=((0, 1), (2, 1)), stride=(2, 1))],
                       (2, 9, 7)),
    "no bias, pairs": ([ConvSpec(6, (5, 3), padding=(2, 1), dilation=(1, 2), bias=False),
                        MaxPoolSpec((2, 3))], (3, 12, 12)),
}


def final_shape(layers, input_shape):
    return cu.summarize(layers, input_shape).rows[-1].output_shape


# --------------------------------------------------------------------------
# PyTorch, built for real
# --------------------------------------------------------------------------


@pytest.mark.skipif(not HAS_TORCH, reason=NO_TORCH)
@pytest.mark.parametrize("name", MODELS)
def test_the_pytorch_code_builds_the_counted_model(name):
    import torch

    layers, input_shape = MODELS[name]
    code = cu.framework_code(layers, input_shape, "pytorch")
    model = eval(code, {"nn": torch.nn})  # noqa: S307  the course's own generated code
    summary = cu.summarize(layers, input_shape)
    assert sum(p.numel() for p in model.parameters()) == summary.parameters, code
    with torch.no_grad():
        out = model(torch.zeros(1, *input_shape))
    assert tuple(out.shape[1:]) == tuple(final_shape(layers, input_shape)), code


@pytest.mark.skipif(not HAS_TORCH, reason=NO_TORCH)
@pytest.mark.parametrize("name", MODELS)
def test_each_pytorch_line_builds_its_layer(name):
    import torch

    layers, input_shape = MODELS[name]
    for line in cu.framework_lines(layers, input_shape):
        layer = eval(f"nn.Sequential({line.torch})", {"nn": torch.nn})  # noqa: S307
        assert sum(p.numel() for p in layer.parameters()) == line.parameters, line.torch
        with torch.no_grad():
            out = layer(torch.zeros(1, *line.input_shape))
        assert tuple(out.shape[1:]) == line.output_shape, line.torch


@pytest.mark.skipif(not HAS_TORCH, reason=NO_TORCH)
def test_random_conv_specs_build_in_pytorch_with_the_course_counts():
    import torch

    rng = np.random.default_rng(30)
    built = 0
    for _ in range(150):
        groups = int(rng.choice([1, 2]))
        channels = groups * int(rng.integers(1, 3))
        k = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        form = rng.integers(0, 4)
        padding = (int(rng.integers(0, 3)) if form == 0 else
                   (int(rng.integers(0, 3)), int(rng.integers(0, 3))) if form == 1 else
                   ((int(rng.integers(0, 3)), int(rng.integers(0, 3))),
                    (int(rng.integers(0, 3)), int(rng.integers(0, 3)))) if form == 2 else
                   "same")
        if padding == "same":
            stride = (1, 1)
        size = (int(rng.integers(6, 12)), int(rng.integers(6, 12)))
        spec = ConvSpec(groups * int(rng.integers(1, 4)), k, padding=padding, stride=stride,
                        dilation=dilation, groups=groups, bias=bool(rng.random() < 0.7))
        shape = (channels, *size)
        try:
            expected = spec.output_shape(shape)
        except ValueError:
            continue  # no window fits: nothing to build
        line = cu.framework_lines(spec, shape)[0]
        layer = eval(f"nn.Sequential({line.torch})", {"nn": torch.nn})  # noqa: S307
        assert sum(p.numel() for p in layer.parameters()) == line.parameters, line.torch
        with torch.no_grad():
            assert tuple(layer(torch.zeros(1, *shape)).shape[1:]) == expected, line.torch
        built += 1
    assert built > 100


def test_without_pytorch_the_tests_say_why_they_skip():
    assert "optional peer" in NO_TORCH and "torch==2.13.0" in NO_TORCH


def test_pytorch_stays_out_of_the_course_dependencies():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                            .read_text())["project"]
    pins = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        pins += extra
    assert not any(pin.lower().startswith(("torch", "tensorflow", "keras")) for pin in pins)
    # And the module that writes the calls imports neither framework.
    source = (Path(cu.nn.frameworks.__file__)).read_text()
    assert "import torch" not in source and "import keras" not in source


# --------------------------------------------------------------------------
# Keras, by its documented semantics
# --------------------------------------------------------------------------


class KerasLayer:
    """A Keras layer as its documentation defines it: weight shapes and output shape."""

    def output(self, shape):  # (H, W, C) or (features,)
        raise NotImplementedError

    def weights(self, shape) -> int:
        return 0


def keras_size(n, k, s, padding, d):
    # Keras: 'valid' = no padding, floor((n - d(k-1) - 1) / s) + 1; 'same' = ceil(n / s).
    return cu.framework_output_size(n, k, s, 0, d, convention=f"keras_{padding}")


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


class Conv2D(KerasLayer):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1,
                 groups=1, use_bias=True):
        assert padding in ("valid", "same")  # Keras knows no other
        self.filters, self.k, self.s = filters, pair(kernel_size), pair(strides)
        self.padding, self.d, self.groups, self.bias = padding, pair(dilation_rate), groups, use_bias

    def output(self, shape):
        h, w, _ = shape
        return (keras_size(h, self.k[0], self.s[0], self.padding, self.d[0]),
                keras_size(w, self.k[1], self.s[1], self.padding, self.d[1]), self.filters)

    def weights(self, shape):
        # kernel: (kh, kw, C_in / groups, filters); bias: (filters,)
        return math.prod((*self.k, shape[2] // self.groups, self.filters)) \
            + self.filters * self.bias


class DepthwiseConv2D(Conv2D):
    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 dilation_rate=1, use_bias=True):
        super().__init__(None, kernel_size, strides, padding, dilation_rate, 1, use_bias)
        self.multiplier = depth_multiplier

    def output(self, shape):
        h, w, c = super().output(shape)[0], super().output(shape)[1], shape[2]
        return (h, w, c * self.multiplier)

    def weights(self, shape):
        # depthwise kernel: (kh, kw, C_in, depth_multiplier); bias: (C_in * depth_multiplier,)
        return math.prod((*self.k, shape[2], self.multiplier)) \
            + shape[2] * self.multiplier * self.bias


class ZeroPadding2D(KerasLayer):
    def __init__(self, padding=1):
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        elif isinstance(padding[0], int):
            padding = ((padding[0], padding[0]), (padding[1], padding[1]))
        self.padding = padding

    def output(self, shape):
        (t, b), (l, r) = self.padding
        return (shape[0] + t + b, shape[1] + l + r, shape[2])


class MaxPooling2D(KerasLayer):
    def __init__(self, pool_size=2, strides=None, padding="valid"):
        self.k = pair(pool_size)
        self.s = pair(strides) if strides is not None else self.k

    def output(self, shape):
        return (keras_size(shape[0], self.k[0], self.s[0], "valid", 1),
                keras_size(shape[1], self.k[1], self.s[1], "valid", 1), shape[2])


class Dense(KerasLayer):
    def __init__(self, units, use_bias=True):
        self.units, self.bias = units, use_bias

    def output(self, shape):
        return (self.units,)

    def weights(self, shape):
        return shape[0] * self.units + self.units * self.bias


class Flatten(KerasLayer):
    def output(self, shape):
        return (math.prod(shape),)


class ReLU(KerasLayer):
    def output(self, shape):
        return shape


def Input(shape):  # noqa: N802  keras.Input
    return ("input", tuple(shape))


def Sequential(layers):  # noqa: N802  keras.Sequential: returns (parameters, output shape)
    (_, shape), *rest = layers
    parameters = 0
    for layer in rest:
        parameters += layer.weights(shape)
        shape = layer.output(shape)
    return parameters, shape


KERAS_LAYERS = types.SimpleNamespace(
    Conv2D=Conv2D, DepthwiseConv2D=DepthwiseConv2D, ZeroPadding2D=ZeroPadding2D,
    MaxPooling2D=MaxPooling2D, Dense=Dense, Flatten=Flatten, ReLU=ReLU)
KERAS = types.SimpleNamespace(layers=KERAS_LAYERS, Input=Input, Sequential=Sequential)


def channels_last(shape):
    return (*shape[1:], shape[0]) if len(shape) == 3 else tuple(shape)


@pytest.mark.parametrize("name", MODELS)
def test_the_keras_code_builds_the_counted_model_by_keras_semantics(name):
    layers, input_shape = MODELS[name]
    code = cu.framework_code(layers, input_shape, "keras")
    parameters, shape = eval(code, {"keras": KERAS, "layers": KERAS_LAYERS})  # noqa: S307
    assert parameters == cu.summarize(layers, input_shape).parameters, code
    assert shape == channels_last(final_shape(layers, input_shape)), code


def test_keras_padding_is_valid_same_or_a_zero_padding_layer():
    alexnet = cu.keras_call(ConvSpec(96, 11, stride=4), (3, 227, 227))
    assert alexnet == "layers.Conv2D(96, 11, strides=4)"  # 'valid' is Keras' default
    assert cu.keras_call(ConvSpec(32, 3, padding="same"), (1, 28, 28)) == \
        "layers.Conv2D(32, 3, padding='same')"
    assert cu.keras_call(ConvSpec(8, 3, padding=1, stride=2), (1, 9, 9)).startswith(
        "layers.ZeroPadding2D(1), layers.Conv2D(8, 3, strides=2)")
    # PyTorch says the same with one argument, and the input channels.
    assert cu.torch_call(ConvSpec(8, 3, padding=1, stride=2), (1, 9, 9)) == \
        "nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1)"


def test_a_locally_connected_layer_has_no_line_and_says_so():
    code = cu.framework_code([LocallyConnectedSpec(4, 3)], (1, 8, 8), "pytorch")
    assert "locally connected 4@3x3, pad 0: PyTorch has no such layer" in code
    assert "Keras has no such layer" in cu.framework_code([LocallyConnectedSpec(4, 3)],
                                                          (1, 8, 8), "keras")


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
@pytest.mark.parametrize("name", MODELS)
def test_the_generated_code_fits_a_slide(name, framework):
    layers, input_shape = MODELS[name]
    code = cu.framework_code(layers, input_shape, framework)
    assert max(len(line) for line in code.splitlines()) <= 100, code


def test_an_unknown_framework_is_refused_by_name():
    with pytest.raises(ValueError, match="framework must be one of"):
        cu.framework_code(mnist("same"), (1, 28, 28), "jax")
    with pytest.raises(TypeError, match="spec must be"):
        cu.torch_call("conv", (1, 8, 8))


def test_a_layer_of_two_steps_gives_its_calls_one_a_line():
    line = cu.framework_lines(DepthwiseSeparableSpec(64, 3, padding="same"), (32, 14, 14))[0]
    assert line.calls("pytorch") == ["nn.Conv2d(32, 32, kernel_size=3, padding='same', groups=32)",
                                     "nn.Conv2d(32, 64, kernel_size=1)"]
    assert line.calls("keras") == ["layers.DepthwiseConv2D(3, padding='same')",
                                   "layers.Conv2D(64, 1)"]
    with pytest.raises(ValueError, match="framework must be one of"):
        line.calls("jax")
