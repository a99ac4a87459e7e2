"""A model summary: each layer's output shape, weights, biases, multiply-adds and memory.

Describe a model as a list of layer specs, such as ``ConvSpec(32, 3,
padding="same")``, and an input shape ``(C, H, W)``. :func:`summarize`
works out every layer's output shape from the one before it, and counts
from those shapes, without allocating anything. :func:`build_model` turns
the same list into a trainable :class:`~course_utils.model.Sequential`, so
the counts can be checked against the arrays a real model allocates.

Conventions
-----------
- Shapes leave out the batch: ``(C, H, W)`` for images, ``(features,)``
  after a flatten.
- Output sizes are floored when the windows do not fit exactly, as
  frameworks do (see :func:`course_utils.conv_output_size`).
- Multiply-adds are per image and count the products of weights and inputs;
  adding the bias, ReLU and max pooling are not counted (they are additions
  and comparisons, one per output value at most).
- Memory is the parameters' memory in float32 (4 bytes each).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Sequence, Union

import numpy as np

from .counting import (
    conv_macs,
    conv_params,
    dense_macs,
    dense_params,
    depthwise_separable_params,
    format_bytes,
    locally_connected_macs,
    locally_connected_params,
    memory_bytes,
)
from .geometry import conv_output_size
from .model import (
    Conv2D,
    Dense,
    Flatten,
    Layer,
    LocallyConnected2D,
    MaxPool2D,
    ReLU,
    Sequential,
)
from .validation import IntOrPair, check_bool, check_int, check_int_or_pair, is_pair

Shape = tuple[int, ...]
ConvPaddingSpec = Union[int, tuple[int, int], str]


def _pair_text(value: IntOrPair) -> str:
    h, w = (value, value) if not is_pair(value) else value
    return f"{h}x{w}"


def _setting_text(value: object) -> str:
    """A padding, stride or dilation as given: ``1``, ``same`` or ``(1, 2)``."""
    return str(tuple(value)) if is_pair(value) else str(value)


def _image_shape(input_shape: Shape, layer: str) -> tuple[int, int, int]:
    if len(input_shape) != 3:
        raise ValueError(
            f"{layer} needs an image input of shape (C, H, W), got shape {input_shape}"
            + (": a dense layer's output cannot go back into an image layer"
               if len(input_shape) == 1 else "")
        )
    return input_shape


def _check_padding(padding: object) -> ConvPaddingSpec:
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be an int, an (h, w) pair, 'valid' or 'same', "
                             f"got {padding!r}")
        return padding
    check_int_or_pair(padding, "padding", minimum=0)
    return padding


def _conv_output(size: tuple[int, int], kernel: IntOrPair, padding: ConvPaddingSpec,
                 stride: IntOrPair, dilation: IntOrPair) -> tuple[int, int]:
    kh, kw = check_int_or_pair(kernel, "kernel_size", minimum=1)
    sh, sw = check_int_or_pair(stride, "stride", minimum=1)
    dh, dw = check_int_or_pair(dilation, "dilation", minimum=1)
    if isinstance(padding, str):
        ph = pw = padding
    else:
        ph, pw = check_int_or_pair(padding, "padding", minimum=0)
    return (conv_output_size(size[0], kh, ph, sh, dh, strict=False),
            conv_output_size(size[1], kw, pw, sw, dw, strict=False))


@dataclass(frozen=True)
class ConvSpec:
    """A 2-D convolution: ``out_channels`` filters of ``kernel_size``, shared by every position.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int, (int, int), 'valid' or 'same'
    stride, dilation : int or (int, int)
    groups : int
        Divides the input and output channels; each filter is
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
        check_int(self.out_channels, "out_channels", minimum=1)
        check_int_or_pair(self.kernel_size, "kernel_size", minimum=1)
        _check_padding(self.padding)
        check_int_or_pair(self.stride, "stride", minimum=1)
        check_int_or_pair(self.dilation, "dilation", minimum=1)
        check_int(self.groups, "groups", minimum=1)
        check_bool(self.bias, "bias")

    def describe(self) -> str:
        extras = [f"pad {_setting_text(self.padding)}"]
        if self.stride != 1:
            extras.append(f"stride {_setting_text(self.stride)}")
        if self.dilation != 1:
            extras.append(f"dilation {_setting_text(self.dilation)}")
        if self.groups != 1:
            extras.append(f"groups {self.groups}")
        return f"conv {self.out_channels}@{_pair_text(self.kernel_size)}, " + ", ".join(extras)

    def output_shape(self, input_shape: Shape) -> Shape:
        channels, h, w = _image_shape(input_shape, "a conv layer")
        return (self.out_channels,
                *_conv_output((h, w), self.kernel_size, self.padding, self.stride, self.dilation))

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        channels = _image_shape(input_shape, "a conv layer")[0]
        out = self.output_shape(input_shape)
        weights = conv_params(channels, self.out_channels, self.kernel_size, groups=self.groups,
                              bias=False)
        macs = conv_macs(channels, self.out_channels, self.kernel_size, out[1:],
                         groups=self.groups)
        return weights, self.out_channels if self.bias else 0, macs

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [Conv2D(input_shape[0], self.out_channels, self.kernel_size, rng=rng,
                       stride=self.stride, padding=self.padding, dilation=self.dilation,
                       groups=self.groups, bias=self.bias)]


