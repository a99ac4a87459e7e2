"""Many runs of one model trained side by side: every array gets a leading axis of runs.

An experiment trains the same small model many times: on several folds of
the data, from several initial weights, with several learning rates. One run
after another, a small model spends most of its time in Python's overhead
around tiny array operations. Side by side, each layer does for ``R`` runs
in one call what it does for one: its weights ``w`` of shape ``(C_out, ...)``
become ``(R, C_out, ...)``, a batch ``(N, ...)`` becomes ``(R, N, ...)``
(each run reads its own examples), and one Adam step updates every run, each
with its own learning rate. Nothing is shared between runs but the calls:
run ``r`` of a side-by-side training gives the weights that the same run
trained alone with :func:`course_utils.train` gives (the tests check it).

- :class:`SideBySide` holds the runs' weights and runs the layers forward
  and backward;
- :func:`train_side_by_side` draws each run's batches, steps Adam and
  measures each run on its own validation and test examples at chosen
  numbers of updates.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..conv.convolution import (
    ConvGeometry,
    add_windows_gradient,
    conv_geometry_from_shapes,
    padding_gradient_to_input,
)
from ..conv.padding import pad2d
from ..validation import check_array, check_finite, check_int, check_number, check_sequence
from .layers import softmax_cross_entropy
from .model import Conv2D, Dense, Layer, LocallyConnected2D, Sequential
from .training import adam_update

__all__ = ["SideBySide", "SideBySideHistory", "train_side_by_side"]


def _columns(x: np.ndarray, g: ConvGeometry) -> np.ndarray:
    """Every window of every run's batch as a row of numbers ("im2col"), one copy.

    Parameters
    ----------
    x : ndarray, shape (R, N, C_in, H, W)
    g : ConvGeometry

    Returns
    -------
    ndarray, shape (R, N, H_out * W_out, C_in * KH * KW)
        ``columns[r, n, p]`` holds what the filter taps read for output
        position ``p`` (row-major over ``(H_out, W_out)``) of image ``n`` of
        run ``r``, in the order of one filter's weights.
    """
    (sh, sw), (dh, dw) = g.stride, g.dilation
    windows = sliding_window_view(pad2d(x, g.padding), g.span, axis=(3, 4))[
        :, :, :, ::sh, ::sw, ::dh, ::dw]  # (R, N, C_in, H_out, W_out, KH, KW), a view
    runs, batch, channels = x.shape[:3]
    return windows.transpose(0, 1, 3, 4, 2, 5, 6).reshape(
        runs, batch, g.output_size[0] * g.output_size[1], channels * g.kernel_size[0]
        * g.kernel_size[1])


def _input_gradient(dwindows: np.ndarray, g: ConvGeometry, x_shape: tuple[int, ...]
                    ) -> np.ndarray:
    """dx (R, N, C_in, H, W) from each window's gradient, (R, N, H_out, W_out, C_in, KH, KW)."""
    dx_padded = np.zeros((*x_shape[:3], *g.padded_size), dtype=dwindows.dtype)
    # add_windows_gradient wants (..., C_in, KH, KW, H_out, W_out)
    add_windows_gradient(dx_padded, dwindows.transpose(0, 1, 4, 5, 6, 2, 3), g)
    return padding_gradient_to_input(dx_padded, g)


def _runs_as_columns(a: np.ndarray, per_batch: int) -> np.ndarray:
    """(R, ..., F) -> (R / L, ..., L * F): the L runs that read one batch, side by side.

    Runs that read the same batch multiply it by their weights in one
    product: their weights become the columns of one matrix, and the
    product's columns hold their outputs.
    """
    if per_batch == 1:
        return a
    groups = a.shape[0] // per_batch
    by_group = np.moveaxis(a.reshape(groups, per_batch, *a.shape[1:]), 1, -2)
    return by_group.reshape(groups, *a.shape[1:-1], per_batch * a.shape[-1])


