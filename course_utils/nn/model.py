"""Layers with their own parameters, stacked into a model that can be trained.

Each layer keeps its parameters in ``params`` (a dict of arrays) and, after
``backward``, their gradients in ``grads`` under the same names. A layer is
written in cs231n's ``(out, cache)`` style: its forward step returns the
output and what the backward step needs. A :class:`Sequential` model runs
its layers in order and keeps their caches for one backward pass, which runs
the layers in reverse order:

- ``model.forward(x)`` then ``model.backward(dscores)``: training;
- ``model.infer(x)`` and ``model.predict(x)`` keep nothing, so they can run
  between the two without changing the gradients;
- ``backward`` before ``forward``, or twice after one ``forward``, is a
  clear ``ValueError``: run ``forward`` again.

Weights start as seeded random numbers scaled by ``sqrt(2 / inputs)`` (He et
al., 2015), a good start for layers followed by a ReLU; biases start at 0.
Every constructor checks its arguments as the matching function does
(:func:`course_utils.conv2d`, ...), so a mistake stops where it was typed.
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


class _ForBackward:
    """What the last training forward pass kept for backward, for one backward pass only.

    A layer and a :class:`Sequential` model each hold one. Why one backward
    only: between two backward passes an optimiser may have changed the
    weights in place, and gradients from the old input with the new weights
    would be wrong without any error. Running forward again is cheap; a
    silently wrong gradient is not.
    """

    def __init__(self, owner: str, name: str) -> None:
        self.owner, self.name = owner, name  # e.g. "ReLU" and "layer", for the messages
        self.value: object = None
        self.state = "empty"  # "empty": nothing yet; "kept": ready; "used": backward ran

    def keep(self, value: object) -> None:
        self.value, self.state = value, "kept"

    def forget(self) -> None:
        """Nothing to backward through (a forward pass has started and may fail)."""
        self.value, self.state = None, "empty"

    def take(self) -> object:
        """The kept value, or a clear error: backward before forward, or a second backward."""
        __tracebackhide__ = True  # IPython and pytest skip this frame
        forward, backward = f"{self.name}.forward(x)", f"{self.name}.backward(dout)"
        if self.state == "empty":
            raise ValueError(
                f"{self.owner}.backward needs forward to run first: call {forward}, then "
                f"{backward} (predict and infer keep nothing for backward)"
            )
        if self.state == "used":
            raise ValueError(
                f"{self.owner}.backward already ran after the last forward, and each backward "
                "needs a forward of its own: forward keeps its input for one backward pass "
                "only, because an optimiser step may have changed the weights since; call "
                f"{forward} again, then {backward}"
            )
        return self.value

    def release(self) -> None:
        """Backward succeeded: free the input (a wrong ``dout`` leaves it, to try again)."""
        self.value, self.state = None, "used"


class Layer:
    """A step of a model: its output, its gradients, and parameters if it has any.

    A layer is written in cs231n's ``(out, cache)`` style: ``_forward(x)``
    returns the output and a cache of what the gradients need (usually the
    input), and ``_backward(dout, cache)`` returns ``dx`` and fills
    ``grads``. A layer whose ``skips_input_gradient`` is True also takes
    ``_backward(dout, cache, input_gradient=False)``, and then returns
    ``None`` for ``dx``: a model's first layer with weights has no use for it. The public methods decide where the cache lives:

    - ``forward(x)``, the training pass, keeps the cache for one ``backward``;
    - ``backward(dout)`` uses it and frees it; a second ``backward`` without
      a new ``forward`` raises a ``ValueError`` (the weights may have changed
      in between), as does a ``backward`` before any ``forward``;
    - ``infer(x)``, the output only, keeps nothing, so it can run between
      ``forward`` and ``backward`` without changing the gradients.

    Inside a :class:`Sequential` model the model keeps the caches of its
    layers, so a layer's own ``forward``/``backward`` are for using it alone.

    Attributes
    ----------
    params : dict of str to ndarray
        The weights (``"w"``) and biases (``"b"``) the layer learns.
    grads : dict of str to ndarray
        After ``backward``, the gradient of each parameter, same names and shapes.
    """

    #: True when ``_backward`` takes ``input_gradient=False`` (the course's layers with
    #: weights); a layer written without it still works in a model, with its ``dx``
    #: computed and dropped.
    skips_input_gradient = False

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._kept = _ForBackward(type(self).__name__, "layer")

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, object]:
        """``(out, cache)``: the output, and what ``_backward`` needs from this pass."""
        raise NotImplementedError

    def _backward(self, dout: np.ndarray, cache: object) -> np.ndarray:
        """``dx`` from ``dout`` and the cache of the matching ``_forward``; fills ``grads``."""
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The output, keeping the input for one :meth:`backward`.

        Parameters
        ----------
        x : ndarray
            A batch, in the shape this layer takes (see the class).

        Returns
        -------
        ndarray
            The layer's output for ``x``.
        """
        self._kept.forget()  # a forward that fails leaves nothing to backward through
        out, cache = self._forward(x)
        self._kept.keep(cache)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Gradients of the last :meth:`forward`: fills ``grads``, returns ``dx``.

        Parameters
        ----------
        dout : ndarray, the shape of the last forward's output
            Gradient of the loss with respect to that output.

        Returns
        -------
        ndarray, the shape of the last forward's input

        Raises
        ------
        ValueError
            Before any ``forward``, or when ``backward`` already ran after
            the last ``forward``.
        """
        dx = self._backward(dout, self._kept.take())
        self._kept.release()
        return dx

    def infer(self, x: np.ndarray) -> np.ndarray:
        """The output only, as in :meth:`forward`, keeping nothing for ``backward``."""
        return self._forward(x)[0]

    def parameter_count(self) -> int:
        """Number of numbers in ``params``."""
        return sum(p.size for p in self.params.values())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.parameter_count():,} parameters)"


def _check_dout(dout: object, shape: tuple[int, ...], whose: str = "the layer's") -> np.ndarray:
    """``dout`` as an array of the output's shape, or a clear error."""
    shape = tuple(shape)
    dout = check_array(dout, "dout", ndim=len(shape), axes=f"{shape}, {whose} output shape")
    if dout.shape != shape:
        raise ValueError(f"dout must have {whose} output shape {shape}, got {dout.shape}")
    return dout


