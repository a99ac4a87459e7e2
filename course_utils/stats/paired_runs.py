"""Two models compared over paired runs: a sign-flip test, the interval it gives, Holm's correction.

An experiment trains both models in each of ``n`` runs, on the same data
and the same batches, so the runs pair up: the difference of the two
models' accuracies in a run removes what the run itself made easy or hard.
Three questions follow, each answered here with a method whose assumptions
hold for a handful of runs:

- **Could the mean difference be chance?** If the two models were
  interchangeable, each run's difference would be as likely to come out
  negative as positive. :func:`sign_flip_test` counts, over every way of
  flipping the signs (or many random ones), how often the mean is at least
  as far from 0 as the one observed. With ``n`` runs no p-value can be
  below ``2 / 2**n``: 0.0625 for 5 runs, 0.002 for 10.
- **How large is it?** :func:`mean_interval` gives every value of the mean
  that the same test would not reject: shift the values by a candidate mean
  and flip again. Its 95% interval excludes 0 when the test's p-value is
  below 0.05 (up to the step of its search), and it holds its level with a
  handful of runs (a bootstrap over 10 runs is about a fifth too narrow).
- **Several comparisons at once?** Of 10 true null hypotheses tested at
  0.05, the chance that at least one comes out "significant" is 40%.
  :func:`holm_adjusted` raises the p-values so that this chance stays
  below 0.05 for the whole family (Holm, 1979).

:func:`compare_paired_runs` does the three for one pair of models;
:func:`chance_of_finding` and :func:`detectable_difference` say, by
simulating the design, how often it finds a difference of a given size and
how large one it finds 4 times in 5. Every method here assumes the runs are
independent of one another (given the data), and, for the test and the
interval, that each difference is as likely to fall below the mean as above
it by the same amount.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from ..validation import check_finite, check_int, check_number

__all__ = [
    "chance_of_finding",
    "compare_paired_runs",
    "detectable_difference",
    "holm_adjusted",
    "mean_interval",
    "PairedRuns",
    "sign_flip_test",
]

#: Up to this many runs, :func:`sign_flip_test` tries every pattern of signs (2**20, about
#: a million); beyond, a seeded random sample of them. :func:`mean_interval`, which tests
#: hundreds of candidate means, tries every pattern up to 16 runs.
EXACT_UP_TO = 20


def _values(values: object, name: str, minimum: int = 2) -> np.ndarray:
    """``values`` as a flat float array of finite numbers, at least ``minimum`` of them."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be numbers, one per run, got the text {values!r}")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be numbers, one per run, got {values!r}") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D list of numbers, one per run, got shape "
                         f"{array.shape}")
    check_finite(array, name, hint="a run that failed cannot be compared; rerun it")
    if array.size < minimum:
        raise ValueError(f"{name} needs at least {minimum} values (one per run), got "
                         f"{array.size}")
    return array


def _every_sign_pattern(n: int):
    """Every pattern of n signs, 65,536 at a time, as rows of +1 and -1."""
    total = 2 ** n
    for start in range(0, total, 2 ** 16):
        codes = np.arange(start, min(start + 2 ** 16, total))[:, None]
        yield 1 - 2 * ((codes >> np.arange(n)) & 1)  # bit k of the code flips run k


def _sign_flip_p(d: np.ndarray, random_flips: int, seed: int) -> np.ndarray:
    """The sign-flip p-value of each column of ``d`` (runs, candidates), two-sided."""
    n = len(d)
    observed = np.abs(d.sum(axis=0))
    # a pattern whose sum equals the observed one, up to rounding, counts as "at least as far"
    tolerance = 1e-9 * np.maximum(1.0, np.abs(d).max(axis=0))
    at_least = np.zeros(d.shape[1])
    # every pattern while there are few enough (for a handful of candidates, up to 20 runs)
    if n <= EXACT_UP_TO and 2 ** n * d.shape[1] <= 2 ** 24:
        for signs in _every_sign_pattern(n):
            at_least += (np.abs(signs @ d) >= observed - tolerance).sum(axis=0)
        return at_least / 2 ** n
    rng = np.random.default_rng(seed)
    for start in range(0, random_flips, 2 ** 14):
        signs = rng.choice([-1.0, 1.0], size=(min(2 ** 14, random_flips - start), n))
        at_least += (np.abs(signs @ d) >= observed - tolerance).sum(axis=0)
    return (at_least + 1) / (random_flips + 1)  # the observed pattern counts once


