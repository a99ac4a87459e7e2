"""Layers with their own parameters, stacked into a model that can be trained.

Each layer keeps its parameters in ``params`` (a dict of arrays) and, after
``backward``, their gradients in ``grads`` under the same names. ``forward``
remembers what ``backward`` needs. A :class:`Sequential` model runs its
layers in order, and backwards in reverse order.

Weights start as seeded random numbers scaled by ``sqrt(2 / inputs)`` (He et
al., 2015), a good start for layers followed by a ReLU; biases start at 0.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..conv.convolution import ConvPadding
from ..conv.geometry import padding_per_side, window_output_size
from ..conv.grouped import grouped_conv2d, grouped_conv2d_backward
from ..conv.locally_connected import locally_connected2d, locally_connected2d_backward
from ..conv.pooling import max_pool2d, max_pool2d_backward
from ..validation import (
    IntOrPair,
    check_array,
    check_bool,
    check_generator,
    check_groups,
    check_int,
    check_int_or_pair,
)
from .layers import dense, dense_backward, relu, relu_backward

__all__ = [
    "Conv2D",
    "Dense",
    "Flatten",
    "GlobalAveragePool2D",
    "Layer",
    "LocallyConnected2D",
    "MaxPool2D",
    "ReLU",
    "Sequential",
]


class Layer:
    """A step of a model: ``forward`` and ``backward``, and parameters if it has any."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _saved(self, name: str):
        """What ``forward`` remembered for ``backward``, or a clear error if it never ran."""
        if not hasattr(self, name):
            raise ValueError(
                f"{type(self).__name__}.backward needs forward to run first: call "
                "model.forward(x), then model.backward(dout)"
            )
        return getattr(self, name)

    def parameter_count(self) -> int:
        """Number of numbers in ``params``."""
        return sum(p.size for p in self.params.values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.parameter_count():,} parameters)"


def _check_dout(dout: object, shape: tuple[int, ...]) -> np.ndarray:
    """``dout`` as an array of the layer's output shape, or a clear error."""
    dout = check_array(dout, "dout", ndim=len(shape), axes=f"{shape}, the layer's output shape")
    if dout.shape != tuple(shape):
        raise ValueError(f"dout must have the layer's output shape {tuple(shape)}, "
                         f"got {dout.shape}")
    return dout