def _he_weights(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int) -> np.ndarray:
    rng = check_generator(rng)
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


class Conv2D(Layer):
    """A convolution: ``out_channels`` filters, each shared by every position.

    Takes ``x`` of shape (N, in_channels, H, W) and gives (N, out_channels,
    H_out, W_out), with ``H_out`` and ``W_out`` as in :func:`course_utils.conv2d`.

    Parameters
    ----------
    in_channels, out_channels : int
        At least 1; both divisible by ``groups``.
    kernel_size : int or (int, int)
    rng : numpy.random.Generator
        Draws the initial weights.
    stride, dilation : int or (int, int)
        At least 1.
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        As in :func:`course_utils.conv2d`; ``'same'`` needs stride 1.
    groups : int
        Split the channels into ``groups`` independent convolutions
        (:func:`course_utils.grouped_conv2d`); 1 is an ordinary convolution.
    bias : bool
        Give each filter a bias.

    Attributes
    ----------
    params : {"w": (out_channels, in_channels / groups, KH, KW), "b": (out_channels,)}
    """

    skips_input_gradient = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair, *,
                 rng: np.random.Generator, stride: IntOrPair = 1, padding: ConvPadding = 0,
                 dilation: IntOrPair = 1, groups: int = 1, bias: bool = True) -> None:
        super().__init__()
        kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        groups = check_groups(groups, in_channels, out_channels)
        # Everything conv2d would check at the first batch, checked now.
        stride = check_int_or_pair(stride, "stride", minimum=1)
        dilation = check_int_or_pair(dilation, "dilation", minimum=1)
        padding_per_side(padding, (kh, kw), stride, dilation)
        bias = check_bool(bias, "bias")
        rng = check_generator(rng)
        self.in_channels = in_channels
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups
        depth = in_channels // groups  # each filter sees only its group's channels
        self.params["w"] = _he_weights(rng, (out_channels, depth, kh, kw), depth * kh * kw)
        if bias:
            self.params["b"] = np.zeros(out_channels)

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"x must have {self.in_channels} channels, the in_channels this layer was built "
                f"for, got x of shape {x.shape} with {x.shape[1]}"
            )
        out = grouped_conv2d(x, self.params["w"], self.params.get("b"), groups=self.groups,
                             stride=self.stride, padding=self.padding, dilation=self.dilation)
        return out, x

    def _backward(self, dout: np.ndarray, x: np.ndarray,
                  input_gradient: bool = True) -> np.ndarray | None:
        dx, self.grads["w"], db = grouped_conv2d_backward(
            dout, x, self.params["w"], groups=self.groups, stride=self.stride,
            padding=self.padding, dilation=self.dilation, input_gradient=input_gradient)
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class LocallyConnected2D(Layer):
    """A locally connected layer: a filter of its own at every output position.

    Takes ``x`` of shape (N, in_channels, *input_size) and gives (N,
    out_channels, H_out, W_out).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    input_size : int or (int, int)
        Height and width of the input; they fix how many positions (and so
        how many filters) the layer has.
    rng : numpy.random.Generator
    stride : int or (int, int)
    padding : int, (int, int), ((int, int), (int, int)), 'valid' or 'same'
        Zero padding, as in :func:`course_utils.padding_per_side` (``'same'``
        needs stride 1).
    bias : bool
        Give each filter (one per channel and position) a bias.

    Attributes
    ----------
    params : {"w": (out_channels, H_out, W_out, in_channels, KH, KW),
              "b": (out_channels, H_out, W_out)}
    """

    skips_input_gradient = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntOrPair,
                 input_size: IntOrPair, *, rng: np.random.Generator, stride: IntOrPair = 1,
                 padding: ConvPadding = 0, bias: bool = True) -> None:
        super().__init__()
        rng = check_generator(rng)
        bias = check_bool(bias, "bias")
        kh, kw = check_int_or_pair(kernel_size, "kernel_size", minimum=1)
        h, w = check_int_or_pair(input_size, "input_size", minimum=1)
        sh, sw = check_int_or_pair(stride, "stride", minimum=1)
        padding = padding_per_side(padding, (kh, kw), (sh, sw))
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        out_channels = check_int(out_channels, "out_channels", minimum=1)
        oh, ow = window_output_size((h, w), (kh, kw), padding, (sh, sw))
        self.stride, self.padding = (sh, sw), padding
        self.in_channels, self.input_size = in_channels, (h, w)
        self.params["w"] = _he_weights(rng, (out_channels, oh, ow, in_channels, kh, kw),
                                       in_channels * kh * kw)
        if bias:
            self.params["b"] = np.zeros((out_channels, oh, ow))

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
        expected = (self.in_channels, *self.input_size)
        if x.shape[1:] != expected:
            raise ValueError(
                f"x must be images of shape (N, {expected[0]}, {expected[1]}, {expected[2]}): "
                f"a locally connected layer has a filter for each position, so it only takes "
                f"the in_channels and input_size it was built for; got x of shape {x.shape}"
            )
        out = locally_connected2d(x, self.params["w"], self.params.get("b"),
                                  stride=self.stride, padding=self.padding)
        # locally_connected2d may return a view ordered by position; the ReLU and the
        # pooling after it step through (N, C, H, W) and run several times slower on it
        # (notebook 05's locally connected model spent more time there than in this layer).
        return np.ascontiguousarray(out), x

    def _backward(self, dout: np.ndarray, x: np.ndarray,
                  input_gradient: bool = True) -> np.ndarray | None:
        dx, self.grads["w"], db = locally_connected2d_backward(
            dout, x, self.params["w"], stride=self.stride, padding=self.padding,
            input_gradient=input_gradient)
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class Dense(Layer):
    """A fully connected layer: (N, in_features) -> (N, out_features).

    Parameters
    ----------
    in_features, out_features : int
    rng : numpy.random.Generator
    bias : bool
        Give each output neuron a bias.

    Attributes
    ----------
    params : {"w": (in_features, out_features), "b": (out_features,)}
    """

    skips_input_gradient = True

    def __init__(self, in_features: int, out_features: int, *, rng: np.random.Generator,
                 bias: bool = True) -> None:
        super().__init__()
        in_features = check_int(in_features, "in_features", minimum=1)
        out_features = check_int(out_features, "out_features", minimum=1)
        bias = check_bool(bias, "bias")
        self.params["w"] = _he_weights(rng, (in_features, out_features), in_features)
        if bias:
            self.params["b"] = np.zeros(out_features)

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return dense(x, self.params["w"], self.params.get("b")), x

    def _backward(self, dout: np.ndarray, x: np.ndarray,
                  input_gradient: bool = True) -> np.ndarray | None:
        dx, self.grads["w"], db = dense_backward(dout, x, self.params["w"],
                                                 input_gradient=input_gradient)
        if "b" in self.params:
            self.grads["b"] = db
        return dx