def sign_flip_test(differences: object, *, random_flips: int = 100_000, seed: int = 0) -> float:
    """Two-sided p-value of the mean of paired differences, by flipping their signs.

    Under the null hypothesis the two models are interchangeable within
    every run, so each difference is as likely to be ``-d`` as ``d``. The
    p-value is the share of sign patterns whose mean is at least as far from
    0 as the observed mean (the observed pattern included).

    Parameters
    ----------
    differences : array_like of float, shape (n,), n >= 1
        One difference per run, e.g. ``accuracy_a - accuracy_b``; the runs
        independent of one another.
    random_flips : int
        For more than ``EXACT_UP_TO`` runs, how many random patterns to draw.
    seed : int
        Seed of those random patterns (not used when every pattern is tried).

    Returns
    -------
    float
        At least ``2 / 2**n`` when every pattern is tried (both the observed
        pattern and its opposite count), at least ``1 / (random_flips + 1)``
        otherwise; 1.0 when every difference is 0. Runs with a difference of
        exactly 0 (ties) change no pattern's sum: with ``t`` ties the
        smallest possible p-value is ``2 / 2**(n - t)``.

    Examples
    --------
    >>> sign_flip_test([0.05, 0.1, 0.025, 0.075, 0.05])  # 5 runs, all positive
    0.0625
    """
    d = _values(differences, "differences", minimum=1)
    random_flips = check_int(random_flips, "random_flips", minimum=100)
    seed = check_int(seed, "seed", minimum=0)
    return float(_sign_flip_p(d[:, None], random_flips, seed)[0])


def mean_interval(values: object, *, level: float = 0.95, seed: int = 0,
                  random_flips: int = 20_000) -> tuple[float, float, float]:
    """The mean over runs and the interval of means the sign-flip test does not reject.

    A candidate mean ``m`` is in the interval when the sign-flip test of
    ``values - m`` gives a p-value of at least ``1 - level``: the interval
    and the test agree, up to the step of the search. It assumes the runs
    independent and each
    value as likely to fall ``x`` below the true mean as ``x`` above it.
    Candidates are tried between the smallest and the largest value on a
    grid of 200 steps, then of 100 steps across the step where each end lies.

    Parameters
    ----------
    values : array_like of float, shape (n,), n >= 2
        One value per run (an accuracy, or a paired difference).
    level : float
        Between 0 and 1.
    seed, random_flips : int
        For more than ``EXACT_UP_TO`` runs (see :func:`sign_flip_test`).

    Returns
    -------
    (float, float, float)
        The mean, then the lower and upper end. With too few runs for the
        level (5 runs at 95%: no p-value below 0.0625), the interval is
        every candidate, from the smallest value to the largest.
    """
    array = _values(values, "values")
    level = check_number(level, "level")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (0.95 for 95%), got {level!r}")
    seed = check_int(seed, "seed", minimum=0)
    random_flips = check_int(random_flips, "random_flips", minimum=100)
    def not_rejected(candidates: np.ndarray) -> np.ndarray:
        return _sign_flip_p(array[:, None] - candidates, random_flips, seed) >= 1 - level - 1e-12

    # a coarse grid, then a fine one across the grid step where each end was crossed
    coarse = np.linspace(array.min(), array.max(), 201)
    kept = np.flatnonzero(not_rejected(coarse))
    step = coarse[1] - coarse[0]
    ends = []
    for first, side in ((kept.min(), -1), (kept.max(), +1)):
        fine = np.linspace(coarse[first], coarse[first] + side * step, 101)
        fine = fine[(fine >= array.min()) & (fine <= array.max())]
        inside = fine[not_rejected(fine)]
        ends.append(inside.min() if side < 0 else inside.max())
    return float(array.mean()), float(ends[0]), float(ends[1])