def _columns_as_runs(a: np.ndarray, per_batch: int) -> np.ndarray:
    """(R / L, ..., L * F) -> (R, ..., F): the inverse of :func:`_runs_as_columns`."""
    if per_batch == 1:
        return a
    groups, features = a.shape[0], a.shape[-1] // per_batch
    by_run = np.moveaxis(a.reshape(groups, *a.shape[1:-1], per_batch, features), -2, 1)
    return by_run.reshape(groups * per_batch, *a.shape[1:-1], features)


class _ConvRuns:
    """A convolution for R runs: one matrix product per batch, every position at once."""

    @staticmethod
    def geometry(layer: Conv2D, x_shape: tuple[int, ...], w_shape: tuple[int, ...]
                 ) -> ConvGeometry:
        """The sizes, from one run's shapes: x (N, C_in, H, W), w (C_out, C_in, KH, KW)."""
        return conv_geometry_from_shapes(x_shape, w_shape, stride=layer.stride,
                                         padding=layer.padding, dilation=layer.dilation)

    @staticmethod
    def forward(layer: Conv2D, params: dict, x: np.ndarray, columns: np.ndarray | None
                ) -> tuple[np.ndarray, tuple]:
        w = params["w"]  # (R, C_out, C_in, KH, KW)
        runs, c_out = w.shape[:2]
        per_batch, batch = runs // x.shape[0], x.shape[1]
        g = _ConvRuns.geometry(layer, x.shape[1:], w.shape[1:])
        if columns is None:
            columns = _columns(x, g)
        rows = columns.reshape(x.shape[0], -1, columns.shape[-1])  # one row per (image, position)
        filters = _runs_as_columns(w.reshape(runs, c_out, -1).transpose(0, 2, 1), per_batch)
        out = _columns_as_runs(rows @ filters, per_batch)  # (R, N*P, C_out)
        # (R, N, C_out, P): the layout of the layer's output, then the bias along each map
        out = np.ascontiguousarray(out.reshape(runs, batch, -1, c_out).transpose(0, 1, 3, 2))
        if "b" in params:
            out += params["b"][:, None, :, None]
        return out.reshape(runs, batch, c_out, *g.output_size), (rows, g, x.shape)

    @staticmethod
    def backward(layer: Conv2D, params: dict, grads: dict, dout: np.ndarray, cache: tuple,
                 input_gradient: bool) -> np.ndarray | None:
        rows, g, x_shape = cache
        w = params["w"]
        runs, c_out = w.shape[:2]
        per_batch = runs // x_shape[0]
        dout_rows = dout.transpose(0, 1, 3, 4, 2).reshape(runs, -1, c_out)  # (R, N*P, C_out)
        dfilters = rows.transpose(0, 2, 1) @ _runs_as_columns(dout_rows, per_batch)
        grads["w"][...] = _columns_as_runs(dfilters, per_batch).transpose(0, 2, 1).reshape(
            w.shape)
        if "b" in params:
            grads["b"][...] = dout.sum(axis=(1, 3, 4))
        if not input_gradient:
            return None
        dcolumns = dout_rows @ w.reshape(runs, c_out, -1)  # (R, N*P, C_in*KH*KW)
        dwindows = dcolumns.reshape(*x_shape[:2], *g.output_size, *w.shape[2:])
        return _input_gradient(dwindows, g, x_shape)


