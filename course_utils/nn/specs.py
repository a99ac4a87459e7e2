"""Layer specs: what a layer is, without its weights, for counting and for building.

A spec such as ``ConvSpec(32, 3, padding="same")`` knows four things:

- ``describe()``: a short name for tables, ``"conv 32@3x3, pad same"``
  (32 filters of 3x3);
- ``output_shape(input_shape)``: the shape it makes from an input shape;
- ``counts(input_shape)``: its weights, biases and multiply-adds per image;
- ``build(input_shape, rng)``: the trainable layer(s) of :mod:`course_utils.nn.model`.

Shapes leave out the batch: ``(C, H, W)`` for images, ``(features,)`` after
a flatten. Output sizes are floored when the windows do not fit exactly, as
frameworks do. Multiply-adds count the products of weights and inputs;
adding a bias, ReLU and max pooling are not counted (they are one addition
or comparison per value at most).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..conv.counting import (
    conv_macs,
    conv_params,
    dense_macs,
    dense_params,
    depthwise_separable_params,
    locally_connected_macs,
    locally_connected_params,
)
from ..conv.geometry import PaddingArg, padding_per_side, window_output_size
from ..validation import IntOrPair, check_bool, check_groups, check_int, check_int_or_pair, is_pair
from .model import Conv2D, Dense, Flatten, Layer, LocallyConnected2D, MaxPool2D, ReLU

__all__ = [
    "ConvSpec",
    "DenseSpec",
    "DepthwiseSeparableSpec",
    "FlattenSpec",
    "LayerCounts",
    "LayerSpec",
    "LocallyConnectedSpec",
    "MaxPoolSpec",
    "ReLUSpec",
]

Shape = tuple[int, ...]
#: int, (h, w), ((top, bottom), (left, right)), 'valid' or 'same'.
ConvPaddingSpec = PaddingArg


class LayerCounts(NamedTuple):
    """What one layer costs, for one image."""

    weights: int
    biases: int
    multiply_adds: int


class LayerSpec:
    """The interface every layer spec follows; see the module docstring."""

    def describe(self) -> str:
        """A short name for tables, e.g. ``"conv 32@3x3, pad same"``."""
        raise NotImplementedError

    def output_shape(self, input_shape: Shape) -> Shape:
        """The layer's output shape (without the batch) for an input of ``input_shape``."""
        raise NotImplementedError

    def counts(self, input_shape: Shape) -> LayerCounts:
        """Weights, biases and multiply-adds per image for an input of ``input_shape``."""
        raise NotImplementedError

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        """The trainable layer(s), initial weights drawn from ``rng``."""
        raise NotImplementedError

    #: True when the output is a view of the input (a reshape), so it takes no memory of its own.
    output_is_view = False

    def kept_for_backward(self, input_shape: Shape) -> int:
        """Values per image that the built layer(s) keep from ``forward`` for ``backward``.

        Every layer of :mod:`course_utils.nn.model` with weights, and ReLU and
        max pooling, keeps its input (cs231n's cache), so by default this is
        the number of values in ``input_shape``. A spec whose layers keep
        something else overrides it.
        """
        return int(np.prod(check_input_shape(input_shape)))


# --------------------------------------------------------------------------
# Helpers shared by the specs
# --------------------------------------------------------------------------


def _kernel_text(value: IntOrPair) -> str:
    h, w = check_int_or_pair(value, "kernel_size")
    return f"{h}x{w}"


def _settings_text(padding: object, stride: IntOrPair, dilation: IntOrPair = 1) -> str:
    """The settings as given (lists already made tuples): ``pad same, stride 2``."""
    text = f"pad {padding}"
    if check_int_or_pair(stride, "stride") != (1, 1):
        text += f", stride {stride}"
    if check_int_or_pair(dilation, "dilation") != (1, 1):
        text += f", dilation {dilation}"
    return text


def _as_tuple(value: object) -> object:
    """Lists become tuples, inner ones too, so that a spec stays hashable and compares by value."""
    return tuple(_as_tuple(item) for item in value) if is_pair(value) else value


