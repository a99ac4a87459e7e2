"""Training a :class:`~course_utils.nn.model.Sequential` model: Adam, mini-batches, a progress bar.

Everything random (the order of the examples in each epoch) comes from a
seeded generator, so a run repeated with the same seed gives the same
numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..validation import check_array, check_bool, check_finite, check_int, check_number
from .layers import softmax_cross_entropy
from .model import Sequential

__all__ = [
    "accuracy",
    "Adam",
    "adam_update",
    "loss_plateaued",
    "ProgressBar",
    "train",
    "TrainingHistory",
]


class Adam:
    """The Adam optimiser (Kingma & Ba, 2015) for every parameter of a model.

    Parameters
    ----------
    model : Sequential
    learning_rate : float
        Step size, a finite number above 0.
    beta1, beta2 : float
        Decay rates of the running means of the gradient and of its square,
        each at least 0 and below 1 (at 1 the means would never move, and the
        bias correction would divide by 0).
    eps : float
        Added to the denominator, so that a zero gradient does not divide by 0;
        a finite number above 0.
    """

    def __init__(self, model: Sequential, learning_rate: float = 1e-3, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8) -> None:
        if not isinstance(model, Sequential):
            raise TypeError(
                f"model must be a Sequential model, e.g. Sequential([Flatten(), Dense(...)]), "
                f"got {model!r} of type {type(model).__name__}"
            )
        learning_rate = check_number(learning_rate, "learning_rate", positive=True)
        beta1, beta2 = (_check_decay_rate(beta1, "beta1"), _check_decay_rate(beta2, "beta2"))
        eps = check_number(eps, "eps", positive=True)
        self.model, self.learning_rate = model, learning_rate
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.steps = 0
        # model.backward_passes when the last step ran: its gradients are used up
        self._stepped_after: int | None = None
        # running means of each parameter's gradient (m) and squared gradient (v)
        self.m = {(layer, name): np.zeros_like(layer.params[name])
                  for layer, name in model.parameters()}
        self.v = {(layer, name): np.zeros_like(layer.params[name])
                  for layer, name in model.parameters()}

    def step(self) -> None:
        """Update every parameter from the gradients of the last backward pass.

        Raises
        ------
        ValueError
            When a parameter has no gradient yet, when ``model.forward`` ran
            after the last ``model.backward`` (its gradients are not there
            yet), or when a step already used the last backward's gradients
            (a second step would apply them twice).
        """
        missing = [f"{type(layer).__name__}.{name}" for layer, name in self.model.parameters()
                   if name not in layer.grads]
        if missing:
            raise ValueError(
                "step needs gradients: run model.backward(dscores) before optimiser.step() "
                f"(no gradient yet for {', '.join(missing)})"
            )
        if self.model.backward_pending:
            # The gradients are those of an earlier batch: stepping now would mix two batches.
            raise ValueError(
                "step needs the gradients of the last forward pass: run "
                "model.backward(dscores) after model.forward(x), then optimiser.step()"
            )
        if self._stepped_after is not None and self._stepped_after == self.model.backward_passes:
            raise ValueError(
                "step already used the gradients of the last backward pass, and stepping "
                "again would apply them twice: run model.forward(x) and "
                "model.backward(dscores) again, then optimiser.step()"
            )
        self._stepped_after = self.model.backward_passes
        self.steps += 1
        for layer, name in self.model.parameters():
            adam_update(layer.params[name], layer.grads[name], self.m[(layer, name)],
                        self.v[(layer, name)], self.steps, self.learning_rate,
                        self.beta1, self.beta2, self.eps)


def adam_update(param: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray, step: int,
                learning_rate: float | np.ndarray, beta1: float = 0.9, beta2: float = 0.999,
                eps: float = 1e-8) -> None:
    """One Adam step of one parameter array, in place: Adam's rule, written once.

    Parameters
    ----------
    param, grad : ndarray, the same shape
        The weights, updated in place, and their gradient.
    m, v : ndarray, shape like ``param``
        Running means of the gradient and of its square, updated in place.
    step : int
        The number of this step, from 1 (the bias correction needs it).
    learning_rate : float, or ndarray that broadcasts against ``param``
        An array gives each run its own rate when ``param`` holds several
        runs side by side (shape (R, 1, ...) for weights of shape (R, ...)).
    beta1, beta2, eps : float
        As in :class:`Adam`.
    """
    step = check_int(step, "step", minimum=1)  # the bias correction divides by 1 - beta**step
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * np.square(grad)
    # update = learning_rate * m_hat / (sqrt(v_hat) + eps), where m_hat and
    # v_hat undo the early steps' bias towards 0; computed in place, in
    # that order, because a model's arrays can hold millions of numbers.
    update = m / (1 - beta1**step)  # m_hat
    update *= learning_rate
    denominator = v / (1 - beta2**step)  # v_hat
    np.sqrt(denominator, out=denominator)
    denominator += eps
    update /= denominator
    param -= update


def _check_decay_rate(value: object, name: str) -> float:
    """A beta of Adam: a number at least 0 and below 1, else a clear error."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    value = check_number(value, name)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be at least 0 and below 1, got {value!r}")
    return value


