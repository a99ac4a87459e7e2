"""Reporting results over several seeds: mean and spread, paired differences, bootstrap intervals.

A model trained with five seeds gives five accuracies. Their standard
deviation says how much a single run varies; the *standard error* of a
paired difference says whether one model is really better than another on
the same seeds and splits. These few functions keep that arithmetic in one
readable place.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .validation import check_int


def _values(values: object, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size < 2:
        raise ValueError(f"{name} needs at least two values (one per seed), got {array.size}")
    return array


def mean_and_spread(values: object, digits: int = 3) -> str:
    """``"mean ± sd"`` with the sample standard deviation (ddof=1).

    Parameters
    ----------
    values : array_like of float, at least 2
    digits : int

    Returns
    -------
    str, e.g. ``"0.984 ± 0.017"``
    """
    array = _values(values, "values")
    return f"{array.mean():.{digits}f} ± {array.std(ddof=1):.{digits}f}"


def paired_difference(a: object, b: object) -> tuple[float, float]:
    """Mean of ``a - b`` over paired runs, and its standard error.

    Pair the runs that share a seed (and split): the difference removes what
    the two models have in common, such as an easy or a hard test set.

    Parameters
    ----------
    a, b : array_like of float, the same length (at least 2)

    Returns
    -------
    (float, float)
        ``mean(a - b)`` and ``std(a - b, ddof=1) / sqrt(n)``. A difference
        more than about two standard errors from 0 is unlikely to be chance.
    """
    a, b = _values(a, "a"), _values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a has {a.size} values but b has {b.size}; pair one run of each per seed")
    difference = a - b
    return float(difference.mean()), float(difference.std(ddof=1) / np.sqrt(difference.size))


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float],
    samples: np.ndarray,
    *,
    seed: int,
    resamples: int = 200,
    level: float = 0.95,
) -> tuple[float, float]:
    """A percentile bootstrap interval of ``statistic(samples)``.

    The examples (the first axis of ``samples``) are drawn with replacement
    ``resamples`` times; the interval holds the middle ``level`` of the
    statistic's values.

    Parameters
    ----------
    statistic : callable
        Takes an array shaped like ``samples`` (same first-axis length) and
        returns a number.
    samples : ndarray, shape (N, ...)
    seed : int
    resamples : int
    level : float
        Between 0 and 1.

    Returns
    -------
    (float, float)
        Lower and upper end.
    """
    samples = np.asarray(samples)
    resamples = check_int(resamples, "resamples", minimum=10)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    if len(samples) < 2:
        raise ValueError(f"samples needs at least two examples, got {len(samples)}")
    rng = np.random.default_rng(seed)
    values = [statistic(samples[rng.integers(0, len(samples), len(samples))])
              for _ in range(resamples)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)