def check_input_shape(input_shape: object, name: str = "input_shape") -> Shape:
    """``input_shape`` as a tuple of positive ints, or a clear error naming ``name``.

    The one check of a shape given to a spec (``output_shape``, ``counts``,
    ``build``) and to :func:`course_utils.summarize`: ``(C, H, W)`` for
    images, ``(features,)`` after a flatten; no batch axis.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not is_pair(input_shape):
        raise TypeError(
            f"{name} must be a tuple of positive ints, (C, H, W) for images or (features,) "
            f"after a flatten, got {input_shape!r} of type {type(input_shape).__name__}"
        )
    if not input_shape:
        raise ValueError(
            f"{name} must hold at least one size, (C, H, W) for images or (features,) after "
            "a flatten, got ()"
        )
    return tuple(check_int(value, f"{name}[{index}]", minimum=1)
                 for index, value in enumerate(input_shape))


def _image_shape(input_shape: object, layer: str) -> tuple[int, int, int]:
    input_shape = check_input_shape(input_shape)
    if len(input_shape) != 3:
        raise ValueError(
            f"input_shape must be an image shape (C, H, W) for {layer}, got {input_shape}: "
            "after a FlattenSpec the values are a vector and cannot go back into an image layer"
        )
    return input_shape


def _check_conv_settings(spec: ConvSpec | DepthwiseSeparableSpec) -> None:
    """Check and tidy the fields that convolution specs share."""
    for name in ("kernel_size", "padding", "stride", "dilation"):
        object.__setattr__(spec, name, _as_tuple(getattr(spec, name)))
    check_int(spec.out_channels, "out_channels", minimum=1)
    check_int_or_pair(spec.kernel_size, "kernel_size", minimum=1)
    check_int_or_pair(spec.stride, "stride", minimum=1)
    check_int_or_pair(spec.dilation, "dilation", minimum=1)
    # With the kernel, stride and dilation known, 'same' is checked here too.
    padding_per_side(spec.padding, spec.kernel_size, spec.stride, spec.dilation)
    check_bool(spec.bias, "bias")


# --------------------------------------------------------------------------
# The specs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConvSpec(LayerSpec):
    """A 2-D convolution: ``out_channels`` filters of ``kernel_size``, shared by every position.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.padding_per_side`.
    stride, dilation : int or (int, int)
    groups : int
        Must divide the input and output channels; each filter is
        ``C_in / groups`` deep.
    bias : bool
    """

    out_channels: int
    kernel_size: IntOrPair
    padding: ConvPaddingSpec = 0
    stride: IntOrPair = 1
    dilation: IntOrPair = 1
    groups: int = 1
    bias: bool = True

    def __post_init__(self) -> None:
        _check_conv_settings(self)
        groups = check_int(self.groups, "groups", minimum=1)
        # The input channels are known only from an input shape (output_shape checks them).
        if self.out_channels % groups != 0:
            raise ValueError(f"out_channels must be divisible by groups: "
                             f"out_channels={self.out_channels}, groups={groups}")

    def describe(self) -> str:
        text = (f"conv {self.out_channels}@{_kernel_text(self.kernel_size)}, "
                + _settings_text(self.padding, self.stride, self.dilation))
        return text + (f", groups {self.groups}" if self.groups != 1 else "")

    def output_shape(self, input_shape: Shape) -> Shape:
        channels, h, w = _image_shape(input_shape, "a conv layer")
        check_groups(self.groups, channels, self.out_channels)
        return (self.out_channels,
                *window_output_size((h, w), self.kernel_size, self.padding, self.stride,
                                    self.dilation))

    def counts(self, input_shape: Shape) -> LayerCounts:
        channels = _image_shape(input_shape, "a conv layer")[0]
        out = self.output_shape(input_shape)
        weights = conv_params(channels, self.out_channels, self.kernel_size, groups=self.groups,
                              bias=False)
        macs = conv_macs(channels, self.out_channels, self.kernel_size, out[1:],
                         groups=self.groups)
        return LayerCounts(weights, self.out_channels if self.bias else 0, macs)

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        channels = _image_shape(input_shape, "a conv layer")[0]
        return [Conv2D(channels, self.out_channels, self.kernel_size, rng=rng,
                       stride=self.stride, padding=self.padding, dilation=self.dilation,
                       groups=self.groups, bias=self.bias)]


@dataclass(frozen=True)
class DepthwiseSeparableSpec(LayerSpec):
    """A depthwise convolution (one ``K x K`` filter per input channel), then a 1x1 convolution.

    As in MobileNet. The depthwise step has the ``padding``, ``stride`` and
    ``dilation``; the pointwise 1x1 step mixes the channels. With ``bias``
    both steps have biases (``C_in + C_out``), as two PyTorch layers would.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.padding_per_side`.
    stride, dilation : int or (int, int)
    bias : bool
    """

    out_channels: int
    kernel_size: IntOrPair
    padding: ConvPaddingSpec = 0
    stride: IntOrPair = 1
    dilation: IntOrPair = 1
    bias: bool = True

    def __post_init__(self) -> None:
        _check_conv_settings(self)

    def steps(self, in_channels: int) -> tuple[ConvSpec, ConvSpec]:
        """The two convolutions it is made of: depthwise (``groups = C_in``), then 1x1."""
        depthwise = ConvSpec(in_channels, self.kernel_size, self.padding, self.stride,
                             self.dilation, groups=in_channels, bias=self.bias)
        return depthwise, ConvSpec(self.out_channels, 1, bias=self.bias)

    def describe(self) -> str:
        return (f"depthwise-separable {self.out_channels}@{_kernel_text(self.kernel_size)}, "
                + _settings_text(self.padding, self.stride, self.dilation))

    def output_shape(self, input_shape: Shape) -> Shape:
        channels = _image_shape(input_shape, "a depthwise-separable layer")[0]
        depthwise, pointwise = self.steps(channels)
        return pointwise.output_shape(depthwise.output_shape(input_shape))

    def counts(self, input_shape: Shape) -> LayerCounts:
        channels = _image_shape(input_shape, "a depthwise-separable layer")[0]
        depthwise, pointwise = self.steps(channels)
        middle = depthwise.output_shape(input_shape)
        weights = depthwise_separable_params(channels, self.out_channels, self.kernel_size,
                                             bias=False)
        macs = depthwise.counts(input_shape).multiply_adds + pointwise.counts(middle).multiply_adds
        return LayerCounts(weights, (channels + self.out_channels) if self.bias else 0, macs)

    def kept_for_backward(self, input_shape: Shape) -> int:
        """The input, kept by the depthwise step, and the middle map, kept by the 1x1 step."""
        depthwise, _ = self.steps(_image_shape(input_shape, "a depthwise-separable layer")[0])
        return int(np.prod(input_shape)) + int(np.prod(depthwise.output_shape(input_shape)))

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        depthwise, pointwise = self.steps(
            _image_shape(input_shape, "a depthwise-separable layer")[0])
        return (depthwise.build(input_shape, rng)
                + pointwise.build(depthwise.output_shape(input_shape), rng))


@dataclass(frozen=True)
class LocallyConnectedSpec(LayerSpec):
    """A locally connected layer: like a convolution, but a filter of its own at every position.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.padding_per_side` (``'same'`` needs stride 1).
    stride : int or (int, int)
    bias : bool
        One bias per filter, so per channel *and* position.
    """

    out_channels: int
    kernel_size: IntOrPair
    padding: ConvPaddingSpec = 0
    stride: IntOrPair = 1
    bias: bool = True

    def __post_init__(self) -> None:
        for name in ("kernel_size", "padding", "stride"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        check_int(self.out_channels, "out_channels", minimum=1)
        check_int_or_pair(self.kernel_size, "kernel_size", minimum=1)
        padding_per_side(self.padding, self.kernel_size, self.stride)
        check_int_or_pair(self.stride, "stride", minimum=1)
        check_bool(self.bias, "bias")

    def describe(self) -> str:
        return (f"locally connected {self.out_channels}@{_kernel_text(self.kernel_size)}, "
                + _settings_text(self.padding, self.stride))

    def output_shape(self, input_shape: Shape) -> Shape:
        _, h, w = _image_shape(input_shape, "a locally connected layer")
        return (self.out_channels,
                *window_output_size((h, w), self.kernel_size, self.padding, self.stride))

    def counts(self, input_shape: Shape) -> LayerCounts:
        channels = _image_shape(input_shape, "a locally connected layer")[0]
        out = self.output_shape(input_shape)
        weights = locally_connected_params(channels, self.out_channels, self.kernel_size,
                                           out[1:], bias=False)
        biases = self.out_channels * out[1] * out[2] if self.bias else 0
        macs = locally_connected_macs(channels, self.out_channels, self.kernel_size, out[1:])
        return LayerCounts(weights, biases, macs)

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        channels, h, w = _image_shape(input_shape, "a locally connected layer")
        return [LocallyConnected2D(channels, self.out_channels, self.kernel_size,
                                   (h, w), rng=rng, stride=self.stride,
                                   padding=self.padding, bias=self.bias)]


@dataclass(frozen=True)
class MaxPoolSpec(LayerSpec):
    """Max pooling over ``size`` x ``size`` windows side by side; no parameters.

    Attributes
    ----------
    size : int or (int, int)
    """

    size: IntOrPair = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", _as_tuple(self.size))
        check_int_or_pair(self.size, "size", minimum=1)

    def describe(self) -> str:
        return f"max pool {_kernel_text(self.size)}"

    def output_shape(self, input_shape: Shape) -> Shape:
        channels, h, w = _image_shape(input_shape, "a max pool layer")
        try:
            # Windows side by side: the stride is the window size.
            out = window_output_size((h, w), self.size, stride=self.size)
        except ValueError:  # not even one window fits; say it with the spec's field names
            kh, kw = check_int_or_pair(self.size, "size")
            raise ValueError(f"a {kh}x{kw} max pool does not fit in a {h}x{w} map: "
                             "size must be at most the map's height and width") from None
        return (channels, *out)

    def counts(self, input_shape: Shape) -> LayerCounts:
        self.output_shape(input_shape)
        return LayerCounts(0, 0, 0)

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [MaxPool2D(self.size)]


@dataclass(frozen=True)
class ReLUSpec(LayerSpec):
    """``max(x, 0)`` on every value; no parameters."""

    def describe(self) -> str:
        return "relu"

    def output_shape(self, input_shape: Shape) -> Shape:
        return check_input_shape(input_shape)

    def counts(self, input_shape: Shape) -> LayerCounts:
        check_input_shape(input_shape)
        return LayerCounts(0, 0, 0)

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [ReLU()]


@dataclass(frozen=True)
class FlattenSpec(LayerSpec):
    """(C, H, W) -> (C*H*W,): the image as one long vector, for a dense layer."""

    output_is_view = True  # a reshape: the same memory as its input

    def describe(self) -> str:
        return "flatten"

    def output_shape(self, input_shape: Shape) -> Shape:
        return (int(np.prod(check_input_shape(input_shape))),)

    def counts(self, input_shape: Shape) -> LayerCounts:
        check_input_shape(input_shape)
        return LayerCounts(0, 0, 0)

    def kept_for_backward(self, input_shape: Shape) -> int:
        """Nothing: flattening back needs only the shape."""
        check_input_shape(input_shape)
        return 0

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [Flatten()]


@dataclass(frozen=True)
class DenseSpec(LayerSpec):
    """A fully connected layer with ``out_features`` neurons.

    Attributes
    ----------
    out_features : int
    bias : bool
    """

    out_features: int
    bias: bool = True

    def __post_init__(self) -> None:
        check_int(self.out_features, "out_features", minimum=1)
        check_bool(self.bias, "bias")

    def describe(self) -> str:
        return f"dense {self.out_features}"

    def _in_features(self, input_shape: Shape) -> int:
        input_shape = check_input_shape(input_shape)
        if len(input_shape) != 1:
            raise ValueError(f"input_shape must be flat, (features,), for a dense layer, got "
                             f"{input_shape}: put a FlattenSpec() before it")
        return input_shape[0]

    def output_shape(self, input_shape: Shape) -> Shape:
        self._in_features(input_shape)
        return (self.out_features,)

    def counts(self, input_shape: Shape) -> LayerCounts:
        features = self._in_features(input_shape)
        return LayerCounts(dense_params(features, self.out_features, bias=False),
                           self.out_features if self.bias else 0,
                           dense_macs(features, self.out_features))

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [Dense(self._in_features(input_shape), self.out_features, rng=rng, bias=self.bias)]