@dataclass
class TrainingHistory:
    """What happened during training, one entry per epoch.

    Attributes
    ----------
    loss : list of float
        Mean training loss of each epoch.
    train_accuracy : list of float
        Accuracy on the training set after each epoch, or after the last
        epoch only when ``train`` ran with ``accuracy_each_epoch=False``.
    seconds : float
        Wall-clock time of the whole run.
    plateaued : bool
        True when training stopped because the loss had plateaued (see
        :func:`loss_plateaued`); False when it ran all its epochs.
    """

    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    seconds: float = 0.0
    plateaued: bool = False


def loss_plateaued(loss: Sequence[float], window: int, tolerance: float) -> bool:
    """Whether a loss curve has stopped falling: its last ``window`` epochs against the ones before.

    The mean loss of the last ``window`` epochs is compared with the mean of
    the ``window`` epochs before them; averaging over a window smooths the
    epoch-to-epoch noise of shuffled mini-batches. The loss has plateaued
    when it fell by less than ``tolerance`` of its earlier value (or rose).

    Parameters
    ----------
    loss : sequence of float
        Mean training loss of each epoch, first epoch first.
    window : int
        Epochs per mean, at least 1.
    tolerance : float
        Relative fall below which the loss counts as flat, above 0.

    Returns
    -------
    bool
        False while fewer than ``2 * window`` epochs have run.

    Examples
    --------
    >>> loss_plateaued([1.0, 0.5, 0.3, 0.2], window=2, tolerance=0.05)
    False
    >>> loss_plateaued([1.0, 0.5, 0.1, 0.101, 0.1, 0.0995], window=2, tolerance=0.05)
    True
    """
    window = check_int(window, "window", minimum=1)
    tolerance = check_number(tolerance, "tolerance", positive=True)
    if isinstance(loss, (str, bytes)) or not isinstance(loss, Sequence):
        raise TypeError(f"loss must be a list of per-epoch losses, got {loss!r}")
    loss = check_finite(check_array(np.asarray(loss, dtype=float), "loss", ndim=1,
                                    axes="(epochs,)"), "loss")
    if len(loss) < 2 * window:
        return False
    earlier, recent = loss[-2 * window:-window].mean(), loss[-window:].mean()
    return bool(earlier - recent < tolerance * abs(earlier))


