"""Reporting results: mean and spread over seeds, paired differences, intervals, confusions.

A model trained with five seeds gives five accuracies. Their standard
deviation says how much a single run varies; the *standard error* of a
paired difference says whether one model is really better than another on
the same seeds and splits. One run on a large test set has an interval of
its own (:func:`proportion_interval`), and a confusion matrix says which
classes it mixes up. These few functions keep that arithmetic in one
readable place.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Callable

import numpy as np

from ..validation import check_callable, check_finite, check_int, check_number

__all__ = [
    "bootstrap_interval",
    "compare_on_same_examples",
    "confusion_matrix",
    "mean_and_spread",
    "paired_difference",
    "PairedComparison",
    "proportion_interval",
    "t_interval",
    "TInterval",
]


def _values(values: object, name: str) -> np.ndarray:
    """``values`` as a flat float array of at least two finite numbers, or a clear error."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a list of numbers (one per seed), got the text "
                        f"{values!r}")
    try:
        array = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a list of numbers (one per seed), got {values!r}"
        ) from None
    check_finite(array, name, hint="a run that failed cannot be averaged; rerun it or drop it")
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
    digits = check_int(digits, "digits", minimum=0)
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
        raise ValueError(f"b must have as many values as a (one run of each per seed): a has "
                         f"{a.size}, b has {b.size}")
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
    check_callable(statistic, "statistic", "np.mean")
    samples = np.asarray(samples)
    resamples = check_int(resamples, "resamples", minimum=10)
    if not 0 < check_number(level, "level") < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    if len(samples) < 2:
        raise ValueError(f"samples needs at least two examples, got {len(samples)}")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    values = [statistic(samples[rng.integers(0, len(samples), len(samples))])
              for _ in range(resamples)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return float(low), float(high)


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Parameters
    ----------
    labels, predicted : ndarray of int, shape (N,)
    classes : int

    Returns
    -------
    ndarray of int, shape (classes, classes)
        ``counts[i, j]`` examples of class ``i`` were predicted as ``j``;
        the diagonal holds the right answers.
    """
    classes = check_int(classes, "classes", minimum=2)
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    for name, values in (("labels", labels), ("predicted", predicted)):
        if values.ndim != 1 or values.dtype.kind not in "iu":
            raise TypeError(f"{name} must be a 1-D array of integer classes, got dtype "
                            f"{values.dtype} and shape {values.shape}")
        if values.size and (values.min() < 0 or values.max() >= classes):
            raise ValueError(f"{name} must be classes 0 to {classes - 1}, got values from "
                             f"{values.min()} to {values.max()}")
    if labels.shape != predicted.shape:
        raise ValueError(f"predicted must have one class per label ({labels.shape[0]}), got "
                         f"shape {predicted.shape}")
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (labels, predicted), 1)
    return counts


def proportion_interval(successes: int, trials: int, confidence: float = 0.95
                        ) -> tuple[float, float]:
    """A confidence interval for a proportion, such as a test accuracy (Wilson's score interval).

    A model's accuracy on ``trials`` test examples is an estimate; another
    test set of the same size would give a somewhat different number. The
    Wilson interval stays inside [0, 1] and behaves well near 0 and 1,
    unlike ``p +- 1.96 * sqrt(p (1 - p) / n)``.

    Parameters
    ----------
    successes : int
        E.g. test examples classified correctly.
    trials : int
        E.g. test examples.
    confidence : float
        0.95 for a 95% interval.

    Returns
    -------
    (float, float)
        Lower and upper end.

    Examples
    --------
    >>> low, high = proportion_interval(940, 1000)
    >>> round(low, 3), round(high, 3)
    (0.924, 0.953)
    """
    trials = check_int(trials, "trials", minimum=1)
    successes = check_int(successes, "successes", minimum=0)
    if successes > trials:
        raise ValueError(f"successes must be at most trials ({trials}), got {successes}")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) \
            or not 0 < confidence < 1:
        raise ValueError(f"confidence must be a number between 0 and 1 (0.95 for 95%), "
                         f"got {confidence!r}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    low, high = float(centre - half), float(centre + half)
    # With 0 or n successes one end is exactly 0 or 1; say so, without rounding error.
    return (0.0 if successes == 0 else low), (1.0 if successes == trials else high)


@dataclass(frozen=True)
class PairedComparison:
    """Two models tested on the same examples: where they disagree, and whether it is chance.

    Attributes
    ----------
    only_first : int
        Examples the first model got right and the second wrong.
    only_second : int
        Examples the second model got right and the first wrong.
    p_value : float
        Exact two-sided McNemar test: the chance of a split at least this
        uneven if each disagreement were a fair coin toss.
    """

    only_first: int
    only_second: int
    p_value: float


def compare_on_same_examples(first_correct: np.ndarray, second_correct: np.ndarray
                             ) -> PairedComparison:
    """Compare two models on the same test examples (exact McNemar test).

    Examples both models get right, or both wrong, say nothing about which
    is better; only the disagreements do. If the models were equally good,
    each disagreement would go either way with probability 1/2.

    Parameters
    ----------
    first_correct, second_correct : ndarray of bool, shape (N,)
        Whether each model classified each test example correctly.

    Returns
    -------
    PairedComparison

    Examples
    --------
    >>> compare_on_same_examples(np.array([1, 1, 1, 0], bool), np.array([0, 1, 1, 0], bool))
    PairedComparison(only_first=1, only_second=0, p_value=1.0)
    """
    first, second = np.asarray(first_correct), np.asarray(second_correct)
    for name, array in (("first_correct", first), ("second_correct", second)):
        if array.dtype != bool:
            raise TypeError(f"{name} must be a boolean array (True where the model was right), "
                            f"got dtype {array.dtype}; e.g. predicted == labels")
    if first.shape != second.shape or first.ndim != 1:
        raise ValueError("first_correct and second_correct must be 1-D boolean arrays of the "
                         f"same length, got {first.dtype} {first.shape} and {second.dtype} "
                         f"{second.shape}")
    only_first = int((first & ~second).sum())
    only_second = int((second & ~first).sum())
    n = only_first + only_second
    # scipy.stats takes a second to import: load it only when a comparison is made
    from scipy.stats import binom

    # P(a split at least this uneven), both tails, under a fair coin toss
    tail = binom.cdf(min(only_first, only_second), n, 0.5) if n else 0.5
    return PairedComparison(only_first, only_second, min(1.0, 2 * float(tail)))


@dataclass(frozen=True)
class TInterval:
    """A mean over a few runs and its t-based confidence interval.

    Attributes
    ----------
    mean : float
    low, high : float
        Ends of the interval ``mean -+ factor * standard_error``.
    standard_error : float
        ``std(values, ddof=1) / sqrt(runs)``.
    factor : float
        The quantile of Student's t distribution with ``runs - 1`` degrees of
        freedom: 2.78 for five runs at 95%, where a normal approximation
        would use 1.96.
    runs : int
    """

    mean: float
    low: float
    high: float
    standard_error: float
    factor: float
    runs: int

    def excludes_zero(self) -> bool:
        """Whether 0 lies outside the interval (a difference that is unlikely to be chance)."""
        return self.low > 0 or self.high < 0


def t_interval(values: object, level: float = 0.95) -> TInterval:
    """The mean of a few values (one per run) with a Student-t confidence interval.

    With few runs the standard deviation is itself uncertain, so the
    interval is wider than ``mean -+ 2 * standard_error``: the factor is the
    t quantile with ``n - 1`` degrees of freedom (2.78 for 5 runs at 95%).
    For paired runs, pass the differences ``a - b``.

    Parameters
    ----------
    values : array_like of float, shape (n,), n >= 2
    level : float
        Between 0 and 1, e.g. 0.95.

    Returns
    -------
    TInterval

    Examples
    --------
    >>> round(t_interval([0.9, 1.0, 0.95, 0.85, 0.9]).factor, 3)
    2.776
    """
    array = _values(values, "values")
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a number between 0 and 1 (0.95 for 95%), "
                         f"got {level!r}")
    # scipy.stats takes a second to import: load it only when an interval is asked for
    from scipy.stats import t

    n = array.size
    factor = float(t.ppf(0.5 + level / 2, n - 1))
    mean = float(array.mean())
    error = float(array.std(ddof=1) / np.sqrt(n))
    return TInterval(mean, mean - factor * error, mean + factor * error, error, factor, n)