def holm_adjusted(p_values: object) -> np.ndarray:
    """Holm's step-down adjustment: p-values that keep a family's error rate at the level.

    Sort the ``m`` p-values from the smallest; the ``i``-th (from 1) is
    multiplied by ``m - i + 1``, capped at 1, and never allowed below the
    adjusted value before it. A hypothesis whose adjusted p-value is below
    0.05 is rejected with at most a 5% chance of any false rejection in the
    family, whatever the dependence between the tests.

    Parameters
    ----------
    p_values : array_like of float, shape (m,)
        Each between 0 and 1.

    Returns
    -------
    ndarray of float, shape (m,)
        In the order given.

    Examples
    --------
    >>> holm_adjusted([0.01, 0.04, 0.03]).round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = _values(p_values, "p_values", minimum=1)
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"p_values must be between 0 and 1, got values from {p.min()} to "
                         f"{p.max()}")
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (p.size - np.arange(p.size))
    adjusted = np.minimum(1.0, np.maximum.accumulate(scaled))
    result = np.empty_like(adjusted)
    result[order] = adjusted
    return result


def _checked_design(differences: object, tests: object, level: object, power: object,
                    designs: object) -> tuple[np.ndarray, int, int]:
    __tracebackhide__ = True
    d = _values(differences, "differences")
    if d.size > EXACT_UP_TO:
        raise ValueError(f"differences must hold at most {EXACT_UP_TO} runs here, got {d.size}")
    tests = check_int(tests, "tests", minimum=1)
    for name, value in (("level", level), ("power", power)):
        if not 0 < check_number(value, name) < 1:
            raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return d, tests, check_int(designs, "designs", minimum=10)


def chance_of_finding(differences: object, effect: float, *, tests: int = 1,
                      level: float = 0.05, designs: int = 400, seed: int = 0) -> float:
    """How often the design finds a true mean difference of ``effect``: its power, simulated.

    Each simulated design draws ``n`` runs with replacement from the observed
    differences, centred on 0 and shifted by ``effect``, and is tested with
    :func:`sign_flip_test` at ``level / tests`` (Bonferroni's share of the
    level, which Holm's correction never does worse than). The simulation
    keeps what a formula would miss: the runs' spread, their ties, and that
    ``n`` runs cannot give a p-value below ``2 / 2**n``.

    Parameters
    ----------
    differences : array_like of float, shape (n,), 2 <= n <= 20
    effect : float
        The true mean difference to find.
    tests : int
        Comparisons in the family.
    level : float
        Between 0 and 1.
    designs : int
        Simulated designs.
    seed : int

    Returns
    -------
    float
        The share of simulated designs whose test found the difference.
    """
    d, tests, designs = _checked_design(differences, tests, level, 0.5, designs)
    effect = check_number(effect, "effect")
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    drawn = rng.choice(d - d.mean(), size=(d.size, designs))  # one simulated design per column
    return float((_sign_flip_p(drawn + effect, 100_000, seed) < level / tests).mean())


def detectable_difference(differences: object, *, tests: int = 1, level: float = 0.05,
                          power: float = 0.8, designs: int = 400, seed: int = 0) -> float:
    """The smallest true mean difference the design finds ``power`` of the time.

    The smallest effect, in steps of 0.005 up to 1, whose
    :func:`chance_of_finding` (the same simulated designs for every effect)
    is at least ``power``, found by bisection.

    Parameters
    ----------
    differences : array_like of float, shape (n,), 2 <= n <= 20
    tests : int
        Comparisons in the family.
    level, power : float
        Between 0 and 1.
    designs : int
        Simulated designs per effect.
    seed : int

    Returns
    -------
    float
        ``inf`` when no effect up to 1 is found often enough (too few runs
        for the level).
    """
    d, tests, designs = _checked_design(differences, tests, level, power, designs)

    def found_enough(step: int) -> bool:  # effect = 0.005 * step
        return chance_of_finding(d, 0.005 * step, tests=tests, level=level, designs=designs,
                                 seed=seed) >= power

    if not found_enough(200):
        return float("inf")
    low, high = 0, 200  # found_enough(high) holds; look for the smallest step that holds
    while high - low > 1:  # a bisection: the chance grows with the effect
        middle = (low + high) // 2
        low, high = (low, middle) if found_enough(middle) else (middle, high)
    return float(round(0.005 * high, 3))


@dataclass(frozen=True)
class PairedRuns:
    """Two models compared run by run.

    Attributes
    ----------
    difference : float
        Mean over runs of ``first - second``.
    low, high : float
        Its 95% interval: every mean the sign-flip test does not reject.
    p_value : float
        Two-sided sign-flip p-value (before any correction for multiplicity).
    runs : int
    first_ahead, second_ahead, ties : int
        Runs in which the first model did better, the second did, or neither.
    """

    difference: float
    low: float
    high: float
    p_value: float
    runs: int
    first_ahead: int
    second_ahead: int
    ties: int


def compare_paired_runs(first: object, second: object, *, seed: int = 0) -> PairedRuns:
    """Compare two models over paired runs: the mean difference, its interval, its p-value.

    Parameters
    ----------
    first, second : array_like of float, shape (n,)
        Each model's result in each run, the runs in the same order; n >= 2.
    seed : int
        Seed of random sign patterns, beyond 20 runs.

    Returns
    -------
    PairedRuns
    """
    a, b = _values(first, "first"), _values(second, "second", minimum=1)
    if a.shape != b.shape:
        raise ValueError(f"second must have one value per run of first ({a.size}), got "
                         f"{b.size}")
    d = a - b
    mean, low, high = mean_interval(d, seed=seed)
    return PairedRuns(mean, low, high, sign_flip_test(d, seed=seed), d.size,
                      int((d > 0).sum()), int((d < 0).sum()), int((d == 0).sum()))