class _LocallyConnectedRuns:
    """A locally connected layer for R runs: one small product per batch and position."""

    @staticmethod
    def geometry(layer: LocallyConnected2D, x_shape: tuple[int, ...], w_shape: tuple[int, ...]
                 ) -> ConvGeometry:
        """The sizes, from one run's shapes: x (N, C_in, H, W), w (C_out, H_out, W_out, ...)."""
        return conv_geometry_from_shapes(x_shape, w_shape, stride=layer.stride,
                                         padding=layer.padding)

    @staticmethod
    def forward(layer: LocallyConnected2D, params: dict, x: np.ndarray,
                columns: np.ndarray | None) -> tuple[np.ndarray, tuple]:
        w = params["w"]  # (R, C_out, H_out, W_out, C_in, KH, KW)
        runs, c_out, out_h, out_w = w.shape[:4]
        per_batch, batch = runs // x.shape[0], x.shape[1]
        g = _LocallyConnectedRuns.geometry(layer, x.shape[1:], w.shape[1:])
        if columns is None:
            columns = _columns(x, g)
        by_position = columns.transpose(0, 2, 1, 3)  # (batches, P, N, taps), a view
        filters = _runs_as_columns(_filters_by_position(w), per_batch)  # (batches, P, taps, L*F)
        out = _columns_as_runs(by_position @ filters, per_batch)  # (R, P, N, C_out)
        # (R, N, C_out, P): the layout of the layer's output, then each position's bias
        out = np.ascontiguousarray(out.transpose(0, 2, 3, 1))
        if "b" in params:
            out += params["b"].reshape(runs, 1, c_out, -1)
        return out.reshape(runs, batch, c_out, out_h, out_w), (by_position, g, x.shape)

    @staticmethod
    def backward(layer: LocallyConnected2D, params: dict, grads: dict, dout: np.ndarray,
                 cache: tuple, input_gradient: bool) -> np.ndarray | None:
        by_position, g, x_shape = cache
        w = params["w"]
        runs, c_out, out_h, out_w = w.shape[:4]
        per_batch = runs // x_shape[0]
        # (R, P, N, C_out), the layout of the forward's product
        dout_by_position = dout.reshape(runs, x_shape[1], c_out, -1).transpose(0, 3, 1, 2)
        dfilters = _columns_as_runs(by_position.transpose(0, 1, 3, 2) @ _runs_as_columns(
            dout_by_position, per_batch), per_batch)  # (R, P, taps, C_out)
        grads["w"][...] = dfilters.transpose(0, 3, 1, 2).reshape(w.shape)
        if "b" in params:
            grads["b"][...] = dout.sum(axis=1)
        if not input_gradient:
            return None
        dcolumns = dout_by_position @ _filters_by_position(w).transpose(0, 1, 3, 2)
        dwindows = (dcolumns.transpose(0, 2, 1, 3)  # (R, N, P, taps)
                    .reshape(*x_shape[:2], out_h, out_w, *w.shape[4:]))
        return _input_gradient(dwindows, g, x_shape)


def _filters_by_position(w: np.ndarray) -> np.ndarray:
    """(R, C_out, H_out, W_out, C_in, KH, KW) -> (R, P, C_in*KH*KW, C_out), a copy.

    Each position's matrix in one block of memory: np.matmul hands such
    blocks to BLAS directly, a third faster than a strided view.
    """
    runs, c_out = w.shape[:2]
    positions = w.shape[2] * w.shape[3]
    return np.ascontiguousarray(w.reshape(runs, c_out, positions, -1).transpose(0, 2, 3, 1))