class ReLU(Layer):
    """``max(x, 0)``, any shape in, the same shape out; no parameters."""

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return relu(x), x

    def _backward(self, dout: np.ndarray, x: np.ndarray) -> np.ndarray:
        return relu_backward(dout, x)


class MaxPool2D(Layer):
    """Max pooling over ``size`` windows side by side: (N, C, H, W) -> (N, C, H_out, W_out).

    ``H_out = floor(H / size_h)``, the same for ``W_out``; no parameters.

    Parameters
    ----------
    size : int or (int, int)
        Window height and width, at least 1.
    """

    def __init__(self, size: IntOrPair = 2) -> None:
        super().__init__()
        self.size = check_int_or_pair(size, "size", minimum=1)

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return max_pool2d(x, self.size), x

    def _backward(self, dout: np.ndarray, x: np.ndarray) -> np.ndarray:
        return max_pool2d_backward(dout, x, self.size)


class GlobalAveragePool2D(Layer):
    """(N, C, H, W) -> (N, C): the mean of each feature map; no parameters.

    The output does not depend on where in the map a feature was found.
    """

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
        x = check_array(x, "x", ndim=4, axes="(N, C, H, W)")
        return x.mean(axis=(2, 3)), x.shape

    def _backward(self, dout: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        # every cell contributed 1 / (H * W) of the mean
        n, c, h, w = shape
        dout = _check_dout(dout, (n, c))
        return np.broadcast_to(dout[:, :, None, None] / (h * w), shape).copy()


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), for a dense layer after image layers."""

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
        x = check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...): a batch of examples")
        return x.reshape(x.shape[0], -1), x.shape

    def _backward(self, dout: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        dout = _check_dout(dout, (shape[0], int(np.prod(shape[1:]))))
        return dout.reshape(shape)


class Sequential:
    """Layers run one after the other; backward runs them in reverse order.

    The model keeps its layers' caches itself (a layer's own ``forward``
    is for using it alone), so:

    - :meth:`forward` (training) keeps what one :meth:`backward` needs;
      :meth:`backward` uses it and frees it, and refuses to run twice for
      one forward, or before any;
    - :meth:`infer` and :meth:`predict` keep nothing: they can run between
      ``forward`` and ``backward`` without changing the gradients.

    Parameters
    ----------
    layers : list or tuple of Layer
        At least one; each layer object once (it holds its own weights and
        gradients).
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        if not isinstance(layers, (list, tuple)):
            raise TypeError(f"layers must be a list of course_utils layers, got {layers!r}")
        layers = list(layers)
        if not layers:
            raise ValueError("layers must hold at least one layer, e.g. [Flatten(), Dense(...)]")
        first_place: dict[int, int] = {}
        for index, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"layers[{index}] must be a course_utils layer such as Conv2D(...) or "
                    f"ReLU(), got {layer!r} of type {type(layer).__name__}"
                )
            # One object in two places would get one place's gradients only (and two
            # optimiser updates per step), with no error.
            if id(layer) in first_place:
                raise ValueError(
                    f"layers[{index}] must be a layer of its own, but it is the same "
                    f"{type(layer).__name__} object as layers[{first_place[id(layer)]}]: "
                    f"build a new {type(layer).__name__}(...) for each place"
                )
            first_place[id(layer)] = index
        # A tuple behind a read-only property: an append or an assignment later
        # would get around the check above.
        self._layers: tuple[Layer, ...] = tuple(layers)
        self._kept = _ForBackward("Sequential", "model")
        self._backward_passes = 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run every layer, keeping what one :meth:`backward` needs.

        Parameters
        ----------
        x : ndarray, shape (N, ...)
            A batch, in the shape the first layer takes.

        Returns
        -------
        ndarray
            The last layer's output, e.g. class scores (N, classes).
        """
        self._kept.forget()  # a forward that fails leaves nothing to backward through
        caches = []
        for layer in self.layers:
            x, cache = layer._forward(x)
            caches.append(cache)
        self._kept.keep((caches, x.shape))
        return x

    def backward(self, dout: np.ndarray, *, input_gradient: bool = True) -> np.ndarray | None:
        """Gradients of the last :meth:`forward`: fills each layer's ``grads``.

        Parameters
        ----------
        dout : ndarray, the shape of the last forward's output
            Gradient of the loss with respect to it, e.g. ``dscores`` (N, classes).
        input_gradient : bool
            Also compute the gradient with respect to the model's input. Training
            needs only the weights' gradients: with ``False`` the pass stops at
            the first layer that has weights, which skips that layer's ``dx``
            (about as costly as its ``dw``) and the layers below it.

        Returns
        -------
        ndarray, the shape of the last forward's input, or None
            Gradient of the loss with respect to that input (``None`` with
            ``input_gradient=False``).

        Raises
        ------
        ValueError
            Before any ``forward``, or when ``backward`` already ran after the
            last ``forward`` (run ``forward`` again), or when ``dout`` has
            another shape than the last forward's output.
        """
        input_gradient = check_bool(input_gradient, "input_gradient")
        caches, out_shape = self._kept.take()
        dout = _check_dout(dout, out_shape, "the last forward's")
        # Without the input's gradient, the pass stops at the first layer with weights:
        # nothing below it learns.
        with_weights = [index for index, layer in enumerate(self.layers) if layer.params]
        if input_gradient:
            lowest = 0
        else:
            lowest = with_weights[0] if with_weights else len(self.layers)
        for index in reversed(range(lowest, len(self.layers))):
            layer = self.layers[index]
            if index == lowest and not input_gradient and layer.skips_input_gradient:
                layer._backward(dout, caches[index], input_gradient=False)
            else:
                dout = layer._backward(dout, caches[index])
        if not input_gradient:
            dout = None
        self._kept.release()
        self._backward_passes += 1
        return dout

    def infer(self, x: np.ndarray) -> np.ndarray:
        """Run every layer, keeping nothing for ``backward`` (inference).

        Parameters
        ----------
        x : ndarray, shape (N, ...)

        Returns
        -------
        ndarray
            The last layer's output, as :meth:`forward` gives it.
        """
        for layer in self.layers:
            x = layer.infer(x)
        return x

    def class_scores(self, x: np.ndarray) -> np.ndarray:
        """:meth:`infer`, refusing a model that does not end in class scores.

        Parameters
        ----------
        x : ndarray, shape (N, ...)

        Returns
        -------
        ndarray, shape (N, classes)
        """
        scores = self.infer(x)
        # Otherwise argmax would pick along a channel axis, silently.
        if np.ndim(scores) != 2:
            raise ValueError(
                f"model must end in class scores of shape (N, classes), e.g. Flatten() then "
                f"Dense(features, classes); its output has shape {np.shape(scores)}"
            )
        return scores

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers, in order (a tuple: build a new model to change them)."""
        return self._layers

    @property
    def backward_pending(self) -> bool:
        """True from a :meth:`forward` until its :meth:`backward`.

        While it is True, the layers' ``grads`` are an earlier batch's (or
        none), so an optimiser must not step on them.
        """
        return self._kept.state == "kept"

    @property
    def backward_passes(self) -> int:
        """How many :meth:`backward` passes have completed on this model.

        An optimiser remembers the count at its last step, so that it never
        applies the same gradients twice.
        """
        return self._backward_passes

    def parameters(self) -> list[tuple[Layer, str]]:
        """Every (layer, parameter name) pair, in order."""
        return [(layer, name) for layer in self.layers for name in layer.params]

    def parameter_count(self) -> int:
        """Number of numbers the model learns."""
        return sum(layer.parameter_count() for layer in self.layers)

    def predict(self, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """The most likely class of each example; keeps nothing for ``backward``.

        Parameters
        ----------
        x : ndarray, shape (N, ...)
        batch_size : int
            Examples per pass, to bound the memory of the layers' outputs.

        Returns
        -------
        ndarray of int, shape (N,)
        """
        x = check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...): a batch of examples")
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        parts = [self.class_scores(x[i:i + batch_size]).argmax(axis=1)
                 for i in range(0, len(x), batch_size)]
        return np.concatenate(parts)

    def __repr__(self) -> str:
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n    {inner}\n)  # {self.parameter_count():,} parameters"
