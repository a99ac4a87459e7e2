"""Where a locally connected layer learned most, and whether different runs agree on it.

A locally connected layer has filters of its own at every output position.
Training changes them by different amounts at different positions. The map
of how much each position changed, one per run, says where the layer
learned most; if different runs (other training images, other batches,
other initial weights) draw the same map, the layer learned *where* as much
as *what*: position-specific learning, which is only possible when the
images' statistics depend on position.

- :func:`change_size_maps`: each run's map, scaled to a mean of 1 (so that
  a run that learned more overall does not count for more);
- :func:`map_agreement`: for each run, the correlation of its map with the
  mean map of the other runs;
- :func:`agreement_floor`: the agreement that chance alone gives, with each
  run's positions shuffled;
- :func:`agreement_gap`: whether the runs agree more in one condition than
  in another, by swapping each run's two maps.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from ..validation import check_array, check_finite, check_int

__all__ = ["agreement_floor", "agreement_gap", "AgreementGap", "change_size_maps",
           "map_agreement"]


def change_size_maps(initial: np.ndarray, trained: np.ndarray) -> np.ndarray:
    """How much each output position's filters changed in training, run by run, scaled to mean 1.

    Parameters
    ----------
    initial, trained : ndarray, shape (runs, C_out, H_out, W_out, C_in, KH, KW)
        Each run's weights before and after training, in the layout of
        ``LocallyConnected2D.params["w"]`` with a leading axis of runs.

    Returns
    -------
    ndarray, shape (runs, H_out, W_out)
        At each position, the length of the change of all its filters'
        weights (the square root of the sum of squared changes), divided by
        the run's mean over positions.
    """
    axes = "(runs, C_out, H_out, W_out, C_in, KH, KW)"
    initial = check_finite(check_array(initial, "initial", ndim=7, axes=axes), "initial")
    trained = check_finite(check_array(trained, "trained", ndim=7, axes=axes), "trained")
    if initial.shape != trained.shape:
        raise ValueError(f"trained must have the shape of initial, {initial.shape}, got "
                         f"{trained.shape}")
    change = trained.astype(np.float64) - initial
    size = np.sqrt((change ** 2).sum(axis=(1, 4, 5, 6)))  # (runs, H_out, W_out)
    mean = size.mean(axis=(1, 2), keepdims=True)
    if (mean == 0).any():
        raise ValueError("trained must differ from initial in every run: a run whose weights "
                         "did not change has no map of where they changed")
    return size / mean


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile, from the normal one (Abramowitz & Stegun 26.7.5).

    The expansion ``t = z + g1(z)/df + g2(z)/df**2 + g3(z)/df**3`` is within
    0.01 of the exact quantile at 97.5% from 4 degrees of freedom on (0.0003
    at 9), and spares importing scipy.stats (most of a second) for one number.
    """
    z = NormalDist().inv_cdf(p)
    g1 = (z ** 3 + z) / 4
    g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
    g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
    return z + g1 / df + g2 / df ** 2 + g3 / df ** 3


def _check_maps(maps: object) -> np.ndarray:
    maps = check_finite(check_array(maps, "maps", ndim=3, axes="(runs, H, W)"), "maps")
    if maps.shape[0] < 3:
        raise ValueError(f"maps needs at least 3 runs (each is compared with the mean of the "
                         f"others), got {maps.shape[0]}")
    return maps.reshape(len(maps), -1).astype(np.float64)


def _agreement(flat: np.ndarray) -> np.ndarray:
    """Each row's correlation with the mean of the others: (..., runs, positions) -> (..., runs)."""
    runs = flat.shape[-2]
    others = (flat.sum(axis=-2, keepdims=True) - flat) / (runs - 1)
    a = flat - flat.mean(axis=-1, keepdims=True)
    b = others - others.mean(axis=-1, keepdims=True)
    return (a * b).sum(axis=-1) / np.sqrt((a ** 2).sum(axis=-1) * (b ** 2).sum(axis=-1))