def accuracy(model: Sequential, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of examples whose predicted class is the label.

    Parameters
    ----------
    model : Sequential
    x : ndarray, shape (N, ...)
    labels : ndarray of int, shape (N,)

    Returns
    -------
    float between 0 and 1
    """
    x, labels = _examples_and_labels(model, x, labels)
    return float((model.predict(x) == labels).mean())


def _examples_and_labels(model: object, x: object, labels: object
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Check a model and its data: finite examples, one integer label each, class scores out."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential model, got {type(model).__name__}")
    x = check_finite(check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...)"), "x")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer classes, got dtype {labels.dtype}")
    if labels.shape != (len(x),):
        raise ValueError(
            f"labels must hold one class per example of x ({len(x)}), got shape {labels.shape}"
        )
    # One example through the model: a model that does not end in class scores
    # would otherwise give a loss error deep in training, or a silent argmax.
    # class_scores keeps nothing for backward, so a forward/backward in progress is untouched.
    model.class_scores(x[:1])
    return x, labels


class ProgressBar:
    """A progress bar: an ipywidgets bar inside Jupyter, nothing elsewhere (tests, scripts).

    Parameters
    ----------
    total : int
        The value at which the work is done.
    description : str
        The bar's label.
    show : bool
        False never shows a bar.
    """

    def __init__(self, total: int, description: str = "", show: bool = True) -> None:
        total = check_int(total, "total", minimum=1)
        if not isinstance(description, str):
            raise TypeError(f"description must be text, got {description!r}")
        self.bar = None
        if not show:
            return
        try:
            from IPython import get_ipython
            from IPython.display import display
            from ipywidgets import IntProgress
        except ImportError:
            return
        if get_ipython() is None:
            return
        # 'initial' width: the whole description shows, not its first ten letters
        self.bar = IntProgress(value=0, min=0, max=total, description=description,
                               style={"description_width": "initial"})
        display(self.bar)

    def update(self, value: int) -> None:
        """Move the bar to ``value`` (out of ``total``)."""
        if self.bar is not None:
            self.bar.value = value

    def close(self, text: str) -> None:
        """Show ``text`` as the label and colour the bar as finished."""
        if self.bar is not None:
            self.bar.description = text
            self.bar.bar_style = "success"


def train(
    model: Sequential,
    x: np.ndarray,
    labels: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float = 1e-3,
    seed: int = 0,
    progress: bool = True,
    description: str = "training",
    accuracy_each_epoch: bool = True,
    plateau: tuple[int, float] | None = None,
) -> TrainingHistory:
    """Train ``model`` with Adam on mini-batches, shuffled by a seeded generator.

    Parameters
    ----------
    model : Sequential
        Its last layer gives class scores, shape (N, classes).
    x : ndarray, shape (N, ...)
        Training examples, in the shape the first layer takes.
    labels : ndarray of int, shape (N,)
    epochs : int
        Passes over the training set (the most, when ``plateau`` is given).
    batch_size : int
        Examples per update.
    learning_rate : float
    seed : int
        Seed of the generator that shuffles the examples each epoch.
    progress : bool
        Show a progress bar (one step per epoch) when running in Jupyter.
    description : str
        The bar's label.
    accuracy_each_epoch : bool
        Measure the accuracy on the whole training set after every epoch;
        False measures it after the last epoch only, which saves one pass
        of inference over the training set per epoch.
    plateau : (int, float), optional
        ``(window, tolerance)``: stop after the first epoch at which
        :func:`loss_plateaued` says the loss has stopped falling (the
        history's ``plateaued`` is then True). None runs every epoch.

    Returns
    -------
    TrainingHistory
    """
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    progress = check_bool(progress, "progress")
    accuracy_each_epoch = check_bool(accuracy_each_epoch, "accuracy_each_epoch")
    window, tolerance = _check_plateau(plateau)
    x, labels = _examples_and_labels(model, x, labels)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    optimiser = Adam(model, learning_rate)
    history = TrainingHistory()
    bar = ProgressBar(epochs, description, progress)
    start = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for first in range(0, len(x), batch_size):
            batch = order[first:first + batch_size]
            loss, dscores = softmax_cross_entropy(model.forward(x[batch]), labels[batch])
            model.backward(dscores, input_gradient=False)  # the weights need no dx of x
            optimiser.step()
            losses.append(loss * len(batch))
        history.loss.append(float(np.sum(losses) / len(x)))
        if window is not None:
            history.plateaued = loss_plateaued(history.loss, window, tolerance)
        last = epoch == epochs - 1 or history.plateaued
        if accuracy_each_epoch or last:
            history.train_accuracy.append(accuracy(model, x, labels))
        bar.update(epoch + 1)
        if history.plateaued:
            break
    history.seconds = time.perf_counter() - start
    bar.close(f"{description}: done")
    return history


def _check_plateau(plateau: object) -> tuple[int | None, float | None]:
    """``(window, tolerance)`` of a plateau criterion, or ``(None, None)`` for none."""
    __tracebackhide__ = True
    if plateau is None:
        return None, None
    if not isinstance(plateau, tuple) or len(plateau) != 2:
        raise TypeError(f"plateau must be None or a pair (window, tolerance), e.g. (5, 0.01), "
                        f"got {plateau!r}")
    return (check_int(plateau[0], "plateau[0] (the window)", minimum=1),
            check_number(plateau[1], "plateau[1] (the tolerance)", positive=True))
