"""A learning curve designed as an experiment: what varies is sampled, settings are chosen fairly.

Comparing models on a small data set, every number depends on chance: which
examples are in the test set, which ones the model trained on, in which
order, and from which initial weights. This module samples all of them and
keeps the test examples out of every choice:

- **folds**: the examples are cut into disjoint test sets
  (:func:`course_utils.stratified_folds`); the rest of each is its *pool*;
- **runs**: each fold gets several *streams*. A stream splits the fold's
  pool at random into validation examples and a reservoir of training
  examples, draws the nested training sets from the reservoir, and has its
  own batch order and initial weights. A run is one (fold, stream); every
  model trains on the same runs, so two models can be compared run by run;
- **settings chosen without the test set**: each model's learning rate is
  chosen per fold on the validation examples of the fold's runs, at one
  training-set size; its training length (a number of updates) per fold
  and size, the same way.

Every run of a model at one size trains side by side
(:mod:`course_utils.nn.side_by_side`): one call per step for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from ..data.faces import translate_images
from ..validation import (
    check_array,
    check_class_labels,
    check_finite,
    check_int,
    check_number,
    check_sequence,
)
from .model import Sequential
from .side_by_side import SideBySide, SideBySideHistory, train_side_by_side

__all__ = ["accuracy_by_shift", "LearningCurve", "learning_curve", "plan_runs", "repeat_runs",
           "RepeatedRuns", "Run", "train_runs", "uninformative_labels"]


@dataclass(frozen=True)
class Run:
    """One run of an experiment: a fold's test set and one stream of its pool.

    Attributes
    ----------
    fold, stream : int
    seed : int
        ``10 * fold + stream`` plus the plan's seed: seeds this run's batch
        order, and with 0 or 1 appended, its split and its initial weights.
    test : ndarray of int
        The fold's test examples (the same for every stream of the fold).
    validation : ndarray of int
        Examples of the pool held out for choosing settings.
    reservoir : tuple of ndarray of int
        The rest of the pool, one array per class, in this run's random
        order: the training set of ``m`` per class is the first ``m`` of each.
    """

    fold: int
    stream: int
    seed: int
    test: np.ndarray
    validation: np.ndarray
    reservoir: tuple[np.ndarray, ...]

    def training_set(self, per_class: int) -> np.ndarray:
        """The first ``per_class`` examples of each class of the reservoir, sorted."""
        per_class = check_int(per_class, "per_class", minimum=1)
        smallest = min(len(members) for members in self.reservoir)
        if per_class > smallest:
            raise ValueError(f"per_class must be at most {smallest}, the reservoir's smallest "
                             f"class, got {per_class}")
        return np.sort(np.concatenate([members[:per_class] for members in self.reservoir]))

    def initial_weights(self) -> np.random.Generator:
        """The generator that draws this run's initial weights (a new one at each call)."""
        return np.random.default_rng([self.seed, 1])


