"""An experiment's runs and its learning curve: what varies is sampled, settings never see the test."""

import numpy as np
import pytest

import course_utils as cu
from course_utils.nn import experiment


def data(count=120, size=9):
    """An easy task: class 1 has a bright middle row; noise everywhere."""
    rng = np.random.default_rng(0)
    labels = np.array([0, 1] * (count // 2))
    x = rng.normal(scale=0.5, size=(count, 1, size, size))
    x[labels == 1, 0, size // 2, :] += 1.0
    return x, labels


def small(rng):
    return cu.Sequential([cu.Conv2D(1, 2, 3, stride=2, rng=rng), cu.ReLU(), cu.Flatten(),
                          cu.Dense(2 * 4 * 4, 2, rng=rng)])


def pooled(rng):
    return cu.Sequential([cu.LocallyConnected2D(1, 2, 3, 9, stride=2, rng=rng), cu.ReLU(),
                          cu.GlobalAveragePool2D(), cu.Dense(2, 2, rng=rng)])


def plan(streams=2, folds=3):
    x, labels = data()
    return x, labels, cu.plan_runs(labels, cu.stratified_folds(labels, folds, seed=0),
                                   streams=streams, validation_per_class=10)


def test_runs_keep_test_validation_and_training_apart_and_nest_the_training_sets():
    _, labels, runs = plan(streams=3)
    assert [(run.fold, run.stream) for run in runs] == [(k, s) for k in range(3) for s in range(3)]
    for run in runs:
        test, validation, largest = set(run.test), set(run.validation), set(run.training_set(30))
        assert not test & validation and not largest & (test | validation)
        assert set(run.training_set(5)) <= set(run.training_set(10)) <= largest
        assert np.bincount(labels[run.training_set(5)]).tolist() == [5, 5]
        assert np.bincount(labels[run.validation]).tolist() == [10, 10]
    # the streams of a fold share its test set, and split its pool differently
    assert runs[0].test.tolist() == runs[1].test.tolist()
    assert runs[0].validation.tolist() != runs[1].validation.tolist()
    assert runs[0].training_set(5).tolist() != runs[1].training_set(5).tolist()
    a, b = (runs[0].initial_weights().standard_normal(3) for _ in range(2))
    assert a.tolist() == b.tolist()  # the same run starts from the same weights every time
    assert a.tolist() != runs[1].initial_weights().standard_normal(3).tolist()


def test_a_plan_with_another_seed_draws_other_runs():
    _, labels, runs = plan()
    other = cu.plan_runs(labels, cu.stratified_folds(labels, 3, seed=0), streams=2,
                         validation_per_class=10, seed=100)
    assert runs[0].validation.tolist() != other[0].validation.tolist()
    assert runs[0].test.tolist() == other[0].test.tolist()  # the folds are the folds


def curve(builders=None, **changes):
    x, labels, runs = plan()
    arguments = {"learning_rates": [0.003, 0.03], "tune_at": 10, "checkpoints": [10, 40]}
    arguments.update(changes)
    return cu.learning_curve(builders or {"small": small, "pooled": pooled}, x, labels, runs,
                             [5, 10, 20], **arguments), x, labels, runs


def test_the_curve_reports_each_runs_test_accuracy_of_the_model_it_keeps():
    result, x, labels, runs = curve()
    assert result.sizes == (5, 10, 20) and len(result.runs) == 6
    for name in ("small", "pooled"):
        assert result.accuracy[name].shape == result.validation[name].shape == (3, 6)
        assert result.updates[name].shape == (3, 3) and result.learning_rate[name].shape == (3,)
        assert set(result.learning_rate[name]) <= {0.003, 0.03}
        assert set(result.updates[name].ravel()) <= {10, 40}
        for r, run in enumerate(runs):  # the kept models give the reported numbers
            model = result.models[name, r]
            assert cu.accuracy(model, x[run.test].astype(np.float32), labels[run.test]) \
                == pytest.approx(result.accuracy[name][-1, r])
            start = result.initial[name, r].layers[0].params["w"]
            assert np.array_equal(start, small(run.initial_weights()).layers[0].params["w"]
                                  if name == "small" else
                                  pooled(run.initial_weights()).layers[0].params["w"])
    assert result.accuracy["small"][-1].mean() > 0.8  # the task is learned


def test_the_test_images_never_choose_a_setting(monkeypatch):
    # the same experiment with every test measurement replaced by noise chooses the same
    # learning rates and lengths: only the validation images choose
    honest, *_ = curve()
    train_runs = experiment.train_runs
    rng = np.random.default_rng(0)

    def scrambled(*args, **kwargs):
        side_by_side, history = train_runs(*args, **kwargs)
        history.accuracy["test"] = rng.uniform(size=history.accuracy["test"].shape)
        history.loss["test"] = rng.uniform(size=history.loss["test"].shape)
        return side_by_side, history

    monkeypatch.setattr(experiment, "train_runs", scrambled)
    noisy, *_ = curve()
    for name in honest.learning_rate:
        assert honest.learning_rate[name].tolist() == noisy.learning_rate[name].tolist()
        assert honest.updates[name].tolist() == noisy.updates[name].tolist()
        assert not np.array_equal(honest.accuracy[name], noisy.accuracy[name])


def test_the_validation_images_do_choose_the_learning_rate(monkeypatch):
    # make the larger rate look better on validation in every fold: it is chosen everywhere
    train_runs = experiment.train_runs

    def favour_the_larger_rate(build, x, labels, runs, per_class, *, learning_rates, **kwargs):
        side_by_side, history = train_runs(build, x, labels, runs, per_class,
                                           learning_rates=learning_rates, **kwargs)
        rates = np.asarray(learning_rates, dtype=float).reshape(len(history.accuracy["validation"]), -1)
        history.accuracy["validation"] = np.repeat(rates[:, :1], 2, axis=1) * 10 + 0.5
        return side_by_side, history

    monkeypatch.setattr(experiment, "train_runs", favour_the_larger_rate)
    result, *_ = curve()
    assert set(result.learning_rate["small"]) == {0.03}


def test_repeating_the_runs_on_the_same_data_gives_the_same_numbers():
    result, x, labels, runs = curve({"pooled": pooled})
    again = cu.repeat_runs(result, "pooled", pooled, x, labels)
    np.testing.assert_allclose(again.accuracy, result.accuracy["pooled"][-1])
    np.testing.assert_allclose(again.validation, result.validation["pooled"][-1])
    shuffled = np.random.default_rng(0).permutation(labels)
    control = cu.repeat_runs(result, "pooled", pooled, x, labels, train_labels=shuffled)
    assert control.accuracy.mean() < result.accuracy["pooled"][-1].mean()


def test_accuracy_by_shift_averages_every_move_of_each_size():
    images = np.zeros((4, 7, 7))
    images[:2, 3, 3] = 1.0  # class 1: one bright pixel in the middle
    labels = np.array([1, 1, 0, 0])
    rng = np.random.default_rng(0)
    # a model that answers "1" when the brightest pixel of the image is bright enough
    brightness = cu.Sequential([cu.Flatten(), cu.Dense(49, 2, rng=rng)])
    brightness.layers[1].params["w"][:] = np.array([[0.0, 1.0]] * 49)
    brightness.layers[1].params["b"][:] = [0.5, 0.0]
    # edge fill keeps the pixel when it moves: the sum is the same everywhere
    assert cu.accuracy_by_shift(brightness, images, labels, 2).tolist() == [1.0, 1.0, 1.0]
    # a model that looks only at the middle pixel: any move loses it
    middle = cu.Sequential([cu.Flatten(), cu.Dense(49, 2, rng=rng)])
    middle.layers[1].params["w"][:] = 0.0
    middle.layers[1].params["w"][24] = [0.0, 1.0]
    middle.layers[1].params["b"][:] = [0.5, 0.0]
    # moved, class 1 is missed (half the images), class 0 still right
    assert cu.accuracy_by_shift(middle, images, labels, 1).tolist() == [1.0, 0.5]


@pytest.mark.parametrize("call, error, words", [
    (lambda: cu.plan_runs(np.array([0.0, 1.0]), [], streams=1, validation_per_class=1),
     TypeError, "labels"),
    (lambda: cu.plan_runs(np.array([0, 1] * 5), [(np.arange(6), np.arange(5, 10))], streams=1,
                          validation_per_class=1), ValueError, "share examples"),
    (lambda: cu.plan_runs(np.array([0, 1] * 5), [(np.arange(6), np.arange(6, 10))], streams=1,
                          validation_per_class=3), ValueError, "validation_per_class"),
    (lambda: plan()[2][0].training_set(40), ValueError, "per_class"),
    (lambda: cu.learning_curve({}, *plan(), [5], learning_rates=[0.01], tune_at=5,
                               checkpoints=[5]), TypeError, "builders"),
    (lambda: cu.learning_curve({"s": small}, *plan(), [10, 5], learning_rates=[0.01], tune_at=5,
                               checkpoints=[5]), ValueError, "sizes"),
    (lambda: cu.learning_curve({"s": small}, *plan()[:2], ["run"], [5], learning_rates=[0.01],
                               tune_at=5, checkpoints=[5]), TypeError, "runs"),
    (lambda: cu.train_runs(small, *plan(), 5, learning_rates=[0.01], updates=5, checkpoints=[5]),
     ValueError, "learning_rates"),
    (lambda: cu.repeat_runs("curve", "small", small, *plan()[:2]), TypeError, "curve"),
    (lambda: cu.accuracy_by_shift(small, np.zeros((2, 9, 9)), np.array([0, 1]), 1), TypeError,
     "model"),
])
def test_bad_arguments_are_refused_by_name(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_uninformative_labels_say_nothing_about_the_true_class():
    labels = np.array([0] * 6 + [1] * 4)
    drawn = cu.uninformative_labels(labels, 3, seed=0)
    assert drawn.shape == (3, 10)
    for row in drawn:  # within each true class, the drawn classes are dealt evenly
        assert np.bincount(row[labels == 0]).tolist() == [3, 3]
        assert np.bincount(row[labels == 1]).tolist() == [2, 2]
    assert drawn[0].tolist() != drawn[1].tolist()  # each run its own
    assert np.array_equal(drawn, cu.uninformative_labels(labels, 3, seed=0))


def test_runs_that_train_on_labels_of_their_own_are_measured_with_the_true_ones():
    x, labels, runs = plan()
    own = cu.uninformative_labels(labels, len(runs), seed=0)
    _, history = cu.train_runs(small, x, labels, runs, 20, learning_rates=[0.03] * len(runs),
                               updates=40, checkpoints=[40], train_labels=own)
    assert abs(history.accuracy["test"].mean() - 0.5) < 0.15  # nothing to learn
    _, honest = cu.train_runs(small, x, labels, runs, 20, learning_rates=[0.03] * len(runs),
                              updates=40, checkpoints=[40])
    assert honest.accuracy["test"].mean() > history.accuracy["test"].mean() + 0.2
