"""Argument checks shared by every public function of ``course_utils``.

Learners call these functions with whatever they typed, so every check
raises a ``TypeError`` or ``ValueError`` whose message names the argument,
shows the value it got and says what is allowed.

Two small helpers that the checked functions share live here too, because
they belong to no one kind of layer: :func:`shape_text` writes a shape as
the messages show it, and :func:`gradient_dtype` is the dtype every backward
pass (convolution, pooling, dense, ReLU) gives its gradients.
"""

from __future__ import annotations

import numbers
from typing import Union

import numpy as np

IntOrPair = Union[int, tuple[int, int]]


def check_int(value: object, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise a clear error.

    Parameters
    ----------
    value : object
        What the caller passed. Python and NumPy integers are accepted;
        ``bool`` is refused even though it is a subclass of ``int``, because
        ``kernel_size=True`` is always a mistake.
    name : str
        The argument's name, used in the error message.
    minimum : int, optional
        Smallest allowed value.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer (floats such as ``3.0`` included).
    ValueError
        If ``value`` is smaller than ``minimum``.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer, got {value!r} of type {type(value).__name__}"
        )
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def is_pair(value: object) -> bool:
    """True when ``value`` is a tuple or list (a candidate ``(h, w)`` pair)."""
    return isinstance(value, (tuple, list))


def check_int_or_pair(
    value: object, name: str, *, minimum: int | None = None
) -> tuple[int, int]:
    """Return ``value`` as an ``(h, w)`` pair of ints, or raise a clear error.

    Parameters
    ----------
    value : int or tuple of two ints
        A single int applies to both height and width.
    name : str
        The argument's name, used in the error message.
    minimum : int, optional
        Smallest allowed value for each entry.

    Returns
    -------
    tuple of (int, int)
        ``(height_value, width_value)``.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if is_pair(value):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a pair (height, width) of two ints, "
                f"got {len(value)} values: {value!r}"
            )
        return (
            check_int(value[0], f"{name}[0] (height)", minimum=minimum),
            check_int(value[1], f"{name}[1] (width)", minimum=minimum),
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an int or a pair (height, width) of ints, "
            f"got {value!r} of type {type(value).__name__}"
        )
    single = check_int(value, name, minimum=minimum)
    return (single, single)


def check_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a bool, else raise ``TypeError``."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def check_groups(groups: object, in_channels: int, out_channels: int) -> int:
    """Return ``groups`` as an int that divides both channel counts, or raise.

    Parameters
    ----------
    groups : object
        What the caller passed as ``groups``.
    in_channels, out_channels : int
        The channels it must divide.

    Returns
    -------
    int
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    groups = check_int(groups, "groups", minimum=1)
    for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
        if channels % groups != 0:
            raise ValueError(
                f"{name} must be divisible by groups: {name}={channels}, groups={groups}"
            )
    return groups


def check_array(value: object, name: str, *, ndim: int, axes: str) -> np.ndarray:
    """Return ``value`` as a numeric numpy array with ``ndim`` axes, or raise.

    Parameters
    ----------
    value : array_like
        What the caller passed: a numpy array, or nested lists of numbers.
    name : str
        The argument's name, used in the error message.
    ndim : int
        Number of axes required.
    axes : str
        What the axes mean, e.g. ``"(N, C_in, H, W)"``, for the message.

    Returns
    -------
    ndarray
        Integer or floating point; other dtypes (bool, complex, text,
        objects) are refused with a ``TypeError``.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if value is None:
        raise TypeError(f"{name} must be a numpy array of shape {axes}, got None")
    try:
        array = np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of shape {axes}: {error}") from None
    kind = array.dtype.kind
    if kind not in "iuf":
        raise TypeError(
            f"{name} must hold integers or floats, got an array of dtype {array.dtype}"
            + (" (booleans: use x.astype(float))" if kind == "b" else "")
        )
    if array.ndim != ndim:
        hint = ""
        if ndim == 4 and array.ndim == 2:
            hint = f"; for one single-channel image use {name}[None, None], shape (1, 1, H, W)"
        elif ndim == 4 and array.ndim == 3:
            hint = f"; for one image use {name}[None], which adds a batch axis of size 1"
        raise ValueError(
            f"{name} must have {ndim} axes {axes}, got {array.ndim} (shape {array.shape}){hint}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array


def check_finite(array: np.ndarray, name: str, hint: str = "look for a division by zero or a "
                 "log of zero where it was computed") -> np.ndarray:
    """Return ``array`` if it holds no NaN or infinity, else raise ``ValueError``.

    Used where a NaN would silently spoil the result (a training loss, a
    mean over seeds, a figure's colour scale). The layers themselves let NaN
    through, as PyTorch does.
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = np.argwhere(~np.isfinite(array))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must hold finite numbers, but {name}[{', '.join(map(str, where))}] is "
            f"{array[where]}; {hint}"
        )
    return array


def check_number(value: object, name: str, *, positive: bool = False) -> float:
    """Return ``value`` as a finite float, or raise a clear error.

    Parameters
    ----------
    value : object
        A Python or NumPy number (not a bool).
    name : str
        The argument's name, used in the error message.
    positive : bool
        Also require ``value > 0``.

    Returns
    -------
    float
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


def check_callable(value: object, name: str, example: str) -> None:
    """Raise ``TypeError`` unless ``value`` can be called like a function."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not callable(value):
        raise TypeError(
            f"{name} must be callable (a function), e.g. {example}, "
            f"got {value!r} of type {type(value).__name__}"
        )


def check_sequence(value: object, name: str, what: str) -> list:
    """Return ``value`` as a list, refusing text and single values.

    Parameters
    ----------
    value : object
        A list, tuple, range or 1-D array.
    name : str
        The argument's name, used in the error message.
    what : str
        What the entries are, e.g. ``"kernel sizes"``, for the message.

    Returns
    -------
    list
    """
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, range, np.ndarray)):
        raise TypeError(
            f"{name} must be a list of {what}, e.g. [1, 2, 3], "
            f"got {value!r} of type {type(value).__name__}"
        )
    return list(value)


def check_generator(value: object, name: str = "rng") -> np.random.Generator:
    """Return ``value`` if it is a NumPy random generator, else raise ``TypeError``."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy random generator, e.g. np.random.default_rng(0), "
            f"got {value!r} of type {type(value).__name__}"
        )
    return value


def check_class_labels(value: object, name: str = "labels") -> np.ndarray:
    """``value`` as a 1-D array of integer classes, or a ``TypeError`` naming it."""
    __tracebackhide__ = True  # IPython and pytest skip this frame unless it is the one that raises
    labels = np.asarray(value)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise TypeError(f"{name} must be a 1-D array of integer classes, got shape "
                        f"{labels.shape} and dtype {labels.dtype}")
    return labels


def shape_text(shape: tuple[int, ...]) -> str:
    """``(1, 3, 5, 5)``: a shape as messages show it."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def gradient_dtype(*arrays: np.ndarray) -> np.dtype:
    """The dtype of gradients: that of the arrays (float32 stays float32), float64 for integers."""
    dtype = np.result_type(*arrays)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)
