"""A model summary: each layer's output shape, weights, biases, multiply-adds and memory.

Describe a model as a list of layer specs (:mod:`course_utils.nn.specs`),
such as ``ConvSpec(32, 3, padding="same")``, and an input shape ``(C, H,
W)``. :func:`summarize` works out every layer's output shape from the one
before it, and counts from those shapes, without allocating anything.
:func:`build_model` turns the same list into a trainable
:class:`~course_utils.nn.model.Sequential`, so the counts can be checked
against the arrays a real model allocates.

Conventions: shapes leave out the batch; multiply-adds are per image and
count products of weights and inputs; memory is the parameters' memory in
float32 (4 bytes each). Activations are each layer's output per image, as in
cs231n's VGG walkthrough; :meth:`ModelSummary.training_memory` adds up what
one training step of a batch holds: parameters, their gradients, Adam's two
running moments, and the activations the layers keep for the backward pass.
"""

from __future__ import annotations

import textwrap

from dataclasses import dataclass
from html import escape
from typing import Sequence

import numpy as np

from ..conv.counting import format_bytes, memory_bytes
from ..validation import check_int
from ..viz.tables import text_table  # plain Python: no matplotlib
from .model import Layer, Sequential
from .specs import FlattenSpec, LayerSpec, ReLUSpec, Shape, check_input_shape

__all__ = [
    "build_model",
    "ModelSummary",
    "summarize",
    "SummaryRow",
    "TrainingMemory",
]

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
    activations : int
        Values of the output per image that take memory of their own (0 for
        a flatten, whose output is a view of its input).
    kept_for_backward : int
        Values per image that the layer keeps from its forward pass for its
        backward pass (its input, for most layers).
    """

    layer: str
    output_shape: Shape
    weights: int
    biases: int
    multiply_adds: int
    activations: int = 0
    kept_for_backward: int = 0

    @property
    def parameters(self) -> int:
        """Weights plus biases."""
        return self.weights + self.biases

    @property
    def memory(self) -> int:
        """Bytes of the parameters in float32."""
        return memory_bytes(self.parameters, "float32")

    @property
    def activation_memory(self) -> int:
        """Bytes of the output of one image in float32."""
        return memory_bytes(self.activations, "float32")


@dataclass(frozen=True)
class TrainingMemory:
    """What one training step with Adam holds in memory, in bytes.

    Attributes
    ----------
    batch_size : int
        Images per step, ``N``.
    dtype : str
        ``'float32'`` or ``'float64'``: the size of every number.
    parameters, gradients : int
        One number per parameter each.
    optimizer_state : int
        Adam's running means of the gradient and of its square: two numbers
        per parameter.
    activations : int
        What the layers keep from the forward pass for the backward pass,
        for the whole batch (the input images included).
    """

    batch_size: int
    dtype: str
    parameters: int
    gradients: int
    optimizer_state: int
    activations: int

    @property
    def total(self) -> int:
        """All four together."""
        return self.parameters + self.gradients + self.optimizer_state + self.activations

    def table(self) -> str:
        """The four parts and the total as a text table."""
        rows = [["parameters", format_bytes(self.parameters)],
                ["gradients", format_bytes(self.gradients)],
                ["Adam's two moments", format_bytes(self.optimizer_state)],
                [f"activations kept for backward ({self.batch_size} images)",
                 format_bytes(self.activations)]]
        return text_table(["training step holds", f"memory ({self.dtype})"], rows,
                          footer=[["total", format_bytes(self.total)]], left_columns=1)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return self.table()


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
    def activations(self) -> int:
        """Values per image of all the layers' outputs (views not counted twice)."""
        return sum(row.activations for row in self.rows)

    @property
    def activation_memory(self) -> int:
        """Bytes per image of all the layers' outputs in float32."""
        return memory_bytes(self.activations, "float32")

    @property
    def kept_for_backward(self) -> int:
        """Values per image that the layers keep for the backward pass."""
        return sum(row.kept_for_backward for row in self.rows)

    def training_memory(self, batch_size: int, *, dtype: str = "float32") -> TrainingMemory:
        """Memory of one training step with Adam on a batch of ``batch_size`` images.

        Parameters
        ----------
        batch_size : int
            ``N >= 1`` images per step.
        dtype : {'float32', 'float64'}
            The model's number type (:func:`build_model` uses float32 by default).

        Returns
        -------
        TrainingMemory
            Parameters, gradients and Adam's two moments (one, one and two
            numbers per parameter), and the activations kept for the backward
            pass (``N`` times :attr:`kept_for_backward`). Short-lived arrays of
            the backward pass itself (each layer's ``dx``) are not included.
        """
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        size = memory_bytes(1, dtype)
        return TrainingMemory(batch_size, dtype, self.parameters * size, self.parameters * size,
                              2 * self.parameters * size,
                              batch_size * self.kept_for_backward * size)

    @property
    def output_shape(self) -> Shape:
        """The last layer's output shape (the input shape if there are no layers)."""
        return self.rows[-1].output_shape if self.rows else self.input_shape

    HEADERS = ("Layer", "Output shape", "Weights", "Biases", "Parameters", "Multiply-adds",
               "Memory (float32)", "Activations / image")

    def _cells(self) -> tuple[list[list[str]], list[str]]:
        body = [[row.layer, str(row.output_shape), _number(row.weights), _number(row.biases),
                 _number(row.parameters), _number(row.multiply_adds), format_bytes(row.memory),
                 format_bytes(row.activation_memory) if row.activations else "(view)"]
                for row in self.rows]
        total = ["total", "", _number(self.weights), _number(self.biases),
                 _number(self.parameters), _number(self.multiply_adds),
                 format_bytes(self.memory), format_bytes(self.activation_memory)]
        return body, total

    def _note(self) -> str:
        return (f"input {self.input_shape}; shapes without the batch; "
                "multiply-adds per image; memory of the parameters and of each output "
                "(activations, per image) in float32")

    def table(self) -> str:
        """The summary as a fixed-width text table."""
        body, total = self._cells()
        # Layer names read best left-aligned, numbers right-aligned.
        table = text_table(list(self.HEADERS), body, footer=[total], left_columns=1)
        return f"{table}\n{textwrap.fill(self._note(), 100)}"  # a projector's width

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
    """The specs as a list, read once (a generator works too), or a clear error."""
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"layers must be a list of layer specs, got {layers!r}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers must hold at least one layer spec, got an empty list")
    for number, layer in enumerate(layers):
        # Any LayerSpec is welcome: a new kind of layer needs only its spec class.
        if not isinstance(layer, LayerSpec):
            allowed = ", ".join(sorted(spec.__name__ for spec in LayerSpec.__subclasses__()))
            raise TypeError(f"layers[{number}] must be a layer spec ({allowed}), got "
                            f"{layer!r}{_spec_hint(layer)}")
    return layers