@dataclass(frozen=True)
class DepthwiseSeparableSpec:
    """A depthwise convolution (one ``K x K`` filter per input channel), then a 1x1 convolution.

    As in MobileNet. The depthwise step has ``padding``, ``stride`` and
    ``dilation``; the pointwise 1x1 step mixes the channels. With ``bias``
    both steps have biases (``C_in + C_out``), as two PyTorch layers would.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int, (int, int), 'valid' or 'same'
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
        check_int(self.out_channels, "out_channels", minimum=1)
        check_int_or_pair(self.kernel_size, "kernel_size", minimum=1)
        _check_padding(self.padding)
        check_int_or_pair(self.stride, "stride", minimum=1)
        check_int_or_pair(self.dilation, "dilation", minimum=1)
        check_bool(self.bias, "bias")

    def _steps(self, channels: int) -> tuple[ConvSpec, ConvSpec]:
        depthwise = ConvSpec(channels, self.kernel_size, self.padding, self.stride,
                             self.dilation, groups=channels, bias=self.bias)
        return depthwise, ConvSpec(self.out_channels, 1, bias=self.bias)

    def describe(self) -> str:
        extras = [f"pad {_setting_text(self.padding)}"]
        if self.stride != 1:
            extras.append(f"stride {_setting_text(self.stride)}")
        if self.dilation != 1:
            extras.append(f"dilation {_setting_text(self.dilation)}")
        return (f"depthwise-separable {self.out_channels}@{_pair_text(self.kernel_size)}, "
                + ", ".join(extras))

    def output_shape(self, input_shape: Shape) -> Shape:
        channels = _image_shape(input_shape, "a depthwise-separable layer")[0]
        depthwise, pointwise = self._steps(channels)
        return pointwise.output_shape(depthwise.output_shape(input_shape))

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        channels = _image_shape(input_shape, "a depthwise-separable layer")[0]
        depthwise, pointwise = self._steps(channels)
        middle = depthwise.output_shape(input_shape)
        weights = depthwise_separable_params(channels, self.out_channels, self.kernel_size,
                                             bias=False)
        macs = depthwise.counts(input_shape)[2] + pointwise.counts(middle)[2]
        return weights, (channels + self.out_channels) if self.bias else 0, macs

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        depthwise, pointwise = self._steps(input_shape[0])
        return (depthwise.build(input_shape, rng)
                + pointwise.build(depthwise.output_shape(input_shape), rng))


@dataclass(frozen=True)
class LocallyConnectedSpec:
    """A locally connected layer: like a convolution, but a filter of its own at every position.

    Attributes
    ----------
    out_channels : int
    kernel_size : int or (int, int)
    padding : int or (int, int)
        Zero padding on each side.
    stride : int or (int, int)
    bias : bool
        One bias per filter, so per channel *and* position.
    """

    out_channels: int
    kernel_size: IntOrPair
    padding: IntOrPair = 0
    stride: IntOrPair = 1
    bias: bool = True

    def __post_init__(self) -> None:
        check_int(self.out_channels, "out_channels", minimum=1)
        check_int_or_pair(self.kernel_size, "kernel_size", minimum=1)
        check_int_or_pair(self.padding, "padding", minimum=0)
        check_int_or_pair(self.stride, "stride", minimum=1)
        check_bool(self.bias, "bias")

    def describe(self) -> str:
        text = (f"locally connected {self.out_channels}@{_pair_text(self.kernel_size)}, "
                f"pad {_setting_text(self.padding)}")
        return text + (f", stride {_setting_text(self.stride)}" if self.stride != 1 else "")

    def output_shape(self, input_shape: Shape) -> Shape:
        _, h, w = _image_shape(input_shape, "a locally connected layer")
        return (self.out_channels,
                *_conv_output((h, w), self.kernel_size, self.padding, self.stride, 1))

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        channels = input_shape[0]
        out = self.output_shape(input_shape)
        weights = locally_connected_params(channels, self.out_channels, self.kernel_size,
                                           out[1:], bias=False)
        biases = self.out_channels * out[1] * out[2] if self.bias else 0
        macs = locally_connected_macs(channels, self.out_channels, self.kernel_size, out[1:])
        return weights, biases, macs

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [LocallyConnected2D(input_shape[0], self.out_channels, self.kernel_size,
                                   input_shape[1:], rng=rng, stride=self.stride,
                                   padding=self.padding, bias=self.bias)]


@dataclass(frozen=True)
class MaxPoolSpec:
    """Max pooling over ``size`` x ``size`` windows side by side; no parameters.

    Attributes
    ----------
    size : int or (int, int)
    """

    size: IntOrPair = 2

    def __post_init__(self) -> None:
        check_int_or_pair(self.size, "size", minimum=1)

    def describe(self) -> str:
        return f"max pool {_pair_text(self.size)}"

    def output_shape(self, input_shape: Shape) -> Shape:
        channels, h, w = _image_shape(input_shape, "a max pool layer")
        return (channels, *_conv_output((h, w), self.size, 0, self.size, 1))

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        self.output_shape(input_shape)
        return 0, 0, 0

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [MaxPool2D(self.size)]


@dataclass(frozen=True)
class ReLUSpec:
    """``max(x, 0)`` on every value; no parameters."""

    def describe(self) -> str:
        return "relu"

    def output_shape(self, input_shape: Shape) -> Shape:
        return input_shape

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        return 0, 0, 0

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [ReLU()]


@dataclass(frozen=True)
class FlattenSpec:
    """(C, H, W) -> (C*H*W,): the image as one long vector, for a dense layer."""

    def describe(self) -> str:
        return "flatten"

    def output_shape(self, input_shape: Shape) -> Shape:
        return (int(np.prod(input_shape)),)

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        return 0, 0, 0

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [Flatten()]


@dataclass(frozen=True)
class DenseSpec:
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
        if len(input_shape) != 1:
            raise ValueError(f"a dense layer needs a flat input (features,), got shape "
                             f"{input_shape}: put a FlattenSpec() before it")
        return input_shape[0]

    def output_shape(self, input_shape: Shape) -> Shape:
        self._in_features(input_shape)
        return (self.out_features,)

    def counts(self, input_shape: Shape) -> tuple[int, int, int]:
        features = self._in_features(input_shape)
        weights = dense_params(features, self.out_features, bias=False)
        return weights, self.out_features if self.bias else 0, dense_macs(features,
                                                                          self.out_features)

    def build(self, input_shape: Shape, rng: np.random.Generator) -> list[Layer]:
        return [Dense(input_shape[0], self.out_features, rng=rng, bias=self.bias)]


LayerSpec = Union[ConvSpec, DepthwiseSeparableSpec, LocallyConnectedSpec, MaxPoolSpec,
                  ReLUSpec, FlattenSpec, DenseSpec]
LAYER_SPECS = (ConvSpec, DenseSpec, DepthwiseSeparableSpec, FlattenSpec, LocallyConnectedSpec,
               MaxPoolSpec, ReLUSpec)


@dataclass(frozen=True)
class SummaryRow:
    """One layer of a :class:`ModelSummary`.

    Attributes
    ----------
    layer : str
        What the layer is, e.g. ``"conv 32@3x3, pad same"``.
    output_shape : tuple of int
        Without the batch: (C, H, W) or (features,).
    weights, biases : int
    multiply_adds : int
        Per image.
    """

    layer: str
    output_shape: Shape
    weights: int
    biases: int
    multiply_adds: int

    @property
    def parameters(self) -> int:
        """Weights plus biases."""
        return self.weights + self.biases

    @property
    def memory(self) -> int:
        """Bytes of the parameters in float32."""
        return memory_bytes(self.parameters, "float32")


def _number(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True)
class ModelSummary:
    """Every layer's shape and counts, and the totals; shows itself as a table.

    Attributes
    ----------
    input_shape : tuple of int
        (C, H, W) of one input image.
    rows : tuple of SummaryRow
        One per layer spec, in order.
    """

    input_shape: Shape
    rows: tuple[SummaryRow, ...]

    @property
    def weights(self) -> int:
        """Total weights."""
        return sum(row.weights for row in self.rows)

    @property
    def biases(self) -> int:
        """Total biases."""
        return sum(row.biases for row in self.rows)

    @property
    def parameters(self) -> int:
        """Total parameters (weights plus biases)."""
        return sum(row.parameters for row in self.rows)

    @property
    def multiply_adds(self) -> int:
        """Total multiply-adds for one image."""
        return sum(row.multiply_adds for row in self.rows)

    @property
    def memory(self) -> int:
        """Bytes of all parameters in float32."""
        return memory_bytes(self.parameters, "float32")

    @property
    def output_shape(self) -> Shape:
        """The last layer's output shape."""
        return self.rows[-1].output_shape

    HEADERS = ("Layer", "Output shape", "Weights", "Biases", "Parameters", "Multiply-adds",
               "Memory (float32)")

    def _cells(self) -> tuple[list[list[str]], list[str]]:
        body = [[row.layer, str(row.output_shape), _number(row.weights), _number(row.biases),
                 _number(row.parameters), _number(row.multiply_adds), format_bytes(row.memory)]
                for row in self.rows]
        total = ["total", "", _number(self.weights), _number(self.biases),
                 _number(self.parameters), _number(self.multiply_adds),
                 format_bytes(self.memory)]
        return body, total

    def _note(self) -> str:
        return (f"input {self.input_shape}; shapes without the batch; "
                "multiply-adds per image; memory of the parameters in float32")

    def table(self) -> str:
        """The summary as a fixed-width text table."""
        body, total = self._cells()
        lines = [list(self.HEADERS)] + body + [total]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.HEADERS))]

        def format_line(line: list[str]) -> str:
            first = line[0].ljust(widths[0])  # layer names read best left-aligned
            return "  ".join([first] + [c.rjust(w) for c, w in zip(line[1:], widths[1:])])

        rule = "  ".join("-" * w for w in widths)
        text = [format_line(lines[0]), rule] + [format_line(line) for line in body]
        return "\n".join(text + [rule, format_line(total), self._note()])

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        body, total = self._cells()
        right = 'style="text-align:right"'
        left = 'style="text-align:left"'

        def row_html(cells: list[str], tag: str = "td", bold: bool = False) -> str:
            texts = [f"<b>{escape(c)}</b>" if bold else escape(c) for c in cells]
            parts = [f"<{tag} {left}>{texts[0]}</{tag}>"]
            parts += [f"<{tag} {right}>{text}</{tag}>" for text in texts[1:]]
            return "<tr>" + "".join(parts) + "</tr>"

        head = row_html(list(self.HEADERS), "th")
        rows = "".join(row_html(cells) for cells in body)
        foot = row_html(total, bold=True)
        return (f'<table class="course-summary"><caption>{escape(self._note())}</caption>'
                f"<thead>{head}</thead><tbody>{rows}</tbody><tfoot>{foot}</tfoot></table>")


