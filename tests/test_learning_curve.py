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


# ---- stopping on a plateau -------------------------------------------------------------

def test_loss_plateaued_compares_the_last_window_with_the_one_before():
    # falling by half every epoch: never flat
    assert not cu.loss_plateaued([1.0, 0.5, 0.25, 0.125], window=2, tolerance=0.01)
    # windows of 2: mean 0.2 then 0.199, a fall of 0.5%, under a tolerance of 1%
    assert cu.loss_plateaued([1.0, 0.5, 0.2, 0.2, 0.2, 0.198], window=2, tolerance=0.01)
    # the same fall, but a tolerance of 0.1%: still falling
    assert not cu.loss_plateaued([1.0, 0.5, 0.2, 0.2, 0.2, 0.198], window=2, tolerance=0.001)
    # a rising loss has stopped falling
    assert cu.loss_plateaued([0.3, 0.3, 0.4, 0.5], window=2, tolerance=0.01)
    # fewer than two windows of epochs: too early to say
    assert not cu.loss_plateaued([0.3, 0.3, 0.3], window=2, tolerance=0.01)


def noisy_data():
    """data() with every fourth label flipped: the loss levels off above 0 (separable data's
    loss keeps falling, by about the same share each epoch, and never plateaus)."""
    x, labels = data()
    labels = labels.copy()
    labels[::4] = 1 - labels[::4]
    return x, labels


def test_training_stops_on_the_plateau_and_says_so():
    x, labels = noisy_data()
    model = tiny(np.random.default_rng(0))
    history = cu.train(model, x, labels, epochs=2000, batch_size=8, learning_rate=0.05,
                       seed=0, progress=False, plateau=(5, 0.01))
    assert history.plateaued and len(history.loss) < 2000
    # it stopped at the first epoch where the criterion held, and not before
    assert cu.loss_plateaued(history.loss, 5, 0.01)
    assert not any(cu.loss_plateaued(history.loss[:e], 5, 0.01)
                   for e in range(1, len(history.loss)))
    assert len(history.train_accuracy) == len(history.loss)
    capped = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=3, batch_size=8,
                      learning_rate=0.05, seed=0, progress=False, plateau=(5, 0.01))
    assert not capped.plateaued and len(capped.loss) == 3


def test_accuracy_after_the_last_epoch_only_changes_nothing_else():
    x, labels = data()
    every = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=4, batch_size=8,
                     seed=1, progress=False)
    last = cu.train(tiny(np.random.default_rng(0)), x, labels, epochs=4, batch_size=8,
                    seed=1, progress=False, accuracy_each_epoch=False)
    assert last.loss == every.loss  # measuring the accuracy does not touch the training
    assert len(every.train_accuracy) == 4 and last.train_accuracy == every.train_accuracy[-1:]


def test_learning_curve_keeps_every_run_and_can_stop_on_a_plateau():
    x, labels = noisy_data()
    folds = cu.stratified_folds(labels, 2, seed=0)
    curve = cu.learning_curve({"a": tiny}, x, labels, folds, [2, 5], updates=5)
    assert set(curve.histories) == {("a", m, k) for m in (2, 5) for k in range(2)}
    # 5 per class with batches of up to 32: one update per pass, so 5 passes
    assert all(len(curve.histories["a", 5, k].loss) == 5 for k in range(2))
    stopped = cu.learning_curve({"a": tiny}, x, labels, folds, [5], updates=3000,
                                learning_rate=0.05, plateau=(5, 0.01))
    runs = [stopped.histories["a", 5, k] for k in range(2)]
    assert all(h.plateaued and len(h.loss) < 3000 for h in runs)
    assert all(h.loss[-1] < h.loss[0] for h in runs)