def map_agreement(maps: np.ndarray) -> np.ndarray:
    """For each run, the correlation of its map with the mean map of the other runs.

    Parameters
    ----------
    maps : ndarray, shape (runs, H, W), at least 3 runs
        E.g. from :func:`change_size_maps`.

    Returns
    -------
    ndarray, shape (runs,)
        Between -1 and 1: near 1 when every run changed most at the same
        positions; near 0 when the places differ from run to run.
    """
    return _agreement(_check_maps(maps))


def agreement_floor(maps: np.ndarray, *, shuffles: int = 200, seed: int = 0) -> float:
    """The mean agreement of maps whose positions say nothing: each run's positions shuffled.

    Parameters
    ----------
    maps : ndarray, shape (runs, H, W), at least 3 runs
    shuffles : int
        How many times every run's positions are shuffled.
    seed : int

    Returns
    -------
    float
        The mean over shuffles and runs of :func:`map_agreement`: what
        chance alone gives these maps (close to 0, slightly below).
    """
    flat = _check_maps(maps)
    shuffles = check_int(shuffles, "shuffles", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    return float(np.mean([_agreement(rng.permuted(flat, axis=1)).mean()
                          for _ in range(shuffles)]))


@dataclass(frozen=True)
class AgreementGap:
    """How much more the runs' maps agree in one condition than in another, run by run paired.

    Attributes
    ----------
    gap : float
        Mean agreement in the first condition minus the mean in the second.
    low, high : float
        Its 95% interval from a jackknife: each run left out once.
    p_value : float
        Two-sided, from swapping each run's two maps in every one of the
        ``2**runs`` ways (both conditions' agreements recomputed each time).
    runs : int
    """

    gap: float
    low: float
    high: float
    p_value: float
    runs: int


def agreement_gap(first: np.ndarray, second: np.ndarray) -> AgreementGap:
    """Test whether runs agree more on their maps in one condition than in another.

    The two conditions share their runs (the same data draws, batches and
    initial weights; only the data's content differs), so run ``r``'s two
    maps pair up. One run's agreement depends on the other runs' maps, so
    runs cannot be resampled one by one. Instead:

    - the **test** swaps each run's two maps, or not, in every one of the
      ``2**runs`` ways, recomputing every agreement each time: if the
      conditions did not matter, every swap pattern would be as likely as the
      observed one;
    - the **interval** leaves each run out once (a jackknife): the gap's
      standard error from how much it moves, times Student's t with
      ``runs - 1`` degrees of freedom.

    Parameters
    ----------
    first, second : ndarray, shape (runs, H, W)
        The same runs' maps in the two conditions; 5 to 16 runs.

    Returns
    -------
    AgreementGap
    """
    a, b = _check_maps(first), _check_maps(second)
    if a.shape != b.shape:
        raise ValueError(f"second must have the shape of first, {first.shape}, got "
                         f"{np.shape(second)}")
    runs = len(a)
    if not 5 <= runs <= 16:
        raise ValueError(f"first and second need 5 to 16 runs (every swap is tried), got {runs}")
    observed = _agreement(a).mean() - _agreement(b).mean()
    # every swap pattern at once: bit r of a pattern's number swaps run r's two maps
    swapped = ((np.arange(2 ** runs)[:, None] >> np.arange(runs)) & 1).astype(bool)[:, :, None]
    gaps = (_agreement(np.where(swapped, b, a)).mean(axis=1)
            - _agreement(np.where(swapped, a, b)).mean(axis=1))
    at_least = int((np.abs(gaps) >= abs(observed) - 1e-12).sum())
    left_out = np.array([_agreement(np.delete(a, r, axis=0)).mean()
                         - _agreement(np.delete(b, r, axis=0)).mean() for r in range(runs)])
    error = np.sqrt((runs - 1) / runs * ((left_out - left_out.mean()) ** 2).sum())
    half = t_quantile(0.975, runs - 1) * error
    return AgreementGap(float(observed), float(observed - half), float(observed + half),
                        at_least / 2 ** runs, runs)