def _he_weights(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    rng = check_generator(rng)
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


class Conv2D(Layer):
    """A convolution: ``out_channels`` filters, each shared by every position.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    rng : numpy.random.Generator
        Draws the initial weights.
    stride, padding, dilation
        As in :func:`course_utils.conv2d`.
    groups : int
        Split the channels into ``groups`` independent convolutions
        (:func:`course_utils.grouped_conv2d`); 1 is an ordinary convolution.
    bias : bool
        Give each filter a bias.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair, *,
                 rng: np.random.Generator, stride: IntOrPair = 1, padding: ConvPadding = 0,
                 dilation: IntOrPair = 1, groups: int = 1, bias: bool = True) -> None:
        super().__init__()
        kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        groups = check_groups(groups, in_channels, out_channels)
        self.in_channels = in_channels
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        depth = in_channels // groups  # each filter sees only its group's channels
        self.params["w"] = _he_weights(rng, (out_channels, depth, kh, kw), depth * kh * kw)
        if check_bool(bias, "bias"):
            self.params["b"] = np.zeros(out_channels)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"x must have {self.in_channels} channels, the in_channels this layer was built "
                f"for, got x of shape {x.shape} with {x.shape[1]}"
            )
        self.x = x
        return grouped_conv2d(x, self.params["w"], self.params.get("b"), groups=self.groups,
                              stride=self.stride, padding=self.padding, dilation=self.dilation)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["w"], db = grouped_conv2d_backward(
            dout, self._saved("x"), self.params["w"], groups=self.groups, stride=self.stride,
            padding=self.padding, dilation=self.dilation)
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class LocallyConnected2D(Layer):
    """A locally connected layer: a filter of its own at every output position.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    input_size : int or (int, int)
        Height and width of the input; they fix how many positions (and so
        how many filters) the layer has.
    rng : numpy.random.Generator
    stride : int or (int, int)
    padding : int or (int, int)
    bias : bool
        Give each filter (one per channel and position) a bias.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair,
                 input_size: IntOrPair, *, rng: np.random.Generator, stride: IntOrPair = 1,
                 padding: IntOrPair = 0, bias: bool = True) -> None:
        super().__init__()
        kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
        h, w = check_int_or_pair(input_size, "input_size", minimum=1)
        sh, sw = check_int_or_pair(stride, "stride", minimum=1)
        padding = padding_per_side(padding)
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        oh, ow = window_output_size((h, w), (kh, kw), padding, (sh, sw))
        self.stride, self.padding = (sh, sw), padding
        self.in_channels, self.input_size = in_channels, (h, w)
        self.params["w"] = _he_weights(rng, (out_channels, oh, ow, in_channels, kh, kw),
                                       in_channels * kh * kw)
        if check_bool(bias, "bias"):
            self.params["b"] = np.zeros((out_channels, oh, ow))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
        expected = (self.in_channels, *self.input_size)
        if x.shape[1:] != expected:
            raise ValueError(
                f"x must be images of shape (N, {expected[0]}, {expected[1]}, {expected[2]}): "
                f"a locally connected layer has a filter for each position, so it only takes "
                f"the in_channels and input_size it was built for; got x of shape {x.shape}"
            )
        self.x = x
        return locally_connected2d(x, self.params["w"], self.params.get("b"),
                                   stride=self.stride, padding=self.padding)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["w"], db = locally_connected2d_backward(
            dout, self._saved("x"), self.params["w"], stride=self.stride, padding=self.padding)
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class Dense(Layer):
    """A fully connected layer from ``in_features`` to ``out_features``.

    Parameters
    ----------
    in_features, out_features : int
    rng : numpy.random.Generator
    bias : bool
        Give each output neuron a bias.
    """

    def __init__(self, in_features: int, out_features: int, *, rng: np.random.Generator,
                 bias: bool = True) -> None:
        super().__init__()
        in_features = check_int(in_features, "in_features", minimum=1)
        out_features = check_int(out_features, "out_features", minimum=1)
        self.params["w"] = _he_weights(rng, (in_features, out_features), in_features)
        if check_bool(bias, "bias"):
            self.params["b"] = np.zeros(out_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return dense(x, self.params["w"], self.params.get("b"))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["w"], db = dense_backward(dout, self._saved("x"), self.params["w"])
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class ReLU(Layer):
    """``max(x, 0)``; no parameters."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return relu(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return relu_backward(dout, self._saved("x"))


class MaxPool2D(Layer):
    """Max pooling over ``size`` x ``size`` windows, side by side; no parameters."""

    def __init__(self, size: IntOrPair = 2) -> None:
        super().__init__()
        self.size = check_int_or_pair(size, "size", minimum=1)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return max_pool2d(x, self.size)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return max_pool2d_backward(dout, self._saved("x"), self.size)


class GlobalAveragePool2D(Layer):
    """(N, C, H, W) -> (N, C): the mean of each feature map; no parameters.

    The output does not depend on where in the map a feature was found.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
        self.shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        # every cell contributed 1 / (H * W) of the mean
        n, c, h, w = self._saved("shape")
        dout = _check_dout(dout, (n, c))
        return np.broadcast_to(dout[:, :, None, None] / (h * w), self.shape).copy()


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), for a dense layer after image layers."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...): a batch of examples")
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        shape = self._saved("shape")
        dout = _check_dout(dout, (shape[0], int(np.prod(shape[1:]))))
        return dout.reshape(shape)


class Sequential:
    """Layers run one after the other.

    Parameters
    ----------
    layers : sequence of Layer
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of course_utils layers, got {layers!r}")
        layers = list(layers)
        if not layers:
            raise ValueError("layers must hold at least one layer, e.g. [Flatten(), Dense(...)]")
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{index}] must be a course_utils layer such as Conv2D(...) or "
                    f"ReLU(), got {layer!r} of type {type(layer).__name__}"
                )
        self.layers = layers

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run every layer; returns the last layer's output (the class scores)."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Run every layer's backward pass in reverse; fills each layer's ``grads``."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self) -> list[tuple[Layer, str]]:
        """Every (layer, parameter name) pair, in order."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def parameter_count(self) -> int:
        """Number of numbers the model learns."""
        return sum(layer.parameter_count() for layer in self.layers)

    def predict(self, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """The most likely class of each example, shape (N,)."""
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        parts = [self.forward(x[i:i + batch_size]).argmax(axis=1)
                 for i in range(0, len(x), batch_size)]
        return np.concatenate(parts)

    def __repr__(self) -> str:
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n    {inner}\n)  # {self.parameter_count():,} parameters"