def _check_specs(layers: Sequence[LayerSpec]) -> list[LayerSpec]:
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a list of layer specs, got {layers!r}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers must hold at least one layer spec, got an empty list")
    for number, layer in enumerate(layers):
        if not isinstance(layer, LAYER_SPECS):
            allowed = ", ".join(spec.__name__ for spec in LAYER_SPECS)
            raise TypeError(f"layers[{number}] must be a layer spec ({allowed}), got {layer!r}")
    return layers


def _check_input_shape(input_shape: object) -> Shape:
    if not is_pair(input_shape) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be (C, H, W), three positive ints, got "
                        f"{input_shape!r}")
    return tuple(check_int(v, "input_shape", minimum=1) for v in input_shape)


def summarize(layers: Sequence[LayerSpec], input_shape: Shape) -> ModelSummary:
    """Count a model layer by layer from its specs; nothing is allocated.

    Parameters
    ----------
    layers : sequence of layer specs
        ``ConvSpec``, ``DepthwiseSeparableSpec``, ``LocallyConnectedSpec``,
        ``MaxPoolSpec``, ``ReLUSpec``, ``FlattenSpec`` or ``DenseSpec``, first
        layer first.
    input_shape : (int, int, int)
        (C, H, W) of one input image, e.g. ``(1, 28, 28)`` for MNIST.

    Returns
    -------
    ModelSummary
        Shows itself as a table (text, and HTML in Jupyter).

    Examples
    --------
    >>> s = summarize([ConvSpec(32, 3, padding="same"), ReLUSpec(), MaxPoolSpec(2),
    ...                FlattenSpec(), DenseSpec(128), ReLUSpec(), DenseSpec(10)], (1, 28, 28))
    >>> s.parameters, s.rows[0].output_shape
    (804554, (32, 28, 28))
    """
    layers = _check_specs(layers)
    shape = _check_input_shape(input_shape)
    rows = []
    for layer in layers:
        weights, biases, macs = layer.counts(shape)
        shape = layer.output_shape(shape)
        rows.append(SummaryRow(layer.describe(), shape, weights, biases, macs))
    return ModelSummary(_check_input_shape(input_shape), tuple(rows))


def build_model(layers: Sequence[LayerSpec], input_shape: Shape, *, seed: int,
                dtype: str = "float32") -> Sequential:
    """A trainable model with exactly the layers that :func:`summarize` counts.

    Parameters
    ----------
    layers : sequence of layer specs
        As for :func:`summarize`.
    input_shape : (int, int, int)
        (C, H, W) of one input image.
    seed : int
        Seeds the generator that draws the initial weights (He et al., 2015).
    dtype : str
        ``"float32"`` (as frameworks train; half the memory and time of
        float64) or ``"float64"``.

    Returns
    -------
    Sequential
        A depthwise-separable spec becomes two layers (depthwise, then 1x1).
    """
    layers = _check_specs(layers)
    shape = _check_input_shape(input_shape)
    seed = check_int(seed, "seed", minimum=0)
    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    rng = np.random.default_rng(seed)
    built: list[Layer] = []
    for layer in layers:
        built += layer.build(shape, rng)
        shape = layer.output_shape(shape)
    for part in built:
        for name, array in part.params.items():
            part.params[name] = array.astype(dtype)
    return Sequential(built)
