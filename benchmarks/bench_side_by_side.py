"""Notebook 04's runs trained one after another and side by side (issue 29).

The same runs three ways: one after another with ``cu.train`` (float64, as
a learner's single model trains), side by side with ``cu.train_side_by_side``
in float64 (the same arithmetic: the weights are checked equal before
anything is timed), and side by side in float32, as the notebook trains.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

import course_utils as cu

#: Runs, examples per run and updates: notebook 04's largest size (40 faces and 40 non-faces
#: per run, batches of 10), 96 updates (12 passes, whole passes so that train() matches).
RUNS, EXAMPLES, BATCH, UPDATES = 10, 80, 10, 96


def notebook_models() -> dict:
    """Notebook 04's four models (4 filters of 3x3 at stride 2; positional or pooled readout)."""
    def first(shared, rng):
        return (cu.Conv2D(1, 4, 3, stride=2, rng=rng) if shared else
                cu.LocallyConnected2D(1, 4, 3, 25, stride=2, rng=rng))

    def readout(positional, rng):
        return ([cu.Flatten(), cu.Dense(4 * 12 * 12, 2, rng=rng)] if positional else
                [cu.GlobalAveragePool2D(), cu.Dense(4, 2, rng=rng)])

    return {f"{'shared' if s else 'unshared'}, {'positional' if p else 'pooled'}":
            (lambda rng, s=s, p=p: cu.Sequential([first(s, rng), cu.ReLU(), *readout(p, rng)]))
            for p in (True, False) for s in (True, False)}


@dataclass
class SideBySideResult:
    """Seconds to train one model's runs, three ways, and how far apart their weights ended."""

    model: str
    runs: int
    updates: int
    one_after_another: float
    side_by_side_float64: float
    side_by_side_float32: float
    largest_difference: float  # between the float64 ways, relative to the weights' size

    @property
    def speedup(self) -> float:
        """One after another over side by side in float32 (the notebook's way)."""
        return self.one_after_another / self.side_by_side_float32


def _data(runs: int, examples: int):
    faces = cu.load_faces()
    rng = np.random.default_rng(0)
    sets = [np.sort(rng.choice(len(faces.labels), examples, replace=False)) for _ in range(runs)]
    return faces.images[:, None], faces.labels, sets


def measure_side_by_side(runs: int = RUNS, examples: int = EXAMPLES, batch: int = BATCH,
                         updates: int = UPDATES) -> list[SideBySideResult]:
    """Train each model's runs the three ways; check the weights agree, then time them."""
    if updates * batch % examples:
        raise ValueError("updates must make whole passes, so that train() does the same steps")
    x, labels, sets = _data(runs, examples)
    results = []
    for name, build in notebook_models().items():
        start = time.perf_counter()
        alone = []
        for r, examples_of_run in enumerate(sets):
            model = build(np.random.default_rng(r))
            cu.train(model, x[examples_of_run], labels[examples_of_run],
                     epochs=updates * batch // examples, batch_size=batch, learning_rate=0.01,
                     seed=r, progress=False, accuracy_each_epoch=False)
            alone.append(model)
        one_after_another = time.perf_counter() - start
        seconds, stacks = {}, {}
        for dtype in (np.float64, np.float32):
            stack = cu.SideBySide([build(np.random.default_rng(r)) for r in range(runs)],
                                  dtype=dtype)
            start = time.perf_counter()
            cu.train_side_by_side(stack, x, labels, sets, updates=updates, batch_size=batch,
                                  learning_rates=[0.01] * runs, seeds=list(range(runs)))
            seconds[dtype], stacks[dtype] = time.perf_counter() - start, stack
        largest = max(
            float(np.abs(a.params[p] - b.params[p]).max() / np.abs(a.params[p]).max())
            for r, model in enumerate(alone)
            for a, b in zip(model.layers, stacks[np.float64].model(r).layers) for p in a.params)
        if largest > 1e-8:
            raise AssertionError(f"{name}: side by side in float64 ended {largest:.1e} away "
                                 "from one after another; the same runs must give the same "
                                 "weights")
        results.append(SideBySideResult(name, runs, updates, one_after_another,
                                        seconds[np.float64], seconds[np.float32], largest))
    return results


def side_by_side_lines(results: list[SideBySideResult]) -> list[str]:
    """The table of RESULTS.md."""
    lines = ["| Model | Runs x updates | One after another (s) | Side by side, float64 (s) | "
             "Side by side, float32 (s) | Faster | Weights apart (float64) |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.model} | {r.runs} x {r.updates} | {r.one_after_another:.2f} | "
                     f"{r.side_by_side_float64:.2f} | {r.side_by_side_float32:.2f} | "
                     f"**{r.speedup:.1f}x** | {r.largest_difference:.0e} |")
    return lines