def plan_runs(labels: np.ndarray, folds: Sequence[tuple[np.ndarray, np.ndarray]], *,
              streams: int, validation_per_class: int, seed: int = 0) -> list[Run]:
    """Every (fold, stream) of an experiment, each with its own split of the fold's pool.

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
    folds : sequence of (train_pool, test_index)
        E.g. from :func:`course_utils.stratified_folds`.
    streams : int
        Runs per fold, at least 1.
    validation_per_class : int
        Examples of each class that every run holds out of its pool.
    seed : int
        Added to every run's seed, for a second, independent plan.

    Returns
    -------
    list of Run
        Fold by fold, stream by stream.
    """
    labels = check_class_labels(labels)
    folds = check_sequence(folds, "folds", "(train_pool, test_index) pairs")
    streams = check_int(streams, "streams", minimum=1)
    validation_per_class = check_int(validation_per_class, "validation_per_class", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    runs = []
    for k, fold in enumerate(folds):
        if not isinstance(fold, (tuple, list)) or len(fold) != 2:
            raise TypeError(f"folds[{k}] must be a pair (train_pool, test_index), got {fold!r}")
        pool, test = (np.asarray(part) for part in fold)
        if pool.dtype.kind not in "iu" or test.dtype.kind not in "iu":
            raise TypeError(f"folds[{k}] must hold integer indices, got dtypes {pool.dtype} "
                            f"and {test.dtype}")
        if np.intersect1d(pool, test).size:
            raise ValueError(f"folds[{k}]: the training pool and the test set share examples")
        for s in range(streams):
            run_seed = seed + 10 * k + s
            split = np.random.default_rng([run_seed, 0])
            validation, reservoir = [], []
            for c in np.unique(labels):
                members = split.permutation(pool[labels[pool] == c])
                if len(members) <= validation_per_class:
                    raise ValueError(
                        f"validation_per_class must leave training examples: class {c} has "
                        f"{len(members)} in the pool of folds[{k}], got {validation_per_class}")
                validation.append(members[:validation_per_class])
                reservoir.append(members[validation_per_class:])
            runs.append(Run(k, s, run_seed, np.sort(test), np.sort(np.concatenate(validation)),
                            tuple(reservoir)))
    return runs


def train_runs(
    build: Callable[[np.random.Generator], Sequential],
    x: np.ndarray,
    labels: np.ndarray,
    runs: Sequence[Run],
    per_class: int | Sequence[int],
    *,
    learning_rates: Sequence[float],
    updates: int,
    checkpoints: Sequence[int],
    batch_size: int = 10,
    dtype: object = np.float32,
    train_labels: np.ndarray | None = None,
) -> tuple[SideBySide, SideBySideHistory]:
    """Train one model in every run, side by side, and measure it as it goes.

    Each run starts from ``build(run.initial_weights())``, trains on
    ``run.training_set(per_class)`` in batches of ``batch_size`` (or its
    whole training set, if smaller) with its own learning rate, and is
    measured on its validation and test examples at every checkpoint.

    Parameters
    ----------
    build : callable
        Takes a ``numpy.random.Generator``, returns a new :class:`Sequential`.
    x : ndarray, shape (N, ...)
    labels : ndarray of int, shape (N,)
        The true labels, for measuring (and for training, unless
        ``train_labels`` is given).
    runs : sequence of Run
        A run may appear more than once (at several sizes, say).
    per_class : int, or sequence of int (one per run)
        Training examples per class.
    learning_rates : sequence of float, or of sequences of float
        One per run; or a list per run, all the same length ``L``: the run
        then trains with each rate, side by side on the same batches, and
        the results have ``L`` rows per run (run-major).
    updates : int
    checkpoints : sequence of int
    batch_size : int
    dtype : numpy dtype
        Of the weights and examples while training (float32 by default).
    train_labels : ndarray of int, shape (N,) or (len(runs), N), optional
        Other labels to train on (e.g. shuffled ones, for a control): the
        same for every run, or one row per run.

    Returns
    -------
    (SideBySide, SideBySideHistory)
        The trained runs (row ``r * L + l`` is run ``r`` with its ``l``-th
        rate; ``L = 1`` for one rate per run) and what was measured, under
        the names ``"validation"`` and ``"test"``.
    """
    if not callable(build):
        raise TypeError(f"build must be a function that builds the model from a random "
                        f"generator, got {build!r}")
    runs = check_sequence(runs, "runs", "Run objects from plan_runs")
    if not runs or not all(isinstance(run, Run) for run in runs):
        raise TypeError("runs must be a non-empty list of Run objects, from plan_runs")
    sizes = [per_class] * len(runs) if isinstance(per_class, (int, np.integer)) else list(
        check_sequence(per_class, "per_class", "sizes per class, one per run"))
    if len(sizes) != len(runs):
        raise ValueError(f"per_class must give one size per run ({len(runs)}), got {len(sizes)}")
    rates = np.asarray(learning_rates, dtype=float)
    if rates.ndim not in (1, 2) or len(rates) != len(runs):
        raise ValueError(f"learning_rates must give each of the {len(runs)} runs a rate, or a "
                         f"list of rates of the same length; got shape {rates.shape}")
    per_run = 1 if rates.ndim == 1 else rates.shape[1]
    train_sets = [run.training_set(m) for run, m in zip(runs, sizes)]
    side_by_side = SideBySide([build(run.initial_weights()) for run in runs
                               for _ in range(per_run)], dtype=dtype)
    history = train_side_by_side(
        side_by_side, x, labels if train_labels is None else train_labels, train_sets,
        updates=updates, batch_size=min(batch_size, min(len(t) for t in train_sets)),
        learning_rates=rates.ravel().tolist(), seeds=[run.seed for run in runs],
        checkpoints=checkpoints, measure_labels=labels,
        measure_on={"validation": np.stack([run.validation for run in runs]),
                    "test": np.stack([run.test for run in runs])})
    return side_by_side, history


def _best(accuracy: np.ndarray, loss: np.ndarray) -> int:
    """The index of the highest accuracy; among ties, the lowest loss."""
    return int(np.lexsort((loss, -accuracy))[0])


@dataclass
class LearningCurve:
    """Test accuracy of several models against the number of training examples, run by run.

    Attributes
    ----------
    sizes : tuple of int
        Training examples per class at each point of the curve.
    runs : list of Run
    learning_rates : tuple of float
        The grid every model's learning rate was chosen from.
    checkpoints : tuple of int
        The numbers of updates every training length was chosen from.
    tuning : dict of str to ndarray, shape (folds, len(learning_rates))
        Each model's validation accuracy for each learning rate at the
        tuning size, averaged over each fold's runs (at the best checkpoint).
    learning_rate : dict of str to ndarray, shape (folds,)
        The learning rate chosen for each model and fold.
    updates : dict of str to ndarray of int, shape (len(sizes), folds)
        The training length chosen for each model, size and fold.
    accuracy : dict of str to ndarray, shape (len(sizes), len(runs))
        Each model's test accuracy at each size in each run, after its
        chosen training length.
    validation : dict of str to ndarray, shape (len(sizes), len(runs))
        The same on the validation examples.
    models : dict of (str, int) to Sequential
        Each model trained at the largest size, by run index, after its
        chosen training length.
    initial : dict of (str, int) to Sequential
        Each model as it was before training, by run index.
    seconds : float
        Time spent training.
    """

    sizes: tuple[int, ...]
    runs: list[Run]
    learning_rates: tuple[float, ...]
    checkpoints: tuple[int, ...]
    tuning: dict[str, np.ndarray]
    learning_rate: dict[str, np.ndarray]
    updates: dict[str, np.ndarray]
    accuracy: dict[str, np.ndarray]
    validation: dict[str, np.ndarray]
    models: dict[tuple[str, int], Sequential]
    initial: dict[tuple[str, int], Sequential]
    seconds: float = 0.0


def learning_curve(
    builders: Mapping[str, Callable[[np.random.Generator], Sequential]],
    x: np.ndarray,
    labels: np.ndarray,
    runs: Sequence[Run],
    sizes: Sequence[int],
    *,
    learning_rates: Sequence[float],
    tune_at: int,
    checkpoints: Sequence[int],
    batch_size: int = 10,
    dtype: object = np.float32,
) -> LearningCurve:
    """Every model on every run at every size, each with settings chosen on validation examples.

    1. **Learning rate**, per model and fold: every rate of
       ``learning_rates`` trains in every run at ``tune_at`` examples per
       class; the rate whose validation accuracy, averaged over the fold's
       runs, is highest at its best checkpoint (ties: the lower validation
       loss) is chosen.
    2. **Training**: every run trains each model at every other size with
       its fold's rate, for ``checkpoints[-1]`` updates, all sizes side by
       side (so every size must be a multiple of ``batch_size`` examples);
       at ``tune_at`` the tuning runs at the chosen rate are the results.
    3. **Training length**, per model, size and fold: the checkpoint with
       the highest validation accuracy averaged over the fold's streams
       (ties: the lower mean validation loss). Each run's test accuracy is
       read at it.

    The test examples are measured, never used to choose.

    Parameters
    ----------
    builders : mapping of str to callable
        Model name -> function that takes a ``numpy.random.Generator`` and
        returns a new :class:`Sequential`.
    x : ndarray, shape (N, ...)
    labels : ndarray of int, shape (N,)
    runs : sequence of Run
        From :func:`plan_runs`; every fold must have the same streams.
    sizes : sequence of int
        Training examples per class, increasing.
    learning_rates : sequence of float
    tune_at : int
        The training-set size (per class) at which learning rates are chosen.
    checkpoints : sequence of int
        Numbers of updates, increasing; the last is every run's length.
    batch_size : int
    dtype : numpy dtype

    Returns
    -------
    LearningCurve
    """
    if not isinstance(builders, Mapping) or not builders or not all(
            callable(b) for b in builders.values()):
        raise TypeError("builders must be a non-empty dict of model name -> function that "
                        f"builds the model from a random generator, got {builders!r}")
    x = check_finite(check_array(x, "x", ndim=max(np.ndim(x), 2), axes="(N, ...)"), "x")
    runs = check_sequence(runs, "runs", "Run objects from plan_runs")
    if not runs or not all(isinstance(run, Run) for run in runs):
        raise TypeError("runs must be a non-empty list of Run objects, from plan_runs")
    sizes = tuple(check_int(m, f"sizes[{k}]", minimum=1)
                  for k, m in enumerate(check_sequence(sizes, "sizes", "sizes per class")))
    if not sizes or list(sizes) != sorted(set(sizes)):
        raise ValueError(f"sizes must be one or more increasing sizes, got {sizes}")
    rates = tuple(check_number(rate, f"learning_rates[{k}]", positive=True)
                  for k, rate in enumerate(check_sequence(learning_rates, "learning_rates",
                                                          "learning rates")))
    if not rates:
        raise ValueError("learning_rates must hold at least one rate")
    tune_at = check_int(tune_at, "tune_at", minimum=1)
    checkpoints = tuple(check_int(c, f"checkpoints[{k}]", minimum=1) for k, c in
                        enumerate(check_sequence(checkpoints, "checkpoints", "numbers of updates")))
    folds = sorted({run.fold for run in runs})
    by_fold = [[i for i, run in enumerate(runs) if run.fold == k] for k in folds]
    if len({len(members) for members in by_fold}) != 1:
        raise ValueError("runs must give every fold the same number of streams")

    curve = LearningCurve(sizes, list(runs), rates, checkpoints, {}, {}, {}, {}, {}, {}, {})
    for name, build in builders.items():
        # 1. the learning rate, per fold: every rate in every run at the tuning size, the
        #    rates of a run side by side on the same batches
        tried = [(rate, r) for r in range(len(runs)) for rate in rates]  # the rows, run-major
        tuning_stack, tuning = train_runs(
            build, x, labels, runs, tune_at, learning_rates=[rates] * len(runs),
            updates=checkpoints[-1], checkpoints=checkpoints, batch_size=batch_size,
            dtype=dtype)
        curve.tuning[name] = np.zeros((len(folds), len(rates)))
        curve.learning_rate[name] = np.zeros(len(folds))
        for k, members in enumerate(by_fold):
            rows = [[tried.index((rate, r)) for r in members] for rate in rates]
            # (rates, checkpoints): the mean over the fold's runs
            accuracy = tuning.accuracy["validation"][rows].mean(axis=1)
            loss = tuning.loss["validation"][rows].mean(axis=1)
            curve.tuning[name][k] = accuracy.max(axis=1)
            curve.learning_rate[name][k] = rates[_best(accuracy.ravel(), loss.ravel())
                                                 // len(checkpoints)]
        rate_of_run = [curve.learning_rate[name][folds.index(run.fold)] for run in runs]

        # 2. every run at every other size, side by side, with its fold's rate
        others = [(i, r) for i, m in enumerate(sizes) if m != tune_at for r in range(len(runs))]
        if others:
            stack, history = train_runs(
                build, x, labels, [runs[r] for _, r in others], [sizes[i] for i, _ in others],
                learning_rates=[rate_of_run[r] for _, r in others], updates=checkpoints[-1],
                checkpoints=checkpoints, batch_size=batch_size, dtype=dtype)
            curve.seconds += history.seconds
        curve.seconds += tuning.seconds

        # 3. the training length, per size and fold; the test accuracy there
        curve.accuracy[name] = np.zeros((len(sizes), len(runs)))
        curve.validation[name] = np.zeros((len(sizes), len(runs)))
        curve.updates[name] = np.zeros((len(sizes), len(folds)), dtype=int)
        for i, m in enumerate(sizes):
            if m == tune_at:  # the tuning runs at the chosen rate
                where, rows = (tuning_stack, tuning), [tried.index((rate_of_run[r], r))
                                                       for r in range(len(runs))]
            else:
                where, rows = (stack, history), [others.index((i, r)) for r in range(len(runs))]
            for k, members in enumerate(by_fold):
                fold_rows = [rows[r] for r in members]
                best = _best(where[1].accuracy["validation"][fold_rows].mean(axis=0),
                             where[1].loss["validation"][fold_rows].mean(axis=0))
                curve.updates[name][i, k] = checkpoints[best]
                for r in members:
                    curve.accuracy[name][i, r] = where[1].accuracy["test"][rows[r], best]
                    curve.validation[name][i, r] = where[1].accuracy["validation"][rows[r], best]
                    if i == len(sizes) - 1:
                        curve.models[name, r] = where[0].model(rows[r], where[1].params[best])
        for r, run in enumerate(runs):
            curve.initial[name, r] = build(run.initial_weights())
    return curve


@dataclass
class RepeatedRuns:
    """One model of a learning curve trained again, in every run, on other data (a control).

    Attributes
    ----------
    accuracy, validation : ndarray, shape (runs,)
        Each run's test and validation accuracy (measured with the true
        labels), after the training length the curve chose for its fold.
    models : list of Sequential
        Each run's trained model.
    """

    accuracy: np.ndarray
    validation: np.ndarray
    models: list[Sequential]


def repeat_runs(curve: LearningCurve, name: str,
                build: Callable[[np.random.Generator], Sequential], x: np.ndarray,
                labels: np.ndarray, *, train_labels: np.ndarray | None = None,
                batch_size: int = 10, dtype: object = np.float32) -> RepeatedRuns:
    """Train model ``name`` again in every run of ``curve``, at its largest size, on other data.

    Everything but the data is as in the curve: the runs (their examples,
    batch order and initial weights), and the settings the curve chose for
    the model on its own validation examples (the learning rate and the
    training length of each fold at the largest size). A control then
    differs from the curve in its data alone.

    Parameters
    ----------
    curve : LearningCurve
    name : str
        One of the curve's models.
    build : callable
        The function that built it.
    x : ndarray, shape (N, ...)
        The control's examples (e.g. the same images, moved).
    labels : ndarray of int, shape (N,)
        The true labels, for measuring.
    train_labels : ndarray of int, shape (N,) or (runs, N), optional
        Other labels to train on (e.g. :func:`uninformative_labels`).
    batch_size : int
    dtype : numpy dtype

    Returns
    -------
    RepeatedRuns
    """
    if not isinstance(curve, LearningCurve):
        raise TypeError(f"curve must be a LearningCurve from learning_curve, got "
                        f"{type(curve).__name__}")
    if name not in curve.accuracy:
        raise ValueError(f"name must be one of the curve's models {sorted(curve.accuracy)}, "
                         f"got {name!r}")
    folds = sorted({run.fold for run in curve.runs})
    updates = [int(curve.updates[name][-1, folds.index(run.fold)]) for run in curve.runs]
    checkpoints = sorted(set(updates))
    side_by_side, history = train_runs(
        build, x, labels, curve.runs, curve.sizes[-1],
        learning_rates=[curve.learning_rate[name][folds.index(run.fold)] for run in curve.runs],
        updates=checkpoints[-1], checkpoints=checkpoints, batch_size=batch_size, dtype=dtype,
        train_labels=train_labels)
    at = [checkpoints.index(u) for u in updates]  # each run's chosen checkpoint
    return RepeatedRuns(
        np.array([history.accuracy["test"][r, c] for r, c in enumerate(at)]),
        np.array([history.accuracy["validation"][r, c] for r, c in enumerate(at)]),
        [side_by_side.model(r, history.params[c]) for r, c in enumerate(at)])


def uninformative_labels(labels: np.ndarray, runs: int, *, seed: int) -> np.ndarray:
    """Labels that say nothing about the true ones: for each run, each class split evenly at random.

    Within every true class, the examples are dealt the classes in turn (as
    evenly as the count allows), in a random order drawn for each run. A
    model trained on them has no true class to find: whatever it learns
    comes from the examples alone.

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
    runs : int
        Rows to draw, one per run.
    seed : int

    Returns
    -------
    ndarray of int, shape (runs, N)
    """
    labels = check_class_labels(labels)
    runs = check_int(runs, "runs", minimum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    classes = np.unique(labels)
    drawn = np.empty((runs, len(labels)), dtype=labels.dtype)
    for row in drawn:
        for c in classes:
            members = rng.permutation(np.flatnonzero(labels == c))
            row[members] = classes[np.arange(len(members)) % len(classes)]
    return drawn


def accuracy_by_shift(model: Sequential, images: np.ndarray, labels: np.ndarray,
                      max_shift: int, *, fill: str = "edge") -> np.ndarray:
    """A model's accuracy when every image moves by exactly 0, 1, ..., ``max_shift`` pixels.

    A move ``(dy, dx)`` has size ``max(|dy|, |dx|)``: 1 move of size 0, then
    8, 16, 24, ... moves of each size, the ring of moves around the ones
    before. Each size's accuracy is the mean over all of its moves, every
    move of every image predicted once.

    Parameters
    ----------
    model : Sequential
        Takes images of shape (N, 1, H, W) (one channel).
    images : ndarray, shape (N, H, W)
    labels : ndarray of int, shape (N,)
    max_shift : int
        At least 0, below the image's height and width.
    fill : {'edge', 'wrap'}
        What fills the uncovered border (:func:`course_utils.translate_images`).

    Returns
    -------
    ndarray, shape (max_shift + 1,)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential model, got {type(model).__name__}")
    images = check_array(images, "images", ndim=3, axes="(N, H, W)")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu" or labels.shape != (len(images),):
        raise TypeError(f"labels must hold one integer class per image ({len(images)}), got "
                        f"dtype {labels.dtype} and shape {labels.shape}")
    max_shift = check_int(max_shift, "max_shift", minimum=0)
    moves = [(dy, dx) for dy in range(-max_shift, max_shift + 1)
             for dx in range(-max_shift, max_shift + 1)]
    # every move of every image in one batch, predicted in one call
    moved = np.concatenate([translate_images(images, move, fill=fill) for move in moves])
    dtype = model.layers[0].params["w"].dtype if model.layers[0].params else images.dtype
    right = (model.predict(moved[:, None].astype(dtype, copy=False)).reshape(len(moves), -1)
             == labels).mean(axis=1)
    sizes = np.array([max(abs(dy), abs(dx)) for dy, dx in moves])
    return np.array([right[sizes == s].mean() for s in range(max_shift + 1)])