class _DenseRuns:
    """A dense layer for R runs: one matrix product per batch."""

    @staticmethod
    def forward(layer: Dense, params: dict, x: np.ndarray, columns: None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        per_batch = params["w"].shape[0] // x.shape[0]
        out = _columns_as_runs(x @ _runs_as_columns(params["w"], per_batch), per_batch)
        if "b" in params:
            out += params["b"][:, None, :]
        return out, x

    @staticmethod
    def backward(layer: Dense, params: dict, grads: dict, dout: np.ndarray, x: np.ndarray,
                 input_gradient: bool) -> np.ndarray | None:
        per_batch = params["w"].shape[0] // x.shape[0]
        grads["w"][...] = _columns_as_runs(
            x.transpose(0, 2, 1) @ _runs_as_columns(dout, per_batch), per_batch)
        if "b" in params:
            grads["b"][...] = dout.sum(axis=1)
        return dout @ params["w"].transpose(0, 2, 1) if input_gradient else None


#: The layers with weights, each with its side-by-side forward and backward.
_WITH_WEIGHTS = {Conv2D: _ConvRuns, LocallyConnected2D: _LocallyConnectedRuns, Dense: _DenseRuns}


def _architecture(model: Sequential) -> list[tuple]:
    """What must agree for two models to run side by side: each layer's kind and settings."""
    described = []
    for layer in model.layers:
        settings = {key: value for key, value in vars(layer).items()
                    if key not in ("params", "grads", "_kept")}
        shapes = {name: array.shape for name, array in layer.params.items()}
        described.append((type(layer), repr(sorted(settings.items())), sorted(shapes.items())))
    return described


class SideBySide:
    """R runs of one model, side by side: the same layers, each run with its own weights.

    Parameters
    ----------
    models : list of Sequential
        At least one; the same layers with the same settings and shapes (for
        example ``[build(np.random.default_rng(seed)) for seed in seeds]``).
        Their weights are copied: the models themselves are not changed.
    dtype : numpy dtype, optional
        The weights' type side by side, e.g. ``np.float32``: half the memory
        of float64 to move at every step, as frameworks train. The models'
        own if not given.

    Attributes
    ----------
    runs : int
        ``R``.
    dtype : numpy dtype
        The weights' type.
    weights : ndarray, shape (R, parameters)
        Every weight of run ``r`` in row ``r``, layer after layer.
    params : list of dict of str to ndarray
        For each layer, its weights with a leading axis of runs, e.g. a
        convolution's ``"w"`` of shape (R, C_out, C_in, KH, KW): views of
        ``weights``.
    gradients : ndarray, shape (R, parameters)
        After :meth:`backward`, the gradient of each weight, laid out as ``weights``.
    grads : list of dict of str to ndarray
        The gradients as views of ``gradients``, named and shaped as ``params``.

    Notes
    -----
    Supported layers: ``Conv2D`` (``groups=1``), ``LocallyConnected2D``,
    ``Dense``, and every layer without weights (``ReLU``, ``Flatten``,
    ``MaxPool2D``, ``GlobalAveragePool2D``), which runs on the runs' batches
    put one after another, as one batch of ``R * N`` examples.
    """

    def __init__(self, models: Sequence[Sequential], dtype: object = None) -> None:
        models = check_sequence(models, "models", "Sequential models of the same layers")
        if not models:
            raise ValueError("models must hold at least one model")
        for index, model in enumerate(models):
            if not isinstance(model, Sequential):
                raise TypeError(f"models[{index}] must be a Sequential model, got "
                                f"{type(model).__name__}")
        first = _architecture(models[0])
        for index, model in enumerate(models[1:], start=1):
            if _architecture(model) != first:
                raise ValueError(
                    f"models[{index}] has other layers, settings or weight shapes than "
                    "models[0]: runs side by side must be the same model (build each from "
                    "the same function, with its own random generator)")
        for layer in models[0].layers:
            if layer.params and type(layer) not in _WITH_WEIGHTS:
                raise TypeError(f"{type(layer).__name__} cannot run side by side; supported "
                                "layers with weights: Conv2D, LocallyConnected2D, Dense")
            if isinstance(layer, Conv2D) and layer.groups != 1:
                raise TypeError("a Conv2D with groups > 1 cannot run side by side")
        # A copy of the first model keeps the layers' settings, and builds each run's model.
        self._template = copy.deepcopy(models[0])
        self.runs = len(models)
        stacked = [{name: np.stack([model.layers[i].params[name] for model in models])
                    for name in layer.params} for i, layer in enumerate(models[0].layers)]
        try:
            self.dtype = np.dtype(dtype) if dtype is not None else np.result_type(
                *[array for params in stacked for array in params.values()])
        except TypeError:
            raise TypeError(f"dtype must be a floating-point type such as np.float32, got "
                            f"{dtype!r}") from None
        if self.dtype.kind != "f":
            raise TypeError(f"dtype must be a floating-point type such as np.float32, got "
                            f"{self.dtype}")
        # Every run's weights in one row of one array, and the layers' weights views of it:
        # one Adam step then updates every weight of every run in one call.
        sizes = [array[0].size for params in stacked for array in params.values()]
        self.weights = np.zeros((self.runs, sum(sizes)), dtype=self.dtype)
        self.gradients = np.zeros_like(self.weights)
        self.params: list[dict[str, np.ndarray]] = []
        self.grads: list[dict[str, np.ndarray]] = []
        start = 0
        for params in stacked:
            self.params.append({})
            self.grads.append({})
            for name, array in params.items():
                block = slice(start, start + array[0].size)
                self.params[-1][name] = self.weights[:, block].reshape(array.shape)
                self.params[-1][name][...] = array
                self.grads[-1][name] = self.gradients[:, block].reshape(array.shape)
                start = block.stop
        self._caches: list | None = None

    @property
    def layers(self) -> tuple[Layer, ...]:
        """The layers (with the first run's starting weights), for their settings."""
        return self._template.layers

    def _run_layers(self, x: np.ndarray, columns: np.ndarray | None, keep: bool) -> np.ndarray:
        x = check_array(x, "x", ndim=max(np.ndim(x), 3), axes="(batches, N, ...)")
        if self.runs % x.shape[0]:
            raise ValueError(f"x must hold a batch for each of the {self.runs} runs, or for each "
                             f"group of runs that read the same batch (a number that divides "
                             f"{self.runs}), shape (batches, N, ...); got shape {x.shape}")
        caches = []
        for index, (layer, params) in enumerate(zip(self.layers, self.params)):
            steps = _WITH_WEIGHTS.get(type(layer))
            if steps is not None:
                x, cache = steps.forward(layer, params, x, columns if index == 0 else None)
            else:  # no weights: the batches one after another, as one batch
                out, cache = layer._forward(x.reshape(-1, *x.shape[2:]))
                x = out.reshape(x.shape[0], -1, *out.shape[1:])
            caches.append(cache)
        if keep:
            self._caches = caches
        return x

    def forward(self, x: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """Every run's output for its own batch, keeping what :meth:`backward` needs.

        Parameters
        ----------
        x : ndarray, shape (R, N, ...), or (B, N, ...) with B dividing R
            ``x[r]`` is run ``r``'s batch; with ``B`` batches for ``R`` runs,
            runs ``b * L`` to ``b * L + L - 1`` all read batch ``b`` (``L =
            R / B``), e.g. the same run with ``L`` learning rates. The first
            layer with weights then multiplies each batch by its ``L`` runs'
            weights in one product.
        columns : ndarray, shape (B, N, positions, taps), optional
            The first layer's windows of ``x`` as rows, when they were cut
            ahead (see :meth:`first_layer_columns`); cut from ``x`` if not given.

        Returns
        -------
        ndarray, shape (R, N, ...), e.g. class scores (R, N, classes)
        """
        self._caches = None
        return self._run_layers(x, columns, keep=True)

    def infer(self, x: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """As :meth:`forward`, keeping nothing (for measuring between training steps)."""
        return self._run_layers(x, columns, keep=False)

    def first_layer_columns(self, x: np.ndarray) -> np.ndarray | None:
        """The first layer's windows of every example, as rows: cut once, picked per batch.

        A first layer reads the examples themselves, which do not change
        during training; cutting their windows once and picking each batch's
        rows is 2-4 times quicker than cutting every batch again.

        Parameters
        ----------
        x : ndarray, shape (N, C_in, H, W)
            Every example any run uses.

        Returns
        -------
        ndarray, shape (N, positions, taps), or None
            None when the first layer is not a Conv2D or LocallyConnected2D.
        """
        first = self.layers[0]
        if type(first) not in (Conv2D, LocallyConnected2D):
            return None
        x = check_array(x, "x", ndim=4, axes="(N, C_in, H, W)")
        g = _WITH_WEIGHTS[type(first)].geometry(first, x.shape, self.params[0]["w"].shape[1:])
        return _columns(x[None], g)[0]

    def backward(self, dout: np.ndarray) -> None:
        """Gradients of every run's weights from the last :meth:`forward`; fills ``grads``.

        Parameters
        ----------
        dout : ndarray, shape of the last forward's output
            E.g. each run's ``dscores``, (R, N, classes).
        """
        if self._caches is None:
            raise ValueError("backward needs forward to run first, once per backward")
        caches, self._caches = self._caches, None
        lowest = next(i for i, params in enumerate(self.params) if params)  # the first weights
        for index in reversed(range(lowest, len(self.layers))):
            layer, params, cache = self.layers[index], self.params[index], caches[index]
            steps = _WITH_WEIGHTS.get(type(layer))
            if steps is not None:
                dout = steps.backward(layer, params, self.grads[index], dout, cache,
                                      input_gradient=index > lowest)
            else:
                dx = layer._backward(dout.reshape(-1, *dout.shape[2:]), cache)
                dout = dx.reshape(self.runs, -1, *dx.shape[1:])

    def model(self, run: int, params: list[dict[str, np.ndarray]] | None = None) -> Sequential:
        """Run ``run`` as an ordinary :class:`Sequential` model, with a copy of its weights.

        Parameters
        ----------
        run : int
            From 0 to ``R - 1``.
        params : list of dict, optional
            Weights shaped as :attr:`params` (for example kept at a checkpoint);
            the current weights if not given.
        """
        run = check_int(run, "run", minimum=0)
        if run >= self.runs:
            raise ValueError(f"run must be below {self.runs}, the number of runs, got {run}")
        model = copy.deepcopy(self._template)
        for layer, stacked in zip(model.layers, params if params is not None else self.params):
            for name, array in stacked.items():
                layer.params[name] = array[run].copy()
        return model


@dataclass
class SideBySideHistory:
    """What a side-by-side training measured, run by run.

    Attributes
    ----------
    checkpoints : tuple of int
        The numbers of updates after which every run was measured.
    accuracy, loss : dict of str to ndarray, shape (R, len(checkpoints))
        For each named set of examples (e.g. ``"validation"``, ``"test"``),
        each run's accuracy and mean cross-entropy on its own examples at
        each checkpoint.
    params : list of list of dict
        The stacked weights at each checkpoint, as :attr:`SideBySide.params`
        (give one to :meth:`SideBySide.model`).
    seconds : float
        Wall-clock time of the training.
    """

    checkpoints: tuple[int, ...]
    accuracy: dict[str, np.ndarray]
    loss: dict[str, np.ndarray]
    params: list[list[dict[str, np.ndarray]]]
    seconds: float = 0.0


def _index_sets(value: object, name: str, runs: int, size_of_data: int) -> np.ndarray:
    """Index arrays, one row per run, as a (runs, n) integer array; or a clear error."""
    try:
        array = np.asarray(value)
    except ValueError:  # rows of different lengths
        raise ValueError(f"{name} must hold the same number of examples for every run") from None
    if array.dtype.kind not in "iu" or array.ndim != 2 or array.shape[0] != runs:
        raise TypeError(f"{name} must be integer indices of shape (R, n), one row per run "
                        f"({runs}), got dtype {array.dtype} and shape {array.shape}")
    if array.size and (array.min() < 0 or array.max() >= size_of_data):
        raise ValueError(f"{name} must index the {size_of_data} examples of x, got indices "
                         f"from {array.min()} to {array.max()}")
    return array


def _measure(runs: SideBySide, x: np.ndarray, columns: np.ndarray | None, labels: np.ndarray,
             index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each run's accuracy and mean cross-entropy on its own examples (one row of index per batch)."""
    scores = runs.infer(x[index], None if columns is None else columns[index])  # (R, n, classes)
    right = np.repeat(labels[index], runs.runs // len(index), axis=0)  # each batch's runs
    loss, _ = softmax_cross_entropy(scores, right)
    return (scores.argmax(axis=2) == right).mean(axis=1), loss


def train_side_by_side(
    runs: SideBySide,
    x: np.ndarray,
    labels: np.ndarray,
    train_sets: Sequence[np.ndarray],
    *,
    updates: int,
    batch_size: int,
    learning_rates: Sequence[float],
    seeds: Sequence[int],
    checkpoints: Sequence[int] | None = None,
    measure_on: Mapping[str, np.ndarray] | None = None,
    measure_labels: np.ndarray | None = None,
) -> SideBySideHistory:
    """Train every run of ``runs`` with Adam on its own mini-batches, all runs in each call.

    Run ``r`` trains on ``x[train_sets[r]]``: each pass over its examples
    goes in the order ``np.random.default_rng(seeds[r]).permutation`` draws
    for that pass, in batches of ``batch_size`` (the last one smaller), with
    Adam at ``learning_rates[r]``, exactly as :func:`course_utils.train`
    (``epochs`` passes of ``seed=seeds[r]``) trains it alone. Runs may have
    training sets of different sizes (each run then starts its passes on
    its own), as long as every batch is whole: each size a multiple of
    ``batch_size``.

    Parameters
    ----------
    runs : SideBySide
        Trained in place.
    x : ndarray, shape (N, ...)
        Every example any run uses.
    labels : ndarray of int, shape (N,), or (B, N)
        The labels the runs train on: the same for every run, or one row
        per training set (e.g. each run's own shuffled labels).
    train_sets : sequence of ndarray of int, R of them, or B dividing R
        Each run's training examples (indices into ``x``): all the same
        number, or each a multiple of ``batch_size``, so that every step
        takes a batch of the same size from every run. With ``B`` sets for
        ``R`` runs, runs ``b * L`` to ``b * L + L - 1`` (``L = R / B``) train
        on set ``b`` in the same batches, e.g. one run with ``L`` learning
        rates (see :meth:`SideBySide.forward`).
    updates : int
        Adam steps per run (a pass may stop part-way).
    batch_size : int
    learning_rates : sequence of float, length R
    seeds : sequence of int, one per training set
        Seeds of each training set's batch order.
    checkpoints : sequence of int, optional
        Numbers of updates, increasing, at most ``updates``, after which
        every run is measured and its weights kept; ``(updates,)`` if not given.
    measure_on : mapping of str to ndarray of int, shape (B, n_set), optional
        Named sets of examples, one row per training set (for its runs),
        e.g. ``{"validation": ..., "test": ...}``, measured at each checkpoint.
    measure_labels : ndarray of int, shape (N,), optional
        The true labels for measuring, when the runs train on other ones
        (shuffled labels, say); ``labels`` if not given.

    Returns
    -------
    SideBySideHistory
    """
    import time

    if not isinstance(runs, SideBySide):
        raise TypeError(f"runs must be a SideBySide of models, got {type(runs).__name__}")
    x = check_finite(check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...)"), "x")
    updates = check_int(updates, "updates", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    train_sets = _training_sets(train_sets, runs.runs, len(x), batch_size)
    batches = len(train_sets)
    labels = np.asarray(labels)
    if labels.ndim == 2:  # one row of labels per training set
        if labels.shape[0] != batches:
            raise ValueError(f"labels must be one class per example of x, or one row of them "
                             f"per training set ({batches}), got shape {labels.shape}")
        train_labels = np.stack([_labels(row, f"labels[{b}]", len(x))
                                 for b, row in enumerate(labels)])
        if measure_labels is None:
            raise ValueError("measure_labels must be given when every run trains on labels of "
                             "its own: they say what is right when measuring")
    else:
        train_labels = np.broadcast_to(_labels(labels, "labels", len(x)), (batches, len(x)))
    measure_labels = labels if measure_labels is None else _labels(
        measure_labels, "measure_labels", len(x))
    rates = [check_number(rate, f"learning_rates[{k}]", positive=True)
             for k, rate in enumerate(check_sequence(learning_rates, "learning_rates",
                                                     "learning rates, one per run"))]
    if len(rates) != runs.runs:
        raise ValueError(f"learning_rates must have one entry per run ({runs.runs}), got "
                         f"{len(rates)}")
    seeds = [check_int(seed, f"seeds[{k}]", minimum=0)
             for k, seed in enumerate(check_sequence(seeds, "seeds", "seeds, one per batch"))]
    if len(seeds) != batches:
        raise ValueError(f"seeds must have one entry per training set ({batches}), got "
                         f"{len(seeds)}")
    checkpoints = (updates,) if checkpoints is None else tuple(
        check_int(c, f"checkpoints[{k}]", minimum=1)
        for k, c in enumerate(check_sequence(checkpoints, "checkpoints", "numbers of updates")))
    if list(checkpoints) != sorted(set(checkpoints)) or checkpoints[-1] > updates:
        raise ValueError(f"checkpoints must increase and end at most at updates ({updates}), "
                         f"got {checkpoints}")
    measure_on = {name: _index_sets(index, f"measure_on[{name!r}]", batches, len(x))
                  for name, index in (measure_on or {}).items()}

    start = time.perf_counter()
    x = x.astype(runs.dtype, copy=False)  # the weights' dtype: float32 stays float32
    columns = runs.first_layer_columns(x)
    per_batch = runs.runs // batches  # runs that read each batch
    # each run's rate multiplies its own row of the weights
    rates = np.array(rates, dtype=runs.dtype)[:, None]
    m, v = np.zeros_like(runs.weights), np.zeros_like(runs.weights)  # Adam's running means
    orders = [np.random.default_rng(seed) for seed in seeds]
    history = SideBySideHistory(checkpoints, {name: np.zeros((runs.runs, len(checkpoints)))
                                              for name in measure_on},
                                {name: np.zeros((runs.runs, len(checkpoints)))
                                 for name in measure_on}, [])
    # each run's place in its own pass, and that pass's order; no pass started yet
    sizes = [len(examples) for examples in train_sets]
    firsts, pass_orders = list(sizes), [None] * batches
    step = 0
    while step < updates:
        batches_now = []
        for b, examples in enumerate(train_sets):
            if firsts[b] >= sizes[b]:  # a new pass, in this set's own order, as train draws it
                pass_orders[b], firsts[b] = orders[b].permutation(sizes[b]), 0
            batches_now.append(examples[pass_orders[b][firsts[b]:firsts[b] + batch_size]])
            firsts[b] += batch_size
        chosen = np.stack(batches_now)  # (B, batch)
        scores = runs.forward(x[chosen], None if columns is None else columns[chosen])
        # each run's mean loss over its own batch, and its gradient
        right = np.take_along_axis(train_labels, chosen, axis=1)  # each set's own labels
        _, dscores = softmax_cross_entropy(scores, np.repeat(right, per_batch, axis=0))
        runs.backward(dscores)
        step += 1
        adam_update(runs.weights, runs.gradients, m, v, step, rates)
        if step in checkpoints:
            k = checkpoints.index(step)
            for name, index in measure_on.items():
                history.accuracy[name][:, k], history.loss[name][:, k] = _measure(
                    runs, x, columns, measure_labels, index)
            history.params.append([{name: array.copy() for name, array in params.items()}
                                   for params in runs.params])
    history.seconds = time.perf_counter() - start
    return history


def _training_sets(value: object, runs: int, size_of_data: int, batch_size: int
                   ) -> list[np.ndarray]:
    """Each batch's training examples as an index array, checked; or a clear error."""
    sets = check_sequence(value, "train_sets", "index arrays, one per run")
    if not sets or runs % len(sets):
        raise ValueError(f"train_sets must hold one index array per run ({runs}), or per group "
                         f"of runs that read the same batches (a number that divides {runs}), "
                         f"got {len(sets)}")
    checked = []
    for r, examples in enumerate(sets):
        examples = np.asarray(examples)
        if examples.dtype.kind not in "iu" or examples.ndim != 1 or examples.size == 0:
            raise TypeError(f"train_sets[{r}] must be a non-empty 1-D array of integer indices, "
                            f"got dtype {examples.dtype} and shape {examples.shape}")
        if examples.min() < 0 or examples.max() >= size_of_data:
            raise ValueError(f"train_sets[{r}] must index the {size_of_data} examples of x, got "
                             f"indices from {examples.min()} to {examples.max()}")
        checked.append(examples)
    sizes = {len(examples) for examples in checked}
    if len(sizes) > 1 and any(size % batch_size for size in sizes):
        raise ValueError(f"train_sets of different sizes ({sorted(sizes)}) must each be a "
                         f"multiple of batch_size ({batch_size}), so that every batch is whole")
    return checked


def _labels(value: object, name: str, count: int) -> np.ndarray:
    labels = np.asarray(value)
    if labels.dtype.kind not in "iu" or labels.shape != (count,):
        raise TypeError(f"{name} must hold one integer class per example of x ({count}), got "
                        f"dtype {labels.dtype} and shape {labels.shape}")
    return labels
