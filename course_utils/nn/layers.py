"""The small layers a classifier needs besides convolutions: dense, ReLU, softmax loss.

Each forward function has a backward function next to it that takes the
gradient of the loss with respect to the output (``dout``) and returns the
gradients with respect to the inputs and the parameters, as in CS231n's
``layers.py``.
"""

from __future__ import annotations

import numpy as np

from ..validation import check_array, check_bool, check_finite, gradient_dtype

__all__ = [
    "dense",
    "dense_backward",
    "relu",
    "relu_backward",
    "softmax_cross_entropy",
]


def _dense_shapes(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = check_array(x, "x", ndim=2, axes="(N, in_features)")
    w = check_array(w, "w", ndim=2, axes="(in_features, out_features)")
    if x.shape[1] != w.shape[0] and x.size == w.shape[0]:
        raise ValueError(
            f"x must be a batch (N, {w.shape[0]}); x of shape {x.shape} looks like one example "
            f"without its batch axis: use x.reshape(1, -1)"
        )
    if x.shape[1] != w.shape[0]:
        raise ValueError(
            f"x has {x.shape[1]} features per example (shape {x.shape}) but w expects "
            f"{w.shape[0]} (shape {w.shape}): w.shape[0] must equal x.shape[1]; flatten images "
            "first, e.g. x.reshape(len(x), -1)"
        )
    return x, w


def dense(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """A fully connected layer: every output is a weighted sum of every input.

    Parameters
    ----------
    x : ndarray, shape (N, in_features)
    w : ndarray, shape (in_features, out_features)
    b : ndarray, shape (out_features,), optional

    Returns
    -------
    ndarray, shape (N, out_features)
        ``x @ w + b``.
    """
    x, w = _dense_shapes(x, w)
    out = x @ w
    if b is not None:
        b = check_array(b, "b", ndim=1, axes="(out_features,)")
        if b.shape[0] != w.shape[1]:
            raise ValueError(
                f"b must have one entry per output ({w.shape[1]}, the columns of w), "
                f"got {b.shape[0]}"
            )
        out = out + b
    return out


def dense_backward(
    dout: np.ndarray, x: np.ndarray, w: np.ndarray, *, input_gradient: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients of :func:`dense`.

    Parameters
    ----------
    dout : ndarray, shape (N, out_features)
    x : ndarray, shape (N, in_features)
    w : ndarray, shape (in_features, out_features)
    input_gradient : bool
        Compute ``dx`` (``None`` with ``False``: a model's first layer has
        no use for it).

    Returns
    -------
    dx : ndarray, shape (N, in_features), or None
    dw : ndarray, shape (in_features, out_features)
    db : ndarray, shape (out_features,)
    """
    x, w = _dense_shapes(x, w)
    dout = check_array(dout, "dout", ndim=2, axes="(N, out_features)")
    if dout.shape != (x.shape[0], w.shape[1]):
        raise ValueError(f"dout must have the output's shape {(x.shape[0], w.shape[1])}, "
                         f"got {dout.shape}")
    input_gradient = check_bool(input_gradient, "input_gradient")
    dtype = gradient_dtype(dout, x, w)
    # copy=False: the products are new arrays already, most often of that dtype
    dx = (dout @ w.T).astype(dtype, copy=False) if input_gradient else None
    return dx, (x.T @ dout).astype(dtype, copy=False), dout.sum(axis=0).astype(dtype, copy=False)


def relu(x: np.ndarray) -> np.ndarray:
    """``max(x, 0)`` elementwise.

    Parameters
    ----------
    x : ndarray, any shape

    Returns
    -------
    ndarray, shape like ``x``
    """
    x = check_array(x, "x", ndim=np.ndim(x), axes="(any shape)")
    return np.maximum(x, 0)


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Gradient of :func:`relu`: ``dout`` where ``x > 0``, else 0.

    Parameters
    ----------
    dout, x : ndarray, the same shape

    Returns
    -------
    ndarray, shape like ``x``
    """
    x = check_array(x, "x", ndim=np.ndim(x), axes="(any shape)")
    dout = check_array(dout, "dout", ndim=x.ndim, axes=f"{x.shape} (the shape of x)")
    if dout.shape != x.shape:
        raise ValueError(f"dout must have the shape of x, {x.shape}, got {dout.shape}")
    passed = x > 0
    # A product with the mask, 5-6 times faster than a masked copy on a training batch;
    # but 0 times an infinite or NaN gradient is NaN, where the true gradient is 0.
    with np.errstate(invalid="ignore"):  # inf * 0: mended just below
        dx = (dout * passed).astype(gradient_dtype(dout, x), copy=False)
    if np.isnan(dx.max(initial=0.0)):  # max() is NaN if any number is: a quick look
        dx[~passed] = 0
    return dx


def softmax_cross_entropy(scores: np.ndarray, labels: np.ndarray
                          ) -> tuple[float | np.ndarray, np.ndarray]:
    """Mean cross-entropy loss of softmax probabilities, and its gradient.

    Parameters
    ----------
    scores : ndarray, shape (N, classes), or (R, N, classes) for R runs side by side
        One row of unnormalised class scores per example.
    labels : ndarray of int, shape (N,), or (R, N)
        The right class of each example, from 0 to ``classes - 1``.

    Returns
    -------
    loss : float, or ndarray of shape (R,)
        ``mean over n of -log softmax(scores[n])[labels[n]]``; for runs side
        by side, each run's mean over its own batch.
    dscores : ndarray, shape like ``scores``
        Gradient of the loss: ``(softmax(scores) - one_hot(labels)) / N``
        (each run's gradient of its own loss).
    """
    scores = check_array(scores, "scores", ndim=3 if np.ndim(scores) == 3 else 2,
                         axes="(N, classes), or (R, N, classes) for runs side by side")
    scores = check_finite(scores, "scores", hint="if this happened while training, the loss "
                          "diverged: try a smaller learning_rate")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"labels must be integer class numbers, got dtype {labels.dtype}; "
            "for float labels use labels.astype(int)"
        )
    if labels.shape != scores.shape[:-1]:
        raise ValueError(
            f"labels must be {scores.shape[-2]} integer class numbers, one per row of scores, "
            f"shape {scores.shape[:-1]}, got shape {labels.shape} and dtype {labels.dtype}"
        )
    classes = scores.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"labels must be between 0 and {classes - 1} (scores has "
            f"{classes} classes), got values from {labels.min()} to {labels.max()}"
        )
    shifted = scores - scores.max(axis=-1, keepdims=True)  # exp cannot overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    one_hot = labels[..., None] == np.arange(classes)  # True at each row's right class
    # picking with the one-hot mask: x * 1 and x - 1 where it is True, x * 0 and x - 0 elsewhere
    loss = -(log_probs * one_hot).sum(axis=-1).mean(axis=-1)
    dscores = np.exp(log_probs) - one_hot
    return (float(loss) if scores.ndim == 2 else loss), dscores / scores.shape[-2]
