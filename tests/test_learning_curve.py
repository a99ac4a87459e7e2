"""The learning-curve runner: nested training sets, the same start for every run, seeded."""

import numpy as np
import pytest

import course_utils as cu


def tiny(rng):
    return cu.Sequential([cu.Flatten(), cu.Dense(4, 2, rng=rng)])


def data():
    rng = np.random.default_rng(0)
    labels = np.array([0, 1] * 20)
    # class 1 is bright in the first pixel, class 0 in the last: easy to learn
    x = rng.normal(scale=0.1, size=(40, 1, 2, 2))
    x[labels == 1, 0, 0, 0] += 1.0
    x[labels == 0, 0, 1, 1] += 1.0
    return x, labels


def test_learning_curve_shapes_models_and_starting_weights():
    x, labels = data()
    folds = cu.stratified_folds(labels, 4, seed=0)
    curve = cu.learning_curve({"a": tiny, "b": tiny}, x, labels, folds, [1, 3, 15],
                              updates=20)
    assert curve.sizes == (1, 3, 15)
    assert set(curve.accuracy) == {"a", "b"}
    assert all(a.shape == (3, 4) for a in curve.accuracy.values())
    assert set(curve.models) == {(n, k) for n in "ab" for k in range(4)}
    start = tiny(np.random.default_rng(0)).layers[1].params["w"]
    assert np.array_equal(curve.initial["a"].layers[1].params["w"], start)
    # the same builder and seeds give the same runs; an easy task is learned at 15 per class
    assert np.array_equal(curve.accuracy["a"], curve.accuracy["b"])
    assert curve.accuracy["a"][-1].mean() > 0.9
    trained = curve.models["a", 0].layers[1].params["w"]
    assert not np.array_equal(trained, start)


def test_learning_curve_is_reproducible_and_seeded():
    x, labels = data()
    folds = cu.stratified_folds(labels, 2, seed=0)
    first = cu.learning_curve({"a": tiny}, x, labels, folds, [2, 5], updates=5)
    second = cu.learning_curve({"a": tiny}, x, labels, folds, [2, 5], updates=5)
    assert np.array_equal(first.accuracy["a"], second.accuracy["a"])
    w1 = first.models["a", 1].layers[1].params["w"]
    assert np.array_equal(w1, second.models["a", 1].layers[1].params["w"])
    other = cu.learning_curve({"a": tiny}, x, labels, folds, [2, 5], updates=5, seed=7)
    assert not np.array_equal(w1, other.models["a", 1].layers[1].params["w"])


def test_learning_curve_refuses_a_pool_that_overlaps_its_test_set():
    x, labels = data()
    with pytest.raises(ValueError, match="share examples"):
        cu.learning_curve({"a": tiny}, x, labels, [(np.arange(30), np.arange(25, 40))], [2])


def test_learning_curve_figure_has_one_line_per_model_and_log_sizes():
    import matplotlib.pyplot as plt

    accuracy = {"conv": np.array([[0.8, 0.9, 0.85], [0.9, 0.95, 1.0]]),
                "local": np.array([[0.7, 0.9, 0.8], [0.95, 0.95, 0.9]])}
    figure = cu.plot_learning_curve([5, 10], accuracy, title="t")
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["conv", "local"]
    # the error bar of 'conv' at 5 per class spans its t-interval
    interval = cu.t_interval([0.8, 0.9, 0.85])
    segments = ax.containers[0].lines[2][0].get_segments()
    low, high = segments[0][0][1], segments[0][1][1]
    assert (low, high) == pytest.approx((interval.low, interval.high))
    plt.close(figure)
