"""Checking a backward pass against centred finite differences.

The analytic gradients of a layer are easy to get subtly wrong. These two
functions, in the style of CS231n's ``gradient_check.py``, compare them with
a numerical estimate: nudge one input at a time by ``±h`` and see how the
output changes.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..validation import check_array, check_callable, check_number

__all__ = ["numerical_gradient", "rel_error"]


def numerical_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x``, by centred differences.

    Parameters
    ----------
    f : callable
        Takes an array shaped like ``x`` and returns an array shaped like
        ``dout``. It is called ``2 * x.size`` times.
    x : ndarray of float, any shape
        The point. It is changed in place during the computation and
        restored afterwards.
    dout : ndarray
        The upstream gradient, shaped like ``f(x)``.
    h : float
        Step size.

    Returns
    -------
    ndarray, shape like ``x``
        ``(sum(f(x + h e_k) * dout) - sum(f(x - h e_k) * dout)) / (2h)``
        for every element ``k``.
    """
    check_callable(f, "f", "lambda x: conv2d(x, w)")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(
            "x must be a numpy array of floats, changed in place while nudging, got "
            f"{type(x).__name__}" + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else "")
        )
    h = check_number(h, "h", positive=True)
    output = f(x)
    if not isinstance(output, np.ndarray):
        raise TypeError(f"f must return a numpy array, got {type(output).__name__}; "
                        "did the lambda forget to return the layer's output?")
    dout = check_array(dout, "dout", ndim=output.ndim, axes=f"{output.shape}, the shape of f(x)")
    if dout.shape != output.shape:
        raise ValueError(f"dout must have the shape of f(x), {output.shape}, got {dout.shape}")
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for k in range(flat_x.size):
        original = flat_x[k]
        flat_x[k] = original + h
        plus = np.sum(f(x) * dout)
        flat_x[k] = original - h
        minus = np.sum(f(x) * dout)
        flat_x[k] = original
        flat_grad[k] = (plus - minus) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative difference between two arrays, as in CS231n.

    ``max |a - b| / max(1e-8, |a| + |b|)``: about 1e-7 or less means two
    gradients agree in float64; 1e-2 or more means a bug.

    Parameters
    ----------
    a, b : ndarray, the same shape

    Returns
    -------
    float
    """
    a = check_array(a, "a", ndim=np.ndim(a), axes="(any shape)")
    b = check_array(b, "b", ndim=np.ndim(b), axes="(any shape)")
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}; they must match")
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