def _spec_hint(layer: object) -> str:
    """Why a non-spec ended up in the list, when it is a common slip."""
    if isinstance(layer, type) and issubclass(layer, LayerSpec):
        call = f"{layer.__name__}()" if layer in (ReLUSpec, FlattenSpec) else f"{layer.__name__}(...)"
        return f": that is the class, call it: {call}"
    if isinstance(layer, int) and not isinstance(layer, bool):
        return (": a number where a spec should be; the arguments are (layers, input_shape), "
                "e.g. summarize([ConvSpec(8, 3), ...], (1, 28, 28))")
    return ""


def _check_input_shape(input_shape: object) -> Shape:
    """The model's input shape: (C, H, W), checked by the specs' one shape check."""
    shape = check_input_shape(input_shape)
    if len(shape) != 3:
        raise TypeError(f"input_shape must be (C, H, W), three positive ints, got "
                         f"{input_shape!r}")
    return shape


def _layer_error(number: int, layer: LayerSpec, shape: Shape, error: Exception) -> Exception:
    """The same error, prefixed with which layer failed and what it was given."""
    hint = ""
    if number == 0 and shape[2] in (1, 3) and shape[0] == shape[1] > 4:
        # (28, 28, 1) looks like height, width, channels: the layout of Keras and images
        hint = (f" (input_shape is channels first, (C, H, W): for {shape[0]}x{shape[1]} "
                f"images with {shape[2]} channel(s) write {(shape[2], shape[0], shape[1])})")
    return type(error)(f"layers[{number}] ({layer.describe()}) on an input of shape {shape}: "
                       f"{error}{hint}")


def summarize(layers: Sequence[LayerSpec], input_shape: Shape) -> ModelSummary:
    """Count a model layer by layer from its specs; nothing is allocated.

    Parameters
    ----------
    layers : sequence of layer specs
        Instances of :class:`~course_utils.LayerSpec` (``ConvSpec``,
        ``DepthwiseSeparableSpec``, ``LocallyConnectedSpec``, ``MaxPoolSpec``,
        ``ReLUSpec``, ``FlattenSpec``, ``DenseSpec`` or a new one), first
        layer first.
    input_shape : (int, int, int)
        (C, H, W) of one input image, e.g. ``(1, 28, 28)`` for MNIST.

    Returns
    -------
    ModelSummary
        Shows itself as a table (text, and HTML in Jupyter).

    Examples
    --------
    >>> from course_utils import ConvSpec, DenseSpec, FlattenSpec, MaxPoolSpec, ReLUSpec
    >>> s = summarize([ConvSpec(32, 3, padding="same"), ReLUSpec(), MaxPoolSpec(2),
    ...                FlattenSpec(), DenseSpec(128), ReLUSpec(), DenseSpec(10)], (1, 28, 28))
    >>> s.parameters, s.rows[0].output_shape
    (804554, (32, 28, 28))
    """
    layers = _check_specs(layers)
    first = shape = _check_input_shape(input_shape)
    rows = []
    for number, layer in enumerate(layers):
        try:
            weights, biases, macs = layer.counts(shape)
            next_shape = layer.output_shape(shape)
        except (TypeError, ValueError) as error:
            raise _layer_error(number, layer, shape, error) from None
        activations = 0 if layer.output_is_view else int(np.prod(next_shape))
        rows.append(SummaryRow(layer.describe(), next_shape, weights, biases, macs,
                               activations, layer.kept_for_backward(shape)))
        shape = next_shape
    return ModelSummary(first, tuple(rows))


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
    dtype : str or numpy dtype
        ``"float32"`` (as frameworks train; half the memory and time of
        float64) or ``"float64"``.

    Returns
    -------
    Sequential
        A depthwise-separable spec becomes two layers (depthwise, then 1x1).
    """
    layers = _check_specs(layers)  # read once: layers may be a generator
    summarize(layers, input_shape)  # the same checks and messages
    shape = _check_input_shape(input_shape)
    seed = check_int(seed, "seed", minimum=0)
    if dtype not in ("float32", "float64", np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    built: list[Layer] = []
    for layer in layers:
        built += layer.build(shape, rng)
        shape = layer.output_shape(shape)
    for part in built:
        for name, array in part.params.items():
            part.params[name] = array.astype(dtype)
    return Sequential(built)
