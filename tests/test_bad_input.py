"""The bad-input catalogue: every public function of course_utils, called wrongly.

Learners call these functions with whatever they typed. Each case below is
one mistake a learner could make - a wrong type, a wrong shape, a negative or
zero size, NaN or inf where the result would be meaningless, channels that do
not match - and asserts that the function stops with a ``TypeError`` or
``ValueError`` whose message names the argument and says what is allowed
("must ..."). A bare ``IndexError``, ``AssertionError``, ``KeyError``, or
numpy's own broadcasting message would fail its case.

A test at the end checks that every public function appears here, so a new
function cannot be added without its bad-input cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import numpy as np
import pytest

import course_utils as cu
from course_utils import (
    Adam,
    Conv2D,
    ConvSpec,
    Dense,
    DenseSpec,
    DepthwiseSeparableSpec,
    Flatten,
    FlattenSpec,
    LocallyConnected2D,
    LocallyConnectedSpec,
    MaxPool2D,
    MaxPoolSpec,
    ProgressBar,
    ReLU,
    Sequential,
)

NAN = float("nan")
INF = float("inf")


def image(n=1, c=1, h=5, w=5, fill=1.0):
    """A batch of images, shape (n, c, h, w)."""
    return np.full((n, c, h, w), fill)


def with_value(array, index, value):
    array = np.array(array, dtype=float)
    array[index] = value
    return array


def small_model():
    """A tiny model for the training functions: (N, 1, 4, 4) images, 2 classes."""
    rng = np.random.default_rng(0)
    return Sequential([Conv2D(1, 2, 3, rng=rng), ReLU(), Flatten(), Dense(8, 2, rng=rng)])


@dataclass(frozen=True)
class Case:
    """One wrong call: ``call()`` must raise ``error`` naming ``argument``."""

    function: str  # the public name under test
    mistake: str  # what the learner did wrong, for the test id
    call: Callable[[], object]
    error: type[Exception]
    argument: str  # the argument the message must name
    allowed: str = "must|needs|allowed|[Uu]se "  # a regex: the message says what is allowed


X = image()
W = np.ones((1, 1, 3, 3))
GRID = np.arange(25.0).reshape(5, 5)
KERNEL = np.ones((3, 3))

CASES = [
    # ---- geometry ---------------------------------------------------------
    Case("conv_output_size", "size is a float", lambda: cu.conv_output_size(5.0, 3),
         TypeError, "size", "must be an int"),
    Case("conv_output_size", "size is text", lambda: cu.conv_output_size("32", 3),
         TypeError, "size", "int"),
    Case("conv_output_size", "kernel_size zero", lambda: cu.conv_output_size(5, 0),
         ValueError, "kernel_size", ">= 1"),
    Case("conv_output_size", "negative padding", lambda: cu.conv_output_size(5, 3, -1),
         ValueError, "padding", ">= 0"),
    Case("conv_output_size", "stride zero", lambda: cu.conv_output_size(5, 3, 0, 0),
         ValueError, "stride", ">= 1"),
    Case("conv_output_size", "kernel bigger than input",
         lambda: cu.conv_output_size(3, 5), ValueError, "kernel_size"),
    Case("conv_output_size", "stride does not fit", lambda: cu.conv_output_size(6, 3, 0, 2),
         ValueError, "stride", "Strides that fit"),
    Case("conv_output_size", "three values for a pair", lambda: cu.conv_output_size((5, 5, 5), 3),
         ValueError, "size", "pair"),
    Case("conv_output_size", "strict is text", lambda: cu.conv_output_size(5, 3, strict="yes"),
         TypeError, "strict", "True or False"),
    Case("conv_output_size", "bool for an int", lambda: cu.conv_output_size(True, 1),
         TypeError, "size", "must be an int"),
    Case("transposed_conv_output_size", "negative output_padding",
         lambda: cu.transposed_conv_output_size(5, 3, stride=2, output_padding=-1),
         ValueError, "output_padding"),
    Case("transposed_conv_output_size", "output_padding not below stride",
         lambda: cu.transposed_conv_output_size(5, 3, stride=2, output_padding=2),
         ValueError, "output_padding"),
    Case("same_padding", "kernel_size as text", lambda: cu.same_padding("3"), TypeError,
         "kernel_size"),
    Case("same_padding", "dilation zero", lambda: cu.same_padding(3, 0), ValueError, "dilation"),
    Case("effective_kernel_size", "kernel_size None", lambda: cu.effective_kernel_size(None),
         TypeError, "kernel_size"),
    Case("window_layout", "negative size", lambda: cu.window_layout(-5, 3), ValueError, "size"),
    Case("window_layout", "dilation a float", lambda: cu.window_layout(5, 3, dilation=1.5),
         TypeError, "dilation"),
    Case("coverage_counts", "stride zero", lambda: cu.coverage_counts(5, 3, stride=0),
         ValueError, "stride"),
    Case("receptive_field", "layer with one number", lambda: cu.receptive_field([(3,)]),
         TypeError, "layers", r"must be a \(kernel_size, stride\)"),
    Case("receptive_field", "layers is a number", lambda: cu.receptive_field(3),
         TypeError, "layers"),
    Case("receptive_field", "stride zero in a layer", lambda: cu.receptive_field([(3, 0, 1)]),
         ValueError, "stride"),
    Case("fitting_configurations", "strides is a number",
         lambda: cu.fitting_configurations(5, [3], 1, [0]), TypeError, "strides"),
    Case("fitting_configurations", "kernel size zero in the list",
         lambda: cu.fitting_configurations(5, [0], [1], [0]), ValueError, "kernel_sizes"),
    # ---- padding ----------------------------------------------------------
    Case("pad2d", "unknown mode", lambda: cu.pad2d(X, 1, "mirror"), ValueError, "mode",
         "zeros"),
    Case("pad2d", "one row of numbers", lambda: cu.pad2d(np.arange(5), 1), ValueError, "x",
         "at least 2 dimensions"),
    Case("pad2d", "negative padding", lambda: cu.pad2d(X, -1), ValueError, "padding", ">= 0"),
    Case("pad2d", "reflect wider than the image", lambda: cu.pad2d(X, 5, "reflect"),
         ValueError, "padding"),
    Case("pad2d", "text image", lambda: cu.pad2d(np.array([[["a"]]]), 1), TypeError, "x"),
    Case("padding_mask", "size is one number", lambda: cu.padding_mask(5, 1), TypeError, "size"),
    Case("padding_mask", "padding is a float", lambda: cu.padding_mask((5, 5), 1.5),
         TypeError, "padding"),
    # ---- conv, grouped, locally connected ---------------------------------
    Case("conv2d", "x is None", lambda: cu.conv2d(None, W), TypeError, "x", "numpy array"),
    Case("conv2d", "one 2-D image", lambda: cu.conv2d(GRID, W), ValueError, "x",
         r"x\[None, None\]"),
    Case("conv2d", "channels do not match", lambda: cu.conv2d(image(c=3), W), ValueError,
         "w", r"w.shape\[1\] must equal x.shape\[1\]"),
    Case("conv2d", "bias of the wrong length", lambda: cu.conv2d(X, W, np.zeros(3)),
         ValueError, "b"),
    Case("conv2d", "kernel larger than the padded input",
         lambda: cu.conv2d(X, np.ones((1, 1, 7, 7))), ValueError, "kernel"),
    Case("conv2d", "padding mode misspelt", lambda: cu.conv2d(X, W, padding=1, padding_mode="zero"),
         ValueError, "padding_mode"),
    Case("conv2d", "padding 'same' with stride 2",
         lambda: cu.conv2d(X, W, padding="same", stride=2), ValueError, "padding"),
    Case("conv2d", "padding text other than same/valid",
         lambda: cu.conv2d(X, W, padding="full"), ValueError, "padding"),
    Case("conv2d", "complex weights", lambda: cu.conv2d(X, W.astype(complex)), TypeError, "w"),
    Case("conv2d", "text image", lambda: cu.conv2d(np.full((1, 1, 5, 5), "1"), W), TypeError,
         "x", "integers or floats"),
    Case("conv2d", "negative stride", lambda: cu.conv2d(X, W, stride=-1), ValueError, "stride",
         ">= 1"),
    Case("conv2d_reference", "stride a float", lambda: cu.conv2d_reference(X, W, stride=1.0),
         TypeError, "stride"),
    Case("conv_geometry", "w with 3 axes", lambda: cu.conv_geometry(X, np.ones((1, 3, 3))),
         ValueError, "w", "axes"),
    Case("conv2d_backward", "dout of the wrong shape",
         lambda: cu.conv2d_backward(np.ones((1, 1, 2, 2)), X, W), ValueError, "dout"),
    Case("conv2d_backward", "dout None", lambda: cu.conv2d_backward(None, X, W), TypeError, "dout"),
    Case("grouped_conv2d", "groups do not divide the channels",
         lambda: cu.grouped_conv2d(image(c=3), np.ones((2, 1, 3, 3)), groups=2),
         ValueError, "groups", "divisible"),
    Case("grouped_conv2d", "weights with the full input depth",
         lambda: cu.grouped_conv2d(image(c=4), np.ones((4, 4, 3, 3)), groups=2),
         ValueError, "w"),
    Case("grouped_conv2d_backward", "groups zero",
         lambda: cu.grouped_conv2d_backward(np.ones((1, 2, 3, 3)), image(c=2),
                                            np.ones((2, 1, 3, 3)), groups=0),
         ValueError, "groups", ">= 1"),
    Case("locally_connected2d", "w with conv's 4 axes", lambda: cu.locally_connected2d(X, W),
         ValueError, "w", "axes"),
    Case("locally_connected2d", "w for another output size",
         lambda: cu.locally_connected2d(X, np.ones((1, 2, 2, 1, 3, 3))), ValueError, "w"),
    Case("locally_connected2d", "bias for another output size",
         lambda: cu.locally_connected2d(X, np.ones((1, 3, 3, 1, 3, 3)), np.zeros((1, 2, 2))),
         ValueError, "b"),
    Case("locally_connected2d", "channels do not match",
         lambda: cu.locally_connected2d(image(c=2), np.ones((1, 3, 3, 1, 3, 3))), ValueError,
         "w", "must equal"),
    Case("locally_connected2d_backward", "dout of the wrong shape",
         lambda: cu.locally_connected2d_backward(np.ones((1, 1, 2, 2)), X,
                                                 np.ones((1, 3, 3, 1, 3, 3))),
         ValueError, "dout"),
    # ---- gradcheck, layers, pooling ---------------------------------------
    Case("numerical_gradient", "f is not callable",
         lambda: cu.numerical_gradient(3, np.ones(3), np.ones(3)), TypeError, "f", "callable"),
    Case("numerical_gradient", "dout of another shape",
         lambda: cu.numerical_gradient(lambda x: x * 2, np.ones(3), np.ones(4)), ValueError,
         "dout", "shape of f"),
    Case("numerical_gradient", "f returns None",
         lambda: cu.numerical_gradient(lambda x: None, np.ones(3), np.ones(3)), TypeError, "f",
         "must return a numpy array"),
    Case("numerical_gradient", "h zero",
         lambda: cu.numerical_gradient(np.sin, np.ones(3), np.ones(3), h=0), ValueError, "h"),
    Case("rel_error", "shapes differ", lambda: cu.rel_error(np.ones(3), np.ones(4)),
         ValueError, "b", "shape"),
    Case("dense", "features do not match", lambda: cu.dense(np.ones((2, 3)), np.ones((4, 5))),
         ValueError, "w"),
    Case("dense", "x with one axis", lambda: cu.dense(np.ones(3), np.ones((3, 5))),
         ValueError, "x", "axes"),
    Case("dense_backward", "dout of the wrong shape",
         lambda: cu.dense_backward(np.ones((2, 4)), np.ones((2, 3)), np.ones((3, 5))),
         ValueError, "dout"),
    Case("relu", "text array", lambda: cu.relu(np.array(["a"])), TypeError, "x"),
    Case("relu_backward", "shapes differ", lambda: cu.relu_backward(np.ones(3), np.ones(4)),
         ValueError, "dout", "shape"),
    Case("softmax_cross_entropy", "label out of range",
         lambda: cu.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3])),
         ValueError, "labels"),
    Case("softmax_cross_entropy", "float labels",
         lambda: cu.softmax_cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])),
         TypeError, "labels", "integer"),
    Case("softmax_cross_entropy", "NaN scores",
         lambda: cu.softmax_cross_entropy(np.full((2, 3), NAN), np.array([0, 1])),
         ValueError, "scores", "finite"),
    Case("max_pool2d", "window bigger than the image", lambda: cu.max_pool2d(image(h=2, w=2), 3),
         ValueError, "size"),
    Case("max_pool2d", "size zero", lambda: cu.max_pool2d(X, 0), ValueError, "size", ">= 1"),
    Case("max_pool2d_backward", "dout of the wrong shape",
         lambda: cu.max_pool2d_backward(np.ones((1, 1, 3, 3)), image(h=4, w=4)),
         ValueError, "dout"),
    Case("global_average_pool", "3-D input", lambda: cu.global_average_pool(np.ones((1, 2, 3))),
         ValueError, "x", "axes"),
    Case("global_max_pool", "None", lambda: cu.global_max_pool(None), TypeError, "x"),
    # ---- counting ---------------------------------------------------------
    Case("conv_params", "negative channels", lambda: cu.conv_params(-3, 8, 3), ValueError,
         "in_channels", ">= 1"),
    Case("conv_params", "bias as text", lambda: cu.conv_params(3, 8, 3, bias="no"), TypeError,
         "bias", "True or False"),
    Case("conv_params", "groups do not divide", lambda: cu.conv_params(3, 8, 3, groups=2),
         ValueError, "groups", "divisible"),
    Case("conv_macs", "output size zero", lambda: cu.conv_macs(3, 8, 3, 0), ValueError,
         "output_size", ">= 1"),
    Case("dense_params", "float features", lambda: cu.dense_params(3.5, 2), TypeError,
         "in_features", "integer"),
    Case("dense_macs", "zero features", lambda: cu.dense_macs(3, 0), ValueError, "out_features"),
    Case("depthwise_separable_params", "kernel_size zero",
         lambda: cu.depthwise_separable_params(3, 8, 0), ValueError, "kernel_size"),
    Case("locally_connected_params", "output_size text",
         lambda: cu.locally_connected_params(3, 8, 3, "28"), TypeError, "output_size"),
    Case("locally_connected_macs", "three numbers for a pair",
         lambda: cu.locally_connected_macs(3, 8, (3, 3, 3), 5), ValueError, "kernel_size", "pair"),
    Case("memory_bytes", "unknown dtype", lambda: cu.memory_bytes(10, "float128x"), ValueError,
         "dtype"),
    Case("memory_bytes", "negative count", lambda: cu.memory_bytes(-1), ValueError, "count"),
    Case("format_bytes", "count a float", lambda: cu.format_bytes(1.5), TypeError, "count"),
    # ---- layer specs, summary, model --------------------------------------
    Case("ConvSpec", "out_channels zero", lambda: ConvSpec(0, 3), ValueError, "out_channels"),
    Case("ConvSpec", "padding neither a number nor same/valid",
         lambda: ConvSpec(8, 3, padding="full"), ValueError, "padding"),
    Case("DenseSpec", "out_features text", lambda: DenseSpec("10"), TypeError, "out_features"),
    Case("DepthwiseSeparableSpec", "kernel_size negative",
         lambda: DepthwiseSeparableSpec(8, -3), ValueError, "kernel_size"),
    Case("LocallyConnectedSpec", "stride zero", lambda: LocallyConnectedSpec(8, 3, stride=0),
         ValueError, "stride"),
    Case("MaxPoolSpec", "size float", lambda: MaxPoolSpec(2.0), TypeError, "size"),
    Case("summarize", "input shape with two numbers",
         lambda: cu.summarize([ConvSpec(8, 3)], (28, 28)), TypeError, "input_shape"),
    Case("summarize", "a layer that is not a spec", lambda: cu.summarize([3], (1, 28, 28)),
         TypeError, "layers"),
    Case("summarize", "kernel bigger than the input",
         lambda: cu.summarize([ConvSpec(8, 5)], (1, 3, 3)), ValueError, "kernel_size"),
    Case("summarize", "dense before flatten",
         lambda: cu.summarize([DenseSpec(10)], (1, 28, 28)), ValueError, "layers",
         "FlattenSpec"),
    Case("build_model", "seed missing a value",
         lambda: cu.build_model([FlattenSpec(), DenseSpec(2)], (1, 4, 4), seed="0"),
         TypeError, "seed"),
    Case("build_model", "unknown dtype",
         lambda: cu.build_model([FlattenSpec(), DenseSpec(2)], (1, 4, 4), seed=0, dtype="int8"),
         ValueError, "dtype"),
    Case("Conv2D", "rng missing", lambda: Conv2D(1, 2, 3, rng=None), TypeError, "rng"),
    Case("Conv2D", "in_channels zero", lambda: Conv2D(0, 2, 3, rng=np.random.default_rng(0)),
         ValueError, "in_channels"),
    Case("Dense", "out_features float", lambda: Dense(3, 2.0, rng=np.random.default_rng(0)),
         TypeError, "out_features"),
    Case("LocallyConnected2D", "kernel bigger than the input",
         lambda: LocallyConnected2D(1, 2, 5, 3, rng=np.random.default_rng(0)),
         ValueError, "kernel_size"),
    Case("MaxPool2D", "size zero", lambda: MaxPool2D(0), ValueError, "size"),
    Case("Sequential", "a list of numbers", lambda: Sequential([1, 2]), TypeError, "layers"),
    Case("Sequential", "no layers", lambda: Sequential([]), ValueError, "layers"),
    Case("Conv2D.forward", "channels do not match",
         lambda: Conv2D(3, 2, 3, rng=np.random.default_rng(0)).forward(X), ValueError,
         "x", "must have 3 channels"),
    Case("Dense.forward", "one flattened example without its batch axis",
         lambda: Dense(784, 10, rng=np.random.default_rng(0)).forward(np.ones((28, 28))),
         ValueError, "x", r"reshape\(1, -1\)"),
    Case("LocallyConnected2D.forward", "images of another size",
         lambda: LocallyConnected2D(1, 2, 3, 6, rng=np.random.default_rng(0)).forward(X),
         ValueError, "x", r"must be images of shape \(N, 1, 6, 6\)"),
    Case("Flatten.forward", "x is None", lambda: Flatten().forward(None), TypeError, "x"),
    Case("Flatten.forward", "one row of numbers", lambda: Flatten().forward(np.ones(4)),
         ValueError, "x", "axes"),
    Case("Flatten.backward", "dout of another shape",
         lambda: (lambda f: (f.forward(X), f.backward(np.ones((1, 3))))[1])(Flatten()),
         ValueError, "dout", r"output shape \(1, 25\)"),
    Case("GlobalAveragePool2D.forward", "2-D input",
         lambda: cu.GlobalAveragePool2D().forward(np.ones((4, 4))), ValueError, "x", "axes"),
    Case("GlobalAveragePool2D.backward", "backward before forward",
         lambda: cu.GlobalAveragePool2D().backward(np.ones((1, 1))), ValueError, "forward"),
    Case("ReLU.backward", "backward before forward", lambda: ReLU().backward(np.ones(3)),
         ValueError, "forward"),
    Case("Adam.step", "step before backward", lambda: Adam(small_model()).step(), ValueError,
         "backward", "needs gradients"),
    Case("Sequential.backward", "backward before forward",
         lambda: small_model().backward(np.ones((1, 2))), ValueError, "forward"),
    # ---- training ---------------------------------------------------------
    Case("Adam", "learning rate negative", lambda: Adam(small_model(), -0.1), ValueError,
         "learning_rate", "positive"),
    Case("Adam", "beta1 of 1", lambda: Adam(small_model(), beta1=1.0), ValueError, "beta1"),
    Case("Adam", "model is a list", lambda: Adam([Dense(2, 2, rng=np.random.default_rng(0))]),
         TypeError, "model"),
    Case("train", "epochs zero",
         lambda: cu.train(small_model(), np.zeros((4, 1, 4, 4)), np.zeros(4, int), epochs=0,
                          batch_size=2, progress=False),
         ValueError, "epochs"),
    Case("train", "labels and x of different lengths",
         lambda: cu.train(small_model(), np.zeros((4, 1, 4, 4)), np.zeros(3, int), epochs=1,
                          batch_size=2, progress=False),
         ValueError, "labels"),
    Case("train", "NaN in the images",
         lambda: cu.train(small_model(), np.full((4, 1, 4, 4), NAN), np.zeros(4, int), epochs=1,
                          batch_size=2, progress=False),
         ValueError, "x", "finite"),
    Case("train", "a model without class scores at the end",
         lambda: cu.train(Sequential([Conv2D(1, 2, 3, rng=np.random.default_rng(0))]),
                          np.zeros((4, 1, 4, 4)), np.zeros(4, int), epochs=1, batch_size=2,
                          progress=False),
         ValueError, "model", r"must end in class scores"),
    Case("accuracy", "x is None", lambda: cu.accuracy(small_model(), None, np.zeros(4, int)),
         TypeError, "x", "numpy array"),
    Case("accuracy", "labels of another length",
         lambda: cu.accuracy(small_model(), np.zeros((4, 1, 4, 4)), np.zeros(3, int)),
         ValueError, "labels"),
    Case("ProgressBar", "total zero", lambda: ProgressBar(0), ValueError, "total"),
    # ---- layer objects and the optimiser, built or used wrongly ----------
    # A constructor refuses what the matching function would refuse at the first batch.
    Case("Conv2D", "stride zero",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), stride=0), ValueError, "stride"),
    Case("Conv2D", "padding 'same' with stride 2",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), stride=2, padding="same"),
         ValueError, "padding"),
    Case("Conv2D", "a negative side of the padding",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), padding=((1, 0), (0, -1))),
         ValueError, "padding"),
    Case("Conv2D", "padding by an unknown name",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), padding="full"), ValueError,
         "padding", "must"),
    Case("Conv2D", "dilation zero",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), dilation=(1, 0)), ValueError,
         "dilation"),
    Case("Conv2D", "groups do not divide the channels",
         lambda: Conv2D(4, 6, 3, rng=np.random.default_rng(0), groups=4), ValueError, "groups",
         "divisible"),
    Case("Conv2D", "bias a number",
         lambda: Conv2D(1, 2, 3, rng=np.random.default_rng(0), bias=1), TypeError, "bias"),
    Case("Conv2D", "rng a seed", lambda: Conv2D(1, 2, 3, rng=0), TypeError, "rng"),
    Case("Conv2D", "kernel_size a float",
         lambda: Conv2D(1, 2, 3.0, rng=np.random.default_rng(0)), TypeError, "kernel_size"),
    Case("LocallyConnected2D", "stride zero",
         lambda: LocallyConnected2D(1, 2, 3, 5, rng=np.random.default_rng(0), stride=(1, 0)),
         ValueError, "stride"),
    Case("LocallyConnected2D", "bias None",
         lambda: LocallyConnected2D(1, 2, 3, 5, rng=np.random.default_rng(0), bias=None),
         TypeError, "bias"),
    Case("LocallyConnected2D", "rng a seed", lambda: LocallyConnected2D(1, 2, 3, 5, rng=7),
         TypeError, "rng"),
    Case("Dense", "bias text", lambda: Dense(3, 2, rng=np.random.default_rng(0), bias="yes"),
         TypeError, "bias"),
    Case("Dense", "in_features zero", lambda: Dense(0, 2, rng=np.random.default_rng(0)), ValueError,
         "in_features"),
    Case("MaxPool2D", "three sizes", lambda: MaxPool2D((2, 2, 2)), ValueError, "size", "pair"),
    Case("MaxPool2D", "size a float", lambda: MaxPool2D(2.0), TypeError, "size"),
    Case("Sequential", "one layer object in two places",
         lambda: Sequential([(relu := ReLU()), Flatten(), relu]), ValueError, "layers"),
    Case("Sequential", "a layer without a list", lambda: Sequential(ReLU()), TypeError,
         "layers"),
    # A cache is used once: backward needs a forward of its own.
    Case("Sequential.backward", "backward twice after one forward",
         lambda: ((m := small_model()).forward(image(c=1, h=4, w=4)),
                  m.backward(np.ones((1, 2))), m.backward(np.ones((1, 2)))),
         ValueError, "forward"),
    Case("Sequential.backward", "dout of another shape than the scores",
         lambda: ((m := small_model()).forward(image(n=3, c=1, h=4, w=4)),
                  m.backward(np.ones((1, 2)))),
         ValueError, "dout", r"output shape \(3, 2\)"),
    Case("ReLU.backward", "backward twice after one forward",
         lambda: ((r := ReLU()).forward(X), r.backward(X), r.backward(X)), ValueError,
         "forward"),
    Case("Sequential.predict", "x is None", lambda: small_model().predict(None), TypeError, "x"),
    Case("Sequential.predict", "batch_size zero",
         lambda: small_model().predict(np.zeros((2, 1, 4, 4)), batch_size=0), ValueError,
         "batch_size"),
    Case("Sequential.predict", "a model without class scores at the end",
         lambda: Sequential([Conv2D(1, 2, 3, rng=np.random.default_rng(0))]).predict(
             np.zeros((2, 1, 4, 4))),
         ValueError, "model", r"must end in class scores"),
    Case("Sequential.infer", "images with another number of channels",
         lambda: small_model().infer(np.zeros((2, 3, 4, 4))), ValueError, "x", "channels"),
    Case("Adam", "eps zero", lambda: Adam(small_model(), eps=0.0), ValueError, "eps",
         "positive"),
    Case("Adam", "beta2 NaN", lambda: Adam(small_model(), beta2=NAN), ValueError, "beta2",
         "finite"),
    Case("Adam", "beta1 negative", lambda: Adam(small_model(), beta1=-0.1), ValueError, "beta1"),
    Case("Adam", "learning rate infinite", lambda: Adam(small_model(), learning_rate=INF),
         ValueError, "learning_rate", "finite"),
    Case("Adam", "learning rate text", lambda: Adam(small_model(), learning_rate="0.1"),
         TypeError, "learning_rate"),
    Case("Adam.step", "step between forward and backward",
         lambda: ((adam := Adam(m := small_model())), m.forward(image(c=1, h=4, w=4)),
                  m.backward(np.ones((1, 2))), m.forward(image(c=1, h=4, w=4)), adam.step()),
         ValueError, "backward", "needs the gradients"),
    Case("train", "progress text",
         lambda: cu.train(small_model(), np.zeros((4, 1, 4, 4)), np.zeros(4, int), epochs=1,
                          batch_size=2, progress="yes"),
         TypeError, "progress"),
    # ---- equivariance, sliding -------------------------------------------
    Case("shift_image", "shift a float", lambda: cu.shift_image(X, 1.5), TypeError, "shift"),
    Case("shift_image", "three numbers for the shift", lambda: cu.shift_image(X, (1, 2, 3)),
         ValueError, "shift", "pair"),
    Case("compare_shifted", "shapes differ",
         lambda: cu.compare_shifted(np.ones((1, 1, 4, 4)), np.ones((1, 1, 5, 5)), 1),
         ValueError, "after", "shape"),
    Case("equivariance_error", "layer is not callable",
         lambda: cu.equivariance_error("conv", X, 1), TypeError, "layer", "callable"),
    Case("equivariance_error", "stride zero",
         lambda: cu.equivariance_error(lambda x: x, X, 1, stride=0), ValueError, "stride"),
    Case("sliding_window_frame", "step past the end",
         lambda: cu.sliding_window_frame(GRID, KERNEL, 99), ValueError, "step"),
    Case("sliding_window_frame", "kernel with 3 axes",
         lambda: cu.sliding_window_frame(GRID, np.ones((1, 3, 3)), 0), ValueError, "kernel"),
    Case("sliding_window_frame", "kernel bigger than the grid",
         lambda: cu.sliding_window_frame(GRID, np.ones((7, 7)), 0), ValueError, "kernel",
         "must fit in the padded grid"),
    Case("equivariance_error", "layer returns nothing",
         lambda: cu.equivariance_error(lambda x: None, X, 1), TypeError, "layer",
         "must return an array"),
    Case("products_text", "not a frame", lambda: cu.products_text("frame"), TypeError, "frame"),
    # ---- data -------------------------------------------------------------
    Case("load_photograph", "unknown name", lambda: cu.load_photograph("lena"), ValueError,
         "name", "camera"),
    Case("load_photograph", "step zero", lambda: cu.load_photograph(step=0), ValueError, "step"),
    Case("load_digits", "another file", lambda: cu.load_digits(__file__), ValueError, "path",
         "must be the MNIST digits file"),
    Case("load_digits", "path a number", lambda: cu.load_digits(5), TypeError, "path"),
    Case("shift_images", "negative max_shift",
         lambda: cu.shift_images(np.zeros((2, 4, 4)), -1, seed=0), ValueError, "max_shift"),
    Case("shift_images", "fill misspelt",
         lambda: cu.shift_images(np.zeros((2, 4, 4)), 1, seed=0, fill="edges"), ValueError,
         "fill"),
    Case("translate_images", "one number for the shift",
         lambda: cu.translate_images(np.zeros((2, 4, 4)), 1), TypeError, "shift"),
    Case("train_test_split", "more test images than a class has",
         lambda: cu.train_test_split(np.array([0, 0, 1, 1]), 3, seed=0), ValueError,
         "test_per_class"),
    Case("train_test_split", "seed text",
         lambda: cu.train_test_split(np.array([0, 0, 1, 1]), 1, seed="0"), TypeError, "seed"),
    # ---- position statistics ----------------------------------------------
    Case("cell_statistics", "cell does not divide the image",
         lambda: cu.cell_statistics(np.zeros((2, 10, 10)), cell=3), ValueError, "cell"),
    Case("cell_statistics", "bins zero",
         lambda: cu.cell_statistics(np.zeros((2, 10, 10)), bins=0), ValueError, "bins"),
    Case("orientation_histograms", "2-D images",
         lambda: cu.orientation_histograms(np.zeros((10, 10))), ValueError, "images", "axes"),
    Case("region_histogram", "region outside the image",
         lambda: cu.region_histogram(np.zeros((2, 10, 10)), (5, 20, 0, 5)), ValueError,
         "region"),
    Case("position_dependence", "NaN features",
         lambda: cu.position_dependence(np.full((3, 4, 4, 8), NAN)), ValueError, "features",
         "finite"),
    # ---- results ----------------------------------------------------------
    Case("mean_and_spread", "one value", lambda: cu.mean_and_spread([0.9]), ValueError,
         "values", "two"),
    Case("mean_and_spread", "NaN accuracy", lambda: cu.mean_and_spread([0.9, NAN]), ValueError,
         "values", "finite"),
    Case("mean_and_spread", "text instead of numbers", lambda: cu.mean_and_spread("0.9"),
         TypeError, "values", "list of numbers"),
    Case("mean_and_spread", "digits negative", lambda: cu.mean_and_spread([0.9, 0.8], -1),
         ValueError, "digits"),
    Case("paired_difference", "different lengths",
         lambda: cu.paired_difference([1, 2, 3], [1, 2]), ValueError, "b"),
    Case("bootstrap_interval", "level above 1",
         lambda: cu.bootstrap_interval(np.mean, np.arange(10.0), seed=0, level=95),
         ValueError, "level", "between 0 and 1"),
    Case("bootstrap_interval", "statistic not callable",
         lambda: cu.bootstrap_interval("mean", np.arange(10.0), seed=0), TypeError,
         "statistic", "callable"),
    Case("confusion_matrix", "label out of range",
         lambda: cu.confusion_matrix(np.array([0, 10]), np.array([0, 1])), ValueError,
         "labels", "0 to 9"),
    Case("confusion_matrix", "lengths differ",
         lambda: cu.confusion_matrix(np.array([0, 1]), np.array([0, 1, 2])), ValueError,
         "predicted"),
    Case("proportion_interval", "more successes than trials",
         lambda: cu.proportion_interval(5, 4), ValueError, "successes", "at most"),
    Case("proportion_interval", "trials zero", lambda: cu.proportion_interval(0, 0), ValueError,
         "trials"),
    Case("compare_on_same_examples", "numbers instead of booleans",
         lambda: cu.compare_on_same_examples(np.array([1, 0]), np.array([1, 0])), TypeError,
         "first_correct", "boolean"),
    # ---- tables -----------------------------------------------------------
    Case("text_table", "row of the wrong length", lambda: cu.text_table(["a", "b"], [[1]]),
         ValueError, "rows"),
    Case("text_table", "rows None", lambda: cu.text_table(["a"], None), TypeError, "rows"),
    Case("text_table", "headers a string", lambda: cu.text_table("ab", [[1, 2]]), TypeError,
         "headers"),
    Case("fit_table", "size zero", lambda: cu.fit_table(0), ValueError, "size"),
    # ---- grouped connections, examples, explorers -------------------------
    Case("channel_connections", "groups do not divide",
         lambda: cu.channel_connections(4, 6, 4), ValueError, "groups", "divisible"),
    Case("rgb_like_grid", "seed float", lambda: cu.rgb_like_grid(1.5), TypeError, "seed"),
    Case("example_filter", "kernel size zero", lambda: cu.example_filter(0, 30.0), ValueError,
         "kernel_size"),
    Case("example_filter", "wavelength zero", lambda: cu.example_filter(5, 30.0, 0.0),
         ValueError, "wavelength", "positive"),
    Case("example_filter", "angle NaN", lambda: cu.example_filter(5, NAN), ValueError,
         "angle_degrees", "finite"),
    Case("conv_arithmetic_explorer", "unknown control",
         lambda: cu.conv_arithmetic_explorer(kernel=3), TypeError, "kernel"),
    Case("conv_arithmetic_explorer", "start out of the slider's range",
         lambda: cu.conv_arithmetic_explorer(size=500), ValueError, "size"),
    Case("sliding_window_explorer", "interval zero",
         lambda: cu.sliding_window_explorer(GRID, KERNEL, interval_ms=0), ValueError,
         "interval_ms"),
    Case("sliding_window_explorer", "grid 3-D",
         lambda: cu.sliding_window_explorer(np.ones((1, 5, 5)), KERNEL), ValueError, "grid"),
    Case("explorer_frame_html", "mode misspelt",
         lambda: cu.explorer_frame_html(GRID, KERNEL, 0, 1, 1, "mirror"), ValueError, "mode"),
    # ---- figures ----------------------------------------------------------
    Case("plot_window_positions", "max_rows zero",
         lambda: cu.plot_window_positions(7, 3, max_rows=0), ValueError, "max_rows"),
    Case("plot_coverage_grid", "kernel bigger than the input",
         lambda: cu.plot_coverage_grid(3, 5), ValueError, "kernel_size"),
    Case("plot_receptive_field", "input_size zero",
         lambda: cu.plot_receptive_field([(3, 1, 1)], 0), ValueError, "input_size"),
    Case("plot_layer_sizes", "sizes is a list", lambda: cu.plot_layer_sizes([1, 2]), TypeError,
         "sizes"),
    Case("plot_grid", "NaN in the grid", lambda: cu.plot_grid(with_value(GRID, (0, 0), NAN)),
         ValueError, "grid", "finite"),
    Case("plot_grid", "window outside the grid", lambda: cu.plot_grid(GRID, window=(4, 4)),
         ValueError, "window"),
    Case("plot_grid_row", "titles of another length",
         lambda: cu.plot_grid_row([GRID, GRID], ["a"]), ValueError, "titles"),
    Case("plot_conv_step", "step negative", lambda: cu.plot_conv_step(GRID, KERNEL, -1),
         ValueError, "step"),
    Case("plot_depth_slices", "neuron outside the output",
         lambda: cu.plot_depth_slices(neurons=((60, 8),)), ValueError, "neurons"),
    Case("plot_grid_row", "no grids", lambda: cu.plot_grid_row([], []), ValueError, "grids",
         "at least one"),
    Case("plot_gradient_sum", "shapes differ",
         lambda: cu.plot_gradient_sum(np.ones((2, 2, 3, 3)), np.ones((2, 2))), ValueError,
         "total"),
    Case("plot_parameter_counts", "negative count",
         lambda: cu.plot_parameter_counts({"conv": -5}), ValueError, "counts"),
    Case("plot_shift_maps", "titles of another length",
         lambda: cu.plot_shift_maps([GRID], ["a", "b"]), ValueError, "titles"),
    Case("plot_shift_maps", "no images", lambda: cu.plot_shift_maps([], []), ValueError,
         "images", "at least one"),
    Case("plot_image_grid", "columns zero",
         lambda: cu.plot_image_grid(np.zeros((4, 5, 5)), columns=0), ValueError, "columns"),
    Case("plot_filters", "a filter with 3 axes",
         lambda: cu.plot_filters({"conv": np.ones((1, 3, 3))}), ValueError, "filters"),
    Case("plot_regions", "region outside the image",
         lambda: cu.plot_regions(np.zeros((10, 10)), {"eyes": (0, 20, 0, 5)}), ValueError,
         "regions"),
    Case("plot_region_histograms", "histograms empty",
         lambda: cu.plot_region_histograms({}), ValueError, "histograms"),
    Case("plot_accuracy_by_shift", "accuracy of another length",
         lambda: cu.plot_accuracy_by_shift([0, 2, 4], {"conv": np.ones((5, 2))}), ValueError,
         "accuracy"),
    Case("plot_accuracy_by_shift", "nothing to plot",
         lambda: cu.plot_accuracy_by_shift([], {}), ValueError, "shifts", "at least one"),
    Case("plot_channel_connections", "groups do not divide",
         lambda: cu.plot_channel_connections(4, 6, [4]), ValueError, "groups", "divisible"),
    Case("plot_confusion_matrix", "label out of range",
         lambda: cu.plot_confusion_matrix(np.array([0, 12]), np.array([0, 1])), ValueError,
         "labels"),
    Case("plot_parameter_and_work_shares", "not summaries",
         lambda: cu.plot_parameter_and_work_shares({"conv": 5}), TypeError, "summaries"),
    Case("plot_parameters_vs_accuracy", "lists of different lengths",
         lambda: cu.plot_parameters_vs_accuracy(["a", "b"], [1], [0.9, 0.8],
                                                [(0.8, 1.0), (0.7, 0.9)]),
         ValueError, "parameters"),
    # ---- one geometry (issue 17): padding per side, 2-D output sizes, the explanation
    Case("padding_per_side", "three values", lambda: cu.padding_per_side((1, 2, 3)), ValueError,
         "padding", "must be"),
    Case("padding_per_side", "a side negative", lambda: cu.padding_per_side(((1, -1), 0)),
         ValueError, "padding", ">= 0"),
    Case("padding_per_side", "a side a float", lambda: cu.padding_per_side(((1, 0.5), 0)),
         TypeError, "padding", "must be an integer"),
    Case("padding_per_side", "'same' without a kernel size", lambda: cu.padding_per_side("same"),
         ValueError, "padding", "must be"),
    Case("padding_per_side", "'same' with stride 2",
         lambda: cu.padding_per_side("same", 3, stride=2), ValueError, "padding", "needs stride=1"),
    Case("padding_per_side", "unknown name", lambda: cu.padding_per_side("full", 3), ValueError,
         "padding", "'valid' or 'same'"),
    Case("window_output_size", "kernel bigger than the input",
         lambda: cu.window_output_size((5, 3), 4), ValueError, "kernel_size", "smaller"),
    Case("window_output_size", "size a float", lambda: cu.window_output_size(5.0, 3), TypeError,
         "size"),
    Case("window_output_size", "negative side of padding",
         lambda: cu.window_output_size(5, 3, ((0, -1), 0)), ValueError, "padding", ">= 0"),
    Case("window_geometry", "'same' with stride 2",
         lambda: cu.window_geometry(5, 3, "same", 2), ValueError, "padding", "needs stride=1"),
    Case("window_geometry", "dilation zero", lambda: cu.window_geometry(5, 3, dilation=0),
         ValueError, "dilation", ">= 1"),
    Case("conv_output_size", "per-side padding with a negative side",
         lambda: cu.conv_output_size(5, 3, ((1, 0), (0, -1))), ValueError, "padding", ">= 0"),
    Case("explain_output_size", "stride zero", lambda: cu.explain_output_size(5, 3, 0, 0),
         ValueError, "stride", ">= 1"),
    Case("explain_output_size", "size text", lambda: cu.explain_output_size("5", 3), TypeError,
         "size"),
    Case("ConvSpec", "groups do not divide out_channels", lambda: ConvSpec(10, 3, groups=3),
         ValueError, "out_channels", "divisible by groups"),
    Case("ConvSpec", "'same' padding with stride 2",
         lambda: ConvSpec(8, 3, padding="same", stride=2), ValueError, "padding", "needs stride=1"),
    Case("DepthwiseSeparableSpec", "'same' padding with stride 2",
         lambda: DepthwiseSeparableSpec(8, 3, padding="same", stride=2), ValueError, "padding",
         "needs stride=1"),
    Case("LocallyConnectedSpec", "padding named", lambda: LocallyConnectedSpec(8, 3, padding="same"),
         ValueError, "padding", "must be"),
    Case("MaxPoolSpec", "window bigger than the map",
         lambda: cu.summarize([MaxPoolSpec(3)], (1, 2, 2)), ValueError, "size", "must be at most"),
    Case("show", "not a figure", lambda: cu.show("figure.png"), TypeError, "fig",
         "must be a matplotlib Figure"),
    Case("show", "a figure with no description", lambda: cu.show(plt.figure()), ValueError,
         "fig", "no description: draw it with"),
]

# Public callables that take no arguments (nothing to get wrong), and the
# records that course_utils returns rather than a learner building them.
# conv_arithmetic_report and the explorers' state lines never raise: the explorer shows
# their text, so they explain a bad setting in words (test_the_report_explains_bad_settings,
# and test_accessibility's tests of the state lines).
EXPLAINS_INSTEAD = {"conv_arithmetic_report", "conv_arithmetic_state", "explorer_state"}
# Flatten, GlobalAveragePool2D and ReLU are covered through their methods;
# Layer and LayerSpec are the base classes the others fill in.
NO_ARGUMENTS = {"grid_5x5", "vertical_edge_kernel", "use_course_style", "load_faces",
                "FlattenSpec", "ReLUSpec", "Layer", "LayerSpec"}
RECORDS = {"ConvGeometry", "DigitData", "FaceData", "FitResult", "LayerCounts", "ModelSummary",
           "Notebook", "PairedComparison", "ReceptiveFieldRow", "ShiftComparison",
           "SlidingFrame", "SummaryRow", "TrainingHistory", "WindowGeometry", "WindowLayout"}


def case_id(case: Case) -> str:
    return f"{case.function}: {case.mistake}"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_wrong_call_gets_a_clear_error(case):
    with pytest.raises(Exception) as raised:
        case.call()
    error = raised.value
    message = str(error)
    assert type(error) is case.error, (
        f"{case_id(case)}: expected {case.error.__name__}, got {type(error).__name__}: {message}"
    )
    assert re.search(rf"\b{re.escape(case.argument)}\b", message), (
        f"the message does not name {case.argument!r}: {message}"
    )
    assert re.search(case.allowed, message), (
        f"the message does not say what is allowed ({case.allowed!r}): {message}"
    )
    assert not re.search(NUMPY_OWN_MESSAGES, message), f"numpy's own message escaped: {message}"


#: What numpy or Python say when a check is missing: never a course_utils message.
NUMPY_OWN_MESSAGES = (r"could not be broadcast|out of bounds|has no attribute|not subscriptable"
                      r"|object is not iterable|unsupported operand|cannot reshape"
                      r"|object is not callable")


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 60


def test_every_public_function_has_a_case():
    callables = {name for name in cu.__all__ if callable(getattr(cu, name))}
    checkers = {name for name in callables if name.startswith("check_")}  # test_checkers.py
    covered = {case.function.split(".")[0] for case in CASES}
    missing = callables - checkers - NO_ARGUMENTS - RECORDS - EXPLAINS_INSTEAD - covered
    assert not missing, f"public functions with no bad-input case: {sorted(missing)}"
    assert not (covered - callables), "a case names a function that is not public"


@pytest.mark.parametrize("settings, says", [
    ((5, 3, 0, 0), "stride must be an integer >= 1"),
    ((5, "3"), "kernel_size must be an integer"),
    ((3, 5), "No room for one window"),
])
def test_the_report_explains_bad_settings(settings, says):
    assert says in cu.conv_arithmetic_report(*settings)


def test_layers_let_nan_through_as_frameworks_do():
    # A NaN pixel spoils only the outputs whose windows read it.
    x = with_value(image(h=5, w=5), (0, 0, 0, 0), NAN)
    out = cu.conv2d(x, W)
    assert np.isnan(out[0, 0, 0, 0]) and np.isfinite(out[0, 0, 1:, 1:]).all()
