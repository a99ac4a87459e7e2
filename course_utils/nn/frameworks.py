"""The same layers in PyTorch and Keras: the calls that build them, generated from the specs.

Every layer the course counts by hand is a line of PyTorch or Keras that a
learner will write next. This module writes those lines from the course's own
layer specs (:mod:`course_utils.nn.specs`), never from text typed in: change a
spec and its calls change with it. It imports neither framework; PyTorch is an
optional peer of the course, and the tests build every generated PyTorch call
when it is installed (tests/test_frameworks.py), checking the parameter count
and the output shape against the course's. Keras is not installed with the
course; its calls are checked by Keras' documented semantics (weight shapes,
``padding='valid'`` and ``'same'``).

What differs between the frameworks, and shows in the calls:

- PyTorch takes the input channels (``nn.Conv2d(3, 96, ...)``); Keras infers
  them from its input (``layers.Conv2D(96, ...)``).
- PyTorch takes any padding in cells (``padding=1``) or ``'same'`` at stride 1;
  Keras knows only ``'valid'`` (none) and ``'same'`` (enough for ``ceil(n / S)``).
  A padding Keras cannot say is a ``ZeroPadding2D`` layer before the convolution.
- PyTorch's images are ``(N, C, H, W)``, Keras' ``(N, H, W, C)``; the counts
  are the same.
- Neither has a locally connected layer today (Keras 2's ``LocallyConnected2D``
  was removed in Keras 3); its line says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conv.geometry import padding_per_side
from .specs import (
    ConvSpec,
    DenseSpec,
    DepthwiseSeparableSpec,
    FlattenSpec,
    LayerSpec,
    LocallyConnectedSpec,
    MaxPoolSpec,
    ReLUSpec,
    Shape,
)
from .summary import summarize

__all__ = ["FrameworkLine", "framework_code", "framework_lines", "keras_call", "torch_call"]

#: The frameworks this module writes for.
FRAMEWORKS = ("pytorch", "keras")
#: Longest line of generated code: what a slide shows without wrapping.
LONGEST_LINE = 100


@dataclass(frozen=True)
class FrameworkLine:
    """One counted layer and the calls that build it.

    Attributes
    ----------
    spec : LayerSpec
    input_shape, output_shape : tuple of int
        ``(C, H, W)`` or ``(features,)``, as the course counts them.
    parameters : int
        Weights and biases, as the course counts them.
    torch : str
        The PyTorch call(s), ``nn.`` standing for ``torch.nn.``; "" when
        PyTorch has no such layer.
    keras : str
        The Keras call(s), ``layers.`` standing for ``keras.layers.``; "" when
        Keras has no such layer.
    """

    spec: LayerSpec
    input_shape: Shape
    output_shape: Shape
    parameters: int
    torch: str
    keras: str

    def calls(self, framework: str = "pytorch") -> list[str]:
        """The calls for ``framework``, one a line (a depthwise-separable layer has two)."""
        if framework not in FRAMEWORKS:
            raise ValueError(f"framework must be one of {FRAMEWORKS}, got {framework!r}")
        return _split_calls(self.torch if framework == "pytorch" else self.keras)


def _pair(value: object) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)  # type: ignore[return-value]


def _one(pair: tuple[int, int]) -> int | tuple[int, int]:
    """One number when both sides agree, as both frameworks accept."""
    return pair[0] if pair[0] == pair[1] else pair


def _sides(spec: ConvSpec | LocallyConnectedSpec) -> tuple[tuple[int, int], tuple[int, int]]:
    dilation = getattr(spec, "dilation", 1)
    return padding_per_side(spec.padding, spec.kernel_size, spec.stride, dilation)


def _options(pairs: list[tuple[str, object, object]]) -> str:
    """``name=value`` for every option that is not at its default."""
    return "".join(f", {name}={value!r}" for name, value, default in pairs if value != default)


def torch_call(spec: LayerSpec, input_shape: Shape) -> str:
    """The PyTorch call that builds ``spec`` on inputs of ``input_shape`` (``nn.`` = ``torch.nn.``).

    Examples
    --------
    >>> torch_call(ConvSpec(96, 11, stride=4), (3, 227, 227))
    'nn.Conv2d(3, 96, kernel_size=11, stride=4)'
    >>> torch_call(ConvSpec(32, 3, padding="same"), (1, 28, 28))
    "nn.Conv2d(1, 32, kernel_size=3, padding='same')"
    """
    if isinstance(spec, ConvSpec):
        (top, bottom), (left, right) = _sides(spec)
        if spec.padding == "same":
            padding: object = "same"
            before = ""
        elif top == bottom and left == right:
            padding, before = _one((top, left)), ""
        else:  # PyTorch pads both sides alike; an uneven padding is a layer of its own
            padding, before = 0, f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom})), "
        kernel = _one(_pair(spec.kernel_size))
        return before + (f"nn.Conv2d({input_shape[0]}, {spec.out_channels}, "
                         f"kernel_size={kernel!r}" + _options([
                             ("stride", _one(_pair(spec.stride)), 1),
                             ("padding", padding, 0),
                             ("dilation", _one(_pair(spec.dilation)), 1),
                             ("groups", spec.groups, 1),
                             ("bias", spec.bias, True)]) + ")")
    if isinstance(spec, DepthwiseSeparableSpec):
        depthwise, pointwise = spec.steps(input_shape[0])
        return (torch_call(depthwise, input_shape) + ", "
                + torch_call(pointwise, depthwise.output_shape(input_shape)))
    if isinstance(spec, DenseSpec):
        return f"nn.Linear({input_shape[0]}, {spec.out_features}" + _options(
            [("bias", spec.bias, True)]) + ")"
    if isinstance(spec, MaxPoolSpec):
        return f"nn.MaxPool2d({_one(_pair(spec.size))!r})"
    if isinstance(spec, ReLUSpec):
        return "nn.ReLU()"
    if isinstance(spec, FlattenSpec):
        return "nn.Flatten()"
    if isinstance(spec, LocallyConnectedSpec):
        return ""  # PyTorch has no locally connected layer
    raise TypeError(f"spec must be one of the course's layer specs, got {type(spec).__name__}")


def keras_call(spec: LayerSpec, input_shape: Shape) -> str:
    """The Keras call that builds ``spec`` (``layers.`` = ``keras.layers.``).

    Keras infers the input channels; its padding is ``'valid'`` or ``'same'``
    only, so any other padding becomes a ``ZeroPadding2D`` layer first.

    Examples
    --------
    >>> keras_call(ConvSpec(96, 11, stride=4), (3, 227, 227))
    'layers.Conv2D(96, 11, strides=4)'
    >>> keras_call(ConvSpec(8, 3, padding=2), (1, 5, 5))
    'layers.ZeroPadding2D(2), layers.Conv2D(8, 3)'
    """
    if isinstance(spec, ConvSpec):
        (top, bottom), (left, right) = _sides(spec)
        stride = _one(_pair(spec.stride))
        before, padding = "", "valid"
        if (top, bottom, left, right) == (0, 0, 0, 0):
            padding = "valid"
        elif spec.padding == "same":  # stride 1 only, in the course: Keras' 'same' agrees
            padding = "same"
        elif top == bottom and left == right:
            before = f"layers.ZeroPadding2D({_one((top, left))!r}), "
        else:
            before = f"layers.ZeroPadding2D((({top}, {bottom}), ({left}, {right}))), "
        kernel = _one(_pair(spec.kernel_size))
        return before + (f"layers.Conv2D({spec.out_channels}, {kernel!r}" + _options([
            ("strides", stride, 1),
            ("padding", padding, "valid"),
            ("dilation_rate", _one(_pair(spec.dilation)), 1),
            ("groups", spec.groups, 1),
            ("use_bias", spec.bias, True)]) + ")")
    if isinstance(spec, DepthwiseSeparableSpec):
        # Not SeparableConv2D: it has one bias per output channel only, and the course
        # (like two PyTorch layers) gives both steps their biases.
        depthwise, pointwise = spec.steps(input_shape[0])
        conv = keras_call(depthwise, input_shape)
        head, _, options = conv.rpartition("layers.Conv2D(")
        # layers.Conv2D(C, K, ..., groups=C) is a depthwise convolution; Keras has a name for it.
        kernel_and_options = options.split(", ", 1)[1].replace(f", groups={input_shape[0]}", "")
        return (f"{head}layers.DepthwiseConv2D({kernel_and_options}, "
                + keras_call(pointwise, depthwise.output_shape(input_shape)))
    if isinstance(spec, DenseSpec):
        return f"layers.Dense({spec.out_features}" + _options(
            [("use_bias", spec.bias, True)]) + ")"
    if isinstance(spec, MaxPoolSpec):
        return f"layers.MaxPooling2D({_one(_pair(spec.size))!r})"
    if isinstance(spec, ReLUSpec):
        return "layers.ReLU()"
    if isinstance(spec, FlattenSpec):
        return "layers.Flatten()"
    if isinstance(spec, LocallyConnectedSpec):
        return ""  # Keras 3 has none (Keras 2's LocallyConnected2D is gone)
    raise TypeError(f"spec must be one of the course's layer specs, got {type(spec).__name__}")


def framework_lines(layers: list[LayerSpec] | LayerSpec, input_shape: Shape
                    ) -> list[FrameworkLine]:
    """Every layer of a model with its shapes, its parameter count and its two calls."""
    layers = [layers] if isinstance(layers, LayerSpec) else list(layers)
    summary = summarize(layers, input_shape)
    lines, shape = [], tuple(input_shape)
    for spec, row in zip(layers, summary.rows):
        lines.append(FrameworkLine(spec, shape, tuple(row.output_shape), row.parameters,
                                   torch_call(spec, shape), keras_call(spec, shape)))
        shape = tuple(row.output_shape)
    return lines


def framework_code(layers: list[LayerSpec] | LayerSpec, input_shape: Shape,
                   framework: str = "pytorch") -> str:
    """A model as the code that builds it in ``framework``, each layer with the course's counts.

    Parameters
    ----------
    layers : list of LayerSpec, or one LayerSpec
    input_shape : (C, H, W)
    framework : {'pytorch', 'keras'}

    Returns
    -------
    str
        ``nn.Sequential(...)`` or ``keras.Sequential([...])``, one layer a line,
        each with a comment giving its output shape and parameters as counted
        here. Lines stay under 100 characters.
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework must be one of {FRAMEWORKS}, got {framework!r}")
    lines = framework_lines(layers, input_shape)
    c, *rest = input_shape
    if framework == "pytorch":
        head = [f"nn.Sequential(  # input ({', '.join(map(str, input_shape))}): C, H, W"]
    else:
        hwc = (*rest, c)
        head = ["keras.Sequential([",
                f"    keras.Input(shape={hwc!r}),  # H, W, C: Keras puts the channels last"]
    body = []
    for line in lines:
        call = line.torch if framework == "pytorch" else line.keras
        shape = line.output_shape
        if framework == "keras" and len(shape) == 3:
            shape = (*shape[1:], shape[0])
        note = f"# -> {'x'.join(map(str, shape))}"
        if line.parameters:
            note += f", {line.parameters:,} parameters"
        if not call:
            name = "PyTorch" if framework == "pytorch" else "Keras"
            body.append(f"    # {line.spec.describe()}: {name} has no such layer")
            continue
        pieces = [f"    {piece}," for piece in _split_calls(call)]
        if len(pieces[-1]) + 2 + len(note) <= LONGEST_LINE:
            pieces[-1] = f"{pieces[-1]}  {note}"
        else:  # too long for a slide: the counts go on a line of their own, above
            pieces.insert(0, f"    {note}")
        body += pieces
    tail = ")" if framework == "pytorch" else "])"
    return "\n".join(head + body + [tail])


def _split_calls(call: str) -> list[str]:
    """``"a(1), b(2, 3)"`` -> ``["a(1)", "b(2, 3)"]``: top-level calls, one a line."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(call):
        depth += char in "(["
        depth -= char in ")]"
        if char == "," and depth == 0:
            pieces.append(call[start:i].strip())
            start = i + 1
    pieces.append(call[start:].strip())
    return [p for p in pieces if p]
